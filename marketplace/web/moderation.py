"""Pages for association moderators: the review queue, members, and the audit trail.

Every decision is one POST naming the object and the verb; a refused or invalid one
re-renders the page it came from with the message beside that object's reason box and
what was typed kept.
"""

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from ..errors import Invalid
from ..models import ReportCategory, ReportTarget
from ..services.accounts import registration as accounts
from ..services.accounts import sessions
from ..services.moderation import association_queries, reports
from ..services.moderation import decisions as moderation
from .association_forms import DecisionForm
from .helpers import acting_user, association_in_view, id_arg

bp = Blueprint("moderation", __name__, url_prefix="/association")


def _worker_account(actor, worker_id: int, action: str):
    return association_queries.worker_account(actor, worker_id, action)


# (what, verb) -> the service call; `reason` is the form's text box (blank when unused).
DECISIONS = {
    ("factories", "verify"): lambda a, i, f: moderation.verify_factory(a, i),
    ("factories", "reject"): lambda a, i, f: moderation.reject_factory(a, i, f.reason.data),
    ("factories", "suspend"): lambda a, i, f: moderation.suspend_factory(a, i, f.reason.data),
    ("factories", "reinstate"): lambda a, i, f: moderation.reinstate_factory(a, i),
    ("shifts", "approve"): lambda a, i, f: moderation.approve_shift(a, i),
    ("shifts", "reject"): lambda a, i, f: moderation.reject_shift(a, i, f.reason.data),
    ("skills", "verify"): lambda a, i, f: moderation.verify_worker_skill(a, i, f.level.data),
    ("certificates", "verify"): lambda a, i, f: moderation.verify_worker_certificate(a, i),
    ("reports", "resolve"): lambda a, i, f: reports.resolve_report(a, i, f.reason.data),
    ("reports", "dismiss"): lambda a, i, f: reports.dismiss_report(a, i, f.reason.data),
    ("workers", "suspend"): lambda a, i, f: accounts.suspend_user(
        a, _worker_account(a, i, "account.suspend"), f.reason.data
    ),
    ("workers", "reinstate"): lambda a, i, f: accounts.reinstate_user(
        a, _worker_account(a, i, "account.reinstate")
    ),
    ("workers", "end-sessions"): lambda a, i, f: sessions.end_all(
        a, _worker_account(a, i, "auth.sessions_end").id
    ),
}
DONE_MESSAGES = {
    "verify": lambda: _("Verified."),
    "reject": lambda: _("Rejected; the reason was sent."),
    "suspend": lambda: _("Suspended; the reason was recorded."),
    "reinstate": lambda: _("Reinstated."),
    "approve": lambda: _("Approved; the shift is open."),
    "resolve": lambda: _("The report is resolved."),
    "dismiss": lambda: _("The report is dismissed."),
    "end-sessions": lambda: _("Logged out everywhere."),
}
REPORT_CATEGORY_LABELS = {
    ReportCategory.UNSAFE_CONDITIONS: _l("Unsafe conditions"),
    ReportCategory.UNPAID_WAGES: _l("Unpaid wages"),
    ReportCategory.NO_SHOW: _l("No-show"),
    ReportCategory.ABUSE: _l("Abuse"),
    ReportCategory.OTHER: _l("Other"),
}
REPORT_TARGET_LABELS = {
    ReportTarget.FACTORY: _l("a factory"),
    ReportTarget.SHIFT: _l("a shift"),
    ReportTarget.WORKER: _l("a worker"),
}
QUEUE_PAGE = 50  # items shown per section, oldest first
PAGES = {"queue": "moderation.queue", "members": "moderation.members"}


@dataclass(frozen=True)
class Failed:
    """A decision that did not go through: whose box, what was typed, and why."""

    key: str
    text: str
    messages: list[str]


@bp.get("/")
@login_required
def queue():
    return _queue_page()


def _queue_page(failed: Failed | None = None, status: int = 200):
    association_id = association_in_view()
    waiting = reports.review_queue(acting_user(), association_id, limit=QUEUE_PAGE)
    return render_template(
        "association/queue.html",
        queue=waiting,
        failed=failed,
        categories=REPORT_CATEGORY_LABELS,
        targets=REPORT_TARGET_LABELS,
    ), status


@bp.get("/members")
@login_required
def members():
    return _members_page()


def _members_page(failed: Failed | None = None, status: int = 200):
    association_id = association_in_view()
    actor = acting_user()
    return render_template(
        "association/members.html",
        factories=association_queries.member_factories(actor, association_id),
        workers=association_queries.tied_workers(actor, association_id),
        failed=failed,
    ), status


@bp.post("/<what>/<int:object_id>/<verb>")
@login_required
def decide(what: str, object_id: int, verb: str):
    decision = DECISIONS.get((what, verb))
    back = request.form.get("back", "queue")
    if decision is None or back not in PAGES:
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _failed(back, what, object_id, form, form.errors)
    try:
        decision(acting_user(), object_id, form)
    except Invalid as error:
        return _failed(back, what, object_id, form, error.fields or {"": [error.message]})
    flash(DONE_MESSAGES[verb](), "success")
    return redirect(url_for(PAGES[back], association=request.args.get("association")))


def _failed(back: str, what: str, object_id: int, form, errors: dict):
    messages = [str(m) for ms in errors.values() for m in ms]
    failed = Failed(f"{what}-{object_id}", form.reason.data or "", messages)
    page = _queue_page if back == "queue" else _members_page
    return page(failed, 422)


@bp.get("/audit")
@login_required
def audit_trail():
    before = id_arg("before")
    events = reports.audit_events(acting_user(), association_in_view(), limit=50, before_id=before)
    return render_template("association/audit.html", events=events)
