"""Reading lending agreements: the settlement report and the lists each user may see."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from ... import policy
from ...errors import NotFound
from ...extensions import db
from ...models import (
    AgreementStatus,
    Assignment,
    Factory,
    FactoryMember,
    LendingAgreement,
    MemberStatus,
    Role,
    User,
    VerificationStatus,
    WorkerProfile,
)
from .. import authz

CENT = Decimal("0.01")


@dataclass(frozen=True)
class AgreementHours:
    """One line of the settlement report: hours worked under an agreement and what they cost."""

    agreement: LendingAgreement
    worker_name: str
    lender_name: str
    borrower_name: str
    starts_on: date
    ends_on: date
    status: AgreementStatus
    hours: Decimal
    settlement_rate_cny: Decimal
    amount_due_cny: Decimal


def _can_read_report(actor: User | None, factory: Factory) -> bool:
    # Either side's staff read their own factory's report; its association's moderators too.
    return policy.can_act_for_factory(actor, factory) or policy.moderates(
        actor, factory.association_id
    )


def agreement_report(
    actor: User, factory_id: int, *, starts_on: date | None = None, ends_on: date | None = None
) -> list[AgreementHours]:
    """Hours and amounts due per agreement the factory lends or borrows under.

    With starts_on / ends_on, only the agreements whose period overlaps those days;
    hours are each agreement's total.
    """
    factory = db.session.get(Factory, factory_id)
    if factory is None:
        raise NotFound(_l("No such factory."))
    authz.require(_can_read_report(actor, factory), actor, "lending.report", factory)
    query = (
        _with_hours()
        .where(
            or_(
                LendingAgreement.lender_factory_id == factory.id,
                LendingAgreement.borrower_factory_id == factory.id,
            )
        )
        .order_by(LendingAgreement.starts_on, LendingAgreement.id)
    )
    if starts_on is not None:
        query = query.where(LendingAgreement.ends_on >= starts_on)
    if ends_on is not None:
        query = query.where(LendingAgreement.starts_on <= ends_on)
    return [_line(agreement, total) for agreement, total in db.session.execute(query)]


def agreement_hours(actor: User, agreement_id: int) -> AgreementHours:
    """Hours and the amount due under one agreement, for either factory and its moderators."""
    agreement = db.session.get(LendingAgreement, agreement_id)
    if agreement is None:
        raise NotFound(_l("No such lending agreement."))
    allowed = _can_read_report(actor, agreement.lender) or _can_read_report(
        actor, agreement.borrower
    )
    authz.require(allowed, actor, "lending.report", agreement)
    found = db.session.execute(_with_hours().where(LendingAgreement.id == agreement.id)).one()
    return _line(*found)


def _with_hours():
    """Agreements, each with the hours recorded under it (None: none yet)."""
    hours = (
        select(
            Assignment.lending_agreement_id.label("agreement_id"),
            func.sum(Assignment.hours).label("hours"),
        )
        .where(Assignment.lending_agreement_id.is_not(None), Assignment.hours.is_not(None))
        .group_by(Assignment.lending_agreement_id)
        .subquery()
    )
    return (
        select(LendingAgreement, hours.c.hours)
        .outerjoin(hours, hours.c.agreement_id == LendingAgreement.id)
        .options(*_eager())
    )


def _eager():
    return (
        joinedload(LendingAgreement.worker).joinedload(WorkerProfile.user),
        joinedload(LendingAgreement.lender),
        joinedload(LendingAgreement.borrower),
    )


def _line(agreement: LendingAgreement, total) -> AgreementHours:
    hours = Decimal(total or 0).quantize(CENT, ROUND_HALF_UP)
    rate = agreement.settlement_rate_cny
    return AgreementHours(
        agreement=agreement,
        worker_name=agreement.worker.user.name,
        lender_name=agreement.lender.name,
        borrower_name=agreement.borrower.name,
        starts_on=agreement.starts_on,
        ends_on=agreement.ends_on,
        status=agreement.status,
        hours=hours,
        settlement_rate_cny=rate,
        amount_due_cny=(hours * rate).quantize(CENT, ROUND_HALF_UP),
    )


def agreements_for(
    actor: User, *, factory_id: int | None = None, worker_id: int | None = None
) -> list[LendingAgreement]:
    """The agreements the actor may view, newest first, optionally of one factory or worker."""
    query = select(LendingAgreement).where(_visible_to(actor)).options(*_eager())
    if factory_id is not None:
        query = query.where(
            or_(
                LendingAgreement.lender_factory_id == factory_id,
                LendingAgreement.borrower_factory_id == factory_id,
            )
        )
    if worker_id is not None:
        query = query.where(LendingAgreement.worker_id == worker_id)
    query = query.order_by(LendingAgreement.created_at.desc(), LendingAgreement.id.desc())
    # The query narrows the search; policy has the last word on every row.
    return [a for a in db.session.scalars(query) if policy.can_view_agreement(actor, a)]


def _visible_to(actor: User):
    """A condition matching the agreements policy.can_view_agreement lets the actor see."""
    if policy.is_admin(actor):
        return LendingAgreement.id.is_not(None)
    if actor.role == Role.MODERATOR:
        lender, borrower = aliased(Factory), aliased(Factory)
        mine = select(LendingAgreement.id).join(
            lender, lender.id == LendingAgreement.lender_factory_id
        )
        mine = mine.join(borrower, borrower.id == LendingAgreement.borrower_factory_id).where(
            or_(
                lender.association_id == actor.association_id,
                borrower.association_id == actor.association_id,
            )
        )
        return LendingAgreement.id.in_(mine)
    if actor.role == Role.FACTORY_STAFF:
        factories = (
            select(FactoryMember.factory_id)
            .join(Factory, Factory.id == FactoryMember.factory_id)
            .where(
                FactoryMember.user_id == actor.id,
                FactoryMember.status == MemberStatus.ACTIVE,
                Factory.verification_status.not_in(
                    (VerificationStatus.REJECTED, VerificationStatus.SUSPENDED)
                ),
            )
        )
        return or_(
            LendingAgreement.lender_factory_id.in_(factories),
            LendingAgreement.borrower_factory_id.in_(factories),
        )
    if actor.worker_profile is not None:
        return LendingAgreement.worker_id == actor.worker_profile.id
    return false()
