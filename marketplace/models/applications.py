"""Applications for shifts and the assignments they become."""

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, str_enum, utcnow


class ApplicationStatus(enum.StrEnum):
    """The states in DESIGN.md; transitions live in services/applications/applying.py."""

    APPLIED = "applied"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DECLINED = "declined"
    REJECTED = "rejected"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


# States that hold one of the shift's places (counted in Shift.accepted_count).
PLACE_HOLDING_STATES = frozenset(
    {ApplicationStatus.ACCEPTED, ApplicationStatus.IN_PROGRESS, ApplicationStatus.COMPLETED}
)


# States reached only through the worker's own accept of an offer.
WORKER_ACCEPTED_STATES = frozenset(
    {
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.IN_PROGRESS,
        ApplicationStatus.COMPLETED,
        ApplicationStatus.NO_SHOW,
    }
)


class ApplicationOrigin(enum.StrEnum):
    """Who started the application: only the worker's own ask ties them to an association."""

    WORKER = "worker"  # the worker applied (or joined the waiting list)
    FACTORY_OFFER = "factory_offer"  # factory staff invited them from the candidate ranking
    PLACEMENT = "placement"  # an association's placement run sent them an offer


class Application(db.Model):
    """A worker's request for a shift; one per (worker, shift)."""

    __tablename__ = "applications"
    __table_args__ = (
        sa.UniqueConstraint("worker_id", "shift_id"),
        sa.Index("ix_applications_shift_status", "shift_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("worker_profiles.id", ondelete="RESTRICT"))
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("shifts.id", ondelete="RESTRICT"))
    status: Mapped[ApplicationStatus] = mapped_column(
        str_enum(ApplicationStatus, "application_status"), default=ApplicationStatus.APPLIED
    )
    origin: Mapped[ApplicationOrigin] = mapped_column(
        str_enum(ApplicationOrigin, "application_origin"),
        default=ApplicationOrigin.WORKER,
        server_default=ApplicationOrigin.WORKER.value,
    )
    note: Mapped[str] = mapped_column(sa.Text, default="")
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)
    late_cancellation: Mapped[bool] = mapped_column(default=False)
    # For idle employees: the agreement that lets them work this shift.
    lending_agreement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lending_agreements.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    worker = relationship("WorkerProfile")
    shift = relationship("Shift")
    assignment = relationship("Assignment", back_populates="application", uselist=False)
    lending_agreement = relationship("LendingAgreement")


class Assignment(db.Model):
    """A confirmed worker on a shift, with attendance and hours."""

    __tablename__ = "assignments"
    __table_args__ = (
        sa.UniqueConstraint("shift_id", "worker_id"),
        sa.CheckConstraint(
            "checked_out_at IS NULL OR checked_out_at >= checked_in_at", name="attendance_order"
        ),
        sa.CheckConstraint("hours IS NULL OR hours >= 0", name="hours_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="RESTRICT"), unique=True
    )
    shift_id: Mapped[int] = mapped_column(
        sa.ForeignKey("shifts.id", ondelete="RESTRICT"), index=True
    )
    worker_id: Mapped[int] = mapped_column(
        sa.ForeignKey("worker_profiles.id", ondelete="RESTRICT"), index=True
    )
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hours: Mapped[Decimal | None] = mapped_column(sa.Numeric(6, 2))
    lending_agreement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lending_agreements.id", ondelete="RESTRICT"), index=True
    )
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # e.g. recalled by the lender
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application = relationship("Application", back_populates="assignment")
    lending_agreement = relationship("LendingAgreement")
    ratings = relationship("Rating", back_populates="assignment")
    shift = relationship("Shift")
    worker = relationship("WorkerProfile")


class RatingDirection(enum.StrEnum):
    FACTORY_RATES_WORKER = "factory_rates_worker"
    WORKER_RATES_FACTORY = "worker_rates_factory"


class Rating(db.Model):
    """After a shift, each side rates the other once: 1-5 and a comment."""

    __tablename__ = "ratings"
    __table_args__ = (
        sa.UniqueConstraint("assignment_id", "direction"),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id", ondelete="CASCADE"))
    direction: Mapped[RatingDirection] = mapped_column(
        str_enum(RatingDirection, "rating_direction")
    )
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    rated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assignment = relationship("Assignment", back_populates="ratings")
