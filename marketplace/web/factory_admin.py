"""Factory staff pages, continued: lending decisions and rules, the settlement report, and
admitting new staff. Routes on the factory blueprint (imported by web/factory.py)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from ..errors import Invalid
from ..services.lending import agreements as lending
from ..services.lending import settings as lending_settings
from ..services.organisations import factories
from ..services.shifts import factory_queries
from .factory_base import _status, bp, factory_arg
from .factory_forms import (
    LendingRequestForm,
    LendingRulesForm,
    RequiredReasonForm,
    SettlementFilterForm,
)
from .helpers import acting_user, apply_field_errors

_REASONED = {
    "refuse": (lending.refuse_agreement, _l("The request is refused; the borrower is told.")),
    "recall": (lending.recall_worker, _l("The worker is recalled; the borrower is told.")),
}
# Field names of the lending-rules service's errors -> the form's fields.
_RULE_FIELDS = {"cap": "lending_cap", "max_extra_days": "lending_max_extra_days"}


def _lending_page(bound=None, rules_form=None, status: int = 200):
    found = factory_queries.factory_agreements(acting_user(), factory_arg())
    forms = {}
    for agreement in found.as_lender:
        for kind in _REASONED:
            forms[(kind, agreement.id)] = RequiredReasonForm(
                formdata=None, prefix=f"{kind}-{agreement.id}"
            )
    if bound is not None:
        forms[bound[0]] = bound[1]
    rules_form = rules_form or LendingRulesForm(formdata=None, obj=found.factory)
    return render_template(
        "factory/lending.html", agreements=found, forms=forms, rules_form=rules_form
    ), status


def _back_to_lending():
    return redirect(url_for(".lending_page", factory=factory_arg()))


@bp.get("/lending")
@login_required
def lending_page():
    return _lending_page()


@bp.post("/lending/<int:agreement_id>/approve")
@login_required
def approve_agreement(agreement_id: int):
    agreement = lending.approve_agreement(acting_user(), agreement_id)
    flash(_("You lent %(name)s: the borrower is told.", name=agreement.worker.user.name), "success")
    return _back_to_lending()


@bp.post("/lending/<int:agreement_id>/cancel")
@login_required
def cancel_agreement(agreement_id: int):
    lending.cancel_agreement(acting_user(), agreement_id)
    flash(_("Your request is withdrawn."), "success")
    return _back_to_lending()


@bp.post("/lending/<int:agreement_id>/<any('refuse', 'recall'):decision>")
@login_required
def decide_with_reason(agreement_id: int, decision: str):
    service, done = _REASONED[decision]
    form = RequiredReasonForm(prefix=f"{decision}-{agreement_id}")
    if form.validate():
        try:
            service(acting_user(), agreement_id, form.reason.data)
        except Invalid as error:
            apply_field_errors(form, error)
        else:
            flash(str(done), "success")
            return _back_to_lending()
    return _lending_page(bound=((decision, agreement_id), form), status=422)


@bp.post("/lending/rules")
@login_required
def lending_rules():
    form = LendingRulesForm()
    if form.validate():
        factory = factory_queries.factory_for(acting_user(), factory_arg())
        try:
            lending_settings.set_lending_rules(
                acting_user(),
                factory.id,
                cap=form.lending_cap.data,
                max_extra_days=form.lending_max_extra_days.data,
            )
        except Invalid as error:
            fields = {_RULE_FIELDS.get(k, k): v for k, v in error.fields.items()}
            apply_field_errors(form, Invalid(error.message, fields=fields))
        else:
            flash(_("Your lending rules are saved."), "success")
            return _back_to_lending()
    return _lending_page(rules_form=form, status=422)


@bp.get("/settlement")
@login_required
def settlement():
    form = SettlementFilterForm(request.args)
    period = {}
    if form.validate():
        period = {"starts_on": form.starts_on.data, "ends_on": form.ends_on.data}
    report = factory_queries.settlement(acting_user(), factory_arg(), **period)
    return render_template("factory/settlement.html", report=report, form=form), _status(form)


@bp.get("/members")
@login_required
def members():
    factory = factory_queries.factory_for(acting_user(), factory_arg())
    pending = factories.pending_members(acting_user(), factory)
    return render_template("factory/members.html", factory=factory, pending=pending)


@bp.post("/members/<int:member_id>/admit")
@login_required
def admit_member(member_id: int):
    member = factories.admit_member(acting_user(), member_id)
    flash(_("%(name)s can now act for your factory.", name=member.user.name), "success")
    return redirect(url_for(".members", factory=member.factory_id))


@bp.route("/shifts/<int:shift_id>/lending-request/<int:worker_id>", methods=["GET", "POST"])
@login_required
def request_lending(shift_id: int, worker_id: int):
    """Ask an idle employee's employer to lend them for a shift (from the candidates page)."""
    found = factory_queries.lending_candidate(acting_user(), shift_id, worker_id)
    form = LendingRequestForm()
    if request.method == "GET":
        form.starts_on.data, form.ends_on.data = found.first_day, found.last_day
    elif form.validate_on_submit():
        try:
            lending.request_agreement(
                acting_user(),
                worker_id,
                found.shift.factory_id,
                form.starts_on.data,
                form.ends_on.data,
                form.wage_payer.data,
                form.insurance_payer.data,
                form.settlement_rate_cny.data,
                form.note.data or "",
                shift_ids=[found.shift.id],
            )
        except Invalid as error:
            apply_field_errors(form, error)
        else:
            flash(_("The request is sent; the employer decides."), "success")
            return redirect(url_for(".candidates", shift_id=shift_id))
    return render_template("factory/lending_request.html", found=found, form=form), _status(form)
