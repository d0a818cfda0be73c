"""Sparse worker x skill levels (and worker x certificate expiry days), requirements, preferences.

Rows are workers (positions in the worker arrays), columns are skills or certificate types
through a `ColumnMap`. Stored entries are positive: a level 1-5, or the last valid day of a
certificate as a day number; an absent entry means the worker lacks the skill or certificate.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy.sparse import csr_matrix

# Skill levels run from 1 (beginner) to 5 (master), as WorkerSkill stores them.
MIN_LEVEL = 1
MAX_LEVEL = 5
# Day numbers count days since 1970-01-01, so they fit int32 for millennia.
DAY_EPOCH = date(1970, 1, 1)
# "Valid until" of a certificate that never expires.
NO_EXPIRY = int(np.iinfo(np.int32).max)


def day_number(day: date) -> int:
    """Days since 1970-01-01 of a calendar date."""
    return (day - DAY_EPOCH).days


@dataclass(frozen=True, eq=False)
class ColumnMap:
    """Database ids (of skills or certificate types) to matrix columns, and back."""

    ids: np.ndarray  # column -> id, ascending

    @classmethod
    def from_ids(cls, ids) -> "ColumnMap":
        """Columns for the distinct ids, in ascending id order."""
        return cls(np.unique(np.asarray(ids, dtype=np.int64)))

    def __len__(self) -> int:
        return len(self.ids)

    def columns(self, ids) -> np.ndarray:
        """Columns of the given ids; KeyError for an id the map does not hold."""
        ids = np.asarray(ids, dtype=np.int64)
        cols = np.searchsorted(self.ids, ids)
        found = cols < len(self.ids)
        found[found] = self.ids[cols[found]] == ids[found]
        if not found.all():
            raise KeyError(f"unknown ids: {np.unique(ids[~found]).tolist()}")
        return cols

    def column(self, id_: int) -> int:
        """Column of one id."""
        return int(self.columns([id_])[0])


def entry_matrix(rows, cols, values, shape: tuple[int, int], dtype) -> csr_matrix:
    """A CSR matrix from (row, column, value) triplets; values must be positive and unique."""
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    values = np.asarray(values)
    if not len(rows) == len(cols) == len(values):
        raise ValueError("triplet arrays differ in length")
    if len(values) and values.min() <= 0:
        raise ValueError("stored values must be positive (absent means lacking)")
    # CSR sums duplicate entries; a doubled skill would silently become a higher level.
    if len(np.unique(rows * shape[1] + cols)) != len(rows):
        raise ValueError("duplicate (row, column) entries")
    matrix = csr_matrix((values.astype(dtype), (rows, cols)), shape=shape)
    matrix.sort_indices()
    return matrix


def skill_matrix(rows, cols, levels, n_workers: int, n_skills: int) -> csr_matrix:
    """Worker x skill levels (int8) from (worker row, skill column, level) triplets."""
    levels = np.asarray(levels)
    if len(levels) and (levels.min() < MIN_LEVEL or levels.max() > MAX_LEVEL):
        raise ValueError(f"levels run from {MIN_LEVEL} to {MAX_LEVEL}")
    return entry_matrix(rows, cols, levels, (n_workers, n_skills), np.int8)


def certificate_matrix(rows, cols, valid_until_days, n_workers: int, n_types: int) -> csr_matrix:
    """Worker x certificate type "valid until" day numbers (int32; NO_EXPIRY if none)."""
    return entry_matrix(rows, cols, valid_until_days, (n_workers, n_types), np.int32)


def row_entries(matrix: csr_matrix, rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stored entries of the given rows as (owner, column, value); owner indexes `rows`."""
    rows = np.asarray(rows, dtype=np.intp)
    starts = matrix.indptr[rows]
    lengths = matrix.indptr[rows + 1] - starts
    owner = np.repeat(np.arange(len(rows)), lengths)
    # Position of every entry: its row's start plus its rank within the row.
    first = np.cumsum(lengths) - lengths
    positions = np.arange(len(owner)) + np.repeat(starts - first, lengths)
    return owner, matrix.indices[positions], matrix.data[positions]


def _lookup(n_columns: int, cols, values, fill) -> np.ndarray:
    table = np.full(n_columns, fill, dtype=np.asarray(values).dtype)
    table[np.asarray(cols, dtype=np.intp)] = values
    return table


