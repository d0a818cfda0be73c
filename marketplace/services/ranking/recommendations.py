"""Shifts recommended to a worker: open shifts ranked by the same math as candidates.

Loads the open shifts into ShiftArrays (a few thousand at most) on each call; the worker's
own row comes from the per-process worker index.
"""

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...matching import skills as skill_math
from ...matching.geo import unit_vectors
from ...matching.shift_scorer import ShiftArrays, rank_shifts_for_worker
from ...matching.terms import TERMS
from ...models import Application, Factory, Shift, ShiftStatus, User, utcnow
from .. import authz
from .bridge import SHANGHAI, excluded_worker_ids
from .index import WorkerIndex, get_index
from .weights import weights_of


@dataclass(frozen=True)
class Recommendation:
    """One shift for the worker, with the score's parts and the distance."""

    shift_id: int
    title: str
    score: float
    breakdown: dict[str, float]
    distance_km: float


def recommend_shifts(actor: User, *, k: int = 20) -> list[Recommendation]:
    """The k open shifts that suit the acting worker best."""
    worker = actor.worker_profile
    authz.require(worker is not None, actor, "worker.recommendations", actor)
    index = get_index()
    rows = index.rows_of([worker.id])
    shifts = _open_shifts()
    if len(rows) == 0 or not shifts:
        return []
    arrays = _shift_arrays(shifts, index)
    excluded = [i for i, s in enumerate(shifts) if worker.id in _ruled_out(s, worker.id)]
    ranking = rank_shifts_for_worker(
        index.workers, int(rows[0]), arrays, k=max(1, min(k, 100)), excluded=excluded
    )
    titles = {s.id: s.title for s in shifts}
    return [
        Recommendation(
            shift_id=int(shift_id),
            title=titles[int(shift_id)],
            score=float(ranking.scores[i]),
            breakdown={t: float(ranking.breakdown[i, j]) for j, t in enumerate(TERMS)},
            distance_km=float(ranking.distances_km[i]),
        )
        for i, shift_id in enumerate(ranking.ids)
    ]


def _open_shifts() -> list[Shift]:
    query = (
        select(Shift)
        .where(Shift.status == ShiftStatus.OPEN, Shift.starts_at > utcnow())
        .options(
            selectinload(Shift.site),
            selectinload(Shift.required_skills),
            selectinload(Shift.preferred_skills),
            selectinload(Shift.required_certificates),
            selectinload(Shift.pickup_points),
            selectinload(Shift.factory).selectinload(Factory.association),
        )
        .order_by(Shift.id)
    )
    return list(db.session.scalars(query))


def _ruled_out(shift: Shift, worker_id: int) -> set[int]:
    # The same database rules as for candidates, plus: already applied to this shift.
    applied = select(Application.worker_id).where(
        Application.shift_id == shift.id, Application.worker_id == worker_id
    )
    return excluded_worker_ids(shift) | set(db.session.scalars(applied))


def _sparse(rows, cols, values, n_rows, n_cols, dtype) -> csr_matrix:
    return csr_matrix(
        (np.asarray(values, dtype=dtype), (np.asarray(rows, int), np.asarray(cols, int))),
        shape=(n_rows, n_cols),
    )


def _shift_arrays(shifts: list[Shift], index: WorkerIndex) -> ShiftArrays:
    n, skills, certs = len(shifts), index.skill_columns, index.certificate_columns
    req = [
        (i, skills.column(r.skill_id), r.min_level)
        for i, s in enumerate(shifts)
        for r in s.required_skills
    ]
    pref = [
        (i, skills.column(p.skill_id), p.weight)
        for i, s in enumerate(shifts)
        for p in s.preferred_skills
    ]
    cert = [
        (i, certs.column(c.certificate_type_id), 1)
        for i, s in enumerate(shifts)
        for c in s.required_certificates
    ]
    stops = [(i, p.lat, p.lon) for i, s in enumerate(shifts) for p in s.pickup_points]
    return ShiftArrays(
        ids=np.asarray([s.id for s in shifts], dtype=np.int64),
        site_vectors=unit_vectors(
            np.asarray([s.site.lat for s in shifts]), np.asarray([s.site.lon for s in shifts])
        ),
        max_distance_km=np.asarray([s.max_distance_km for s in shifts], dtype=np.float64),
        accepted_kinds=np.asarray([s.accepted_kinds_mask for s in shifts], dtype=np.uint8),
        day=np.asarray(
            [skill_math.day_number(s.starts_at.astimezone(SHANGHAI).date()) for s in shifts],
            dtype=np.int32,
        ),
        dormitory_beds=np.asarray([s.dormitory_beds for s in shifts], dtype=np.int64),
        required_skills=_sparse(*_columns(req), n, len(skills), np.int8),
        preferred_skills=_sparse(*_columns(pref), n, len(skills), np.float64),
        required_certificates=_sparse(*_columns(cert), n, len(certs), np.int8),
        pickup_vectors=unit_vectors(
            np.asarray([p[1] for p in stops]), np.asarray([p[2] for p in stops])
        )
        if stops
        else None,
        pickup_shift=np.asarray([p[0] for p in stops], dtype=np.intp) if stops else None,
        weights=np.array(
            [[weights_of(s.factory.association).get(t, 0.0) for t in TERMS] for s in shifts],
            dtype=np.float64,
        ),
    )


def _columns(triples):
    return ([t[0] for t in triples], [t[1] for t in triples], [t[2] for t in triples])
