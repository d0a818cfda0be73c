"""Worker pages: the profile (details, skills, certificates, availability).

The blueprint and the helpers the worker pages share are in worker_base.py.
"""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from wtforms import SelectChoice

from ..errors import Invalid
from ..labels import INDUSTRY_LABELS
from ..services.organisations import reference
from ..services.workers import availability as worker_availability
from ..services.workers import certificates as worker_certificates
from ..services.workers import profile as workers
from ..services.workers import queries as worker_queries
from .helpers import acting_user, apply_field_errors, local_name, local_to_utc
from .worker_base import _require_csrf, _worker, bp
from .worker_forms import (
    AvailabilityForm,
    CertificateForm,
    ProfileForm,
    SkillForm,
)

# ---- profile -----------------------------------------------------------------------------


def _profile_choices(form: ProfileForm) -> None:
    form.district_id.choices = [SelectChoice(0, _("— choose —"))] + [
        SelectChoice(d.id, d.name) for d in reference.districts()
    ]
    form.lender_factory_id.choices = [SelectChoice(0, _("— none —"))] + [
        SelectChoice(f.id, f.name) for f in worker_queries.lender_factories()
    ]


def _fill_profile(form: ProfileForm, worker) -> None:
    at_centre = worker.home_district is not None and (
        (worker.home_lat, worker.home_lon) == (worker.home_district.lat, worker.home_district.lon)
    )
    form.kind.data = worker.kind.value
    form.home_source.data = "district" if at_centre else "coordinates"
    form.district_id.data = worker.home_district_id or 0
    form.lat.data, form.lon.data = worker.home_lat, worker.home_lon
    form.max_travel_km.data = worker.max_travel_km
    form.needs_housing.data = worker.needs_housing
    form.lender_factory_id.data = worker.lender_factory_id or 0


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    worker = _worker()
    form = ProfileForm()
    _profile_choices(form)
    if form.validate_on_submit():
        data = workers.ProfileInput(
            kind=form.kind.data,
            home_source=form.home_source.data,
            district_id=form.district_id.data or None,
            lat=form.lat.data,
            lon=form.lon.data,
            max_travel_km=form.max_travel_km.data,
            needs_housing=form.needs_housing.data,
            lender_factory_id=form.lender_factory_id.data or None,
        )
        try:
            workers.update_profile(acting_user(), worker.id, data)
        except Invalid as error:
            apply_field_errors(form, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for(".profile"))
    elif not form.is_submitted():
        _fill_profile(form, worker)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("worker/profile.html", form=form, worker=worker), status


def _skills_page(worker, skill_form=None, certificate_form=None):
    skill_form = skill_form or SkillForm(formdata=None)
    certificate_form = certificate_form or CertificateForm(formdata=None)
    skill_form.skill_id.choices = [SelectChoice(0, _("— choose —"))] + [
        SelectChoice(s.id, local_name(s), optgroup=str(INDUSTRY_LABELS.get(s.industry, "")))
        for s in worker_queries.skills()
    ]
    certificate_form.certificate_type_id.choices = [SelectChoice(0, _("— choose —"))] + [
        SelectChoice(c.id, local_name(c)) for c in worker_queries.certificate_types()
    ]
    failed = skill_form.errors or certificate_form.errors
    return render_template(
        "worker/skills.html",
        worker=worker,
        skill_form=skill_form,
        certificate_form=certificate_form,
        name_of=local_name,
    ), (422 if failed else 200)


@bp.get("/profile/skills")
@login_required
def skills():
    return _skills_page(_worker())


@bp.post("/profile/skills")
@login_required
def set_skill():
    worker = _worker()
    form = SkillForm()
    if form.validate_on_submit():
        try:
            workers.set_skill(acting_user(), worker.id, form.skill_id.data or None, form.level.data)
        except Invalid as error:
            apply_field_errors(form, error)
        else:
            flash(_("Your skill is saved; an association will verify it."), "success")
            return redirect(url_for(".skills"))
    return _skills_page(worker, skill_form=form)


@bp.post("/profile/skills/<int:item_id>/remove")
@login_required
def remove_skill(item_id: int):
    _require_csrf()
    workers.remove_skill(acting_user(), item_id)
    flash(_("The skill was removed from your profile."), "success")
    return redirect(url_for(".skills"))


@bp.post("/profile/certificates")
@login_required
def set_certificate():
    worker = _worker()
    form = CertificateForm()
    if form.validate_on_submit():
        try:
            worker_certificates.set_certificate(
                acting_user(),
                worker.id,
                form.certificate_type_id.data or None,
                form.number.data,
                form.valid_until.data,
            )
        except Invalid as error:
            apply_field_errors(form, error)
        else:
            flash(_("Your certificate is saved; an association will verify it."), "success")
            return redirect(url_for(".skills"))
    return _skills_page(worker, certificate_form=form)


@bp.post("/profile/certificates/<int:item_id>/remove")
@login_required
def remove_certificate(item_id: int):
    _require_csrf()
    worker_certificates.remove_certificate(acting_user(), item_id)
    flash(_("The certificate was removed from your profile."), "success")
    return redirect(url_for(".skills"))


@bp.route("/profile/availability", methods=["GET", "POST"])
@login_required
def availability():
    worker = _worker()
    form = AvailabilityForm()
    if form.validate_on_submit():
        try:
            worker_availability.add_availability(
                acting_user(),
                worker.id,
                local_to_utc(form.starts_at.data),
                local_to_utc(form.ends_at.data),
            )
        except Invalid as error:
            apply_field_errors(form, error)
        else:
            flash(_("The time is added."), "success")
            return redirect(url_for(".availability"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("worker/availability.html", form=form, worker=worker), status


@bp.post("/profile/availability/<int:window_id>/remove")
@login_required
def remove_availability(window_id: int):
    _require_csrf()
    worker_availability.remove_availability(acting_user(), window_id)
    flash(_("The time was removed."), "success")
    return redirect(url_for(".availability"))


# The other worker pages attach their routes to this blueprint.
from . import worker_activity  # noqa: E402, F401
