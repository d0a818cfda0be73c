"""Who may act for a factory, admit its staff, and suspend accounts."""

from marketplace import policy
from marketplace.extensions import db
from marketplace.models import FactoryMember, MemberRole, MemberStatus, Role, VerificationStatus


def _member(factory, user, role=MemberRole.STAFF, status=MemberStatus.ACTIVE):
    member = FactoryMember(factory=factory, user=user, role=role, status=status)
    db.session.add(member)
    db.session.commit()
    return member


def test_staff_act_only_for_their_own_admitted_factory(make_factory, make_user):
    mine, theirs = make_factory(), make_factory()
    staff = make_user(Role.FACTORY_STAFF)
    _member(mine, staff)
    assert policy.can_act_for_factory(staff, mine)
    assert not policy.can_act_for_factory(staff, theirs)
    waiting = make_user(Role.FACTORY_STAFF)
    _member(mine, waiting, status=MemberStatus.PENDING)
    assert not policy.can_act_for_factory(waiting, mine)


def test_a_suspended_or_rejected_factory_cannot_act(make_factory):
    factory = make_factory(status=VerificationStatus.PENDING)
    owner = factory.members[0].user
    assert policy.can_act_for_factory(owner, factory)  # pending: postings await review
    for status in (VerificationStatus.SUSPENDED, VerificationStatus.REJECTED):
        factory.verification_status = status
        db.session.commit()
        assert not policy.can_act_for_factory(owner, factory)


def test_only_owners_admit_staff(make_factory, make_user):
    factory = make_factory()
    staff = make_user(Role.FACTORY_STAFF)
    _member(factory, staff)
    assert policy.can_admit_member(factory.members[0].user, factory)
    assert not policy.can_admit_member(staff, factory)


def test_moderators_suspend_within_their_association_only(make_factory, make_user):
    factory = make_factory()
    own_moderator = make_user(Role.MODERATOR, association=factory.association)
    other_factory = make_factory()
    other_moderator = make_user(Role.MODERATOR, association=other_factory.association)
    staff = factory.members[0].user
    admin = make_user(Role.ADMIN)
    assert policy.can_suspend_user(own_moderator, staff)
    assert not policy.can_suspend_user(other_moderator, staff)
    assert not policy.can_suspend_user(own_moderator, other_moderator)
    assert policy.can_suspend_user(admin, own_moderator)
    assert not policy.can_suspend_user(admin, admin)


def test_a_refusal_is_recorded_where_the_target_association_can_read_it(make_shift, make_user):
    import pytest
    import sqlalchemy as sa

    from marketplace.errors import Forbidden
    from marketplace.models import AuditEvent
    from marketplace.services import authz

    shift = make_shift()
    outsider = make_user(Role.FACTORY_STAFF)
    with pytest.raises(Forbidden):
        authz.require(policy.can_manage_shift(outsider, shift), outsider, "shift.update", shift)
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "denied.shift.update")
    )
    assert event.actor_id == outsider.id and event.object_id == shift.id
    assert event.association_id == shift.factory.association_id
