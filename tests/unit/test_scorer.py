"""The scorer against a plain brute-force reference, and its documented rules one by one."""

from contextlib import contextmanager
from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix

from marketplace.matching import geo, skills, terms
from marketplace.matching.scorer import ShiftQuery, WorkerArrays, rank
from marketplace.matching.shift_scorer import ShiftArrays, rank_shifts_for_worker

SITE = (29.9882, 120.5826)  # 越城区
DAY = skills.day_number(date(2020, 2, 20))
N_SKILLS, N_CERTS = 6, 3


def make_workers(seed, n, spread=0.3):
    """A random population near the site; plain dicts too, for the reference."""
    rng = np.random.default_rng(seed)
    people = []
    for i in range(n):
        held = rng.choice(N_SKILLS, rng.integers(0, N_SKILLS + 1), replace=False)
        certs = rng.choice(N_CERTS, rng.integers(0, N_CERTS + 1), replace=False)
        people.append(
            {
                # Ids unrelated to the row order, so tie-breaking by id is really tested.
                "id": int(rng.integers(1, 10**6)) * 1000 + i,
                "lat": SITE[0] + rng.normal(0, spread),
                "lon": SITE[1] + rng.normal(0, spread),
                "max_travel_km": float(rng.choice([5.0, 20.0, 40.0, 200.0])),
                "kind": int(rng.integers(0, 5)),
                "suspended": bool(rng.random() < 0.1),
                "reliability": float(rng.choice([0.5, 0.75, rng.random()])),
                "needs_housing": bool(rng.random() < 0.2),
                "skills": {int(s): int(rng.integers(1, 6)) for s in held},
                "certs": {int(c): int(DAY + rng.integers(-3, 4)) for c in certs},
            }
        )
    return people, to_arrays(people)


def to_arrays(people):
    n = len(people)
    s_rows = [i for i, p in enumerate(people) for _ in p["skills"]]
    c_rows = [i for i, p in enumerate(people) for _ in p["certs"]]
    return WorkerArrays(
        ids=[p["id"] for p in people],
        unit_vectors=geo.unit_vectors([p["lat"] for p in people], [p["lon"] for p in people]),
        max_travel_km=[p["max_travel_km"] for p in people],
        kind_bits=[1 << p["kind"] for p in people],
        suspended=[p["suspended"] for p in people],
        reliability=[p["reliability"] for p in people],
        needs_housing=[p["needs_housing"] for p in people],
        skills=skills.skill_matrix(
            s_rows, [s for p in people for s in p["skills"]],
            [v for p in people for v in p["skills"].values()], n, N_SKILLS,
        ),
        certificates=skills.certificate_matrix(
            c_rows, [c for p in people for c in p["certs"]],
            [v for p in people for v in p["certs"].values()], n, N_CERTS,
        ),
    )  # fmt: skip


def reference(people, q: ShiftQuery, k, weights=terms.DEFAULT_WEIGHTS):
    """Every filter and the score formula, one worker at a time."""
    w = {t: weights.get(t, 0.0) for t in terms.TERMS}
    total = w["skill"] + w["distance"] + w["reliability"]
    w = {t: v / total for t, v in w.items()}
    if not q.preferred_skills and w["distance"] + w["reliability"] > 0:
        rest = w["distance"] + w["reliability"]
        w = {"skill": 0.0, "distance": w["distance"] / rest, "reliability": w["reliability"] / rest}
    points = [(q.lat, q.lon), *q.pickup_points]
    excluded = set() if q.excluded is None else {int(x) for x in q.excluded}
    found = []
    for row, p in enumerate(people):
        # The module's distance function (checked against haversine in test_geo), min over points.
        km = min(float(geo.great_circle_km(a, b, p["lat"], p["lon"])) for a, b in points)
        if km > q.max_distance_km or p["suspended"] or row in excluded:
            continue
        if not q.accepted_kinds & (1 << p["kind"]):
            continue
        commutes = not p["needs_housing"] and km <= min(p["max_travel_km"], q.commute_km)
        if q.dormitory_beds == 0 and not commutes:
            continue
        if any(p["skills"].get(c, 0) < m for c, m in q.required_skills):
            continue
        if any(p["certs"].get(c, 0) < q.day for c in q.required_certificates):
            continue
        skill = 1.0
        if q.preferred_skills:
            gained = weight = 0.0
            for c, pw in sorted(q.preferred_skills):
                gained += pw * p["skills"].get(c, 0)
                weight += pw
            skill = gained / (5 * weight)
        parts = [
            w["skill"] * skill,
            w["distance"] * (1.0 - km / q.max_distance_km),
            w["reliability"] * p["reliability"],
        ]
        found.append((-(parts[0] + parts[1] + parts[2]), p["id"], row, km))
    found.sort()
    return [(row, -negative, km) for negative, _, row, km in found[:k]], len(found)


