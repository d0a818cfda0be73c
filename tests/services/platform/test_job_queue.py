"""JOB_BACKEND=rq: jobs go onto Redis by name and are run by `flask jobs worker` processes."""

import logging
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from redis import Redis
from redis.exceptions import RedisError
from rq import Worker

from marketplace import job_worker, jobs
from marketplace.extensions import db
from marketplace.models import (
    Application,
    ApplicationStatus,
    PlacementProposal,
    PlacementRun,
    RosterImport,
    RunStatus,
    WorkerProfile,
    utcnow,
)
from marketplace.services.placement import runs as placement
from marketplace.services.platform import job_sweep
from marketplace.services.roster import imports as roster
from tests.job_helpers import (
    flush_redis,
    queued_job_count,
    run_worker_burst,
    wait_until,
    worker_process,
)
from tests.roster_helpers import generated, rows_to_csv

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def rq_app(app):
    """The app with JOB_BACKEND=rq on an emptied Redis database."""
    app.config["JOB_BACKEND"] = "rq"
    flush_redis(app)
    yield app
    flush_redis(app)


def _use_redis(app, url: str) -> None:
    app.extensions.pop("marketplace.redis", None)  # the next client is made for the new URL
    app.config["REDIS_URL"] = url


def _start(scene) -> PlacementRun:
    now = utcnow()
    return placement.start_run(
        scene["moderator"], scene["factory"].association_id, now, now + timedelta(days=14)
    )


def _proposal_count(run_id: int) -> int:
    query = sa.select(sa.func.count(PlacementProposal.id)).where(PlacementProposal.run_id == run_id)
    return db.session.scalar(query)


def _run(run_id: int) -> PlacementRun:
    db.session.expire_all()
    return db.session.get(PlacementRun, run_id)


def test_a_worker_process_runs_a_queued_placement_run(rq_app, placement_scene):
    run = _start(placement_scene)
    assert _run(run.id).status == RunStatus.QUEUED  # nothing ran in this process
    assert queued_job_count(rq_app) == 1
    result = run_worker_burst(rq_app)
    assert result.returncode == 0, result.stderr
    run = _run(run.id)
    assert run.status == RunStatus.DONE and run.filled == 2 and run.attempts == 1
    assert _proposal_count(run.id) == 2
    assert queued_job_count(rq_app) == 0


def test_a_worker_process_runs_a_roster_import(rq_app, roster_scene):
    data = rows_to_csv(generated(roster_scene, 30))
    job = roster.start_import(
        roster_scene["moderator"], "r.csv", data, association_id=roster_scene["association"].id
    )
    assert job.status == "queued"
    result = run_worker_burst(rq_app)
    assert result.returncode == 0, result.stderr
    db.session.expire_all()
    job = db.session.get(RosterImport, job.id)
    assert (job.status, job.created_count) == ("done", 30)
    assert db.session.scalar(sa.select(sa.func.count(WorkerProfile.id))) == 30


def test_the_sweep_finds_lost_jobs_and_gives_up_on_worn_out_ones(app, placement_scene):
    run = _start(placement_scene)  # eager: done at once
    run = _run(run.id)
    run.status, run.lease_expires_at, run.attempts = RunStatus.RUNNING, utcnow(), 1
    db.session.commit()
    later = utcnow() + timedelta(seconds=1)
    assert job_sweep.lost_jobs(later) == [("placement.execute", run.id)]
    _run(run.id).attempts = app.config["JOB_MAX_ATTEMPTS"]
    db.session.commit()
    assert job_sweep.lost_jobs(later) == []
    run = _run(run.id)
    assert run.status == RunStatus.FAILED and run.error == "unexpected"
    assert placement.can_retry(run)  # a person may still try again


def test_a_queued_run_counts_as_lost_only_after_a_while(rq_app, placement_scene):
    run = _start(placement_scene)  # on the queue, with no worker to take it
    assert job_sweep.lost_jobs() == []
    rq_app.config["JOB_SWEEP_QUEUED_AFTER_SECONDS"] = 0
    assert job_sweep.lost_jobs(utcnow() + timedelta(seconds=1)) == [("placement.execute", run.id)]


def test_a_run_retried_by_hand_counts_from_its_retry_not_its_creation(rq_app, placement_scene):
    run = _start(placement_scene)
    run_id = run.id
    # It failed long ago; the moderator presses retry now.
    run.created_at = run.queued_at = utcnow() - timedelta(hours=2)
    run.status, run.error = RunStatus.FAILED, "unexpected"
    db.session.commit()
    placement.retry_run(placement_scene["moderator"], run_id)
    assert _run(run_id).status == RunStatus.QUEUED
    assert job_sweep.lost_jobs() == []  # not enqueued a second time by the sweep


