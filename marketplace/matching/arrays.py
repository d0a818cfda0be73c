"""What the scorer reads: the workers as aligned arrays (`WorkerArrays`) and one shift as a
`ShiftQuery`. The bridge (services/ranking/bridge.py) fills them; scorer.py ranks with them.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix

from . import skills as skill_math
from .geo import WorkerGeoIndex, unit_vectors
from .holders import RankingColumns, SkillHolders
from .terms import (
    ALL_KINDS_MASK,
    DEFAULT_COMMUTE_KM,
)


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
    # The fields a ranking reads, by row, with the homes as three contiguous axes (3, N):
    # gathering a few thousand homes is then three `take`s, where a fancy index into
    # (N, 3) measured ten times slower.
    by_row: RankingColumns = field(init=False, repr=False)
    # The same fields again, for each skill's holders best level first (holders.py).
    skill_holders: SkillHolders = field(init=False, repr=False)
    # Levels as a dense (n_skills, N) int8 table when small enough (skills.dense_levels).
    skill_levels: np.ndarray | None = field(init=False, repr=False)

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
        fix["by_row"] = RankingColumns(
            rows=None,
            homes=np.ascontiguousarray(fix["unit_vectors"].T),
            active_bits=fix["active_bits"],
            max_travel_km=fix["max_travel_km"],
            needs_housing=fix["needs_housing"],
            reliability=fix["reliability"],
        )
        fix["skill_holders"] = SkillHolders.build(self.skills, fix["by_row"])
        fix["skill_levels"] = skill_math.dense_levels(self.skills)
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
