"""Return-to-work statistics for an association or the whole city, over a window of days.

Shifts count on the Asia/Shanghai day they start; a shift is posted once it is open (or
has run to completion): drafts, shifts awaiting review, rejected and cancelled ones are
not places anyone could fill. The arithmetic lives in stats_figures.py.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_, select, type_coerce

from ... import policy
from ...errors import Invalid
from ...extensions import db
from ...models import (
    AgreementStatus,
    Application,
    ApplicationStatus,
    Assignment,
    Association,
    District,
    Factory,
    LendingAgreement,
    Shift,
    ShiftStatus,
    Site,
    User,
    VerificationStatus,
    WorkerKind,
    WorkerProfile,
    utcnow,
)
from ...models.applications import PLACE_HOLDING_STATES
from ...models.types import UTCDateTime
from .. import authz
from ..moderation.reports import moderated_association
from ..shifts.listing import LOCAL_TIMEZONE
from .figures import Figures, ShiftFacts, WeekShare, days, figures, grouped, restarted_by_week

MAX_WINDOW_DAYS = 366
DEFAULT_WINDOW_DAYS = 28
HUNDREDTH = Decimal("0.01")
POSTED_STATUSES = (ShiftStatus.OPEN, ShiftStatus.COMPLETED)
# An agreement counts while its period overlaps the window, recalled ones up to the recall.
LENDING_STATUSES = (AgreementStatus.APPROVED, AgreementStatus.RECALLED)


@dataclass(frozen=True)
class LendingFigures:
    active_agreements: int
    hours_settled: Decimal  # hours worked under lending agreements on the window's shifts


@dataclass(frozen=True)
class Statistics:
    association: Association | None  # None: the whole city
    first_day: date
    last_day: date
    total: Figures
    by_day: dict[date, Figures]  # every day of the window, empty days included
    by_district: dict[District, Figures]  # in the order of the districts' codes
    by_industry: dict[str, Figures]
    workers_by_kind: dict[str, int]  # every kind, zeros included
    lending: LendingFigures
    restarted: list[WeekShare]


def statistics(
    actor: User,
    association_id: int | None,
    first_day: date | None = None,
    last_day: date | None = None,
) -> Statistics:
    """The figures for one association (its moderators, admins) or the city (admins).

    The window defaults to DEFAULT_WINDOW_DAYS days around today (Asia/Shanghai): the
    past fortnight's work and the next fortnight's postings.
    """
    association = scope(actor, association_id)
    first_day, last_day = _window_days(first_day, last_day)
    _check_window(first_day, last_day)
    window = (day_start(first_day), day_start(last_day + timedelta(days=1)))
    facts = _shift_facts(association_id, window)
    empty = figures([])
    by_day = grouped(facts, lambda f: f.day)
    return Statistics(
        association=association,
        first_day=first_day,
        last_day=last_day,
        total=figures(facts),
        by_day={day: by_day.get(day, empty) for day in days(first_day, last_day)},
        by_district=_by_district(facts),
        by_industry=dict(sorted(grouped(facts, lambda f: f.industry).items())),
        workers_by_kind=_workers_by_kind(association_id, window),
        lending=_lending(association_id, first_day, last_day, window),
        restarted=restarted_by_week(facts, first_day, last_day, _member_factories(association_id)),
    )


def _by_district(facts: list[ShiftFacts]) -> dict[District, Figures]:
    found = grouped(facts, lambda f: f.district_id)
    districts = db.session.scalars(select(District).where(District.id.in_(found)))
    return {d: found[d.id] for d in sorted(districts, key=lambda d: d.code)}


def scope(actor: User, association_id: int | None) -> Association | None:
    """The association whose figures the actor may read, None for the city (admins only)."""
    if association_id is None:
        authz.require(policy.is_admin(actor), actor, "statistics.view")
        return None
    return moderated_association(actor, association_id, "statistics.view")


def _window_days(first_day: date | None, last_day: date | None) -> tuple[date, date]:
    """The days asked for, an open end DEFAULT_WINDOW_DAYS from the other."""
    span = timedelta(days=DEFAULT_WINDOW_DAYS - 1)
    if first_day is None and last_day is None:
        first_day = utcnow().astimezone(LOCAL_TIMEZONE).date() - timedelta(days=14)
    if last_day is None:
        return first_day, first_day + span
    return first_day or last_day - span, last_day


def _check_window(first_day: date, last_day: date) -> None:
    if last_day < first_day:
        message = _l("The last day must not be before the first.")
        raise Invalid(message, fields={"last_day": [message]})
    if (last_day - first_day).days >= MAX_WINDOW_DAYS:
        message = _l("Choose at most %(n)s days.", n=MAX_WINDOW_DAYS)
        raise Invalid(message, fields={"last_day": [message]})


def day_start(day: date) -> datetime:
    """Midnight at the start of an Asia/Shanghai day."""
    return datetime.combine(day, time.min, tzinfo=LOCAL_TIMEZONE)


def _window_shift_ids(association_id: int | None, window):
    query = select(Shift.id).where(
        Shift.status.in_(POSTED_STATUSES),
        Shift.starts_at >= window[0],
        Shift.starts_at < window[1],
    )
    if association_id is not None:
        query = query.join(Factory, Factory.id == Shift.factory_id).where(
            Factory.association_id == association_id
        )
    return query


def _count_if(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _application_counts(shift_ids):
    S = ApplicationStatus
    return (
        select(
            Application.shift_id,
            func.count(Application.id).label("applications"),
            _count_if(Application.status == S.COMPLETED).label("completed"),
            _count_if(Application.status == S.NO_SHOW).label("no_shows"),
            _count_if(Application.late_cancellation.is_(True)).label("late"),
        )
        .where(Application.shift_id.in_(shift_ids))
        .group_by(Application.shift_id)
        .subquery()
    )


def _assignment_counts(shift_ids):
    holding = Application.status.in_(PLACE_HOLDING_STATES)
    return (
        select(
            Assignment.shift_id,
            func.count(Assignment.id).label("taken"),
            func.coalesce(func.sum(Assignment.hours), 0).label("hours"),
            type_coerce(func.max(case((holding, Assignment.created_at))), UTCDateTime).label(
                "filled_at"
            ),
        )
        .join(Application, Application.id == Assignment.application_id)
        .where(Assignment.shift_id.in_(shift_ids))
        .group_by(Assignment.shift_id)
        .subquery()
    )


def _shift_facts(association_id: int | None, window) -> list[ShiftFacts]:
    shift_ids = _window_shift_ids(association_id, window)
    apps, places = _application_counts(shift_ids), _assignment_counts(shift_ids)
    rows = db.session.execute(
        select(
            Shift,
            Factory.industry,
            Site.district_id,
            apps,
            places.c.taken,
            places.c.hours,
            places.c.filled_at,
        )
        .join(Factory, Factory.id == Shift.factory_id)
        .join(Site, Site.id == Shift.site_id)
        .outerjoin(apps, apps.c.shift_id == Shift.id)
        .outerjoin(places, places.c.shift_id == Shift.id)
        .where(Shift.id.in_(shift_ids))
        .order_by(Shift.starts_at, Shift.id)
    )
    return [_facts(row) for row in rows]


def _facts(row) -> ShiftFacts:
    shift = row.Shift
    return ShiftFacts(
        shift_id=shift.id,
        factory_id=shift.factory_id,
        industry=row.industry.value,
        district_id=row.district_id,
        day=shift.starts_at.astimezone(LOCAL_TIMEZONE).date(),
        published_at=shift.published_at,
        headcount=shift.headcount,
        places_filled=shift.accepted_count,
        filled_at=row.filled_at,
        applications=row.applications or 0,
        places_taken=row.taken or 0,
        completed=row.completed or 0,
        no_shows=row.no_shows or 0,
        late_cancellations=row.late or 0,
        hours_worked=_hours(row.hours),
    )


def _hours(total) -> Decimal:
    # SQLite sums NUMERIC columns as floats; hours are kept to the hundredth.
    return Decimal(str(total or 0)).quantize(HUNDREDTH)


def _workers_by_kind(association_id: int | None, window) -> dict[str, int]:
    counts = db.session.execute(
        select(WorkerProfile.kind, func.count(func.distinct(Application.worker_id)))
        .join(WorkerProfile, WorkerProfile.id == Application.worker_id)
        .where(
            Application.status.in_(PLACE_HOLDING_STATES),
            Application.shift_id.in_(_window_shift_ids(association_id, window)),
        )
        .group_by(WorkerProfile.kind)
    )
    found = {kind.value: n for kind, n in counts}
    return {kind.value: found.get(kind.value, 0) for kind in WorkerKind}


def _in_association(association_id: int):
    """An agreement the association's members are party to, as lender or borrower."""
    members = select(Factory.id).where(Factory.association_id == association_id)
    return or_(
        LendingAgreement.lender_factory_id.in_(members),
        LendingAgreement.borrower_factory_id.in_(members),
    )


def _lending(association_id, first_day: date, last_day: date, window) -> LendingFigures:
    agreements = select(func.count(LendingAgreement.id)).where(
        LendingAgreement.status.in_(LENDING_STATUSES),
        LendingAgreement.starts_on <= last_day,
        LendingAgreement.ends_on >= first_day,
    )
    hours = (
        select(func.coalesce(func.sum(Assignment.hours), 0))
        .join(LendingAgreement, LendingAgreement.id == Assignment.lending_agreement_id)
        .join(Shift, Shift.id == Assignment.shift_id)
        .where(Shift.starts_at >= window[0], Shift.starts_at < window[1])
    )
    if association_id is not None:
        agreements = agreements.where(_in_association(association_id))
        hours = hours.where(_in_association(association_id))
    return LendingFigures(
        active_agreements=db.session.scalar(agreements),
        hours_settled=_hours(db.session.scalar(hours)),
    )


def _member_factories(association_id: int | None) -> int:
    query = select(func.count(Factory.id)).where(
        Factory.verification_status == VerificationStatus.VERIFIED
    )
    if association_id is not None:
        query = query.where(Factory.association_id == association_id)
    return db.session.scalar(query)