def _lapsed_offer(make_worker, make_shift) -> Application:
    application = Application(
        worker_id=make_worker().id,
        shift_id=make_shift().id,
        status=ApplicationStatus.OFFERED,
        offered_at=utcnow() - timedelta(hours=2),
        offer_expires_at=utcnow() - timedelta(hours=1),
    )
    db.session.add(application)
    db.session.commit()
    return application


def _status(application_id: int) -> ApplicationStatus:
    db.session.expire_all()
    status = db.session.get(Application, application_id).status
    db.session.commit()
    return status


def test_periodic_tasks_run_once_per_interval_across_workers(rq_app, make_worker, make_shift):
    application = _lapsed_offer(make_worker, make_shift)
    connection = jobs.redis_client(rq_app)
    assert job_worker.run_due(rq_app, connection) == [
        "offers.expire",
        "jobs.sweep",
        "jobs.hand_over",
    ]
    # A second worker in the same interval finds the tasks taken.
    assert job_worker.run_due(rq_app, connection) == []
    assert _status(application.id) == ApplicationStatus.EXPIRED


def _idle_workers(app) -> int:
    workers = Worker.all(connection=jobs.redis_client(app))
    return sum(worker.get_state() == "idle" for worker in workers)


def test_a_running_worker_expires_lapsed_offers(rq_app, make_worker, make_shift, tmp_path):
    application = _lapsed_offer(make_worker, make_shift)
    with worker_process(rq_app, tmp_path, OFFER_EXPIRY_INTERVAL_SECONDS=1) as worker:
        expired = lambda: _status(application.id) == ApplicationStatus.EXPIRED  # noqa: E731
        wait_until(expired, "the worker to expire the offer", worker)
        wait_until(lambda: _idle_workers(rq_app) == 1, "the worker to wait for jobs", worker)
        worker.terminate()  # SIGTERM: RQ's warm shutdown
        assert worker.wait(timeout=60) == 0


def test_a_run_redis_refused_is_handed_over_once_it_answers_and_completes(rq_app, placement_scene):
    redis_url = rq_app.config["REDIS_URL"]
    _use_redis(rq_app, UNREACHABLE_REDIS)
    run = _start(placement_scene)  # the request still succeeds: the row is committed
    run = _run(run.id)
    assert run.status == RunStatus.QUEUED and run.queued_at is None  # not on the queue
    with pytest.raises(RedisError):  # the workers' periodic tasks wait for Redis
        job_worker.run_due(rq_app, jobs.redis_client(rq_app))
    _use_redis(rq_app, redis_url)
    assert queued_job_count(rq_app) == 0
    ran = job_worker.run_due(rq_app, jobs.redis_client(rq_app))
    assert ran == ["offers.expire", "jobs.sweep", "jobs.hand_over"]
    assert queued_job_count(rq_app) == 1  # once: the sweep leaves it to the hand-over
    assert _run(run.id).queued_at is not None
    result = run_worker_burst(rq_app)
    assert result.returncode == 0, result.stderr
    assert _run(run.id).status == RunStatus.DONE and _proposal_count(run.id) == 2


def test_the_periodic_thread_logs_one_line_per_redis_outage(app, caplog):
    """Not two tracebacks a second while Redis is away: one line, and a slower pace."""
    connection = Redis.from_url(UNREACHABLE_REDIS, socket_connect_timeout=1)
    ticker = job_worker.Ticker(app, connection)
    with caplog.at_level(logging.INFO, logger="marketplace.job_worker"):
        ticker.start()
        time.sleep(2.5)  # the old thread logged five tracebacks by then
        ticker.stopped.set()
        ticker.join(timeout=10)
    lines = [r for r in caplog.records if r.name == "marketplace.job_worker"]
    assert [(r.levelname, r.exc_info) for r in lines] == [("WARNING", None)], lines
    assert "Redis unreachable" in lines[0].getMessage()


def test_a_worker_that_rq_gave_up_on_for_want_of_redis_works_on(app, monkeypatch):
    """RQ quits when Redis goes at the wrong moment; the process starts it again."""
    from rq import SimpleWorker

    runs = []

    def work(worker, **options):
        runs.append(worker)
        if len(runs) == 1:  # Redis went; RQ's loop gave up, and its teardown failed too
            raise RedisError("Connection closed by server.")
        worker._shutdown_requested_date = utcnow()  # then a SIGTERM, while idle
        return False

    monkeypatch.setattr(SimpleWorker, "work", work)
    app.config["REDIS_RETRY_MAX_SECONDS"] = 0
    assert job_worker.run_worker(app, scheduler=False) is False
    assert len(runs) == 2
