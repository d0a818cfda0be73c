"""Worker profiles with their skills, certificates and availability."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, str_enum, utcnow


class WorkerKind(enum.StrEnum):
    IDLE_EMPLOYEE = "idle_employee"  # 共享员工: lent by their own employer
    CROSS_INDUSTRY = "cross_industry"  # 跨界员工: idle staff of another industry
    RETIREE = "retiree"
    VOLUNTEER = "volunteer"
    EXPERT = "expert"  # 共享专家


# Bits for Shift.accepted_kinds_mask; the order is part of the stored data.
KIND_BITS = {kind: 1 << i for i, kind in enumerate(WorkerKind)}
ALL_KINDS_MASK = sum(KIND_BITS.values())


def kinds_to_mask(kinds) -> int:
    """Pack worker kinds into the integer kept on a shift."""
    return sum(KIND_BITS[WorkerKind(k)] for k in set(kinds))


def mask_to_kinds(mask: int) -> frozenset[WorkerKind]:
    """Unpack a shift's accepted-kinds integer."""
    return frozenset(k for k, bit in KIND_BITS.items() if mask & bit)


class WorkerProfile(db.Model):
    """What a worker offers: kind, home, reach, skills, certificates, availability."""

    __tablename__ = "worker_profiles"
    __table_args__ = (
        sa.CheckConstraint("home_lat BETWEEN -90 AND 90", name="lat_range"),
        sa.CheckConstraint("home_lon BETWEEN -180 AND 180", name="lon_range"),
        sa.CheckConstraint("max_travel_km > 0 AND max_travel_km <= 500", name="travel_range"),
        sa.CheckConstraint(
            "lender_factory_id IS NULL OR kind = 'idle_employee'", name="lender_only_idle"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[WorkerKind] = mapped_column(str_enum(WorkerKind, "worker_kind"), index=True)
    home_district_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("districts.id", ondelete="RESTRICT"), index=True
    )
    home_lat: Mapped[float]
    home_lon: Mapped[float]
    max_travel_km: Mapped[float] = mapped_column(default=20.0)
    needs_housing: Mapped[bool] = mapped_column(default=False)
    lender_factory_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("factories.id", ondelete="RESTRICT"), index=True
    )
    # Resident identity card number; validated, stored here only, shown masked.
    national_id: Mapped[str | None] = mapped_column(sa.String(18), unique=True)
    # Attendance record, kept by the attendance services; reliability derives from it.
    shifts_completed: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))
    no_shows: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))
    late_cancellations: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user = relationship("User", back_populates="worker_profile")
    home_district = relationship("District")
    lender = relationship("Factory")
    skills = relationship("WorkerSkill", back_populates="worker", cascade="all, delete-orphan")
    certificates = relationship(
        "WorkerCertificate", back_populates="worker", cascade="all, delete-orphan"
    )
    availability = relationship(
        "AvailabilityWindow",
        back_populates="worker",
        cascade="all, delete-orphan",
        order_by="AvailabilityWindow.starts_at",
    )


class AvailabilityWindow(db.Model):
    """A stretch of time the worker can work; a worker with none is always available."""

    __tablename__ = "availability_windows"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(
        sa.ForeignKey("worker_profiles.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    worker = relationship("WorkerProfile", back_populates="availability")


class WorkerSkill(db.Model):
    """A skill at a level 1-5, self-declared until an association verifies it."""

    __tablename__ = "worker_skills"
    __table_args__ = (
        sa.UniqueConstraint("worker_id", "skill_id"),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("worker_profiles.id", ondelete="CASCADE"))
    skill_id: Mapped[int] = mapped_column(
        sa.ForeignKey("skills.id", ondelete="RESTRICT"), index=True
    )
    level: Mapped[int]
    verified_by_association_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("associations.id", ondelete="SET NULL")
    )
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    worker = relationship("WorkerProfile", back_populates="skills")
    skill = relationship("Skill")

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class WorkerCertificate(db.Model):
    """A certificate the worker holds, with its number and expiry."""

    __tablename__ = "worker_certificates"
    __table_args__ = (sa.UniqueConstraint("worker_id", "certificate_type_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("worker_profiles.id", ondelete="CASCADE"))
    certificate_type_id: Mapped[int] = mapped_column(
        sa.ForeignKey("certificate_types.id", ondelete="RESTRICT"), index=True
    )
    number: Mapped[str] = mapped_column(sa.String(40))
    valid_until: Mapped[date | None]
    verified_by_association_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("associations.id", ondelete="SET NULL")
    )
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    worker = relationship("WorkerProfile", back_populates="certificates")
    certificate_type = relationship("CertificateType")

    def is_valid_on(self, day: date) -> bool:
        """Whether the certificate covers the given day."""
        return self.valid_until is None or self.valid_until >= day
