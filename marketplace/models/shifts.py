"""Shifts (postings) and what they ask for."""

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, str_enum, utcnow
from .workers import ALL_KINDS_MASK, mask_to_kinds


class ShiftStatus(enum.StrEnum):
    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"  # waits for the association to approve
    OPEN = "open"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class Shift(db.Model):
    """A posting: a site, a time window and a headcount, with its requirements."""

    __tablename__ = "shifts"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ordered"),
        sa.CheckConstraint("headcount > 0", name="headcount_positive"),
        # The database itself refuses overbooking, whatever the code above it does.
        sa.CheckConstraint(
            "accepted_count >= 0 AND accepted_count <= headcount", name="accepted_within_headcount"
        ),
        sa.CheckConstraint("hourly_pay_cny > 0", name="pay_positive"),
        sa.CheckConstraint("dormitory_beds >= 0", name="beds_nonnegative"),
        sa.CheckConstraint("max_distance_km > 0", name="distance_positive"),
        # At least one worker kind, and no bit beyond the five kinds.
        sa.CheckConstraint(
            f"accepted_kinds_mask BETWEEN 1 AND {ALL_KINDS_MASK}", name="kinds_mask_range"
        ),
        sa.Index("ix_shifts_status_starts_at", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    factory_id: Mapped[int] = mapped_column(
        sa.ForeignKey("factories.id", ondelete="RESTRICT"), index=True
    )
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("sites.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    headcount: Mapped[int]
    accepted_count: Mapped[int] = mapped_column(default=0)
    hourly_pay_cny: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
    dormitory_beds: Mapped[int] = mapped_column(default=0)
    # How far from the site (or a pickup point) a worker may live.
    max_distance_km: Mapped[float] = mapped_column(default=30.0)
    accepted_kinds_mask: Mapped[int] = mapped_column(default=ALL_KINDS_MASK)
    status: Mapped[ShiftStatus] = mapped_column(
        str_enum(ShiftStatus, "shift_status"), default=ShiftStatus.DRAFT
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_reason: Mapped[str | None] = mapped_column(sa.Text)
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)

    factory = relationship("Factory")
    site = relationship("Site")
    created_by = relationship("User", foreign_keys=[created_by_id])
    required_skills = relationship(
        "ShiftRequiredSkill", back_populates="shift", cascade="all, delete-orphan"
    )
    preferred_skills = relationship(
        "ShiftPreferredSkill", back_populates="shift", cascade="all, delete-orphan"
    )
    required_certificates = relationship(
        "ShiftCertificate", back_populates="shift", cascade="all, delete-orphan"
    )
    pickup_points = relationship(
        "PickupPoint", back_populates="shift", cascade="all, delete-orphan"
    )

    @property
    def accepted_kinds(self):
        return mask_to_kinds(self.accepted_kinds_mask)

    @property
    def places_left(self) -> int:
        return self.headcount - self.accepted_count

    @property
    def is_full(self) -> bool:
        return self.accepted_count >= self.headcount


class ShiftRequiredSkill(db.Model):
    """A hard requirement: the skill at or above a minimum level."""

    __tablename__ = "shift_required_skills"
    __table_args__ = (
        sa.UniqueConstraint("shift_id", "skill_id"),
        sa.CheckConstraint("min_level BETWEEN 1 AND 5", name="level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("shifts.id", ondelete="CASCADE"))
    skill_id: Mapped[int] = mapped_column(
        sa.ForeignKey("skills.id", ondelete="RESTRICT"), index=True
    )
    min_level: Mapped[int]

    shift = relationship("Shift", back_populates="required_skills")
    skill = relationship("Skill")


class ShiftPreferredSkill(db.Model):
    """A soft preference: the skill counts towards the score with a weight."""

    __tablename__ = "shift_preferred_skills"
    __table_args__ = (
        sa.UniqueConstraint("shift_id", "skill_id"),
        sa.CheckConstraint("weight > 0 AND weight <= 1", name="weight_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("shifts.id", ondelete="CASCADE"))
    skill_id: Mapped[int] = mapped_column(
        sa.ForeignKey("skills.id", ondelete="RESTRICT"), index=True
    )
    weight: Mapped[float]

    shift = relationship("Shift", back_populates="preferred_skills")
    skill = relationship("Skill")


class ShiftCertificate(db.Model):
    """A certificate type every worker on the shift must hold, valid on the day."""

    __tablename__ = "shift_certificates"
    __table_args__ = (sa.UniqueConstraint("shift_id", "certificate_type_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("shifts.id", ondelete="CASCADE"))
    certificate_type_id: Mapped[int] = mapped_column(
        sa.ForeignKey("certificate_types.id", ondelete="RESTRICT"), index=True
    )

    shift = relationship("Shift", back_populates="required_certificates")
    certificate_type = relationship("CertificateType")


class PickupPoint(db.Model):
    """A chartered-bus stop for a shift."""

    __tablename__ = "pickup_points"
    __table_args__ = (
        sa.CheckConstraint("lat BETWEEN -90 AND 90", name="lat_range"),
        sa.CheckConstraint("lon BETWEEN -180 AND 180", name="lon_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(
        sa.ForeignKey("shifts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    lat: Mapped[float]
    lon: Mapped[float]

    shift = relationship("Shift", back_populates="pickup_points")
