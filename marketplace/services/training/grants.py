"""Completing a training session: results, and the verified skill or certificate it grants."""

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ... import policy
from ...errors import Conflict, Invalid
from ...extensions import db
from ...models import (
    EnrolmentStatus,
    TrainingSession,
    TrainingStatus,
    User,
    WorkerCertificate,
    WorkerProfile,
    WorkerSkill,
    utcnow,
)
from .. import audit, authz
from ..notify.notifications import notify
from .loading import commit, load_session, require_published


def complete_training(
    actor: User,
    session_id: int,
    passed_worker_ids: Iterable[int],
    failed_worker_ids: Iterable[int] = (),
) -> TrainingSession:
    """The association records who passed; they get the skill or certificate at once.

    Enrolled workers listed in neither list did not complete the session and are
    marked failed too. The session closes; every enrolled worker hears the result.
    """
    session = load_session(session_id)
    authz.require(policy.can_manage_training(actor, session), actor, "training.complete", session)
    require_published(session)
    if session.starts_at > utcnow():
        raise Conflict(_l("This session has not started yet; complete it after it has run."))
    enrolled = {e.worker_id: e for e in session.enrolments if e.status == EnrolmentStatus.ENROLLED}
    passed = _check_lists(set(passed_worker_ids), set(failed_worker_ids), set(enrolled))
    now = utcnow()
    for worker_id, enrolment in sorted(enrolled.items()):
        _record_result(session, enrolment, worker_id in passed, now)
    session.status = TrainingStatus.CLOSED
    audit.record(
        "training.completed",
        actor=actor,
        obj=session,
        association_id=session.association_id,
        passed_worker_ids=sorted(passed),
        failed_worker_ids=sorted(set(enrolled) - passed),
    )
    return commit(session)


def _record_result(session: TrainingSession, enrolment, passed: bool, now: datetime) -> None:
    enrolment.completed_at = now
    enrolment.status = EnrolmentStatus.COMPLETED if passed else EnrolmentStatus.FAILED
    if passed:
        _grant(session, enrolment.worker, now)
    notify(
        enrolment.worker.user_id,
        "training_result",
        obj=session,
        title=session.title,
        outcome="passed" if passed else "failed",
    )


def _check_lists(passed: set[int], failed: set[int], enrolled: set[int]) -> set[int]:
    if passed & failed:
        raise Invalid(
            _l("A worker cannot both pass and fail."),
            fields={"passed_worker_ids": [_l("A worker cannot both pass and fail.")]},
        )
    strangers = sorted((passed | failed) - enrolled)
    if strangers:
        message = _l(
            "These workers are not enrolled in this session: %(ids)s.",
            ids=", ".join(map(str, strangers)),
        )
        raise Invalid(message, fields={"passed_worker_ids": [message]})
    return passed


def _grant(session: TrainingSession, worker: WorkerProfile, now: datetime) -> None:
    if session.skill_id is not None:
        _grant_skill(session, worker, now)
    else:
        _grant_certificate(session, worker, now)


def _grant_skill(session: TrainingSession, worker: WorkerProfile, now: datetime) -> None:
    """The verified level becomes the level granted, unless a higher one is verified already.

    A higher self-declared (unverified) level is replaced: the association vouches only
    for the level it taught, and a verified level beats an unverified claim.
    """
    skill = db.session.scalar(
        select(WorkerSkill).where(
            WorkerSkill.worker_id == worker.id, WorkerSkill.skill_id == session.skill_id
        )
    )
    if skill is None:
        skill = WorkerSkill(worker_id=worker.id, skill_id=session.skill_id, level=0)
        db.session.add(skill)
    elif skill.is_verified and skill.level >= session.level_granted:
        return
    skill.level = session.level_granted
    skill.verified_by_association_id = session.association_id
    skill.verified_at = now


def _grant_certificate(session: TrainingSession, worker: WorkerProfile, now: datetime) -> None:
    """Issue (or renew) the certificate, unless a verified one already lasts longer."""
    years = session.certificate_type.validity_years
    valid_until = _add_years(_local_date(now), years) if years else None
    certificate = db.session.scalar(
        select(WorkerCertificate).where(
            WorkerCertificate.worker_id == worker.id,
            WorkerCertificate.certificate_type_id == session.certificate_type_id,
        )
    )
    if certificate is None:
        certificate = WorkerCertificate(
            worker_id=worker.id, certificate_type_id=session.certificate_type_id
        )
        db.session.add(certificate)
    elif certificate.verified_at is not None and _outlasts(certificate.valid_until, valid_until):
        return
    certificate.number = f"TR-{session.id}-{worker.id}"
    certificate.valid_until = valid_until
    certificate.verified_by_association_id = session.association_id
    certificate.verified_at = now


def _outlasts(current: date | None, new: date | None) -> bool:
    if new is None:
        return False
    return current is None or current > new


def _local_date(moment: datetime) -> date:
    # Certificates are valid to a calendar day, and the platform's days are Shanghai's.
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))
    return moment.astimezone(zone).date()


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)
