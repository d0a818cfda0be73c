"""Organisations: factories (registration, joining, staff), their sites, and the reference data
the forms offer (districts, associations, skills, certificate types).
"""

from .factories import (
    admit_member,
    factory_members,
    pending_members,
    register_joining_factory,
    register_with_new_factory,
)
from .reference import associations, certificate_types, districts, skills
from .sites import add_site

__all__ = [
    "add_site",
    "admit_member",
    "associations",
    "certificate_types",
    "districts",
    "factory_members",
    "pending_members",
    "register_joining_factory",
    "register_with_new_factory",
    "skills",
]
