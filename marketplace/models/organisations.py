"""Districts, industry associations, factories, their sites and staff."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, str_enum, utcnow


class Industry(enum.StrEnum):
    TEXTILES = "textiles"  # weaving, dyeing and finishing
    GARMENTS = "garments"
    HOSIERY = "hosiery"
    BEARINGS = "bearings"
    MEDICAL_SUPPLIES = "medical_supplies"  # masks, protective wear
    LOGISTICS = "logistics"
    ELECTRICAL = "electrical"
    PACKAGING = "packaging"
    CATERING = "catering"
    ECOMMERCE = "ecommerce"  # live-stream selling
    SMART_MANUFACTURING = "smart_manufacturing"
    GENERAL = "general"


class VerificationStatus(enum.StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class MemberRole(enum.StrEnum):
    OWNER = "owner"  # may admit other staff
    STAFF = "staff"


class MemberStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"


class District(db.Model):
    """A county-level district with its WGS-84 centre."""

    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(6), unique=True)  # GB/T 2260 code
    name: Mapped[str] = mapped_column(sa.String(40))
    name_en: Mapped[str] = mapped_column(sa.String(60))
    city: Mapped[str] = mapped_column(sa.String(40))
    lat: Mapped[float]
    lon: Mapped[float]


class Association(db.Model):
    """An industry association: vets its member factories and their shifts."""

    __tablename__ = "associations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    name_en: Mapped[str] = mapped_column(sa.String(160))
    industry: Mapped[Industry] = mapped_column(str_enum(Industry, "industry"))
    district_id: Mapped[int] = mapped_column(sa.ForeignKey("districts.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Score term -> weight for ranking this association's shifts; None: the defaults
    # (marketplace.matching.terms.DEFAULT_WEIGHTS).
    matching_weights: Mapped[dict | None] = mapped_column(sa.JSON)

    district = relationship("District")
    factories = relationship("Factory", back_populates="association")
    moderators = relationship("User", back_populates="association")


class Factory(db.Model):
    """An employer, identified by its 18-character unified social credit code."""

    __tablename__ = "factories"
    __table_args__ = (
        sa.CheckConstraint("lending_cap IS NULL OR lending_cap >= 0", name="lending_cap_range"),
        sa.CheckConstraint("lending_max_extra_days >= 0", name="lending_days_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    uscc: Mapped[str] = mapped_column(sa.String(18), unique=True)
    industry: Mapped[Industry] = mapped_column(str_enum(Industry, "industry"))
    association_id: Mapped[int] = mapped_column(
        sa.ForeignKey("associations.id", ondelete="RESTRICT"), index=True
    )
    verification_status: Mapped[VerificationStatus] = mapped_column(
        str_enum(VerificationStatus, "verification_status"),
        default=VerificationStatus.PENDING,
        index=True,
    )
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The association's reason for the current status (rejection, suspension).
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    # Lending rules set by the factory as a lender of its idle staff.
    lending_cap: Mapped[int | None]  # staff out at once; None = no cap
    lending_max_extra_days: Mapped[int] = mapped_column(default=7, server_default=sa.text("7"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    association = relationship("Association", back_populates="factories")
    sites = relationship("Site", back_populates="factory", order_by="Site.id")
    members = relationship("FactoryMember", back_populates="factory")

    @property
    def is_verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED


class Site(db.Model):
    """A place where a factory's work happens."""

    __tablename__ = "sites"
    __table_args__ = (
        sa.CheckConstraint("lat BETWEEN -90 AND 90", name="lat_range"),
        sa.CheckConstraint("lon BETWEEN -180 AND 180", name="lon_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    factory_id: Mapped[int] = mapped_column(
        sa.ForeignKey("factories.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    address: Mapped[str] = mapped_column(sa.String(255))
    district_id: Mapped[int] = mapped_column(
        sa.ForeignKey("districts.id", ondelete="RESTRICT"), index=True
    )
    lat: Mapped[float]
    lon: Mapped[float]

    factory = relationship("Factory", back_populates="sites")
    district = relationship("District")


class FactoryMember(db.Model):
    """A user who acts for a factory; joiners wait for an owner to admit them."""

    __tablename__ = "factory_members"
    __table_args__ = (sa.UniqueConstraint("factory_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    factory_id: Mapped[int] = mapped_column(sa.ForeignKey("factories.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(str_enum(MemberRole, "member_role"))
    status: Mapped[MemberStatus] = mapped_column(str_enum(MemberStatus, "member_status"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    factory = relationship("Factory", back_populates="members")
    user = relationship("User", back_populates="memberships")
