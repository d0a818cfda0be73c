"""A week of shifts whose every return-to-work figure was counted by hand (the `scene` fixture).

The window is the week of Monday 2 March 2026 (Asia/Shanghai). Association A has four
posted shifts in it (s1, s2, s3, s7), a draft, a cancelled one and one starting half an
hour after the window; association B has one (s8). The expected figures are written out
below from the rows, not computed by the code under test.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from marketplace.extensions import db
from marketplace.models import (
    AgreementStatus,
    Application,
    ApplicationStatus,
    Assignment,
    Industry,
    LendingAgreement,
    Payer,
    Role,
    Shift,
    ShiftStatus,
    VerificationStatus,
    WorkerKind,
)

SH = ZoneInfo("Asia/Shanghai")
FIRST, LAST = date(2026, 3, 2), date(2026, 3, 8)
S = ApplicationStatus


def at(day: int, hour: float, month: int = 3) -> datetime:
    """A Shanghai wall-clock time in March 2026, as an aware datetime."""
    return datetime(2026, month, day, tzinfo=SH) + timedelta(hours=hour)


def _shift(factory, starts, headcount, published=None, status=ShiftStatus.OPEN, site=0):
    shift = Shift(
        factory=factory,
        site=factory.sites[site],
        title="挡车工",
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
        headcount=headcount,
        hourly_pay_cny=Decimal("25.00"),
        status=status,
        published_at=published,
    )
    db.session.add(shift)
    db.session.flush()
    return shift


def _apply(shift, worker, status, *, taken=None, hours=None, late=False, agreement=None):
    application = Application(
        shift_id=shift.id,
        worker_id=worker.id,
        status=status,
        late_cancellation=late,
        lending_agreement_id=agreement.id if agreement else None,
    )
    db.session.add(application)
    db.session.flush()
    if taken is not None:
        db.session.add(
            Assignment(
                application_id=application.id,
                shift_id=shift.id,
                worker_id=worker.id,
                hours=Decimal(hours) if hours is not None else None,
                lending_agreement_id=agreement.id if agreement else None,
                created_at=taken,
            )
        )
    return application


def _agreement(worker, lender, borrower, status=AgreementStatus.APPROVED):
    agreement = LendingAgreement(
        worker_id=worker.id,
        lender_factory_id=lender.id,
        borrower_factory_id=borrower.id,
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 3, 10),
        wage_payer=Payer.LENDER,
        insurance_payer=Payer.BORROWER,
        settlement_rate_cny=Decimal("30.00"),
        status=status,
    )
    db.session.add(agreement)
    db.session.flush()
    return agreement


@pytest.fixture
def scene(make_association, make_factory, make_worker, make_district, make_user):
    a, b = make_association(), make_association()
    f1, f2, f4 = (make_factory(association=a) for _ in range(3))
    f3 = make_factory(association=a, status=VerificationStatus.PENDING)
    g = make_factory(association=b)
    keqiao = make_district(code="330603", name="柯桥区", lat=30.08, lon=120.49)
    f2.industry, f2.sites[0].district_id = Industry.GARMENTS, keqiao.id
    w1 = make_worker(WorkerKind.RETIREE)
    w2, w4, w5 = (make_worker(WorkerKind.IDLE_EMPLOYEE) for _ in range(3))
    w3, w6 = make_worker(WorkerKind.VOLUNTEER), make_worker(WorkerKind.CROSS_INDUSTRY)
    lent_to_f1 = _agreement(w5, f3, f1)
    _agreement(w4, f4, f1, AgreementStatus.REFUSED)
    lent_to_g = _agreement(w6, f4, g)
    # Shift 1: full; published 1 March 09:00, last place taken 15:00 → 6 hours to fill.
    s1 = _shift(f1, at(2, 9), 2, published=at(1, 9))
    _apply(s1, w1, S.COMPLETED, taken=at(1, 12), hours="8")
    _apply(s1, w2, S.COMPLETED, taken=at(1, 15), hours="7.5")
    _apply(s1, w3, S.REJECTED)
    # Shift 2: one place of four held; a no-show and a late cancellation by the worker.
    s2 = _shift(f1, at(3, 8), 4, published=at(1, 8))
    _apply(s2, w1, S.NO_SHOW, taken=at(2, 8))
    _apply(s2, w4, S.CANCELLED, taken=at(1, 10), late=True)
    _apply(s2, w5, S.COMPLETED, taken=at(2, 20), hours="4", agreement=lent_to_f1)
    # Shift 3: garments in Keqiao, full three hours after publication.
    s3 = _shift(f2, at(5, 9), 1, published=at(4, 0))
    _apply(s3, w2, S.COMPLETED, taken=at(4, 3), hours="10")
    # Shift 7 starts at 23:30 on the last day (15:30 UTC): inside the window, no applicants.
    _shift(f1, at(8, 23.5), 3, published=at(1, 9))
    # Not counted: a draft, a cancelled shift, and one 30 minutes after the window.
    _shift(f1, at(4, 9), 5, status=ShiftStatus.DRAFT)
    _shift(f1, at(4, 9), 6, published=at(1, 9), status=ShiftStatus.CANCELLED)
    _shift(f1, at(9, 0.5), 7, published=at(1, 9))
    # Association B's shift 8: one place of five, worked under a lending agreement.
    s8 = _shift(g, at(4, 8), 5, published=at(2, 8))
    _apply(s8, w6, S.COMPLETED, taken=at(2, 9), hours="6", agreement=lent_to_g)
    db.session.commit()
    moderator = make_user(Role.MODERATOR, association=a)
    return {
        "a": a,
        "b": b,
        "moderator": moderator,
        "admin": make_user(Role.ADMIN),
        "keqiao": keqiao,
        "yuecheng": f1.sites[0].district_id,
    }
