"""Accounts: registration, login, the caller's own account, personal API tokens."""

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from ..models import WorkerKind
from .common import ConfiguredInt, Int, StrictSchema

KINDS = [k.value for k in WorkerKind]


class RegisterWorkerSchema(StrictSchema):
    """A worker signs up; a factory registers on the web (it needs its licence checked)."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    mobile = fields.String(load_default="", validate=validate.Length(max=32))
    email = fields.String(load_default="", validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=256))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    district_id = Int(required=True)
    national_id = fields.String(
        load_default="",
        load_only=True,
        validate=validate.Regexp(
            r"^(\d{17}[\dXx])?$", error=_l("An identity card number has 18 characters.")
        ),
        metadata={"description": "18 characters (the last may be X), or empty"},
    )
    max_travel_km = fields.Float(load_default=20.0, allow_nan=False)


class LoginSchema(StrictSchema):
    identifier = fields.String(
        required=True,
        validate=validate.Length(min=1, max=254),
        metadata={"description": "Mobile number or email address"},
    )
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=256))


class UserSchema(StrictSchema):
    """The caller's own account; the mobile number is theirs, so it is shown in full."""

    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    role = fields.Function(lambda u: u.role.value, dump_only=True)
    mobile = fields.String(dump_only=True, allow_none=True)
    email = fields.String(dump_only=True, allow_none=True)
    locale = fields.String(dump_only=True, allow_none=True)
    association_id = fields.Integer(dump_only=True, allow_none=True)
    created_at = fields.AwareDateTime(dump_only=True)


class SessionSchema(StrictSchema):
    user = fields.Nested(UserSchema, dump_only=True)
    csrf_token = fields.String(
        dump_only=True,
        metadata={"description": "Send as X-CSRFToken on state-changing cookie requests"},
    )


class CsrfSchema(StrictSchema):
    csrf_token = fields.String(dump_only=True)


class TokenCreateSchema(StrictSchema):
    """A new token: the password always; the identifier when no session is logged in."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    expires_in_days = ConfiguredInt(
        "API_TOKEN_MAX_DAYS",
        load_default=None,
        allow_none=True,
        metadata={"description": "Days until it expires (default API_TOKEN_DEFAULT_DAYS)"},
    )
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=256))
    identifier = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=254),
        metadata={"description": "Mobile number or email: whose token, if not the caller's"},
    )


class TokenSchema(StrictSchema):
    """A token as listed: never its secret, which only the creating response carries."""

    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    prefix = fields.String(dump_only=True, metadata={"description": "The secret's first chars"})
    created_at = fields.AwareDateTime(dump_only=True)
    expires_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    last_used_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    revoked_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class NewTokenSchema(TokenSchema):
    token = fields.String(
        dump_only=True, metadata={"description": "The secret, shown this once: keep it"}
    )
