"""Public shift listings."""

from marshmallow import RAISE, Schema, fields


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class SiteSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    address = fields.String(dump_only=True)
    district = fields.Function(lambda site: site.district.name, dump_only=True)
    lat = fields.Float(dump_only=True)
    lon = fields.Float(dump_only=True)


class PublicShiftSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    factory = fields.Function(lambda shift: shift.factory.name, dump_only=True)
    site = fields.Nested(SiteSchema, dump_only=True)
    starts_at = fields.AwareDateTime(dump_only=True)
    ends_at = fields.AwareDateTime(dump_only=True)
    headcount = fields.Integer(dump_only=True)
    places_left = fields.Integer(dump_only=True)
    hourly_pay_cny = fields.Decimal(as_string=True, dump_only=True)
    dormitory_beds = fields.Integer(dump_only=True)
    accepted_kinds = fields.Function(lambda s: sorted(k.value for k in s.accepted_kinds))


class ShiftListSchema(StrictSchema):
    items = fields.List(fields.Nested(PublicShiftSchema), dump_only=True)
    page = fields.Integer(dump_only=True)
    per_page = fields.Integer(dump_only=True)
    total = fields.Integer(dump_only=True)
    pages = fields.Integer(dump_only=True)
