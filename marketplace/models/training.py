"""Quick training run by an association: completing it grants a verified skill or certificate."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, str_enum, utcnow


class TrainingStatus(enum.StrEnum):
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    CLOSED = "closed"


class EnrolmentStatus(enum.StrEnum):
    ENROLLED = "enrolled"
    COMPLETED = "completed"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"


class TrainingSession(db.Model):
    """A session teaching one skill (to a level) or one certificate, with a capacity."""

    __tablename__ = "training_sessions"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ordered"),
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        sa.CheckConstraint(
            "enrolled_count >= 0 AND enrolled_count <= capacity", name="enrolled_within_capacity"
        ),
        sa.CheckConstraint(
            "(skill_id IS NOT NULL AND level_granted BETWEEN 1 AND 5"
            " AND certificate_type_id IS NULL)"
            " OR (certificate_type_id IS NOT NULL AND skill_id IS NULL)",
            name="grants_one_thing",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        sa.ForeignKey("associations.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(120))
    location: Mapped[str] = mapped_column(sa.String(255), default="")
    skill_id: Mapped[int | None] = mapped_column(sa.ForeignKey("skills.id", ondelete="RESTRICT"))
    level_granted: Mapped[int | None]
    certificate_type_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("certificate_types.id", ondelete="RESTRICT")
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int]
    enrolled_count: Mapped[int] = mapped_column(default=0)
    status: Mapped[TrainingStatus] = mapped_column(
        str_enum(TrainingStatus, "training_status"), default=TrainingStatus.PUBLISHED
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    association = relationship("Association")
    skill = relationship("Skill")
    certificate_type = relationship("CertificateType")
    enrolments = relationship("TrainingEnrolment", back_populates="session")


class TrainingEnrolment(db.Model):
    """A worker's place in a training session."""

    __tablename__ = "training_enrolments"
    __table_args__ = (sa.UniqueConstraint("session_id", "worker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_sessions.id", ondelete="CASCADE")
    )
    worker_id: Mapped[int] = mapped_column(
        sa.ForeignKey("worker_profiles.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[EnrolmentStatus] = mapped_column(
        str_enum(EnrolmentStatus, "enrolment_status"), default=EnrolmentStatus.ENROLLED
    )
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session = relationship("TrainingSession", back_populates="enrolments")
    worker = relationship("WorkerProfile")
