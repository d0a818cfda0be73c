"""Placement runs: one optimisation over an association's open shifts, reviewed before offers."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, str_enum, utcnow


class RunStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting for a job worker
    RUNNING = "running"  # a job worker holds the lease
    DONE = "done"  # proposals ready for review
    FAILED = "failed"  # may be retried
    APPLIED = "applied"  # offers sent
    DISCARDED = "discarded"  # the moderator threw the proposals away


class RunObjective(enum.StrEnum):
    FILL = "fill"  # most places filled, then the best total score
    SCORE = "score"  # the best total score alone


class ProposalStatus(enum.StrEnum):
    PROPOSED = "proposed"
    OFFERED = "offered"
    SKIPPED = "skipped"  # no longer possible when the offers went out (reason kept)
    EXCLUDED = "excluded"  # the moderator left it out


# A run in one of these still owns its association's next offers: one at a time.
ACTIVE_RUN_STATES = frozenset({RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.DONE})
_ACTIVE = "status IN ('queued', 'running', 'done')"


class PlacementRun(db.Model):
    """One placement run over the open shifts of an association's factories in a window."""

    __tablename__ = "placement_runs"
    __table_args__ = (
        sa.CheckConstraint("window_ends_at > window_starts_at", name="window_ordered"),
        sa.Index("ix_placement_runs_association_status", "association_id", "status"),
        # One run at a time per association, whatever starts concurrently: a run still
        # queued, running or awaiting review owns the association's next offers.
        sa.Index(
            "uq_placement_runs_one_active",
            "association_id",
            unique=True,
            sqlite_where=sa.text(_ACTIVE),
            postgresql_where=sa.text(_ACTIVE),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        sa.ForeignKey("associations.id", ondelete="RESTRICT")
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    window_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    window_ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    objective: Mapped[RunObjective] = mapped_column(
        str_enum(RunObjective, "run_objective"), default=RunObjective.FILL
    )
    status: Mapped[RunStatus] = mapped_column(
        str_enum(RunStatus, "run_status"), default=RunStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When its job was last handed to the queue (the sweep counts from here, not from
    # created_at, so a retried row is not taken for a lost one); None while a queued row's
    # job has not reached the queue (Redis was down), which the workers hand over within seconds.
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A job worker that dies leaves RUNNING behind; past its lease the run may be claimed again.
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # What the solver saw and found.
    shift_count: Mapped[int] = mapped_column(default=0)
    places_open: Mapped[int] = mapped_column(default=0)
    candidate_count: Mapped[int] = mapped_column(default=0)
    pair_count: Mapped[int] = mapped_column(default=0)
    filled: Mapped[int] = mapped_column(default=0)
    total_score: Mapped[float] = mapped_column(sa.Float, default=0.0)
    method: Mapped[str] = mapped_column(sa.String(20), default="")
    solver_seconds: Mapped[float] = mapped_column(sa.Float, default=0.0)
    error: Mapped[str] = mapped_column(sa.Text, default="")

    association = relationship("Association")
    proposals = relationship(
        "PlacementProposal",
        back_populates="run",
        order_by="(PlacementProposal.shift_id, PlacementProposal.score.desc())",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class PlacementProposal(db.Model):
    """One (worker, shift) pair of a run's placement, with the score and its breakdown."""

    __tablename__ = "placement_proposals"
    __table_args__ = (
        sa.UniqueConstraint("run_id", "shift_id", "worker_id"),
        sa.CheckConstraint("score >= 0 AND score <= 1", name="score_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        sa.ForeignKey("placement_runs.id", ondelete="CASCADE"), index=True
    )
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("shifts.id", ondelete="CASCADE"))
    worker_id: Mapped[int] = mapped_column(
        sa.ForeignKey("worker_profiles.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float] = mapped_column(sa.Float)
    breakdown: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # term -> weight * term
    distance_km: Mapped[float] = mapped_column(sa.Float)
    status: Mapped[ProposalStatus] = mapped_column(
        str_enum(ProposalStatus, "proposal_status"), default=ProposalStatus.PROPOSED
    )
    reason: Mapped[str] = mapped_column(sa.Text, default="")  # why it was skipped
    application_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="SET NULL")
    )

    run = relationship("PlacementRun", back_populates="proposals")
    shift = relationship("Shift")
    worker = relationship("WorkerProfile")
