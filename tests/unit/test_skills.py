"""Sparse skill and certificate matrices, requirements and preferences, against plain loops."""

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.matching import skills


def _random_levels(rng, n_workers, n_skills):
    """{(worker, skill): level} with each pair at most once."""
    held = {}
    for worker in range(n_workers):
        for skill in rng.choice(n_skills, rng.integers(0, n_skills + 1), replace=False):
            held[(worker, int(skill))] = int(rng.integers(1, 6))
    return held


def _matrix(held, n_workers, n_skills):
    rows = [w for w, _ in held]
    cols = [s for _, s in held]
    return skills.skill_matrix(rows, cols, list(held.values()), n_workers, n_skills)


def test_matrix_holds_the_triplets():
    matrix = skills.skill_matrix([0, 0, 2], [1, 3, 0], [5, 2, 1], 3, 4)
    assert matrix.dtype == np.int8
    assert matrix.toarray().tolist() == [[0, 5, 0, 2], [0, 0, 0, 0], [1, 0, 0, 0]]


def test_matrix_refuses_bad_input():
    with pytest.raises(ValueError):
        skills.skill_matrix([0, 0], [1, 1], [2, 3], 1, 2)  # the same skill twice
    with pytest.raises(ValueError):
        skills.skill_matrix([0], [1], [6], 1, 2)
    with pytest.raises(ValueError):
        skills.certificate_matrix([0], [0], [0], 1, 1)


def test_column_map_round_trip():
    columns = skills.ColumnMap.from_ids([40, 7, 19, 7])
    assert columns.ids.tolist() == [7, 19, 40]
    assert columns.columns([40, 7]).tolist() == [2, 0]
    assert columns.column(19) == 1
    with pytest.raises(KeyError):
        columns.columns([8])
    with pytest.raises(KeyError):
        columns.column(41)


def test_day_numbers():
    assert skills.day_number(date(1970, 1, 2)) == 1
    assert skills.day_number(date(2020, 2, 10)) == 18302


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_workers=st.integers(1, 30),
    n_skills=st.integers(1, 8),
    data=st.data(),
)
def test_requirements_and_preferences_match_loops(seed, n_workers, n_skills, data):
    rng = np.random.default_rng(seed)
    held = _random_levels(rng, n_workers, n_skills)
    matrix = _matrix(held, n_workers, n_skills)
    rows = data.draw(st.lists(st.integers(0, n_workers - 1), max_size=40))
    columns = st.lists(st.integers(0, n_skills - 1), unique=True, max_size=n_skills)
    required = [(c, data.draw(st.integers(1, 5))) for c in data.draw(columns)]
    weights = st.sampled_from([0.1, 0.25, 0.3, 0.5, 0.7, 1.0])
    preferred = [(c, data.draw(weights)) for c in data.draw(columns)]

    expected_met = [all(held.get((r, c), 0) >= m for c, m in required) for r in rows]
    assert skills.meets_requirements(matrix, rows, required).tolist() == expected_met

    got = skills.preference_score(matrix, rows, preferred)
    ordered = sorted(preferred)  # the documented summation order: ascending column
    for r, value in zip(rows, got, strict=True):
        if not preferred:
            assert value == 1.0
            continue
        gained = total = 0.0
        for c, w in ordered:
            gained += w * held.get((r, c), 0)
            total += w
        assert value == gained / (skills.MAX_LEVEL * total)  # to the bit
        assert 0.0 <= value <= 1.0


def test_certificates_valid_on_the_day():
    day = skills.day_number(date(2020, 2, 20))
    matrix = skills.certificate_matrix(
        [0, 1, 2, 3], [0, 0, 0, 1], [day, day - 1, skills.NO_EXPIRY, skills.NO_EXPIRY], 5, 2
    )
    met = skills.meets_requirements(matrix, [0, 1, 2, 3, 4], [(0, day)])
    # Valid through the day itself; expired the day before; never expires; other type; none.
    assert met.tolist() == [True, False, True, False, False]


def test_requirements_refuse_zero_minimum_and_duplicates():
    matrix = skills.skill_matrix([0], [0], [3], 1, 2)
    with pytest.raises(ValueError):
        skills.meets_requirements(matrix, [0], [(1, 0)])
    with pytest.raises(ValueError):
        skills.preference_score(matrix, [0], [(0, 0.5), (0, 0.2)])


def test_no_rows():
    matrix = skills.skill_matrix([0], [0], [3], 1, 2)
    assert skills.meets_requirements(matrix, [], [(0, 1)]).shape == (0,)
    assert skills.preference_score(matrix, [], [(0, 1.0)]).shape == (0,)


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_workers=st.integers(1, 30),
    n_skills=st.integers(1, 8),
    data=st.data(),
)
def test_dense_levels_answer_as_the_sparse_matrix(seed, n_workers, n_skills, data):
    rng = np.random.default_rng(seed)
    matrix = _matrix(_random_levels(rng, n_workers, n_skills), n_workers, n_skills)
    table = skills.dense_levels(matrix)
    assert table.shape == (n_skills, n_workers)
    assert (matrix.toarray() == table.T).all()
    rows = data.draw(st.lists(st.integers(0, n_workers - 1), max_size=40))
    columns = st.lists(st.integers(0, n_skills - 1), unique=True, max_size=n_skills)
    required = [(c, data.draw(st.integers(1, 6))) for c in data.draw(columns)]
    weights = st.sampled_from([0.1, 0.25, 0.3, 0.5, 0.7, 1.0])
    preferred = [(c, data.draw(weights)) for c in data.draw(columns)]
    assert (
        skills.meets_levels(table, rows, required).tolist()
        == skills.meets_requirements(matrix, rows, required).tolist()
    )
    dense = skills.preference_from_levels(table, rows, preferred)
    sparse = skills.preference_score(matrix, rows, preferred)
    assert dense.tobytes() == sparse.tobytes()  # to the bit


def test_dense_levels_within_a_budget_only():
    matrix = skills.skill_matrix([0, 1], [0, 2], [3, 4], 2, 3)
    assert skills.dense_levels(matrix, max_bytes=6).tolist() == [[3, 0], [0, 0], [0, 4]]
    assert skills.dense_levels(matrix, max_bytes=5) is None


def test_dense_lookups_refuse_what_the_sparse_ones_refuse():
    table = skills.dense_levels(skills.skill_matrix([0], [0], [3], 1, 2))
    with pytest.raises(ValueError):
        skills.meets_levels(table, [0], [(1, 0)])
    with pytest.raises(ValueError):
        skills.preference_from_levels(table, [0], [(0, 0.5), (0, 0.2)])
    with pytest.raises(ValueError):
        skills.preference_from_levels(table, [0], [(0, 0.0)])
    assert skills.meets_levels(table, [], [(0, 1)]).shape == (0,)
    assert skills.preference_from_levels(table, [], [(0, 1.0)]).shape == (0,)
    assert skills.preference_from_levels(table, [0], []).tolist() == [1.0]