def query_strategy(n):
    cols = st.lists(st.integers(0, N_SKILLS - 1), unique=True, max_size=3)
    return st.builds(
        ShiftQuery,
        lat=st.just(SITE[0]),
        lon=st.just(SITE[1]),
        max_distance_km=st.sampled_from([5.0, 15.0, 30.0, 80.0]),
        accepted_kinds=st.integers(1, terms.ALL_KINDS_MASK),
        pickup_points=st.lists(
            st.tuples(st.floats(29.7, 30.3), st.floats(120.3, 120.9)), max_size=3
        ),
        required_skills=cols.flatmap(
            lambda cs: st.tuples(*[st.tuples(st.just(c), st.integers(1, 5)) for c in cs])
        ),
        preferred_skills=cols.flatmap(
            lambda cs: st.tuples(
                *[st.tuples(st.just(c), st.sampled_from([0.2, 0.5, 1.0])) for c in cs]
            )
        ),
        required_certificates=st.lists(st.integers(0, N_CERTS - 1), unique=True, max_size=2),
        day=st.just(DAY),
        dormitory_beds=st.sampled_from([0, 0, 10]),
        excluded=st.lists(st.integers(0, max(n - 1, 0)), max_size=5).map(np.array),
        commute_km=st.sampled_from([10.0, terms.DEFAULT_COMMUTE_KM]),
    )


def check_against_reference(people, workers, q, k, weights=terms.DEFAULT_WEIGHTS):
    result = rank(workers, workers.geo_index(), q, k=k, weights=weights)
    expected, eligible = reference(people, q, k, weights)
    assert result.indices.tolist() == [row for row, _, _ in expected]
    assert result.ids.tolist() == [people[row]["id"] for row, _, _ in expected]
    assert np.allclose(result.scores, [s for _, s, _ in expected], rtol=0, atol=1e-9)
    assert np.allclose(result.distances_km, [d for _, _, d in expected], rtol=0, atol=1e-9)
    assert result.eligible == eligible
    assert np.all(np.abs(result.breakdown.sum(axis=1) - result.scores) <= 1e-12)
    assert np.all((result.scores >= 0) & (result.scores <= 1))
    return result


@contextmanager
def paths(skill_first: float, dense: bool = True):
    """Start from the radius search (0.0) or a skill's holders (1.0); dense or sparse levels."""
    from marketplace.matching import scorer

    saved = scorer.SKILL_FIRST_SHARE, skills.DENSE_LEVELS_MAX_BYTES
    scorer.SKILL_FIRST_SHARE = skill_first
    skills.DENSE_LEVELS_MAX_BYTES = saved[1] if dense else 0  # read when arrays are built
    try:
        yield
    finally:
        scorer.SKILL_FIRST_SHARE, skills.DENSE_LEVELS_MAX_BYTES = saved


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(0, 60),
    k=st.integers(1, 70),
    skill_first=st.sampled_from([0.0, 1.0]),
    dense=st.booleans(),
    data=st.data(),
)
def test_rank_equals_brute_force(seed, n, k, skill_first, dense, data):
    with paths(skill_first, dense):
        people, workers = make_workers(seed, n)
        assert (workers.skill_levels is not None) == dense or n == 0
        check_against_reference(people, workers, data.draw(query_strategy(n)), k)


