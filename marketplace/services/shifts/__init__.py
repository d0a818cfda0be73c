"""Shifts: posting, editing, publishing and cancelling them, closing early, the public list with its
filters, the API's access to one shift, and what the factory staff pages read.
"""

from .access import current_input, patch_shift, visible_shift
from .closing import close_shift, release_worker
from .factory_queries import (
    factory_agreements,
    factory_for,
    lending_candidate,
    managed_shift,
    my_factories,
    settlement,
    shift_attendance,
    shift_candidates,
    shift_choices,
    shift_group,
    shift_overview,
    shifts_by_group,
)
from .listing import filter_skills, is_open_for_applications, list_shifts, public_shift
from .posting import (
    cancel_shift,
    clean_reason,
    create_shift,
    load_shift,
    place_holder_user_ids,
    publish_shift,
    update_shift,
)
from .shift import fill_shift, shift_requirements, validate_shift_input

__all__ = [
    "cancel_shift",
    "clean_reason",
    "close_shift",
    "create_shift",
    "current_input",
    "factory_agreements",
    "factory_for",
    "fill_shift",
    "filter_skills",
    "is_open_for_applications",
    "lending_candidate",
    "list_shifts",
    "load_shift",
    "managed_shift",
    "my_factories",
    "patch_shift",
    "place_holder_user_ids",
    "public_shift",
    "publish_shift",
    "release_worker",
    "settlement",
    "shift_attendance",
    "shift_candidates",
    "shift_choices",
    "shift_group",
    "shift_overview",
    "shift_requirements",
    "shifts_by_group",
    "update_shift",
    "validate_shift_input",
    "visible_shift",
]
