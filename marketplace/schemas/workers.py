"""The calling worker's own profile: what they see of it and the changes they send.

Personal numbers appear masked only, as on the web's account page; the certificate numbers
and home coordinates are the worker's own, shown as on their profile pages.
"""

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from ..bounds import CERTIFICATE, SCHEDULE
from ..i18n import LocalName
from ..identifiers import mask_mobile, mask_national_id
from ..models import AgreementStatus, Payer, WorkerKind
from ..services.workers.me import home_source
from ..services.workers.profile import CERTIFICATE_NUMBER_MAX, HOME_SOURCES, MAX_TRAVEL_KM
from .common import Int, StrictSchema, UtcDateTime, bounded
from .shifts import PublicShiftSchema

KINDS = [k.value for k in WorkerKind]


def _text(get, description: str | None = None) -> fields.Function:
    """A string the schema reads off the object (documented as a string)."""
    metadata = {"type": "string", **({"description": description} if description else {})}
    return fields.Function(get, dump_only=True, allow_none=True, metadata=metadata)


class SortedList(fields.List):
    """A list dumped in a stable order (a relationship's own order is the database's whim)."""

    def __init__(self, inner, *, key, **kwargs):
        super().__init__(inner, **kwargs)
        self.sort_key = key

    def _serialize(self, value, attr, obj, **kwargs):
        ordered = None if value is None else sorted(value, key=self.sort_key)
        return super()._serialize(ordered, attr, obj, **kwargs)


class SkillHeldSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    skill_id = fields.Integer(dump_only=True)
    code = _text(lambda s: s.skill.code)
    name = _text(lambda s: str(LocalName(s.skill)), "In the reader's language")
    level = fields.Integer(dump_only=True)
    verified = fields.Boolean(attribute="is_verified", dump_only=True)
    verified_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class SkillLevelSchema(StrictSchema):
    level = Int(
        required=True,
        validate=validate.Range(min=1, max=5, error=_l("Skill levels go from 1 to 5.")),
    )


class CertificateHeldSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    certificate_type_id = fields.Integer(dump_only=True)
    code = _text(lambda c: c.certificate_type.code)
    name = _text(lambda c: str(LocalName(c.certificate_type)), "In the reader's language")
    number = fields.String(dump_only=True)
    valid_until = fields.Date(dump_only=True, allow_none=True)
    verified = fields.Function(
        lambda c: c.verified_at is not None, dump_only=True, metadata={"type": "boolean"}
    )
    verified_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class CertificateInputSchema(StrictSchema):
    certificate_type_id = Int(required=True)
    number = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, error=_l("Enter the certificate's number.")),
            validate.Length(
                max=CERTIFICATE_NUMBER_MAX,
                error=_l("Use at most %(n)d characters.", n=CERTIFICATE_NUMBER_MAX),
            ),
        ],
    )
    valid_until = bounded(
        fields.Date,
        CERTIFICATE,
        "Empty if it does not expire; no day already past",
        load_default=None,
        allow_none=True,
    )


class WindowSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    starts_at = fields.AwareDateTime(dump_only=True)
    ends_at = fields.AwareDateTime(dump_only=True)


class WindowInputSchema(StrictSchema):
    starts_at = bounded(UtcDateTime, SCHEDULE, required=True)
    ends_at = bounded(UtcDateTime, SCHEDULE, "After starts_at, still to come", required=True)


