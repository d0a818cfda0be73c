"""Lending agreements (共享员工): the borrower asks, the lender approves, refuses or recalls.

Reports and listings are in lending_report.py; the approval rules in lending_rules.py;
a lender's own settings (cap, extra days) in lending_settings.py.
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ... import policy
from ...errors import Conflict, Invalid, NotFound
from ...extensions import db
from ...models import (
    AgreementStatus,
    Factory,
    LendingAgreement,
    Payer,
    User,
    WorkerKind,
    WorkerProfile,
    utcnow,
)
from .. import audit, authz
from ..common import commit, text_field
from ..notify.notifications import factory_staff_ids, notify_many
from . import ending as lending_end
from . import rules as lending_rules

ACTIVE_STATUSES = (AgreementStatus.REQUESTED, AgreementStatus.APPROVED)
MAX_RATE = Decimal("999999.99")  # Numeric(8, 2)
NOTE_MAX_LENGTH = 2000


def request_agreement(
    actor: User,
    worker_id: int,
    borrower_factory_id: int,
    starts_on: date,
    ends_on: date,
    wage_payer,
    insurance_payer,
    settlement_rate_cny,
    note: str = "",
    *,
    shift_ids: list[int] | None = None,
) -> LendingAgreement:
    """Staff of the borrowing factory ask the worker's employer to lend them for a period.

    shift_ids name the borrower's shifts the loan is for; the lender's extra-day rule
    measures the period against them (lending_rules.covered_span).
    """
    borrower = db.session.get(Factory, borrower_factory_id)
    if borrower is None:
        raise NotFound(_l("No such worker or factory."))
    # Authorised first, so that an outsider cannot probe which worker ids exist.
    authz.require(policy.can_act_for_factory(actor, borrower), actor, "lending.request", borrower)
    worker = db.session.get(WorkerProfile, worker_id)
    if worker is None:
        raise NotFound(_l("No such worker or factory."))
    errors: dict = {}
    _check_lendable(worker, borrower, errors)
    _check_period(starts_on, ends_on, errors)
    payers = _payers(wage_payer, insurance_payer, errors)
    rate = _rate(settlement_rate_cny, errors)
    if len((note or "").strip()) > NOTE_MAX_LENGTH:
        errors["note"] = [_l("Use at most %(n)d characters.", n=NOTE_MAX_LENGTH)]
    shift_ids = lending_rules.check_shifts(shift_ids, borrower, starts_on, ends_on, errors)
    if errors:
        raise Invalid(_l("Please correct the marked fields."), fields=errors)
    _check_no_overlap(worker.id, starts_on, ends_on)
    agreement = LendingAgreement(
        worker=worker,
        lender=worker.lender,
        borrower=borrower,
        starts_on=starts_on,
        ends_on=ends_on,
        wage_payer=payers[0],
        insurance_payer=payers[1],
        settlement_rate_cny=rate,
        note=(note or "").strip(),
        requested_by_id=actor.id,
    )
    db.session.add(agreement)
    _record_request(actor, agreement, borrower, shift_ids)
    return _commit(agreement)


def _record_request(
    actor: User, agreement: LendingAgreement, borrower: Factory, shift_ids: list[int]
) -> None:
    # The named shifts live only in this event: approval reads them back from here.
    audit.record(
        "lending.requested",
        actor=actor,
        obj=agreement,
        association_id=borrower.association_id,
        shift_ids=shift_ids,
    )
    recipients = [*factory_staff_ids(agreement.lender.id), agreement.worker.user_id]
    notify_many(recipients, "lending_requested", obj=agreement, **_params(agreement))


def _check_lendable(worker: WorkerProfile, borrower: Factory, errors: dict) -> None:
    if worker.kind != WorkerKind.IDLE_EMPLOYEE or worker.lender_factory_id is None:
        errors["worker_id"] = [_l("Only an idle employee lent by their employer can be borrowed.")]
    elif worker.lender_factory_id == borrower.id:
        errors["worker_id"] = [_l("This worker is already your own employee.")]


def _check_period(starts_on, ends_on, errors: dict) -> None:
    if not all(isinstance(d, date) and not isinstance(d, datetime) for d in (starts_on, ends_on)):
        errors["starts_on"] = [_l("Enter the first and last day of the period.")]
        return
    max_days = current_app.config.get("LENDING_MAX_DAYS", 90)
    if starts_on < lending_rules.local_today():
        errors["starts_on"] = [_l("The period cannot start in the past.")]
    if ends_on < starts_on:
        errors["ends_on"] = [_l("The last day cannot be before the first.")]
    elif (ends_on - starts_on).days + 1 > max_days:
        errors["ends_on"] = [_l("A period lasts at most %(days)d days.", days=max_days)]


def _payers(wage_payer, insurance_payer, errors: dict) -> tuple[Payer | None, Payer | None]:
    found = []
    for field, value in (("wage_payer", wage_payer), ("insurance_payer", insurance_payer)):
        try:
            found.append(Payer(value))
        except ValueError:
            errors[field] = [_l("Choose the lender or the borrower.")]
            found.append(None)
    return found[0], found[1]


def _rate(value, errors: dict) -> Decimal | None:
    try:
        rate = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        rate = None
    if rate is None or not Decimal(0) <= rate <= MAX_RATE:
        errors["settlement_rate_cny"] = [_l("Enter an hourly rate in yuan, 0 or more.")]
        return None
    return rate


def _check_no_overlap(worker_id: int, starts_on: date, ends_on: date) -> None:
    clash = db.session.scalar(
        select(LendingAgreement.id).where(
            LendingAgreement.worker_id == worker_id,
            LendingAgreement.status.in_(ACTIVE_STATUSES),
            LendingAgreement.starts_on <= ends_on,
            LendingAgreement.ends_on >= starts_on,
        )
    )
    if clash is not None:
        raise Conflict(
            _l("This worker already has a requested or approved agreement for part of this period.")
        )


def approve_agreement(actor: User, agreement_id: int) -> LendingAgreement:
    """The lender's staff approve a requested agreement, within their cap and extra-day rules.

    The rules themselves are documented in lending_rules.check_approval.
    """
    agreement = _load(agreement_id)
    authz.require(policy.can_act_as_lender(actor, agreement), actor, "lending.approve", agreement)
    _require_requested(agreement)
    lending_rules.check_approval(agreement)
    _decide(actor, agreement, AgreementStatus.APPROVED, None)
    audit.record(
        "lending.approved",
        actor=actor,
        obj=agreement,
        association_id=agreement.lender.association_id,
    )
    _tell_borrower_and_worker(agreement, "lending_approved")
    return _commit(agreement)


def refuse_agreement(actor: User, agreement_id: int, reason: str) -> LendingAgreement:
    """The lender's staff refuse a requested agreement, saying why."""
    agreement = _load(agreement_id)
    authz.require(policy.can_act_as_lender(actor, agreement), actor, "lending.refuse", agreement)
    _require_requested(agreement)
    reason = text_field(reason, required=True)
    _decide(actor, agreement, AgreementStatus.REFUSED, reason)
    audit.record(
        "lending.refused",
        actor=actor,
        obj=agreement,
        association_id=agreement.lender.association_id,
        reason=reason,
    )
    _tell_borrower_and_worker(agreement, "lending_refused", reason=reason)
    return _commit(agreement)


