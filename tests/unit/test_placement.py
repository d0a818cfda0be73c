"""Placement solver: optimal against brute force, an independent MIP, and on edge cases."""

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from marketplace.matching import placement_mip
from marketplace.matching.placement import Placement, solve

TOL = 1e-6  # per placed pair: the MIP ranks scores rounded to 1e-6


def check_feasible(result, scores, capacity, starts, ends, beds=None, needs_housing=None):
    """Every constraint of the contract holds for the returned pairs."""
    pairs = result.pairs
    assert pairs.shape == (result.filled, 2)
    assert pairs.dtype.kind == "i"
    assert np.array_equal(pairs, pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))])
    assert len({tuple(p) for p in pairs.tolist()}) == len(pairs)
    dense = scores.toarray()
    values = [dense[w, s] for w, s in pairs]
    assert all(v > 0 for v in values)
    assert result.total == pytest.approx(sum(values), abs=1e-9)
    taken = np.bincount(pairs[:, 1], minlength=len(capacity))
    assert (taken <= np.asarray(capacity)).all()
    if beds is not None and needs_housing is not None:
        housed = np.bincount(
            pairs[:, 1], weights=np.asarray(needs_housing)[pairs[:, 0]], minlength=len(beds)
        )
        assert (housed <= np.asarray(beds)).all()
    for (w1, s1), (w2, s2) in itertools.combinations(pairs.tolist(), 2):
        if w1 == w2:
            assert not (starts[s1] < ends[s2] and starts[s2] < ends[s1]), (w1, s1, s2)


def brute_force(scores, capacity, starts, ends, beds=None, needs_housing=None):
    """Best (count, total) by lexicographic order, and best total, over all feasible subsets."""
    coo = scores.tocoo()
    triples = zip(coo.row, coo.col, coo.data, strict=True)
    pairs = [(int(w), int(s), float(v)) for w, s, v in triples if v > 0]
    best_fill, best_score = (0, 0.0), 0.0
    for r in range(1, len(pairs) + 1):
        for subset in itertools.combinations(pairs, r):
            if _subset_ok(subset, capacity, starts, ends, beds, needs_housing):
                total = sum(p[2] for p in subset)
                best_fill = max(best_fill, (r, total))
                best_score = max(best_score, total)
    return best_fill, best_score


def _subset_ok(subset, capacity, starts, ends, beds, needs_housing):
    taken = np.zeros(len(capacity), dtype=int)
    housed = np.zeros(len(capacity), dtype=int)
    for w, s, _ in subset:
        taken[s] += 1
        housed[s] += bool(needs_housing is not None and needs_housing[w])
    if (taken > capacity).any() or (beds is not None and (housed > beds).any()):
        return False
    return not any(
        a[0] == b[0] and starts[a[1]] < ends[b[1]] and starts[b[1]] < ends[a[1]]
        for a, b in itertools.combinations(subset, 2)
    )


@st.composite
def small_instances(draw):
    n_w = draw(st.integers(0, 5))
    n_s = draw(st.integers(1, 4))
    cells = draw(
        st.lists(
            st.one_of(st.just(0.0), st.sampled_from([0.25, 0.5, 1.0]), st.floats(0.01, 1.0)),
            min_size=n_w * n_s,
            max_size=n_w * n_s,
        )
    )
    dense = np.array(cells, dtype=float).reshape(n_w, n_s)
    # Keep brute force small: at most 10 candidate pairs.
    dense[np.cumsum(dense.ravel() > 0).reshape(n_w, n_s) > 10] = 0.0
    capacity = np.array(draw(st.lists(st.integers(0, 2), min_size=n_s, max_size=n_s)))
    starts = np.array(draw(st.lists(st.integers(0, 6), min_size=n_s, max_size=n_s)), float)
    lengths = np.array(draw(st.lists(st.integers(1, 4), min_size=n_s, max_size=n_s)), float)
    beds = needs_housing = None
    if draw(st.booleans()):
        beds = np.array(draw(st.lists(st.integers(0, 2), min_size=n_s, max_size=n_s)))
        needs_housing = np.array(draw(st.lists(st.booleans(), min_size=n_w, max_size=n_w)))
    return sp.csr_matrix(dense), capacity, starts, starts + lengths, beds, needs_housing


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances())
def test_matches_brute_force_for_both_objectives(instance):
    scores, capacity, starts, ends, beds, needs_housing = instance
    (best_count, best_fill_total), best_total = brute_force(*instance)
    fill = solve(scores, capacity, starts, ends, beds=beds, needs_housing=needs_housing)
    check_feasible(fill, *instance)
    assert fill.filled == best_count
    assert fill.total == pytest.approx(best_fill_total, abs=TOL * max(fill.filled, 1))
    best = solve(
        scores, capacity, starts, ends, beds=beds, needs_housing=needs_housing, objective="score"
    )
    check_feasible(best, *instance)
    assert best.total == pytest.approx(best_total, abs=TOL * max(best.filled, 1))


