"""The calling worker's own profile: details, skills, certificates, availability, and reads.

Only workers have a /workers/me (anyone else is refused by the services, 403). Skills and
certificates are addressed by their catalogue ids (GET /skills, GET /certificate-types).
"""

from ..schemas.workers import (
    CertificateHeldSchema,
    CertificateInputSchema,
    ProfilePatchSchema,
    ProfileSchema,
    RecommendationArgsSchema,
    RecommendationListSchema,
    SkillHeldSchema,
    SkillLevelSchema,
    WindowInputSchema,
    WindowSchema,
    WorkerAgreementListSchema,
)
from ..services.workers import me as worker_self
from ..services.workers import queries as worker_queries
from .base import Blueprint
from .security import auth_required, current_actor

blp = Blueprint(
    "api_workers",
    __name__,
    url_prefix="/workers",
    description="The calling worker's profile, skills, certificates, availability and more.",
)


@blp.get("/me")
@auth_required(blp)
@blp.response(200, ProfileSchema)
def get_profile():
    """The caller's worker profile, with skills, certificates and availability."""
    return worker_self.my_profile(current_actor())


@blp.patch("/me")
@auth_required(blp)
@blp.arguments(ProfilePatchSchema)
@blp.response(200, ProfileSchema)
@blp.alt_response(409, response="CONFLICT")
def patch_profile(changes):
    """Change some of the profile: kind, home, reach, housing need, lender."""
    return worker_self.patch_profile(current_actor(), changes)


@blp.get("/me/skills")
@auth_required(blp)
@blp.response(200, SkillHeldSchema(many=True))
def list_skills():
    """The caller's skills with their levels and whether an association verified them."""
    return worker_self.my_skills(current_actor())


@blp.put("/me/skills/<int:skill_id>")
@auth_required(blp)
@blp.arguments(SkillLevelSchema)
@blp.response(200, SkillHeldSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def set_skill(data, skill_id):
    """Declare a skill at a level 1-5, or change its level (which needs a new verification)."""
    return worker_self.set_my_skill(current_actor(), skill_id, data["level"])


@blp.delete("/me/skills/<int:skill_id>")
@auth_required(blp)
@blp.response(204)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def remove_skill(skill_id):
    """Take a skill off the profile."""
    worker_self.remove_my_skill(current_actor(), skill_id)


@blp.get("/me/certificates")
@auth_required(blp)
@blp.response(200, CertificateHeldSchema(many=True))
def list_certificates():
    """The caller's certificates with their numbers, expiry and verification."""
    return worker_self.my_certificates(current_actor())


@blp.post("/me/certificates")
@auth_required(blp)
@blp.arguments(CertificateInputSchema)
@blp.response(200, CertificateHeldSchema)
@blp.alt_response(409, response="CONFLICT")
def set_certificate(data):
    """Add a certificate, or change the number or expiry of one held (unverifying it)."""
    return worker_self.set_my_certificate(
        current_actor(), data["certificate_type_id"], data["number"], data["valid_until"]
    )


@blp.delete("/me/certificates/<int:certificate_type_id>")
@auth_required(blp)
@blp.response(204)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def remove_certificate(certificate_type_id):
    """Take a certificate off the profile."""
    worker_self.remove_my_certificate(current_actor(), certificate_type_id)


@blp.get("/me/availability")
@auth_required(blp)
@blp.response(200, WindowSchema(many=True))
def list_availability():
    """When the caller can work; with none at all they count as always available."""
    return worker_self.my_availability(current_actor())


@blp.post("/me/availability")
@auth_required(blp)
@blp.arguments(WindowInputSchema)
@blp.response(201, WindowSchema)
@blp.alt_response(409, response="CONFLICT")
def add_availability(data):
    """Add a time the caller can work (no overlaps; at most 366 days long)."""
    return worker_self.add_my_availability(current_actor(), data["starts_at"], data["ends_at"])


@blp.delete("/me/availability/<int:window_id>")
@auth_required(blp)
@blp.response(204)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def remove_availability(window_id):
    """Remove one of the caller's availability windows."""
    worker_self.remove_my_availability(current_actor(), window_id)


@blp.get("/me/recommendations")
@auth_required(blp)
@blp.arguments(RecommendationArgsSchema, location="query")
@blp.response(200, RecommendationListSchema)
def recommendations(args):
    """Open shifts that suit the caller best, with each score's parts and the distance."""
    found = worker_queries.recommended_shifts(current_actor(), k=args["limit"])
    return {"items": [{**vars(item.recommendation), "shift": item.shift} for item in found]}


@blp.get("/me/agreements")
@auth_required(blp)
@blp.response(200, WorkerAgreementListSchema)
def agreements():
    """The lending agreements about the caller, newest first."""
    return {"items": worker_queries.my_agreements(current_actor())}
