"""Commands run by a scheduler (cron, a job queue): flask offers expire; flask jobs worker."""

import click
from flask import current_app
from flask.cli import AppGroup

offers_cli = AppGroup("offers", help="Offer housekeeping.")
jobs_cli = AppGroup("jobs", help="The job queue (JOB_BACKEND=rq, REDIS_URL).")


@offers_cli.command("expire")
def expire_offers_command() -> None:
    """Expire offers past their deadline and pass their places to the waiting lists."""
    from .services.applications.offer_expiry import expire_offers

    count = expire_offers()
    click.echo(f"Expired {count} offer(s).")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs queued now, then exit.")
@click.option(
    "--scheduler/--no-scheduler",
    default=True,
    show_default=True,
    help="Also run the periodic tasks (offer expiry, the sweep for lost jobs).",
)
def worker_command(burst: bool, scheduler: bool) -> None:
    """Run jobs from the Redis queue, each in its own app context, until stopped."""
    from .job_worker import run_worker

    run_worker(current_app._get_current_object(), burst=burst, scheduler=scheduler)
