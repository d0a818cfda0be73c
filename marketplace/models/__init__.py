"""All models, imported here so that metadata and Alembic see every table."""

from .accounts import ApiToken, AttemptKind, AuthAttempt, Role, User, UserSession, UserStatus
from .applications import (
    PLACE_HOLDING_STATES,
    WORKER_ACCEPTED_STATES,
    Application,
    ApplicationOrigin,
    ApplicationStatus,
    Assignment,
    Rating,
    RatingDirection,
)
from .audit import AuditEvent
from .lending import AgreementStatus, LendingAgreement, Payer
from .matching import MatchingState
from .moderation import Report, ReportCategory, ReportStatus, ReportTarget
from .notifications import Notification
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
from .placement import (
    ACTIVE_RUN_STATES,
    PlacementProposal,
    PlacementRun,
    ProposalStatus,
    RunObjective,
    RunStatus,
)
from .roster import ImportStatus, Invitation, RosterImport
from .shifts import (
    PickupPoint,
    Shift,
    ShiftCertificate,
    ShiftPreferredSkill,
    ShiftRequiredSkill,
    ShiftStatus,
)
from .skills import CertificateType, Skill
from .training import EnrolmentStatus, TrainingEnrolment, TrainingSession, TrainingStatus
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
    "ACTIVE_RUN_STATES",
    "ALL_KINDS_MASK",
    "PLACE_HOLDING_STATES",
    "WORKER_ACCEPTED_STATES",
    "AgreementStatus",
    "ApiToken",
    "Application",
    "ApplicationOrigin",
    "ApplicationStatus",
    "Assignment",
    "Association",
    "AttemptKind",
    "AuditEvent",
    "AuthAttempt",
    "AvailabilityWindow",
    "CertificateType",
    "District",
    "EnrolmentStatus",
    "Factory",
    "FactoryMember",
    "ImportStatus",
    "Industry",
    "Invitation",
    "LendingAgreement",
    "MatchingState",
    "MemberRole",
    "MemberStatus",
    "Notification",
    "Payer",
    "PickupPoint",
    "PlacementProposal",
    "PlacementRun",
    "ProposalStatus",
    "Rating",
    "RatingDirection",
    "Report",
    "ReportCategory",
    "ReportStatus",
    "ReportTarget",
    "Role",
    "RosterImport",
    "RunObjective",
    "RunStatus",
    "Shift",
    "ShiftCertificate",
    "ShiftPreferredSkill",
    "ShiftRequiredSkill",
    "ShiftStatus",
    "Site",
    "Skill",
    "TrainingEnrolment",
    "TrainingSession",
    "TrainingStatus",
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
