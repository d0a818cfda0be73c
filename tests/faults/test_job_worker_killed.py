"""A job worker SIGKILLed in the middle of a placement run: nothing half-written, retried later.

The run is made to stop at its worst moment without any hook in the application: the test
locks the proposals table, so the worker has claimed the run, solved it, marked it done
and is inserting its proposals, all in one open transaction, when it is killed.
"""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace import job_worker, jobs
from marketplace.extensions import db
from marketplace.models import Application, PlacementProposal, PlacementRun, RunStatus, utcnow
from marketplace.services.placement import runs as placement
from tests.faults.jobs_fixtures import (
    kill,
    rq_pg_app,  # noqa: F401  (a fixture: PostgreSQL, JOB_BACKEND=rq, Redis emptied)
    table_locked,
    waiting_on_lock,
)
from tests.job_helpers import queued_job_count, run_worker_burst, wait_until, worker_process

# A short lease, so that the test need not wait ten minutes for it to lapse.
SHORT_LEASE = {"PLACEMENT_TIME_LIMIT_SECONDS": 1, "PLACEMENT_LEASE_MARGIN_SECONDS": 1}


def _run(run_id: int) -> PlacementRun:
    db.session.expire_all()
    run = db.session.get(PlacementRun, run_id)
    db.session.commit()  # hold no snapshot or lock while the worker runs
    return run


def _count(model, **where) -> int:
    query = sa.select(sa.func.count()).select_from(model).filter_by(**where)
    return db.session.scalar(query)


@pytest.mark.usefixtures("rq_pg_app")
@pytest.mark.parametrize("how", ["retry", "sweep"])
def test_a_worker_killed_mid_run_leaves_no_proposals_and_the_run_completes_later(
    app, placement_scene, tmp_path, how
):
    now = utcnow()
    moderator = placement_scene["moderator"]
    run = placement.start_run(
        moderator, placement_scene["factory"].association_id, now, now + timedelta(days=14)
    )
    run_id = run.id
    db.session.commit()
    with (
        table_locked("placement_proposals"),
        worker_process(app, tmp_path, "--burst", "--no-scheduler", **SHORT_LEASE) as worker,
    ):
        statement = wait_until(
            lambda: waiting_on_lock("placement_proposals"), "the proposals' insert", worker
        )
        assert statement.lstrip().upper().startswith("INSERT INTO PLACEMENT_PROPOSALS")
        kill(worker)

    run = _run(run_id)
    assert run.status == RunStatus.RUNNING and run.attempts == 1  # not done, and says so
    assert _count(PlacementProposal, run_id=run_id) == 0
    assert _count(Application) == 0  # no offers either
    assert not placement.can_retry(run)  # its lease still runs
    wait_until(lambda: _run(run_id).lease_expires_at < utcnow(), "the lease to lapse")

    if how == "retry":
        placement.retry_run(moderator, run_id)  # what the moderator's retry button does
    else:
        app.config["JOB_SWEEP_INTERVAL_SECONDS"] = 60
        assert "jobs.sweep" in job_worker.run_due(app, jobs.redis_client(app))
    assert queued_job_count(app) == 1
    result = run_worker_burst(app, **SHORT_LEASE)
    assert result.returncode == 0, result.stderr

    run = _run(run_id)
    assert run.status == RunStatus.DONE and run.attempts == 2 and run.filled == 2
    assert _count(PlacementProposal, run_id=run_id) == 2
