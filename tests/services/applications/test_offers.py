"""Offers: made and rejected by the factory, answered by the worker, expired by a command."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.errors import Conflict, Forbidden, Invalid, NotFound
from marketplace.extensions import db
from marketplace.models import (
    Application,
    ApplicationStatus,
    Assignment,
    AuditEvent,
    Industry,
    Role,
    Shift,
    ShiftRequiredSkill,
    Skill,
    UserStatus,
    utcnow,
)
from marketplace.services.applications import applying as applications
from marketplace.services.applications import offer_expiry, offers
from tests.helpers import audited, notified, staff, status_of

S = ApplicationStatus


def row(worker, shift, status, *, expires_in=timedelta(hours=5), minutes_ago=0) -> Application:
    """An application in a given state, written directly (the triggers count places)."""
    application = Application(
        worker_id=worker.id,
        shift_id=shift.id,
        status=status,
        offered_at=utcnow() if status == S.OFFERED else None,
        offer_expires_at=utcnow() + expires_in if status == S.OFFERED else None,
        created_at=utcnow() - timedelta(minutes=minutes_ago),
    )
    db.session.add(application)
    db.session.commit()
    return application


@pytest.fixture
def applied(make_worker, make_shift):
    worker, shift = make_worker(), make_shift()
    return applications.apply(worker.user, shift.id)


def test_staff_make_an_offer_with_a_deadline(applied):
    shift = applied.shift
    offered = offers.offer(staff(shift), applied.id)
    assert offered.status == S.OFFERED
    deadline = utcnow() + timedelta(hours=24)
    assert abs((offered.offer_expires_at - deadline).total_seconds()) < 60
    assert notified(applied.worker.user_id, "offer_made") == 1
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "application.offered")
    )
    assert event.actor_id == staff(shift).id
    assert event.association_id == shift.factory.association_id


def test_the_offer_deadline_can_be_shorter_but_never_after_the_start(make_worker, make_shift):
    soon = make_shift(starts_in_hours=3)
    application = applications.apply(make_worker().user, soon.id)
    assert offers.offer(staff(soon), application.id, expires_in_hours=72).offer_expires_at == (
        soon.starts_at
    )
    later = make_shift()
    application = applications.apply(make_worker().user, later.id)
    offered = offers.offer(staff(later), application.id, expires_in_hours=2)
    assert abs((offered.offer_expires_at - utcnow() - timedelta(hours=2)).total_seconds()) < 60


@pytest.mark.parametrize("hours", [0, -3, "12", True, 15 * 24])
def test_a_bad_offer_deadline_is_refused(applied, hours):
    with pytest.raises(Invalid) as refused:
        offers.offer(staff(applied.shift), applied.id, expires_in_hours=hours)
    assert "expires_in_hours" in refused.value.fields
    assert status_of(applied) == S.APPLIED


def test_an_offer_rechecks_eligibility(applied):
    skill = Skill(code="sock.toe", name_zh="缝头", name_en="Toe seaming", industry=Industry.HOSIERY)
    db.session.add(ShiftRequiredSkill(shift=applied.shift, skill=skill, min_level=2))
    applied.worker.user.status = UserStatus.SUSPENDED
    db.session.commit()
    with pytest.raises(Invalid) as refused:
        offers.offer(staff(applied.shift), applied.id)
    assert [str(m) for m in refused.value.fields["eligibility"]] == [
        "Your account is suspended.",
        "Needs Toe seaming at level 2; you do not have this skill.",
    ]
    assert status_of(applied) == S.APPLIED


@pytest.mark.parametrize("status", [S.OFFERED, S.ACCEPTED, S.REJECTED])
def test_only_an_applied_application_can_be_offered(make_worker, make_shift, status):
    shift = make_shift()
    application = row(make_worker(), shift, status)
    with pytest.raises(Conflict):
        offers.offer(staff(shift), application.id)


@pytest.mark.parametrize("status", [S.APPLIED, S.WAITLISTED, S.OFFERED])
def test_staff_reject_an_undecided_application(make_worker, make_shift, status):
    shift = make_shift()
    application = row(make_worker(), shift, status)
    rejected = offers.reject(staff(shift), application.id, reason="人已招满")
    assert rejected.status == S.REJECTED
    assert notified(application.worker.user_id, "application_rejected") == 1
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "application.rejected")
    )
    assert event.details["reason"] == "人已招满"


@pytest.mark.parametrize("status", [S.ACCEPTED, S.COMPLETED, S.WITHDRAWN])
def test_a_decided_application_cannot_be_rejected(make_worker, make_shift, status):
    shift = make_shift()
    application = row(make_worker(), shift, status)
    with pytest.raises(Conflict):
        offers.reject(staff(shift), application.id)
    assert status_of(application) == status


def test_a_rejection_reason_has_a_length_limit(applied):
    with pytest.raises(Invalid) as refused:
        offers.reject(staff(applied.shift), applied.id, reason="x" * 1001)
    assert "reason" in refused.value.fields


def test_accepting_takes_a_place_and_creates_the_assignment(applied):
    shift = applied.shift
    offers.offer(staff(shift), applied.id)
    accepted = offers.accept(applied.worker.user, applied.id)
    assert accepted.status == S.ACCEPTED
    assert db.session.get(Shift, shift.id).accepted_count == 1
    assignment = db.session.scalar(sa.select(Assignment))
    assert (assignment.application_id, assignment.worker_id) == (applied.id, applied.worker_id)
    assert notified(staff(shift).id, "offer_accepted") == 1
    assert audited("application.accepted") == 1


def test_an_expired_offer_is_refused_and_marked_expired(make_worker, make_shift):
    shift = make_shift(headcount=1)
    late = row(make_worker(), shift, S.OFFERED, expires_in=-timedelta(minutes=1))
    waiting = row(make_worker(), shift, S.WAITLISTED)
    with pytest.raises(Conflict, match="expired"):
        offers.accept(late.worker.user, late.id)
    assert status_of(late) == S.EXPIRED
    assert db.session.get(Shift, shift.id).accepted_count == 0
    assert db.session.scalar(sa.select(sa.func.count(Assignment.id))) == 0
    assert notified(late.worker.user_id, "offer_expired") == 1
    assert status_of(waiting) == S.OFFERED  # the place passes down the list


def test_accepting_a_full_shift_puts_the_worker_on_the_waiting_list(make_worker, make_shift):
    shift = make_shift(headcount=1)
    row(make_worker(), shift, S.ACCEPTED)
    offered = row(make_worker(), shift, S.OFFERED)
    with pytest.raises(Conflict, match="waiting list"):
        offers.accept(offered.worker.user, offered.id)
    assert status_of(offered) == S.WAITLISTED
    assert db.session.get(Shift, shift.id).accepted_count == 1
    assert db.session.scalar(sa.select(sa.func.count(Assignment.id))) == 0


def test_accepting_rechecks_overlaps(make_worker, make_shift):
    worker = make_worker()
    first, second = make_shift(), make_shift(starts_in_hours=50)
    one, two = row(worker, first, S.OFFERED), row(worker, second, S.OFFERED)
    offers.accept(worker.user, one.id)
    with pytest.raises(Invalid) as refused:
        offers.accept(worker.user, two.id)
    assert str(refused.value.fields["eligibility"][0]).startswith("Overlaps")
    assert status_of(two) == S.OFFERED


@pytest.mark.parametrize("status", [S.APPLIED, S.ACCEPTED, S.DECLINED])
def test_only_an_offer_can_be_accepted_or_declined(make_worker, make_shift, status):
    application = row(make_worker(), make_shift(), status)
    with pytest.raises(Conflict):
        offers.accept(application.worker.user, application.id)
    with pytest.raises(Conflict):
        offers.decline(application.worker.user, application.id)
    assert status_of(application) == status


def test_declining_passes_the_place_down_the_waiting_list(make_worker, make_shift):
    shift = make_shift(headcount=1)
    offered = row(make_worker(), shift, S.OFFERED, minutes_ago=10)
    waiting = row(make_worker(), shift, S.WAITLISTED)
    assert offers.decline(offered.worker.user, offered.id).status == S.DECLINED
    assert notified(staff(shift).id, "offer_declined") == 1
    assert status_of(waiting) == S.OFFERED
    assert notified(waiting.worker.user_id, "waitlist_promoted") == 1


@pytest.mark.parametrize("status", [S.APPLIED, S.WAITLISTED, S.OFFERED])
def test_the_worker_withdraws_an_application_without_a_place(make_worker, make_shift, status):
    shift = make_shift()
    application = row(make_worker(), shift, status)
    assert offers.withdraw(application.worker.user, application.id).status == S.WITHDRAWN
    assert notified(staff(shift).id, "application_withdrawn") == 1


@pytest.mark.parametrize("status", [S.ACCEPTED, S.REJECTED, S.COMPLETED])
def test_a_place_or_a_decision_cannot_be_withdrawn(make_worker, make_shift, status):
    application = row(make_worker(), make_shift(), status)
    with pytest.raises(Conflict):
        offers.withdraw(application.worker.user, application.id)
    assert status_of(application) == status


def test_expiry_marks_lapsed_offers_and_passes_places_on(make_worker, make_shift):
    shift = make_shift(headcount=2)
    lapsed = [
        row(make_worker(), shift, S.OFFERED, expires_in=-timedelta(minutes=m)) for m in (1, 2)
    ]
    live = row(make_worker(), shift, S.OFFERED)
    waiting = [row(make_worker(), shift, S.WAITLISTED, minutes_ago=m) for m in (3, 2)]
    assert offer_expiry.expire_offers() == 2
    assert [status_of(a) for a in lapsed] == [S.EXPIRED, S.EXPIRED]
    assert status_of(live) == S.OFFERED
    # Two places, one still on offer: one more offer goes out, to the earliest on the list.
    assert [status_of(a) for a in waiting] == [S.OFFERED, S.WAITLISTED]
    assert all(notified(a.worker.user_id, "offer_expired") == 1 for a in lapsed)
    assert audited("application.expired") == 2
    assert offer_expiry.expire_offers() == 0


def test_expiry_takes_a_clock_for_the_job(make_worker, make_shift):
    application = row(make_worker(), make_shift(), S.OFFERED, expires_in=timedelta(hours=1))
    assert offer_expiry.expire_offers(now=utcnow()) == 0
    assert offer_expiry.expire_offers(now=utcnow() + timedelta(hours=2)) == 1
    assert status_of(application) == S.EXPIRED


def test_the_flask_offers_expire_command(app, make_worker, make_shift):
    application = row(make_worker(), make_shift(), S.OFFERED, expires_in=-timedelta(seconds=1))
    result = app.test_cli_runner().invoke(args=["offers", "expire"])
    assert result.exit_code == 0, result.output
    assert "Expired 1 offer(s)." in result.output
    db.session.expire_all()
    assert status_of(application) == S.EXPIRED


def test_unknown_applications_are_not_found(make_worker):
    worker = make_worker()
    for action in (offers.accept, offers.decline, offers.withdraw):
        with pytest.raises(NotFound):
            action(worker.user, 999_999)


def test_the_applicant_cannot_act_for_the_factory(applied):
    worker = applied.worker.user
    with pytest.raises(Forbidden):
        offers.offer(worker, applied.id)
    with pytest.raises(Forbidden):
        offers.reject(worker, applied.id)
    assert audited("denied.application.offer") == 1
    assert audited("denied.application.reject") == 1
    assert status_of(applied) == S.APPLIED


def test_staff_of_another_factory_are_refused_every_factory_action(applied, make_factory):
    outsider = make_factory().members[0].user
    with pytest.raises(Forbidden):
        offers.offer(outsider, applied.id)
    with pytest.raises(Forbidden):
        offers.reject(outsider, applied.id)
    assert status_of(applied) == S.APPLIED


def test_a_moderator_does_not_staff_shifts(applied, make_user):
    association = applied.shift.factory.association
    moderator = make_user(Role.MODERATOR, association=association)
    with pytest.raises(Forbidden):
        offers.offer(moderator, applied.id)


def test_another_worker_and_the_staff_are_refused_the_workers_answers(make_worker, make_shift):
    shift = make_shift()
    application = row(make_worker(), shift, S.OFFERED)
    for stranger in (make_worker().user, staff(shift)):
        for action in (offers.accept, offers.decline, offers.withdraw):
            with pytest.raises(Forbidden):
                action(stranger, application.id)
    assert status_of(application) == S.OFFERED
    assert audited("denied.application.accept") == 2


def test_staff_can_offer_to_someone_on_the_waiting_list(make_worker, make_shift):
    """After raising the headcount, say, staff pick from the waiting list by hand."""
    shift = make_shift()
    waiting = row(make_worker(), shift, S.WAITLISTED)
    assert offers.offer(staff(shift), waiting.id).status == S.OFFERED
