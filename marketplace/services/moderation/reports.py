"""What moderators handle and read: reports, the review queue, the audit trail."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, union
from sqlalchemy.orm import joinedload

from ... import policy
from ...errors import Conflict, Invalid, NotFound
from ...extensions import db
from ...models import (
    Association,
    AuditEvent,
    Factory,
    Report,
    ReportCategory,
    ReportStatus,
    ReportTarget,
    Shift,
    ShiftStatus,
    User,
    VerificationStatus,
    WorkerCertificate,
    WorkerProfile,
    WorkerSkill,
    utcnow,
)
from .. import audit, authz
from ..common import committing
from ..notify import notifications
from ..notify.notifications import moderator_ids

MAX_DESCRIPTION = 2000
MAX_AUDIT_PAGE = 500


def _can_file_report(actor: User | None) -> bool:
    # Any logged-in user whose account is not suspended; policy.py has no predicate for it.
    return actor is not None and actor.is_active


def file_report(
    actor: User, target_type: str, target_id: int, category: str, description: str
) -> Report:
    """Report a factory, shift or worker to the association responsible for it."""
    authz.require(_can_file_report(actor), actor, "report.file")
    errors: dict[str, list] = {}
    if target_type not in {t.value for t in ReportTarget}:
        errors["target_type"] = [_l("Choose what you are reporting.")]
    if category not in {c.value for c in ReportCategory}:
        errors["category"] = [_l("Choose what kind of problem this is.")]
    description = (description or "").strip()
    if not description:
        errors["description"] = [_l("Describe what happened.")]
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = [_l("Use at most 2000 characters.")]
    if errors:
        raise Invalid(_l("Please correct the marked fields."), fields=errors)
    association_id = _responsible_association(actor, ReportTarget(target_type), target_id)
    report = Report(
        reporter_id=actor.id,
        target_type=ReportTarget(target_type),
        target_id=target_id,
        association_id=association_id,
        category=ReportCategory(category),
        description=description,
    )
    with committing(_l("The report could not be filed; please try again.")):
        db.session.add(report)
        audit.record(
            "report.filed",
            actor=actor,
            obj=report,
            association_id=association_id,
            target_type=target_type,
            target_id=target_id,
            category=category,
        )
        notifications.notify_many(
            moderator_ids(association_id), "report_filed", obj=report, category=category
        )
    return report


def _responsible_association(actor: User, target_type: ReportTarget, target_id: int) -> int:
    """The association a report about the target goes to; NotFound or Invalid otherwise."""
    model = {
        ReportTarget.FACTORY: Factory,
        ReportTarget.SHIFT: Shift,
        ReportTarget.WORKER: WorkerProfile,
    }[target_type]
    target = db.session.get(model, target_id)
    if target is None:
        raise NotFound(_l("What you are reporting does not exist."))
    if target_type == ReportTarget.FACTORY:
        return target.association_id
    if target_type == ReportTarget.SHIFT:
        return target.factory.association_id
    candidates = policy.worker_association_ids(target)
    if not candidates:
        message = _l("This worker is not tied to any association yet.")
        raise Invalid(message, fields={"target_id": [message]})
    # A worker tied to several: prefer an association the reporter shares with them.
    shared = candidates & policy.user_association_ids(actor)
    return min(shared or candidates)


def resolve_report(actor: User, report_id: int, resolution: str) -> Report:
    """Close an open report with what the association did about it."""
    return _close_report(actor, report_id, resolution, ReportStatus.RESOLVED)


def dismiss_report(actor: User, report_id: int, resolution: str) -> Report:
    """Close an open report that needs no action, saying why."""
    return _close_report(actor, report_id, resolution, ReportStatus.DISMISSED)


def _close_report(actor: User, report_id: int, resolution: str, status: ReportStatus) -> Report:
    report = db.session.get(Report, report_id, with_for_update=True)
    if report is None:
        raise NotFound(_l("No such report."))
    verb, action = (
        ("resolve", "resolved") if status == ReportStatus.RESOLVED else ("dismiss", "dismissed")
    )
    authz.require(policy.can_handle_report(actor, report), actor, f"report.{verb}", report)
    if report.status != ReportStatus.OPEN:
        raise Conflict(_l("This report is already %(status)s.", status=report.status.value))
    resolution = (resolution or "").strip()
    if not resolution or len(resolution) > MAX_DESCRIPTION:
        message = _l("Say what was done, in at most 2000 characters.")
        raise Invalid(message, fields={"resolution": [message]})
    report.status, report.resolution = status, resolution
    report.handled_by_id, report.handled_at = actor.id, utcnow()
    with committing(_l("The report changed meanwhile; please try again.")):
        audit.record(
            f"report.{action}", actor=actor, obj=report, association_id=report.association_id
        )
        if report.reporter_id is not None:
            notifications.notify(
                report.reporter_id, f"report_{action}", obj=report, resolution=resolution
            )
    return report


def moderated_association(actor: User, association_id: int, action: str) -> Association:
    """The association, if the actor moderates it (else NotFound or an audited Forbidden)."""
    association = db.session.get(Association, association_id)
    if association is None:
        raise NotFound(_l("No such association."))
    authz.require(policy.moderates(actor, association.id), actor, action, association)
    return association


def list_reports(actor: User, association_id: int, status: str | None = None) -> list[Report]:
    """An association's reports, newest first, optionally of one status."""
    moderated_association(actor, association_id, "report.list")
    query = select(Report).where(Report.association_id == association_id)
    if status is not None:
        if status not in {s.value for s in ReportStatus}:
            message = _l("Choose open, resolved or dismissed.")
            raise Invalid(message, fields={"status": [message]})
        query = query.where(Report.status == ReportStatus(status))
    return list(db.session.scalars(query.order_by(Report.created_at.desc(), Report.id.desc())))


