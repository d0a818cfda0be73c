"""Great-circle distances and the worker radius index, against independent formulas."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.matching import geo

# 越城区 and 柯桥区 government seats, Shaoxing.
YUECHENG = (29.9882, 120.5826)
KEQIAO = (30.0819, 120.4951)


def haversine_km(lat1, lon1, lat2, lon2):
    """Textbook haversine, written independently of the module under test."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def test_yuecheng_to_keqiao_is_about_13_5_km():
    km = float(geo.great_circle_km(*YUECHENG, *KEQIAO))
    assert km == pytest.approx(haversine_km(*YUECHENG, *KEQIAO), abs=1e-9)
    assert km == pytest.approx(13.5, abs=0.2)


def test_zero_symmetry_and_antipodes():
    assert geo.great_circle_km(*YUECHENG, *YUECHENG) == 0.0
    there = geo.great_circle_km(*YUECHENG, *KEQIAO)
    assert geo.great_circle_km(*KEQIAO, *YUECHENG) == there
    half_way_round = math.pi * geo.EARTH_RADIUS_KM
    assert geo.great_circle_km(29.9882, 120.5826, -29.9882, -59.4174) == pytest.approx(
        half_way_round, rel=1e-12
    )
    assert geo.great_circle_km(90, 0, -90, 0) == pytest.approx(half_way_round, rel=1e-12)


def test_unit_vectors_have_length_one():
    vectors = geo.unit_vectors([0, 45, -90, 29.9882], [0, 180, 12, 120.5826])
    assert vectors.shape == (4, 3)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-15)


lats = st.floats(-90, 90, allow_nan=False)
lons = st.floats(-180, 180, allow_nan=False)


@given(lats, lons, lats, lons)
def test_matches_independent_haversine(lat1, lon1, lat2, lon2):
    km = float(geo.great_circle_km(lat1, lon1, lat2, lon2))
    assert km == pytest.approx(haversine_km(lat1, lon1, lat2, lon2), abs=1e-6)
    assert km == float(geo.great_circle_km(lat2, lon2, lat1, lon1))


@given(st.floats(0, math.pi * geo.EARTH_RADIUS_KM, allow_nan=False))
def test_chord_and_km_convert_both_ways(km):
    back = float(geo.chord_to_km(geo.km_to_chord(km)))
    assert back == pytest.approx(km, rel=1e-9, abs=1e-9)


def test_chord_limits():
    assert geo.km_to_chord(0.0) == 0.0
    assert geo.km_to_chord(1e9) == pytest.approx(geo.MAX_CHORD)
    assert geo.chord_to_km(geo.MAX_CHORD) == pytest.approx(math.pi * geo.EARTH_RADIUS_KM)


def _population(seed, n, spread):
    rng = np.random.default_rng(seed)
    lat = np.clip(30.0 + rng.normal(0, spread, n), -90, 90)
    lon = 120.5 + rng.normal(0, spread, n)
    return np.arange(100, 100 + n), lat, lon


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(0, 300),
    spread=st.sampled_from([0.05, 0.5, 5.0, 60.0]),
    radius=st.floats(0, 25000, allow_nan=False),
    boundary=st.booleans(),
)
def test_radius_search_equals_brute_force(seed, n, spread, radius, boundary):
    ids, lat, lon = _population(seed, n, spread)
    index = geo.WorkerGeoIndex(ids, lat, lon)
    site = (29.99, 120.58)
    brute = geo.great_circle_km(*site, lat, lon)
    if boundary and n:
        # Exactly at the radius: inclusive.
        radius = float(brute[seed % n])
    positions, km = index.within(*site, radius)
    assert positions.tolist() == np.flatnonzero(brute <= radius).tolist()
    assert np.array_equal(km, brute[positions])


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 200), radius=st.floats(0, 80))
def test_nearest_of_several_points(seed, n, radius):
    ids, lat, lon = _population(seed, n, 0.3)
    index = geo.WorkerGeoIndex(ids, lat, lon)
    points = [(29.99, 120.58), (30.08, 120.50), (29.9, 120.7)]
    each = np.array([geo.great_circle_km(p[0], p[1], lat, lon) for p in points])
    nearest = each.min(axis=0)
    positions, km = index.within_any(points, radius)
    assert positions.tolist() == np.flatnonzero(nearest <= radius).tolist()
    assert np.array_equal(km, nearest[positions])


def test_index_from_unit_vectors_shares_the_array():
    ids, lat, lon = _population(1, 50, 0.2)
    vectors = geo.unit_vectors(lat, lon)
    index = geo.WorkerGeoIndex.from_unit_vectors(ids, vectors)
    assert np.shares_memory(index.unit_vectors, vectors)
    assert len(index) == 50
    with pytest.raises(ValueError):
        geo.WorkerGeoIndex(ids[:3], lat, lon)


def test_empty_index_and_negative_radius():
    index = geo.WorkerGeoIndex([], [], [])
    assert len(index.within(30, 120, 10)[0]) == 0
    ids, lat, lon = _population(2, 20, 0.1)
    assert len(geo.WorkerGeoIndex(ids, lat, lon).within(30, 120, -1)[0]) == 0


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 50), n_points=st.integers(1, 4))
def test_nearest_km_of_axes_equals_nearest_km_to_the_bit(seed, n, n_points):
    rng = np.random.default_rng(seed)
    homes = geo.unit_vectors(rng.uniform(-90, 90, n), rng.uniform(-180, 180, n))
    points = geo.unit_vectors(rng.uniform(-90, 90, n_points), rng.uniform(-180, 180, n_points))
    positions = rng.permutation(n)[: n // 2]
    got = geo.nearest_km_of(np.ascontiguousarray(homes.T), positions, points)
    assert got.tobytes() == geo.nearest_km(homes[positions], points).tobytes()


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_points=st.integers(1, 3),
    radius=st.sampled_from([0.0, 0.01, 1.0, 30.0, 500.0, 30000.0]),
)
def test_near_any_never_drops_a_home_within_the_radius(seed, n_points, radius):
    rng = np.random.default_rng(seed)
    site = rng.uniform(29, 31), rng.uniform(120, 122)
    points = geo.unit_vectors(site[0] + rng.normal(0, 0.2, n_points), site[1])
    # Homes scattered around, plus some exactly on a point (at distance 0).
    lat = np.concatenate([site[0] + rng.normal(0, 0.3, 200), [site[0]]])
    lon = np.concatenate([site[1] + rng.normal(0, 0.3, 200), [site[1]]])
    homes = geo.unit_vectors(lat, lon)
    near = geo.near_any(homes, points, radius)
    within = geo.nearest_km(homes, points) <= radius
    assert not (within & ~near).any()
