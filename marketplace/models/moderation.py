"""Reports that users file against a factory, a shift or a worker."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, str_enum, utcnow


class ReportTarget(enum.StrEnum):
    FACTORY = "factory"
    SHIFT = "shift"
    WORKER = "worker"


class ReportCategory(enum.StrEnum):
    UNSAFE_CONDITIONS = "unsafe_conditions"
    UNPAID_WAGES = "unpaid_wages"
    NO_SHOW = "no_show"
    ABUSE = "abuse"
    OTHER = "other"


class ReportStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


class Report(db.Model):
    """A complaint routed to the association responsible for its target."""

    __tablename__ = "reports"
    __table_args__ = (sa.Index("ix_reports_association_status", "association_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    target_type: Mapped[ReportTarget] = mapped_column(str_enum(ReportTarget, "report_target"))
    target_id: Mapped[int]
    # Resolved when filed, so each association sees only its own reports.
    association_id: Mapped[int] = mapped_column(
        sa.ForeignKey("associations.id", ondelete="RESTRICT")
    )
    category: Mapped[ReportCategory] = mapped_column(str_enum(ReportCategory, "report_category"))
    description: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[ReportStatus] = mapped_column(
        str_enum(ReportStatus, "report_status"), default=ReportStatus.OPEN
    )
    resolution: Mapped[str | None] = mapped_column(sa.Text)
    handled_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    association = relationship("Association")
