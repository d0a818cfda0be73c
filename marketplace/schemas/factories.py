"""Factories as their own staff see them: details, sites and members (names only)."""

from marshmallow import fields, validate

from ..models import Industry, MemberRole, MemberStatus, VerificationStatus
from .common import Int, StrictSchema
from .shifts import SiteSchema


class FactorySiteSchema(SiteSchema):
    district_id = fields.Integer(dump_only=True)


class SiteListSchema(StrictSchema):
    items = fields.List(fields.Nested(FactorySiteSchema), dump_only=True)


class SiteInputSchema(StrictSchema):
    """A new site; without lat and lon it stands at its district's centre."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    address = fields.String(required=True, validate=validate.Length(min=1, max=255))
    district_id = Int(required=True)
    lat = fields.Float(load_default=None, allow_nan=False, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(
        load_default=None, allow_nan=False, validate=validate.Range(min=-180, max=180)
    )


class AssociationRefSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    name_en = fields.String(dump_only=True)


class FactorySchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    uscc = fields.String(
        dump_only=True, metadata={"description": "Unified social credit code (18 characters)"}
    )
    industry = fields.Enum(Industry, by_value=True, dump_only=True)
    association = fields.Nested(AssociationRefSchema, dump_only=True)
    verification_status = fields.Enum(VerificationStatus, by_value=True, dump_only=True)
    verified_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    status_reason = fields.String(dump_only=True, allow_none=True)
    lending_cap = fields.Integer(dump_only=True, allow_none=True)
    lending_max_extra_days = fields.Integer(dump_only=True)
    sites = fields.List(fields.Nested(FactorySiteSchema), dump_only=True)


class FactoryListSchema(StrictSchema):
    items = fields.List(fields.Nested(FactorySchema), dump_only=True)


class MemberSchema(StrictSchema):
    """A membership: the person's name only, never their phone or e-mail."""

    id = fields.Integer(dump_only=True)
    factory_id = fields.Integer(dump_only=True)
    user_id = fields.Integer(dump_only=True)
    name = fields.Function(lambda m: m.user.name, dump_only=True, metadata={"type": "string"})
    role = fields.Enum(MemberRole, by_value=True, dump_only=True)
    status = fields.Enum(MemberStatus, by_value=True, dump_only=True)
    created_at = fields.AwareDateTime(dump_only=True)


class MemberListSchema(StrictSchema):
    items = fields.List(fields.Nested(MemberSchema), dump_only=True)
