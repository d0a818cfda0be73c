"""The worker fields a ranking reads, and a copy of them grouped by skill, best level first.

A shift requiring a skill that few workers hold is answered from that skill's holders
instead of a radius search: they are one contiguous slice of `SkillHolders`, with their
levels, homes and every field the filters and the score read beside them. Finding the ones
near the site, and filtering them, then reads a few per cent of the workers' data nearly in
memory order, instead of gathering it from arrays over all workers (a cache miss per row and
field, which measured slower than all the arithmetic).
"""

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix

# Levels are stored as int8: none is above this.
MAX_STORED = 127


@dataclass(frozen=True, eq=False)
class RankingColumns:
    """What the ranking reads of a worker, at positions of some table of workers."""

    rows: np.ndarray | None  # (M,) intp worker row of each position; None: the same
    homes: np.ndarray  # (3, M) float64 unit vectors, one contiguous array per axis
    active_bits: np.ndarray  # (M,) uint8 (WorkerArrays.active_bits)
    max_travel_km: np.ndarray  # (M,) float64
    needs_housing: np.ndarray  # (M,) bool
    reliability: np.ndarray  # (M,) float64

    def rows_at(self, positions: np.ndarray) -> np.ndarray:
        """Worker rows of the given positions."""
        return positions if self.rows is None else self.rows.take(positions)

    def subset(self, rows: np.ndarray) -> "RankingColumns":
        """A table of the given worker rows (this table indexed by worker row)."""
        return RankingColumns(
            rows=rows,
            homes=np.ascontiguousarray(self.homes.take(rows, axis=1)),
            active_bits=self.active_bits.take(rows),
            max_travel_km=self.max_travel_km.take(rows),
            needs_housing=self.needs_housing.take(rows),
            reliability=self.reliability.take(rows),
        )


@dataclass(frozen=True, eq=False)
class SkillHolders:
    """Entries of a worker x skill matrix by skill, then by row (as CSC), with their fields."""

    starts: np.ndarray  # (n_skills + 1,) where each skill's holders begin (the CSC indptr)
    levels: np.ndarray  # (nnz,) each holder's level
    # (n_skills, MAX_STORED + 2): how many hold each skill at each level or above.
    counts_at_least: np.ndarray
    columns: RankingColumns  # the holders' fields, entry by entry

    @classmethod
    def build(cls, skills: csr_matrix, workers: RankingColumns) -> "SkillHolders":
        """From a worker x skill matrix and the workers' fields by row."""
        by_skill = skills.tocsc()
        by_skill.sort_indices()  # rows ascending within a skill: the fields are read in order
        n_skills = by_skill.shape[1]
        skill_of = np.repeat(np.arange(n_skills), np.diff(by_skill.indptr))
        level = np.clip(by_skill.data, 0, MAX_STORED).astype(np.int64)
        width = MAX_STORED + 2
        counts = np.bincount(skill_of * width + level, minlength=n_skills * width)
        at_least = counts.reshape(n_skills, width)[:, ::-1].cumsum(axis=1)[:, ::-1]
        return cls(
            starts=by_skill.indptr.astype(np.intp),
            levels=by_skill.data,
            counts_at_least=np.ascontiguousarray(at_least),
            columns=workers.subset(by_skill.indices.astype(np.intp)),
        )

    def holding(self, col: int) -> slice:
        """Positions of the holders of skill `col` (at any level)."""
        return slice(int(self.starts[col]), int(self.starts[col + 1]))

    def count_at_least(self, col: int, level: int) -> int:
        """How many hold skill `col` at `level` or above."""
        return int(self.counts_at_least[col, min(max(int(level), 0), MAX_STORED + 1)])
