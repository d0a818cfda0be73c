"""What the spreadsheet downloads hold: a factory's shifts and placements, an association's
placements. Plain rows of values; the web layer names the columns in the reader's language.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...models import Application, Assignment, Factory, Shift, User, WorkerProfile
from ..moderation.reports import moderated_association
from ..shifts.factory_queries import factory_for
from ..stats.queries import day_start


@dataclass(frozen=True)
class PlacementRow:
    """One place taken: who, where, when, and how it went."""

    shift_id: int
    shift_title: str
    factory_name: str
    starts_at: datetime
    ends_at: datetime
    worker_name: str
    worker_kind: str
    status: str
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    hours: Decimal | None
    lent: bool


def factory_shifts(actor: User, factory_id: int | None) -> list[Shift]:
    """Every shift of the factory, earliest first, with its site."""
    factory = factory_for(actor, factory_id)
    return list(
        db.session.scalars(
            select(Shift)
            .where(Shift.factory_id == factory.id)
            .options(joinedload(Shift.site))
            .order_by(Shift.starts_at, Shift.id)
        )
    )


def factory_placements(
    actor: User, factory_id: int | None, first_day: date, last_day: date
) -> list[PlacementRow]:
    """Places taken on the factory's shifts starting in the window."""
    factory = factory_for(actor, factory_id)
    return _placements(Shift.factory_id == factory.id, first_day, last_day)


def association_placements(
    actor: User, association_id: int, first_day: date, last_day: date
) -> list[PlacementRow]:
    """Places taken on the member factories' shifts starting in the window."""
    moderated_association(actor, association_id, "placements.export")
    members = select(Factory.id).where(Factory.association_id == association_id)
    return _placements(Shift.factory_id.in_(members), first_day, last_day)


def _placements(condition, first_day: date, last_day: date) -> list[PlacementRow]:
    query = (
        select(Assignment, Application.status, Shift, Factory.name, User.name, WorkerProfile.kind)
        .join(Application, Application.id == Assignment.application_id)
        .join(Shift, Shift.id == Assignment.shift_id)
        .join(Factory, Factory.id == Shift.factory_id)
        .join(WorkerProfile, WorkerProfile.id == Assignment.worker_id)
        .join(User, User.id == WorkerProfile.user_id)
        .where(
            condition,
            Shift.starts_at >= day_start(first_day),
            Shift.starts_at < day_start(last_day + timedelta(days=1)),
        )
        .order_by(Shift.starts_at, Shift.id, Assignment.id)
    )
    return [
        PlacementRow(
            shift.id,
            shift.title,
            factory_name,
            shift.starts_at,
            shift.ends_at,
            worker_name,
            kind.value,
            status.value,
            assignment.checked_in_at,
            assignment.checked_out_at,
            assignment.hours,
            assignment.lending_agreement_id is not None,
        )
        for assignment, status, shift, factory_name, worker_name, kind in db.session.execute(query)
    ]
