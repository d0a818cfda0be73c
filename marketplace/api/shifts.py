"""Shifts: the public list with filters, one shift, and a factory's posting of its own."""

from flask_login import current_user

from ..schemas.shifts import (
    CancelSchema,
    MatchesArgsSchema,
    MatchesSchema,
    ShiftInputSchema,
    ShiftListArgsSchema,
    ShiftListSchema,
    ShiftPatchSchema,
    ShiftSchema,
)
from ..services.ranking import bridge as matching
from ..services.shifts import access as shift_access
from ..services.shifts import posting
from ..services.shifts.factory_queries import factory_for
from ..services.shifts.shift import ShiftFilters, ShiftInput, list_shifts
from .base import Blueprint
from .security import auth_required, current_actor

blp = Blueprint(
    "api_shifts",
    __name__,
    url_prefix="/shifts",
    description="Open shifts for everyone; drafts, publishing and candidates for their factory.",
)


def _viewer():
    return current_user._get_current_object() if current_user.is_authenticated else None


@blp.get("")
@blp.arguments(ShiftListArgsSchema, location="query", as_kwargs=True)
@blp.response(200, ShiftListSchema)
def list_shift_page(page, per_page, **filters):
    """Shifts soonest first, narrowed by the filters: open ones, or in a state by `status`."""
    listing = list_shifts(
        page=page,
        per_page=per_page,
        after=filters.get("cursor"),
        filters=ShiftFilters(
            status=filters["status"],
            district_id=filters.get("district"),
            industry=filters.get("industry"),
            skill_id=filters.get("skill"),
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
            near=filters.get("near"),
            within_km=filters.get("radius_km"),
        ),
        viewer=_viewer(),
    )
    listing.distances_km = {str(k): v for k, v in listing.distances_km.items()}
    return listing


def _shift_input(data: dict) -> ShiftInput:
    return ShiftInput(
        site_id=data["site_id"],
        title=data["title"],
        description=data["description"],
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        headcount=data["headcount"],
        hourly_pay_cny=data["hourly_pay_cny"],
        dormitory_beds=data["dormitory_beds"],
        max_distance_km=data["max_distance_km"],
        accepted_kinds=data["accepted_kinds"],
        **_requirements(data),
    )


def _requirements(data: dict) -> dict:
    """The nested lists of the body as ShiftInput's tuples (only those present)."""
    shapes = {
        "required_skills": lambda r: (r["skill_id"], r["min_level"]),
        "preferred_skills": lambda p: (p["skill_id"], p["weight"]),
        "pickup_points": lambda p: (p["name"], p["lat"], p["lon"]),
    }
    converted = {
        name: [shape(i) for i in data[name]] for name, shape in shapes.items() if name in data
    }
    if "required_certificate_ids" in data:
        converted["required_certificate_ids"] = data["required_certificate_ids"]
    return converted


@blp.post("")
@auth_required(blp)
@blp.arguments(ShiftInputSchema)
@blp.response(201, ShiftSchema)
@blp.alt_response(404, response="NOT_FOUND")
def create_shift(data):
    """Create a draft shift at one of the caller's factory's sites."""
    actor = current_actor()
    factory = factory_for(actor, data.get("factory_id"))
    return posting.create_shift(actor, factory.id, _shift_input(data))


@blp.get("/<int:shift_id>")
@blp.response(200, ShiftSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_shift(shift_id):
    """A published shift; drafts and shifts under review only for their factory and moderators."""
    return shift_access.visible_shift(_viewer(), shift_id)


@blp.patch("/<int:shift_id>")
@auth_required(blp)
@blp.arguments(ShiftPatchSchema)
@blp.response(200, ShiftSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def update_shift(data, shift_id):
    """Change some fields of a draft, pending or open shift."""
    changes = {**data, **_requirements(data)}
    return shift_access.patch_shift(current_actor(), shift_id, changes)


@blp.post("/<int:shift_id>/publish")
@auth_required(blp)
@blp.response(200, ShiftSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def publish_shift(shift_id):
    """Open a draft (a verified factory's at once; others go to review)."""
    return posting.publish_shift(current_actor(), shift_id)


@blp.post("/<int:shift_id>/cancel")
@auth_required(blp)
@blp.arguments(CancelSchema)
@blp.response(200, ShiftSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def cancel_shift(data, shift_id):
    """Cancel a shift with a reason; its workers are told."""
    return posting.cancel_shift(current_actor(), shift_id, data["reason"])


@blp.get("/<int:shift_id>/matches")
@auth_required(blp)
@blp.arguments(MatchesArgsSchema, location="query")
@blp.response(200, MatchesSchema)
@blp.alt_response(404, response="NOT_FOUND")
def matches(args, shift_id):
    """The best eligible workers for the shift, with each score's parts and the distance."""
    return {"items": matching.rank_workers(current_actor(), shift_id, k=args["limit"])}