# --- a second, independent formulation on medium instances --------------------------------


def medium_instance(seed, overlaps, n_w=200, n_s=60, per_worker=8, with_beds=True):
    rng = np.random.default_rng(seed)
    cols = np.argsort(rng.random((n_w, n_s)), axis=1)[:, :per_worker].ravel()
    rows = np.repeat(np.arange(n_w), per_worker)
    scores = sp.csr_matrix((rng.uniform(0.01, 1.0, len(rows)), (rows, cols)), shape=(n_w, n_s))
    capacity = rng.integers(0, 6, n_s)
    # Overlapping: 8-hour shifts at random half-hours over two weeks; otherwise one a day.
    half_hours = rng.integers(0, 14 * 48, n_s) * 1800.0
    starts = half_hours if overlaps else rng.permutation(n_s) * 86400.0
    ends = starts + 8 * 3600.0
    beds = rng.integers(0, 3, n_s) if with_beds else None
    needs_housing = rng.random(n_w) < 0.3 if with_beds else None
    return scores, capacity, starts, ends, beds, needs_housing


def reference_milp(scores, capacity, starts, ends, beds, needs_housing, objective):
    """Pairwise-conflict MIP, lexicographic in two solves; returns (count, total)."""
    coo = scores.tocoo()
    worker, shift, value = coo.row, coo.col, coo.data
    n = len(value)
    rows, bounds = [], []
    for s in range(len(capacity)):
        rows.append(shift == s)
        bounds.append(capacity[s])
        if beds is not None:
            rows.append((shift == s) & needs_housing[worker])
            bounds.append(beds[s])
    for w in np.unique(worker):
        mine = np.flatnonzero(worker == w)
        for i, j in itertools.combinations(mine, 2):
            a, b = shift[i], shift[j]
            if starts[a] < ends[b] and starts[b] < ends[a]:
                row = np.zeros(n, dtype=bool)
                row[[i, j]] = True
                rows.append(row)
                bounds.append(1)
    matrix = sp.csr_matrix(np.array(rows, dtype=float))
    constraints = [LinearConstraint(matrix, -np.inf, np.array(bounds, dtype=float))]
    options = {"mip_rel_gap": 0.0}
    binary = {"integrality": np.ones(n), "bounds": Bounds(0, 1), "options": options}
    if objective == "fill":
        count = -milp(-np.ones(n), constraints=constraints, **binary).fun
        constraints.append(LinearConstraint(np.ones((1, n)), round(count) - 0.5, np.inf))
    result = milp(-value, constraints=constraints, **binary)
    x = np.rint(result.x)
    return int(x.sum()), float(value[x > 0.5].sum())


@pytest.mark.parametrize("objective", ["fill", "score"])
@pytest.mark.parametrize("overlaps", [False, True])
@pytest.mark.parametrize("seed", [1, 2])
def test_matches_independent_mip_on_medium_instances(seed, overlaps, objective):
    instance = medium_instance(seed, overlaps)
    scores, capacity, starts, ends, beds, needs_housing = instance
    result = solve(
        scores, capacity, starts, ends, beds=beds, needs_housing=needs_housing, objective=objective
    )
    check_feasible(result, *instance)
    count, total = reference_milp(*instance, objective)
    assert result.total == pytest.approx(total, abs=TOL * max(count, 1))
    if objective == "fill":
        assert result.filled == count
    assert result.method == ("mip" if overlaps else "greedy")


def test_mip_fallback_when_the_lp_relaxation_is_fractional():
    scores = sp.csr_matrix(
        [[0.5, 0.0, 1.0, 0.5, 0.0], [0.5, 0.5, 1.0, 0.0, 0.0], [0.5, 1.0, 1.0, 1.0, 1.0]]
    )
    capacity = np.ones(5, dtype=int)
    starts, ends = np.array([3, 5, 8, 0, 4.0]), np.array([8, 10, 13, 5, 8.0])
    (count, fill_total), best_total = brute_force(scores, capacity, starts, ends)
    for objective, expected in (("fill", fill_total), ("score", best_total)):
        result = solve(scores, capacity, starts, ends, objective=objective)
        check_feasible(result, scores, capacity, starts, ends)
        assert result.stats["lp_integral"] is False
        assert result.total == pytest.approx(expected, abs=TOL * result.filled)
    assert result.filled == count


