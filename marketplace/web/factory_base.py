"""The factory blueprint and what its pages share: the labels, the ?factory= argument, how a
refusal is flashed. factory.py, factory_admin.py and exports.py add their routes to it."""

from flask import Blueprint, flash
from flask_babel import format_date, format_decimal
from flask_babel import lazy_gettext as _l

from ..errors import Invalid
from ..models import AgreementStatus, ApplicationStatus, Payer
from ..services.applications import worker_contact
from .helpers import acting_user, id_arg

bp = Blueprint("factory", __name__, url_prefix="/factory")
S = ApplicationStatus

APPLICATION_LABELS = {
    S.APPLIED: _l("Applied"),
    S.WAITLISTED: _l("On the waiting list"),
    S.OFFERED: _l("Offer sent"),
    S.ACCEPTED: _l("Accepted"),
    S.IN_PROGRESS: _l("Checked in"),
    S.COMPLETED: _l("Completed"),
    S.DECLINED: _l("Declined"),
    S.REJECTED: _l("Rejected"),
    S.EXPIRED: _l("Offer lapsed"),
    S.WITHDRAWN: _l("Withdrawn"),
    S.CANCELLED: _l("Cancelled"),
    S.NO_SHOW: _l("No-show"),
}
AGREEMENT_LABELS = {
    AgreementStatus.REQUESTED: _l("Requested"),
    AgreementStatus.APPROVED: _l("Approved"),
    AgreementStatus.REFUSED: _l("Refused"),
    AgreementStatus.RECALLED: _l("Recalled"),
    AgreementStatus.CANCELLED: _l("Withdrawn"),
}
PAYER_LABELS = {Payer.LENDER: _l("the lender"), Payer.BORROWER: _l("the borrower")}
GROUP_LABELS = {
    "draft": _l("Drafts"),
    "pending": _l("Waiting for the association's review"),
    "open": _l("Open"),
    "filled": _l("Filled"),
    "past": _l("Past and closed"),
}
TERM_LABELS = {"skill": _l("Skill"), "distance": _l("Distance"), "reliability": _l("Reliability")}
DECIDABLE = (S.APPLIED, S.WAITLISTED, S.OFFERED)
OFFERABLE = (S.APPLIED, S.WAITLISTED)
_APPLICATION = "/shifts/<int:shift_id>/applications/<int:application_id>"


@bp.context_processor
def _page_helpers():
    return {
        "APPLICATION_LABELS": APPLICATION_LABELS,
        "AGREEMENT_LABELS": AGREEMENT_LABELS,
        "PAYER_LABELS": PAYER_LABELS,
        "TERM_LABELS": TERM_LABELS,
        "DECIDABLE": DECIDABLE,
        "OFFERABLE": OFFERABLE,
        "local_date": lambda d: format_date(d, "medium") if d else "",
        "number": lambda n: format_decimal(n, "#,##0.00"),
        # The same rule as the API: numbers reach the factory masked, once a place is held.
        "contact": lambda application: worker_contact.masked_contact(acting_user(), application),
    }


def factory_arg() -> int | None:
    """The factory named by ?factory= (the staff member's first one when absent)."""
    return id_arg("factory")


def _status(form) -> int:
    return 422 if form.errors or form.form_errors else 200


def _flash_refusal(error: Invalid) -> None:
    """A refused action: its message, and every reason the service gave."""
    reasons = [str(m) for messages in error.fields.values() for m in messages]
    flash(" ".join([str(error.message), *reasons]), "error")
