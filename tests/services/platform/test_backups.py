"""Backups: a consistent SQLite copy while the app writes, a checked restore, pg_dump for real.

The SQLite tests run on their own database files (whatever TEST_DATABASE_URL says), migrated
once to head with Alembic and copied per test. The PostgreSQL test runs the documented
pg_dump / pg_restore procedure when TEST_DATABASE_URL is PostgreSQL and the tools are here.
"""

import hashlib
import os
import shutil
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from config import TestConfig
from marketplace import create_app
from marketplace.extensions import db
from marketplace.models import Skill
from marketplace.services.platform import backups

WRITER_SECONDS = 60  # the writer's upper bound, should the test fail before stopping it


def _migrated(path, revision="head"):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        upgrade(revision=revision)
        db.engine.dispose()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A SQLite file at the Alembic head, copied by each test (it is never opened live)."""
    path = tmp_path_factory.mktemp("backups") / "template.db"
    _migrated(path)
    return path


@pytest.fixture
def live(template, tmp_path):
    path = tmp_path / "live.db"
    shutil.copyfile(template, path)
    return path


@pytest.fixture
def sqlite_app(live):
    """The app on the live SQLite file, its context pushed."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{live}")
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _kept(output: str):
    """The path of the pre-restore copy the command reports."""
    line = next(line for line in output.splitlines() if "is kept at" in line)
    return Path(line.rsplit(" ", 1)[1].rstrip("."))


def _codes(path) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        return {row[0] for row in connection.execute("SELECT code FROM skills")}
    finally:
        connection.close()


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_pairs(path, stop: threading.Event, committed: list[int]) -> None:
    """Insert two skills per transaction until stopped; record each committed pair's number."""
    connection = sqlite3.connect(path, timeout=30)
    try:
        n = 0
        while not stop.is_set():
            n += 1
            with connection:
                for half in ("a", "b"):
                    connection.execute(
                        "INSERT INTO skills (code, name_zh, name_en, industry)"
                        " VALUES (?, '探针', 'probe', 'textiles')",
                        (f"probe.{n}.{half}",),
                    )
            committed.append(n)
    finally:
        connection.close()


def _probe_pairs(path) -> list[int]:
    connection = sqlite3.connect(path)
    try:
        codes = [
            r[0] for r in connection.execute("SELECT code FROM skills WHERE code LIKE 'probe.%'")
        ]
    finally:
        connection.close()
    numbers = sorted(int(code.split(".")[1]) for code in codes)
    assert numbers[::2] == numbers[1::2], "a transaction was copied in half"
    return numbers[::2]


def test_a_backup_taken_while_another_thread_writes_is_consistent(live, tmp_path):
    stop, committed = threading.Event(), []
    writer = threading.Thread(target=_write_pairs, args=(live, stop, committed), daemon=True)
    writer.start()
    try:
        while len(committed) < 50 and writer.is_alive():
            stop.wait(0.01)
        assert writer.is_alive(), "the writer stopped before the backup"
        committed_before = committed[-1]
        result = backups.backup_sqlite(live, tmp_path / "copy.db")
    finally:
        stop.set()
        writer.join(WRITER_SECONDS)

    assert result.size == result.path.stat().st_size > 0
    assert backups.integrity_problems(result.path) == []
    pairs = _probe_pairs(result.path)
    assert pairs == list(range(1, len(pairs) + 1))  # one committed state: no gaps
    assert len(pairs) >= committed_before


