"""Running `flask jobs worker` as a real process against the test's database and Redis."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from marketplace import jobs

REPO = Path(__file__).resolve().parents[1]
WAIT_SECONDS = 120


def flush_redis(app) -> None:
    """Empty the test's Redis database (REDIS_URL of TestConfig: its own db number)."""
    jobs.redis_client(app).flushdb()


def worker_env(app, **settings) -> dict:
    """The environment of a worker process: the test's database and Redis, plus settings."""
    env = {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "MARKETPLACE_ENV": "development",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app.config["REDIS_URL"],
        "JOB_BACKEND": "rq",
        "LOG_FORMAT": "text",
    }
    env.update({name: str(value) for name, value in settings.items()})
    return env


def worker_command(*options: str) -> list[str]:
    """`python -m flask jobs worker` with options, run by this interpreter."""
    return [sys.executable, "-m", "flask", "jobs", "worker", *options]


def run_worker_burst(app, **settings) -> subprocess.CompletedProcess:
    """Run one worker until the queue is empty (no periodic tasks); its completed process."""
    return subprocess.run(
        worker_command("--burst", "--no-scheduler"),
        cwd=REPO,
        env=worker_env(app, **settings),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def queued_job_count(app) -> int:
    """How many jobs wait on the queue."""
    return jobs.rq_queue(jobs.redis_client(app)).count


@contextmanager
def worker_process(app, tmp_path, *options: str, **settings):
    """A `flask jobs worker` process in its own session; SIGKILLed if still running at the end."""
    out = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        worker_command(*options),
        cwd=REPO,
        env=worker_env(app, **settings),
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        out.close()


def wait_until(condition, what: str, process: subprocess.Popen | None = None):
    """Poll until condition() is truthy (its value); fail, saying what, after WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if process is not None and process.poll() is not None:
            pytest.fail(f"the worker exited ({process.returncode}) before {what}")
        time.sleep(0.05)
    pytest.fail(f"gave up waiting for {what}")
