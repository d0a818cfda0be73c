"""Placement runs for moderators: start one over a window, watch it, review it, send its offers.

The computation is a background job (services/placement/job.py); this module owns the run's
life around it: queued → running → done → applied (or discarded), failed → queued on retry.
Offers go out through the lifecycle services (offers.offer_unasked), so every rule of an
ordinary offer holds; a proposal that no longer can become an offer is skipped with the reason.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ... import policy
from ...errors import Conflict, Invalid, NotFound
from ...extensions import db
from ...models import (
    Application,
    ApplicationOrigin,
    PlacementProposal,
    PlacementRun,
    ProposalStatus,
    RunObjective,
    RunStatus,
    Shift,
    User,
    utcnow,
)
from .. import audit, authz
from ..applications import eligibility, offers
from ..common import commit, flush
from ..moderation.reports import moderated_association
from ..platform import job_sweep
from .problem import OFFERABLE_STATES, open_places

_ALREADY_ACTIVE = _l(
    "A placement run for this association is already queued, running or waiting for review;"
    " send or discard its proposals first."
)
FAILURES = {
    "timeout": _l("The solver ran out of time; try a shorter window."),
    "unexpected": _l("The run failed unexpectedly; try again."),
}


def failure_message(run: PlacementRun):
    """Why the run failed, in the reader's language (empty if it did not)."""
    return FAILURES.get(run.error, FAILURES["unexpected"]) if run.error else ""


def start_run(
    actor: User, association_id: int, starts_at: datetime, ends_at: datetime, objective="fill"
) -> PlacementRun:
    """Queue a run over the association's open shifts starting in [starts_at, ends_at)."""
    association = moderated_association(actor, association_id, "placement.start")
    objective = _objective(objective)
    _check_window(starts_at, ends_at)
    if _active_run(association.id) is not None:
        raise Conflict(_ALREADY_ACTIVE)
    run = PlacementRun(
        association_id=association.id,
        created_by_id=actor.id,
        window_starts_at=starts_at,
        window_ends_at=ends_at,
        objective=objective,
    )
    db.session.add(run)
    flush(_ALREADY_ACTIVE)  # the partial unique index settles a concurrent start
    _record("placement.started", actor, run, objective=objective.value)
    commit(_ALREADY_ACTIVE)
    job_sweep.enqueue(PlacementRun, run.id)
    return run


def _objective(value) -> RunObjective:
    try:
        return RunObjective(value)
    except ValueError:
        message = _l("Choose what the run maximises: places filled, or the total score.")
        raise Invalid(message, fields={"objective": [message]}) from None


def _check_window(starts_at: datetime, ends_at: datetime) -> None:
    errors: dict[str, list] = {}
    max_days = current_app.config["PLACEMENT_MAX_WINDOW_DAYS"]
    if ends_at <= starts_at:
        errors["window_ends_at"] = [_l("The window must end after it starts.")]
    elif ends_at - starts_at > timedelta(days=max_days):
        errors["window_ends_at"] = [_l("A run covers at most %(n)d days.", n=max_days)]
    elif ends_at <= utcnow():
        errors["window_ends_at"] = [_l("The window is over; choose one in the future.")]
    if errors:
        raise Invalid(_l("Check the time window."), fields=errors)


def _active_run(association_id: int) -> PlacementRun | None:
    query = select(PlacementRun).where(
        PlacementRun.association_id == association_id,
        PlacementRun.status.in_([RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.DONE]),
    )
    return db.session.scalars(query).first()


def _record(action: str, actor: User | None, run: PlacementRun, **details) -> None:
    audit.record(action, actor=actor, obj=run, association_id=run.association_id, **details)


def get_run(actor: User, run_id: int, action: str = "placement.view") -> PlacementRun:
    """The run, for a moderator of its association (or an admin)."""
    run = db.session.get(PlacementRun, run_id)
    if run is None:
        raise NotFound(_l("No such placement run."))
    authz.require(policy.moderates(actor, run.association_id), actor, action, run)
    return run


def list_runs(actor: User, association_id: int, *, limit: int = 20) -> list[PlacementRun]:
    """The association's latest runs, newest first."""
    authz.require(policy.moderates(actor, association_id), actor, "placement.list")
    query = (
        select(PlacementRun)
        .where(PlacementRun.association_id == association_id)
        .order_by(PlacementRun.created_at.desc(), PlacementRun.id.desc())
        .limit(max(1, min(limit, 100)))
    )
    return list(db.session.scalars(query))


def run_proposals(actor: User, run_id: int) -> list[PlacementProposal]:
    """The run's proposals by shift (start time) and score, with their shifts and workers."""
    run = get_run(actor, run_id)
    query = (
        select(PlacementProposal)
        .join(Shift, Shift.id == PlacementProposal.shift_id)
        .where(PlacementProposal.run_id == run.id)
        .options(
            selectinload(PlacementProposal.shift).selectinload(Shift.site),
            selectinload(PlacementProposal.worker),
        )
        .order_by(Shift.starts_at, Shift.id, PlacementProposal.score.desc(), PlacementProposal.id)
    )
    return list(db.session.scalars(query))


