"""Applications as the API shows them, and the bodies of their transitions."""

from marshmallow import fields, validate

from .common import Int, StrictSchema


class ApplySchema(StrictSchema):
    shift_id = Int(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class ApplicationListArgsSchema(StrictSchema):
    shift_id = Int(
        load_default=None,
        metadata={"description": "A shift of the caller's factory; without it, the caller's own"},
    )


class ApplicationSchema(StrictSchema):
    """No personal numbers: what the worker and, before a place is taken, the factory see."""

    id = fields.Integer(dump_only=True)
    shift_id = fields.Integer(dump_only=True)
    worker_id = fields.Integer(dump_only=True)
    worker_name = fields.String(dump_only=True)
    worker_kind = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    note = fields.String(dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)
    offered_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    offer_expires_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    decided_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    cancel_reason = fields.String(dump_only=True, allow_none=True)


class ApplicationWithContactSchema(ApplicationSchema):
    """The factory staff's view: once the worker holds a place, their numbers, masked."""

    mobile = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "Masked (138****5678); only for the shift's factory staff and only "
            "once the application is accepted, in progress, completed or a no-show"
        },
    )
    national_id = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={
            "description": "Masked (330***********1234); shown like `mobile`; null if not given"
        },
    )


class ApplicationListSchema(StrictSchema):
    items = fields.List(
        fields.Nested(ApplicationWithContactSchema),
        dump_only=True,
        metadata={"description": "`mobile` and `national_id` only in the factory staff's view"},
    )


class OfferSchema(StrictSchema):
    expires_in_hours = fields.Float(load_default=None, validate=validate.Range(min=0.1, max=336))


class ReasonSchema(StrictSchema):
    reason = fields.String(load_default="", validate=validate.Length(max=1000))


class RequiredReasonSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


class RateSchema(StrictSchema):
    score = Int(required=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(load_default="", validate=validate.Length(max=1000))


class RatingSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    direction = fields.String(dump_only=True)
    score = fields.Integer(dump_only=True)
    comment = fields.String(dump_only=True)
