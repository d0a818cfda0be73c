"""Backups of the SQLite database: a consistent copy while the app writes, and a safe restore.

Both directions use SQLite's online backup API (``sqlite3.Connection.backup``), never a file
copy: a copy of a file that is being written can catch half a transaction, and a file replaced
under open connections can be read half old, half new. The backup API copies pages under
SQLite's own locks, so a reader sees either the whole old database or the whole new one.

PostgreSQL is backed up with its own tools (pg_dump -Fc / pg_restore); see the README.
No Flask here: the command in cli_backup.py passes the database URL and paths in.
"""

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from config import BASE_DIR, INSTANCE_DIR

BACKUP_DIR = INSTANCE_DIR / "backups"
MIGRATIONS_DIR = BASE_DIR / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"


class BackupError(Exception):
    """A backup or restore that was refused or failed; the message says why."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int


@dataclass(frozen=True)
class RestoreCheck:
    """What a candidate file holds: its schema revision and whether that is the head."""

    revision: str
    head: str

    @property
    def needs_upgrade(self) -> bool:
        return self.revision != self.head


def sqlite_path(database_url: str) -> Path:
    """The file of a SQLite database URL; refuses other databases and in-memory ones."""
    url = sa.engine.make_url(database_url)
    if url.get_backend_name() == "postgresql":
        libpq = url.set(drivername="postgresql").render_as_string(hide_password=True)
        raise BackupError(
            "The database is PostgreSQL: back it up with its own tools, as the README's Backups"
            f' section shows: pg_dump -Fc -f marketplace-$(date +%Y%m%d-%H%M%S).dump "{libpq}"'
            " (and pg_restore --clean --if-exists -d DATABASE FILE to restore)."
        )
    if url.get_backend_name() != "sqlite":
        raise BackupError(f"The database is {url.get_backend_name()}: only SQLite is handled.")
    name = url.database or ""
    if name.startswith("file:"):  # a URI filename (uri=true): the path ends at the query
        name = name[len("file:") :].split("?", 1)[0]
    if not name or name == ":memory:":
        raise BackupError("The database is in memory: there is no file to back up.")
    return Path(name)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def default_backup_path() -> Path:
    """instance/backups/marketplace-YYYYmmdd-HHMMSS.db, in UTC."""
    return BACKUP_DIR / f"marketplace-{_stamp()}.db"


def before_restore_path(live: Path) -> Path:
    """Where the live database is kept before a restore: beside it, stamped in UTC."""
    return live.with_name(f"{live.stem}-before-restore-{_stamp()}{live.suffix}")


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    else:
        connection = sqlite3.connect(path, timeout=30)
    connection.execute("PRAGMA busy_timeout=30000")
    return connection


def integrity_problems(path: Path) -> list[str]:
    """PRAGMA integrity_check of a file: an empty list when it is sound."""
    connection = _connect(path, read_only=True)
    try:
        rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:
        return [str(error)]
    finally:
        connection.close()
    return [] if rows == ["ok"] else rows


def _copy(source: Path, destination: Path) -> None:
    """All pages of source into destination in one step of the backup API."""
    src = _connect(source, read_only=True)
    try:
        dst = _connect(destination)
        try:
            # One step: the source stays read-locked and the destination write-locked for the
            # whole copy, so the copy is one committed state and nobody reads it half-done.
            # (Stepwise copying would restart whenever someone else writes.)
            src.backup(dst, pages=-1)
        finally:
            dst.close()
    except sqlite3.Error as error:
        raise BackupError(f"Copying {source} to {destination} failed: {error}") from error
    finally:
        src.close()


def backup_sqlite(source: Path, destination: Path) -> BackupResult:
    """Copy a live SQLite database consistently to a new file, checked before it is kept."""
    if not source.is_file():
        raise BackupError(f"There is no database file at {source}.")
    if destination.exists():
        raise BackupError(f"{destination} exists already; choose another path.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        _copy(source, partial)
        problems = integrity_problems(partial)
        if problems:
            raise BackupError("The copy failed its integrity check: " + "; ".join(problems[:5]))
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(destination)  # a backup file under its final name is always complete
    return BackupResult(destination, destination.stat().st_size)


def head_revision() -> str:
    """The Alembic head of this code's migrations."""
    heads = ScriptDirectory(str(MIGRATIONS_DIR)).get_heads()
    if len(heads) != 1:
        raise BackupError(f"The migrations have {len(heads)} heads; merge them first.")
    return heads[0]


def _known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()}


def check_restorable(path: Path) -> RestoreCheck:
    """Refuse a file that is not a sound SQLite database of this app at a known revision."""
    if not path.is_file():
        raise BackupError(f"There is no file at {path}.")
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a SQLite database.")
    problems = integrity_problems(path)
    if problems:
        raise BackupError(f"{path} fails its integrity check: " + "; ".join(problems[:5]))
    connection = _connect(path, read_only=True)
    try:
        revisions = [
            row[0] for row in connection.execute("SELECT version_num FROM alembic_version")
        ]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a database of this app ({error}).") from error
    finally:
        connection.close()
    if len(revisions) != 1 or revisions[0] not in _known_revisions():
        raise BackupError(
            f"{path} is at schema revision {', '.join(revisions) or 'none'}, which this code does"
            " not know (a newer version of the app, or another application): not restored."
        )
    return RestoreCheck(revisions[0], head_revision())


def _matching_version_of(path: Path) -> int | None:
    """The matching data's version stamp, or None (no file, or older than that migration)."""
    if not path.exists():
        return None
    connection = _connect(path, read_only=True)
    try:
        row = connection.execute("SELECT version FROM matching_state WHERE id = 1").fetchone()
    except sqlite3.DatabaseError:
        return None
    finally:
        connection.close()
    return row[0] if row else None


@dataclass(frozen=True)
class Restored:
    check: RestoreCheck
    kept: Path | None  # the live database as it was before, if there was one


def restore_sqlite(candidate: Path, live: Path, previous: Path) -> Restored:
    """Replace the live database's content with a backup that passes check_restorable.

    The live database, if there is one, is first backed up to ``previous``, so a mistaken
    restore can be undone.
    """
    check = check_restorable(candidate)
    if live.exists() and candidate.resolve() == live.resolve():
        raise BackupError("The backup and the live database are the same file.")
    kept = backup_sqlite(live, previous).path if live.exists() else None
    before = _matching_version_of(live) or 0
    _copy(candidate, live)
    # Cached matching indexes compare this number; move it past any they may hold.
    restored = _matching_version_of(live)
    if restored is not None:
        connection = _connect(live)
        try:
            with connection:
                connection.execute(
                    "UPDATE matching_state SET version = ? WHERE id = 1",
                    (max(before, restored) + 1,),
                )
        finally:
            connection.close()
    return Restored(check, kept)
