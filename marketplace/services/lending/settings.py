"""A lender's own rules for lending its idle staff: the cap and the extra days allowed."""

from flask_babel import lazy_gettext as _l

from ... import policy
from ...errors import Invalid, NotFound
from ...extensions import db
from ...models import Factory, User
from .. import audit, authz

MAX_EXTRA_DAYS = 60


def set_lending_rules(
    actor: User, factory_id: int, *, cap: int | None, max_extra_days: int
) -> Factory:
    """The lender's staff set how many staff may be out at once and the extra days allowed."""
    factory = db.session.get(Factory, factory_id)
    if factory is None:
        raise NotFound(_l("No such factory."))
    authz.require(policy.can_act_for_factory(actor, factory), actor, "lending.rules", factory)
    errors: dict = {}
    if cap is not None and (not _is_int(cap) or cap < 0):
        errors["cap"] = [_l("Enter how many staff may be out at once: 0 or more, or no cap.")]
    if not _is_int(max_extra_days) or not 0 <= max_extra_days <= MAX_EXTRA_DAYS:
        errors["max_extra_days"] = [
            _l("Enter the extra days allowed: 0 to %(days)d.", days=MAX_EXTRA_DAYS)
        ]
    if errors:
        raise Invalid(_l("Please correct the marked fields."), fields=errors)
    old = {"old_cap": factory.lending_cap, "old_max_extra_days": factory.lending_max_extra_days}
    factory.lending_cap, factory.lending_max_extra_days = cap, max_extra_days
    audit.record(
        "factory.lending_rules_changed",
        actor=actor,
        obj=factory,
        association_id=factory.association_id,
        **old,
        cap=cap,
        max_extra_days=max_extra_days,
    )
    db.session.commit()
    return factory


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
