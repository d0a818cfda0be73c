"""Placement runs: start one (202 and its status URL), watch it, read its proposals, send them."""

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..errors import NotFound
from ..schemas.placement import (
    ApplyRunSchema,
    OutcomeSchema,
    ProposalListSchema,
    ProposalSchema,
    RunListArgsSchema,
    RunListSchema,
    RunSchema,
    RunStartSchema,
)
from ..services.placement import runs as placement
from .base import Blueprint
from .security import auth_required, current_actor

blp = Blueprint(
    "api_placement_runs",
    __name__,
    url_prefix="/placement-runs",
    description="An association's global placement of many workers into many shifts at once.",
)


RUN_FIELDS = tuple(name for name in RunSchema().fields if name != "failure")
PROPOSAL_FIELDS = tuple(name for name in ProposalSchema().fields if name != "worker_name")


def _association(actor, given: int | None) -> int:
    association_id = given or actor.association_id
    if association_id is None:
        raise NotFound(_l("Name the association (admins have none of their own)."))
    return association_id


def _shown(run) -> dict:
    """The run with its failure, if any, in the reader's language."""
    failure = placement.failure_message(run)
    shown = {name: getattr(run, name) for name in RUN_FIELDS}
    return {**shown, "failure": str(failure) if failure else None}


def _status_url(run) -> dict:
    return {"Location": url_for("api_placement_runs.get_run", run_id=run.id)}


@blp.post("")
@auth_required(blp)
@blp.arguments(RunStartSchema)
@blp.response(202, RunSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def start_run(data):
    """Queue a run over the association's open shifts starting in the window."""
    actor = current_actor()
    run = placement.start_run(
        actor,
        _association(actor, data["association_id"]),
        data["window_starts_at"],
        data["window_ends_at"],
        data["objective"],
    )
    run = placement.get_run(actor, run.id)
    return _shown(run), 202, _status_url(run)


@blp.get("")
@auth_required(blp)
@blp.arguments(RunListArgsSchema, location="query")
@blp.response(200, RunListSchema)
def list_runs(args):
    """The association's latest runs, newest first."""
    actor = current_actor()
    runs = placement.list_runs(
        actor, _association(actor, args["association_id"]), limit=args["limit"]
    )
    return {"items": [_shown(run) for run in runs]}


@blp.get("/<int:run_id>")
@auth_required(blp)
@blp.response(200, RunSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_run(run_id):
    """A run's status and, once done, what it found."""
    return _shown(placement.get_run(current_actor(), run_id))


@blp.get("/<int:run_id>/proposals")
@auth_required(blp)
@blp.response(200, ProposalListSchema)
@blp.alt_response(404, response="NOT_FOUND")
def proposals(run_id):
    """The run's proposals by shift and score, each with its score's breakdown and distance."""
    items = [
        {**{name: getattr(p, name) for name in PROPOSAL_FIELDS}, "worker_name": p.worker.user.name}
        for p in placement.run_proposals(current_actor(), run_id)
    ]
    return {"items": items}


@blp.post("/<int:run_id>/apply")
@auth_required(blp)
@blp.arguments(ApplyRunSchema)
@blp.response(200, OutcomeSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def apply_run(data, run_id):
    """Send the proposals as offers in one step, except those left out."""
    return placement.apply_run(current_actor(), run_id, leave_out=data["leave_out"]).__dict__


@blp.post("/<int:run_id>/discard")
@auth_required(blp)
@blp.response(200, RunSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def discard_run(run_id):
    """Throw the proposals away without sending them."""
    return _shown(placement.discard_run(current_actor(), run_id))


@blp.post("/<int:run_id>/retry")
@auth_required(blp)
@blp.response(202, RunSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def retry_run(run_id):
    """Queue a failed run again (or one whose job stopped answering)."""
    run = placement.retry_run(current_actor(), run_id)
    return _shown(run), 202, _status_url(run)
