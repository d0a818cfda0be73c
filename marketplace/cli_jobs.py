"""Commands run by a scheduler (cron, a job queue): flask offers expire."""

import click
from flask.cli import AppGroup

offers_cli = AppGroup("offers", help="Offer housekeeping.")


@offers_cli.command("expire")
def expire_offers_command() -> None:
    """Expire offers past their deadline and pass their places to the waiting lists."""
    from .services.offers import expire_offers

    count = expire_offers()
    click.echo(f"Expired {count} offer(s).")
