"""Integer program for placement components in which some worker has overlapping shifts.

One binary x per candidate pair. Rows (all ``≤``): per shift, its capacity (only where it has
more candidates than places); per shift, its beds over housing pairs (only where they exceed
it); per worker, one clique row per maximal set of its shifts that share a moment.

Why clique rows at start times cover every overlap exactly: two shifts [a1, b1) and [a2, b2)
overlap iff a1 < b2 and a2 < b1. Say a1 ≤ a2: then a1 ≤ a2 < b1, so the later one's start a2
lies in the earlier one, and both appear in the row of moment a2 (all shifts s with
starts[s] ≤ a2 < ends[s]). Conversely, shifts in one row all contain that moment, so each two
of them overlap, and back-to-back shifts (b1 = a2) never share a row. A row whose set is
contained in the next start's row is redundant and dropped, leaving the maximal cliques (the
clique rows of an interval graph describe its stable-set polytope, a tight formulation).

``"fill"`` is lexicographic in two HiGHS solves: the most pairs, then, with each component held
at its count (any optimal filling fills every component to its maximum), the best integer
total of ``round(score · SCORE_SCALE)``. Gaps are set to zero; the objective is integral.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

SCORE_SCALE = 10**6
INTEGRAL_TOLERANCE = 1e-6


def solve_mip(problem, idx, labels, objective, time_limit=None):
    """Solve the pairs ``idx`` (component ``labels``) exactly; return chosen pair indices."""
    began = time.perf_counter()
    matrix, upper = build_rows(problem, idx)
    n = len(idx)
    ub = np.ones(n)
    ub[problem.capacity[problem.shift[idx]] == 0] = 0
    if problem.beds is not None:
        ub[problem.housing[idx] & (problem.beds[problem.shift[idx]] == 0)] = 0
    weights = np.rint(problem.score[idx] * SCORE_SCALE)
    stats = {"mip_rows": int(matrix.shape[0]), "lp_integral": True}
    deadline = None if time_limit is None else began + time_limit
    if objective == "fill":
        x = _optimise(-np.ones(n), matrix, upper, ub, deadline, stats)
        comp, comp_index = np.unique(labels, return_inverse=True)
        counts = np.bincount(comp_index, weights=x, minlength=len(comp))
        # Each component keeps its maximum count: written as -count <= -best.
        keep = sp.csr_matrix((-np.ones(n), (comp_index, np.arange(n))), shape=(len(comp), n))
        matrix, upper = sp.vstack((matrix, keep), format="csr"), np.r_[upper, -counts]
        stats["fill_seconds"] = time.perf_counter() - began
    x = _optimise(-weights, matrix, upper, ub, deadline, stats)
    stats["mip_seconds"] = time.perf_counter() - began
    return idx[x > 0.5], stats


def _optimise(cost, matrix, upper, ub, deadline, stats):
    """Minimise ``cost · x`` over binary x with ``matrix x <= upper``.

    The LP relaxation comes first (dual simplex, a vertex): it bounds the optimum, so when its
    solution is integral it is optimal, which on placement instances is the usual case and
    costs a fraction of the branch and bound. Otherwise HiGHS's MIP finishes the job.
    """
    bounds = list(zip(np.zeros(len(cost)), ub, strict=True))
    lp = linprog(
        cost,
        A_ub=matrix,
        b_ub=upper,
        bounds=bounds,
        method="highs-ds",
        options=_options(deadline, {}),
    )
    if lp.status == 0:
        x = np.rint(lp.x)
        if np.abs(lp.x - x).max(initial=0) <= INTEGRAL_TOLERANCE:
            return x
    stats["lp_integral"] = False
    result = milp(
        cost,
        integrality=np.ones(len(cost)),
        bounds=Bounds(np.zeros(len(cost)), ub),
        constraints=[LinearConstraint(matrix, -np.inf, upper)] if matrix.shape[0] else [],
        options=_options(deadline, {"mip_rel_gap": 0.0}),
    )
    if result.status == 1:
        raise TimeoutError("placement MIP ran out of time before an optimum was proven")
    if result.status != 0 or result.x is None:
        raise RuntimeError(f"placement MIP failed: {result.message}")
    return np.rint(result.x)


def _options(deadline, options):
    if deadline is not None:
        left = deadline - time.perf_counter()
        if left <= 0:
            raise TimeoutError("placement MIP ran out of time before an optimum was proven")
        options["time_limit"] = left
    return options


def build_rows(problem, idx):
    """Constraint matrix and right-hand sides (``A x ≤ b``) for the pairs ``idx``."""
    n = len(idx)
    shift = problem.shift[idx]
    blocks, bounds = [], []
    for mask, limit in _shift_limits(problem, idx):
        local = shift[mask]
        counts = np.bincount(local, minlength=problem.n_shifts)
        tight = np.flatnonzero(counts > limit)
        if len(tight) == 0:
            continue
        row_of = np.full(problem.n_shifts, -1)
        row_of[tight] = np.arange(len(tight))
        cols = np.flatnonzero(mask)
        rows = row_of[local]
        hit = rows >= 0
        blocks.append(_incidence(rows[hit], cols[hit], len(tight), n))
        bounds.append(limit[tight])
    clique_rows, clique_cols, n_cliques = _clique_entries(problem, idx)
    blocks.append(_incidence(clique_rows, clique_cols, n_cliques, n))
    bounds.append(np.ones(n_cliques))
    return sp.vstack(blocks, format="csr"), np.concatenate(bounds).astype(np.float64)


def _shift_limits(problem, idx):
    yield np.ones(len(idx), dtype=bool), problem.capacity
    if problem.beds is not None:
        yield problem.housing[idx], problem.beds


def _incidence(rows, cols, n_rows, n_cols):
    return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_rows, n_cols))


def _clique_entries(problem, idx):
    """(row, column) entries of the maximal clique rows with two or more shifts, per worker."""
    worker = problem.worker[idx]
    start = problem.start_rank[problem.shift[idx]]
    end = problem.end_rank[problem.shift[idx]]
    span = int(max(problem.start_rank.max(), problem.end_rank.max())) + 1
    order = np.lexsort((start, worker))
    worker, start, end = worker[order], start[order], end[order]
    key = worker * span + start
    # Pair j belongs to the row of every sorted position i with start_j <= start_i < end_j.
    lo = np.searchsorted(key, key, side="left")
    hi = np.searchsorted(key, worker * span + end, side="left")
    member = np.repeat(np.arange(len(key)), hi - lo)
    position = np.arange(len(member)) - np.repeat(np.cumsum(hi - lo) - (hi - lo), hi - lo)
    position += np.repeat(lo, hi - lo)
    head = np.r_[True, key[1:] != key[:-1]]
    on_head = head[position]
    member, position = member[on_head], position[on_head]
    # Entries are grouped by member; regroup by row (position) to measure each row.
    by_row = np.lexsort((member, position))
    member, position = member[by_row], position[by_row]
    heads = np.flatnonzero(head)
    first = np.searchsorted(position, heads)
    size = np.diff(np.r_[first, len(position)])
    min_end = np.minimum.reduceat(end[member], first) if len(first) else np.empty(0, np.int64)
    # The next start's row contains this one when every member outlasts that start.
    next_head = np.r_[heads[1:], len(key)]
    has_next = next_head < len(key)
    nh = np.minimum(next_head, len(key) - 1)
    contained = has_next & (worker[nh] == worker[heads]) & (min_end > start[nh])
    keep = (size >= 2) & ~contained
    row_of_head = np.full(len(key), -1)
    row_of_head[heads[keep]] = np.arange(int(keep.sum()))
    rows = row_of_head[position]
    hit = rows >= 0
    return rows[hit], order[member[hit]], int(keep.sum())
