"""What the worker pages read: my applications, my agreements, open training, choices.

Pure reads: nothing here writes or commits (a refused look is recorded by authz).
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ... import policy
from ...errors import NotFound
from ...extensions import db
from ...models import (
    Application,
    ApplicationStatus,
    Assignment,
    CertificateType,
    EnrolmentStatus,
    Factory,
    LendingAgreement,
    Rating,
    RatingDirection,
    Shift,
    ShiftStatus,
    Site,
    Skill,
    TrainingEnrolment,
    TrainingSession,
    TrainingStatus,
    User,
    VerificationStatus,
    utcnow,
)
from .. import authz
from ..applications import eligibility
from ..lending import report as lending_report
from ..ranking.recommendations import Recommendation, recommend_shifts

S = ApplicationStatus
_PUBLIC = (ShiftStatus.OPEN, ShiftStatus.CANCELLED, ShiftStatus.COMPLETED)
_UNDECIDED = (S.APPLIED, S.WAITLISTED, S.OFFERED)


def _worker(actor: User, action: str, obj=None):
    authz.require(actor is not None and actor.worker_profile is not None, actor, action, obj)
    return actor.worker_profile


def _shift_options():
    return (
        selectinload(Shift.factory),
        selectinload(Shift.site).selectinload(Site.district),
        selectinload(Shift.required_skills),
        selectinload(Shift.required_certificates),
    )


@dataclass(frozen=True)
class ApplicationActions:
    """What the worker may do with an application now."""

    accept: bool
    decline: bool
    withdraw: bool
    cancel: bool
    rate: bool


def actions_for(application: Application) -> ApplicationActions:
    """The buttons to show; the services check again when one is pressed."""
    now = utcnow()
    open_offer = (
        application.status == S.OFFERED
        and application.offer_expires_at is not None
        and application.offer_expires_at > now
    )
    return ApplicationActions(
        accept=open_offer,
        decline=open_offer,
        withdraw=application.status in _UNDECIDED,
        cancel=application.status == S.ACCEPTED and application.shift.starts_at > now,
        rate=application.status == S.COMPLETED and not _rated_factory(application),
    )


def _rated_factory(application: Application) -> bool:
    query = (
        select(Rating.id)
        .join(Assignment, Assignment.id == Rating.assignment_id)
        .where(
            Assignment.application_id == application.id,
            Rating.direction == RatingDirection.WORKER_RATES_FACTORY,
        )
    )
    return db.session.scalar(query) is not None


def my_applications(actor: User) -> list[Application]:
    """The worker's applications with their shifts, the soonest shift first."""
    worker = _worker(actor, "worker.applications")
    query = (
        select(Application)
        .join(Shift, Shift.id == Application.shift_id)
        .where(Application.worker_id == worker.id)
        .options(selectinload(Application.shift).options(*_shift_options()))
        .order_by(Shift.starts_at.desc(), Application.id.desc())
    )
    return list(db.session.scalars(query))


def my_application(actor: User, application_id: int) -> Application:
    """One of the worker's own applications (another's is a recorded Forbidden)."""
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound(_l("No such application."))
    allowed = policy.is_self(actor, application.worker)
    authz.require(allowed, actor, "application.view", application)
    return application


def shift_for_worker(actor: User, shift_id: int) -> tuple[Shift, list, Application | None]:
    """A published shift, why the worker cannot take it (empty if they can), their application."""
    worker = _worker(actor, "worker.shift")
    shift = db.session.get(Shift, shift_id, options=_shift_options())
    if shift is None or shift.status not in _PUBLIC:
        raise NotFound(_l("No such shift."))
    application = db.session.scalar(
        select(Application).where(
            Application.worker_id == worker.id, Application.shift_id == shift.id
        )
    )
    return shift, [str(m) for m in eligibility.failed_conditions(worker, shift)], application


@dataclass(frozen=True)
class RecommendedShift:
    """A recommendation with its shift loaded, for the page."""

    recommendation: Recommendation
    shift: Shift


def recommended_shifts(actor: User, *, k: int = 20) -> list[RecommendedShift]:
    """The best shifts for the worker, each with its score's breakdown and its shift."""
    recommendations = recommend_shifts(actor, k=k)
    ids = [r.shift_id for r in recommendations]
    query = select(Shift).where(Shift.id.in_(ids)).options(*_shift_options())
    shifts = {s.id: s for s in db.session.scalars(query)} if ids else {}
    return [
        RecommendedShift(r, shifts[r.shift_id]) for r in recommendations if r.shift_id in shifts
    ]


def my_agreements(actor: User) -> list[LendingAgreement]:
    """The lending agreements about the worker, newest first."""
    worker = _worker(actor, "worker.agreements")
    return lending_report.agreements_for(actor, worker_id=worker.id)


@dataclass(frozen=True)
class TrainingOffer:
    """An open training session and where the worker stands with it."""

    session: TrainingSession
    enrolment_status: EnrolmentStatus | None

    @property
    def places_left(self) -> int:
        return self.session.capacity - self.session.enrolled_count


def training_sessions(actor: User) -> list[TrainingOffer]:
    """Published sessions still to start, soonest first, with the worker's enrolment."""
    worker = _worker(actor, "worker.training")
    query = (
        select(TrainingSession)
        .where(
            TrainingSession.status == TrainingStatus.PUBLISHED,
            TrainingSession.starts_at > utcnow(),
        )
        .options(
            selectinload(TrainingSession.association),
            selectinload(TrainingSession.skill),
            selectinload(TrainingSession.certificate_type),
        )
        .order_by(TrainingSession.starts_at, TrainingSession.id)
        .limit(200)
    )
    sessions = list(db.session.scalars(query))
    mine = dict(
        db.session.execute(
            select(TrainingEnrolment.session_id, TrainingEnrolment.status).where(
                TrainingEnrolment.worker_id == worker.id,
                TrainingEnrolment.session_id.in_([s.id for s in sessions]),
            )
        ).all()
    )
    return [TrainingOffer(s, mine.get(s.id)) for s in sessions]


def skills() -> list[Skill]:
    """Every skill, by industry then code."""
    return list(db.session.scalars(select(Skill).order_by(Skill.industry, Skill.code)))


def certificate_types() -> list[CertificateType]:
    """Every certificate type, by code."""
    return list(db.session.scalars(select(CertificateType).order_by(CertificateType.code)))


def lender_factories() -> list[Factory]:
    """Factories an idle employee can name as their employer (not rejected or suspended)."""
    query = (
        select(Factory)
        .where(
            Factory.verification_status.in_(
                (VerificationStatus.VERIFIED, VerificationStatus.PENDING)
            )
        )
        .order_by(Factory.name)
    )
    return list(db.session.scalars(query))
