"""Reference data anyone may read: skills and certificate types."""

from ..schemas.reference import CertificateTypeSchema, SkillSchema
from ..services.organisations import reference
from .base import Blueprint

blp = Blueprint("api_reference", __name__, url_prefix="", description="Reference data.")


@blp.get("/skills")
@blp.response(200, SkillSchema(many=True))
def skills():
    """All skills, by industry and code."""
    return reference.skills()


@blp.get("/certificate-types")
@blp.response(200, CertificateTypeSchema(many=True))
def certificate_types():
    """All certificate types, by code."""
    return reference.certificate_types()
