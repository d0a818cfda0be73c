"""Who reads which training session, and publishing for one's own association."""

from datetime import timedelta

import pytest

from marketplace.errors import Forbidden, Invalid, NotFound
from marketplace.models import EnrolmentStatus, Role, utcnow
from marketplace.services.training import access as training_access
from marketplace.services.training import sessions as training
from tests.helpers import audited


@pytest.fixture
def world(make_association, make_user, make_worker, loom):
    association = make_association()
    moderator = make_user(Role.MODERATOR, association=association)
    starts = utcnow() + timedelta(days=1)
    data = training.TrainingInput(
        title="挡车速成班",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        capacity=5,
        skill_id=loom.id,
        level_granted=2,
    )
    return {
        "moderator": moderator,
        "worker": make_worker(),
        "session": training_access.publish(moderator, None, data),
        "data": data,
    }


def test_moderators_read_their_associations_sessions_with_every_enrolment(world):
    session = world["session"]
    training.enrol(world["worker"].user, session.id)
    (listed,) = training_access.sessions_for(world["moderator"])
    assert listed.session.id == session.id and listed.enrolments is None
    view = training_access.visible_session(world["moderator"], session.id)
    assert [e.worker_id for e in view.enrolments] == [world["worker"].id]


def test_a_worker_reads_open_sessions_with_their_own_enrolment(world):
    user = world["worker"].user
    training.enrol(user, world["session"].id)
    (listed,) = training_access.sessions_for(user)
    assert listed.my_enrolment == EnrolmentStatus.ENROLLED
    view = training_access.visible_session(user, world["session"].id)
    assert (view.my_enrolment, view.enrolments) == (EnrolmentStatus.ENROLLED, None)


def test_a_cancelled_session_is_hidden_from_workers_who_were_never_in_it(world, make_worker):
    training.cancel_training(world["moderator"], world["session"].id, "讲师生病")
    with pytest.raises(NotFound):
        training_access.visible_session(make_worker().user, world["session"].id)


def test_others_are_refused_and_the_refusal_recorded(
    world, make_factory, make_association, make_user
):
    staff = make_factory().members[0].user
    stranger = make_user(Role.MODERATOR, association=make_association())
    for outsider in (staff, stranger):
        with pytest.raises(Forbidden):
            training_access.visible_session(outsider, world["session"].id)
    assert audited("denied.training.view") == 2


def test_publishing_without_an_association_of_ones_own(world, make_factory, make_user):
    with pytest.raises(Forbidden):
        training_access.publish(make_factory().members[0].user, None, world["data"])
    with pytest.raises(Invalid) as refused:
        training_access.publish(make_user(Role.ADMIN), None, world["data"])
    assert list(refused.value.fields) == ["association_id"]
