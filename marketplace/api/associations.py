"""What an association's moderators read: the review queue, members, workers, reports, audit."""

from ..schemas.moderation import (
    AuditArgsSchema,
    AuditPageSchema,
    MemberFactoryListSchema,
    QueueArgsSchema,
    QueueSchema,
    ReportListArgsSchema,
    ReportListSchema,
    TiedWorkerListSchema,
)
from ..services.moderation import association_queries, reports
from .base import Blueprint
from .security import auth_required, current_actor

blp = Blueprint(
    "api_associations",
    __name__,
    url_prefix="/associations",
    description="For an association's moderators: what waits for them, who they oversee, "
    "the reports filed with them and their audit trail.",
)


@blp.get("/<int:association_id>/queue")
@auth_required(blp)
@blp.arguments(QueueArgsSchema, location="query")
@blp.response(200, QueueSchema)
@blp.alt_response(404, response="NOT_FOUND")
def review_queue(args, association_id):
    """Factories to verify, shifts to review, skills and certificates to verify, open reports."""
    return reports.review_queue(current_actor(), association_id, limit=args["limit"])


@blp.get("/<int:association_id>/members")
@auth_required(blp)
@blp.response(200, MemberFactoryListSchema)
@blp.alt_response(404, response="NOT_FOUND")
def member_factories(association_id):
    """The association's member factories, by name, with their status."""
    return {"items": association_queries.member_factories(current_actor(), association_id)}


@blp.get("/<int:association_id>/workers")
@auth_required(blp)
@blp.response(200, TiedWorkerListSchema)
@blp.alt_response(404, response="NOT_FOUND")
def tied_workers(association_id):
    """Workers lent by its members, who applied to their shifts or trained with it."""
    return {"items": association_queries.tied_workers(current_actor(), association_id)}


@blp.get("/<int:association_id>/reports")
@auth_required(blp)
@blp.arguments(ReportListArgsSchema, location="query")
@blp.response(200, ReportListSchema)
@blp.alt_response(404, response="NOT_FOUND")
def list_reports(args, association_id):
    """The reports filed with the association, newest first, optionally of one status."""
    found = reports.list_reports(current_actor(), association_id, args.get("status"))
    return {"items": found}


@blp.get("/<int:association_id>/audit-events")
@auth_required(blp)
@blp.arguments(AuditArgsSchema, location="query")
@blp.response(200, AuditPageSchema)
def audit_events(args, association_id):
    """The association's audit trail, newest first, a page at a time."""
    events = reports.audit_events(
        current_actor(), association_id, limit=args["limit"], before_id=args["before_id"]
    )
    full = len(events) == args["limit"]
    return {"items": events, "next_before_id": events[-1].id if full else None}
