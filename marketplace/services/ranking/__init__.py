"""Ranking: the bridge from rows to the pure matching/ package — the worker index, its weights,
candidates for a shift and shifts recommended to a worker.
"""

from .bridge import (
    excluded_rows,
    excluded_worker_ids,
    rank_lendable,
    rank_shift,
    rank_workers,
    shift_query,
)
from .index import build_index, bump, current_version, get_index, track_changes
from .recommendations import recommend_shifts
from .weights import set_weights, weights_of

__all__ = [
    "build_index",
    "bump",
    "current_version",
    "excluded_rows",
    "excluded_worker_ids",
    "get_index",
    "rank_lendable",
    "rank_shift",
    "rank_workers",
    "recommend_shifts",
    "set_weights",
    "shift_query",
    "track_changes",
    "weights_of",
]
