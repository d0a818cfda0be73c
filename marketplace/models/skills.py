"""The skill taxonomy and certificate types."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .organisations import Industry
from .types import str_enum


class Skill(db.Model):
    """A skill a shift can require, e.g. ``sock.toe_seaming``."""

    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(60))
    name_en: Mapped[str] = mapped_column(sa.String(100))
    industry: Mapped[Industry] = mapped_column(str_enum(Industry, "industry"), index=True)


class CertificateType(db.Model):
    """A licence or certificate, e.g. the electrician's special-operation certificate."""

    __tablename__ = "certificate_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(80))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    # How long a newly issued one is valid; None means it does not expire.
    validity_years: Mapped[int | None]
