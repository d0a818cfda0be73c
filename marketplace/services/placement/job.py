"""The job behind a placement run: claim it, build the problem, solve it, store the proposals.

Runs outside any request (marketplace.jobs). The run row is the job's only state: a lease
says who works on it, and the proposals are written in the same transaction that marks the
run done, so a job that dies half way leaves no proposals and a run that may be claimed again
once its lease has lapsed.
"""

import logging
from datetime import timedelta

from flask import current_app

from ... import jobs
from ...extensions import db
from ...matching.placement import Placement, solve
from ...models import PlacementProposal, PlacementRun, RunStatus, utcnow
from .. import leases
from ..ranking.index import get_index
from .problem import Problem, build_problem, window_shifts

log = logging.getLogger(__name__)
JOB_NAME = "placement.execute"


def lease_length() -> timedelta:
    """How long a claimed run stays RUNNING before another worker may take it over.

    The solver's time budget plus room for loading and storing (PLACEMENT_LEASE_MARGIN_SECONDS).
    """
    config = current_app.config
    seconds = config["PLACEMENT_TIME_LIMIT_SECONDS"] + config["PLACEMENT_LEASE_MARGIN_SECONDS"]
    return timedelta(seconds=seconds)


@jobs.job(JOB_NAME)
def execute_run(run_id: int) -> None:
    """Claim the run and compute its proposals; records a failure on the run itself."""
    attempt = _claim(run_id)
    if attempt is None:
        return  # done, discarded, or another worker holds a live lease
    try:
        problem, placement = _solve(db.session.get(PlacementRun, run_id))
        _store(run_id, attempt, problem, placement)
    except Exception as error:  # whatever broke, the run must say that it failed
        db.session.rollback()
        log.exception("placement run %s failed", run_id)
        _fail(run_id, attempt, error)


def _claim(run_id: int) -> int | None:
    return leases.claim(
        PlacementRun,
        run_id,
        queued=RunStatus.QUEUED,
        running=RunStatus.RUNNING,
        lease=lease_length(),
    )


def _solve(run: PlacementRun) -> tuple[Problem, Placement]:
    config = current_app.config
    now = utcnow()
    shifts = window_shifts(run.association_id, max(run.window_starts_at, now), run.window_ends_at)
    problem = build_problem(
        shifts, get_index(), per_shift=config["PLACEMENT_CANDIDATES_PER_SHIFT"], now=now
    )
    placement = solve(
        problem.scores,
        problem.capacity,
        problem.starts,
        problem.ends,
        beds=problem.beds,
        needs_housing=problem.needs_housing,
        objective=run.objective.value,
        time_limit=config["PLACEMENT_TIME_LIMIT_SECONDS"],
    )
    return problem, placement


def _store(run_id: int, attempt: int, problem: Problem, placement: Placement) -> None:
    """Write the proposals and mark the run done, only if this attempt still holds it."""
    finished = _finish(
        run_id,
        attempt,
        RunStatus.DONE,
        shift_count=len(problem.shifts),
        places_open=problem.places_open,
        candidate_count=len(problem.worker_ids),
        pair_count=int(problem.scores.nnz),
        filled=int(placement.filled),
        total_score=float(sum(problem.pairs[tuple(p)].score for p in placement.pairs.tolist())),
        method=placement.method,
        solver_seconds=float(placement.seconds),
    )
    if not finished:
        return
    for row, column in placement.pairs.tolist():
        pair = problem.pairs[row, column]
        db.session.add(
            PlacementProposal(
                run_id=run_id,
                shift_id=pair.shift_id,
                worker_id=pair.worker_id,
                score=pair.score,
                breakdown=pair.breakdown,
                distance_km=pair.distance_km,
            )
        )
    db.session.commit()


def _fail(run_id: int, attempt: int, error: Exception) -> None:
    # A code, not a sentence: the page shows it in the reader's language.
    code = "timeout" if isinstance(error, TimeoutError) else "unexpected"
    if _finish(run_id, attempt, RunStatus.FAILED, error=code):
        db.session.commit()


def _finish(run_id: int, attempt: int, status: RunStatus, **values) -> bool:
    """Move the run from RUNNING (this attempt) to status; False if it is no longer ours."""
    return leases.finish(PlacementRun, run_id, attempt, status, running=RunStatus.RUNNING, **values)
