"""A placement run's problem as arrays: the open places in a window and their candidates.

Part of the bridge from rows to the matching math (with services/ranking/bridge.py): each shift's
candidates come from the same ranking as its candidate list, so every hard filter and every
score the factory sees holds for the run too.
"""

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from scipy.sparse import csr_matrix
from sqlalchemy import func, select

from ...extensions import db
from ...matching.placement import SCORE_SCALE
from ...matching.terms import TERMS
from ...models import (
    PLACE_HOLDING_STATES,
    Application,
    ApplicationStatus,
    Factory,
    Shift,
    ShiftStatus,
    WorkerProfile,
)
from ..ranking.bridge import rank_shift
from ..ranking.index import WorkerIndex

# An application in these states can still be turned into an offer; any other application
# (offered, holding a place, turned down, withdrawn, ...) keeps its worker out of the run.
OFFERABLE_STATES = (ApplicationStatus.APPLIED, ApplicationStatus.WAITLISTED)


@dataclass(frozen=True)
class Pair:
    """One feasible (worker, shift) pair and what its score is made of."""

    worker_id: int
    shift_id: int
    score: float
    breakdown: dict[str, float]
    distance_km: float


@dataclass(frozen=True)
class Problem:
    """The solver's inputs (rows = workers, columns = shifts) and the pairs behind them."""

    shifts: list[Shift]
    worker_ids: list[int]
    pairs: dict[tuple[int, int], Pair]  # (row, column) -> pair
    scores: csr_matrix
    capacity: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    beds: np.ndarray
    needs_housing: np.ndarray
    truncated_shifts: int  # shifts with more eligible workers than were handed over

    @property
    def places_open(self) -> int:
        return int(self.capacity.sum())


def window_shifts(association_id: int, starts_at: datetime, ends_at: datetime) -> list[Shift]:
    """Open shifts of the association's factories starting in [starts_at, ends_at)."""
    query = (
        select(Shift)
        .join(Factory, Factory.id == Shift.factory_id)
        .where(
            Factory.association_id == association_id,
            Shift.status == ShiftStatus.OPEN,
            Shift.starts_at >= starts_at,
            Shift.starts_at < ends_at,
        )
        .order_by(Shift.starts_at, Shift.id)
    )
    return list(db.session.scalars(query))


def open_places(shift: Shift, now: datetime) -> int:
    """Places neither taken nor promised by an offer still waiting for an answer."""
    offered = db.session.scalar(
        select(func.count(Application.id)).where(
            Application.shift_id == shift.id,
            Application.status == ApplicationStatus.OFFERED,
            Application.offer_expires_at > now,
        )
    )
    return max(0, shift.places_left - offered)


def free_beds(shift: Shift) -> int:
    """Dormitory beds not yet taken by a worker holding a place who needs housing."""
    used = db.session.scalar(
        select(func.count(Application.id))
        .join(WorkerProfile, WorkerProfile.id == Application.worker_id)
        .where(
            Application.shift_id == shift.id,
            Application.status.in_(list(PLACE_HOLDING_STATES)),
            WorkerProfile.needs_housing.is_(True),
        )
    )
    return max(0, shift.dormitory_beds - used)


def _settled_workers(shift: Shift) -> set[int]:
    query = select(Application.worker_id).where(
        Application.shift_id == shift.id, Application.status.not_in(list(OFFERABLE_STATES))
    )
    return set(db.session.scalars(query))


def build_problem(shifts: list[Shift], index: WorkerIndex, *, per_shift: int, now) -> Problem:
    """Rank every shift with open places and gather the pairs into the solver's arrays."""
    places = {s.id: open_places(s, now) for s in shifts}
    shifts = [s for s in shifts if places[s.id] > 0]
    rows: dict[int, int] = {}
    pairs: dict[tuple[int, int], Pair] = {}
    truncated = 0
    for column, shift in enumerate(shifts):
        ranking = rank_shift(shift, index, k=per_shift, also_excluded=_settled_workers(shift))
        truncated += ranking.eligible > len(ranking)
        for i, worker_id in enumerate(ranking.ids.tolist()):
            row = rows.setdefault(worker_id, len(rows))
            pairs[row, column] = Pair(
                worker_id=worker_id,
                shift_id=shift.id,
                score=float(ranking.scores[i]),
                breakdown=dict(zip(TERMS, ranking.breakdown[i].tolist(), strict=True)),
                distance_km=float(ranking.distances_km[i]),
            )
    worker_ids = list(rows)
    return Problem(
        shifts=shifts,
        worker_ids=worker_ids,
        pairs=pairs,
        scores=_score_matrix(pairs, len(worker_ids), len(shifts)),
        capacity=np.array([places[s.id] for s in shifts], dtype=np.int64),
        starts=np.array([s.starts_at.timestamp() for s in shifts], dtype=np.float64),
        ends=np.array([s.ends_at.timestamp() for s in shifts], dtype=np.float64),
        beds=np.array([free_beds(s) for s in shifts], dtype=np.int64),
        needs_housing=_needs_housing(index, worker_ids),
        truncated_shifts=int(truncated),
    )


def _needs_housing(index: WorkerIndex, worker_ids: list[int]) -> np.ndarray:
    # In the matrix's row order (every id came from a ranking of this index, so it is there).
    rows = np.searchsorted(index.workers.ids, np.asarray(worker_ids, dtype=np.int64))
    return index.workers.needs_housing[rows]


def _score_matrix(pairs: dict, n_workers: int, n_shifts: int) -> csr_matrix:
    # The solver takes scores in (0, 1]; a feasible pair that scores 0 still fills a place.
    keys = list(pairs)
    values = [max(pairs[key].score, 1.0 / SCORE_SCALE) for key in keys]
    rows = [key[0] for key in keys]
    columns = [key[1] for key in keys]
    return csr_matrix((values, (rows, columns)), shape=(n_workers, n_shifts), dtype=np.float64)
