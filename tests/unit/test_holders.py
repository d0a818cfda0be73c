"""Skill holders grouped by skill, with the fields the ranking reads, against the matrix."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.matching import geo, skills
from marketplace.matching.scorer import WorkerArrays


def random_workers(seed, n, n_skills):
    rng = np.random.default_rng(seed)
    rows, cols, levels = [], [], []
    for row in range(n):
        for col in rng.choice(n_skills, rng.integers(0, n_skills + 1), replace=False):
            rows.append(row)
            cols.append(int(col))
            levels.append(int(rng.integers(1, 6)))
    return WorkerArrays(
        ids=rng.permutation(n) + 100,
        unit_vectors=geo.unit_vectors(rng.uniform(29, 31, n), rng.uniform(120, 122, n)),
        max_travel_km=rng.uniform(1, 80, n),
        kind_bits=1 << rng.integers(0, 5, n),
        suspended=rng.random(n) < 0.2,
        reliability=rng.random(n),
        needs_housing=rng.random(n) < 0.3,
        skills=skills.skill_matrix(rows, cols, levels, n, n_skills),
        certificates=skills.certificate_matrix([], [], [], n, 1),
    )


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 40), n_skills=st.integers(1, 6))
def test_holders_are_the_matrix_by_skill_with_aligned_fields(seed, n, n_skills):
    workers = random_workers(seed, n, n_skills)
    holders = workers.skill_holders
    dense = workers.skills.toarray()
    fields = holders.columns
    for col in range(n_skills):
        span = holders.holding(col)
        rows = fields.rows[span]
        assert rows.tolist() == np.flatnonzero(dense[:, col]).tolist()  # ascending
        assert holders.levels[span].tolist() == dense[rows, col].tolist()
        for level in range(0, 8):
            assert holders.count_at_least(col, level) == int((dense[:, col] >= max(level, 1)).sum())
        assert holders.count_at_least(col, 500) == 0
    everyone = np.arange(n)
    by_row = workers.by_row
    assert by_row.rows_at(everyone) is everyone
    assert (workers.unit_vectors == by_row.homes.T).all()
    for name in ("active_bits", "max_travel_km", "needs_housing", "reliability"):
        assert (getattr(by_row, name) == getattr(workers, name)).all()
        assert (getattr(fields, name) == getattr(workers, name)[fields.rows]).all()
    assert (workers.unit_vectors[fields.rows] == fields.homes.T).all()
    assert fields.rows_at(np.arange(len(fields.rows))).tolist() == fields.rows.tolist()
