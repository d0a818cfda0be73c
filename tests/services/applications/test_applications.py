"""Applying for shifts: eligibility, the waiting list, and promotion from it."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from marketplace.errors import Conflict, Forbidden, Invalid, NotFound
from marketplace.extensions import db
from marketplace.models import (
    AgreementStatus,
    Application,
    ApplicationStatus,
    AuditEvent,
    CertificateType,
    LendingAgreement,
    Payer,
    Role,
    ShiftCertificate,
    ShiftRequiredSkill,
    ShiftStatus,
    UserStatus,
    WorkerCertificate,
    WorkerKind,
    WorkerSkill,
    kinds_to_mask,
    utcnow,
)
from marketplace.services.applications import applying as applications
from marketplace.services.applications import offers
from marketplace.services.applications.eligibility import local_date
from tests.helpers import notified, staff, status_of

S = ApplicationStatus


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def messages(exc_info) -> list[str]:
    return [str(m) for m in exc_info.value.fields["eligibility"]]


@pytest.fixture
def electrician(app):
    kind = CertificateType(
        code="special.electrician", name_zh="电工证", name_en="Electrician", validity_years=6
    )
    db.session.add(kind)
    db.session.commit()
    return kind


def hold_place(worker, shift, status=S.ACCEPTED) -> Application:
    application = Application(worker_id=worker.id, shift_id=shift.id, status=status)
    db.session.add(application)
    db.session.commit()
    return application


def agreement(worker, lender, borrower, starts_on, ends_on, status=AgreementStatus.APPROVED):
    row = LendingAgreement(
        worker_id=worker.id,
        lender_factory_id=lender.id,
        borrower_factory_id=borrower.id,
        starts_on=starts_on,
        ends_on=ends_on,
        wage_payer=Payer.BORROWER,
        insurance_payer=Payer.LENDER,
        settlement_rate_cny=Decimal("30.00"),
        status=status,
    )
    db.session.add(row)
    db.session.commit()
    return row


def test_a_retiree_applies_and_the_factory_is_told(make_worker, make_shift):
    worker, shift = make_worker(), make_shift()
    application = applications.apply(worker.user, shift.id, note="  会挡车  ")
    assert application.status == S.APPLIED
    assert application.note == "会挡车"
    assert application.lending_agreement_id is None
    assert notified(staff(shift).id, "application_received") == 1
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "application.applied")
    )
    assert event.actor_id == worker.user.id
    assert event.association_id == shift.factory.association_id


def test_only_a_worker_can_apply(make_user, make_shift):
    shift = make_shift()
    with pytest.raises(Forbidden):
        applications.apply(staff(shift), shift.id)
    with pytest.raises(Forbidden):
        applications.apply(make_user(Role.ADMIN), shift.id)
    assert actions() == ["denied.application.apply", "denied.application.apply"]
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 0


def test_an_unknown_shift_is_not_found(make_worker):
    with pytest.raises(NotFound):
        applications.apply(make_worker().user, 999_999)


def test_a_long_note_is_refused(make_worker, make_shift):
    with pytest.raises(Invalid) as refused:
        applications.apply(make_worker().user, make_shift().id, note="x" * 1001)
    assert "note" in refused.value.fields


def test_every_failed_condition_is_named(make_worker, make_shift, loom, electrician):
    shift = make_shift()
    shift.accepted_kinds_mask = kinds_to_mask([WorkerKind.VOLUNTEER])
    db.session.add(ShiftRequiredSkill(shift=shift, skill=loom, min_level=3))
    db.session.add(ShiftCertificate(shift=shift, certificate_type=electrician))
    worker = make_worker(WorkerKind.RETIREE)
    db.session.add(WorkerSkill(worker=worker, skill=loom, level=1))
    worker.user.status = UserStatus.SUSPENDED
    busy = make_shift(starts_in_hours=50)  # overlaps hours 48-56
    hold_place(worker, busy)
    with pytest.raises(Invalid) as refused:
        applications.apply(worker.user, shift.id)
    found = messages(refused)
    assert found == [
        "Your account is suspended.",
        "This shift does not take retiree workers.",
        "Needs Loom operation at level 3; you have level 1.",
        "Needs the certificate Electrician; you do not hold it.",
        found[4],
    ]
    assert found[4].startswith("Overlaps 挡车工 (from ")
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 1  # only `busy`


def test_a_missing_skill_and_an_expired_certificate_are_named(
    make_worker, make_shift, loom, electrician
):
    shift = make_shift()
    db.session.add(ShiftRequiredSkill(shift=shift, skill=loom, min_level=2))
    db.session.add(ShiftCertificate(shift=shift, certificate_type=electrician))
    worker = make_worker()
    yesterday = local_date(shift.starts_at) - timedelta(days=1)
    db.session.add(
        WorkerCertificate(
            worker=worker, certificate_type=electrician, number="E1", valid_until=yesterday
        )
    )
    db.session.commit()
    with pytest.raises(Invalid) as refused:
        applications.apply(worker.user, shift.id)
    assert messages(refused) == [
        "Needs Loom operation at level 2; you do not have this skill.",
        f"Your certificate Electrician expires on {yesterday.isoformat()},"
        f" before the shift on {local_date(shift.starts_at).isoformat()}.",
    ]


def test_certificates_are_judged_on_the_shanghai_date(make_worker, make_shift, electrician):
    shift = make_shift()
    # 23:30 UTC is 07:30 the next morning in Shanghai.
    start = (utcnow() + timedelta(days=3)).replace(hour=23, minute=30, second=0, microsecond=0)
    shift.starts_at, shift.ends_at = start, start + timedelta(hours=8)
    db.session.add(ShiftCertificate(shift=shift, certificate_type=electrician))
    worker = make_worker()
    certificate = WorkerCertificate(
        worker=worker, certificate_type=electrician, number="E2", valid_until=start.date()
    )
    db.session.add(certificate)
    db.session.commit()
    with pytest.raises(Invalid) as refused:
        applications.apply(worker.user, shift.id)
    assert "expires on" in messages(refused)[0]
    certificate.valid_until = start.date() + timedelta(days=1)
    db.session.commit()
    assert applications.apply(worker.user, shift.id).status == S.APPLIED


def test_skills_at_the_minimum_level_are_enough(make_worker, make_shift, loom):
    shift = make_shift()
    db.session.add(ShiftRequiredSkill(shift=shift, skill=loom, min_level=3))
    worker = make_worker()
    db.session.add(WorkerSkill(worker=worker, skill=loom, level=3))
    db.session.commit()
    assert applications.apply(worker.user, shift.id).status == S.APPLIED


def test_a_shift_that_is_not_open_or_has_started_is_refused(make_worker, make_shift):
    worker = make_worker()
    started = make_shift(starts_in_hours=-1)
    cancelled = make_shift(status=ShiftStatus.CANCELLED)
    with pytest.raises(Invalid) as refused:
        applications.apply(worker.user, cancelled.id)
    assert messages(refused) == ["This shift is not open for applications (it is cancelled)."]
    with pytest.raises(Invalid) as refused:
        applications.apply(worker.user, started.id)
    assert messages(refused) == ["This shift has already started."]


def test_back_to_back_shifts_do_not_overlap(make_worker, make_shift):
    worker = make_worker()
    hold_place(worker, make_shift(starts_in_hours=40, hours=8))  # ends when the next starts
    assert applications.apply(worker.user, make_shift(starts_in_hours=48).id).status == S.APPLIED


def test_an_idle_employee_needs_an_approved_agreement(make_worker, make_shift, make_factory):
    lender = make_factory()
    shift = make_shift()
    worker = make_worker(WorkerKind.IDLE_EMPLOYEE)
    worker.lender_factory_id = lender.id
    db.session.commit()
    first, last = local_date(shift.starts_at), local_date(shift.ends_at)
    agreement(worker, lender, shift.factory, first, last, status=AgreementStatus.REQUESTED)
    agreement(worker, lender, make_factory(), first, last)  # another borrower
    agreement(worker, lender, shift.factory, first - timedelta(days=9), first - timedelta(days=1))
    with pytest.raises(Invalid) as refused:
        applications.apply(worker.user, shift.id)
    (message,) = messages(refused)
    assert message.startswith("As a lent employee you need a lending agreement")

    approved = agreement(worker, lender, shift.factory, first - timedelta(days=1), last)
    application = applications.apply(worker.user, shift.id)
    assert application.status == S.APPLIED
    assert application.lending_agreement_id == approved.id


def test_an_agreement_must_cover_the_last_day(make_worker, make_shift, make_factory):
    lender, shift = make_factory(), make_shift(hours=30)  # runs into a second local day
    worker = make_worker(WorkerKind.IDLE_EMPLOYEE)
    first = local_date(shift.starts_at)
    agreement(worker, lender, shift.factory, first, first)
    with pytest.raises(Invalid):
        applications.apply(worker.user, shift.id)


def test_an_idle_employee_at_their_own_employer_needs_no_agreement(make_worker, make_shift):
    shift = make_shift()
    worker = make_worker(WorkerKind.IDLE_EMPLOYEE)
    worker.lender_factory_id = shift.factory_id
    db.session.commit()
    assert applications.apply(worker.user, shift.id).lending_agreement_id is None


def test_a_full_shift_puts_the_worker_on_the_waiting_list(make_worker, make_shift):
    shift = make_shift(headcount=1)
    hold_place(make_worker(), shift)
    application = applications.apply(make_worker().user, shift.id)
    assert application.status == S.WAITLISTED
    assert "application.waitlisted" in actions()
    assert notified(staff(shift).id, "application_received") == 1


def test_applying_twice_is_a_conflict_but_a_withdrawn_application_is_reused(
    make_worker, make_shift
):
    worker, shift = make_worker(), make_shift()
    first = applications.apply(worker.user, shift.id)
    with pytest.raises(Conflict):
        applications.apply(worker.user, shift.id)
    first.status, first.offered_at = S.WITHDRAWN, utcnow()
    first.created_at = utcnow() - timedelta(days=1)
    db.session.commit()
    again = applications.apply(worker.user, shift.id, note="再试")
    assert again.id == first.id
    assert (again.status, again.offered_at, again.note) == (S.APPLIED, None, "再试")
    assert again.created_at > utcnow() - timedelta(minutes=1)  # back of the list


@pytest.mark.parametrize("status", [S.ACCEPTED, S.CANCELLED, S.NO_SHOW, S.WAITLISTED])
def test_an_active_or_final_application_is_not_reused(make_worker, make_shift, status):
    worker, shift = make_worker(), make_shift()
    hold_place(worker, shift, status=status)
    with pytest.raises(Conflict):
        applications.apply(worker.user, shift.id)


def _waitlist(shift, workers, minutes_ago):
    rows = []
    for worker, minutes in zip(workers, minutes_ago, strict=True):
        row = hold_place(worker, shift, status=S.WAITLISTED)
        row.created_at = utcnow() - timedelta(minutes=minutes)
        rows.append(row)
    db.session.commit()
    return rows


def test_promotion_offers_the_place_to_the_earliest_on_the_list(make_worker, make_shift):
    shift = make_shift(headcount=1)
    later, earlier = _waitlist(shift, [make_worker(), make_worker()], [5, 10])
    promoted = applications.promote_from_waitlist(shift)
    db.session.commit()
    assert promoted.id == earlier.id and promoted.status == S.OFFERED
    expected = utcnow() + timedelta(hours=24)
    assert abs((promoted.offer_expires_at - expected).total_seconds()) < 60
    assert notified(earlier.worker.user_id, "waitlist_promoted") == 1
    assert db.session.get(Application, later.id).status == S.WAITLISTED
    # The place is on offer now: a second call promotes nobody.
    assert applications.promote_from_waitlist(shift) is None


def test_promotion_waits_while_the_shift_is_full_and_leaves_the_commit_to_the_caller(
    make_worker, make_shift
):
    shift = make_shift(headcount=1)
    taken = hold_place(make_worker(), shift)
    (waiting,) = _waitlist(shift, [make_worker()], [1])
    assert applications.promote_from_waitlist(shift) is None
    taken.status = S.CANCELLED  # the caller frees the place, then promotes
    assert applications.promote_from_waitlist(shift).id == waiting.id
    db.session.rollback()
    assert db.session.get(Application, waiting.id).status == S.WAITLISTED


def test_an_offer_never_outlasts_the_shift_start(app, make_worker, make_shift):
    app.config["OFFER_TTL_HOURS"] = 48
    shift = make_shift(headcount=1, starts_in_hours=3)
    _waitlist(shift, [make_worker()], [1])
    promoted = applications.promote_from_waitlist(shift)
    assert promoted.offer_expires_at == shift.starts_at


def test_the_offer_deadline_follows_the_configured_ttl(app, make_worker, make_shift):
    app.config["OFFER_TTL_HOURS"] = 6
    shift = make_shift(headcount=1)
    _waitlist(shift, [make_worker()], [1])
    promoted = applications.promote_from_waitlist(shift)
    assert abs((promoted.offer_expires_at - utcnow() - timedelta(hours=6)).total_seconds()) < 60


@pytest.mark.parametrize("status", [ShiftStatus.CANCELLED, ShiftStatus.COMPLETED])
def test_a_closed_shift_promotes_nobody(make_worker, make_shift, status):
    shift = make_shift(headcount=1)
    _waitlist(shift, [make_worker()], [1])
    shift.status = status
    db.session.commit()
    assert applications.promote_from_waitlist(shift) is None


def test_a_started_shift_promotes_nobody(make_worker, make_shift):
    shift = make_shift(headcount=1, starts_in_hours=-1)
    _waitlist(shift, [make_worker()], [1])
    assert applications.promote_from_waitlist(shift) is None


def test_filling_from_the_waitlist_stops_at_the_free_places(make_worker, make_shift):
    shift = make_shift(headcount=3)
    hold_place(make_worker(), shift)
    _waitlist(shift, [make_worker() for _ in range(4)], [4, 3, 2, 1])
    assert applications.fill_from_waitlist(shift) == 2
    db.session.commit()
    statuses = db.session.scalars(
        sa.select(Application.status).where(Application.shift_id == shift.id)
    ).all()
    assert sorted(statuses) == sorted(
        [S.ACCEPTED, S.OFFERED, S.OFFERED, S.WAITLISTED, S.WAITLISTED]
    )


def test_local_date_is_shanghai():
    from datetime import UTC, datetime

    assert local_date(datetime(2020, 2, 9, 16, 30, tzinfo=UTC)) == date(2020, 2, 10)


@pytest.mark.parametrize(
    "status", [ShiftStatus.DRAFT, ShiftStatus.PENDING_REVIEW, ShiftStatus.REJECTED]
)
def test_unpublished_shifts_do_not_exist_for_workers(make_worker, make_shift, status):
    """A worker learns nothing about a draft or unapproved shift, not even its state."""
    from marketplace.errors import NotFound

    with pytest.raises(NotFound):
        applications.apply(make_worker().user, make_shift(status=status).id)


def test_a_rejected_worker_cannot_simply_apply_again(make_worker, make_shift):
    shift = make_shift()
    application = applications.apply(make_worker().user, shift.id)
    application.status = S.REJECTED
    db.session.commit()
    with pytest.raises(Conflict):
        applications.apply(application.worker.user, shift.id)


def test_promotion_passes_over_workers_who_can_no_longer_take_the_shift(make_worker, make_shift):
    from marketplace.models import UserStatus
    from marketplace.services.applications import attendance

    shift = make_shift(headcount=1)
    holder, suspended, next_in_line = make_worker(), make_worker(), make_worker()
    placed = applications.apply(holder.user, shift.id)
    offers.offer(staff(shift), placed.id)
    offers.accept(holder.user, placed.id)
    first = applications.apply(suspended.user, shift.id)
    second = applications.apply(next_in_line.user, shift.id)
    assert {first.status, second.status} == {S.WAITLISTED}
    suspended.user.status = UserStatus.SUSPENDED
    db.session.commit()
    attendance.cancel(holder.user, placed.id, "家里有事")
    db.session.expire_all()
    assert status_of(first) == S.WAITLISTED
    assert status_of(second) == S.OFFERED


def test_a_suspended_worker_lets_go_of_places_and_the_waiting_list_moves_up(
    make_worker, make_shift, make_user
):
    from marketplace.models import Role
    from marketplace.services.accounts import registration as accounts

    shift = make_shift(headcount=1)
    holder, waiting = make_worker(), make_worker()
    placed = applications.apply(holder.user, shift.id)
    offers.offer(staff(shift), placed.id)
    offers.accept(holder.user, placed.id)
    queued = applications.apply(waiting.user, shift.id)
    other = applications.apply(holder.user, make_shift(starts_in_hours=100).id)
    accounts.suspend_user(make_user(Role.ADMIN), holder.user, reason="冒用他人身份")
    db.session.expire_all()
    assert (
        status_of(placed) == S.CANCELLED
        and not db.session.get(Application, placed.id).late_cancellation
    )
    assert status_of(other) == S.WITHDRAWN
    assert status_of(queued) == S.OFFERED
    assert db.session.get(type(shift), shift.id).accepted_count == 0
