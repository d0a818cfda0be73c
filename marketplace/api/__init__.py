"""JSON API under /api/v1. The full resource set arrives with the API issue."""

from flask import Blueprint, current_app, request

from ..schemas.shifts import ShiftListSchema
from ..services import shifts

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")


@api_bp.get("/shifts")
def list_shifts():
    """Open shifts, soonest first; ?page= and ?district= as on the home page."""
    listing = shifts.list_open_shifts(
        page=request.args.get("page", 1, type=int),
        per_page=min(
            request.args.get("per_page", current_app.config["SHIFTS_PER_PAGE"], type=int), 100
        ),
        district_id=request.args.get("district", type=int),
    )
    return ShiftListSchema().dump(listing)
