"""Placement runs as the API shows them: the run with its status, its proposals, the outcome."""

from marshmallow import fields, validate

from ..bounds import SCHEDULE
from .common import Int, StrictSchema, UtcDateTime, bounded


class RunStartSchema(StrictSchema):
    association_id = Int(
        load_default=None, metadata={"description": "Defaults to the moderator's association"}
    )
    window_starts_at = bounded(UtcDateTime, SCHEDULE, required=True)
    window_ends_at = bounded(UtcDateTime, SCHEDULE, required=True)
    objective = fields.String(load_default="fill", validate=validate.OneOf(["fill", "score"]))


class RunListArgsSchema(StrictSchema):
    association_id = Int(load_default=None)
    limit = Int(load_default=20, validate=validate.Range(min=1, max=100))


class RunSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    association_id = fields.Integer(dump_only=True)
    window_starts_at = fields.AwareDateTime(dump_only=True)
    window_ends_at = fields.AwareDateTime(dump_only=True)
    objective = fields.String(dump_only=True)
    status = fields.String(
        dump_only=True,
        metadata={"description": "queued, running, done, failed, applied or discarded"},
    )
    attempts = fields.Integer(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    started_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    finished_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    shift_count = fields.Integer(dump_only=True)
    places_open = fields.Integer(dump_only=True)
    candidate_count = fields.Integer(dump_only=True)
    pair_count = fields.Integer(dump_only=True)
    filled = fields.Integer(dump_only=True)
    total_score = fields.Float(dump_only=True)
    failure = fields.String(dump_only=True, allow_none=True)


class RunListSchema(StrictSchema):
    items = fields.List(fields.Nested(RunSchema), dump_only=True)


class ProposalSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    shift_id = fields.Integer(dump_only=True)
    worker_id = fields.Integer(dump_only=True)
    worker_name = fields.String(dump_only=True)
    score = fields.Float(dump_only=True)
    breakdown = fields.Dict(keys=fields.String(), values=fields.Float(), dump_only=True)
    distance_km = fields.Float(dump_only=True)
    status = fields.String(dump_only=True)
    reason = fields.String(dump_only=True)
    application_id = fields.Integer(dump_only=True, allow_none=True)


class ProposalListSchema(StrictSchema):
    items = fields.List(fields.Nested(ProposalSchema), dump_only=True)


class ApplyRunSchema(StrictSchema):
    leave_out = fields.List(
        Int(), load_default=list, metadata={"description": "Proposal ids not to send"}
    )


class OutcomeSchema(StrictSchema):
    offered = fields.Integer(dump_only=True)
    skipped = fields.Integer(dump_only=True)
    excluded = fields.Integer(dump_only=True)