def rare_and_common(seed, n):
    """Skill 0 held by about 4% of the workers, the others by about half each."""
    rng = np.random.default_rng(seed)
    people, _ = make_workers(seed, n)
    for person in people:
        if rng.random() > 0.04:
            person["skills"].pop(0, None)
        elif 0 not in person["skills"]:
            person["skills"][0] = int(rng.integers(1, 6))
    return people, to_arrays(people)


def counting_tree_calls(workers):
    index = workers.geo_index()
    calls = []
    search = index.candidates
    index.candidates = lambda *args: calls.append(args) or search(*args)
    return index, calls


@pytest.mark.parametrize("dense", [True, False])
@pytest.mark.parametrize("seed", range(6))
def test_rare_skill_starts_from_its_holders_common_from_the_tree(seed, dense):
    with paths(0.08, dense):
        people, workers = rare_and_common(seed, 1000)
        check_rare_and_common(seed, people, workers)


def check_rare_and_common(seed, people, workers):
    rng = np.random.default_rng(seed)
    index, calls = counting_tree_calls(workers)
    base = {
        "lat": SITE[0],
        "lon": SITE[1],
        "max_distance_km": 60.0,
        "preferred_skills": [(2, 0.5), (4, 1.0)],
        "pickup_points": [(SITE[0] + 0.2, SITE[1] - 0.1)] if seed % 2 else [],
        "dormitory_beds": 5 * (seed % 3 == 0),
        "excluded": rng.choice(len(people), 60, replace=False),
        "accepted_kinds": int(rng.integers(1, terms.ALL_KINDS_MASK + 1)),
        "required_certificates": [1] if seed % 2 else [],
        "day": DAY,
    }
    for required, from_tree in [
        ([(0, 1)], False),  # rare: its holders
        ([(1, 2), (0, 2)], False),  # rare and common: the rare one's holders
        ([(1, 2)], True),  # common: the tree
        ([(1, 1), (3, 3)], True),
        ([], True),
    ]:
        calls.clear()
        query = ShiftQuery(**base, required_skills=required)
        result = rank(workers, index, query, k=20)
        expected, eligible = reference(people, query, 20)
        assert result.indices.tolist() == [row for row, _, _ in expected]
        assert result.eligible == eligible
        assert np.allclose(result.scores, [s for _, s, _ in expected], rtol=0, atol=1e-9)
        assert bool(calls) == from_tree


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    weights=st.fixed_dictionaries(
        {t: st.sampled_from([0.0, 0.1, 0.5, 2.0]) for t in terms.TERMS}
    ).filter(lambda w: sum(w.values()) > 0),
    data=st.data(),
)
def test_association_weights_equal_brute_force(seed, weights, data):
    people, workers = make_workers(seed, 40)
    check_against_reference(people, workers, data.draw(query_strategy(40)), 50, weights)


def identical_workers(n, **overrides):
    person = {
        "lat": SITE[0] + 0.05, "lon": SITE[1], "max_travel_km": 20.0, "kind": 2,
        "suspended": False, "reliability": 0.8, "needs_housing": False,
        "skills": {0: 3}, "certs": {},
    }  # fmt: skip
    people = [{**person, "id": 1000 - i, **overrides} for i in range(n)]
    return people, to_arrays(people)


def test_ties_break_by_id_ascending():
    _people, workers = identical_workers(8)
    result = rank(workers, workers.geo_index(), ShiftQuery(*SITE, max_distance_km=30), k=5)
    assert len(set(result.scores.tolist())) == 1
    assert result.ids.tolist() == [993, 994, 995, 996, 997]
    assert result.eligible == 8


def test_k_larger_than_eligible_and_empty():
    _people, workers = identical_workers(3)
    index = workers.geo_index()
    assert len(rank(workers, index, ShiftQuery(*SITE, max_distance_km=30), k=50)) == 3
    far = ShiftQuery(SITE[0] + 10, SITE[1], max_distance_km=30)
    nobody = rank(workers, index, far)
    assert len(nobody) == 0 and nobody.breakdown.shape == (0, 3) and nobody.eligible == 0


