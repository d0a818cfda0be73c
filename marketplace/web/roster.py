"""Roster import pages: upload (association or factory), watch and read an import, hand out
its invitation links, download the template; and the invitation page where a worker sets
their password."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from ..errors import Invalid
from ..identifiers import mask_mobile
from ..models import ImportStatus
from ..services.accounts import invitations
from ..services.roster import imports as roster
from ..services.roster.reasons import row_reason
from ..services.roster.template import template_workbook
from ..services.shifts import factory_queries
from .downloads import csv_response
from .helpers import acting_user, apply_field_errors, association_in_view, id_arg
from .roster_forms import ButtonForm, InvitationForm, RosterUploadForm

bp = Blueprint("roster", __name__)

STATUS_LABELS = {
    ImportStatus.QUEUED: _l("Queued"),
    ImportStatus.RUNNING: _l("Importing"),
    ImportStatus.DONE: _l("Imported"),
    ImportStatus.REFUSED: _l("Refused: nothing imported"),
    ImportStatus.FAILED: _l("Failed"),
}
OUTCOME_LABELS = {
    "created": _l("Created"),
    "updated": _l("Updated"),
    "unchanged": _l("Unchanged"),
    "refused": _l("Refused"),
}
REPORT_ROWS_SHOWN = 500
_UPLOADS = ("roster.association_rosters", "roster.factory_rosters")


@bp.context_processor
def _labels():
    return {"STATUS_LABELS": STATUS_LABELS, "OUTCOME_LABELS": OUTCOME_LABELS}


@bp.url_value_preprocessor
def _upload_limit(endpoint, values):
    # A roster may be larger than other forms but not past its own limit (plus the form's
    # own bytes); past it the request is refused before the body is read. Set here because
    # this runs before every before_request hook, CSRF's too, which reads the body first.
    if endpoint in _UPLOADS:
        request.max_content_length = current_app.config["ROSTER_MAX_BYTES"] + 64 * 1024


@bp.after_request
def _keep_the_token_private(response):
    # The invitation's token is in the address: no Referer carries it away, no cache keeps it.
    if request.endpoint == "roster.invite":
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(413)
def _too_large(error):
    megabytes = current_app.config["ROSTER_MAX_BYTES"] // (1024 * 1024)
    flash(_("The file is larger than %(mb)d MiB.", mb=megabytes), "error")
    return redirect(request.full_path), 303


def _upload_page(form, imports, *, association_id=None, factory=None):
    if form.validate_on_submit():
        upload = form.file.data
        try:
            job = roster.start_import(
                acting_user(),
                upload.filename or "",
                upload.read(),
                association_id=association_id,
                factory_id=factory.id if factory else None,
            )
        except Invalid as error:
            apply_field_errors(form, error)
        else:
            flash(_("The file is stored; its rows are being imported."), "success")
            return redirect(url_for(".import_page", import_id=job.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "roster/upload.html", form=form, imports=imports, factory=factory
    ), status


@bp.route("/association/rosters", methods=["GET", "POST"])
@login_required
def association_rosters():
    association_id = association_in_view()
    imports = roster.list_imports(acting_user(), association_id=association_id)
    return _upload_page(RosterUploadForm(), imports, association_id=association_id)


@bp.route("/factory/rosters", methods=["GET", "POST"])
@login_required
def factory_rosters():
    factory = factory_queries.factory_for(acting_user(), id_arg("factory"))
    imports = roster.list_imports(acting_user(), factory_id=factory.id)
    return _upload_page(RosterUploadForm(), imports, factory=factory)


@bp.get("/rosters/template.xlsx")
@login_required
def template():
    return Response(
        template_workbook(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="roster-template.xlsx"'},
    )


@bp.get("/rosters/<int:import_id>")
@login_required
def import_page(import_id: int):
    job = roster.get_import(acting_user(), import_id)
    report = job.report or []
    # Refused rows first: they are what the reader has to fix.
    shown = sorted(report, key=lambda e: (e["outcome"] != "refused", e["row"]))
    return render_template(
        "roster/import.html",
        job=job,
        report=shown[:REPORT_ROWS_SHOWN],
        report_size=len(report),
        reason=row_reason,
        failure=roster.failure_message(job),
        form=ButtonForm(),
    )


@bp.get("/rosters/<int:import_id>/report.csv")
@login_required
def report_csv(import_id: int):
    job = roster.get_import(acting_user(), import_id)
    header = [_("Row"), _("Outcome"), _("Name"), _("Mobile number"), _("ID number"), _("Reasons")]
    rows = [
        [
            e["row"],
            str(OUTCOME_LABELS[e["outcome"]]),
            e["name"],
            e["mobile"],
            e["national_id"],
            "; ".join(row_reason(*p) for p in e["problems"]),
        ]
        for e in job.report or []
    ]
    return csv_response(f"roster-{job.id}-report.csv", header, rows)


@bp.post("/rosters/<int:import_id>/invitations.csv")
@login_required
def invitations_csv(import_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400)
    links = roster.issue_invitations(acting_user(), import_id)
    header = [_("Name"), _("Mobile number"), _("Invitation link"), _("Valid until")]
    rows = [
        [
            link.name,
            link.mobile.removeprefix("+86"),
            url_for(".invite", token=link.token, _external=True),
            link.expires_at.date().isoformat(),
        ]
        for link in links
    ]
    return csv_response(f"roster-{import_id}-invitations.csv", header, rows)


@bp.post("/rosters/<int:import_id>/retry")
@login_required
def retry(import_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400)
    roster.retry_import(acting_user(), import_id)
    flash(_("The import was queued again."), "success")
    return redirect(url_for(".import_page", import_id=import_id))


@bp.route("/invite/<token>", methods=["GET", "POST"])
def invite(token: str):
    invitation = invitations.open_invitation(token)
    form = InvitationForm()
    if form.validate_on_submit():
        try:
            invitations.accept(token, form.password.data)
        except Invalid as error:
            apply_field_errors(form, error)
        else:
            flash(_("Your password is set. Log in with your mobile number."), "success")
            return redirect(url_for("auth.login"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "roster/invite.html",
        form=form,
        name=invitation.user.name,
        mobile=mask_mobile(invitation.user.mobile),
    ), status
