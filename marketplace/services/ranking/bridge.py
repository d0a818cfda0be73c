"""The bridge from rows to the matching math: the only place that loads data for it.

Describes a shift as a ShiftQuery (skills and certificates as matrix columns, the workers
the database knows are ineligible for it as exclusions) and ranks the process's index.
"""

from dataclasses import dataclass, replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import numpy as np
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, or_, select

from ... import policy
from ...errors import NotFound
from ...extensions import db
from ...matching import skills as skill_math
from ...matching.scorer import ShiftQuery, rank
from ...matching.terms import KIND_BITS, TERMS, Ranking
from ...models import (
    PLACE_HOLDING_STATES,
    AgreementStatus,
    Application,
    AvailabilityWindow,
    LendingAgreement,
    Shift,
    User,
    WorkerKind,
    WorkerProfile,
)
from .. import authz
from .index import WorkerIndex, get_index
from .weights import weights_of

SHANGHAI = ZoneInfo("Asia/Shanghai")
BUSY = tuple(s for s in PLACE_HOLDING_STATES)


@dataclass(frozen=True)
class Candidate:
    """One ranked worker: the score, what it is made of, and how far away they live."""

    worker_id: int
    name: str
    kind: str
    score: float
    breakdown: dict[str, float]
    distance_km: float


def rank_workers(actor: User, shift_id: int, *, k: int = 50) -> list[Candidate]:
    """The k best eligible workers for a shift, for its factory's staff or its moderators."""
    shift = db.session.get(Shift, shift_id)
    if shift is None:
        raise NotFound(_l("No such shift."))
    allowed = policy.can_manage_shift(actor, shift) or policy.can_moderate_shift(actor, shift)
    authz.require(allowed, actor, "shift.matches", shift)
    return _candidates(rank_shift(shift, get_index(), k=max(1, min(k, 500))))


def rank_lendable(actor: User, shift_id: int, *, k: int = 20) -> list[Candidate]:
    """Idle employees of other factories who could take the shift once lent to its factory.

    They are left out of `rank_workers` (no agreement yet); this ranks them by the same
    rules, so that the factory can ask their employers for a lending agreement.
    """
    shift = db.session.get(Shift, shift_id)
    if shift is None:
        raise NotFound(_l("No such shift."))
    authz.require(policy.can_manage_shift(actor, shift), actor, "shift.matches", shift)
    index = get_index()
    idle_bit = KIND_BITS[WorkerKind.IDLE_EMPLOYEE.value]
    if not shift.accepted_kinds_mask & idle_bit:
        return []
    base = shift_query(shift, index)
    others = _busy(shift) | _unavailable(shift) | _not_lendable_here(shift)
    query = replace(base, accepted_kinds=idle_bit, excluded=index.rows_of(others))
    weights = weights_of(shift.factory.association)
    ranking = rank(index.workers, index.geo, query, k=max(1, min(k, 100)), weights=weights)
    return _candidates(ranking)


def _not_lendable_here(shift: Shift) -> set[int]:
    # Idle employees who are no case for a request: the factory's own staff, those already
    # covered (they are ranked with everyone), and those with no employer to ask.
    uncovered = _uncovered_idle(shift)
    query = select(WorkerProfile.id).where(WorkerProfile.kind == WorkerKind.IDLE_EMPLOYEE)
    idle = set(db.session.scalars(query))
    no_lender = select(WorkerProfile.id).where(
        WorkerProfile.kind == WorkerKind.IDLE_EMPLOYEE,
        or_(
            WorkerProfile.lender_factory_id.is_(None),
            WorkerProfile.lender_factory_id == shift.factory_id,
        ),
    )
    return (idle - uncovered) | set(db.session.scalars(no_lender))


def rank_shift(shift: Shift, index: WorkerIndex, *, k: int, also_excluded=()) -> Ranking:
    """The k best eligible workers for the shift (no authorisation: callers check)."""
    query = shift_query(shift, index, also_excluded=also_excluded)
    weights = weights_of(shift.factory.association)
    return rank(index.workers, index.geo, query, k=k, weights=weights)


