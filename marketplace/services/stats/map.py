"""Where the open places and the available workers are, for the dashboard's map.

Same scope and window as services/stats/queries.py: an association's (its member factories'
shifts, its tied workers) or the whole city's.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import exists, func, or_, select

from ...extensions import db
from ...models import (
    AvailabilityWindow,
    District,
    Factory,
    Shift,
    ShiftStatus,
    Site,
    User,
    UserStatus,
    WorkerProfile,
    utcnow,
)
from ..moderation.reports import tied_worker_ids
from .queries import day_start, scope


@dataclass(frozen=True)
class MapPoints:
    places: list[tuple[float, float, int]]  # site lat, lon, places still open there
    workers: list[tuple[float, float]]  # home lat, lon of each available worker
    districts: list[District]


def map_points(actor: User, association_id: int | None, first_day: date, last_day: date):
    """Open places of shifts yet to start in the window, and the workers free in it."""
    scope(actor, association_id)
    starts = max(day_start(first_day), utcnow())
    ends = day_start(last_day + timedelta(days=1))
    return MapPoints(
        _open_places(association_id, starts, ends),
        _available_workers(association_id, starts, ends),
        list(db.session.scalars(select(District).order_by(District.code))),
    )


def _open_places(association_id, starts, ends) -> list[tuple[float, float, int]]:
    query = (
        select(Site.lat, Site.lon, func.sum(Shift.headcount - Shift.accepted_count))
        .join(Shift, Shift.site_id == Site.id)
        .where(
            Shift.status == ShiftStatus.OPEN,
            Shift.starts_at >= starts,
            Shift.starts_at < ends,
            Shift.accepted_count < Shift.headcount,
        )
        .group_by(Site.id, Site.lat, Site.lon)
    )
    if association_id is not None:
        query = query.join(Factory, Factory.id == Site.factory_id).where(
            Factory.association_id == association_id
        )
    return [(lat, lon, int(n)) for lat, lon, n in db.session.execute(query)]


def _available_workers(association_id, starts, ends) -> list[tuple[float, float]]:
    # As matching sees it: a worker without availability windows is available any time.
    has_windows = exists().where(AvailabilityWindow.worker_id == WorkerProfile.id)
    overlapping = exists().where(
        AvailabilityWindow.worker_id == WorkerProfile.id,
        AvailabilityWindow.starts_at < ends,
        AvailabilityWindow.ends_at > starts,
    )
    query = (
        select(WorkerProfile.home_lat, WorkerProfile.home_lon)
        .join(User, User.id == WorkerProfile.user_id)
        .where(User.status == UserStatus.ACTIVE, or_(~has_windows, overlapping))
    )
    if association_id is not None:
        query = query.where(WorkerProfile.id.in_(select(tied_worker_ids(association_id))))
    return [(lat, lon) for lat, lon in db.session.execute(query)]
