"""Redis is down when a placement run is started: the run is done within seconds of its return.

The probe saw the run answered 202, logged as "the sweep will pick it up", and run only when
the sweep's ten-minute threshold had passed; the association could not start another
meanwhile, and the job worker's periodic thread logged two tracebacks a second throughout.

This test runs its own redis-server on a free port (the machine's shared Redis is never
stopped) and a real `flask jobs worker` with its periodic thread, on PostgreSQL. The sweep's
threshold stays at its ten minutes: only the hand-over of refused enqueues can run the job.
"""

import shutil
import subprocess
import time
from datetime import timedelta

import pytest
from redis import Redis
from redis.exceptions import RedisError
from rq import Worker

from marketplace.extensions import db
from marketplace.models import PlacementRun, RunStatus, utcnow
from marketplace.services.accounts import api_tokens
from tests.job_helpers import wait_until, worker_process
from tests.live_server import free_port

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")


def start_redis(port: int, tmp_path) -> subprocess.Popen:
    """A throw-away redis-server on 127.0.0.1:port (no persistence), once it answers."""
    options = ["--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    server = subprocess.Popen(
        ["redis-server", *options, "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = Redis.from_url(f"redis://127.0.0.1:{port}/0", socket_connect_timeout=1)
    wait_until(lambda: _answers(client), "redis-server to answer", server)
    return server


def stop_redis(server: subprocess.Popen) -> None:
    """SIGKILL, as a dying host would."""
    server.kill()
    server.wait(timeout=30)


def _answers(client: Redis) -> bool:
    try:
        return client.ping()
    except RedisError:
        return False


def _idle_workers(port: int) -> int:
    connection = Redis.from_url(f"redis://127.0.0.1:{port}/0")
    return sum(worker.get_state() == "idle" for worker in Worker.all(connection=connection))


def _run(run_id: int) -> PlacementRun:
    db.session.expire_all()
    run = db.session.get(PlacementRun, run_id)
    db.session.commit()  # hold no snapshot while the worker writes
    return run


def _window() -> dict:
    now = utcnow()
    return {
        "window_starts_at": now.isoformat(),
        "window_ends_at": (now + timedelta(days=14)).isoformat(),
    }


def test_a_run_started_while_redis_was_down_runs_within_seconds_of_its_return(
    app, client, placement_scene, tmp_path
):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("fault tests run on PostgreSQL: set TEST_DATABASE_URL")
    port = free_port()
    app.config.update(JOB_BACKEND="rq", REDIS_URL=f"redis://127.0.0.1:{port}/0")
    app.extensions.pop("marketplace.redis", None)
    moderator = placement_scene["moderator"]
    headers = {"Authorization": f"Bearer {api_tokens.create_token(moderator, 'test').secret}"}
    log = tmp_path / "worker.log"

    redis = start_redis(port, tmp_path)
    try:
        with worker_process(app, tmp_path, JOB_SWEEP_QUEUED_AFTER_SECONDS=600) as worker:
            wait_until(lambda: _idle_workers(port) == 1, "the worker to wait for jobs", worker)
            time.sleep(0.5)  # into its blocking read (RQ quits if Redis dies just before it)
            stop_redis(redis)
            # Redis is down, the worker runs on: the request still succeeds.
            started = client.post("/api/v1/placement-runs", json=_window(), headers=headers)
            assert started.status_code == 202, started.get_data(as_text=True)
            run_id = int(started.headers["Location"].rstrip("/").rsplit("/", 1)[1])
            run = _run(run_id)
            assert run.status == RunStatus.QUEUED and run.queued_at is None
            wait_until(lambda: "Redis unreachable" in log.read_text(), "the worker to see", worker)
            time.sleep(3)  # an outage of a few seconds, as the worker sees it

            redis = start_redis(port, tmp_path)
            back = time.monotonic()
            wait_until(lambda: _run(run_id).status == RunStatus.DONE, "the run to be done", worker)
            took = time.monotonic() - back
    finally:
        stop_redis(redis)
    print(f"\nthe run was done {took:.1f} s after Redis came back")

    text = log.read_text()
    assert text.count("Redis unreachable") == 1, text[-3000:]
    assert "Traceback" not in text, text[-3000:]
