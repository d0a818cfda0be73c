"""An association's own weights for the score: set by its moderators, used by both rankings."""

import pytest

from marketplace.errors import Forbidden, Invalid
from marketplace.extensions import db
from marketplace.matching.terms import DEFAULT_WEIGHTS
from marketplace.models import Association, Role, ShiftRequiredSkill, WorkerSkill
from marketplace.services.ranking import bridge as matching
from marketplace.services.ranking.recommendations import recommend_shifts
from marketplace.services.ranking.weights import set_weights, weights_of
from tests.helpers import events, staff


def _shift_and_workers(make_shift, make_worker, loom):
    shift = make_shift(headcount=3)
    db.session.add(ShiftRequiredSkill(shift_id=shift.id, skill_id=loom.id, min_level=1))
    near, far = make_worker(), make_worker()
    near.home_lat += 2 / 111.2
    far.home_lat += 12 / 111.2
    # The far worker has the better record: with reliability alone they would come first.
    far.shifts_completed = 40
    near.no_shows = 3
    for worker in (near, far):
        db.session.add(WorkerSkill(worker_id=worker.id, skill_id=loom.id, level=3))
    db.session.commit()
    return shift, near, far


def test_an_associations_weights_decide_its_rankings(make_shift, make_worker, moderator_of, loom):
    shift, near, far = _shift_and_workers(make_shift, make_worker, loom)
    association_id = shift.factory.association_id
    moderator = moderator_of(shift.factory)
    assert weights_of(shift.factory.association) == DEFAULT_WEIGHTS

    set_weights(moderator, association_id, {"distance": 0.0, "reliability": 1.0})
    ranked = matching.rank_workers(staff(shift), shift.id)
    assert [c.worker_id for c in ranked] == [far.id, near.id]
    assert all(c.breakdown["distance"] == 0 and c.breakdown["skill"] == 0 for c in ranked)
    recommended = recommend_shifts(far.user)
    assert recommended[0].breakdown == ranked[0].breakdown  # the same weights both ways

    set_weights(moderator, association_id, {"skill": 0, "distance": 0.6, "reliability": 0})
    assert db.session.get(Association, association_id).matching_weights["distance"] == 1.0
    ranked = matching.rank_workers(staff(shift), shift.id)
    assert [c.worker_id for c in ranked] == [near.id, far.id]
    for candidate in ranked:
        assert abs(sum(candidate.breakdown.values()) - candidate.score) < 1e-12

    set_weights(moderator, association_id, None)
    assert weights_of(db.session.get(Association, association_id)) == DEFAULT_WEIGHTS
    assert len(events("association.matching_weights")) == 3


def test_only_the_associations_moderators_set_its_weights(make_shift, make_user, make_association):
    shift = make_shift()
    other = make_user(Role.MODERATOR, association=make_association())
    with pytest.raises(Forbidden):
        set_weights(other, shift.factory.association_id, {"skill": 1})
    with pytest.raises(Forbidden):
        set_weights(staff(shift), shift.factory.association_id, {"skill": 1})
    assert db.session.get(Association, shift.factory.association_id).matching_weights is None


@pytest.mark.parametrize(
    ("weights", "field"),
    [
        ({"skill": -0.1}, "skill"),
        ({"distance": 2}, "distance"),
        ({"reliability": "high"}, "reliability"),
        ({"skill": True}, "skill"),
        ({"charm": 0.5}, "charm"),
        ({"skill": 0, "distance": 0, "reliability": 0}, "skill"),
    ],
)
def test_bad_weights_are_refused_per_field(make_shift, moderator_of, weights, field):
    shift = make_shift()
    with pytest.raises(Invalid) as refused:
        set_weights(moderator_of(shift.factory), shift.factory.association_id, weights)
    assert field in refused.value.fields
    assert db.session.get(Association, shift.factory.association_id).matching_weights is None