def cancel_agreement(actor: User, agreement_id: int) -> LendingAgreement:
    """The borrower's staff withdraw a request the lender has not decided yet."""
    agreement = _load(agreement_id)
    authz.require(policy.can_act_as_borrower(actor, agreement), actor, "lending.cancel", agreement)
    _require_requested(agreement)
    agreement.status = AgreementStatus.CANCELLED
    audit.record(
        "lending.cancelled",
        actor=actor,
        obj=agreement,
        association_id=agreement.borrower.association_id,
    )
    recipients = [*factory_staff_ids(agreement.lender_factory_id), agreement.worker.user_id]
    notify_many(recipients, "lending_cancelled", obj=agreement, **_params(agreement))
    return _commit(agreement)


def recall_worker(actor: User, agreement_id: int, reason: str) -> LendingAgreement:
    """The lender takes the worker back early; their places at the borrower end now.

    See lending_end.end_places for what happens to each application.
    """
    agreement = _load(agreement_id)
    authz.require(policy.can_act_as_lender(actor, agreement), actor, "lending.recall", agreement)
    if agreement.status != AgreementStatus.APPROVED:
        raise Conflict(
            _l(
                "This agreement is %(status)s; only an approved agreement can be recalled.",
                status=agreement.status.value,
            )
        )
    reason = text_field(reason, required=True)
    _decide(actor, agreement, AgreementStatus.RECALLED, reason)
    ended = lending_end.end_places(actor, agreement, reason)
    audit.record(
        "lending.recalled",
        actor=actor,
        obj=agreement,
        association_id=agreement.lender.association_id,
        reason=reason,
        **ended,
    )
    _tell_borrower_and_worker(agreement, "worker_recalled", reason=reason)
    return _commit(agreement)


def _load(agreement_id: int) -> LendingAgreement:
    # Locked and read afresh: of two decisions at once, the second sees the first's outcome.
    agreement = db.session.scalar(
        select(LendingAgreement)
        .where(LendingAgreement.id == agreement_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if agreement is None:
        raise NotFound(_l("No such lending agreement."))
    return agreement


def _require_requested(agreement: LendingAgreement) -> None:
    if agreement.status != AgreementStatus.REQUESTED:
        raise Conflict(
            _l(
                "This agreement is already %(status)s; only a requested agreement can be decided.",
                status=agreement.status.value,
            )
        )


def _decide(actor: User, agreement: LendingAgreement, status, reason: str | None) -> None:
    # decided_* describe the decision that set the current status; the audit trail keeps the rest.
    agreement.status = status
    agreement.decided_by_id = actor.id
    agreement.decided_at = utcnow()
    agreement.decision_reason = reason


def _params(agreement: LendingAgreement) -> dict:
    return {
        "worker": agreement.worker.user.name,
        "lender": agreement.lender.name,
        "borrower": agreement.borrower.name,
        "starts_on": agreement.starts_on,
        "ends_on": agreement.ends_on,
    }


def _tell_borrower_and_worker(agreement: LendingAgreement, kind: str, **extra) -> None:
    recipients = [*factory_staff_ids(agreement.borrower_factory_id), agreement.worker.user_id]
    notify_many(recipients, kind, obj=agreement, **_params(agreement), **extra)


def _commit(agreement: LendingAgreement) -> LendingAgreement:
    commit(_l("The agreement changed while you were working on it. Please reload and try again."))
    return agreement