def test_flask_backup_writes_a_checked_copy_and_restore_brings_a_deleted_row_back(
    sqlite_app, live, tmp_path
):
    db.session.add(
        Skill(code="sock.linking", name_zh="缝头", name_en="Linking", industry="hosiery")
    )
    db.session.commit()
    runner = sqlite_app.test_cli_runner()
    copy = tmp_path / "copy.db"

    made = runner.invoke(args=["backup", str(copy)])
    assert made.exit_code == 0, made.output
    assert str(copy) in made.output and str(copy.stat().st_size) in made.output

    db.session.execute(sa.delete(Skill).where(Skill.code == "sock.linking"))
    db.session.commit()
    refused = runner.invoke(args=["restore", str(copy)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert db.session.scalar(sa.select(Skill).where(Skill.code == "sock.linking")) is None

    other_process = sqlite3.connect(live)  # stays open across the restore, as a server's would
    try:
        restored = runner.invoke(args=["restore", str(copy), "--yes"])
        assert restored.exit_code == 0, restored.output
        seen = other_process.execute("SELECT name_zh FROM skills WHERE code = 'sock.linking'")
        assert seen.fetchall() == [("缝头",)]
    finally:
        other_process.close()
    db.session.remove()
    assert db.session.scalar(sa.select(Skill.name_zh).where(Skill.code == "sock.linking")) == "缝头"
    assert backups.integrity_problems(live) == []
    kept = _kept(restored.output)
    assert kept.parent == live.parent and "sock.linking" not in _codes(
        kept
    )  # the database as it was before the restore


@pytest.mark.parametrize("kind", ["text", "other_schema", "unknown_revision"])
def test_restore_refuses_a_file_that_is_not_a_backup_of_this_app(sqlite_app, live, tmp_path, kind):
    candidate = tmp_path / "candidate.db"
    if kind == "text":
        candidate.write_text("name,mobile\n张三,13800000000\n")
    else:
        connection = sqlite3.connect(candidate)
        with connection:
            if kind == "other_schema":
                connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
            else:
                connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
                connection.execute("INSERT INTO alembic_version VALUES ('ffffffffffff')")
        connection.close()
    before = _digest(live)

    result = sqlite_app.test_cli_runner().invoke(args=["restore", str(candidate), "--yes"])

    assert result.exit_code != 0
    assert (
        "not a SQLite database" in result.output
        or "not restored" in result.output
        or ("not a database of this app" in result.output)
    )
    assert _digest(live) == before


def test_restoring_an_older_schema_says_to_upgrade(sqlite_app, tmp_path):
    scripts = ScriptDirectory(str(backups.MIGRATIONS_DIR))
    older = scripts.get_revision(backups.head_revision()).down_revision
    old_copy = tmp_path / "old.db"
    _migrated(old_copy, revision=older)

    result = sqlite_app.test_cli_runner().invoke(args=["restore", str(old_copy), "--yes"])

    assert result.exit_code == 0, result.output
    assert "flask db upgrade" in result.output


def test_flask_backup_refuses_postgresql_and_names_pg_dump():
    url = "postgresql+psycopg://app:secret@db.example:5432/marketplace"
    with pytest.raises(backups.BackupError) as refused:
        backups.sqlite_path(url)
    assert "pg_dump -Fc" in str(refused.value) and "secret" not in str(refused.value)
    assert "postgresql://app:***@db.example:5432/marketplace" in str(refused.value)


def _is_postgres() -> bool:
    return os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


def _pg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=120)


@pytest.mark.postgres
@pytest.mark.skipif(
    not _is_postgres() or not shutil.which("pg_dump") or not shutil.which("pg_restore"),
    reason="needs TEST_DATABASE_URL on PostgreSQL and the pg_dump / pg_restore binaries",
)
def test_the_documented_pg_dump_and_pg_restore_procedure(app, database_url, tmp_path):
    db.session.add(
        Skill(code="sock.boarding", name_zh="定型", name_en="Boarding", industry="hosiery")
    )
    db.session.commit()
    url = sa.engine.make_url(database_url)
    source = url.set(drivername="postgresql").render_as_string(hide_password=False)
    scratch_name = url.database.removesuffix("_test") + "_restore"
    scratch = url.set(drivername="postgresql", database=scratch_name)
    dump = tmp_path / "marketplace.dump"

    _pg("pg_dump", "-Fc", "-f", str(dump), source)
    listing = _pg("pg_restore", "-l", str(dump)).stdout
    assert "TABLE DATA public skills" in listing

    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch_name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{scratch_name}"'))
        target = scratch.render_as_string(hide_password=False)
        _pg("pg_restore", "--clean", "--if-exists", "--no-owner", "-d", target, str(dump))
        restored = sa.create_engine(url.set(database=scratch_name))
        try:
            with restored.connect() as conn:
                count = conn.scalar(
                    sa.text("SELECT count(*) FROM skills WHERE code = 'sock.boarding'")
                )
                revision = conn.scalar(sa.text("SELECT version_num FROM alembic_version"))
        finally:
            restored.dispose()
        assert count == 1
        assert revision == backups.head_revision()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch_name}" WITH (FORCE)'))
        admin.dispose()
