"""The in-app inbox as the API shows it: each notification rendered in the reader's language."""

from marshmallow import fields, validate

from .common import Int, StrictSchema


class InboxArgsSchema(StrictSchema):
    unread_only = fields.Boolean(load_default=False)
    limit = Int(load_default=50, validate=validate.Range(min=1, max=500))


class NotificationSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True, metadata={"description": "The message's template name"})
    title = fields.String(dump_only=True, metadata={"description": "In the reader's language"})
    body = fields.String(dump_only=True, metadata={"description": "In the reader's language"})
    object_type = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "What the notification is about, e.g. shifts, applications"},
    )
    object_id = fields.Integer(dump_only=True, allow_none=True)
    created_at = fields.AwareDateTime(dump_only=True)
    read_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class NotificationListSchema(StrictSchema):
    items = fields.List(fields.Nested(NotificationSchema), dump_only=True)


class UnreadCountSchema(StrictSchema):
    unread = fields.Integer(dump_only=True)


class MarkedSchema(StrictSchema):
    marked = fields.Integer(dump_only=True, metadata={"description": "How many were unread"})
