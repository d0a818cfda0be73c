"""A SQLite database that cannot be written (read-only, or its disk full) while the app serves.

The app runs under gunicorn on a migrated, seeded SQLite file. The tests run as root, whom
file modes do not stop, so "read-only" is the immutable attribute (chattr +i) on the file and
its directory: every write fails as it would for a user without write permission. "Full" is
the real thing: the file lives on its own small tmpfs, which is filled up with a filler file.
Where chattr or mounting is not allowed, that test is skipped and says why.

While the condition lasts, a registration (API and web form) gets a 503 that says the
database cannot be written, in the reader's language; reading pages still works; nothing is
logged as an unexpected error. Once the condition is lifted, writes work again without
restarting anything, and the file passes PRAGMA integrity_check with every accepted
registration in it and no refused one.
"""

import contextlib
import shutil
import sqlite3
import subprocess

import pytest
import sqlalchemy as sa

import marketplace  # noqa: F401  (the engine hooks under test)

from .live_app import Visitor, error_code, flask, gunicorn, mobile_number, server_env

DISK_BYTES = 32 * 1024 * 1024  # room for the seeded database (50 workers); then filled
SEED_WORKERS = "50"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=30)


@pytest.fixture
def small_disk(tmp_path):
    """A directory on its own tmpfs of DISK_BYTES, unmounted afterwards."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = _run("mount", "-t", "tmpfs", "-o", f"size={DISK_BYTES}", "tmpfs", str(disk))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()})")
    try:
        yield disk
    finally:
        _run("chattr", "-i", str(disk), *map(str, disk.glob("*")))
        _run("umount", "-l", str(disk))


@contextlib.contextmanager
def _immutable(*paths):
    """chattr +i: not even root may write, create or delete there until it is lifted."""
    names = [str(p) for p in paths]
    done = _run("chattr", "+i", *names)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not supported here ({done.stderr.strip()})")
    try:
        yield
    finally:
        _run("chattr", "-i", *names)


@contextlib.contextmanager
def _full(disk):
    """Fill the filesystem to the last byte; free it again afterwards."""
    filler = disk / "filler"
    try:
        # Unbuffered, so the ENOSPC comes from a write here and not from close().
        with filler.open("wb", buffering=0) as file, contextlib.suppress(OSError):
            while True:
                file.write(b"\0" * 65536)
        assert shutil.disk_usage(disk).free < 4096
        yield
    finally:
        filler.unlink(missing_ok=True)


def _district(database) -> int:
    connection = sqlite3.connect(database)
    try:
        return connection.execute("SELECT min(id) FROM districts").fetchone()[0]
    finally:
        connection.close()


def _users_with(database, mobiles) -> set[str]:
    connection = sqlite3.connect(database)
    try:
        rows = connection.execute("SELECT mobile FROM users WHERE mobile LIKE '+86198%'")
        stored = {row[0].removeprefix("+86") for row in rows}
    finally:
        connection.close()
    return stored & set(mobiles)


def _integrity(database) -> list[str]:
    connection = sqlite3.connect(database)
    try:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]
    finally:
        connection.close()


def _assert_writes_work(visitor: Visitor, n: int, district: int) -> None:
    """A registration through the API and one through the web form both go through."""
    api = visitor.register_api(mobile_number(n), district)
    assert api.status_code == 201, api.text[:500]
    page = visitor.register_form(mobile_number(n + 1), district)
    assert page.status_code == 302, page.text[:500]  # on to the login page


def _assert_refused(visitor: Visitor, n: int, district: int) -> None:
    """Both ways of registering are refused cleanly, in either language; reading still works."""
    api = visitor.register_api(mobile_number(n), district)
    assert api.status_code == 503, api.text
    assert error_code(api) == "database_unwritable"
    assert "cannot be written" in api.json()["error"]["message"]
    assert api.headers.get("Retry-After")

    page = visitor.register_form(mobile_number(n + 1), district)
    assert page.status_code == 503, page.text[:500]
    assert "cannot be written" in page.text and "Traceback" not in page.text

    in_chinese = Visitor(visitor.base_url, "zh-CN").register_api(mobile_number(n + 2), district)
    assert in_chinese.status_code == 503
    assert in_chinese.json()["error"]["message"] == "数据库暂时无法写入，本次操作未保存。"

    assert visitor.get("/").status_code == 200  # the list of shifts needs no write


@contextlib.contextmanager
def _served(directory, log_path):
    """gunicorn on a database in `directory`, migrated and seeded as `make run` does."""
    database = directory / "marketplace.db"
    env = server_env(f"sqlite:///{database}")
    flask(env, "db", "upgrade")
    flask(env, "seed-demo", "--workers", SEED_WORKERS)
    with gunicorn(env, log_path) as base_url:
        yield database, Visitor(base_url), _district(database)


def _assert_intact(database, log_path, written, refused) -> None:
    """The file is sound, every accepted registration is there and no refused one is."""
    assert _integrity(database) == ["ok"]
    tried = [mobile_number(n) for n in (*written, *refused)]
    assert _users_with(database, tried) == {mobile_number(n) for n in written}
    assert "Traceback" not in log_path.read_text()  # no unexpected error was logged


def test_a_read_only_database_refuses_writes_cleanly_until_it_is_writable(tmp_path):
    directory, log_path = tmp_path / "db", tmp_path / "server.log"
    directory.mkdir()
    with _served(directory, log_path) as (database, visitor, district):
        _assert_writes_work(visitor, 1, district)
        with _immutable(database, directory):
            _assert_refused(visitor, 10, district)
        _assert_writes_work(visitor, 3, district)
    _assert_intact(database, log_path, written=(1, 2, 3, 4), refused=(10, 11, 12))


def test_a_full_disk_refuses_writes_cleanly_until_there_is_room(small_disk, tmp_path):
    log_path = tmp_path / "server.log"
    with _served(small_disk, log_path) as (database, visitor, district):
        _assert_writes_work(visitor, 1, district)
        with _full(small_disk):
            _assert_refused(visitor, 10, district)
        _assert_writes_work(visitor, 3, district)
    _assert_intact(database, log_path, written=(1, 2, 3, 4), refused=(10, 11, 12))


def test_a_connection_opened_while_the_file_was_read_only_is_replaced_after(tmp_path):
    # SQLite opens a file it may not write read-only, and such a connection stays read-only;
    # kept in the pool, it would refuse every write after the file became writable again.
    directory = tmp_path / "db"
    directory.mkdir()
    database = directory / "marketplace.db"
    with contextlib.closing(sqlite3.connect(database)) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    engine = sa.create_engine(f"sqlite:///{database}", poolclass=sa.pool.QueuePool)
    try:
        with _immutable(database, directory), engine.connect() as connection:
            assert connection.scalar(sa.text("SELECT count(*) FROM notes")) == 0
        with engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO notes VALUES ('written')"))
        with engine.connect() as connection:
            assert connection.scalar(sa.text("SELECT count(*) FROM notes")) == 1
    finally:
        engine.dispose()
