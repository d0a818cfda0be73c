"""Rank the workers for one shift: hard filters on a radius search, then a weighted score.

Every filter runs on a few candidates, never on the whole population: the homes the KD-tree
finds within the shift's radius of the site or a pickup point or, when a required skill is
rare, that skill's holders near them (read from their own contiguous copy, holders.py).
Filters that need no distance run before the trigonometry, and the score's ids and breakdown
are read only for the few around the k-th best. The bridge (services/ranking/bridge.py) loads the
rows into `WorkerArrays` once per index version and describes each shift as a `ShiftQuery`.
"""

from collections.abc import Mapping
from functools import lru_cache

import numpy as np

from . import skills as skill_math
from .arrays import ShiftQuery, WorkerArrays
from .geo import WorkerGeoIndex, near_any, nearest_km_of
from .holders import RankingColumns
from .terms import (
    DEFAULT_WEIGHTS,
    DISTANCE,
    RELIABILITY,
    SKILL,
    TERMS,
    Ranking,
    best_first,
    combine_columns,
    distance_term,
    effective_weights,
    empty_ranking,
    reach_ok,
    top_k_pool,
    weight_vector,
)

DEFAULT_K = 50


class _Survivors:
    """Worker rows passing every hard filter, with their distances and records."""

    def __init__(self, rows: np.ndarray, km: np.ndarray, reliability: np.ndarray):
        self.rows, self.km, self.reliability = rows, km, reliability


# Start from a required skill's holders instead of the radius search when they are fewer
# than this share of all workers: a city-wide radius can hold a quarter of a million homes,
# while one skill at its minimum level is held by a few per cent.
SKILL_FIRST_SHARE = 0.05
# Drop the rows the distance-free filters refuse before measuring distances only when they
# refuse more than this share: otherwise measuring a few too many costs less than the copy.
COMPACT_BELOW = 0.75


class _Candidates:
    """Positions in a table of workers' fields that may pass, with their worker rows."""

    def __init__(self, table: RankingColumns, positions: np.ndarray):
        self.table, self.positions = table, positions
        self.rows = table.rows_at(positions)

    def keep(self, mask: np.ndarray) -> None:
        chosen = np.flatnonzero(mask)
        self.rows, self.positions = self.rows.take(chosen), self.positions.take(chosen)

    def read(self, values: np.ndarray) -> np.ndarray:
        """A field of the table (one of its arrays) at the candidates' positions."""
        return values.take(self.positions)


def _skill_holders(workers: WorkerArrays, required, targets, radius_km):
    """Holders of the rarest required skill at its level and near a target, if few enough.

    Returns (candidates, the requirement they already meet), or None to use the tree.
    """
    if not required:
        return None
    holders = workers.skill_holders
    counts = [holders.count_at_least(col, level) for col, level in required]
    rarest = min(range(len(required)), key=counts.__getitem__)
    if counts[rarest] > SKILL_FIRST_SHARE * len(workers):
        return None
    col, level = met = required[rarest]
    span = holders.holding(col)
    # A dot product per home is far cheaper than the exact distance: keep the homes that
    # may lie within reach (a superset; the exact cut comes later, as after the tree).
    near = near_any(holders.columns.homes[:, span].T, targets, radius_km)
    near &= holders.levels[span] >= level
    return _Candidates(holders.columns, np.flatnonzero(near) + span.start), met


def _start(workers: WorkerArrays, index: WorkerGeoIndex, query: ShiftQuery, targets):
    """Candidates from a rare skill's holders or the radius search; requirements left over."""
    required = list(query.required_skills)
    if required:
        skill_math.checked_requirements(required)
    started = _skill_holders(workers, required, targets, query.max_distance_km)
    if started is None:
        rows = index.candidates(targets, query.max_distance_km)
        return _Candidates(workers.by_row, rows), required
    candidates, met = started
    required.remove(met)
    return candidates, required


