"""Lending agreements (共享员工): an idle employee lent by their employer to another factory."""

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, str_enum, utcnow


class AgreementStatus(enum.StrEnum):
    REQUESTED = "requested"  # the borrower asked; the lender has not decided
    APPROVED = "approved"
    REFUSED = "refused"
    RECALLED = "recalled"  # the lender took the worker back early
    CANCELLED = "cancelled"  # the borrower withdrew the request


class Payer(enum.StrEnum):
    LENDER = "lender"
    BORROWER = "borrower"


class LendingAgreement(db.Model):
    """Lender × borrower × worker × period, with who pays what.

    The lender keeps the labour contract; the borrower pays the lender the
    settlement rate for every hour worked under the agreement.
    """

    __tablename__ = "lending_agreements"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="ordered"),
        sa.CheckConstraint("lender_factory_id != borrower_factory_id", name="two_factories"),
        sa.CheckConstraint("settlement_rate_cny >= 0", name="rate_nonnegative"),
        sa.Index("ix_lending_agreements_worker_status", "worker_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("worker_profiles.id", ondelete="RESTRICT"))
    lender_factory_id: Mapped[int] = mapped_column(
        sa.ForeignKey("factories.id", ondelete="RESTRICT"), index=True
    )
    borrower_factory_id: Mapped[int] = mapped_column(
        sa.ForeignKey("factories.id", ondelete="RESTRICT"), index=True
    )
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    wage_payer: Mapped[Payer] = mapped_column(str_enum(Payer, "wage_payer"))
    insurance_payer: Mapped[Payer] = mapped_column(str_enum(Payer, "insurance_payer"))
    settlement_rate_cny: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
    status: Mapped[AgreementStatus] = mapped_column(
        str_enum(AgreementStatus, "agreement_status"), default=AgreementStatus.REQUESTED
    )
    note: Mapped[str] = mapped_column(sa.Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    worker = relationship("WorkerProfile")
    lender = relationship("Factory", foreign_keys=[lender_factory_id])
    borrower = relationship("Factory", foreign_keys=[borrower_factory_id])

    def covers(self, day: date) -> bool:
        """Whether the agreement's period includes the day."""
        return self.starts_on <= day <= self.ends_on
