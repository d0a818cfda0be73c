"""Pages for factory staff: my shifts, posting and editing, applicants and candidates,
attendance and ratings. Lending, settlement and staff admission are in factory_admin.py."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from ..errors import Conflict, Invalid
from ..services.applications import attendance as attendance_service
from ..services.applications import offers
from ..services.shifts import factory_queries, posting
from .factory_base import (
    _APPLICATION,
    GROUP_LABELS,
    _flash_refusal,
    _status,
    bp,
    factory_arg,
)
from .factory_forms import (
    RatingForm,
    ReasonForm,
    RequiredReasonForm,
    ShiftForm,
    add_rows,
    set_shift_choices,
    shift_form_data,
    shift_input,
)
from .helpers import acting_user, apply_field_errors

# --- my shifts -----------------------------------------------------------------------------


@bp.get("/")
@login_required
def index():
    factory = factory_queries.factory_for(acting_user(), factory_arg())
    groups = factory_queries.shifts_by_group(acting_user(), factory.id)
    return render_template(
        "factory/index.html",
        factory=factory,
        factories=factory_queries.my_factories(acting_user()),
        groups=groups,
        group_labels=GROUP_LABELS,
    )


def _shift_form_page(form, factory, shift=None):
    skills, certificates = factory_queries.shift_choices()
    set_shift_choices(form, factory.sites, skills, certificates)
    return render_template(
        "factory/shift_form.html", form=form, factory=factory, shift=shift
    ), _status(form)


@bp.route("/shifts/new", methods=["GET", "POST"])
@login_required
def new_shift():
    factory = factory_queries.factory_for(acting_user(), factory_arg())
    form = ShiftForm()
    if request.method == "POST" and "more_rows" in request.form:
        add_rows(form)
    elif form.validate_on_submit():
        try:
            shift = posting.create_shift(acting_user(), factory.id, shift_input(form))
        except Invalid as error:
            apply_field_errors(form, error)
        else:
            flash(_("The shift is saved as a draft. Publish it when it is ready."), "success")
            return redirect(url_for(".shift", shift_id=shift.id))
    return _shift_form_page(form, factory)


@bp.route("/shifts/<int:shift_id>/edit", methods=["GET", "POST"])
@login_required
def edit_shift(shift_id: int):
    shift = factory_queries.managed_shift(acting_user(), shift_id, "shift.update")
    form = ShiftForm() if request.method == "POST" else ShiftForm(data=shift_form_data(shift))
    if request.method == "POST" and "more_rows" in request.form:
        add_rows(form)
    elif form.validate_on_submit():
        try:
            posting.update_shift(acting_user(), shift.id, shift_input(form))
        except Invalid as error:
            apply_field_errors(form, error)
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for(".shift", shift_id=shift.id))
    return _shift_form_page(form, shift.factory, shift)


# --- one shift: applicants, publishing, cancelling ----------------------------------------


def _shift_page(shift_id: int, cancel_form=None, status: int = 200):
    overview = factory_queries.shift_overview(acting_user(), shift_id)
    return render_template(
        "factory/shift.html",
        shift=overview.shift,
        applications=overview.applications,
        cancel_form=cancel_form or RequiredReasonForm(formdata=None, prefix="cancel"),
    ), status


@bp.get("/shifts/<int:shift_id>")
@login_required
def shift(shift_id: int):
    return _shift_page(shift_id)


@bp.post("/shifts/<int:shift_id>/publish")
@login_required
def publish_shift(shift_id: int):
    shift = posting.publish_shift(acting_user(), shift_id)
    if shift.status == "open":
        flash(_("The shift is open: workers can apply now."), "success")
    else:
        flash(_("The shift waits for your association's review before it opens."), "success")
    return redirect(url_for(".shift", shift_id=shift_id))


@bp.post("/shifts/<int:shift_id>/cancel")
@login_required
def cancel_shift(shift_id: int):
    form = RequiredReasonForm(prefix="cancel")
    if form.validate_on_submit():
        try:
            posting.cancel_shift(acting_user(), shift_id, form.reason.data)
        except Invalid as error:
            apply_field_errors(form, error)
        else:
            flash(_("The shift is cancelled and its workers are told."), "success")
            return redirect(url_for(".shift", shift_id=shift_id))
    return _shift_page(shift_id, cancel_form=form, status=422)


@bp.get("/shifts/<int:shift_id>/candidates")
@login_required
def candidates(shift_id: int):
    found = factory_queries.shift_candidates(acting_user(), shift_id)
    return render_template(
        "factory/candidates.html",
        shift=found.shift,
        candidates=found.candidates,
        applications=found.applications,
        lendable=found.lendable,
        employers=found.employers,
    )


@bp.post(f"{_APPLICATION}/offer")
@login_required
def offer(shift_id: int, application_id: int):
    try:
        application = offers.offer(acting_user(), application_id)
    except Invalid as error:
        _flash_refusal(error)
    else:
        flash(_("Offer sent to %(name)s.", name=application.worker.user.name), "success")
    return redirect(_back(shift_id))


@bp.post("/shifts/<int:shift_id>/invite/<int:worker_id>")
@login_required
def invite(shift_id: int, worker_id: int):
    """Offer a place to a ranked candidate who has not applied."""
    try:
        application = offers.invite(acting_user(), shift_id, worker_id)
    except (Invalid, Conflict) as error:
        _flash_refusal(error)
    else:
        flash(_("Offer sent to %(name)s.", name=application.worker.user.name), "success")
    return redirect(url_for(".candidates", shift_id=shift_id))


@bp.post(f"{_APPLICATION}/reject")
@login_required
def reject(shift_id: int, application_id: int):
    form = ReasonForm(prefix=f"reject-{application_id}")
    try:
        application = offers.reject(acting_user(), application_id, form.reason.data or "")
    except Invalid as error:
        _flash_refusal(error)
    else:
        flash(
            _("%(name)s's application is rejected.", name=application.worker.user.name), "success"
        )
    return redirect(_back(shift_id))


def _back(shift_id: int) -> str:
    """Back to the page the action was taken on (only this shift's pages)."""
    pages = {"candidates": ".candidates", "attendance": ".attendance"}
    return url_for(pages.get(request.form.get("back"), ".shift"), shift_id=shift_id)


# --- attendance and ratings ----------------------------------------------------------------


def _attendance_page(shift_id: int, bound=None, status: int = 200):
    """The attendance page; `bound` is a form that failed, keyed (kind, application id)."""
    found = factory_queries.shift_attendance(acting_user(), shift_id)
    forms = {}
    for row in found.rows:
        app_id = row.application.id
        forms[("rate", app_id)] = RatingForm(formdata=None, prefix=f"rate-{app_id}")
        forms[("cancel", app_id)] = RequiredReasonForm(formdata=None, prefix=f"cancel-{app_id}")
    if bound is not None:
        forms[bound[0]] = bound[1]
    return render_template(
        "factory/attendance.html",
        shift=found.shift,
        rows=found.rows,
        forms=forms,
    ), status


@bp.get("/shifts/<int:shift_id>/attendance")
@login_required
def attendance(shift_id: int):
    return _attendance_page(shift_id)


_ATTENDANCE_ACTIONS = {
    "check-in": (attendance_service.check_in, _l("%(name)s is checked in.")),
    "check-out": (attendance_service.check_out, _l("%(name)s is checked out.")),
    "no-show": (attendance_service.mark_no_show, _l("%(name)s is recorded as a no-show.")),
}


@bp.post(f"{_APPLICATION}/<any('check-in', 'check-out', 'no-show'):action>")
@login_required
def record_attendance(shift_id: int, application_id: int, action: str):
    service, done = _ATTENDANCE_ACTIONS[action]
    try:
        application = service(acting_user(), application_id)
    except Invalid as error:
        _flash_refusal(error)
    else:
        flash(done % {"name": application.worker.user.name}, "success")
    return redirect(url_for(".attendance", shift_id=shift_id))


@bp.post(f"{_APPLICATION}/rate")
@login_required
def rate(shift_id: int, application_id: int):
    form = RatingForm(prefix=f"rate-{application_id}")
    if form.validate():
        try:
            attendance_service.rate(
                acting_user(), application_id, form.score.data, form.comment.data or ""
            )
        except Invalid as error:
            apply_field_errors(form, error)
        else:
            flash(_("Thank you: the rating is saved."), "success")
            return redirect(url_for(".attendance", shift_id=shift_id))
    return _attendance_page(shift_id, bound=(("rate", application_id), form), status=422)


@bp.post(f"{_APPLICATION}/cancel")
@login_required
def cancel_place(shift_id: int, application_id: int):
    form = RequiredReasonForm(prefix=f"cancel-{application_id}")
    if form.validate():
        try:
            attendance_service.cancel(acting_user(), application_id, form.reason.data)
        except Invalid as error:
            apply_field_errors(form, error)
        else:
            flash(_("The place is cancelled and the worker is told."), "success")
            return redirect(url_for(".attendance", shift_id=shift_id))
    return _attendance_page(shift_id, bound=(("cancel", application_id), form), status=422)


# Lending, the settlement report and staff admission live in their own module, on this blueprint;
# spreadsheet downloads in theirs.
from . import exports, factory_admin  # noqa: E402, F401
