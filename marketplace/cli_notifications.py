"""Commands run by a scheduler (cron, a job queue): flask notifications deliver."""

import click
from flask.cli import AppGroup

notifications_cli = AppGroup("notifications", help="Notification delivery.")


@notifications_cli.command("deliver")
@click.option("--limit", default=500, show_default=True, help="At most this many per run.")
def deliver_command(limit: int) -> None:
    """E-mail the notifications not yet e-mailed (SMTP if MAIL_SERVER is set, else the log)."""
    from .services.notify.mail import deliver_pending

    count = deliver_pending(limit=limit)
    click.echo(f"Delivered {count} notification(s).")
