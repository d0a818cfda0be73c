"""Small helpers every service uses: committing with a clear conflict, free-text fields."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, Invalid
from ..extensions import db


def flush(conflict_message) -> None:
    """Flush now, so a constraint the database refuses becomes a Conflict with the message."""
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(conflict_message) from exc


def commit(conflict_message) -> None:
    """Commit; a constraint the database refused becomes a Conflict with the message."""
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(conflict_message) from exc


@contextmanager
def committing(conflict_message) -> Iterator[None]:
    """Run the block's writes and commit; a constraint refused in the block or at the
    commit (a flush inside the block can hit it first) becomes a Conflict."""
    try:
        yield
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(conflict_message) from exc


def text_field(
    value: str | None, field: str = "reason", *, required: bool = False, max_length=None
) -> str:
    """Free text, stripped; Invalid on the field when required and blank, or too long."""
    value = (value or "").strip()
    if required and not value:
        message = _l("Give a reason.")
        raise Invalid(message, fields={field: [message]})
    if max_length is not None and len(value) > max_length:
        message = _l("Use at most %(n)d characters.", n=max_length)
        raise Invalid(message, fields={field: [message]})
    return value
