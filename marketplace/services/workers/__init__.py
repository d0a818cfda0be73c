"""Workers: a worker's own profile (as the pages and the API's /workers/me address it), skills,
certificates, availability windows, and what the worker pages read.
"""

from .availability import add_availability, remove_availability
from .certificates import remove_certificate, set_certificate
from .me import (
    add_my_availability,
    home_source,
    my_availability,
    my_certificates,
    my_profile,
    my_skills,
    patch_profile,
    profile_input,
    remove_my_availability,
    remove_my_certificate,
    remove_my_skill,
    set_my_certificate,
    set_my_skill,
)
from .profile import own_worker, remove_skill, set_skill, update_profile
from .queries import (
    actions_for,
    certificate_types,
    lender_factories,
    my_agreements,
    my_application,
    my_applications,
    recommended_shifts,
    shift_for_worker,
    skills,
    training_sessions,
)

__all__ = [
    "actions_for",
    "add_availability",
    "add_my_availability",
    "certificate_types",
    "home_source",
    "lender_factories",
    "my_agreements",
    "my_application",
    "my_applications",
    "my_availability",
    "my_certificates",
    "my_profile",
    "my_skills",
    "own_worker",
    "patch_profile",
    "profile_input",
    "recommended_shifts",
    "remove_availability",
    "remove_certificate",
    "remove_my_availability",
    "remove_my_certificate",
    "remove_my_skill",
    "remove_skill",
    "set_certificate",
    "set_my_certificate",
    "set_my_skill",
    "set_skill",
    "shift_for_worker",
    "skills",
    "training_sessions",
    "update_profile",
]
