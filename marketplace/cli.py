"""Flask commands: flask seed-demo, flask create-user (and the groups they add)."""

import click
from flask import Flask, current_app
from sqlalchemy import or_, select

from .cli_backup import backup_command, restore_command
from .cli_database import create_database_command
from .cli_jobs import jobs_cli, offers_cli
from .cli_notifications import notifications_cli
from .cli_placement import placement_cli
from .cli_roster import roster_cli
from .errors import DomainError
from .extensions import db
from .models import Association, Role


@click.command("seed-demo")
@click.option("--workers", default=2000, show_default=True, help="How many workers to create.")
@click.option("--seed", default=2020, show_default=True, help="Random seed (same seed, same data).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has data.")
@click.option(
    "--allow-production", is_flag=True, help="Seed even with production settings (demo only)."
)
def seed_demo_command(workers: int, seed: int, if_empty: bool, allow_production: bool) -> None:
    """Load deterministic demo data for Shaoxing."""
    from .demo.seed import DEMO_LOGINS, database_is_empty, seed_demo

    if current_app.config.get("PRODUCTION") and not allow_production:
        raise click.ClickException(
            "Production settings: the demo data has an admin with a published password."
            " Use --allow-production only for a demonstration server."
        )
    if not database_is_empty():
        if if_empty:
            click.echo("The database already has data; not seeding.")
            return
        raise click.ClickException("The database is not empty; seed an empty database.")
    counts = seed_demo(workers=workers, seed=seed)
    for table, count in counts.items():
        click.echo(f"{table:>24}: {count}")
    click.echo(DEMO_LOGINS)


def _find_association(value: str | None) -> Association | None:
    if not value:
        return None
    conditions = [Association.name == value, Association.name_en == value]
    if value.isdigit():
        conditions.append(Association.id == int(value))
    return db.session.scalar(select(Association).where(or_(*conditions)))


@click.command("create-user")
@click.option("--role", type=click.Choice([Role.MODERATOR.value, Role.ADMIN.value]), required=True)
@click.option("--association", help="Association id or name (moderators).")
@click.option("--name", required=True)
@click.option("--mobile", default="")
@click.option("--email", default="")
@click.password_option()
def create_user_command(role, association, name, mobile, email, password) -> None:
    """Create a moderator (of an association) or an admin."""
    from .services.accounts.registration import Credentials, create_staff_user

    found = _find_association(association)
    if association and found is None:
        raise click.BadParameter(f"no association {association!r}", param_hint="--association")
    creds = Credentials(name=name, password=password, mobile=mobile, email=email)
    try:
        user = create_staff_user(creds, Role(role), found.id if found else None)
    except DomainError as exc:
        details = "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in exc.fields.items())
        raise click.ClickException(f"{exc.message} {details}".strip()) from exc
    click.echo(f"Created {role} #{user.id} {user.name}")


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(offers_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(notifications_cli)
    app.cli.add_command(placement_cli)
    app.cli.add_command(roster_cli)
    app.cli.add_command(create_database_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
