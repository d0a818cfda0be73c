"""Reference data the forms offer as choices: districts, associations, skills, certificates."""

from sqlalchemy import select

from ...extensions import db
from ...models import Association, CertificateType, District, Skill


def districts() -> list[District]:
    """All districts in code order (GB/T 2260)."""
    return list(db.session.scalars(select(District).order_by(District.code)))


def associations() -> list[Association]:
    """All industry associations, oldest first."""
    return list(db.session.scalars(select(Association).order_by(Association.id)))


def skills() -> list[Skill]:
    """All skills, by industry and code."""
    return list(db.session.scalars(select(Skill).order_by(Skill.industry, Skill.code)))


def certificate_types() -> list[CertificateType]:
    """All certificate types, by code."""
    return list(db.session.scalars(select(CertificateType).order_by(CertificateType.code)))
