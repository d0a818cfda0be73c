"""Pages for association moderators: quick training sessions (publish, cancel, complete)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from wtforms import SelectChoice

from ..errors import Invalid
from ..models import EnrolmentStatus, TrainingStatus
from ..services.moderation import association_queries
from ..services.organisations import reference
from ..services.training import grants as training_grants
from ..services.training import sessions as training
from .association_forms import DecisionForm, TrainingForm
from .helpers import acting_user, apply_field_errors, association_in_view, local_name, local_to_utc

bp = Blueprint("training_admin", __name__, url_prefix="/association/training")
# The service's field names -> the form's.
_FORM_FIELDS = {"skill_id": "grant", "certificate_type_id": "grant"}


TRAINING_STATUS_LABELS = {
    TrainingStatus.PUBLISHED: _l("Open for enrolment"),
    TrainingStatus.CANCELLED: _l("Cancelled"),
    TrainingStatus.CLOSED: _l("Completed"),
}
ENROLMENT_LABELS = {
    EnrolmentStatus.ENROLLED: _l("Enrolled"),
    EnrolmentStatus.COMPLETED: _l("Passed"),
    EnrolmentStatus.FAILED: _l("Did not pass"),
    EnrolmentStatus.WITHDRAWN: _l("Withdrawn"),
}


@bp.context_processor
def labels() -> dict:
    return {"training_labels": TRAINING_STATUS_LABELS, "enrolment_labels": ENROLMENT_LABELS}


def _grant_choices() -> list[SelectChoice]:
    skills = [SelectChoice(f"skill:{s.id}", local_name(s)) for s in reference.skills()]
    certificates = [
        SelectChoice(f"certificate:{c.id}", local_name(c)) for c in reference.certificate_types()
    ]
    return [SelectChoice("", "—"), *skills, *certificates]


def _training_input(form: TrainingForm) -> training.TrainingInput:
    kind, _sep, ident = (form.grant.data or "").partition(":")
    return training.TrainingInput(
        title=form.title.data or "",
        location=form.location.data or "",
        starts_at=local_to_utc(form.starts_at.data),
        ends_at=local_to_utc(form.ends_at.data),
        capacity=form.capacity.data,
        skill_id=int(ident) if kind == "skill" and ident.isdigit() else None,
        level_granted=form.level_granted.data if kind == "skill" else None,
        certificate_type_id=int(ident) if kind == "certificate" and ident.isdigit() else None,
    )


@bp.route("/", methods=["GET", "POST"])
@login_required
def sessions():
    association_id = association_in_view()
    form = TrainingForm()
    form.grant.choices = _grant_choices()
    status = 200
    if form.validate_on_submit():
        try:
            session = training.publish_training(
                acting_user(), association_id, _training_input(form)
            )
        except Invalid as error:
            fields = {_FORM_FIELDS.get(k, k): v for k, v in error.fields.items()}
            apply_field_errors(form, Invalid(error.message, fields=fields))
            status = 422
        else:
            flash(_("The session is published; workers can enrol."), "success")
            return redirect(url_for(".session", session_id=session.id))
    elif form.is_submitted():
        status = 422
    listing = association_queries.training_sessions(acting_user(), association_id)
    return render_template("association/training.html", form=form, sessions=listing), status


@bp.get("/<int:session_id>")
@login_required
def session(session_id: int):
    found = association_queries.training_session(acting_user(), session_id)
    return render_template(
        "association/training_session.html", session=found, form=DecisionForm(), failed=None
    )


@bp.post("/<int:session_id>/complete")
@login_required
def complete(session_id: int):
    if not DecisionForm().validate_on_submit():
        abort(400)
    passed = [int(i) for i in request.form.getlist("passed") if i.isdigit()]
    training_grants.complete_training(acting_user(), session_id, passed)
    flash(_("The session is complete; those who passed have their skill or certificate."))
    return redirect(url_for(".session", session_id=session_id))


@bp.post("/<int:session_id>/cancel")
@login_required
def cancel(session_id: int):
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        training.cancel_training(acting_user(), session_id, form.reason.data)
    except Invalid as error:
        found = association_queries.training_session(acting_user(), session_id)
        messages = [str(m) for ms in error.fields.values() for m in ms]
        return render_template(
            "association/training_session.html",
            session=found,
            form=form,
            failed={"text": form.reason.data or "", "messages": messages},
        ), 422
    flash(_("The session is cancelled; everyone enrolled was told."), "success")
    return redirect(url_for(".session", session_id=session_id))
