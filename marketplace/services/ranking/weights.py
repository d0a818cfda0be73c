"""Each association's tuning of the score: how much skill, distance and reliability weigh."""

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from ... import policy
from ...errors import Invalid, NotFound
from ...extensions import db
from ...matching.terms import DEFAULT_WEIGHTS, TERMS, weight_vector
from ...models import Association, User
from .. import audit, authz
from ..common import commit


def weights_of(association: Association | None) -> Mapping[str, float]:
    """The association's weights, or the defaults when it has set none."""
    if association is None or not association.matching_weights:
        return DEFAULT_WEIGHTS
    return association.matching_weights


def set_weights(actor: User, association_id: int, weights: Mapping | None) -> Association:
    """A moderator sets the association's weights (None: back to the defaults)."""
    association = db.session.get(Association, association_id)
    if association is None:
        raise NotFound(_l("No such association."))
    allowed = policy.moderates(actor, association.id)
    authz.require(allowed, actor, "association.matching_weights", association)
    stored = None if weights is None else _validated(weights)
    before = association.matching_weights
    association.matching_weights = stored
    audit.record(
        "association.matching_weights",
        actor=actor,
        obj=association,
        association_id=association.id,
        before=before,
        after=stored,
    )
    commit(_l("This association changed a moment ago; reload the page."))
    return association


def _validated(weights: Mapping) -> dict[str, float]:
    """Weights for every term, each a number from 0 to 1, summing to 1 once scaled."""
    errors = {}
    for term in TERMS:
        value = weights.get(term, 0)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            errors[term] = [_l("Give a weight from 0 to 1.")]
    unknown = set(weights) - set(TERMS)
    for term in sorted(unknown):
        errors[str(term)] = [_l("There is no such score term.")]
    if errors:
        raise Invalid(_l("Check the weights."), fields=errors)
    try:
        vector = weight_vector({term: float(weights.get(term, 0)) for term in TERMS})
    except ValueError:
        message = _l("At least one weight must be above 0.")
        raise Invalid(message, fields={term: [message] for term in TERMS}) from None
    return {term: round(float(v), 6) for term, v in zip(TERMS, vector, strict=True)}
