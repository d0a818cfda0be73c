"""The filters of the open-shift list: each narrows as it says, bad input is told per field."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from marketplace.extensions import db
from marketplace.models import (
    Industry,
    ShiftPreferredSkill,
    ShiftRequiredSkill,
    Skill,
)
from marketplace.services.shifts.listing import ShiftFilters, list_shifts
from tests.factories import PASSWORD

SHANGHAI = ZoneInfo("Asia/Shanghai")
# About 0.45 degrees of latitude north of Yuecheng: some 50 km away.
FAR_LAT = 29.9882 + 0.45


def _titles(client, query: str = "") -> list[str]:
    response = client.get("/" + query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return re.findall(r'<h2><a href="/shifts/\d+">([^<]+)</a>', response.get_data(as_text=True))


def _errors(response) -> list[str]:
    return re.findall(r'<p class="error" id="([\w-]+)-error">', response.get_data(as_text=True))


@pytest.fixture
def shift_elsewhere(make_shift, make_district):
    """Makes a shift at a site somewhere else: another district, and optionally far away."""

    def make(title: str, *, lat: float | None = None, industry=None, **shift_kwargs):
        shift = make_shift(title=title, **shift_kwargs)
        site = shift.site
        if lat is not None:
            site.lat = lat
        if industry is not None:
            shift.factory.industry = industry
        db.session.commit()
        return shift

    return make


def _skill(code: str, industry=Industry.HOSIERY) -> Skill:
    skill = Skill(code=code, name_zh=f"技能{code}", name_en=f"Skill {code}", industry=industry)
    db.session.add(skill)
    db.session.commit()
    return skill


def test_no_filter_lists_every_open_shift(client, make_shift):
    make_shift(title="甲班")
    make_shift(title="乙班")
    assert sorted(_titles(client)) == ["乙班", "甲班"]


def test_the_district_filter(client, make_shift, make_district):
    here = make_shift(title="越城班")
    elsewhere = make_district(code="330624", name="新昌县", lat=29.4998, lon=120.9039)
    there = make_shift(title="新昌班")
    there.site.district_id = elsewhere.id
    db.session.commit()
    assert _titles(client, f"?district={elsewhere.id}") == ["新昌班"]
    assert _titles(client, f"?district={here.site.district_id}") == ["越城班"]


def test_the_industry_filter(client, shift_elsewhere):
    shift_elsewhere("袜子班", industry=Industry.HOSIERY)
    shift_elsewhere("纺织班")  # the factory fixture's textiles
    assert _titles(client, "?industry=hosiery") == ["袜子班"]
    assert _titles(client, "?industry=textiles") == ["纺织班"]
    assert _titles(client, "?industry=catering") == []
    assert "No open shifts match these filters." in client.get("/?industry=catering").text


def test_the_skill_filter_finds_required_and_preferred_skills(client, make_shift):
    needs = make_shift(title="要求缝头")
    prefers = make_shift(title="优先缝头")
    make_shift(title="无技能")
    toe = _skill("sock.toe")
    db.session.add_all(
        [
            ShiftRequiredSkill(shift_id=needs.id, skill_id=toe.id, min_level=2),
            ShiftPreferredSkill(shift_id=prefers.id, skill_id=toe.id, weight=0.5),
        ]
    )
    db.session.commit()
    assert sorted(_titles(client, f"?skill={toe.id}")) == ["优先缝头", "要求缝头"]


def test_the_day_filter_uses_the_shanghai_day(client, make_shift):
    soon = make_shift(title="明天的班", starts_in_hours=30)
    later = make_shift(title="后面的班", starts_in_hours=80)
    # Local midnight belongs to the day it begins, not to the day before.
    midnight = make_shift(title="零点班", starts_in_hours=200)
    day = soon.starts_at.astimezone(SHANGHAI).date() + timedelta(days=6)
    midnight.starts_at = datetime.combine(day, datetime.min.time(), SHANGHAI)
    midnight.ends_at = midnight.starts_at + timedelta(hours=8)
    db.session.commit()
    assert _titles(client, f"?day={soon.starts_at.astimezone(SHANGHAI).date()}") == ["明天的班"]
    assert _titles(client, f"?day={later.starts_at.astimezone(SHANGHAI).date()}") == ["后面的班"]
    assert _titles(client, f"?day={day}") == ["零点班"]
    assert _titles(client, f"?day={day - timedelta(days=1)}") == []


def test_the_distance_filter_from_a_point(client, shift_elsewhere, district):
    shift_elsewhere("近处班")
    shift_elsewhere("远处班", lat=FAR_LAT)
    near = f"?lat={district.lat}&lon={district.lon}"
    assert _titles(client, near + "&within_km=10") == ["近处班"]
    assert sorted(_titles(client, near + "&within_km=60")) == ["近处班", "远处班"]
    page = client.get("/" + near + "&within_km=60").get_data(as_text=True)
    assert "0.0 km away" in page and "50.0 km away" in page


def test_the_distance_filter_from_the_workers_home(client, login, shift_elsewhere, make_worker):
    shift_elsewhere("近处班")
    shift_elsewhere("远处班", lat=FAR_LAT)
    worker = make_worker()
    login(worker.user.mobile, PASSWORD)
    assert _titles(client, "?near_home=y&within_km=10") == ["近处班"]


def test_measuring_from_home_needs_a_worker(client, make_shift):
    make_shift()
    response = client.get("/?near_home=y&within_km=10")
    assert response.status_code == 400
    assert "Log in as a worker to measure from your home." in response.get_data(as_text=True)


def test_paging_keeps_the_filters(app, client, make_shift):
    app.config["SHIFTS_PER_PAGE"] = 2
    for hour in range(3):
        make_shift(title=f"班次{hour}", starts_in_hours=10 + hour)
    first = client.get("/?industry=textiles").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert 'href="/?industry=textiles&amp;page=2"' in first
    assert _titles(client, "?industry=textiles&page=2") == ["班次2"]


def test_paging_within_a_distance(app, client, shift_elsewhere, district):
    app.config["SHIFTS_PER_PAGE"] = 2
    for hour in range(3):
        shift_elsewhere(f"近{hour}", starts_in_hours=10 + hour)
    shift_elsewhere("远", lat=FAR_LAT, starts_in_hours=9)
    near = f"?lat={district.lat}&lon={district.lon}&within_km=5"
    assert _titles(client, near) == ["近0", "近1"]
    assert _titles(client, near + "&page=2") == ["近2"]
    assert "3 open shifts" in client.get("/" + near).get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?district=abc", "district", "Choose one of the listed options."),
        ("?district=99999", "district", "Choose one of the listed options."),
        ("?industry=mining", "industry", "Choose one of the listed options."),
        ("?skill=12345", "skill", "Choose one of the listed options."),
        ("?day=27.11.2026", "day", "Give the day as year-month-day."),
        ("?day=2001-01-01", "day", "Choose today or a later day."),
        ("?lat=abc&lon=120&within_km=5", "lat", "Give the latitude in degrees, e.g. 30.0."),
        ("?lat=91&lon=120&within_km=5", "lat", "From -90 to 90 degrees."),
        ("?lat=30&lon=181&within_km=5", "lon", "From -180 to 180 degrees."),
        ("?lat=30&within_km=5", "lon", "Give both latitude and longitude."),
        ("?within_km=5", "within_km", "Say where to measure from: your home or a point."),
        ("?lat=30&lon=120", "within_km", "Give the distance in km."),
        ("?lat=30&lon=120&within_km=0", "within_km", "Give a distance from 0.1 to 500 km."),
        ("?lat=30&lon=120&within_km=x", "within_km", "Give a distance in kilometres."),
    ],
)
def test_bad_filters_are_told_beside_their_field(client, district, query, field, message):
    response = client.get("/" + query)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert _errors(response) == [field]
    assert message in page
    assert "Please correct the marked filters." in page


def test_bad_filters_are_told_in_chinese_too(app, district):
    response = app.test_client().get("/?lat=30&within_km=5")
    assert response.status_code == 400
    assert "请同时填写纬度和经度。" in response.get_data(as_text=True)


def test_the_api_still_filters_by_district(client, make_shift, make_district):
    make_shift()
    elsewhere = make_district(code="330624", name="新昌县", lat=29.4998, lon=120.9039)
    assert client.get("/api/v1/shifts").get_json()["total"] == 1
    assert client.get(f"/api/v1/shifts?district={elsewhere.id}").get_json()["total"] == 0


def test_a_box_across_the_antimeridian_keeps_its_far_side(app, shift_elsewhere):
    shift = shift_elsewhere("日界线班")
    shift.site.lat, shift.site.lon = 0.0, -179.95
    db.session.commit()
    found = list_shifts(filters=ShiftFilters(near=(0.0, 179.95), within_km=20))
    assert [s.id for s in found.items] == [shift.id]
    assert found.distances_km[shift.id] == pytest.approx(11.1, abs=0.1)
