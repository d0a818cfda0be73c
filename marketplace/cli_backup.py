"""flask backup / flask restore: the SQLite database copied out and back in, checked both ways."""

from pathlib import Path

import click
from flask import current_app

from .extensions import db
from .services.platform import backups


def _live_path() -> Path:
    try:
        return backups.sqlite_path(current_app.config["SQLALCHEMY_DATABASE_URI"])
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error


@click.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path | None) -> None:
    """Copy the SQLite database to PATH (default: instance/backups/marketplace-<UTC time>.db)."""
    live = _live_path()
    try:
        result = backups.backup_sqlite(live, path or backups.default_backup_path())
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{result.path} {result.size} bytes, integrity check ok")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Really replace the live database.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the SQLite database with the backup at PATH (the current one is kept first)."""
    live = _live_path()
    try:
        if not yes:
            check = backups.check_restorable(path)
            raise click.ClickException(
                f"{path} is a sound backup at revision {check.revision}. Restoring replaces"
                f" everything in {live}; stop the app, then run again with --yes."
            )
        db.engine.dispose()  # this process holds no connection to the file being replaced
        # restore_sqlite checks the file itself before it replaces anything.
        restored = backups.restore_sqlite(path, live, backups.before_restore_path(live))
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    check = restored.check
    click.echo(f"Restored {path} into {live}.")
    if restored.kept:
        click.echo(f"The database as it was is kept at {restored.kept}.")
    if check.needs_upgrade:
        click.echo(f"The backup is at revision {check.revision}, older than {check.head}:")
        click.echo("run `flask db upgrade` before starting the app.")