class ProfileSchema(StrictSchema):
    """The caller's own profile: what the profile, skills and availability pages show."""

    id = fields.Integer(dump_only=True)
    kind = fields.Enum(WorkerKind, by_value=True, dump_only=True)
    name = _text(lambda w: w.user.name)
    home_source = fields.Function(
        home_source,
        dump_only=True,
        metadata={
            "type": "string",
            "enum": list(HOME_SOURCES),
            "description": "district: the home is the district's centre",
        },
    )
    home_district_id = fields.Integer(dump_only=True, allow_none=True)
    home_district = _text(lambda w: w.home_district.name if w.home_district else None)
    home_lat = fields.Float(dump_only=True)
    home_lon = fields.Float(dump_only=True)
    max_travel_km = fields.Float(dump_only=True)
    needs_housing = fields.Boolean(dump_only=True)
    lender_factory_id = fields.Integer(dump_only=True, allow_none=True)
    lender = _text(lambda w: w.lender.name if w.lender else None, "The lending employer")
    national_id_masked = _text(
        lambda w: mask_national_id(w.national_id), "e.g. 330***********1234; empty if none"
    )
    mobile_masked = _text(lambda w: mask_mobile(w.user.mobile), "e.g. 138****5678; empty if none")
    skills = SortedList(fields.Nested(SkillHeldSchema), key=lambda s: s.skill.code, dump_only=True)
    certificates = SortedList(
        fields.Nested(CertificateHeldSchema), key=lambda c: c.certificate_type.code, dump_only=True
    )
    availability = fields.List(fields.Nested(WindowSchema), dump_only=True)


class ProfilePatchSchema(StrictSchema):
    """Any subset of the profile form; what is not sent stays as it is."""

    kind = fields.String(
        validate=validate.OneOf(KINDS, error=_l("Choose what kind of worker you are."))
    )
    home_source = fields.String(
        validate=validate.OneOf(HOME_SOURCES, error=_l("Choose how to give your home location.")),
        metadata={"description": "Without it: coordinates if lat or lon is sent, else district"},
    )
    district_id = Int(allow_none=True)
    lat = fields.Float(
        allow_nan=False,
        validate=validate.Range(min=-90, max=90, error=_l("Enter a latitude from -90 to 90.")),
    )
    lon = fields.Float(
        allow_nan=False,
        validate=validate.Range(min=-180, max=180, error=_l("Enter a longitude from -180 to 180.")),
    )
    max_travel_km = fields.Float(
        allow_nan=False,
        validate=validate.Range(
            min=0,
            min_inclusive=False,
            max=MAX_TRAVEL_KM,
            error=_l("Enter a distance from 1 to 500 km."),
        ),
    )
    needs_housing = fields.Boolean()
    lender_factory_id = Int(
        allow_none=True, metadata={"description": "The employer lending an idle employee"}
    )


class RecommendationArgsSchema(StrictSchema):
    limit = Int(load_default=20, validate=validate.Range(min=1, max=100))


class RecommendationSchema(StrictSchema):
    shift_id = fields.Integer(dump_only=True)
    score = fields.Float(dump_only=True, metadata={"description": "In [0, 1]"})
    breakdown = fields.Dict(
        keys=fields.String(),
        values=fields.Float(),
        dump_only=True,
        metadata={"description": "The score's parts by term; they sum to the score"},
    )
    distance_km = fields.Float(dump_only=True)
    shift = fields.Nested(PublicShiftSchema, dump_only=True)


class RecommendationListSchema(StrictSchema):
    items = fields.List(fields.Nested(RecommendationSchema), dump_only=True)


class WorkerAgreementSchema(StrictSchema):
    """A lending agreement as the worker's page shows it (no settlement between factories)."""

    id = fields.Integer(dump_only=True)
    status = fields.Enum(AgreementStatus, by_value=True, dump_only=True)
    lender_factory_id = fields.Integer(dump_only=True)
    lender = _text(lambda a: a.lender.name)
    borrower_factory_id = fields.Integer(dump_only=True)
    borrower = _text(lambda a: a.borrower.name)
    starts_on = fields.Date(dump_only=True)
    ends_on = fields.Date(dump_only=True)
    wage_payer = fields.Enum(Payer, by_value=True, dump_only=True)
    insurance_payer = fields.Enum(Payer, by_value=True, dump_only=True)
    decision_reason = fields.String(dump_only=True, allow_none=True)
    created_at = fields.AwareDateTime(dump_only=True)
    decided_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class WorkerAgreementListSchema(StrictSchema):
    items = fields.List(fields.Nested(WorkerAgreementSchema), dump_only=True)
