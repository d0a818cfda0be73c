"""Notifications: queued inside the caller's transaction, their messages by kind, the in-app inbox,
and e-mail delivery.
"""

# inbox.inbox() is not exported here: the name would hide its module.

from .inbox import mark_all_read, mark_read, unread_count
from .mail import deliver_pending
from .notifications import (
    factory_staff_ids,
    moderator_ids,
    notify,
    notify_each,
    notify_many,
    render,
)

__all__ = [
    "deliver_pending",
    "factory_staff_ids",
    "mark_all_read",
    "mark_read",
    "moderator_ids",
    "notify",
    "notify_each",
    "notify_many",
    "render",
    "unread_count",
]
