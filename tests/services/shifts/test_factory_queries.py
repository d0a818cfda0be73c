"""Read-only queries for the factory pages: only the actor's own factory's objects."""

from datetime import timedelta
from decimal import Decimal

import pytest

from marketplace.errors import Forbidden
from marketplace.extensions import db
from marketplace.models import (
    AgreementStatus,
    Application,
    ApplicationStatus,
    Assignment,
    LendingAgreement,
    Payer,
    Role,
    ShiftStatus,
    VerificationStatus,
    WorkerKind,
)
from marketplace.services.lending.rules import local_today
from marketplace.services.shifts import factory_queries as q
from tests.helpers import audited, owner

S = ApplicationStatus


def _apply(worker, shift, status=S.APPLIED) -> Application:
    application = Application(worker_id=worker.id, shift_id=shift.id, status=status)
    db.session.add(application)
    db.session.commit()
    return application


def _agreement(worker, lender, borrower, status=AgreementStatus.REQUESTED) -> LendingAgreement:
    worker.lender_factory_id = lender.id
    agreement = LendingAgreement(
        worker_id=worker.id,
        lender_factory_id=lender.id,
        borrower_factory_id=borrower.id,
        starts_on=local_today(),
        ends_on=local_today() + timedelta(days=5),
        wage_payer=Payer.BORROWER,
        insurance_payer=Payer.BORROWER,
        settlement_rate_cny=Decimal("20.00"),
        status=status,
    )
    db.session.add(agreement)
    db.session.commit()
    return agreement


@pytest.fixture
def two(make_factory):
    """Two factories; each query is asked by the first one's owner."""
    return make_factory(), make_factory()


def test_shifts_are_grouped_and_only_my_factorys(two, make_shift):
    mine, theirs = two
    draft = make_shift(factory=mine, status=ShiftStatus.DRAFT)
    pending = make_shift(factory=mine, status=ShiftStatus.PENDING_REVIEW)
    open_ = make_shift(factory=mine, headcount=2)
    filled = make_shift(factory=mine, headcount=1)
    past = make_shift(factory=mine, starts_in_hours=-30)
    cancelled = make_shift(factory=mine, status=ShiftStatus.CANCELLED)
    make_shift(factory=theirs)
    filled.accepted_count = 1
    db.session.commit()
    groups = q.shifts_by_group(owner(mine), mine.id)
    assert {name: [s.id for s in shifts] for name, shifts in groups.items()} == {
        "draft": [draft.id],
        "pending": [pending.id],
        "open": [open_.id],
        "filled": [filled.id],
        "past": [cancelled.id, past.id],  # newest first
    }
    assert q.shifts_by_group(owner(mine)) == groups  # the first factory by default


def test_my_factories_leave_out_suspended_ones(make_factory, make_user):
    user = make_user(Role.FACTORY_STAFF)
    active = make_factory(owner=user)
    make_factory(owner=user, status=VerificationStatus.SUSPENDED)
    assert q.my_factories(user) == [active]


def test_a_shift_overview_lists_its_applicants_undecided_first(two, make_shift, make_worker):
    mine, _ = two
    shift = make_shift(factory=mine)
    rejected = _apply(make_worker(), shift, S.REJECTED)
    applied = _apply(make_worker(), shift)
    offered = _apply(make_worker(), shift, S.OFFERED)
    overview = q.shift_overview(owner(mine), shift.id)
    assert overview.shift == shift
    assert overview.applications == [applied, offered, rejected]


def test_attendance_lists_the_workers_on_the_shift(two, make_shift, make_worker):
    mine, _ = two
    shift = make_shift(factory=mine, starts_in_hours=-1)
    _apply(make_worker(), shift)
    on = _apply(make_worker(), shift, S.ACCEPTED)
    gone = _apply(make_worker(), shift, S.NO_SHOW)
    db.session.add(Assignment(application_id=on.id, shift_id=shift.id, worker_id=on.worker_id))
    db.session.commit()
    rows = q.shift_attendance(owner(mine), shift.id).rows
    assert [r.application for r in rows] == [on, gone]
    assert rows[0].assignment is not None and rows[0].rating is None


def test_candidates_come_with_their_applications(two, make_shift, make_worker):
    mine, _ = two
    shift = make_shift(factory=mine)
    applied, other = make_worker(), make_worker()
    application = _apply(applied, shift)
    found = q.shift_candidates(owner(mine), shift.id)
    assert {c.worker_id for c in found.candidates} == {applied.id, other.id}
    assert found.applications == {applied.id: application}


def test_agreements_are_split_by_side(two, make_factory, make_worker):
    mine, theirs = two
    third = make_factory()
    lent = _agreement(make_worker(WorkerKind.IDLE_EMPLOYEE), mine, theirs)
    borrowed = _agreement(make_worker(WorkerKind.IDLE_EMPLOYEE), theirs, mine)
    _agreement(make_worker(WorkerKind.IDLE_EMPLOYEE), theirs, third)
    found = q.factory_agreements(owner(mine))
    assert (found.as_lender, found.as_borrower, found.requests) == ([lent], [borrowed], [lent])


def test_settlement_totals_each_side(two, make_shift, make_worker):
    mine, theirs = two
    agreement = _agreement(
        make_worker(WorkerKind.IDLE_EMPLOYEE), theirs, mine, AgreementStatus.APPROVED
    )
    shift = make_shift(factory=mine, starts_in_hours=-10)
    application = _apply(agreement.worker, shift, S.COMPLETED)
    db.session.add(
        Assignment(
            application_id=application.id,
            shift_id=shift.id,
            worker_id=agreement.worker_id,
            lending_agreement_id=agreement.id,
            hours=Decimal("7.50"),
        )
    )
    db.session.commit()
    report = q.settlement(owner(mine))
    assert [line.hours for line in report.lines] == [Decimal("7.50")]
    assert report.due_to_lenders == Decimal("150.00")
    assert report.due_from_borrowers == Decimal("0.00")


@pytest.mark.parametrize(
    ("query", "action"),
    [
        (lambda user, shift: q.managed_shift(user, shift.id), "denied.shift.view"),
        (lambda user, shift: q.shift_overview(user, shift.id), "denied.shift.applications"),
        (lambda user, shift: q.shift_candidates(user, shift.id), "denied.shift.matches"),
        (lambda user, shift: q.shift_attendance(user, shift.id), "denied.shift.attendance"),
        (lambda user, shift: q.shifts_by_group(user, shift.factory_id), "denied.factory.view"),
        (lambda user, shift: q.factory_agreements(user, shift.factory_id), "denied.factory.view"),
        (lambda user, shift: q.settlement(user, shift.factory_id), "denied.factory.view"),
    ],
)
def test_another_factorys_staff_are_refused_and_audited(two, make_shift, query, action):
    mine, theirs = two
    shift = make_shift(factory=mine)
    with pytest.raises(Forbidden):
        query(owner(theirs), shift)
    assert audited(action) == 1


def test_a_worker_has_no_factory(make_worker):
    worker = make_worker()
    with pytest.raises(Forbidden):
        q.factory_for(worker.user)
    assert audited("denied.factory.view") == 1
