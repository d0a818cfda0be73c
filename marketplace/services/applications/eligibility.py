"""Whether a worker may take a shift: every condition that fails, in words.

Pure reads: nothing here writes or commits. Dates of certificates and lending
agreements are judged on the shift's local (Asia/Shanghai) calendar.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...errors import Invalid
from ...extensions import db
from ...i18n import LocalName
from ...models import (
    AgreementStatus,
    Application,
    ApplicationStatus,
    LendingAgreement,
    Shift,
    ShiftStatus,
    UserStatus,
    WorkerKind,
    WorkerProfile,
    utcnow,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

# A place the worker holds on a shift that has not ended yet; completed shifts are over.
_BUSY_STATES = (ApplicationStatus.ACCEPTED, ApplicationStatus.IN_PROGRESS)


def local_date(moment: datetime) -> date:
    """The calendar day in Shanghai of an aware UTC time."""
    return moment.astimezone(SHANGHAI).date()


def _local_text(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _shift_open(shift: Shift, now: datetime) -> list:
    if shift.status != ShiftStatus.OPEN:
        return [_l("This shift is not open for applications (it is %(s)s).", s=shift.status.value)]
    if shift.starts_at <= now:
        return [_l("This shift has already started.")]
    return []


def _account(worker: WorkerProfile) -> list:
    if worker.user.status == UserStatus.SUSPENDED:
        return [_l("Your account is suspended.")]
    return []


def _kind(worker: WorkerProfile, shift: Shift) -> list:
    if worker.kind not in shift.accepted_kinds:
        return [_l("This shift does not take %(kind)s workers.", kind=worker.kind.value)]
    return []


def _skills(worker: WorkerProfile, shift: Shift) -> list:
    levels = {s.skill_id: s.level for s in worker.skills}
    failures = []
    for required in shift.required_skills:
        name = LocalName(required.skill)
        have = levels.get(required.skill_id)
        if have is None:
            failures.append(
                _l(
                    "Needs %(skill)s at level %(level)d; you do not have this skill.",
                    skill=name,
                    level=required.min_level,
                )
            )
        elif have < required.min_level:
            failures.append(
                _l(
                    "Needs %(skill)s at level %(level)d; you have level %(have)d.",
                    skill=name,
                    level=required.min_level,
                    have=have,
                )
            )
    return failures


def _certificates(worker: WorkerProfile, shift: Shift) -> list:
    held = {c.certificate_type_id: c for c in worker.certificates}
    day = local_date(shift.starts_at)
    failures = []
    for required in shift.required_certificates:
        kind = required.certificate_type
        name = LocalName(kind)
        certificate = held.get(required.certificate_type_id)
        if certificate is None:
            failures.append(_l("Needs the certificate %(name)s; you do not hold it.", name=name))
        elif not certificate.is_valid_on(day):
            failures.append(
                _l(
                    "Your certificate %(name)s expires on %(until)s, before the shift on %(day)s.",
                    name=name,
                    until=certificate.valid_until.isoformat(),
                    day=day.isoformat(),
                )
            )
    return failures


def _overlaps(worker: WorkerProfile, shift: Shift) -> list:
    # Two shifts overlap when each starts before the other ends.
    query = (
        select(Shift)
        .join(Application, Application.shift_id == Shift.id)
        .where(
            Application.worker_id == worker.id,
            Application.status.in_(_BUSY_STATES),
            Shift.id != shift.id,
            Shift.starts_at < shift.ends_at,
            Shift.ends_at > shift.starts_at,
        )
        .order_by(Shift.starts_at)
    )
    return [
        _l(
            "Overlaps %(title)s (from %(start)s), where you already hold a place.",
            title=other.title,
            start=_local_text(other.starts_at),
        )
        for other in db.session.scalars(query)
    ]


def approved_agreement(worker: WorkerProfile, shift: Shift) -> LendingAgreement | None:
    """An approved agreement lending the worker to the shift's factory for the shift's days."""
    query = (
        select(LendingAgreement)
        .where(
            LendingAgreement.worker_id == worker.id,
            LendingAgreement.borrower_factory_id == shift.factory_id,
            LendingAgreement.status == AgreementStatus.APPROVED,
            LendingAgreement.starts_on <= local_date(shift.starts_at),
            LendingAgreement.ends_on >= local_date(shift.ends_at),
        )
        .order_by(LendingAgreement.id)
        .limit(1)
    )
    return db.session.scalar(query)


def _needs_agreement(worker: WorkerProfile, shift: Shift) -> bool:
    # At their own employer an idle employee is simply at work: nobody lends them.
    return worker.kind == WorkerKind.IDLE_EMPLOYEE and worker.lender_factory_id != shift.factory_id


def _lending(worker: WorkerProfile, shift: Shift) -> list:
    if not _needs_agreement(worker, shift) or approved_agreement(worker, shift) is not None:
        return []
    return [
        _l(
            "As a lent employee you need a lending agreement with this factory, approved by"
            " your employer, covering %(start)s to %(end)s.",
            start=local_date(shift.starts_at).isoformat(),
            end=local_date(shift.ends_at).isoformat(),
        )
    ]


def failed_conditions(worker: WorkerProfile, shift: Shift, *, now: datetime | None = None) -> list:
    """One message per condition the worker fails for the shift; empty when eligible."""
    now = now or utcnow()
    return [
        *_shift_open(shift, now),
        *_account(worker),
        *_kind(worker, shift),
        *_skills(worker, shift),
        *_certificates(worker, shift),
        *_overlaps(worker, shift),
        *_lending(worker, shift),
    ]


def require_eligible(worker: WorkerProfile, shift: Shift, message=None) -> None:
    """Raise Invalid naming every failed condition, unless the worker is eligible."""
    failures = failed_conditions(worker, shift)
    if failures:
        message = message or _l("You cannot take this shift.")
        raise Invalid(message, fields={"eligibility": failures})


def agreement_id_for(worker: WorkerProfile, shift: Shift) -> int | None:
    """The lending agreement an application for the shift must record, if one is needed."""
    if not _needs_agreement(worker, shift):
        return None
    agreement = approved_agreement(worker, shift)
    return agreement.id if agreement is not None else None