@dataclass
class ReviewQueue:
    """What waits for an association's moderators: the oldest items first, and how many."""

    factories: list[Factory]
    shifts: list[Shift]
    worker_skills: list[WorkerSkill]
    worker_certificates: list[WorkerCertificate]
    reports: list[Report]
    totals: dict[str, int] = field(default_factory=dict)  # section -> items waiting in all


def tied_worker_ids(association_id: int):
    """Workers tied to the association, as policy.worker_association_ids sees it, reversed."""
    lent = (
        select(WorkerProfile.id)
        .join(Factory, Factory.id == WorkerProfile.lender_factory_id)
        .where(Factory.association_id == association_id)
    )
    return union(lent, *policy.chosen_ties(association_id)).subquery()


def review_queue(actor: User, association_id: int, *, limit: int | None = None) -> ReviewQueue:
    """Factories to verify, shifts to review, skills and certificates to verify, open reports.

    Each section holds its oldest `limit` items (all when None); `totals` counts them all.
    """
    moderated_association(actor, association_id, "moderation.queue")
    tied = select(tied_worker_ids(association_id).c[0])
    factories = select(Factory).where(
        Factory.association_id == association_id,
        Factory.verification_status == VerificationStatus.PENDING,
    )
    shifts = (
        select(Shift)
        .join(Factory, Factory.id == Shift.factory_id)
        .where(Factory.association_id == association_id)
        .where(Shift.status == ShiftStatus.PENDING_REVIEW)
        .options(joinedload(Shift.factory))
    )
    skills = select(WorkerSkill).where(
        WorkerSkill.verified_at.is_(None), WorkerSkill.worker_id.in_(tied)
    )
    certificates = select(WorkerCertificate).where(
        WorkerCertificate.verified_at.is_(None), WorkerCertificate.worker_id.in_(tied)
    )
    reports = select(Report).where(
        Report.association_id == association_id, Report.status == ReportStatus.OPEN
    )
    sections = {
        "factories": factories.order_by(Factory.created_at, Factory.id),
        "shifts": shifts.order_by(Shift.starts_at, Shift.id),
        "worker_skills": skills.order_by(WorkerSkill.id),
        "worker_certificates": certificates.order_by(WorkerCertificate.id),
        "reports": reports.order_by(Report.created_at, Report.id),
    }
    found = {name: _first(query, limit) for name, query in sections.items()}
    totals = {name: _count(query) for name, query in sections.items()}
    return ReviewQueue(**found, totals=totals)


def _first(query, limit: int | None) -> list:
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def audit_events(
    actor: User, association_id: int | None = None, *, limit: int = 100, before_id=None
) -> list[AuditEvent]:
    """The audit trail, newest first: a moderator's own association, or anything for admins."""
    association = db.session.get(Association, association_id) if association_id else None
    allowed = policy.can_read_audit(actor, association_id)
    authz.require(allowed, actor, "audit.read", association)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_AUDIT_PAGE:
        message = _l("Ask for between 1 and 500 events.")
        raise Invalid(message, fields={"limit": [message]})
    query = select(AuditEvent)
    if association_id is not None:
        query = query.where(AuditEvent.association_id == association_id)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    return list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))
