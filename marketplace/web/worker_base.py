"""The worker blueprint and what its pages share: the labels, the logged-in worker, the CSRF check
of plain action buttons. worker.py and worker_activity.py add their routes to it."""

from flask import Blueprint, abort
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..models import AgreementStatus, ApplicationStatus, EnrolmentStatus, Payer
from ..services import authz
from .helpers import acting_user
from .worker_forms import ActionForm

bp = Blueprint("worker", __name__, url_prefix="/worker")

S = ApplicationStatus
APPLICATION_STATUS_LABELS = {
    S.APPLIED: _l("Applied"),
    S.WAITLISTED: _l("On the waiting list"),
    S.OFFERED: _l("Offered to you"),
    S.ACCEPTED: _l("Accepted"),
    S.IN_PROGRESS: _l("Working"),
    S.COMPLETED: _l("Completed"),
    S.DECLINED: _l("Declined"),
    S.REJECTED: _l("Not accepted"),
    S.EXPIRED: _l("Offer expired"),
    S.WITHDRAWN: _l("Withdrawn"),
    S.CANCELLED: _l("Cancelled"),
    S.NO_SHOW: _l("Did not attend"),
}
AGREEMENT_STATUS_LABELS = {
    AgreementStatus.REQUESTED: _l("Requested, waiting for your employer"),
    AgreementStatus.APPROVED: _l("Approved"),
    AgreementStatus.REFUSED: _l("Refused"),
    AgreementStatus.RECALLED: _l("Recalled by your employer"),
    AgreementStatus.CANCELLED: _l("Withdrawn by the borrower"),
}
PAYER_LABELS = {Payer.LENDER: _l("your employer"), Payer.BORROWER: _l("the borrowing factory")}
ENROLMENT_STATUS_LABELS = {
    EnrolmentStatus.ENROLLED: _l("You are enrolled"),
    EnrolmentStatus.COMPLETED: _l("Passed"),
    EnrolmentStatus.FAILED: _l("Not passed"),
    EnrolmentStatus.WITHDRAWN: _l("You withdrew"),
}
TERM_LABELS = {
    "skill": _l("Skills"),
    "distance": _l("Distance"),
    "reliability": _l("Attendance record"),
}


@bp.context_processor
def _labels():
    return {
        "APPLICATION_STATUS_LABELS": APPLICATION_STATUS_LABELS,
        "AGREEMENT_STATUS_LABELS": AGREEMENT_STATUS_LABELS,
        "PAYER_LABELS": PAYER_LABELS,
        "ENROLMENT_STATUS_LABELS": ENROLMENT_STATUS_LABELS,
        "TERM_LABELS": TERM_LABELS,
        "local_date": lambda day: format_date(day, "medium") if day else "",
    }


def _worker():
    """The logged-in worker's profile; anyone else is not a worker and gets an audited 403."""
    profile = current_user.worker_profile
    authz.require(profile is not None, acting_user(), "worker.pages", acting_user())
    return profile


def _require_csrf() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)
