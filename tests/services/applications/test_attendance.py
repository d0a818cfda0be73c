"""Cancelling places, checking in and out, no-shows, ratings and reliability."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from marketplace.errors import Conflict, Forbidden, Invalid, NotFound
from marketplace.extensions import db
from marketplace.models import (
    Application,
    ApplicationStatus,
    Assignment,
    Rating,
    RatingDirection,
    Shift,
    WorkerProfile,
    utcnow,
)
from marketplace.services.applications import applying as applications
from marketplace.services.applications import attendance, offers
from tests.helpers import audited, notified, staff, status_of

S = ApplicationStatus


def fresh(worker) -> WorkerProfile:
    db.session.expire(worker)
    return worker


def place(worker, shift, status=S.ACCEPTED, **assignment) -> Application:
    """An application holding a place, with its assignment, written directly."""
    application = Application(worker_id=worker.id, shift_id=shift.id, status=status)
    application.assignment = Assignment(shift_id=shift.id, worker_id=worker.id, **assignment)
    db.session.add(application)
    db.session.commit()
    return application


def completed(worker, shift) -> Application:
    return place(
        worker,
        shift,
        S.COMPLETED,
        checked_in_at=shift.starts_at,
        checked_out_at=shift.starts_at + timedelta(hours=8),
        hours=Decimal("8.00"),
    )


# Cancellation


def test_a_worker_cancels_in_good_time_and_the_place_frees(make_worker, make_shift):
    shift = make_shift(headcount=1, starts_in_hours=48)
    worker = make_worker()
    application = place(worker, shift)
    cancelled = attendance.cancel(worker.user, application.id, "家里有事")
    assert cancelled.status == S.CANCELLED
    assert (cancelled.cancelled_by_id, cancelled.cancel_reason) == (worker.user.id, "家里有事")
    assert cancelled.late_cancellation is False
    assert fresh(worker).late_cancellations == 0
    assert cancelled.assignment.ended_at is not None
    assert db.session.get(Shift, shift.id).accepted_count == 0
    assert notified(staff(shift).id, "worker_cancelled") == 1
    assert audited("application.cancelled") == 1


def test_a_worker_cancelling_within_a_day_is_late(make_worker, make_shift):
    shift = make_shift(starts_in_hours=10)
    worker = make_worker()
    before = attendance.reliability(worker)
    application = place(worker, shift)
    cancelled = attendance.cancel(worker.user, application.id, "生病")
    assert cancelled.late_cancellation is True
    assert fresh(worker).late_cancellations == 1
    assert attendance.reliability(worker) < before


def test_the_factory_cancels_without_counting_against_the_worker(make_worker, make_shift):
    shift = make_shift(starts_in_hours=10)
    worker = make_worker()
    application = place(worker, shift)
    attendance.cancel(staff(shift), application.id, "订单取消")
    assert status_of(application) == S.CANCELLED
    assert fresh(worker).late_cancellations == 0
    assert notified(worker.user_id, "place_cancelled") == 1


@pytest.mark.parametrize("status", [S.APPLIED, S.WAITLISTED, S.OFFERED])
def test_the_factory_may_cancel_an_undecided_application(make_worker, make_shift, status):
    shift = make_shift()
    application = Application(worker_id=make_worker().id, shift_id=shift.id, status=status)
    db.session.add(application)
    db.session.commit()
    attendance.cancel(staff(shift), application.id, "岗位调整")
    assert status_of(application) == S.CANCELLED


@pytest.mark.parametrize("status", [S.APPLIED, S.OFFERED])
def test_a_worker_withdraws_or_declines_rather_than_cancels(make_worker, make_shift, status):
    worker = make_worker()
    application = Application(worker_id=worker.id, shift_id=make_shift().id, status=status)
    db.session.add(application)
    db.session.commit()
    with pytest.raises(Conflict):
        attendance.cancel(worker.user, application.id, "不去了")


def test_cancelling_needs_a_reason(make_worker, make_shift):
    worker = make_worker()
    application = place(worker, make_shift())
    with pytest.raises(Invalid) as refused:
        attendance.cancel(worker.user, application.id, "   ")
    assert "reason" in refused.value.fields
    assert status_of(application) == S.ACCEPTED


def test_a_started_shift_cannot_be_cancelled(make_worker, make_shift):
    worker = make_worker()
    application = place(worker, make_shift(starts_in_hours=-1))
    with pytest.raises(Conflict):
        attendance.cancel(worker.user, application.id, "迟到")
    with pytest.raises(Conflict):
        attendance.cancel(staff(application.shift), application.id, "迟到")


def test_a_cancelled_place_goes_to_the_first_on_the_waiting_list(make_worker, make_shift):
    shift = make_shift(headcount=1)
    first, second = make_worker(), make_worker()
    application = applications.apply(first.user, shift.id)
    offers.offer(staff(shift), application.id)
    offers.accept(first.user, application.id)
    waiting = applications.apply(second.user, shift.id)
    assert waiting.status == S.WAITLISTED

    attendance.cancel(first.user, application.id, "临时有事")
    assert status_of(waiting) == S.OFFERED
    assert notified(second.user_id, "waitlist_promoted") == 1
    offers.accept(second.user, waiting.id)
    assert db.session.get(Shift, shift.id).accepted_count == 1


def test_others_may_not_cancel(make_worker, make_shift, make_factory):
    shift = make_shift()
    application = place(make_worker(), shift)
    for stranger in (make_worker().user, make_factory().members[0].user):
        with pytest.raises(Forbidden):
            attendance.cancel(stranger, application.id, "x")
    assert audited("denied.application.cancel") == 2
    assert status_of(application) == S.ACCEPTED


# Attendance


def test_check_in_opens_two_hours_before_the_start(make_worker, make_shift):
    early = place(make_worker(), make_shift(starts_in_hours=3))
    with pytest.raises(Conflict):
        attendance.check_in(staff(early.shift), early.id)
    soon = place(make_worker(), make_shift(starts_in_hours=1))
    checked_in = attendance.check_in(staff(soon.shift), soon.id)
    assert checked_in.status == S.IN_PROGRESS
    assert checked_in.assignment.checked_in_at is not None
    assert db.session.get(Shift, soon.shift_id).accepted_count == 1  # still holds the place


def test_attendance_times_must_be_aware_and_past(make_worker, make_shift):
    application = place(make_worker(), make_shift(starts_in_hours=-1))
    for at in (datetime(2020, 2, 10, 8, 0), utcnow() + timedelta(hours=1)):
        with pytest.raises(Invalid) as refused:
            attendance.check_in(staff(application.shift), application.id, at=at)
        assert "at" in refused.value.fields


def test_check_out_counts_the_hours_and_raises_reliability(make_worker, make_shift):
    shift = make_shift(starts_in_hours=-5)
    worker = make_worker()
    before = attendance.reliability(worker)
    application = place(worker, shift)
    attendance.check_in(staff(shift), application.id, at=shift.starts_at)
    done = attendance.check_out(
        staff(shift), application.id, at=shift.starts_at + timedelta(hours=2, minutes=31)
    )
    assert done.status == S.COMPLETED
    assert done.assignment.hours == Decimal("2.52")
    assert fresh(worker).shifts_completed == 1
    assert attendance.reliability(worker) > before
    assert notified(worker.user_id, "shift_completed") == 1
    assert db.session.get(Shift, shift.id).accepted_count == 1


def test_check_out_cannot_come_before_check_in(make_worker, make_shift):
    shift = make_shift(starts_in_hours=-5)
    application = place(make_worker(), shift, S.IN_PROGRESS, checked_in_at=utcnow())
    with pytest.raises(Invalid):
        attendance.check_out(staff(shift), application.id, at=shift.starts_at)
    assert status_of(application) == S.IN_PROGRESS


def test_attendance_follows_the_states(make_worker, make_shift):
    shift = make_shift(starts_in_hours=-1)
    accepted = place(make_worker(), shift)
    done = completed(make_worker(), shift)
    with pytest.raises(Conflict):
        attendance.check_out(staff(shift), accepted.id)
    with pytest.raises(Conflict):
        attendance.check_in(staff(shift), done.id)
    with pytest.raises(Conflict):
        attendance.mark_no_show(staff(shift), done.id)


def test_a_no_show_lowers_reliability_and_frees_the_count(make_worker, make_shift):
    shift = make_shift(starts_in_hours=-1)
    worker = make_worker()
    before = attendance.reliability(worker)
    application = place(worker, shift)
    assert attendance.mark_no_show(staff(shift), application.id).status == S.NO_SHOW
    assert fresh(worker).no_shows == 1
    assert attendance.reliability(worker) < before
    assert db.session.get(Shift, shift.id).accepted_count == 0
    assert notified(worker.user_id, "marked_no_show") == 1


def test_no_show_only_after_the_start(make_worker, make_shift):
    application = place(make_worker(), make_shift(starts_in_hours=1))
    with pytest.raises(Conflict):
        attendance.mark_no_show(staff(application.shift), application.id)
    assert status_of(application) == S.ACCEPTED


def test_only_the_shifts_own_staff_record_attendance(make_worker, make_shift, make_factory):
    shift = make_shift(starts_in_hours=-1)
    worker = make_worker()
    application = place(worker, shift)
    outsider = make_factory().members[0].user
    for actor in (worker.user, outsider):
        for action in (attendance.check_in, attendance.check_out, attendance.mark_no_show):
            with pytest.raises(Forbidden):
                action(actor, application.id)
    assert status_of(application) == S.ACCEPTED
    assert audited("denied.application.check_in") == 2


def test_unknown_applications_are_not_found(make_worker):
    with pytest.raises(NotFound):
        attendance.check_in(make_worker().user, 999_999)


# Ratings


def test_each_side_rates_the_other_once(make_worker, make_shift):
    shift = make_shift(starts_in_hours=-10)
    worker = make_worker()
    application = completed(worker, shift)
    by_worker = attendance.rate(worker.user, application.id, 5, "管理很好")
    by_factory = attendance.rate(staff(shift), application.id, 4)
    assert by_worker.direction == RatingDirection.WORKER_RATES_FACTORY
    assert by_factory.direction == RatingDirection.FACTORY_RATES_WORKER
    assert (by_factory.score, by_factory.rated_by_id) == (4, staff(shift).id)
    assert notified(staff(shift).id, "rating_received") == 1
    assert notified(worker.user_id, "rating_received") == 1
    with pytest.raises(Conflict):
        attendance.rate(worker.user, application.id, 1)
    assert db.session.scalar(sa.select(sa.func.count(Rating.id))) == 2


@pytest.mark.parametrize("score", [0, 6, "5", True, 4.5])
def test_a_score_is_a_whole_number_from_one_to_five(make_worker, make_shift, score):
    worker = make_worker()
    application = completed(worker, make_shift(starts_in_hours=-10))
    with pytest.raises(Invalid) as refused:
        attendance.rate(worker.user, application.id, score)
    assert "score" in refused.value.fields


def test_rating_waits_for_completion(make_worker, make_shift):
    worker = make_worker()
    application = place(worker, make_shift(starts_in_hours=-1))
    with pytest.raises(Conflict):
        attendance.rate(worker.user, application.id, 5)


def test_strangers_may_not_rate(make_worker, make_shift, make_factory):
    application = completed(make_worker(), make_shift(starts_in_hours=-10))
    for stranger in (make_worker().user, make_factory().members[0].user):
        with pytest.raises(Forbidden):
            attendance.rate(stranger, application.id, 1)
    assert db.session.scalar(sa.select(sa.func.count(Rating.id))) == 0


# Reliability


def test_reliability_is_smoothed_and_stays_within_bounds(make_worker):
    worker = make_worker()
    assert attendance.reliability(worker) == 0.5
    worker.shifts_completed, worker.no_shows, worker.late_cancellations = 7, 1, 2
    assert attendance.reliability(worker) == pytest.approx(8 / 11)
    worker.shifts_completed, worker.no_shows, worker.late_cancellations = 0, 40, 40
    assert 0 < attendance.reliability(worker) < 0.05
    worker.shifts_completed, worker.no_shows, worker.late_cancellations = 500, 0, 0
    assert 0.99 < attendance.reliability(worker) < 1


def test_check_in_after_the_shift_ended_is_refused(make_worker, make_shift):
    """Hours are only counted for the shift's own window: a late arrival is a no-show."""
    ended = place(make_worker(), make_shift(starts_in_hours=-10, hours=8))
    with pytest.raises(Conflict):
        attendance.check_in(staff(ended.shift), ended.id)
    assert db.session.get(type(ended), ended.id).status == S.ACCEPTED
