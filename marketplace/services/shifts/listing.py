"""The shift list with its filters and pages, and the public page of one shift (read-only)."""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ... import policy
from ...errors import Invalid, NotFound
from ...extensions import db
from ...matching.geo import EARTH_RADIUS_KM, great_circle_km
from ...models import (
    Factory,
    Industry,
    Role,
    Shift,
    ShiftCertificate,
    ShiftPreferredSkill,
    ShiftRequiredSkill,
    ShiftStatus,
    Site,
    Skill,
    User,
    utcnow,
)

LOCAL_TIMEZONE = ZoneInfo("Asia/Shanghai")  # the day a worker means is a Shanghai day
KM_PER_DEGREE_LATITUDE = EARTH_RADIUS_KM * math.pi / 180
# The box is only a prefilter; a little slack keeps rounding from dropping a boundary site.
BOX_SLACK = 1.001
# Below this cosine of latitude a degree of longitude is too short to bound anything useful.
MIN_COS_LATITUDE = 0.01
# Published shifts a visitor may open; drafts and unapproved ones stay private.
PUBLIC_STATUSES = (ShiftStatus.OPEN, ShiftStatus.CANCELLED, ShiftStatus.COMPLETED)


# A place in the list: the (starts_at, id) of the last shift of a page, the list's own order.
After = tuple[datetime, int]


@dataclass
class Page:
    items: list
    page: int | None  # None when the page was asked for by a cursor
    per_page: int
    total: int
    # Great-circle km from the filter's point to each listed shift's site, by shift id.
    distances_km: dict[int, float] = field(default_factory=dict)
    next_after: After | None = None  # where the next page starts; None on the last page

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class ShiftFilters:
    """What a visitor narrows the shifts by; None means "any"."""

    # Open shifts are listed for anyone (those not started yet); every other state only
    # from the viewer's own factories (staff) or association (moderators).
    status: ShiftStatus = ShiftStatus.OPEN
    district_id: int | None = None
    industry: Industry | None = None
    skill_id: int | None = None
    day: date | None = None  # shifts starting on this Asia/Shanghai day
    # Or a range of Asia/Shanghai days, both ends included; None leaves that end open.
    date_from: date | None = None
    date_to: date | None = None
    near: tuple[float, float] | None = None  # (lat, lon) in WGS-84 degrees
    near_home: bool = False  # from the logged-in worker's home instead of `near`
    within_km: float | None = None


def list_shifts(
    *,
    page: int = 1,
    per_page: int = 20,
    filters: ShiftFilters | None = None,
    viewer: User | None = None,
    after: After | None = None,
) -> Page:
    """Shifts soonest first (ties by id), narrowed by the filters; from `after` if given.

    A page is found by number or, steadier while shifts come and go, by `after`: the
    (starts_at, id) of the last shift already seen.
    """
    filters = filters or ShiftFilters()
    page = max(page, 1)
    conditions = [*_conditions(filters), *_scope(filters.status, viewer)]
    base = select(Shift.id, Shift.starts_at).join(Shift.site).where(*conditions)
    origin = _origin(filters, viewer)
    # One row past the page tells whether another page follows.
    if origin is None or filters.within_km is None:
        total = db.session.scalar(select(func.count()).select_from(base.subquery()))
        rows = _in_order(base, page, per_page, after)
        distances = _distances(origin, [row.id for row in rows[:per_page]]) if origin else {}
    else:
        nearby = _within(base, origin, filters.within_km)
        total = len(nearby)
        if after is None:
            rows = nearby[(page - 1) * per_page : page * per_page + 1]
        else:
            rows = [row for row in nearby if (row.starts_at, row.id) > after][: per_page + 1]
        distances = {row.id: row.km for row in rows[:per_page]}
    more, rows = len(rows) > per_page, rows[:per_page]
    next_after = (rows[-1].starts_at, rows[-1].id) if more else None
    items = _load_listed([row.id for row in rows])
    return Page(items, page if after is None else None, per_page, total, distances, next_after)


def _in_order(base, page: int, per_page: int, after: After | None) -> list:
    """Up to per_page + 1 rows of the page, by number or after a place."""
    query = base.order_by(Shift.starts_at, Shift.id).limit(per_page + 1)
    if after is not None:
        return db.session.execute(query.where(_after(after))).all()
    return db.session.execute(query.offset((page - 1) * per_page)).all()


def _after(after: After):
    starts_at, shift_id = after
    return or_(Shift.starts_at > starts_at, and_(Shift.starts_at == starts_at, Shift.id > shift_id))


def _scope(status: ShiftStatus, viewer: User | None) -> list:
    """Who sees what: open shifts not started yet for all; the rest as policy allows."""
    if status == ShiftStatus.OPEN:
        return [Shift.status == status, Shift.starts_at > utcnow()]
    return [Shift.status == status, policy.shifts_seen_in_every_state(viewer)]


