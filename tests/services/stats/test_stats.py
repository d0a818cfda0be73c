"""Return-to-work statistics against the hand-counted scene of tests/stats_scene.py."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from marketplace.errors import Forbidden, Invalid, NotFound
from marketplace.models import Role
from marketplace.services.stats.queries import statistics
from tests.stats_scene import FIRST, LAST


def test_an_association_s_figures_are_those_counted_by_hand(scene):
    stats = statistics(scene["moderator"], scene["a"].id, FIRST, LAST)
    total = stats.total
    assert (total.shifts_posted, total.places_posted, total.places_filled) == (4, 10, 4)
    assert total.fill_rate == pytest.approx(0.4)
    assert total.median_hours_to_fill == pytest.approx(4.5)  # median of 6 and 3
    assert (total.applications, total.applications_per_place) == (7, pytest.approx(0.7))
    assert total.hours_worked == Decimal("29.50")
    assert (total.places_taken, total.no_shows, total.late_cancellations) == (6, 1, 1)
    assert total.no_show_rate == pytest.approx(1 / 5)  # one no-show, four completed
    assert total.late_cancel_rate == pytest.approx(1 / 6)  # of six places ever taken
    assert stats.workers_by_kind == {
        "idle_employee": 2,  # w2 twice counts once; w5
        "cross_industry": 0,
        "retiree": 1,  # w1's no-show holds no place
        "volunteer": 0,  # w3 was rejected
        "expert": 0,
    }
    # Lent to f1 (4 hours) and lent by f4 to B's shift (6 hours): A's members are party to both.
    assert (stats.lending.active_agreements, stats.lending.hours_settled) == (2, Decimal("10.00"))
    [week] = stats.restarted
    assert (week.week_start, week.member_factories, week.restarted) == (FIRST, 3, 2)
    assert week.share == pytest.approx(2 / 3)


def test_figures_split_by_day_district_and_industry(scene):
    stats = statistics(scene["moderator"], scene["a"].id, FIRST, LAST)
    assert list(stats.by_day) == [FIRST + timedelta(days=n) for n in range(7)]
    posted = {day.day: f.shifts_posted for day, f in stats.by_day.items()}
    assert posted == {2: 1, 3: 1, 4: 0, 5: 1, 6: 0, 7: 0, 8: 1}
    assert stats.by_day[date(2026, 3, 4)].fill_rate is None  # nothing posted is not 0 %
    assert stats.by_day[date(2026, 3, 3)].fill_rate == pytest.approx(1 / 4)
    by_district = {d.id: (f.shifts_posted, f.places_filled) for d, f in stats.by_district.items()}
    assert by_district == {scene["yuecheng"]: (3, 3), scene["keqiao"].id: (1, 1)}
    by_industry = {i: (f.places_posted, f.hours_worked) for i, f in stats.by_industry.items()}
    assert by_industry == {"garments": (1, Decimal("10")), "textiles": (9, Decimal("19.5"))}


def test_the_city_adds_every_association(scene):
    stats = statistics(scene["admin"], None, FIRST, LAST)
    assert (stats.total.shifts_posted, stats.total.places_posted) == (5, 15)
    assert (stats.total.places_filled, stats.total.hours_worked) == (5, Decimal("35.50"))
    assert stats.workers_by_kind["cross_industry"] == 1
    assert (stats.lending.active_agreements, stats.lending.hours_settled) == (2, Decimal("10.00"))
    [week] = stats.restarted
    assert (week.member_factories, week.restarted) == (4, 3)
    b = statistics(scene["admin"], scene["b"].id, FIRST, LAST)
    assert (b.lending.active_agreements, b.lending.hours_settled) == (1, Decimal("6.00"))


def test_the_window_defaults_to_four_weeks_around_today(scene):
    stats = statistics(scene["moderator"], scene["a"].id)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    assert stats.first_day <= today <= stats.last_day
    assert (stats.last_day - stats.first_day).days == 27 and len(stats.by_day) == 28
    from_first = statistics(scene["moderator"], scene["a"].id, first_day=FIRST)
    assert from_first.last_day == FIRST + timedelta(days=27)
    up_to_last = statistics(scene["moderator"], scene["a"].id, last_day=LAST)
    assert up_to_last.first_day == LAST - timedelta(days=27)


def test_a_window_ending_a_day_earlier_drops_the_late_evening_shift(scene):
    stats = statistics(scene["moderator"], scene["a"].id, FIRST, LAST - timedelta(days=1))
    assert (stats.total.shifts_posted, stats.total.places_posted) == (3, 7)


def test_only_the_association_s_moderators_and_admins_see_its_figures(scene, make_user):
    other = make_user(Role.MODERATOR, association=scene["b"])
    with pytest.raises(Forbidden):
        statistics(other, scene["a"].id, FIRST, LAST)
    with pytest.raises(Forbidden):
        statistics(make_user(Role.WORKER), scene["a"].id, FIRST, LAST)
    with pytest.raises(Forbidden):
        statistics(scene["moderator"], None, FIRST, LAST)  # the city is for admins
    with pytest.raises(NotFound):
        statistics(scene["admin"], 10**6, FIRST, LAST)
    assert statistics(scene["admin"], scene["a"].id, FIRST, LAST).total.shifts_posted == 4


def test_a_reversed_or_overlong_window_is_refused_by_field(scene):
    with pytest.raises(Invalid) as reversed_window:
        statistics(scene["admin"], None, LAST, FIRST)
    assert "last_day" in reversed_window.value.fields
    with pytest.raises(Invalid) as overlong:
        statistics(scene["admin"], None, FIRST, FIRST + timedelta(days=366))
    assert "last_day" in overlong.value.fields
