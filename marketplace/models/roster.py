"""Roster imports (a file of idle staff, imported as one job) and invitations to set a password."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, str_enum, utcnow


class ImportStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting for a job worker
    RUNNING = "running"  # a job worker holds the lease
    DONE = "done"  # every row written
    REFUSED = "refused"  # some row (or the file) broke a rule: nothing written
    FAILED = "failed"  # something unexpected; may be retried


class RosterImport(db.Model):
    """One uploaded roster file, the job's state while it runs, and its per-row report.

    The file's bytes live in this row, not on a disk: a job may run on another host than
    the request that stored it, and the database is what every host shares.
    """

    __tablename__ = "roster_imports"
    __table_args__ = (
        sa.CheckConstraint("rows_done <= rows_total", name="progress_range"),
        sa.Index("ix_roster_imports_association_created", "association_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        sa.ForeignKey("associations.id", ondelete="RESTRICT")
    )
    # Set for a factory's own upload: every idle employee in it is lent by this factory.
    factory_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("factories.id", ondelete="RESTRICT"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    filename: Mapped[str] = mapped_column(sa.String(255))
    file_format: Mapped[str] = mapped_column(sa.String(4))  # "xlsx" or "csv", from the content
    # Dropped once the import is done: the report is what stays.
    content: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    status: Mapped[ImportStatus] = mapped_column(
        str_enum(ImportStatus, "import_status"), default=ImportStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_done: Mapped[int] = mapped_column(default=0)
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    unchanged_count: Mapped[int] = mapped_column(default=0)
    refused_count: Mapped[int] = mapped_column(default=0)
    invited_count: Mapped[int] = mapped_column(default=0)
    # Why the whole file was refused or the job failed: a code the page translates.
    error: Mapped[str] = mapped_column(sa.String(40), default="")
    # One entry per row: row number, outcome, masked numbers, reasons as codes.
    report: Mapped[list | None] = deferred(mapped_column(sa.JSON))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When its job was last handed to the queue (the sweep counts from here, not from
    # created_at, so a retried row is not taken for a lost one); None while a queued row's
    # job has not reached the queue (Redis was down), which the workers hand over within seconds.
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A job worker that dies leaves RUNNING behind; past its lease it may be claimed again.
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    association = relationship("Association")
    factory = relationship("Factory")
    created_by = relationship("User")

    @property
    def is_working(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)


class Invitation(db.Model):
    """A one-time link for a worker someone else registered to set their own password.

    Only the token's SHA-256 is kept; the token itself is handed out once, in the
    importer's download, and handing out again replaces it.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    roster_import_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("roster_imports.id", ondelete="SET NULL"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")
