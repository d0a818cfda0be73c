"""Rank the workers for one shift: hard filters on a radius search, then a weighted score.

Every filter runs on the homes the KD-tree finds within the shift's radius of the site or a
pickup point, never on the whole population, cheapest filter first so that the costlier ones
(skills, certificates) see as few rows as possible. The bridge (services/matching.py) loads the
rows into `WorkerArrays` once per index version and describes each shift as a `ShiftQuery`.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csc_matrix, csr_matrix

from . import skills as skill_math
from .geo import WorkerGeoIndex, near_any, nearest_km, unit_vectors
from .terms import (
    ALL_KINDS_MASK,
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

DEFAULT_K = 50


def _column(values, dtype, n: int, name: str) -> np.ndarray:
    array = np.ascontiguousarray(values, dtype=dtype)
    if array.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), not {array.shape}")
    return array


@dataclass(frozen=True, eq=False)
class WorkerArrays:
    """N workers as aligned arrays: row i of every field is the same worker."""

    ids: np.ndarray  # (N,) int64 WorkerProfile ids
    unit_vectors: np.ndarray  # (N, 3) float64 homes, from geo.unit_vectors
    max_travel_km: np.ndarray  # (N,) float64
    kind_bits: np.ndarray  # (N,) uint8, KIND_BITS[kind]
    suspended: np.ndarray  # (N,) bool
    reliability: np.ndarray  # (N,) float64 in [0, 1]
    needs_housing: np.ndarray  # (N,) bool
    skills: csr_matrix  # (N, n_skills) int8 levels 1-5 (skills.skill_matrix)
    certificates: csr_matrix  # (N, n_types) int32 valid-until days (skills.certificate_matrix)
    # Kind bit, or 0 for a suspended worker: both filters become one AND over one byte.
    active_bits: np.ndarray = field(init=False, repr=False)
    # Column-major copy of the skills: the holders of one skill are one slice of it.
    skills_by_column: csc_matrix = field(init=False, repr=False)

    def __post_init__(self):
        n = len(self.ids)
        fix = {
            "ids": _column(self.ids, np.int64, n, "ids"),
            "max_travel_km": _column(self.max_travel_km, np.float64, n, "max_travel_km"),
            "kind_bits": _column(self.kind_bits, np.uint8, n, "kind_bits"),
            "suspended": _column(self.suspended, bool, n, "suspended"),
            "reliability": _column(self.reliability, np.float64, n, "reliability"),
            "needs_housing": _column(self.needs_housing, bool, n, "needs_housing"),
            "unit_vectors": np.ascontiguousarray(self.unit_vectors, dtype=np.float64),
        }
        if fix["unit_vectors"].shape != (n, 3):
            raise ValueError(f"unit_vectors must have shape ({n}, 3)")
        if self.skills.shape[0] != n or self.certificates.shape[0] != n:
            raise ValueError("skills and certificates need one row per worker")
        if (fix["reliability"] < 0).any() or (fix["reliability"] > 1).any():
            raise ValueError("reliability must lie in [0, 1]")
        fix["active_bits"] = np.where(fix["suspended"], np.uint8(0), fix["kind_bits"])
        fix["skills_by_column"] = self.skills.tocsc()
        for name, value in fix.items():
            object.__setattr__(self, name, value)

    def __len__(self) -> int:
        return len(self.ids)

    def geo_index(self) -> WorkerGeoIndex:
        """A radius index over these homes, sharing the unit-vector array."""
        return WorkerGeoIndex.from_unit_vectors(self.ids, self.unit_vectors)


@dataclass(frozen=True, eq=False)
class ShiftQuery:
    """One shift as the scorer needs it; skill and certificate ids already mapped to columns."""

    lat: float  # site, WGS-84 degrees
    lon: float
    max_distance_km: float  # the shift's radius around the site and each pickup point
    accepted_kinds: int = ALL_KINDS_MASK  # Shift.accepted_kinds_mask
    pickup_points: Sequence[tuple[float, float]] = ()  # chartered-bus stops (lat, lon)
    required_skills: Sequence[tuple[int, int]] = ()  # (skill column, minimum level)
    preferred_skills: Sequence[tuple[int, float]] = ()  # (skill column, weight in (0, 1])
    required_certificates: Sequence[int] = ()  # certificate-type columns
    day: int = 0  # day number of the shift's local date (skills.day_number)
    dormitory_beds: int = 0
    excluded: np.ndarray | None = None  # worker rows known ineligible (overlap, lending, ...)
    commute_km: float = DEFAULT_COMMUTE_KM

    def targets(self) -> np.ndarray:
        """Unit vectors of the site and then the pickup points."""
        points = np.array([(self.lat, self.lon), *self.pickup_points], dtype=np.float64)
        return unit_vectors(points[:, 0], points[:, 1])

    def certificate_requirements(self) -> list[tuple[int, int]]:
        """Certificates as requirements: held and valid until at least the shift's day."""
        if self.required_certificates and self.day <= 0:
            raise ValueError("a shift requiring certificates needs its day number")
        return [(int(col), int(self.day)) for col in self.required_certificates]


