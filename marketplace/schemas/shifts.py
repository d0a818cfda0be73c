"""Shifts: the public list, one shift in full, a factory's input, ranked candidates."""

import copy
import re

from flask_babel import lazy_gettext as _l
from marshmallow import (
    ValidationError,
    fields,
    missing,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

from ..bounds import FILTER, SCHEDULE
from ..models import Industry, ShiftStatus, WorkerKind
from .common import (
    Cursor,
    Int,
    PageArgsSchema,
    PageSchema,
    StrictSchema,
    UtcDateTime,
    bounded,
)

KINDS = [k.value for k in WorkerKind]


# Money travels as a decimal string ("26.50"), never a float; the document says so.
MONEY = {"type": "string", "format": "decimal", "example": "26.50"}
# Input is documented as the same string; a JSON number is accepted too, read exactly.
MONEY_INPUT = MONEY
# An hourly pay: above 0, at most 999999.99, in yuan and fen (services/shifts/shift.py).
PAY_PATTERN = r"^(?!0+(\.0+)?$)\d{1,6}(\.\d{1,2})?$"


class PayField(fields.Decimal):
    """A pay as the document gives it: a string of the pattern (or a JSON number), exact."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and not re.fullmatch(PAY_PATTERN, value):
            raise ValidationError(str(_l("Give an hourly pay above 0, in yuan and fen.")))
        return super()._deserialize(value, attr, data, **kwargs)


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
    hourly_pay_cny = fields.Decimal(as_string=True, dump_only=True, metadata=MONEY)
    dormitory_beds = fields.Integer(dump_only=True)
    accepted_kinds = fields.Function(
        lambda s: sorted(k.value for k in s.accepted_kinds),
        dump_only=True,
        metadata={"type": "array", "items": {"type": "string", "enum": KINDS}},
    )


class ShiftListSchema(PageSchema):
    page = fields.Integer(
        dump_only=True,
        allow_none=True,
        metadata={"description": "The page's number; null when it was asked for by cursor"},
    )
    items = fields.List(fields.Nested(PublicShiftSchema), dump_only=True)
    next_cursor = Cursor(
        attribute="next_after",
        dump_only=True,
        allow_none=True,
        metadata={"description": "Send as `cursor` for the next page; null on the last page"},
    )
    distances_km = fields.Dict(
        keys=fields.String(),
        values=fields.Float(),
        dump_only=True,
        metadata={"description": "Km from `near` to each listed shift's site, by shift id"},
    )


class NearField(fields.String):
    """`lat,lon` in WGS-84 degrees, loaded as a (lat, lon) tuple."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            lat, lon = (float(part) for part in text.split(","))
        except ValueError:
            raise ValidationError(str(_l("Give the point as lat,lon in degrees."))) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValidationError(str(_l("Give the point as lat,lon in degrees.")))
        return (lat, lon)


class ShiftListArgsSchema(PageArgsSchema):
    status = fields.Enum(
        ShiftStatus,
        by_value=True,
        load_default=ShiftStatus.OPEN,
        metadata={
            "description": "open (the default): open shifts not started yet, for anyone. "
            "Any other state lists only the caller's own factories' shifts (factory staff) "
            "or their association's (moderators); for anyone else that list is empty."
        },
    )
    cursor = Cursor(
        metadata={
            "description": "The `next_cursor` of the page before: a steady walk through the "
            "list, soonest first, that neither repeats nor skips a shift (`page` is then "
            "ignored); empty: the first page"
        }
    )
    district = Int(validate=validate.Range(min=1))
    industry = fields.Enum(Industry, by_value=True)
    skill = Int(validate=validate.Range(min=1))
    date_from = bounded(fields.Date, FILTER, "Starting on or after this Shanghai day")
    date_to = bounded(fields.Date, FILTER, "Starting on or before this Shanghai day")
    near = NearField(metadata={"description": "lat,lon to measure distances from; empty: none"})
    radius_km = fields.Float(
        validate=validate.Range(min=0.1, max=500),
        metadata={"description": "Only shifts this close to `near` (ignored without `near`)"},
    )

    @pre_load
    def _empty_is_absent(self, data, **kwargs):
        # A form left blank sends `cursor=&near=`: the same as not sending them.
        return {k: v for k, v in data.items() if not (k in ("cursor", "near") and v == "")}

    @validates_schema
    def _range_in_order(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise ValidationError(str(_l("The end of the range is before its start.")), "date_to")

    @post_load
    def _cursor_over_page(self, data, **kwargs):
        if "cursor" in data:
            data["page"] = 1
        return data


# The services' own bounds (services/shifts/shift.py), stated here so that the document says them.
_LATITUDE = validate.Range(
    -90, 90, error=_l("Give each pickup point a valid latitude and longitude.")
)
_LONGITUDE = validate.Range(
    -180, 180, error=_l("Give each pickup point a valid latitude and longitude.")
)


class RequiredSkillSchema(StrictSchema):
    skill_id = Int(required=True)
    min_level = Int(
        load_default=1, validate=validate.Range(1, 5, error=_l("Skill levels go from 1 to 5."))
    )


class PreferredSkillSchema(StrictSchema):
    skill_id = Int(required=True)
    weight = fields.Float(
        load_default=0.5,
        allow_nan=False,
        validate=validate.Range(
            0, 1, min_inclusive=False, error=_l("Weights are above 0 and at most 1.")
        ),
    )


class PickupPointSchema(StrictSchema):
    name = fields.String(
        required=True,
        validate=validate.Length(
            1, 120, error=_l("Name each pickup point (at most 120 characters).")
        ),
    )
    lat = fields.Float(required=True, allow_nan=False, validate=_LATITUDE)
    lon = fields.Float(required=True, allow_nan=False, validate=_LONGITUDE)


class ShiftInputSchema(StrictSchema):
    """What factory staff send to create a shift (PATCH: any subset of it)."""

    factory_id = Int(
        load_only=True, metadata={"description": "For staff of several factories; create only"}
    )
    site_id = Int(required=True)
    title = fields.String(
        required=True, validate=validate.Length(1, 120, error=_l("Give the shift a title."))
    )
    description = fields.String(
        load_default="",
        validate=validate.Length(max=5000, error=_l("Use at most 5000 characters.")),
    )
    starts_at = bounded(UtcDateTime, SCHEDULE, required=True)
    ends_at = bounded(UtcDateTime, SCHEDULE, required=True)
    headcount = Int(
        required=True, validate=validate.Range(min=1, error=_l("Ask for at least one worker."))
    )
    hourly_pay_cny = PayField(
        required=True, as_string=True, allow_nan=False, metadata={**MONEY, "pattern": PAY_PATTERN}
    )
    dormitory_beds = Int(
        load_default=0,
        validate=validate.Range(min=0, error=_l("Give the number of beds, 0 if none.")),
    )
    max_distance_km = fields.Float(
        load_default=30.0,
        allow_nan=False,
        validate=validate.Range(
            0, 500, min_inclusive=False, error=_l("Give a distance above 0 and at most 500 km.")
        ),
    )
    accepted_kinds = fields.List(
        fields.String(validate=validate.OneOf(KINDS)),
        load_default=lambda: list(KINDS),
        validate=validate.Length(min=1, error=_l("Choose at least one kind of worker.")),
    )
    required_skills = fields.List(fields.Nested(RequiredSkillSchema), load_default=list)
    preferred_skills = fields.List(fields.Nested(PreferredSkillSchema), load_default=list)
    required_certificate_ids = fields.List(Int(), load_default=list)
    pickup_points = fields.List(fields.Nested(PickupPointSchema), load_default=list)


def _optional(field: fields.Field) -> fields.Field:
    field = copy.copy(field)
    field.required = False
    field.load_default = missing
    return field


# PATCH: the same fields, none required and none defaulted, so only the fields sent change.
ShiftPatchSchema = StrictSchema.from_dict(
    {
        name: _optional(field)
        for name, field in ShiftInputSchema._declared_fields.items()
        if name != "factory_id"
    },
    name="ShiftPatchSchema",
)


class ShiftSchema(PublicShiftSchema):
    """One shift in full: what its page shows, plus its state for staff and moderators."""

    factory_id = fields.Integer(dump_only=True)
    status = fields.Function(lambda s: s.status.value, dump_only=True)
    description = fields.String(dump_only=True)
    max_distance_km = fields.Float(dump_only=True)
    required_skills = fields.Function(
        lambda s: [{"skill_id": r.skill_id, "min_level": r.min_level} for r in s.required_skills],
        dump_only=True,
    )
    preferred_skills = fields.Function(
        lambda s: [{"skill_id": p.skill_id, "weight": p.weight} for p in s.preferred_skills],
        dump_only=True,
    )
    required_certificate_ids = fields.Function(
        lambda s: sorted(c.certificate_type_id for c in s.required_certificates), dump_only=True
    )
    pickup_points = fields.List(fields.Nested(PickupPointSchema), dump_only=True)
    published_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    cancel_reason = fields.String(dump_only=True, allow_none=True)


class CancelSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class MatchesArgsSchema(StrictSchema):
    limit = Int(load_default=50, validate=validate.Range(min=1, max=500))


class CandidateSchema(StrictSchema):
    worker_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    score = fields.Float(dump_only=True)
    breakdown = fields.Dict(keys=fields.String(), values=fields.Float(), dump_only=True)
    distance_km = fields.Float(dump_only=True)


class MatchesSchema(StrictSchema):
    items = fields.List(fields.Nested(CandidateSchema), dump_only=True)
