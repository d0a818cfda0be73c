"""Reports: anyone logged in reports a factory, shift or worker; its association closes it.

An association's reports are listed under /associations/{id}/reports.
"""

from ..schemas.moderation import ReportInputSchema, ReportSchema, ResolutionSchema
from ..services.moderation import reports
from .base import Blueprint
from .security import auth_required, current_actor

blp = Blueprint(
    "api_reports",
    __name__,
    url_prefix="/reports",
    description="Reporting a problem with a factory, a shift or a worker, and closing reports.",
)


@blp.post("")
@auth_required(blp)
@blp.arguments(ReportInputSchema)
@blp.response(201, ReportSchema)
@blp.alt_response(404, response="NOT_FOUND")
def file_report(data):
    """Report a factory, shift or worker to the association responsible for it."""
    return reports.file_report(
        current_actor(),
        data["target_type"],
        data["target_id"],
        data["category"],
        data["description"],
    )


@blp.post("/<int:report_id>/resolve")
@auth_required(blp)
@blp.arguments(ResolutionSchema)
@blp.response(200, ReportSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def resolve_report(data, report_id):
    """Close an open report with what the association did about it."""
    return reports.resolve_report(current_actor(), report_id, data["resolution"])


@blp.post("/<int:report_id>/dismiss")
@auth_required(blp)
@blp.arguments(ResolutionSchema)
@blp.response(200, ReportSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def dismiss_report(data, report_id):
    """Close an open report that needs no action, saying why."""
    return reports.dismiss_report(current_actor(), report_id, data["resolution"])