def checked_requirements(required: Sequence[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Columns and minimums of non-empty requirements; ValueError unless distinct and positive."""
    # Plain Python: a shift has a handful of requirements, and this runs on every ranking.
    cols = [int(col) for col, _ in required]
    minimums = [minimum for _, minimum in required]
    if len(set(cols)) != len(cols) or min(minimums) <= 0:
        raise ValueError("requirements need distinct columns and positive minimums")
    return np.asarray(cols), np.asarray(minimums)


def _preferences(preferred: Sequence[tuple[int, float]]) -> tuple[np.ndarray, np.ndarray]:
    cols, weights = (np.asarray(a) for a in zip(*preferred, strict=True))
    weights = weights.astype(np.float64)
    if len(np.unique(cols)) != len(cols) or not (weights > 0).all():
        raise ValueError("preferences need distinct columns and positive weights")
    return cols, weights


def meets_requirements(matrix: csr_matrix, rows, required: Sequence[tuple[int, int]]) -> np.ndarray:
    """Mask over rows: every (column, minimum) entry is present and at least the minimum.

    Serves skills (minimum level) and certificates (the shift's day number) alike; minimums
    must be positive, since an absent entry is what a zero would otherwise mean.
    """
    rows = np.asarray(rows, dtype=np.intp)
    if not required:
        return np.ones(len(rows), dtype=bool)
    cols, minimums = checked_requirements(required)
    threshold = _lookup(matrix.shape[1], cols, minimums.astype(np.int64), 0)
    owner, entry_cols, values = row_entries(matrix, rows)
    need = threshold[entry_cols]
    met = (need > 0) & (values >= need)
    # A worker holds each column at most once, so meeting all means counting them all.
    return np.bincount(owner[met], minlength=len(rows)) == len(cols)


def preference_score(
    matrix: csr_matrix, rows, preferred: Sequence[tuple[int, float]]
) -> np.ndarray:
    """Skill part of the score, in [0, 1]: sum(weight * level) / (MAX_LEVEL * sum(weight)).

    Missing skills count as level 0. With no preferences every row gets 1.0: the shift asks
    for nothing more, so nobody is favoured (the scorer then gives the skill weight away).
    Sums run in ascending column order, so any other implementation can round identically.
    """
    rows = np.asarray(rows, dtype=np.intp)
    if not preferred:
        return np.ones(len(rows), dtype=np.float64)
    cols, weights = _preferences(preferred)
    weight_of = _lookup(matrix.shape[1], cols, weights, 0.0)
    owner, entry_cols, values = row_entries(matrix, rows)
    gained = weight_of[entry_cols] * np.minimum(values, MAX_LEVEL)
    total = np.bincount(owner, weights=gained, minlength=len(rows))
    return total / (MAX_LEVEL * weights[np.argsort(cols)].cumsum()[-1])


# Largest dense level table (one byte per worker and skill) a WorkerArrays keeps: 1,000,000
# workers and up to 128 skills. Beyond it the sparse functions above answer instead.
DENSE_LEVELS_MAX_BYTES = 128 * 2**20


def dense_levels(matrix: csr_matrix, max_bytes: int | None = None):
    """(columns, rows) table of the levels, 0 where absent; None if above max_bytes.

    One column's levels are one contiguous array, so looking up thousands of rows is one
    `take`, where the sparse matrix needs a search or a new matrix per lookup.
    """
    n_rows, n_cols = matrix.shape
    budget = DENSE_LEVELS_MAX_BYTES if max_bytes is None else max_bytes
    if n_rows * n_cols * matrix.dtype.itemsize > budget:
        return None
    table = np.zeros((n_cols, n_rows), dtype=matrix.dtype)
    owners = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(matrix.indptr))
    # One flat index per entry: a 2-D fancy assignment measured several times slower.
    table.reshape(-1)[matrix.indices.astype(np.int64) * n_rows + owners] = matrix.data
    return table


def meets_levels(table: np.ndarray, rows, required: Sequence[tuple[int, int]]) -> np.ndarray:
    """`meets_requirements` over a `dense_levels` table."""
    rows = np.asarray(rows, dtype=np.intp)
    met = np.ones(len(rows), dtype=bool)
    if required:
        for col, minimum in zip(*checked_requirements(required), strict=True):
            met &= table[col].take(rows) >= minimum
    return met


def preference_from_levels(table: np.ndarray, rows, preferred) -> np.ndarray:
    """`preference_score` over a `dense_levels` table, rounding identically."""
    rows = np.asarray(rows, dtype=np.intp)
    if not preferred:
        return np.ones(len(rows), dtype=np.float64)
    ordered = sorted((int(col), float(weight)) for col, weight in preferred)
    cols = [col for col, _ in ordered]
    if len(set(cols)) != len(cols) or not all(weight > 0 for _, weight in ordered):
        raise ValueError("preferences need distinct columns and positive weights")
    total = np.zeros(len(rows))
    weight_sum = 0.0
    # Ascending columns, from 0.0, as bincount adds the sparse entries (a lacked skill adds
    # weight * 0 = +0.0, which changes no sum); the weights add up in the same order as
    # `cumsum` adds them there.
    for col, weight in ordered:
        total += np.float64(weight) * np.minimum(table[col].take(rows), MAX_LEVEL)
        weight_sum += weight
    return total / (MAX_LEVEL * np.float64(weight_sum))