def test_forced_branch_and_bound_matches_the_lp_path(monkeypatch):
    instance = medium_instance(3, overlaps=True)
    scores, capacity, starts, ends, beds, needs_housing = instance
    kwargs = {"beds": beds, "needs_housing": needs_housing}
    via_lp = solve(scores, capacity, starts, ends, **kwargs)
    monkeypatch.setattr(placement_mip, "INTEGRAL_TOLERANCE", -1.0)
    via_mip = solve(scores, capacity, starts, ends, **kwargs)
    assert via_mip.stats["lp_integral"] is False
    assert via_mip.filled == via_lp.filled
    assert via_mip.total == pytest.approx(via_lp.total, abs=TOL * via_lp.filled)
    check_feasible(via_mip, *instance)


# --- edge cases ----------------------------------------------------------------------------


def one_shift(n_workers=2):
    return np.array([0.0]), np.array([8.0]), np.ones(n_workers)


def test_empty_matrix():
    result = solve(sp.csr_matrix((0, 0)), [], [], [])
    assert isinstance(result, Placement)
    assert result.pairs.shape == (0, 2)
    assert (result.filled, result.total, result.method) == (0, 0.0, "empty")


def test_zero_capacity_and_no_pairs_place_nobody():
    scores = sp.csr_matrix([[0.9, 0.0], [0.8, 0.0]])
    result = solve(scores, [0, 3], [0, 10], [8, 18])
    assert result.filled == 0
    assert solve(sp.csr_matrix((3, 2)), [1, 1], [0, 10], [8, 18]).filled == 0


def test_explicit_zeros_are_not_pairs():
    scores = sp.csr_matrix((np.array([0.0, 0.4]), (np.array([0, 1]), np.array([0, 0]))), (2, 1))
    assert scores.nnz == 2
    result = solve(scores, [2], [0.0], [8.0])
    assert result.pairs.tolist() == [[1, 0]]


def test_back_to_back_shifts_both_taken_by_one_worker():
    scores = sp.csr_matrix([[0.5, 0.6, 0.7]])
    result = solve(scores, [1, 1, 1], [0, 8, 7], [8, 16, 9])
    assert result.pairs.tolist() == [[0, 0], [0, 1]]  # [7, 9) overlaps both
    assert result.method == "mip"


def test_several_non_overlapping_shifts_per_worker():
    scores = sp.csr_matrix([[0.5, 0.6, 0.7]])
    result = solve(scores, [1, 1, 1], [0, 8, 16], [8, 16, 24])
    assert result.filled == 3
    assert result.method == "greedy"


def test_beds_limit_housing_workers():
    scores = sp.csr_matrix([[1.0], [0.9], [0.8], [0.1]])
    housing = np.array([True, True, True, False])
    result = solve(scores, [3], [0], [8], beds=[1], needs_housing=housing)
    assert result.pairs.tolist() == [[0, 0], [3, 0]]
    without_limit = solve(scores, [3], [0], [8], needs_housing=housing)
    assert without_limit.pairs.tolist() == [[0, 0], [1, 0], [2, 0]]