def test_pickup_point_shortens_the_distance():
    _people, workers = identical_workers(1, lat=SITE[0] + 0.2)  # about 22 km north
    index = workers.geo_index()
    alone = ShiftQuery(*SITE, max_distance_km=30)
    assert len(rank(workers, index, alone)) == 0  # beyond the worker's 20 km
    bus = ShiftQuery(*SITE, max_distance_km=30, pickup_points=[(SITE[0] + 0.19, SITE[1])])
    result = rank(workers, index, bus)
    assert result.distances_km[0] == pytest.approx(1.112, abs=0.01)


def test_beds_replace_the_daily_commute():
    people, workers = identical_workers(2, lat=SITE[0] + 0.3)  # about 33 km
    needs = to_arrays([people[0], {**people[1], "needs_housing": True, "lat": SITE[0]}])
    index = workers.geo_index()
    no_beds = ShiftQuery(*SITE, max_distance_km=50)
    beds = ShiftQuery(*SITE, max_distance_km=50, dormitory_beds=5)
    assert len(rank(workers, index, no_beds)) == 0
    assert len(rank(workers, index, beds)) == 2
    # Beyond the shift's own radius even a bed does not help.
    assert len(rank(workers, index, ShiftQuery(*SITE, max_distance_km=30, dormitory_beds=5))) == 0
    # A worker who needs housing comes only where beds are offered, however near.
    assert rank(needs, needs.geo_index(), no_beds).ids.tolist() == []
    assert len(rank(needs, needs.geo_index(), beds)) == 2


def test_excluded_and_suspended_never_appear():
    _people, workers = make_workers(7, 60)
    index = workers.geo_index()
    q = ShiftQuery(*SITE, max_distance_km=80, dormitory_beds=3)
    everyone = rank(workers, index, q, k=60)
    excluded = everyone.indices[::2]
    again = rank(workers, index, ShiftQuery(*SITE, 80, dormitory_beds=3, excluded=excluded), k=60)
    assert not set(again.indices.tolist()) & set(excluded.tolist())
    assert not workers.suspended[everyone.indices].any()
    assert workers.suspended.any()


def test_weights_change_the_order():
    near = {"lat": SITE[0], "lon": SITE[1], "reliability": 0.5}
    far_but_reliable = {"lat": SITE[0] + 0.15, "lon": SITE[1], "reliability": 1.0}
    people, _ = identical_workers(2)
    workers = to_arrays([{**people[0], **near}, {**people[1], **far_but_reliable}])
    index, q = workers.geo_index(), ShiftQuery(*SITE, max_distance_km=30)
    by_distance = rank(workers, index, q, weights={"distance": 0.9, "reliability": 0.1})
    by_record = rank(workers, index, q, weights={"distance": 0.1, "reliability": 0.9})
    assert by_distance.indices.tolist() == [0, 1]
    assert by_record.indices.tolist() == [1, 0]


def test_no_preferences_gives_the_skill_weight_away():
    _people, workers = identical_workers(1, lat=SITE[0], reliability=1.0)
    result = rank(workers, workers.geo_index(), ShiftQuery(*SITE, max_distance_km=30))
    assert result.scores[0] == 1.0
    assert result.breakdown[0].tolist() == [0.0, 0.6, 0.4]
    only_skill = rank(workers, workers.geo_index(), ShiftQuery(*SITE, 30), weights={"skill": 1})
    assert only_skill.scores[0] == 1.0 and only_skill.breakdown[0].tolist() == [1.0, 0.0, 0.0]


def test_bad_weights_refused():
    with pytest.raises(ValueError):
        terms.weight_vector({"charm": 1.0})
    with pytest.raises(ValueError):
        terms.weight_vector({"skill": 0.0})
    with pytest.raises(ValueError):
        terms.weight_vector({"skill": -1.0, "distance": 2.0})


def test_kind_order_matches_the_models():
    from marketplace.models.workers import KIND_BITS

    assert {k.value: bit for k, bit in KIND_BITS.items()} == dict(terms.KIND_BITS)


