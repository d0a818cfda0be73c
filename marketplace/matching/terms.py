"""Score terms, their weights, the reach rule and deterministic top-k, shared by both rankings.

A score is sum(weight_i * term_i) over TERMS, with terms in [0, 1] and weights summing to 1,
so it lies in [0, 1] and its breakdown (weight_i * term_i) adds up to it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from .geo import EARTH_RADIUS_KM

TERMS = ("skill", "distance", "reliability")
SKILL, DISTANCE, RELIABILITY = range(len(TERMS))
# Skill matters most once the hard requirements are met; nearness and a good attendance record
# follow. An association may pass its own weights; missing terms weigh 0.
DEFAULT_WEIGHTS = MappingProxyType({"skill": 0.5, "distance": 0.3, "reliability": 0.2})
# Nobody commutes daily further than this, whatever their own limit says; beyond it only a
# dormitory bed makes a shift possible.
DEFAULT_COMMUTE_KM = 30.0
# Order of WorkerKind, whose position is the bit in Shift.accepted_kinds_mask (KIND_BITS in
# marketplace.models.workers; the order is part of the stored data and must not change).
KIND_ORDER = ("idle_employee", "cross_industry", "retiree", "volunteer", "expert")
KIND_BITS = MappingProxyType({kind: 1 << i for i, kind in enumerate(KIND_ORDER)})
ALL_KINDS_MASK = sum(KIND_BITS.values())
# Anything at least half way round the Earth is no limit at all.
UNLIMITED_KM = float(np.pi * EARTH_RADIUS_KM)


def weight_vector(weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> np.ndarray:
    """Weights as an array in TERMS order, scaled to sum to 1."""
    unknown = set(weights) - set(TERMS)
    if unknown:
        raise ValueError(f"unknown score terms: {sorted(unknown)}")
    vector = np.array([float(weights.get(term, 0.0)) for term in TERMS])
    if not np.isfinite(vector).all() or (vector < 0).any() or vector.sum() <= 0:
        raise ValueError("weights must be finite, non-negative and not all zero")
    return vector / vector.sum()


def effective_weights(weights: np.ndarray, has_preferences) -> np.ndarray:
    """Weights per row; where a shift prefers no skill, the skill weight goes to the others.

    A shift without preferences gives every candidate the same skill term, which would add a
    constant to every score; handing its weight to distance and reliability (in proportion)
    keeps scores spread over [0, 1]. Where those weigh nothing, the weights stay as they are.
    """
    weights = np.asarray(weights, dtype=np.float64)
    has_preferences = np.asarray(has_preferences, dtype=bool)
    shape = np.broadcast_shapes(weights.shape, (*has_preferences.shape, len(TERMS)))
    result = np.array(np.broadcast_to(weights, shape))
    others = result[..., DISTANCE] + result[..., RELIABILITY]
    move = ~np.broadcast_to(has_preferences, shape[:-1]) & (others > 0)
    rest = result[move]
    rest[:, SKILL] = 0.0
    rest /= rest.sum(axis=-1, keepdims=True)
    result[move] = rest
    return result


def reach_ok(distance_km, max_travel_km, needs_housing, max_distance_km, beds, commute_km):
    """Whether the distance is within reach (every argument broadcasts).

    Always within the shift's own radius. Without dormitory beds the worker commutes daily:
    within their own limit and commute_km, and a worker who needs housing cannot come. With
    beds the worker can live on site, so only the shift's radius applies.
    """
    within_shift = distance_km <= max_distance_km
    commute = np.minimum(max_travel_km, commute_km)
    daily = (distance_km <= commute) & ~np.asarray(needs_housing, dtype=bool)
    return within_shift & ((np.asarray(beds) > 0) | daily)


def distance_term(distance_km, max_distance_km) -> np.ndarray:
    """1 at the site, falling linearly to 0 at the shift's radius (the same yardstick for all)."""
    return np.clip(1.0 - distance_km / max_distance_km, 0.0, 1.0)


def combine(terms: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Breakdown (weight * term, per row) and scores, summed left to right in TERMS order."""
    breakdown = terms * weights
    scores = breakdown[:, SKILL] + breakdown[:, DISTANCE] + breakdown[:, RELIABILITY]
    return breakdown, scores


def combine_columns(columns, weights: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """`combine` over one 1-D array per term (TERMS order): the same products and sums.

    Spares the (n, len(TERMS)) matrices when only a few rows' breakdowns are wanted.
    """
    parts = [column * weight for column, weight in zip(columns, weights, strict=True)]
    scores = parts[SKILL] + parts[DISTANCE]
    scores += parts[RELIABILITY]
    return parts, scores


def top_k_pool(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best scores and of everybody tied with the k-th, unordered."""
    if k <= 0 or len(scores) == 0:
        return np.empty(0, dtype=np.intp)
    if len(scores) <= k:
        return np.arange(len(scores))
    # A value partition is about twice as fast as argpartition, and only the k-th best
    # value is needed from it: everybody tied with it stays in the race.
    kth = np.partition(scores, len(scores) - k)[len(scores) - k]
    return np.flatnonzero(scores >= kth)


def best_first(scores: np.ndarray, ids: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best of these scores, best first; equal scores by id ascending."""
    return np.lexsort((ids, -scores))[:k]


def top_k(scores: np.ndarray, ids: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best scores, best first; equal scores by id ascending."""
    pool = top_k_pool(scores, k)
    return pool[best_first(scores[pool], ids[pool], k)]


@dataclass(frozen=True, eq=False)
class Ranking:
    """The top-k of a ranking, best first; row i of every array describes the same candidate."""

    indices: np.ndarray  # (k,) positions in the ranked arrays (workers or shifts)
    ids: np.ndarray  # (k,) their database ids
    scores: np.ndarray  # (k,) in [0, 1]
    distances_km: np.ndarray  # (k,) great-circle km to the nearest of site and pickup points
    breakdown: np.ndarray  # (k, len(TERMS)); each row adds up to its score
    eligible: int  # how many passed every hard filter (may exceed k)
    terms: tuple[str, ...] = TERMS

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self) -> list[dict]:
        """One plain dict per candidate, for serialising."""
        return [
            {
                "id": int(self.ids[i]),
                "score": float(self.scores[i]),
                "distance_km": float(self.distances_km[i]),
                "breakdown": dict(zip(self.terms, self.breakdown[i].tolist(), strict=True)),
            }
            for i in range(len(self))
        ]


def ranking(positions, ids, scores, distances, breakdown, eligible, chosen) -> Ranking:
    """The Ranking of the chosen rows of the survivors' arrays."""
    return Ranking(
        indices=np.asarray(positions, dtype=np.intp)[chosen],
        ids=np.asarray(ids, dtype=np.int64)[chosen],
        scores=np.minimum(scores[chosen], 1.0),
        distances_km=distances[chosen],
        breakdown=breakdown[chosen],
        eligible=int(eligible),
    )


def empty_ranking() -> Ranking:
    """A ranking with nobody in it."""
    nothing = np.empty(0)
    return ranking(
        np.empty(0, np.intp), np.empty(0, np.int64), nothing, nothing, nothing.reshape(0, 3), 0, []
    )
