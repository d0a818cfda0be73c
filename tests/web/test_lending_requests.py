"""Borrowing an idle employee: the candidates page names them, and the factory asks to borrow."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from marketplace.errors import Forbidden
from marketplace.extensions import db
from marketplace.models import (
    AgreementStatus,
    LendingAgreement,
    Payer,
    WorkerKind,
    kinds_to_mask,
)
from marketplace.services.ranking import bridge as matching
from tests.factories import PASSWORD
from tests.helpers import owner

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def borrowing(make_factory, make_shift, make_worker):
    """A shift, an idle employee of another factory, one of its own, and a retiree."""
    shift = make_shift()
    employer = make_factory(association=shift.factory.association)
    lent = make_worker(WorkerKind.IDLE_EMPLOYEE, name="待岗张师傅")
    own = make_worker(WorkerKind.IDLE_EMPLOYEE, name="本厂李师傅")
    lent.lender_factory_id, own.lender_factory_id = employer.id, shift.factory_id
    retiree = make_worker(WorkerKind.RETIREE, name="退休王阿姨")
    db.session.commit()
    return {"shift": shift, "employer": employer, "lent": lent, "own": own, "retiree": retiree}


def _ids(candidates):
    return {c.worker_id for c in candidates}


def test_idle_employees_of_other_factories_are_ranked_apart_until_lent(borrowing):
    shift, lent = borrowing["shift"], borrowing["lent"]
    staff = owner(shift.factory)
    assert _ids(matching.rank_lendable(staff, shift.id)) == {lent.id}
    assert lent.id not in _ids(matching.rank_workers(staff, shift.id))
    assert {borrowing["own"].id, borrowing["retiree"].id} <= _ids(
        matching.rank_workers(staff, shift.id)
    )
    day = shift.starts_at.astimezone(SHANGHAI).date()
    db.session.add(
        LendingAgreement(
            worker_id=lent.id,
            lender_factory_id=borrowing["employer"].id,
            borrower_factory_id=shift.factory_id,
            starts_on=day,
            ends_on=day + timedelta(days=1),
            wage_payer=Payer.LENDER,
            insurance_payer=Payer.LENDER,
            settlement_rate_cny=Decimal("25"),
            status=AgreementStatus.APPROVED,
        )
    )
    db.session.commit()
    assert _ids(matching.rank_lendable(staff, shift.id)) == set()
    assert lent.id in _ids(matching.rank_workers(staff, shift.id))


def test_a_shift_that_takes_no_idle_employees_has_none_to_borrow(borrowing):
    shift = borrowing["shift"]
    shift.accepted_kinds_mask = kinds_to_mask([WorkerKind.RETIREE])
    db.session.commit()
    assert matching.rank_lendable(owner(shift.factory), shift.id) == []


def test_only_the_shifts_factory_sees_whom_it_could_borrow(borrowing):
    with pytest.raises(Forbidden):
        matching.rank_lendable(owner(borrowing["employer"]), borrowing["shift"].id)


def test_the_factory_asks_to_borrow_from_the_candidates_page(client, login, post_form, borrowing):
    shift, lent = borrowing["shift"], borrowing["lent"]
    login(owner(shift.factory).mobile, PASSWORD)
    page = client.get(f"/factory/shifts/{shift.id}/candidates").get_data(as_text=True)
    assert "Idle employees of other factories" in page and lent.user.name in page
    url = f"/factory/shifts/{shift.id}/lending-request/{lent.id}"
    day = str(shift.starts_at.astimezone(SHANGHAI).date())
    assert f'value="{day}"' in client.get(url).get_data(as_text=True)
    fields = {
        "starts_on": day,
        "ends_on": day,
        "wage_payer": "borrower",
        "insurance_payer": "lender",
        "settlement_rate_cny": "-3",
        "note": "二月二十日起急需挡车工",
    }
    refused = post_form(url, fields)
    assert refused.status_code == 422
    assert "二月二十日起急需挡车工" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(LendingAgreement.id))) == 0
    last_day = (shift.ends_at - timedelta(seconds=1)).astimezone(SHANGHAI).date()
    after = {
        "starts_on": str(last_day + timedelta(days=1)),
        "ends_on": str(last_day + timedelta(days=2)),
    }
    too_late = post_form(url, {**fields, **after, "settlement_rate_cny": "28.50"})
    assert "does not fall inside the period" in too_late.get_data(as_text=True)
    sent = post_form(url, {**fields, "settlement_rate_cny": "28.50", "ends_on": str(last_day)})
    assert sent.status_code == 302
    agreement = db.session.scalar(sa.select(LendingAgreement))
    assert (agreement.status, agreement.wage_payer) == (AgreementStatus.REQUESTED, Payer.BORROWER)
    assert agreement.lender_factory_id == borrowing["employer"].id


def test_another_factory_cannot_open_the_request_page(client, login, borrowing):
    login(owner(borrowing["employer"]).mobile, PASSWORD)
    url = f"/factory/shifts/{borrowing['shift'].id}/lending-request/{borrowing['lent'].id}"
    assert client.get(url).status_code == 403
