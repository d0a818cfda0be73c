"""The caller's own in-app inbox: list, unread count, and marking read."""

from ..schemas.notifications import (
    InboxArgsSchema,
    MarkedSchema,
    NotificationListSchema,
    NotificationSchema,
    UnreadCountSchema,
)
from ..services.notify import inbox, notifications
from .base import Blueprint
from .security import auth_required, current_actor

blp = Blueprint(
    "api_notifications",
    __name__,
    url_prefix="/notifications",
    description="The caller's notifications, in the caller's language.",
)
FIELDS = ("id", "kind", "object_type", "object_id", "created_at", "read_at")


def _shown(notification) -> dict:
    """The notification with its title and body rendered in the request's language."""
    title, body = notifications.render(notification)
    return {**{name: getattr(notification, name) for name in FIELDS}, "title": title, "body": body}


@blp.get("")
@auth_required(blp)
@blp.arguments(InboxArgsSchema, location="query")
@blp.response(200, NotificationListSchema)
def list_notifications(args):
    """The caller's notifications, newest first."""
    found = inbox.inbox(current_actor(), unread_only=args["unread_only"], limit=args["limit"])
    return {"items": [_shown(n) for n in found]}


@blp.get("/unread-count")
@auth_required(blp)
@blp.response(200, UnreadCountSchema)
def unread_count():
    """How many of the caller's notifications are unread."""
    return {"unread": inbox.unread_count(current_actor())}


@blp.post("/<int:notification_id>/read")
@auth_required(blp)
@blp.response(200, NotificationSchema)
@blp.alt_response(404, response="NOT_FOUND")
def mark_read(notification_id):
    """Mark one of the caller's notifications read (again is harmless)."""
    return _shown(inbox.mark_read(current_actor(), notification_id))


@blp.post("/read-all")
@auth_required(blp)
@blp.response(200, MarkedSchema)
def mark_all_read():
    """Mark all the caller's notifications read."""
    return {"marked": inbox.mark_all_read(current_actor())}
