"""Reference data the forms offer as choices: districts, associations."""

from sqlalchemy import select

from ..extensions import db
from ..models import Association, District


def districts() -> list[District]:
    """All districts in code order (GB/T 2260)."""
    return list(db.session.scalars(select(District).order_by(District.code)))


def associations() -> list[Association]:
    """All industry associations, oldest first."""
    return list(db.session.scalars(select(Association).order_by(Association.id)))