def retry_run(actor: User, run_id: int) -> PlacementRun:
    """Queue a failed run again (or one whose job died: its lease has lapsed)."""
    run = get_run(actor, run_id, "placement.retry")
    if not can_retry(run):
        raise Conflict(_l("Only a failed run, or one whose job stopped answering, can be retried."))
    _move(run, {run.status}, RunStatus.QUEUED, lease_expires_at=None, queued_at=utcnow())
    _record("placement.retried", actor, run)
    commit(_ALREADY_ACTIVE)
    job_sweep.enqueue(PlacementRun, run.id)
    return run


def can_retry(run: PlacementRun) -> bool:
    """Whether the run failed, or its job stopped answering (RUNNING past its lease)."""
    if run.status == RunStatus.FAILED:
        return True
    lapsed = run.lease_expires_at is None or run.lease_expires_at < utcnow()
    return run.status == RunStatus.RUNNING and lapsed


def discard_run(actor: User, run_id: int) -> PlacementRun:
    """Throw a run's proposals away without sending them (frees the association for a new run)."""
    run = get_run(actor, run_id, "placement.discard")
    if run.status not in (RunStatus.DONE, RunStatus.FAILED):
        raise Conflict(_l("Only a finished run that was not sent can be discarded."))
    _move(run, {run.status}, RunStatus.DISCARDED, decided_at=utcnow(), decided_by_id=actor.id)
    _record("placement.discarded", actor, run)
    commit(_l("This run changed a moment ago; reload the page."))
    return run


def _move(run: PlacementRun, from_states, to_status: RunStatus, **values) -> None:
    """Change the run's status with one conditional UPDATE, so concurrent decisions conflict."""
    statement = (
        update(PlacementRun)
        .where(PlacementRun.id == run.id, PlacementRun.status.in_(list(from_states)))
        .values(status=to_status, **values)
    )
    try:
        result = db.session.execute(statement, execution_options={"synchronize_session": False})
    except IntegrityError:  # back to an active state while another run is active
        db.session.rollback()
        raise Conflict(_ALREADY_ACTIVE) from None
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(_l("This run changed a moment ago; reload the page."))
    db.session.expire(run)


@dataclass(frozen=True)
class Outcome:
    """What sending a run's proposals did."""

    offered: int
    skipped: int
    excluded: int


def apply_run(actor: User, run_id: int, *, leave_out: Collection[int] = ()) -> Outcome:
    """Send the run's proposals as offers in one transaction, except those left out.

    Each proposal is checked again as it is sent (free places, the worker's application,
    eligibility); one that no longer holds is skipped with the reason, the rest go out.
    """
    run = get_run(actor, run_id, "placement.apply")
    if run.status != RunStatus.DONE:
        raise Conflict(_l("Only a finished run waiting for review can be sent."))
    _move(run, {RunStatus.DONE}, RunStatus.APPLIED, decided_at=utcnow(), decided_by_id=actor.id)
    left_out = {int(i) for i in leave_out}
    counts = {status: 0 for status in ProposalStatus}
    for proposal in run_proposals(actor, run.id):
        if proposal.id in left_out:
            proposal.status = ProposalStatus.EXCLUDED
        else:
            _send(actor, run, proposal)
        counts[proposal.status] += 1
    outcome = Outcome(
        offered=counts[ProposalStatus.OFFERED],
        skipped=counts[ProposalStatus.SKIPPED],
        excluded=counts[ProposalStatus.EXCLUDED],
    )
    _record("placement.applied", actor, run, **outcome.__dict__)
    commit(_l("This run changed a moment ago; reload the page."))
    return outcome


def _send(actor: User, run: PlacementRun, proposal: PlacementProposal) -> None:
    reasons = _obstacles(actor, proposal)
    if reasons:
        proposal.status = ProposalStatus.SKIPPED
        proposal.reason = " ".join(str(r) for r in reasons)
        return
    application = offers.offer_unasked(
        actor, proposal.shift, proposal.worker, ApplicationOrigin.PLACEMENT, placement_run_id=run.id
    )
    proposal.status = ProposalStatus.OFFERED
    proposal.application_id = application.id


def _obstacles(actor: User, proposal: PlacementProposal) -> list:
    """Why the proposal cannot become an offer now; empty if it can."""
    shift, worker = proposal.shift, proposal.worker
    if not policy.can_moderate_shift(actor, shift):
        return [_l("This shift's factory is no longer in your association.")]
    existing = db.session.scalar(
        select(Application.status).where(
            Application.shift_id == shift.id, Application.worker_id == worker.id
        )
    )
    if existing is not None and existing not in OFFERABLE_STATES:
        return [_l("The worker's application for this shift is %(s)s.", s=existing.value)]
    if open_places(shift, utcnow()) <= 0:
        return [_l("The shift has no free place left.")]
    return eligibility.failed_conditions(worker, shift)
