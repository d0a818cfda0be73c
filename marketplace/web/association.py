"""Pages for association moderators: placement runs (start, watch, review, send)."""

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from ..errors import Invalid
from ..models import ProposalStatus, RunStatus
from ..services.placement import runs as placement
from .association_forms import PlacementRunForm, RunDecisionForm
from .helpers import acting_user, apply_field_errors, association_in_view, day_start_utc

bp = Blueprint("association", __name__, url_prefix="/association")

RUN_STATUS_LABELS = {
    RunStatus.QUEUED: _l("Queued"),
    RunStatus.RUNNING: _l("Running"),
    RunStatus.DONE: _l("Ready for review"),
    RunStatus.FAILED: _l("Failed"),
    RunStatus.APPLIED: _l("Offers sent"),
    RunStatus.DISCARDED: _l("Discarded"),
}
PROPOSAL_STATUS_LABELS = {
    ProposalStatus.PROPOSED: _l("Proposed"),
    ProposalStatus.OFFERED: _l("Offer sent"),
    ProposalStatus.SKIPPED: _l("Skipped"),
    ProposalStatus.EXCLUDED: _l("Left out"),
}
# Field names of the service's errors -> the form's fields.
_FORM_FIELDS = {"window_starts_at": "starts_on", "window_ends_at": "ends_on"}


@bp.route("/placement-runs", methods=["GET", "POST"])
@login_required
def placement_runs():
    association_id = association_in_view()
    form = PlacementRunForm()
    if form.validate_on_submit():
        try:
            run = placement.start_run(
                acting_user(),
                association_id,
                day_start_utc(form.starts_on.data),
                day_start_utc(form.ends_on.data + timedelta(days=1)),
                form.objective.data,
            )
        except Invalid as error:
            apply_field_errors(form, _renamed(error))
        else:
            flash(_("The placement run has started."), "success")
            return redirect(url_for(".placement_run", run_id=run.id))
    runs = placement.list_runs(acting_user(), association_id)
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "association/placement_runs.html", form=form, runs=runs, labels=RUN_STATUS_LABELS
    ), status


def _renamed(error: Invalid) -> Invalid:
    fields = {_FORM_FIELDS.get(name, name): messages for name, messages in error.fields.items()}
    return Invalid(error.message, fields=fields)


@bp.get("/placement-runs/<int:run_id>")
@login_required
def placement_run(run_id: int):
    run = placement.get_run(acting_user(), run_id)
    proposals = placement.run_proposals(acting_user(), run.id)
    return render_template(
        "association/placement_run.html",
        run=run,
        proposals=proposals,
        failure=placement.failure_message(run),
        labels=RUN_STATUS_LABELS,
        form=RunDecisionForm(),
        watching=run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
        can_retry=placement.can_retry(run),
        proposal_labels=PROPOSAL_STATUS_LABELS,
    )


@bp.post("/placement-runs/<int:run_id>/send")
@login_required
def send_offers(run_id: int):
    form = RunDecisionForm()
    if not form.validate_on_submit():
        abort(400)
    chosen = {int(i) for i in request.form.getlist("proposal") if i.isdigit()}
    proposals = placement.run_proposals(acting_user(), run_id)
    leave_out = [p.id for p in proposals if p.id not in chosen]
    outcome = placement.apply_run(acting_user(), run_id, leave_out=leave_out)
    flash(
        _(
            "%(offered)d offers sent; %(skipped)d skipped, %(excluded)d left out.",
            offered=outcome.offered,
            skipped=outcome.skipped,
            excluded=outcome.excluded,
        ),
        "success",
    )
    return redirect(url_for(".placement_run", run_id=run_id))


@bp.post("/placement-runs/<int:run_id>/discard")
@login_required
def discard_run(run_id: int):
    if not RunDecisionForm().validate_on_submit():
        abort(400)
    placement.discard_run(acting_user(), run_id)
    flash(_("The run was discarded; no offers were sent."), "success")
    return redirect(url_for(".placement_run", run_id=run_id))


@bp.post("/placement-runs/<int:run_id>/retry")
@login_required
def retry_run(run_id: int):
    if not RunDecisionForm().validate_on_submit():
        abort(400)
    placement.retry_run(acting_user(), run_id)
    flash(_("The run was queued again."), "success")
    return redirect(url_for(".placement_run", run_id=run_id))
