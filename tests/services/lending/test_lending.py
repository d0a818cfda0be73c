"""Lending agreements: the lender's rules, refusal, cancelling, recall and the report."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from marketplace.errors import Conflict, Forbidden, Invalid, NotFound
from marketplace.extensions import db
from marketplace.models import (
    AgreementStatus,
    Application,
    ApplicationStatus,
    Assignment,
    AuditEvent,
    LendingAgreement,
    Notification,
    Role,
    Shift,
    ShiftStatus,
    WorkerKind,
    WorkerProfile,
    utcnow,
)
from marketplace.services.lending import agreements as lending
from marketplace.services.lending import report as lending_report
from marketplace.services.lending import settings as lending_settings
from marketplace.services.lending.ending import hours_until
from marketplace.services.lending.rules import local_today

SHANGHAI = ZoneInfo("Asia/Shanghai")


def owner(factory):
    return factory.members[0].user


def idle_worker(make_worker, lender):
    worker = make_worker(WorkerKind.IDLE_EMPLOYEE)
    worker.lender_factory_id = lender.id
    db.session.commit()
    return worker


@pytest.fixture
def pair(make_factory, make_worker):
    """A lender, a borrower, and an idle employee of the lender."""
    lender, borrower = make_factory(), make_factory()
    return SimpleNamespace(
        lender=lender,
        borrower=borrower,
        worker=idle_worker(make_worker, lender),
        lender_staff=owner(lender),
        borrower_staff=owner(borrower),
    )


def request(pair, *, start=1, days=7, worker=None, actor=None, **overrides):
    today = local_today()
    terms = {"wage_payer": "borrower", "insurance_payer": "lender", "settlement_rate_cny": "30"}
    terms.update(overrides)
    return lending.request_agreement(
        actor or pair.borrower_staff,
        (worker or pair.worker).id,
        pair.borrower.id,
        today + timedelta(days=start),
        today + timedelta(days=start + days - 1),
        **terms,
    )


def kinds_for(user):
    query = sa.select(Notification.kind).where(Notification.user_id == user.id)
    return list(db.session.scalars(query))


def events(action):
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def at_local(day, hour):
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI).astimezone(UTC)


# --- request ----------------------------------------------------------------------------


def test_the_borrower_requests_and_the_lender_and_worker_are_told(pair):
    agreement = request(pair, note=" 春节后复工 ")
    assert agreement.status == AgreementStatus.REQUESTED
    assert (agreement.lender_factory_id, agreement.borrower_factory_id) == (
        pair.lender.id,
        pair.borrower.id,
    )
    assert agreement.settlement_rate_cny == Decimal("30.00")
    assert agreement.note == "春节后复工"
    assert agreement.requested_by_id == pair.borrower_staff.id
    [event] = events("lending.requested")
    assert (event.object_id, event.association_id) == (agreement.id, pair.borrower.association_id)
    assert kinds_for(pair.lender_staff) == ["lending_requested"]
    assert kinds_for(pair.worker.user) == ["lending_requested"]
    assert kinds_for(pair.borrower_staff) == []


def test_only_the_borrowers_staff_may_request(pair, make_factory, make_user, make_association):
    moderator = make_user(Role.MODERATOR, association=pair.borrower.association)
    for outsider in (pair.lender_staff, owner(make_factory()), pair.worker.user, moderator):
        with pytest.raises(Forbidden):
            request(pair, actor=outsider)
    assert len(events("denied.lending.request")) == 4
    assert db.session.scalar(sa.select(sa.func.count(LendingAgreement.id))) == 0


def test_only_an_idle_employee_of_another_factory_can_be_borrowed(pair, make_worker):
    retiree = make_worker(WorkerKind.RETIREE)
    with pytest.raises(Invalid) as refused:
        request(pair, worker=retiree)
    assert "worker_id" in refused.value.fields
    own = idle_worker(make_worker, pair.borrower)
    with pytest.raises(Invalid) as refused:
        request(pair, worker=own)
    assert "worker_id" in refused.value.fields


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"start": -1}, "starts_on"),
        ({"days": 91}, "ends_on"),
        ({"wage_payer": "government"}, "wage_payer"),
        ({"insurance_payer": ""}, "insurance_payer"),
        ({"settlement_rate_cny": "-1"}, "settlement_rate_cny"),
        ({"settlement_rate_cny": "lots"}, "settlement_rate_cny"),
        ({"note": "x" * 2001}, "note"),
    ],
)
def test_bad_terms_are_refused_field_by_field(pair, overrides, field):
    with pytest.raises(Invalid) as refused:
        request(pair, **overrides)
    assert field in refused.value.fields


def test_the_last_day_cannot_come_before_the_first(pair):
    today = local_today()
    with pytest.raises(Invalid) as refused:
        lending.request_agreement(
            pair.borrower_staff,
            pair.worker.id,
            pair.borrower.id,
            today + timedelta(days=5),
            today + timedelta(days=4),
            "borrower",
            "lender",
            "30",
        )
    assert "ends_on" in refused.value.fields


def test_a_worker_cannot_be_lent_twice_for_the_same_days(pair):
    request(pair, start=1, days=7)
    with pytest.raises(Conflict):
        request(pair, start=5, days=7)
    request(pair, start=8, days=7)  # the day after the first period ends is free


def test_an_unknown_worker_or_factory_is_not_found(pair):
    with pytest.raises(NotFound):
        lending.request_agreement(
            pair.borrower_staff,
            999_999,
            pair.borrower.id,
            local_today(),
            local_today(),
            "b",
            "l",
            1,
        )


def test_an_outsider_cannot_probe_which_workers_exist(pair, make_factory):
    outsider = owner(make_factory())
    with pytest.raises(Forbidden):
        lending.request_agreement(
            outsider, 999_999, pair.borrower.id, local_today(), local_today(), "b", "l", 1
        )
    assert len(events("denied.lending.request")) == 1
    with pytest.raises(NotFound):
        lending.request_agreement(
            pair.borrower_staff, pair.worker.id, 999_999, local_today(), local_today(), "b", "l", 1
        )


# --- approve, refuse, cancel ---------------------------------------------------------------


def test_the_lender_approves_and_the_borrower_and_worker_are_told(pair):
    agreement = lending.approve_agreement(pair.lender_staff, request(pair).id)
    assert agreement.status == AgreementStatus.APPROVED
    assert agreement.decided_by_id == pair.lender_staff.id and agreement.decided_at is not None
    [event] = events("lending.approved")
    assert event.association_id == pair.lender.association_id
    assert kinds_for(pair.borrower_staff) == ["lending_approved"]
    assert sorted(kinds_for(pair.worker.user)) == ["lending_approved", "lending_requested"]


def test_only_the_lenders_staff_decide(pair, make_factory, make_user):
    agreement = request(pair)
    moderator = make_user(Role.MODERATOR, association=pair.lender.association)
    for outsider in (pair.borrower_staff, owner(make_factory()), pair.worker.user, moderator):
        with pytest.raises(Forbidden):
            lending.approve_agreement(outsider, agreement.id)
        with pytest.raises(Forbidden):
            lending.refuse_agreement(outsider, agreement.id, "no")
    assert len(events("denied.lending.approve")) == 4
    assert db.session.get(LendingAgreement, agreement.id).status == AgreementStatus.REQUESTED


def test_a_decided_agreement_cannot_be_decided_again(pair):
    agreement = request(pair)
    lending.refuse_agreement(pair.lender_staff, agreement.id, "旺季人手紧")
    with pytest.raises(Conflict, match="refused"):
        lending.approve_agreement(pair.lender_staff, agreement.id)
    with pytest.raises(Conflict):
        lending.refuse_agreement(pair.lender_staff, agreement.id, "again")
    with pytest.raises(NotFound):
        lending.approve_agreement(pair.lender_staff, 999_999)


def test_a_refusal_needs_a_reason_and_is_told(pair):
    agreement = request(pair)
    with pytest.raises(Invalid) as refused:
        lending.refuse_agreement(pair.lender_staff, agreement.id, "  ")
    assert "reason" in refused.value.fields
    lending.refuse_agreement(pair.lender_staff, agreement.id, "旺季人手紧")
    agreement = db.session.get(LendingAgreement, agreement.id)
    assert (agreement.status, agreement.decision_reason) == (AgreementStatus.REFUSED, "旺季人手紧")
    assert kinds_for(pair.borrower_staff) == ["lending_refused"]
    [event] = events("lending.refused")
    assert event.details["reason"] == "旺季人手紧"


def test_the_cap_limits_staff_out_at_once(pair, make_worker):
    pair.lender.lending_cap = 1
    db.session.commit()
    lending.approve_agreement(pair.lender_staff, request(pair, start=1, days=10).id)
    second = idle_worker(make_worker, pair.lender)
    clashing = request(pair, worker=second, start=5, days=10)
    with pytest.raises(Conflict, match="at most 1"):
        lending.approve_agreement(pair.lender_staff, clashing.id)
    # One after the other is never two at once.
    third = idle_worker(make_worker, pair.lender)
    later = request(pair, worker=third, start=11, days=10)
    assert lending.approve_agreement(pair.lender_staff, later.id).status == AgreementStatus.APPROVED


def test_a_cap_of_zero_lends_nobody_and_no_cap_lends_everybody(pair, make_worker):
    pair.lender.lending_cap = 0
    db.session.commit()
    agreement = request(pair)
    with pytest.raises(Conflict):
        lending.approve_agreement(pair.lender_staff, agreement.id)
    pair.lender.lending_cap = None
    db.session.commit()
    lending.approve_agreement(pair.lender_staff, agreement.id)
    other = request(pair, worker=idle_worker(make_worker, pair.lender))
    assert lending.approve_agreement(pair.lender_staff, other.id).status == AgreementStatus.APPROVED


def test_without_shifts_a_period_may_last_the_extra_days_plus_two_weeks(pair, make_worker):
    pair.lender.lending_max_extra_days = 7
    db.session.commit()
    too_long = request(pair, days=22)
    with pytest.raises(Conflict, match="21 days"):
        lending.approve_agreement(pair.lender_staff, too_long.id)
    other = request(pair, worker=idle_worker(make_worker, pair.lender), days=21)
    assert lending.approve_agreement(pair.lender_staff, other.id).status == AgreementStatus.APPROVED


def _shift_on(pair, make_shift, day, status=ShiftStatus.OPEN):
    shift = make_shift(factory=pair.borrower, status=status)
    shift.starts_at, shift.ends_at = at_local(day, 8), at_local(day, 17)
    db.session.commit()
    return shift


def test_a_period_may_outlast_its_shifts_by_the_extra_days_only(pair, make_shift):
    pair.lender.lending_max_extra_days = 3
    db.session.commit()
    day = local_today() + timedelta(days=5)
    shifts = [_shift_on(pair, make_shift, day)]
    shifts.append(_shift_on(pair, make_shift, day + timedelta(days=2), ShiftStatus.PENDING_REVIEW))
    shift_ids = [s.id for s in shifts]
    # Two days before the first shift and two after the last: 4 > 3.
    too_long = request(pair, start=3, days=7, shift_ids=shift_ids)
    [event] = events("lending.requested")
    assert event.details["shift_ids"] == sorted(shift_ids)
    with pytest.raises(Conflict, match="4 days"):
        lending.approve_agreement(pair.lender_staff, too_long.id)
    lending.cancel_agreement(pair.borrower_staff, too_long.id)
    fits = request(pair, start=4, days=6, shift_ids=shift_ids)  # one day before, two after
    assert lending.approve_agreement(pair.lender_staff, fits.id).status == AgreementStatus.APPROVED


def test_named_shifts_and_applications_both_count_towards_the_span(pair, make_shift):
    pair.lender.lending_max_extra_days = 1
    db.session.commit()
    day = local_today() + timedelta(days=3)
    named = _shift_on(pair, make_shift, day)
    applied = _shift_on(pair, make_shift, day + timedelta(days=3))
    agreement = request(pair, start=3, days=5, shift_ids=[named.id])
    # The named shift alone leaves four days after it uncovered.
    with pytest.raises(Conflict, match="4 days"):
        lending.approve_agreement(pair.lender_staff, agreement.id)
    db.session.add(
        Application(
            worker_id=pair.worker.id, shift_id=applied.id, status=ApplicationStatus.WAITLISTED
        )
    )
    db.session.commit()
    approved = lending.approve_agreement(pair.lender_staff, agreement.id)  # one day after
    assert approved.status == AgreementStatus.APPROVED


def test_the_named_shifts_must_be_the_borrowers_open_shifts_in_the_period(
    pair, make_shift, make_factory
):
    day = local_today() + timedelta(days=3)
    good = _shift_on(pair, make_shift, day)
    elsewhere = make_shift(factory=make_factory())
    cancelled = _shift_on(pair, make_shift, day, ShiftStatus.CANCELLED)
    outside = _shift_on(pair, make_shift, day + timedelta(days=10))
    bad = [999_999, elsewhere.id, cancelled.id, outside.id]
    with pytest.raises(Invalid) as refused:
        request(pair, start=1, days=7, shift_ids=[good.id, *bad])
    messages = [str(m) for m in refused.value.fields["shift_ids"]]
    assert len(messages) == len(bad)
    for shift_id, message in zip(sorted(bad), messages, strict=True):
        assert str(shift_id) in message
    assert db.session.scalar(sa.select(sa.func.count(LendingAgreement.id))) == 0
    assert request(pair, start=1, days=7, shift_ids=[good.id]).status == AgreementStatus.REQUESTED


# --- the lender's rules ---------------------------------------------------------------------


def test_the_lenders_staff_set_the_cap_and_the_extra_days(pair):
    factory = lending_settings.set_lending_rules(
        pair.lender_staff, pair.lender.id, cap=3, max_extra_days=10
    )
    assert (factory.lending_cap, factory.lending_max_extra_days) == (3, 10)
    lending_settings.set_lending_rules(
        pair.lender_staff, pair.lender.id, cap=None, max_extra_days=0
    )
    factory = db.session.get(type(pair.lender), pair.lender.id)
    assert (factory.lending_cap, factory.lending_max_extra_days) == (None, 0)
    first, second = events("factory.lending_rules_changed")
    assert (first.object_id, first.association_id) == (pair.lender.id, pair.lender.association_id)
    assert first.actor_id == pair.lender_staff.id
    assert first.details == {
        "old_cap": None,
        "old_max_extra_days": 7,
        "cap": 3,
        "max_extra_days": 10,
    }
    assert (second.details["old_cap"], second.details["cap"]) == (3, None)


def test_only_the_factorys_own_staff_set_its_lending_rules(pair, make_user):
    moderator = make_user(Role.MODERATOR, association=pair.lender.association)
    for outsider in (pair.borrower_staff, pair.worker.user, moderator):
        with pytest.raises(Forbidden):
            lending_settings.set_lending_rules(outsider, pair.lender.id, cap=1, max_extra_days=1)
    assert len(events("denied.lending.rules")) == 3
    assert db.session.get(type(pair.lender), pair.lender.id).lending_cap is None
    with pytest.raises(NotFound):
        lending_settings.set_lending_rules(pair.lender_staff, 999_999, cap=1, max_extra_days=1)


@pytest.mark.parametrize(
    ("cap", "days", "fields"),
    [
        (-1, 7, {"cap"}),
        ("3", 7, {"cap"}),
        (True, 7, {"cap"}),
        (2, -1, {"max_extra_days"}),
        (2, 61, {"max_extra_days"}),
        (2, None, {"max_extra_days"}),
        (-5, 100, {"cap", "max_extra_days"}),
    ],
)
def test_bad_lending_rules_are_refused_field_by_field(pair, cap, days, fields):
    with pytest.raises(Invalid) as refused:
        lending_settings.set_lending_rules(
            pair.lender_staff, pair.lender.id, cap=cap, max_extra_days=days
        )
    assert set(refused.value.fields) == fields
    assert events("factory.lending_rules_changed") == []


def test_the_borrower_cancels_a_request_and_the_lender_is_told(pair, make_factory):
    agreement = request(pair)
    for outsider in (pair.lender_staff, owner(make_factory()), pair.worker.user):
        with pytest.raises(Forbidden):
            lending.cancel_agreement(outsider, agreement.id)
    lending.cancel_agreement(pair.borrower_staff, agreement.id)
    assert db.session.get(LendingAgreement, agreement.id).status == AgreementStatus.CANCELLED
    assert kinds_for(pair.lender_staff) == ["lending_requested", "lending_cancelled"]
    with pytest.raises(Conflict):
        lending.cancel_agreement(pair.borrower_staff, agreement.id)


def test_an_approved_agreement_cannot_be_cancelled_by_the_borrower(pair):
    agreement = lending.approve_agreement(pair.lender_staff, request(pair).id)
    with pytest.raises(Conflict, match="approved"):
        lending.cancel_agreement(pair.borrower_staff, agreement.id)


# --- recall ---------------------------------------------------------------------------------


def _place(pair, shift, status, agreement, worker=None):
    application = Application(
        worker_id=(worker or pair.worker).id,
        shift_id=shift.id,
        status=status,
        lending_agreement_id=agreement.id if agreement else None,
    )
    db.session.add(application)
    db.session.flush()
    if status in (ApplicationStatus.ACCEPTED, ApplicationStatus.IN_PROGRESS):
        db.session.add(
            Assignment(
                application_id=application.id,
                shift_id=shift.id,
                worker_id=application.worker_id,
                lending_agreement_id=application.lending_agreement_id,
            )
        )
    db.session.commit()
    return application


def test_a_recall_ends_every_place_under_the_agreement(pair, make_shift, make_worker):
    agreement = lending.approve_agreement(pair.lender_staff, request(pair, start=0, days=10).id)
    full = make_shift(factory=pair.borrower, headcount=1)
    accepted = _place(pair, full, ApplicationStatus.ACCEPTED, agreement)
    waiting = _place(pair, full, ApplicationStatus.WAITLISTED, None, worker=make_worker())
    running = make_shift(factory=pair.borrower, starts_in_hours=-5, hours=4)
    in_progress = _place(pair, running, ApplicationStatus.IN_PROGRESS, agreement)
    in_progress.assignment.checked_in_at = running.starts_at + timedelta(minutes=30)
    applied = _place(pair, make_shift(factory=pair.borrower), ApplicationStatus.APPLIED, agreement)
    db.session.commit()
    assert db.session.get(Shift, full.id).accepted_count == 1

    lending.recall_worker(pair.lender_staff, agreement.id, "本厂复工")

    assert db.session.get(LendingAgreement, agreement.id).status == AgreementStatus.RECALLED
    accepted = db.session.get(Application, accepted.id)
    assert accepted.status == ApplicationStatus.CANCELLED
    assert (accepted.cancelled_by_id, accepted.cancel_reason) == (pair.lender_staff.id, "本厂复工")
    assert accepted.assignment.ended_at is not None
    assert db.session.get(Shift, full.id).accepted_count == 0
    # The freed place goes to the first on the waiting list.
    assert db.session.get(Application, waiting.id).status == ApplicationStatus.OFFERED
    done = db.session.get(Application, in_progress.id)
    assert done.status == ApplicationStatus.COMPLETED
    assert done.assignment.hours == Decimal("3.50")  # check-in to the shift's end
    assert done.assignment.ended_at == done.assignment.checked_out_at is not None
    assert db.session.get(WorkerProfile, pair.worker.id).shifts_completed == 1
    assert db.session.get(Application, applied.id).status == ApplicationStatus.WITHDRAWN
    [event] = events("lending.recalled")
    assert event.details["cancelled_application_ids"] == [accepted.id]
    assert event.details["completed_application_ids"] == [in_progress.id]
    assert "worker_recalled" in kinds_for(pair.borrower_staff)
    assert "worker_recalled" in kinds_for(pair.worker.user)


def test_a_recall_passes_a_withdrawn_offer_to_the_waiting_list(pair, make_shift, make_worker):
    agreement = lending.approve_agreement(pair.lender_staff, request(pair, start=0, days=10).id)
    shift = make_shift(factory=pair.borrower, headcount=1)
    offered = _place(pair, shift, ApplicationStatus.OFFERED, agreement)
    offered.offered_at, offered.offer_expires_at = utcnow(), utcnow() + timedelta(hours=12)
    other = make_worker()
    waiting = _place(pair, shift, ApplicationStatus.WAITLISTED, None, worker=other)

    lending.recall_worker(pair.lender_staff, agreement.id, "本厂复工")

    assert db.session.get(Application, offered.id).status == ApplicationStatus.WITHDRAWN
    assert db.session.get(Application, waiting.id).status == ApplicationStatus.OFFERED
    assert "waitlist_promoted" in kinds_for(other.user)


def test_a_recall_audits_every_application_it_changes(pair, make_shift):
    agreement = lending.approve_agreement(pair.lender_staff, request(pair, start=0, days=10).id)
    accepted = _place(
        pair, make_shift(factory=pair.borrower), ApplicationStatus.ACCEPTED, agreement
    )
    running = make_shift(factory=pair.borrower, starts_in_hours=-1, hours=4)
    in_progress = _place(pair, running, ApplicationStatus.IN_PROGRESS, agreement)
    in_progress.assignment.checked_in_at = running.starts_at
    applied = _place(pair, make_shift(factory=pair.borrower), ApplicationStatus.APPLIED, agreement)
    db.session.commit()

    lending.recall_worker(pair.lender_staff, agreement.id, "本厂复工")

    expected = {
        "application.cancelled": accepted.id,
        "application.completed": in_progress.id,
        "application.withdrawn": applied.id,
    }
    for action, application_id in expected.items():
        [event] = events(action)
        assert event.object_id == application_id
        assert event.association_id == pair.borrower.association_id
        assert event.actor_id == pair.lender_staff.id
        assert event.details["recalled"] is True
        application = db.session.get(Application, application_id)
        assert application.decided_at is not None
        assert application.updated_at >= application.decided_at
    for application_id in (accepted.id, in_progress.id):
        assert db.session.get(Application, application_id).assignment.ended_at is not None


def test_a_recall_does_not_count_a_shift_checked_out_a_moment_before(pair, make_shift):
    """A check-out lands between the recall reading the application and changing it."""
    agreement = lending.approve_agreement(pair.lender_staff, request(pair, start=0, days=10).id)
    running = make_shift(factory=pair.borrower, starts_in_hours=-1, hours=4)
    in_progress = _place(pair, running, ApplicationStatus.IN_PROGRESS, agreement)
    checked_out = []

    def check_out_meanwhile(state):
        sql = str(state.statement)
        if checked_out or not state.is_select or "applications.lending_agreement_id" not in sql:
            return None
        rows = state.invoke_statement().freeze()  # the recall has read the application
        checked_out.append(in_progress.id)
        state.session.execute(
            sa.update(Application)
            .where(Application.id == in_progress.id)
            .values(status=ApplicationStatus.COMPLETED)
            .execution_options(synchronize_session=False)
        )
        state.session.execute(
            sa.update(WorkerProfile)
            .where(WorkerProfile.id == pair.worker.id)
            .values(shifts_completed=WorkerProfile.shifts_completed + 1)
        )
        return rows()

    sa.event.listen(db.session, "do_orm_execute", check_out_meanwhile)
    try:
        lending.recall_worker(pair.lender_staff, agreement.id, "本厂复工")
    finally:
        sa.event.remove(db.session, "do_orm_execute", check_out_meanwhile)

    assert checked_out == [in_progress.id]
    db.session.expire_all()
    assert db.session.get(WorkerProfile, pair.worker.id).shifts_completed == 1
    assert events("application.completed") == []
    [event] = events("lending.recalled")
    assert event.details["completed_application_ids"] == []


def test_hours_count_from_check_in_to_now_or_to_the_shifts_end():
    start = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    shift = SimpleNamespace(ends_at=start + timedelta(hours=8))
    now = start + timedelta(hours=2, minutes=20)
    assert hours_until(start, shift, now) == Decimal("2.33")
    assert hours_until(start, shift, start + timedelta(hours=9)) == Decimal("8.00")
    assert hours_until(None, shift, now) == Decimal("0.00")


def test_only_the_lender_recalls_an_approved_agreement_with_a_reason(pair, make_factory):
    agreement = request(pair)
    with pytest.raises(Conflict, match="requested"):
        lending.recall_worker(pair.lender_staff, agreement.id, "复工")
    lending.approve_agreement(pair.lender_staff, agreement.id)
    for outsider in (pair.borrower_staff, owner(make_factory()), pair.worker.user):
        with pytest.raises(Forbidden):
            lending.recall_worker(outsider, agreement.id, "复工")
    with pytest.raises(Invalid):
        lending.recall_worker(pair.lender_staff, agreement.id, "")
    assert db.session.get(LendingAgreement, agreement.id).status == AgreementStatus.APPROVED
    assert len(events("denied.lending.recall")) == 3


# --- report and listing ---------------------------------------------------------------------


def _worked(pair, agreement, make_shift, *hours):
    for h in hours:
        application = _place(
            pair, make_shift(factory=pair.borrower), ApplicationStatus.IN_PROGRESS, agreement
        )
        application.assignment.hours = None if h is None else Decimal(h)
    db.session.commit()


def test_the_report_sums_hours_and_amounts_per_agreement(
    pair, make_shift, make_factory, make_worker
):
    agreement = lending.approve_agreement(
        pair.lender_staff, request(pair, settlement_rate_cny="12.35").id
    )
    _worked(pair, agreement, make_shift, "3.50", "4.25", None)
    idle = request(pair, start=20)
    elsewhere = make_factory()  # an agreement of other factories is not in the report
    stranger = SimpleNamespace(
        borrower=elsewhere,
        borrower_staff=owner(elsewhere),
        worker=idle_worker(make_worker, make_factory()),
    )
    request(stranger)

    lines = lending_report.agreement_report(pair.borrower_staff, pair.borrower.id)
    assert [line.agreement.id for line in lines] == [agreement.id, idle.id]
    first, second = lines
    assert (first.hours, first.settlement_rate_cny) == (Decimal("7.75"), Decimal("12.35"))
    assert first.amount_due_cny == Decimal("95.71")  # 95.7125
    assert (first.worker_name, first.lender_name) == (pair.worker.user.name, pair.lender.name)
    assert first.status == AgreementStatus.APPROVED
    assert (second.hours, second.amount_due_cny) == (Decimal("0.00"), Decimal("0.00"))
    # The lender sees the same agreement; a window picks the agreements it overlaps.
    lender_lines = lending_report.agreement_report(pair.lender_staff, pair.lender.id)
    assert {line.agreement.id for line in lender_lines} == {agreement.id, idle.id}
    window = lending_report.agreement_report(
        pair.lender_staff, pair.lender.id, starts_on=local_today() + timedelta(days=15)
    )
    assert [line.agreement.id for line in window] == [idle.id]


def test_the_report_is_for_either_side_and_its_association_only(
    pair, make_factory, make_user, make_association
):
    request(pair)
    moderator = make_user(Role.MODERATOR, association=pair.borrower.association)
    assert len(lending_report.agreement_report(moderator, pair.borrower.id)) == 1
    strangers = (
        owner(make_factory()),
        pair.worker.user,
        make_user(Role.MODERATOR, association=make_association()),
        pair.lender_staff,  # the lender reads its own factory's report, not the borrower's
    )
    for outsider in strangers:
        with pytest.raises(Forbidden):
            lending_report.agreement_report(outsider, pair.borrower.id)
    assert len(events("denied.lending.report")) == 4
    with pytest.raises(NotFound):
        lending_report.agreement_report(pair.borrower_staff, 999_999)


def test_each_user_lists_the_agreements_they_may_view(
    pair, make_factory, make_user, make_association, make_worker
):
    mine = request(pair)
    other_lender = make_factory()
    others = SimpleNamespace(
        borrower=make_factory(), borrower_staff=None, worker=idle_worker(make_worker, other_lender)
    )
    others.borrower_staff = owner(others.borrower)
    theirs = request(others)
    admin = make_user(Role.ADMIN)

    def ids(actor, **filters):
        return {a.id for a in lending_report.agreements_for(actor, **filters)}

    assert ids(pair.worker.user) == {mine.id}
    assert ids(pair.lender_staff) == {mine.id}
    assert ids(pair.borrower_staff) == {mine.id}
    assert ids(make_user(Role.MODERATOR, association=pair.lender.association)) == {mine.id}
    assert ids(make_user(Role.MODERATOR, association=make_association())) == set()
    assert ids(owner(other_lender)) == {theirs.id}
    assert ids(admin) == {mine.id, theirs.id}
    assert ids(admin, factory_id=pair.borrower.id) == {mine.id}
    assert ids(admin, worker_id=others.worker.id) == {theirs.id}
    assert ids(pair.worker.user, factory_id=others.borrower.id) == set()
