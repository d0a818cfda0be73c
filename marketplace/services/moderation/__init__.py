"""Moderation: vetting factories, reviewing shifts, verifying skills, handling reports, and what
an association's moderators read.
"""

from .association_queries import (
    member_factories,
    tied_workers,
    training_session,
    training_sessions,
    worker_account,
    worker_contact,
)
from .decisions import (
    approve_shift,
    reinstate_factory,
    reject_factory,
    reject_shift,
    suspend_factory,
    verify_factory,
    verify_worker_certificate,
    verify_worker_skill,
)
from .reports import (
    audit_events,
    dismiss_report,
    file_report,
    list_reports,
    moderated_association,
    resolve_report,
    review_queue,
    tied_worker_ids,
)

__all__ = [
    "approve_shift",
    "audit_events",
    "dismiss_report",
    "file_report",
    "list_reports",
    "member_factories",
    "moderated_association",
    "reinstate_factory",
    "reject_factory",
    "reject_shift",
    "resolve_report",
    "review_queue",
    "suspend_factory",
    "tied_worker_ids",
    "tied_workers",
    "training_session",
    "training_sessions",
    "verify_factory",
    "verify_worker_certificate",
    "verify_worker_skill",
    "worker_account",
    "worker_contact",
]
