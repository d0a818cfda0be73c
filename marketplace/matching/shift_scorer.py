"""Rank the shifts for one worker: the scorer's math transposed over arrays of shifts.

Open shifts number in the thousands, not millions, so every shift is measured directly (no
tree). A worker's score for a shift is the one `scorer.rank` gives them for it, to the bit.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

from .arrays import WorkerArrays
from .geo import chord, chord_to_km
from .scorer import DEFAULT_K
from .skills import MAX_LEVEL
from .terms import (
    DEFAULT_COMMUTE_KM,
    DEFAULT_WEIGHTS,
    DISTANCE,
    RELIABILITY,
    SKILL,
    TERMS,
    Ranking,
    combine,
    distance_term,
    effective_weights,
    empty_ranking,
    ranking,
    reach_ok,
    top_k,
    weight_vector,
)


@dataclass(frozen=True, eq=False)
class ShiftArrays:
    """S shifts as aligned arrays; sparse rows use the worker matrices' columns."""

    ids: np.ndarray  # (S,) int64 Shift ids
    site_vectors: np.ndarray  # (S, 3) float64, from geo.unit_vectors
    max_distance_km: np.ndarray  # (S,) float64
    accepted_kinds: np.ndarray  # (S,) uint8 masks
    day: np.ndarray  # (S,) int32 day numbers of the local start date
    dormitory_beds: np.ndarray  # (S,) int
    required_skills: csr_matrix  # (S, n_skills) minimum levels
    preferred_skills: csr_matrix  # (S, n_skills) weights in (0, 1]
    required_certificates: csr_matrix  # (S, n_types) nonzero where required
    pickup_vectors: np.ndarray | None = None  # (P, 3) float64 bus stops
    pickup_shift: np.ndarray | None = None  # (P,) the shift row each stop serves
    weights: np.ndarray | None = None  # (S, len(TERMS)) each shift's association weights

    def __len__(self) -> int:
        return len(self.ids)


def _entry_rows(matrix: csr_matrix) -> np.ndarray:
    return np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))


def _worker_row(matrix: csr_matrix, row: int, dtype) -> np.ndarray:
    """One worker's row of a sparse matrix as a dense vector (0 where absent)."""
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    dense = np.zeros(matrix.shape[1], dtype=dtype)
    dense[matrix.indices[start:end]] = matrix.data[start:end]
    return dense


def _all_met(requirements: csr_matrix, held: np.ndarray, minimum_of_entry) -> np.ndarray:
    """Mask over shifts: the worker holds every required column at its minimum."""
    owner = _entry_rows(requirements)
    failed = held[requirements.indices] < minimum_of_entry(owner)
    return np.bincount(owner[failed], minlength=requirements.shape[0]) == 0


def _distances(shifts: ShiftArrays, home: np.ndarray) -> np.ndarray:
    best = chord(shifts.site_vectors, home)
    if shifts.pickup_vectors is not None and len(shifts.pickup_vectors):
        np.minimum.at(best, shifts.pickup_shift, chord(shifts.pickup_vectors, home))
    return chord_to_km(best)


def _preference(shifts: ShiftArrays, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Skill term per shift (1.0 where none preferred) and whether each prefers any skill."""
    preferred = shifts.preferred_skills
    owner = _entry_rows(preferred)
    n = len(shifts)
    # Same formula and summation order (ascending column) as skills.preference_score.
    data = preferred.data.astype(np.float64)
    gained = data * np.minimum(levels[preferred.indices], MAX_LEVEL)
    total = np.bincount(owner, weights=gained, minlength=n)
    weight = np.bincount(owner, weights=data, minlength=n)
    has = weight > 0
    term = np.ones(n)
    term[has] = total[has] / (MAX_LEVEL * weight[has])
    return term, has


def eligible_shifts(
    workers: WorkerArrays, row: int, shifts: ShiftArrays, excluded, commute_km: float
) -> tuple[np.ndarray, np.ndarray]:
    """Mask of shifts the worker passes every hard filter for, and km to each shift."""
    km = _distances(shifts, workers.unit_vectors[row])
    ok = (shifts.accepted_kinds & workers.active_bits[row]) != 0
    ok &= reach_ok(
        km,
        workers.max_travel_km[row],
        workers.needs_housing[row],
        shifts.max_distance_km,
        shifts.dormitory_beds,
        commute_km,
    )
    if excluded is not None and len(excluded):
        ok[np.asarray(excluded, dtype=np.intp)] = False
    levels = _worker_row(workers.skills, row, np.int64)
    ok &= _all_met(shifts.required_skills, levels, lambda o: shifts.required_skills.data)
    valid_until = _worker_row(workers.certificates, row, np.int64)
    ok &= _all_met(shifts.required_certificates, valid_until, lambda o: shifts.day[o])
    return ok, km


def rank_shifts_for_worker(
    workers: WorkerArrays,
    row: int,
    shifts: ShiftArrays,
    k: int = DEFAULT_K,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    *,
    excluded=None,
    commute_km: float = DEFAULT_COMMUTE_KM,
) -> Ranking:
    """The k best shifts for the worker at `row`, best first; equal scores by shift id.

    `excluded` lists shift rows the bridge knows are out (overlap, unavailability, lending);
    `shifts.weights`, when given, overrides `weights` shift by shift.
    """
    ok, km = eligible_shifts(workers, row, shifts, excluded, commute_km)
    rows = np.flatnonzero(ok)
    if len(rows) == 0:
        return empty_ranking()
    skill, has_preferences = _preference(shifts, _worker_row(workers.skills, row, np.int64))
    terms = np.empty((len(rows), len(TERMS)))
    terms[:, SKILL] = skill[rows]
    terms[:, DISTANCE] = distance_term(km[rows], shifts.max_distance_km[rows])
    terms[:, RELIABILITY] = workers.reliability[row]
    base = weight_vector(weights) if shifts.weights is None else _normalised(shifts.weights[rows])
    breakdown, scores = combine(terms, effective_weights(base, has_preferences[rows]))
    ids = shifts.ids[rows]
    chosen = top_k(scores, ids, k)
    return ranking(rows, ids, scores, km[rows], breakdown, len(rows), chosen)


def _normalised(weights: np.ndarray) -> np.ndarray:
    weights = np.asarray(weights, dtype=np.float64)
    if (weights < 0).any() or (weights.sum(axis=1) <= 0).any():
        raise ValueError("each shift's weights must be non-negative and not all zero")
    return weights / weights.sum(axis=1, keepdims=True)
