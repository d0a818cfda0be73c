"""Authorisation inside services: ask policy.py, and on refusal audit and raise."""

from flask_babel import lazy_gettext as _l

from ..errors import Forbidden
from . import audit


def require(allowed: bool, actor, action: str, obj=None) -> None:
    """Raise Forbidden, after recording the refusal as an audit event, unless allowed."""
    if allowed:
        return
    audit.record_refusal(action, actor=actor, obj=obj)
    raise Forbidden(_l("You are not allowed to do this."))
