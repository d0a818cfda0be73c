"""flask roster sample / flask roster import: generate a roster and import a file, timed."""

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .bounds import INT_MAX
from .errors import DomainError
from .extensions import db
from .models import Factory, Role, Skill, User

roster_cli = AppGroup("roster", help="Roster imports.")
ID = click.IntRange(1, INT_MAX)  # an id the database can hold


@roster_cli.command("sample")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rows", default=20_000, show_default=True, help="How many people.")
@click.option("--lender", "lender_id", type=ID, help="Factory id lending the idle employees.")
@click.option("--seed", default=2020, show_default=True)
def sample_command(path: Path, rows: int, lender_id: int | None, seed: int) -> None:
    """Write a valid roster of generated people (XLSX, or CSV when PATH ends in .csv)."""
    from .services.organisations import reference
    from .services.roster.template import rows_to_csv, rows_to_xlsx, sample_rows

    lender = db.session.get(Factory, lender_id) if lender_id else None
    skills = [s.name_zh for s in db.session.scalars(select(Skill).order_by(Skill.id).limit(20))]
    districts = [d.code for d in reference.districts()]
    if not skills or not districts:
        raise click.ClickException("No skills or districts: run flask seed-demo first.")
    generated = sample_rows(
        rows,
        skills=skills,
        districts=districts,
        lender_uscc=lender.uscc if lender else "",
        seed=seed,
    )
    write = rows_to_csv if path.suffix.lower() == ".csv" else rows_to_xlsx
    path.write_bytes(write(generated))
    click.echo(f"wrote {rows} rows to {path}")


@roster_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--association", "association_id", type=ID, help="Import for this association.")
@click.option("--factory", "factory_id", type=ID, help="Import a factory's own staff.")
@click.option("--as", "user_id", type=ID, required=True, help="Id of the moderator or owner.")
def import_command(path: Path, association_id, factory_id, user_id: int) -> None:
    """Import a roster file in this process and print how long it took."""
    from .services.roster import imports as roster

    current_app.config["JOB_BACKEND"] = "eager"  # the command waits for its own import
    actor = db.session.get(User, user_id)
    if actor is None or actor.role == Role.WORKER:
        raise click.ClickException("No such moderator, owner or admin.")
    started = time.perf_counter()
    try:
        job = roster.start_import(
            actor,
            path.name,
            path.read_bytes(),
            association_id=association_id,
            factory_id=factory_id,
        )
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    job = roster.get_import(actor, job.id)
    click.echo(
        f"import #{job.id} {job.status.value} in {time.perf_counter() - started:.1f} s:"
        f" {job.rows_total} rows, {job.created_count} created, {job.updated_count} updated,"
        f" {job.unchanged_count} unchanged, {job.refused_count} refused {job.error}".rstrip()
    )
