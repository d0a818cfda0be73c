"""flask placement run: a placement run from the command line (a scheduler, or a quick look)."""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .bounds import INT_MAX, SCHEDULE
from .errors import DomainError
from .extensions import db
from .models import Role, User, utcnow

placement_cli = AppGroup("placement", help="Placement runs.")
ID = click.IntRange(1, INT_MAX)  # an id the database can hold


def _actor(user_id: int | None) -> User:
    # The command acts as a person, so the audit trail names who ran it.
    if user_id is not None:
        user = db.session.get(User, user_id)
    else:
        user = db.session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id))
    if user is None:
        raise click.ClickException("No such user; pass --as with a moderator's or admin's id.")
    return user


def _fail(error: DomainError) -> click.ClickException:
    details = "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in error.fields.items())
    return click.ClickException(f"{error.message} {details}".strip())


@placement_cli.command("run")
@click.option("--association", "association_id", type=ID, required=True, help="Association id.")
@click.option(
    "--days",
    type=click.IntRange(1, SCHEDULE.ahead.days),
    default=14,
    show_default=True,
    help="Window: shifts starting from now.",
)
@click.option("--objective", type=click.Choice(["fill", "score"]), default="fill")
@click.option("--as", "user_id", type=ID, help="Id of the moderator or admin (default: admin).")
@click.option("--send", is_flag=True, help="Send the offers at once instead of leaving a review.")
def run_command(association_id, days, objective, user_id, send) -> None:
    """Run a placement in this process and print what it found."""
    from datetime import timedelta

    from .services.placement import runs as placement

    current_app.config["JOB_BACKEND"] = "eager"  # the command waits for its own run
    actor = _actor(user_id)
    now = utcnow()
    try:
        run = placement.start_run(actor, association_id, now, now + timedelta(days=days), objective)
        run = placement.get_run(actor, run.id)
        click.echo(
            f"run #{run.id} {run.status.value}: {run.shift_count} shifts, {run.places_open}"
            f" open places, {run.candidate_count} candidates, {run.pair_count} pairs;"
            f" filled {run.filled}, total score {run.total_score:.3f}"
            f" ({run.method}, {run.solver_seconds:.2f} s)"
        )
        if run.error:
            raise click.ClickException(str(placement.failure_message(run)))
        if send:
            outcome = placement.apply_run(actor, run.id)
            click.echo(f"offered {outcome.offered}, skipped {outcome.skipped}")
    except DomainError as error:
        raise _fail(error) from error