def test_score_objective_takes_fewer_places_when_that_scores_more():
    # Worker 0 fits either long shift 0 (0.9) or the two short shifts 1 and 2 (0.2 each);
    # worker 1 only fits shift 1, worker 2 only shift 2; one place each.
    scores = sp.csr_matrix([[0.9, 0.2, 0.2], [0.0, 0.3, 0.0], [0.0, 0.0, 0.3]])
    capacity, starts, ends = [1, 1, 1], [0, 0, 5], [10, 5, 10]
    fill = solve(scores, capacity, starts, ends)
    assert (fill.filled, fill.total) == (3, pytest.approx(1.5))
    assert fill.pairs.tolist() == [[0, 0], [1, 1], [2, 2]]
    scores = sp.csr_matrix([[0.9, 0.2, 0.2], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    fill = solve(scores, capacity, starts, ends)
    best = solve(scores, capacity, starts, ends, objective="score")
    assert (fill.filled, fill.total) == (2, pytest.approx(0.4))
    assert (best.filled, best.total) == (1, pytest.approx(0.9))
    assert best.pairs.tolist() == [[0, 0]]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"scores": np.ones((2, 1))}, "scipy.sparse"),
        ({"scores": sp.csr_matrix([[1.5], [0.5]])}, r"\(0, 1\]"),
        ({"scores": sp.csr_matrix([[-0.5], [0.5]])}, r"\(0, 1\]"),
        ({"scores": sp.csr_matrix([[np.nan], [0.5]])}, r"\(0, 1\]"),
        ({"capacity": [-1]}, "capacity"),
        ({"capacity": [1.5]}, "capacity"),
        ({"capacity": [1, 1]}, "capacity"),
        ({"starts": [0, 1]}, "starts"),
        ({"ends": [0.0]}, "end after"),
        ({"ends": [-1.0]}, "end after"),
        ({"starts": [np.inf]}, "finite"),
        ({"beds": [-1]}, "beds"),
        ({"needs_housing": [True]}, "needs_housing"),
        ({"objective": "fastest"}, "objective"),
    ],
)
def test_invalid_inputs_raise_value_error(change, message):
    arguments = {"scores": sp.csr_matrix([[0.5], [0.5]]), "capacity": [1], "starts": [0.0]}
    arguments |= {"ends": [8.0], "beds": None, "needs_housing": None} | change
    with pytest.raises(ValueError, match=message):
        solve(
            arguments.pop("scores"),
            arguments.pop("capacity"),
            arguments.pop("starts"),
            arguments.pop("ends"),
            **arguments,
        )


def test_duplicate_entries_raise_value_error():
    scores = sp.csr_matrix((np.array([0.4, 0.5]), np.array([0, 0]), np.array([0, 2])), (1, 1))
    with pytest.raises(ValueError, match="duplicate"):
        solve(scores, [1], [0], [8])


def test_inputs_are_not_modified_and_result_is_read_only():
    scores = sp.csr_matrix([[0.5, 0.0], [0.7, 0.2]])
    before = scores.copy()
    result = solve(scores, [1, 1], [0, 4], [8, 12])
    assert (scores != before).nnz == 0
    with pytest.raises(ValueError):
        result.pairs[0, 0] = 5


@pytest.mark.parametrize("overlaps", [False, True])
def test_deterministic(overlaps):
    instance = medium_instance(7, overlaps, with_beds=True)
    scores, capacity, starts, ends, beds, needs_housing = instance
    runs = [
        solve(scores, capacity, starts, ends, beds=beds, needs_housing=needs_housing)
        for _ in range(3)
    ]
    assert all(np.array_equal(runs[0].pairs, run.pairs) for run in runs[1:])


def test_components_without_overlaps_go_greedy_the_rest_to_the_mip():
    # Workers 0-1 and shifts 0-1 overlap; worker 2 and shifts 2-3 are a separate component.
    scores = sp.csr_matrix([[0.9, 0.8, 0, 0], [0.7, 0.5, 0, 0], [0, 0, 0.5, 0.4]])
    capacity, starts, ends = [1, 1, 1, 1], [0, 4, 0, 10], [8, 12, 8, 18]
    result = solve(scores, capacity, starts, ends)
    assert result.method == "greedy+mip"
    assert result.stats["greedy_pairs"] == 2
    assert result.pairs.tolist() == [[0, 1], [1, 0], [2, 2], [2, 3]]
    check_feasible(result, scores, capacity, starts, ends)


def test_time_limit_raises_instead_of_returning_an_unproven_placement():
    scores, capacity, starts, ends, *_ = medium_instance(4, overlaps=True, with_beds=False)
    with pytest.raises(TimeoutError):
        solve(scores, capacity, starts, ends, time_limit=0)


def test_equal_scores_go_to_the_lower_worker():
    scores = sp.csr_matrix([[0.5], [0.5], [0.5]])
    assert solve(scores, [2], [0], [8]).pairs.tolist() == [[0, 0], [1, 0]]


def test_large_instance_without_overlaps_solves():
    rng = np.random.default_rng(0)
    n_w, n_s, per_worker = 10_000, 2_000, 50
    cols = np.argsort(rng.random((n_w, n_s)), axis=1)[:, :per_worker].ravel()
    rows = np.repeat(np.arange(n_w), per_worker)
    scores = sp.csr_matrix((rng.uniform(0.01, 1, len(rows)), (rows, cols)), shape=(n_w, n_s))
    starts = np.arange(n_s) * 36000.0
    result = solve(scores, np.full(n_s, 5), starts, starts + 28800)
    assert result.filled == 10_000
    assert result.method == "greedy"
