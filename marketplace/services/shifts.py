"""Reading shifts. (Posting and its transitions arrive with the lifecycle services.)"""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Factory, Shift, ShiftStatus, Site, utcnow


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def list_open_shifts(*, page: int = 1, per_page: int = 20, district_id: int | None = None) -> Page:
    """Open shifts that have not started yet, soonest first."""
    conditions = [Shift.status == ShiftStatus.OPEN, Shift.starts_at > utcnow()]
    if district_id:
        conditions.append(Site.district_id == district_id)
    base = select(Shift).join(Shift.site).where(*conditions)
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    query = (
        base.options(
            joinedload(Shift.site).joinedload(Site.district),
            joinedload(Shift.factory).joinedload(Factory.association),
        )
        .order_by(Shift.starts_at, Shift.id)
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    )
    return Page(list(db.session.scalars(query)), max(page, 1), per_page, total)
