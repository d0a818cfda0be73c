"""Return-to-work figures from per-shift facts: pure arithmetic, no queries.

services/stats/queries.py loads one ShiftFacts row per shift; everything here is sums, ratios and
medians over those rows, so the definitions can be read (and tested) in one place.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from statistics import median

SECONDS_PER_HOUR = 3600


@dataclass(frozen=True)
class ShiftFacts:
    """What one posted shift contributes: its places, applications and attendance."""

    shift_id: int
    factory_id: int
    industry: str
    district_id: int
    day: date  # the Asia/Shanghai day the shift starts
    published_at: datetime | None
    headcount: int
    places_filled: int  # places held now: accepted, in progress or completed
    filled_at: datetime | None  # when the last place now held was taken
    applications: int
    places_taken: int  # every place ever taken (assignments), cancelled ones included
    completed: int
    no_shows: int
    late_cancellations: int
    hours_worked: Decimal


@dataclass(frozen=True)
class Figures:
    """The figures of one group of shifts (a day, a district, an industry or all)."""

    shifts_posted: int
    places_posted: int
    places_filled: int
    fill_rate: float | None  # places filled / places posted
    median_hours_to_fill: float | None  # publication to the last place taken, full shifts only
    applications: int
    applications_per_place: float | None
    hours_worked: Decimal
    places_taken: int
    no_shows: int
    no_show_rate: float | None  # no-shows / (completed + no-shows)
    late_cancellations: int
    late_cancel_rate: float | None  # late cancellations by workers / places ever taken


def ratio(part, whole) -> float | None:
    """part / whole, or None when there is nothing to divide by (not 0: no data is not 0%)."""
    return float(part) / float(whole) if whole else None


def hours_to_fill(fact: ShiftFacts) -> float | None:
    """Hours from publication until the shift was full, if it is full."""
    if fact.places_filled < fact.headcount or fact.filled_at is None or fact.published_at is None:
        return None
    return max((fact.filled_at - fact.published_at).total_seconds(), 0) / SECONDS_PER_HOUR


def figures(facts: Iterable[ShiftFacts]) -> Figures:
    """Add up a group of shifts."""
    facts = list(facts)
    places = sum(f.headcount for f in facts)
    filled = sum(f.places_filled for f in facts)
    taken = sum(f.places_taken for f in facts)
    no_shows = sum(f.no_shows for f in facts)
    attended = sum(f.completed for f in facts) + no_shows
    late = sum(f.late_cancellations for f in facts)
    applications = sum(f.applications for f in facts)
    waits = [h for h in map(hours_to_fill, facts) if h is not None]
    return Figures(
        shifts_posted=len(facts),
        places_posted=places,
        places_filled=filled,
        fill_rate=ratio(filled, places),
        median_hours_to_fill=median(waits) if waits else None,
        applications=applications,
        applications_per_place=ratio(applications, places),
        hours_worked=sum((f.hours_worked for f in facts), Decimal(0)),
        places_taken=taken,
        no_shows=no_shows,
        no_show_rate=ratio(no_shows, attended),
        late_cancellations=late,
        late_cancel_rate=ratio(late, taken),
    )


def grouped(
    facts: Iterable[ShiftFacts], key: Callable[[ShiftFacts], Hashable]
) -> dict[Hashable, Figures]:
    """Figures per value of key, in the order the keys first appear."""
    groups: dict[Hashable, list[ShiftFacts]] = defaultdict(list)
    for fact in facts:
        groups[key(fact)].append(fact)
    return {value: figures(members) for value, members in groups.items()}


def days(first_day: date, last_day: date) -> list[date]:
    """Every day of the window, both ends included."""
    return [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]


def week_start(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class WeekShare:
    """Member factories with at least one place filled in a shift starting that week."""

    week_start: date
    member_factories: int
    restarted: int
    share: float | None


def restarted_by_week(
    facts: Iterable[ShiftFacts], first_day: date, last_day: date, member_factories: int
) -> list[WeekShare]:
    """For each week touching the window, the share of member factories back at work."""
    working: dict[date, set[int]] = defaultdict(set)
    for fact in facts:
        if fact.places_filled:
            working[week_start(fact.day)].add(fact.factory_id)
    weeks = sorted({week_start(day) for day in days(first_day, last_day)})
    return [
        WeekShare(
            week, member_factories, len(working[week]), ratio(len(working[week]), member_factories)
        )
        for week in weeks
    ]