def _distance_free_filters(workers: WorkerArrays, query: ShiftQuery, found: _Candidates, required):
    """Mask over candidates: kind, suspension, exclusions, the other skills and certificates."""
    rows = found.rows
    keep = (found.read(found.table.active_bits) & np.uint8(query.accepted_kinds)) != 0
    if query.excluded is not None and len(query.excluded):
        keep &= ~np.isin(rows, query.excluded)
    if required:
        keep &= _meets_skills(workers, rows, required)
    certificates = query.certificate_requirements()
    if certificates:
        keep &= skill_math.meets_requirements(workers.certificates, rows, certificates)
    return keep


def eligible_rows(workers: WorkerArrays, index: WorkerGeoIndex, query: ShiftQuery) -> _Survivors:
    """Rows passing every hard filter, with km to the nearest of site and pickup points."""
    if len(index) != len(workers):
        raise ValueError("the index was built over other workers")
    targets = query.targets()
    found, required = _start(workers, index, query, targets)
    # Filters that need no distance first: they cut the rows the trigonometry must see,
    # when they cut enough of them to pay for cutting (most shifts take every kind).
    keep = _distance_free_filters(workers, query, found, required)
    if np.count_nonzero(keep) < COMPACT_BELOW * len(keep):
        found.keep(keep)
        keep = None
    table = found.table
    km = nearest_km_of(table.homes, found.positions, targets)
    reach = reach_ok(
        km,
        found.read(table.max_travel_km),
        found.read(table.needs_housing),
        query.max_distance_km,
        query.dormitory_beds,
        query.commute_km,
    )
    survivors = np.flatnonzero(reach if keep is None else reach & keep)
    positions = found.positions.take(survivors)
    return _Survivors(
        found.rows.take(survivors), km.take(survivors), table.reliability.take(positions)
    )


def _meets_skills(workers: WorkerArrays, rows, required) -> np.ndarray:
    if workers.skill_levels is None:
        return skill_math.meets_requirements(workers.skills, rows, required)
    return skill_math.meets_levels(workers.skill_levels, rows, required)


def _preference(workers: WorkerArrays, rows, preferred) -> np.ndarray:
    if workers.skill_levels is None:
        return skill_math.preference_score(workers.skills, rows, preferred)
    return skill_math.preference_from_levels(workers.skill_levels, rows, preferred)


@lru_cache(maxsize=256)
def _cached_weights(items: tuple, has_preferences: bool) -> np.ndarray:
    applied = effective_weights(weight_vector(dict(items)), has_preferences)
    applied.flags.writeable = False  # shared by every ranking with these weights
    return applied


def _applied_weights(weights: Mapping[str, float], has_preferences: bool) -> np.ndarray:
    """effective_weights(weight_vector(weights), ...), computed once per set of weights."""
    try:
        return _cached_weights(tuple(weights.items()), has_preferences)
    except TypeError:  # unhashable values: nothing to cache them by
        return effective_weights(weight_vector(weights), has_preferences)


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
    columns = [None] * len(TERMS)
    columns[SKILL] = _preference(workers, found.rows, query.preferred_skills)
    columns[DISTANCE] = distance_term(found.km, query.max_distance_km)
    columns[RELIABILITY] = found.reliability
    applied = _applied_weights(weights, bool(query.preferred_skills))
    parts, scores = combine_columns(columns, applied)
    # Ids only for the pool around the k-th best: the rest never need theirs.
    pool = top_k_pool(scores, k)
    rows = found.rows.take(pool)
    ids = workers.ids.take(rows)
    chosen = best_first(scores.take(pool), ids, k)
    winners = pool.take(chosen)
    return Ranking(
        indices=rows.take(chosen),
        ids=ids.take(chosen),
        scores=np.minimum(scores.take(winners), 1.0),
        distances_km=found.km.take(winners),
        # Only the chosen few need their breakdown as a matrix.
        breakdown=np.stack([part.take(winners) for part in parts], axis=1),
        eligible=len(found.rows),
    )
