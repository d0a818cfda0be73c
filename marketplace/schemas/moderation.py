"""What an association's moderators read and decide: queue, members, workers, audit trail."""

from marshmallow import fields, validate

from ..identifiers import mask_mobile
from ..models import ReportCategory, ReportStatus, ReportTarget
from .common import Int, StrictSchema
from .shifts import MONEY


class DecisionReasonSchema(StrictSchema):
    """A decision that needs a reason the other side will read."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class EndedSessionsSchema(StrictSchema):
    """What an admin's "log out everywhere" ended."""

    user_id = fields.Integer(dump_only=True)
    sessions_ended = fields.Integer(dump_only=True)
    tokens_revoked = fields.Integer(dump_only=True)


class SkillVerifySchema(StrictSchema):
    level = Int(
        load_default=None,
        validate=validate.Range(min=1, max=5),
        metadata={"description": "The verified level if not the one the worker declared"},
    )
    association_id = Int(
        load_default=None, metadata={"description": "Admins only: the verifying association"}
    )


class CertificateVerifySchema(StrictSchema):
    association_id = Int(
        load_default=None, metadata={"description": "Admins only: the verifying association"}
    )


class MemberFactorySchema(StrictSchema):
    """A member factory; its credit code identifies a company, not a person."""

    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    uscc = fields.String(dump_only=True)
    industry = fields.Function(lambda f: f.industry.value, dump_only=True)
    association_id = fields.Integer(dump_only=True)
    verification_status = fields.Function(lambda f: f.verification_status.value, dump_only=True)
    status_reason = fields.String(dump_only=True, allow_none=True)
    verified_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    created_at = fields.AwareDateTime(dump_only=True)


class MemberFactoryListSchema(StrictSchema):
    items = fields.List(fields.Nested(MemberFactorySchema), dump_only=True)


class ReviewedShiftSchema(StrictSchema):
    """A shift as its reviewer sees it."""

    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    factory_id = fields.Integer(dump_only=True)
    factory = fields.Function(lambda s: s.factory.name, dump_only=True)
    status = fields.Function(lambda s: s.status.value, dump_only=True)
    starts_at = fields.AwareDateTime(dump_only=True)
    ends_at = fields.AwareDateTime(dump_only=True)
    headcount = fields.Integer(dump_only=True)
    hourly_pay_cny = fields.Decimal(as_string=True, dump_only=True, metadata=MONEY)
    reviewed_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    review_reason = fields.String(dump_only=True, allow_none=True)


class WorkerSkillSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    worker_id = fields.Integer(dump_only=True)
    worker_name = fields.Function(lambda s: s.worker.user.name, dump_only=True)
    skill_id = fields.Integer(dump_only=True)
    level = fields.Integer(dump_only=True)
    verified_by_association_id = fields.Integer(dump_only=True, allow_none=True)
    verified_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class WorkerCertificateSchema(StrictSchema):
    """No certificate number: the moderation pages do not show it either."""

    id = fields.Integer(dump_only=True)
    worker_id = fields.Integer(dump_only=True)
    worker_name = fields.Function(lambda c: c.worker.user.name, dump_only=True)
    certificate_type_id = fields.Integer(dump_only=True)
    valid_until = fields.Date(dump_only=True, allow_none=True)
    verified_by_association_id = fields.Integer(dump_only=True, allow_none=True)
    verified_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class ReportSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    target_type = fields.Function(lambda r: r.target_type.value, dump_only=True)
    target_id = fields.Integer(dump_only=True)
    association_id = fields.Integer(dump_only=True)
    category = fields.Function(lambda r: r.category.value, dump_only=True)
    description = fields.String(dump_only=True)
    status = fields.Function(lambda r: r.status.value, dump_only=True)
    resolution = fields.String(dump_only=True, allow_none=True)
    created_at = fields.AwareDateTime(dump_only=True)
    handled_at = fields.AwareDateTime(dump_only=True, allow_none=True)


class ReportListSchema(StrictSchema):
    items = fields.List(fields.Nested(ReportSchema), dump_only=True)


class ReportListArgsSchema(StrictSchema):
    status = fields.String(validate=validate.OneOf([s.value for s in ReportStatus]))


