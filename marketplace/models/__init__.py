"""All models, imported here so that metadata and Alembic see every table."""

from .accounts import AttemptKind, AuthAttempt, Role, User, UserSession, UserStatus
from .applications import PLACE_HOLDING_STATES, Application, ApplicationStatus, Assignment
from .audit import AuditEvent
from .organisations import (
    Association,
    District,
    Factory,
    FactoryMember,
    Industry,
    MemberRole,
    MemberStatus,
    Site,
    VerificationStatus,
)
from .shifts import (
    PickupPoint,
    Shift,
    ShiftCertificate,
    ShiftPreferredSkill,
    ShiftRequiredSkill,
    ShiftStatus,
)
from .skills import CertificateType, Skill
from .types import utcnow
from .workers import (
    ALL_KINDS_MASK,
    AvailabilityWindow,
    WorkerCertificate,
    WorkerKind,
    WorkerProfile,
    WorkerSkill,
    kinds_to_mask,
    mask_to_kinds,
)

__all__ = [
    "ALL_KINDS_MASK",
    "PLACE_HOLDING_STATES",
    "Application",
    "ApplicationStatus",
    "Assignment",
    "Association",
    "AttemptKind",
    "AuditEvent",
    "AuthAttempt",
    "AvailabilityWindow",
    "CertificateType",
    "District",
    "Factory",
    "FactoryMember",
    "Industry",
    "MemberRole",
    "MemberStatus",
    "PickupPoint",
    "Role",
    "Shift",
    "ShiftCertificate",
    "ShiftPreferredSkill",
    "ShiftRequiredSkill",
    "ShiftStatus",
    "Site",
    "Skill",
    "User",
    "UserSession",
    "UserStatus",
    "VerificationStatus",
    "WorkerCertificate",
    "WorkerKind",
    "WorkerProfile",
    "WorkerSkill",
    "kinds_to_mask",
    "mask_to_kinds",
    "utcnow",
]
