"""Reference data: skills and certificate types (read-only)."""

from marshmallow import fields

from ..i18n import LocalName
from .common import StrictSchema


class SkillSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    code = fields.String(dump_only=True)
    name = fields.Function(lambda s: str(LocalName(s)), dump_only=True)
    name_zh = fields.String(dump_only=True)
    name_en = fields.String(dump_only=True)
    industry = fields.Function(lambda s: s.industry.value, dump_only=True)


class CertificateTypeSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    code = fields.String(dump_only=True)
    name = fields.Function(lambda c: str(LocalName(c)), dump_only=True)
    name_zh = fields.String(dump_only=True)
    name_en = fields.String(dump_only=True)
    validity_years = fields.Integer(dump_only=True, allow_none=True)