class QueueArgsSchema(StrictSchema):
    limit = Int(
        load_default=50,
        validate=validate.Range(min=1, max=200),
        metadata={"description": "Items per section, oldest first"},
    )


class QueueTotalsSchema(StrictSchema):
    factories = fields.Integer(dump_only=True)
    shifts = fields.Integer(dump_only=True)
    worker_skills = fields.Integer(dump_only=True)
    worker_certificates = fields.Integer(dump_only=True)
    reports = fields.Integer(dump_only=True)


class QueueSchema(StrictSchema):
    """What waits for the association: the oldest items of each section, and how many in all."""

    factories = fields.List(fields.Nested(MemberFactorySchema), dump_only=True)
    shifts = fields.List(fields.Nested(ReviewedShiftSchema), dump_only=True)
    worker_skills = fields.List(fields.Nested(WorkerSkillSchema), dump_only=True)
    worker_certificates = fields.List(fields.Nested(WorkerCertificateSchema), dump_only=True)
    reports = fields.List(fields.Nested(ReportSchema), dump_only=True)
    totals = fields.Nested(QueueTotalsSchema, dump_only=True)


class TiedWorkerSchema(StrictSchema):
    """A worker as the members page shows them: the mobile number masked, no ID number."""

    id = fields.Integer(dump_only=True)
    name = fields.Function(lambda w: w.user.name, dump_only=True)
    kind = fields.Function(lambda w: w.kind.value, dump_only=True)
    mobile_masked = fields.Function(
        lambda w: mask_mobile(w.user.mobile) or None,
        dump_only=True,
        metadata={"type": "string", "nullable": True, "example": "138****5678"},
    )
    account_status = fields.Function(lambda w: w.user.status.value, dump_only=True)
    lender_factory_id = fields.Integer(dump_only=True, allow_none=True)


class TiedWorkerListSchema(StrictSchema):
    items = fields.List(fields.Nested(TiedWorkerSchema), dump_only=True)


class AuditArgsSchema(StrictSchema):
    limit = Int(load_default=100, validate=validate.Range(min=1, max=500))
    before_id = Int(
        load_default=None,
        validate=validate.Range(min=1),
        metadata={"description": "Events older than this one: the previous page's next_before_id"},
    )


class AuditEventSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    at = fields.AwareDateTime(dump_only=True)
    actor_id = fields.Integer(dump_only=True, allow_none=True)
    actor_name = fields.Function(
        lambda e: e.actor.name if e.actor else None,
        dump_only=True,
        metadata={"type": "string", "nullable": True},
    )
    action = fields.String(dump_only=True)
    object_type = fields.String(dump_only=True, allow_none=True)
    object_id = fields.Integer(dump_only=True, allow_none=True)
    association_id = fields.Integer(dump_only=True, allow_none=True)
    details = fields.Dict(keys=fields.String(), dump_only=True)


class AuditPageSchema(StrictSchema):
    items = fields.List(fields.Nested(AuditEventSchema), dump_only=True)
    next_before_id = fields.Integer(
        dump_only=True,
        allow_none=True,
        metadata={"description": "Pass as before_id for older events; null on the last page"},
    )


class ReportInputSchema(StrictSchema):
    target_type = fields.String(
        required=True, validate=validate.OneOf([t.value for t in ReportTarget])
    )
    target_id = Int(required=True, metadata={"description": "The factory, shift or worker id"})
    category = fields.String(
        required=True, validate=validate.OneOf([c.value for c in ReportCategory])
    )
    description = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ResolutionSchema(StrictSchema):
    resolution = fields.String(
        required=True,
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "What was done, or why nothing is needed; the reporter reads it"},
    )


class ContactReasonSchema(StrictSchema):
    reason = fields.String(
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "Why the numbers are needed; kept in the audit trail"},
    )


class WorkerContactSchema(StrictSchema):
    """A worker's numbers in full: only through this audited request, only to moderators."""

    worker_id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    mobile = fields.String(dump_only=True, allow_none=True)
    email = fields.String(dump_only=True, allow_none=True)
    national_id = fields.String(dump_only=True, allow_none=True)
