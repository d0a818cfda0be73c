"""Worker pages about work: recommended shifts, applying, offers, lending, training, inbox.

Routes on the worker blueprint (web/worker_base.py); each calls one service and renders.
"""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required

from ..errors import Conflict, Invalid
from ..services.applications import applying as applications
from ..services.applications import attendance, offers
from ..services.notify import inbox, notifications
from ..services.training import sessions as training
from ..services.workers import queries
from .helpers import acting_user, apply_field_errors
from .worker_base import _require_csrf, _worker, bp
from .worker_forms import ApplyForm, CancelForm, RateForm


def _refused(error) -> None:
    """Flash why a service refused an action, every reason it gave included."""
    flash(str(error.message), "error")
    for reason in error.fields.get("eligibility", []):
        flash(str(reason), "error")


@bp.get("/")
@login_required
def home():
    _worker()
    return redirect(url_for(".shifts"))


@bp.get("/shifts")
@login_required
def shifts():
    _worker()
    items = queries.recommended_shifts(acting_user())
    return render_template("worker/shifts.html", items=items)


def _shift_page(shift_id: int, form: ApplyForm, refused=None, status: int = 200):
    shift, reasons, application = queries.shift_for_worker(acting_user(), shift_id)
    return render_template(
        "worker/shift.html",
        shift=shift,
        reasons=reasons,
        refused=refused or [],
        application=application,
        form=form,
    ), status


@bp.get("/shifts/<int:shift_id>")
@login_required
def shift(shift_id: int):
    _worker()
    return _shift_page(shift_id, ApplyForm(formdata=None))


@bp.post("/shifts/<int:shift_id>/apply")
@login_required
def apply(shift_id: int):
    _worker()
    form = ApplyForm()
    refused = []
    if form.validate_on_submit():
        try:
            application = applications.apply(acting_user(), shift_id, form.note.data or "")
        except Invalid as error:
            refused = [str(m) for m in error.fields.get("eligibility", [])]
            if refused:
                form.form_errors = [str(error.message)]
            else:
                apply_field_errors(form, error)
        except Conflict as error:
            form.form_errors = [str(error.message)]
        else:
            if application.status == applications.ApplicationStatus.WAITLISTED:
                flash(_("The shift is full: you are on its waiting list."), "success")
            else:
                flash(_("You applied. The factory will answer you here."), "success")
            return redirect(url_for(".application", application_id=application.id))
    return _shift_page(shift_id, form, refused, 422)


@bp.get("/applications")
@login_required
def my_applications():
    _worker()
    items = queries.my_applications(acting_user())
    return render_template("worker/applications.html", items=items, actions_for=queries.actions_for)


def _application_page(application_id: int, cancel_form, status: int = 200, rate_form=None):
    application = queries.my_application(acting_user(), application_id)
    return render_template(
        "worker/application.html",
        application=application,
        actions=queries.actions_for(application),
        cancel_form=cancel_form,
        rate_form=rate_form or RateForm(formdata=None),
    ), status


@bp.get("/applications/<int:application_id>")
@login_required
def application(application_id: int):
    _worker()
    return _application_page(application_id, CancelForm(formdata=None))


def _answer(application_id: int, action, done: str):
    _require_csrf()
    try:
        action(acting_user(), application_id)
    except (Conflict, Invalid) as error:
        _refused(error)
    else:
        flash(done, "success")
    return redirect(url_for(".application", application_id=application_id))


@bp.post("/applications/<int:application_id>/accept")
@login_required
def accept(application_id: int):
    return _answer(application_id, offers.accept, _("You accepted: the place is yours."))


@bp.post("/applications/<int:application_id>/decline")
@login_required
def decline(application_id: int):
    return _answer(application_id, offers.decline, _("You declined the offer."))


@bp.post("/applications/<int:application_id>/withdraw")
@login_required
def withdraw(application_id: int):
    return _answer(application_id, offers.withdraw, _("You withdrew your application."))


@bp.post("/applications/<int:application_id>/cancel")
@login_required
def cancel(application_id: int):
    _worker()
    form = CancelForm()
    if form.validate_on_submit():
        try:
            attendance.cancel(acting_user(), application_id, form.reason.data or "")
        except Invalid as error:
            apply_field_errors(form, error)
        except Conflict as error:
            _refused(error)
            return redirect(url_for(".application", application_id=application_id))
        else:
            flash(_("Your place is cancelled; the factory has been told why."), "success")
            return redirect(url_for(".application", application_id=application_id))
    return _application_page(application_id, form, 422)


@bp.post("/applications/<int:application_id>/rate")
@login_required
def rate(application_id: int):
    _worker()
    form = RateForm()
    if form.validate_on_submit():
        try:
            attendance.rate(acting_user(), application_id, int(form.score.data), form.comment.data)
        except Invalid as error:
            apply_field_errors(form, error)
        except Conflict as error:
            _refused(error)
            return redirect(url_for(".application", application_id=application_id))
        else:
            flash(_("Thank you: the factory sees your rating."), "success")
            return redirect(url_for(".application", application_id=application_id))
    return _application_page(application_id, CancelForm(formdata=None), 422, rate_form=form)


@bp.get("/agreements")
@login_required
def agreements():
    _worker()
    return render_template(
        "worker/agreements.html", agreements=queries.my_agreements(acting_user())
    )


@bp.get("/training")
@login_required
def training_sessions():
    _worker()
    return render_template("worker/training.html", offers=queries.training_sessions(acting_user()))


def _training_action(session_id: int, action, done: str):
    _require_csrf()
    try:
        action(acting_user(), session_id)
    except Conflict as error:
        _refused(error)
    else:
        flash(done, "success")
    return redirect(url_for(".training_sessions"))


@bp.post("/training/<int:session_id>/enrol")
@login_required
def enrol(session_id: int):
    return _training_action(session_id, training.enrol, _("You are enrolled."))


@bp.post("/training/<int:session_id>/withdraw")
@login_required
def withdraw_enrolment(session_id: int):
    return _training_action(
        session_id, training.withdraw_enrolment, _("You gave up your place in the session.")
    )


@bp.get("/inbox")
@login_required
def inbox_page():
    _worker()
    messages = [(n, *notifications.render(n)) for n in inbox.inbox(acting_user(), limit=100)]
    unread = sum(1 for n, _s, _b in messages if n.read_at is None)
    return render_template("worker/inbox.html", messages=messages, unread=unread)


@bp.post("/inbox/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    _require_csrf()
    inbox.mark_read(acting_user(), notification_id)
    return redirect(url_for(".inbox_page"))


@bp.post("/inbox/read-all")
@login_required
def mark_all_read():
    _require_csrf()
    count = inbox.mark_all_read(acting_user())
    flash(
        ngettext("%(num)d message marked as read.", "%(num)d messages marked as read.", count),
        "success",
    )
    return redirect(url_for(".inbox_page"))