def shift_query(shift: Shift, index: WorkerIndex, *, also_excluded=()) -> ShiftQuery:
    """The shift as the scorer needs it; also_excluded are more worker ids to leave out."""
    day = shift.starts_at.astimezone(SHANGHAI).date()
    return ShiftQuery(
        lat=shift.site.lat,
        lon=shift.site.lon,
        max_distance_km=shift.max_distance_km,
        accepted_kinds=shift.accepted_kinds_mask,
        pickup_points=[(p.lat, p.lon) for p in shift.pickup_points],
        required_skills=[
            (index.skill_columns.column(r.skill_id), r.min_level) for r in shift.required_skills
        ],
        preferred_skills=[
            (index.skill_columns.column(p.skill_id), p.weight) for p in shift.preferred_skills
        ],
        required_certificates=[
            index.certificate_columns.column(c.certificate_type_id)
            for c in shift.required_certificates
        ],
        day=skill_math.day_number(day),
        dormitory_beds=shift.dormitory_beds,
        excluded=excluded_rows(shift, index, also_excluded),
    )


def excluded_rows(shift: Shift, index: WorkerIndex, also_excluded=()) -> np.ndarray:
    """Index rows of the workers `excluded_worker_ids` names, mostly from the index's arrays."""
    uncovered = index.idle_not_lent_by(shift.factory_id)
    uncovered[index.rows_of(db.session.scalars(_covering_agreements(shift)))] = False
    excluded = uncovered | index.availability.unavailable(shift.starts_at, shift.ends_at)
    excluded[index.rows_of(_busy(shift) | set(also_excluded))] = True
    return np.flatnonzero(excluded)


def excluded_worker_ids(shift: Shift) -> set[int]:
    """Workers the database rules out: busy then, unavailable then, or lent without cover."""
    return _busy(shift) | _unavailable(shift) | _uncovered_idle(shift)


def _busy(shift: Shift) -> set[int]:
    # Holding a place on an overlapping shift (each starts before the other ends).
    query = (
        select(Application.worker_id)
        .join(Shift, Shift.id == Application.shift_id)
        .where(
            Application.status.in_(BUSY),
            Shift.id != shift.id,
            Shift.starts_at < shift.ends_at,
            Shift.ends_at > shift.starts_at,
        )
    )
    return set(db.session.scalars(query))


def _unavailable(shift: Shift) -> set[int]:
    # A worker with availability windows must have one covering the whole shift.
    covering = exists().where(
        AvailabilityWindow.worker_id == WorkerProfile.id,
        AvailabilityWindow.starts_at <= shift.starts_at,
        AvailabilityWindow.ends_at >= shift.ends_at,
    )
    has_windows = exists().where(AvailabilityWindow.worker_id == WorkerProfile.id)
    query = select(WorkerProfile.id).where(has_windows, ~covering)
    return set(db.session.scalars(query))


def _covering_agreements(shift: Shift):
    """Workers under an approved agreement lending them to the shift's factory for its days."""
    first = shift.starts_at.astimezone(SHANGHAI).date()
    last = (shift.ends_at - timedelta(microseconds=1)).astimezone(SHANGHAI).date()
    return select(LendingAgreement.worker_id).where(
        LendingAgreement.borrower_factory_id == shift.factory_id,
        LendingAgreement.status == AgreementStatus.APPROVED,
        LendingAgreement.starts_on <= first,
        LendingAgreement.ends_on >= last,
    )


def _uncovered_idle(shift: Shift) -> set[int]:
    # An idle employee works for another factory only under an approved agreement.
    covered = WorkerProfile.id.in_(_covering_agreements(shift))
    query = select(WorkerProfile.id).where(
        WorkerProfile.kind == WorkerKind.IDLE_EMPLOYEE,
        or_(
            WorkerProfile.lender_factory_id.is_(None),
            WorkerProfile.lender_factory_id != shift.factory_id,
        ),
        and_(~covered),
    )
    return set(db.session.scalars(query))


def _candidates(ranking) -> list[Candidate]:
    ids = [int(i) for i in ranking.ids]
    people = dict(
        db.session.execute(
            select(WorkerProfile.id, User.name).join(User).where(WorkerProfile.id.in_(ids))
        ).all()
    )
    kinds = dict(
        db.session.execute(
            select(WorkerProfile.id, WorkerProfile.kind).where(WorkerProfile.id.in_(ids))
        ).all()
    )
    terms = TERMS
    return [
        Candidate(
            worker_id=worker_id,
            name=people.get(worker_id, ""),
            kind=str(kinds.get(worker_id, "")),
            score=float(ranking.scores[i]),
            breakdown={t: float(ranking.breakdown[i, j]) for j, t in enumerate(terms)},
            distance_km=float(ranking.distances_km[i]),
        )
        for i, worker_id in enumerate(ids)
    ]
