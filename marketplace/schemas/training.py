"""Training sessions as the API shows them, and what moderators and workers send."""

from marshmallow import fields, validate

from ..bounds import SCHEDULE
from .common import Int, StrictSchema, UtcDateTime, bounded


class TrainingListArgsSchema(StrictSchema):
    association_id = Int(
        load_default=None,
        metadata={
            "description": "An association you moderate (default: your own); workers leave it "
            "out and get the open sessions"
        },
    )


class TrainingInputSchema(StrictSchema):
    """A new session: a skill with the level it grants, or a certificate type."""

    association_id = Int(
        load_default=None, metadata={"description": "Default: the moderator's association"}
    )
    title = fields.String(required=True, validate=validate.Length(min=1, max=120))
    location = fields.String(load_default="", validate=validate.Length(max=255))
    starts_at = bounded(UtcDateTime, SCHEDULE, required=True)
    ends_at = bounded(UtcDateTime, SCHEDULE, required=True)
    capacity = Int(required=True, validate=validate.Range(min=1, max=10_000))
    skill_id = Int(load_default=None)
    level_granted = Int(load_default=None, validate=validate.Range(min=1, max=5))
    certificate_type_id = Int(load_default=None)


class CancelTrainingSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class CompleteTrainingSchema(StrictSchema):
    passed_worker_ids = fields.List(Int(), required=True)
    failed_worker_ids = fields.List(
        Int(),
        load_default=list,
        metadata={"description": "Enrolled workers in neither list are recorded as failed"},
    )


class EnrolmentSchema(StrictSchema):
    """An enrolment; names only, no personal numbers."""

    id = fields.Integer(dump_only=True)
    session_id = fields.Integer(dump_only=True)
    worker_id = fields.Integer(dump_only=True)
    worker_name = fields.Function(lambda e: e.worker.user.name, dump_only=True)
    status = fields.Function(lambda e: e.status.value, dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    completed_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class TrainingSessionSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    association_id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    location = fields.String(dump_only=True)
    skill_id = fields.Integer(dump_only=True, allow_none=True)
    level_granted = fields.Integer(dump_only=True, allow_none=True)
    certificate_type_id = fields.Integer(dump_only=True, allow_none=True)
    starts_at = fields.AwareDateTime(dump_only=True)
    ends_at = fields.AwareDateTime(dump_only=True)
    capacity = fields.Integer(dump_only=True)
    enrolled_count = fields.Integer(dump_only=True)
    places_left = fields.Integer(dump_only=True)
    status = fields.String(dump_only=True, metadata={"description": "published, cancelled, closed"})
    my_enrolment = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "A worker's own: enrolled, completed, failed or withdrawn"},
    )
    enrolments = fields.List(
        fields.Nested(EnrolmentSchema),
        dump_only=True,
        allow_none=True,
        metadata={"description": "Moderators of the session's association, one session only"},
    )


class TrainingListSchema(StrictSchema):
    items = fields.List(fields.Nested(TrainingSessionSchema), dump_only=True)
