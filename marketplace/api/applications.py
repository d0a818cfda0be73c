"""Applications: a worker applies; one action endpoint per transition of the lifecycle.

Who may take each action is the services' business (policy.py): the worker for accept,
decline, withdraw; the shift's factory staff for offer, reject, attendance; either for
cancel and rate.
"""

from ..schemas.applications import (
    ApplicationListArgsSchema,
    ApplicationListSchema,
    ApplicationSchema,
    ApplicationWithContactSchema,
    ApplySchema,
    OfferSchema,
    RateSchema,
    RatingSchema,
    ReasonSchema,
    RequiredReasonSchema,
)
from ..services.applications import applying as applications
from ..services.applications import attendance, offers, worker_contact
from ..services.shifts import factory_queries
from ..services.workers import queries as worker_queries
from .base import Blueprint, post_action
from .security import auth_required, current_actor

blp = Blueprint(
    "api_applications",
    __name__,
    url_prefix="/applications",
    description="Applying for shifts, offers and their answers, attendance and ratings.",
)
FIELDS = tuple(
    name for name in ApplicationSchema().fields if name not in ("worker_name", "worker_kind")
)


def _shown(application, actor=None) -> dict:
    """The application; with the worker's masked numbers where the actor may see them."""
    worker = application.worker
    contact = worker_contact.masked_contact(actor, application) if actor else {}
    return {
        **{name: getattr(application, name) for name in FIELDS},
        "status": application.status.value,
        "worker_name": worker.user.name,
        "worker_kind": worker.kind.value,
        **contact,
    }


@blp.post("")
@auth_required(blp)
@blp.arguments(ApplySchema)
@blp.response(201, ApplicationSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def apply(data):
    """The calling worker applies (a full shift puts them on its waiting list)."""
    return _shown(applications.apply(current_actor(), data["shift_id"], data["note"]))


@blp.get("")
@auth_required(blp)
@blp.arguments(ApplicationListArgsSchema, location="query")
@blp.response(200, ApplicationListSchema)
def list_applications(args):
    """The caller's own applications, or (factory staff) those for one of their shifts."""
    actor = current_actor()
    if args["shift_id"] is None:
        found = worker_queries.my_applications(actor)
    else:
        found = factory_queries.shift_overview(actor, args["shift_id"]).applications
    return {"items": [_shown(a, actor) for a in found]}


STAFF_VIEW = ApplicationWithContactSchema


def _action(path: str, summary: str, schema=None, status_schema=ApplicationSchema):
    """Register POST /applications/<id>/<path> calling the given service.

    Steps factory staff may take answer with their view (STAFF_VIEW); the worker's own steps
    with ApplicationSchema.
    """

    def register(call):
        def shown(actor, application_id, data):
            result = call(actor, application_id, data)
            if status_schema is RatingSchema:
                return result
            return _shown(result, actor if status_schema is STAFF_VIEW else None)

        name = f"application_{path.replace('-', '_')}"
        rule = f"/<int:application_id>/{path}"
        post_action(blp, rule, name, summary, shown, response=status_schema, body=schema)
        return call

    return register


@_action(
    "offer",
    "Factory staff offer the worker a place, open until a deadline.",
    OfferSchema,
    STAFF_VIEW,
)
def _offer(actor, application_id, data):
    return offers.offer(actor, application_id, expires_in_hours=data.get("expires_in_hours"))


@_action("reject", "Factory staff turn the application down.", ReasonSchema, STAFF_VIEW)
def _reject(actor, application_id, data):
    return offers.reject(actor, application_id, data.get("reason", ""))


@_action("accept", "The worker accepts the offer and takes a place.")
def _accept(actor, application_id, data):
    return offers.accept(actor, application_id)


@_action("decline", "The worker declines the offer.")
def _decline(actor, application_id, data):
    return offers.decline(actor, application_id)


@_action("withdraw", "The worker withdraws an application that holds no place.")
def _withdraw(actor, application_id, data):
    return offers.withdraw(actor, application_id)


@_action(
    "cancel",
    "Either side cancels a place before the start, with a reason.",
    RequiredReasonSchema,
    STAFF_VIEW,
)
def _cancel(actor, application_id, data):
    return attendance.cancel(actor, application_id, data["reason"])


@_action(
    "check-in",
    "Factory staff record the worker's arrival (from two hours before).",
    None,
    STAFF_VIEW,
)
def _check_in(actor, application_id, data):
    return attendance.check_in(actor, application_id)


@_action("check-out", "Factory staff record the departure; the hours count.", None, STAFF_VIEW)
def _check_out(actor, application_id, data):
    return attendance.check_out(actor, application_id)


@_action("no-show", "Factory staff record that the worker did not come.", None, STAFF_VIEW)
def _no_show(actor, application_id, data):
    return attendance.mark_no_show(actor, application_id)


@_action("rate", "After the shift each side rates the other once.", RateSchema, RatingSchema)
def _rate(actor, application_id, data):
    rating = attendance.rate(actor, application_id, data["score"], data["comment"])
    return {
        "id": rating.id,
        "direction": rating.direction.value,
        "score": rating.score,
        "comment": rating.comment,
    }
