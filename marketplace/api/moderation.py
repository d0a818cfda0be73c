"""Moderation decisions: one endpoint per verb on a factory, a shift, a skill or a certificate.

The paths name the object alone (/moderation/shifts/7/approve): the association deciding is
always the object's own, so an association id in the path could only repeat it or contradict
it. Which moderator may decide is the services' business (policy.py).
"""

from ..schemas.moderation import (
    CertificateVerifySchema,
    ContactReasonSchema,
    DecisionReasonSchema,
    EndedSessionsSchema,
    MemberFactorySchema,
    ReviewedShiftSchema,
    SkillVerifySchema,
    WorkerCertificateSchema,
    WorkerContactSchema,
    WorkerSkillSchema,
)
from ..services.accounts import sessions
from ..services.moderation import association_queries
from ..services.moderation import decisions as moderation
from .base import Blueprint, post_action
from .security import auth_required, current_actor

blp = Blueprint(
    "api_moderation",
    __name__,
    url_prefix="/moderation",
    description="An association's decisions on its factories, their shifts and workers' skills.",
)


def _decision(path: str, summary: str, response_schema, body=None):
    """Register POST /moderation/<path> calling the given service with the object's id."""

    def register(call):
        name = path.split("/")[0].replace("-", "_") + "_" + path.rsplit("/", 1)[-1]
        post_action(blp, f"/{path}", name, summary, call, response=response_schema, body=body)
        return call

    return register


@_decision(
    "factories/<int:factory_id>/verify", "Verify a pending member factory.", MemberFactorySchema
)
def _verify_factory(actor, factory_id, data):
    return moderation.verify_factory(actor, factory_id)


@_decision(
    "factories/<int:factory_id>/reject",
    "Refuse a pending factory with a reason; its shifts under review are cancelled.",
    MemberFactorySchema,
    DecisionReasonSchema,
)
def _reject_factory(actor, factory_id, data):
    return moderation.reject_factory(actor, factory_id, data["reason"])


@_decision(
    "factories/<int:factory_id>/suspend",
    "Suspend a verified factory with a reason; its open and pending shifts close.",
    MemberFactorySchema,
    DecisionReasonSchema,
)
def _suspend_factory(actor, factory_id, data):
    return moderation.suspend_factory(actor, factory_id, data["reason"])


@_decision(
    "factories/<int:factory_id>/reinstate", "Lift a factory's suspension.", MemberFactorySchema
)
def _reinstate_factory(actor, factory_id, data):
    return moderation.reinstate_factory(actor, factory_id)


@_decision(
    "shifts/<int:shift_id>/approve",
    "Open a shift waiting for review (its factory must be verified).",
    ReviewedShiftSchema,
)
def _approve_shift(actor, shift_id, data):
    return moderation.approve_shift(actor, shift_id)


@_decision(
    "shifts/<int:shift_id>/reject",
    "Refuse a shift waiting for review, with a reason its factory reads.",
    ReviewedShiftSchema,
    DecisionReasonSchema,
)
def _reject_shift(actor, shift_id, data):
    return moderation.reject_shift(actor, shift_id, data["reason"])


@_decision(
    "worker-skills/<int:worker_skill_id>/verify",
    "Verify a worker's skill, at the declared level or another.",
    WorkerSkillSchema,
    SkillVerifySchema,
)
def _verify_skill(actor, worker_skill_id, data):
    return moderation.verify_worker_skill(
        actor, worker_skill_id, data["level"], association_id=data["association_id"]
    )


@_decision(
    "worker-certificates/<int:worker_certificate_id>/verify",
    "Verify a certificate a worker holds, if it has not expired.",
    WorkerCertificateSchema,
    CertificateVerifySchema,
)
def _verify_certificate(actor, worker_certificate_id, data):
    return moderation.verify_worker_certificate(
        actor, worker_certificate_id, association_id=data["association_id"]
    )


@_decision(
    "users/<int:user_id>/end-sessions",
    "Admins only: log a user out everywhere (every session ended, every API token revoked).",
    EndedSessionsSchema,
)
def _end_sessions(actor, user_id, data):
    return sessions.end_all(actor, user_id)


@blp.post("/workers/<int:worker_id>/contact")
@auth_required(blp)
@blp.arguments(ContactReasonSchema)
@blp.response(200, WorkerContactSchema)
@blp.alt_response(404, response="NOT_FOUND")
def worker_contact(data, worker_id):
    """A tied worker's mobile and ID number in full, for a moderator who gives a reason.

    Everywhere else these numbers are masked; each request here is an audit event with the
    reason (not the numbers).
    """
    return association_queries.worker_contact(current_actor(), worker_id, data["reason"])
