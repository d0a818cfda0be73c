"""A worker's availability windows: when they can take a shift. Absent windows mean any time.

Only the worker themself may change them; every change is audited and committed on its own.
"""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from ...errors import Invalid
from ...extensions import db
from ...models import AvailabilityWindow, User, WorkerProfile, utcnow
from ..common import commit
from .profile import _CHANGED, _CORRECT, _own_item, _record, own_worker

AVAILABILITY_MAX_DAYS = 366
AVAILABILITY_MAX_WINDOWS = 60


def _window_errors(worker: WorkerProfile, starts_at, ends_at) -> dict:
    errors: dict = {}
    for field, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not isinstance(value, datetime) or value.tzinfo is None:
            errors[field] = [_l("Enter a date and time.")]
    if errors:
        return errors
    if ends_at <= starts_at:
        errors["ends_at"] = [_l("The end must come after the start.")]
    elif ends_at <= utcnow():
        errors["ends_at"] = [_l("This time is already over; enter one still to come.")]
    elif ends_at - starts_at > timedelta(days=AVAILABILITY_MAX_DAYS):
        errors["ends_at"] = [_l("A window may last at most %(n)d days.", n=AVAILABILITY_MAX_DAYS)]
    elif any(w.starts_at < ends_at and w.ends_at > starts_at for w in worker.availability):
        errors["starts_at"] = [_l("This overlaps a time you already gave; change that one.")]
    elif len(worker.availability) >= AVAILABILITY_MAX_WINDOWS:
        errors["starts_at"] = [
            _l(
                "You can give at most %(n)d times; remove old ones first.",
                n=AVAILABILITY_MAX_WINDOWS,
            )
        ]
    return errors


def add_availability(
    actor: User, worker_id: int, starts_at: datetime, ends_at: datetime
) -> AvailabilityWindow:
    """Add a time the worker can work; with none at all the worker counts as always available."""
    worker = own_worker(actor, worker_id, "worker.add_availability")
    errors = _window_errors(worker, starts_at, ends_at)
    if errors:
        raise Invalid(_CORRECT, fields=errors)
    window = AvailabilityWindow(worker=worker, starts_at=starts_at, ends_at=ends_at)
    db.session.add(window)
    _record("worker.availability_added", actor, window, worker)
    commit(_CHANGED)
    return window


def remove_availability(actor: User, window_id: int) -> None:
    """Remove one of the worker's availability windows."""
    window = _own_item(
        actor,
        AvailabilityWindow,
        window_id,
        "worker.remove_availability",
        _l("No such time on your profile."),
    )
    worker = window.worker
    _record("worker.availability_removed", actor, window, worker)
    worker.availability.remove(window)
    commit(_CHANGED)