def _conditions(filters: ShiftFilters) -> list:
    conditions = []
    if filters.district_id:
        conditions.append(Site.district_id == filters.district_id)
    if filters.industry:
        industry_factories = select(Factory.id).where(Factory.industry == filters.industry)
        conditions.append(Shift.factory_id.in_(industry_factories))
    if filters.skill_id:
        conditions.append(
            or_(
                exists().where(
                    ShiftRequiredSkill.shift_id == Shift.id,
                    ShiftRequiredSkill.skill_id == filters.skill_id,
                ),
                exists().where(
                    ShiftPreferredSkill.shift_id == Shift.id,
                    ShiftPreferredSkill.skill_id == filters.skill_id,
                ),
            )
        )
    if filters.day:
        start = datetime.combine(filters.day, time(), LOCAL_TIMEZONE)
        conditions += [Shift.starts_at >= start, Shift.starts_at < start + timedelta(days=1)]
    if filters.date_from:
        conditions.append(
            Shift.starts_at >= datetime.combine(filters.date_from, time(), LOCAL_TIMEZONE)
        )
    if filters.date_to:
        end = datetime.combine(filters.date_to, time(), LOCAL_TIMEZONE) + timedelta(days=1)
        conditions.append(Shift.starts_at < end)
    return conditions


def _origin(filters: ShiftFilters, viewer: User | None) -> tuple[float, float] | None:
    """The point distances are measured from: the worker's home if asked, else `near`."""
    if not filters.near_home:
        return filters.near
    profile = viewer.worker_profile if viewer and viewer.role == Role.WORKER else None
    if profile is None:
        message = _l("Log in as a worker to measure from your home.")
        raise Invalid(message, fields={"near_home": [message]})
    return (profile.home_lat, profile.home_lon)


def _bounding_box(origin: tuple[float, float], km: float) -> list:
    """SQL conditions for a lat/lon box that holds every point within km of origin."""
    lat, lon = origin
    dlat = km / KM_PER_DEGREE_LATITUDE * BOX_SLACK
    conditions = [Site.lat.between(lat - dlat, lat + dlat)]
    cos_lat = min(math.cos(math.radians(lat - dlat)), math.cos(math.radians(lat + dlat)))
    if lat + dlat < 90 and lat - dlat > -90 and cos_lat > MIN_COS_LATITUDE:
        dlon = dlat / cos_lat
        if lon - dlon >= -180 and lon + dlon <= 180:  # a box across the antimeridian: no bound
            conditions.append(Site.lon.between(lon - dlon, lon + dlon))
    return conditions


@dataclass(frozen=True)
class _Nearby:
    id: int
    starts_at: datetime
    km: float


def _within(base, origin: tuple[float, float], km: float) -> list[_Nearby]:
    """The shifts within km of origin with their distance, soonest first."""
    query = base.where(*_bounding_box(origin, km)).add_columns(Site.lat, Site.lon)
    rows = db.session.execute(query.order_by(Shift.starts_at, Shift.id)).all()
    if not rows:
        return []
    lats = np.array([row.lat for row in rows])
    lons = np.array([row.lon for row in rows])
    kms = great_circle_km(origin[0], origin[1], lats, lons)
    return [
        _Nearby(row.id, row.starts_at, float(d))
        for row, d in zip(rows, kms, strict=True)
        if d <= km
    ]


def _distances(origin: tuple[float, float], ids: list[int]) -> dict[int, float]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(Shift.id, Site.lat, Site.lon).join(Shift.site).where(Shift.id.in_(ids))
    ).all()
    kms = great_circle_km(origin[0], origin[1], [r.lat for r in rows], [r.lon for r in rows])
    return {row.id: float(d) for row, d in zip(rows, np.atleast_1d(kms), strict=True)}


def _load_listed(ids: list[int]) -> list[Shift]:
    """The shifts with what a list card shows, in the order of ids."""
    if not ids:
        return []
    query = (
        select(Shift)
        .where(Shift.id.in_(ids))
        .options(
            joinedload(Shift.site).joinedload(Site.district),
            joinedload(Shift.factory).joinedload(Factory.association),
            selectinload(Shift.pickup_points),
        )
    )
    by_id = {shift.id: shift for shift in db.session.scalars(query).unique()}
    return [by_id[i] for i in ids]


def public_shift(shift_id: int) -> Shift:
    """A published shift with everything its page shows, or NotFound for any other."""
    shift = db.session.scalar(
        select(Shift)
        .where(Shift.id == shift_id, Shift.status.in_(PUBLIC_STATUSES))
        .options(
            joinedload(Shift.site).joinedload(Site.district),
            joinedload(Shift.factory).joinedload(Factory.association),
            selectinload(Shift.required_skills).joinedload(ShiftRequiredSkill.skill),
            selectinload(Shift.preferred_skills).joinedload(ShiftPreferredSkill.skill),
            selectinload(Shift.required_certificates).joinedload(ShiftCertificate.certificate_type),
            selectinload(Shift.pickup_points),
        )
    )
    if shift is None:
        raise NotFound(_l("No such shift."))  # drafts and unapproved shifts are not public
    return shift


def is_open_for_applications(shift: Shift) -> bool:
    """Whether the shift still takes applications (a full one takes waiting-list ones)."""
    return shift.status == ShiftStatus.OPEN and shift.starts_at > utcnow()


def filter_skills() -> list[Skill]:
    """Skills a visitor can filter by, grouped by industry."""
    return list(db.session.scalars(select(Skill).order_by(Skill.industry, Skill.code)))