class _Survivors:
    """Worker rows still in the race, with their distances, cut down filter by filter."""

    def __init__(self, rows: np.ndarray, km: np.ndarray):
        self.rows, self.km = rows, km

    def keep(self, mask: np.ndarray) -> None:
        self.rows, self.km = self.rows[mask], self.km[mask]


# Start from a required skill's holders instead of the radius search when they are fewer
# than this share of all workers: a city-wide radius can hold a quarter of a million homes,
# while one skill at its minimum level is held by a few per cent.
SKILL_FIRST_SHARE = 0.05


def _skill_holders(workers: WorkerArrays, required, targets, radius_km):
    """Rows holding the rarest required skill at its level and near a target, if few enough.

    Returns (ascending rows, the requirement they already meet), or None to use the tree.
    """
    if not required:
        return None
    by_column = workers.skills_by_column
    counts = [
        (by_column.indptr[col + 1] - by_column.indptr[col], col, level) for col, level in required
    ]
    count, col, level = min(counts)
    if count > SKILL_FIRST_SHARE * len(workers):
        return None
    start, end = by_column.indptr[col], by_column.indptr[col + 1]
    rows = by_column.indices[start:end][by_column.data[start:end] >= level]
    rows = np.sort(rows).astype(np.intp, copy=False)
    # A dot product per home is far cheaper than the exact distance: keep the homes that
    # may lie within reach (a superset; the exact cut comes later, as after the tree).
    rows = rows[near_any(workers.unit_vectors[rows], targets, radius_km)]
    return rows, (col, level)


def eligible_rows(workers: WorkerArrays, index: WorkerGeoIndex, query: ShiftQuery) -> _Survivors:
    """Rows passing every hard filter, with km to the nearest of site and pickup points."""
    if len(index) != len(workers):
        raise ValueError("the index was built over other workers")
    targets = query.targets()
    required = list(query.required_skills)
    started = _skill_holders(workers, required, targets, query.max_distance_km)
    if started is None:
        rows = index.candidates(targets, query.max_distance_km)
    else:
        rows, met = started
        required.remove(met)
    # Filters that need no distance first: they cut the rows the trigonometry must see.
    rows = rows[(workers.active_bits[rows] & np.uint8(query.accepted_kinds)) != 0]
    if query.excluded is not None and len(query.excluded):
        rows = rows[~np.isin(rows, query.excluded)]
    if required:
        rows = rows[skill_math.meets_requirements(workers.skills, rows, required)]
    certificates = query.certificate_requirements()
    if certificates:
        rows = rows[skill_math.meets_requirements(workers.certificates, rows, certificates)]
    found = _Survivors(rows, nearest_km(workers.unit_vectors[rows], targets))
    found.keep(
        reach_ok(
            found.km,
            workers.max_travel_km[found.rows],
            workers.needs_housing[found.rows],
            query.max_distance_km,
            query.dormitory_beds,
            query.commute_km,
        )
    )
    return found


def rank(
    workers: WorkerArrays,
    index: WorkerGeoIndex,
    query: ShiftQuery,
    k: int = DEFAULT_K,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
) -> Ranking:
    """The k best eligible workers for a shift, best first; equal scores by id ascending."""
    found = eligible_rows(workers, index, query)
    if len(found.rows) == 0:
        return empty_ranking()
    terms = np.empty((len(found.rows), len(TERMS)))
    terms[:, SKILL] = skill_math.preference_score(
        workers.skills, found.rows, query.preferred_skills
    )
    terms[:, DISTANCE] = distance_term(found.km, query.max_distance_km)
    terms[:, RELIABILITY] = workers.reliability[found.rows]
    applied = effective_weights(weight_vector(weights), bool(query.preferred_skills))
    breakdown, scores = combine(terms, applied)
    ids = workers.ids[found.rows]
    chosen = top_k(scores, ids, k)
    return ranking(found.rows, ids, scores, found.km, breakdown, len(found.rows), chosen)