def shift_arrays(queries):
    """Shifts as arrays, from the same ShiftQuery objects rank() takes."""
    n = len(queries)

    def sparse(pairs_per_shift, width, dtype):
        rows = [i for i, pairs in enumerate(pairs_per_shift) for _ in pairs]
        cols = [c for pairs in pairs_per_shift for c, _ in pairs]
        vals = [v for pairs in pairs_per_shift for _, v in pairs]
        matrix = csr_matrix((np.array(vals, dtype=dtype), (rows, cols)), shape=(n, width))
        matrix.sort_indices()
        return matrix

    pickups = [(i, p) for i, q in enumerate(queries) for p in q.pickup_points]
    return ShiftArrays(
        ids=np.arange(n) * 7 % 5 * 100 + np.arange(n),  # ids unrelated to row order
        site_vectors=geo.unit_vectors([q.lat for q in queries], [q.lon for q in queries]),
        max_distance_km=np.array([q.max_distance_km for q in queries]),
        accepted_kinds=np.array([q.accepted_kinds for q in queries], dtype=np.uint8),
        day=np.array([q.day for q in queries]),
        dormitory_beds=np.array([q.dormitory_beds for q in queries]),
        required_skills=sparse([q.required_skills for q in queries], N_SKILLS, np.int8),
        preferred_skills=sparse([q.preferred_skills for q in queries], N_SKILLS, np.float64),
        required_certificates=sparse(
            [[(c, 1) for c in q.required_certificates] for q in queries], N_CERTS, np.int8
        ),
        pickup_vectors=geo.unit_vectors([p[0] for _, p in pickups], [p[1] for _, p in pickups]),
        pickup_shift=np.array([i for i, _ in pickups], dtype=np.intp),
    )


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), data=st.data())
def test_shifts_for_a_worker_agree_with_rank(seed, data):
    people, workers = make_workers(seed, 25)
    n_shifts = data.draw(st.integers(1, 12))
    queries = [
        replace(data.draw(query_strategy(25)), excluded=None, commute_km=terms.DEFAULT_COMMUTE_KM)
        for _ in range(n_shifts)
    ]
    shifts = shift_arrays(queries)
    index = workers.geo_index()
    by_shift = [rank(workers, index, q, k=len(people)) for q in queries]
    for row in range(len(people)):
        expected = []
        for s, result in enumerate(by_shift):
            hit = np.flatnonzero(result.indices == row)
            if len(hit):
                expected.append((-result.scores[hit[0]], int(shifts.ids[s]), s))
        expected.sort()
        got = rank_shifts_for_worker(workers, row, shifts, k=5)
        assert got.indices.tolist() == [s for _, _, s in expected[:5]]
        assert got.scores.tolist() == [-neg for neg, _, _ in expected[:5]]  # to the bit
        assert got.eligible == len(expected)
        assert np.all(np.abs(got.breakdown.sum(axis=1) - got.scores) <= 1e-12)


def test_shifts_for_a_worker_excluded_and_per_shift_weights():
    _people, workers = identical_workers(1, lat=SITE[0], reliability=0.5)
    queries = [ShiftQuery(*SITE, max_distance_km=30), ShiftQuery(SITE[0] + 0.1, SITE[1], 30)]
    shifts = shift_arrays(queries)
    assert rank_shifts_for_worker(workers, 0, shifts).indices.tolist() == [0, 1]
    assert rank_shifts_for_worker(workers, 0, shifts, excluded=[0]).indices.tolist() == [1]
    per_shift = np.array([[0, 0, 1.0], [0, 1.0, 0]])  # shift 0 judges the record only
    weighted = replace(shifts, weights=per_shift)
    result = rank_shifts_for_worker(workers, 0, weighted)
    assert result.indices.tolist() == [1, 0]
    assert result.scores[1] == 0.5


@settings(max_examples=100, deadline=None)
@given(
    scores=st.lists(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0, 0.3]), max_size=40),
    k=st.integers(0, 45),
    seed=st.integers(0, 2**32 - 1),
)
def test_top_k_keeps_ties_by_id(scores, k, seed):
    ids = np.random.default_rng(seed).permutation(len(scores)) * 3 + 7
    scores = np.array(scores, dtype=np.float64)
    expected = sorted(range(len(scores)), key=lambda i: (-scores[i], ids[i]))[:k]
    assert terms.top_k(scores, ids, k).tolist() == expected
