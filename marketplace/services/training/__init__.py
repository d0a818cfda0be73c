"""Training: sessions published by associations, enrolment and withdrawal, completion and the
skills or certificates it grants, and who may read which session.
"""

from .access import publish, sessions_for, visible_session
from .grants import complete_training
from .loading import commit, load_session, require_published
from .sessions import cancel_training, enrol, publish_training, withdraw_enrolment

__all__ = [
    "cancel_training",
    "commit",
    "complete_training",
    "enrol",
    "load_session",
    "publish",
    "publish_training",
    "require_published",
    "sessions_for",
    "visible_session",
    "withdraw_enrolment",
]
