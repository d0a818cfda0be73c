"""Lending agreements (共享员工): the borrower asks, the lender decides, either reads the hours.

Who may take each step is the services' business (policy.py): the borrower's staff request and
cancel; the lender's staff approve, refuse and recall; both and their moderators read the
settlement. A worker lists the agreements about them, without the factories' terms.
"""

from ..models import Role
from ..schemas.applications import RequiredReasonSchema
from ..schemas.lending import (
    AgreementListArgsSchema,
    AgreementListSchema,
    AgreementReportSchema,
    AgreementRequestSchema,
    AgreementSchema,
)
from ..services.lending import agreements as lending
from ..services.lending import report as lending_report
from ..services.shifts.factory_queries import factory_for
from ..services.workers import queries as worker_queries
from .base import Blueprint
from .security import auth_required, current_actor

blp = Blueprint(
    "api_lending",
    __name__,
    url_prefix="/lending-agreements",
    description="Lending idle employees between factories: requests, decisions, settlement.",
)
FIELDS = ("id", "worker_id", "starts_on", "ends_on", "wage_payer", "insurance_payer", "status")
DECISION = ("decision_reason", "decided_at", "created_at")
TERMS = ("settlement_rate_cny", "note")  # between the two factories: not in the worker's view


def _shown(agreement, *, terms: bool = True) -> dict:
    names = (*FIELDS, *DECISION, *(TERMS if terms else ()))
    return {
        **{name: getattr(agreement, name) for name in names},
        "worker_name": agreement.worker.user.name,
        "worker_kind": agreement.worker.kind,
        "lender": agreement.lender,
        "borrower": agreement.borrower,
    }


@blp.get("")
@auth_required(blp)
@blp.arguments(AgreementListArgsSchema, location="query")
@blp.response(200, AgreementListSchema)
def list_agreements(args):
    """The caller's agreements, newest first: a factory's as lender or borrower, a worker's own."""
    actor = current_actor()
    if actor.role == Role.WORKER:
        return {"items": [_shown(a, terms=False) for a in worker_queries.my_agreements(actor)]}
    found = lending_report.agreements_for(actor, factory_id=args["factory_id"])
    return {"items": [_shown(a) for a in found]}


@blp.post("")
@auth_required(blp)
@blp.arguments(AgreementRequestSchema)
@blp.response(201, AgreementSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def request_agreement(data):
    """The borrowing factory's staff ask an idle employee's employer to lend them for a period."""
    actor = current_actor()
    borrower_id = data["borrower_factory_id"]
    if borrower_id is None:
        borrower_id = factory_for(actor).id
    agreement = lending.request_agreement(
        actor,
        data["worker_id"],
        borrower_id,
        data["starts_on"],
        data["ends_on"],
        data["wage_payer"],
        data["insurance_payer"],
        data["settlement_rate_cny"],
        data["note"],
        shift_ids=data["shift_ids"],
    )
    return _shown(agreement)


def _decision(path: str, summary: str, schema=None):
    """Register POST /lending-agreements/<id>/<path> calling the given service."""

    def register(call):
        def view(*args, agreement_id):
            data = args[0] if args else {}
            return _shown(call(current_actor(), agreement_id, data))

        view.__name__ = f"agreement_{path}"
        view.__doc__ = summary
        decorated = blp.alt_response(409, response="CONFLICT")(view)
        decorated = blp.alt_response(404, response="NOT_FOUND")(decorated)
        decorated = blp.response(200, AgreementSchema)(decorated)
        if schema is not None:
            decorated = blp.arguments(schema)(decorated)
        decorated = auth_required(blp)(decorated)
        blp.post(f"/<int:agreement_id>/{path}")(decorated)
        return call

    return register


@_decision("approve", "The lender's staff approve a request, within their cap and day rules.")
def _approve(actor, agreement_id, data):
    return lending.approve_agreement(actor, agreement_id)


@_decision("refuse", "The lender's staff refuse a request, saying why.", RequiredReasonSchema)
def _refuse(actor, agreement_id, data):
    return lending.refuse_agreement(actor, agreement_id, data["reason"])


@_decision("cancel", "The borrower's staff withdraw a request not yet decided.")
def _cancel(actor, agreement_id, data):
    return lending.cancel_agreement(actor, agreement_id)


@_decision("recall", "The lender takes the worker back early, saying why.", RequiredReasonSchema)
def _recall(actor, agreement_id, data):
    return lending.recall_worker(actor, agreement_id, data["reason"])


@blp.get("/<int:agreement_id>/report")
@auth_required(blp)
@blp.response(200, AgreementReportSchema)
@blp.alt_response(404, response="NOT_FOUND")
def agreement_report(agreement_id):
    """Hours worked under the agreement and the amount the borrower owes the lender."""
    return lending_report.agreement_hours(current_actor(), agreement_id)
