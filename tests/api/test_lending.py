"""Lending agreements through the API: request, decisions, lists for each side, settlement."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from marketplace.extensions import db
from marketplace.models import (
    AgreementStatus,
    Application,
    ApplicationStatus,
    Assignment,
    LendingAgreement,
    Role,
    WorkerKind,
)
from marketplace.services.lending.rules import local_today
from tests.api.conftest import error_of
from tests.helpers import audited, owner

API = "/api/v1/lending-agreements"
PERSONAL = {"mobile", "email", "national_id", "phone"}


@pytest.fixture
def pair(make_factory, make_worker, bearer):
    """A lender, a borrower, an idle employee of the lender, and each side's bearer headers."""
    lender, borrower = make_factory(), make_factory()
    worker = make_worker(WorkerKind.IDLE_EMPLOYEE, name="借调李师傅")
    worker.lender_factory_id = lender.id
    db.session.commit()
    return SimpleNamespace(
        lender=lender,
        borrower=borrower,
        worker=worker,
        lender_staff=bearer(owner(lender)),
        borrower_staff=bearer(owner(borrower)),
        me=bearer(worker.user),
    )


def _body(pair, start=1, days=7, **overrides) -> dict:
    today = local_today()
    body = {
        "worker_id": pair.worker.id,
        "starts_on": (today + timedelta(days=start)).isoformat(),
        "ends_on": (today + timedelta(days=start + days - 1)).isoformat(),
        "wage_payer": "borrower",
        "insurance_payer": "lender",
        "settlement_rate_cny": "30.50",
    }
    return {**body, **overrides}


def _requested(client, pair, **overrides) -> dict:
    response = client.post(API, json=_body(pair, **overrides), headers=pair.borrower_staff)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_borrower_requests_and_the_lender_approves(client, pair):
    agreement = _requested(client, pair, note="车间急需")
    assert agreement["status"] == "requested" and agreement["settlement_rate_cny"] == "30.50"
    assert agreement["lender"]["id"] == pair.lender.id
    assert agreement["borrower"]["id"] == pair.borrower.id
    assert (agreement["worker_name"], agreement["worker_kind"]) == ("借调李师傅", "idle_employee")
    assert not PERSONAL & set(agreement)
    approved = client.post(f"{API}/{agreement['id']}/approve", headers=pair.lender_staff)
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    assert audited("lending.approved") == 1
    error_of(client.post(f"{API}/{agreement['id']}/approve", headers=pair.lender_staff), 409)


def test_each_side_lists_its_agreements_and_the_worker_without_the_terms(
    client, pair, bearer, make_factory
):
    agreement = _requested(client, pair)
    for headers in (pair.lender_staff, pair.borrower_staff):
        listed = client.get(API, headers=headers).get_json()["items"]
        assert [(a["id"], a["settlement_rate_cny"]) for a in listed] == [(agreement["id"], "30.50")]
    mine = client.get(API, headers=pair.me).get_json()["items"]
    assert [a["id"] for a in mine] == [agreement["id"]]
    assert "settlement_rate_cny" not in mine[0] and "note" not in mine[0]
    stranger = make_factory()
    assert client.get(API, headers=bearer(owner(stranger))).get_json()["items"] == []
    narrowed = client.get(f"{API}?factory_id={stranger.id}", headers=pair.lender_staff)
    assert narrowed.get_json()["items"] == []
    error_of(client.get(API), 401)
    error_of(client.get(f"{API}?factory_id=x", headers=pair.lender_staff), 422)


def test_a_request_is_refused_with_a_reason_per_field(client, pair):
    url, staff = API, pair.borrower_staff
    backwards = _body(pair, start=5)
    backwards["ends_on"] = (local_today() + timedelta(days=2)).isoformat()
    assert set(error_of(client.post(url, json=backwards, headers=staff), 422)["fields"]) == {
        "ends_on"
    }
    missing = error_of(client.post(url, json={"worker_id": pair.worker.id}, headers=staff), 422)
    assert {"starts_on", "ends_on", "wage_payer", "insurance_payer", "settlement_rate_cny"} <= set(
        missing["fields"]
    )
    bad = client.post(
        url, json=_body(pair, wage_payer="state", settlement_rate_cny="-1"), headers=staff
    )
    assert {"wage_payer", "settlement_rate_cny"} <= set(error_of(bad, 422)["fields"])
    own = client.post(url, json=_body(pair), headers=pair.lender_staff)
    assert set(error_of(own, 422)["fields"]) == {"worker_id"}  # already the lender's employee
    assert db.session.query(LendingAgreement).count() == 0


def test_a_request_needs_a_borrowing_factory_of_the_caller(
    client, pair, bearer, csrf_header, make_factory
):
    error_of(client.post(API, json=_body(pair), headers=pair.me), 403)  # a worker borrows nothing
    stranger = bearer(owner(make_factory()))
    named = _body(pair, borrower_factory_id=pair.borrower.id)
    error_of(client.post(API, json=named, headers=stranger), 403)
    missing = _body(pair, borrower_factory_id=999999)
    error_of(client.post(API, json=missing, headers=pair.borrower_staff), 404)
    error_of(client.post(API, json=_body(pair, worker_id=999999), headers=pair.borrower_staff), 404)
    error_of(client.post(API, json=_body(pair), headers=csrf_header()), 401)
    _requested(client, pair)
    overlapping = _body(pair, start=3)
    error_of(client.post(API, json=overlapping, headers=pair.borrower_staff), 409)


def test_only_the_lender_decides(client, pair, bearer, csrf_header, make_factory):
    agreement = _requested(client, pair)
    url = f"{API}/{agreement['id']}"
    stranger = bearer(owner(make_factory()))
    reason = {"reason": "人手不足"}
    for step, body in (("approve", None), ("refuse", reason), ("recall", reason)):
        for outsider in (pair.me, pair.borrower_staff, stranger):
            error_of(client.post(f"{url}/{step}", json=body, headers=outsider), 403)
        error_of(client.post(f"{url}/{step}", json=body, headers=csrf_header()), 401)
        error_of(client.post(f"{API}/999999/{step}", json=body, headers=pair.lender_staff), 404)
    for outsider in (pair.me, pair.lender_staff, stranger):
        error_of(client.post(f"{url}/cancel", headers=outsider), 403)
    assert db.session.get(LendingAgreement, agreement["id"]).status == AgreementStatus.REQUESTED


def test_the_lender_refuses_with_a_reason(client, pair):
    url = f"{API}/{_requested(client, pair)['id']}"
    no_reason = error_of(client.post(f"{url}/refuse", json={}, headers=pair.lender_staff), 422)
    assert set(no_reason["fields"]) == {"reason"}
    blank = client.post(f"{url}/refuse", json={"reason": "  "}, headers=pair.lender_staff)
    assert set(error_of(blank, 422)["fields"]) == {"reason"}
    refused = client.post(f"{url}/refuse", json={"reason": "旺季"}, headers=pair.lender_staff)
    assert refused.status_code == 200
    assert (refused.get_json()["status"], refused.get_json()["decision_reason"]) == (
        "refused",
        "旺季",
    )
    error_of(client.post(f"{url}/approve", headers=pair.lender_staff), 409)
    error_of(client.post(f"{url}/cancel", headers=pair.borrower_staff), 409)


def test_the_borrower_withdraws_an_undecided_request(client, pair):
    url = f"{API}/{_requested(client, pair)['id']}"
    cancelled = client.post(f"{url}/cancel", headers=pair.borrower_staff)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    error_of(client.post(f"{url}/cancel", headers=pair.borrower_staff), 409)
    error_of(client.post(f"{url}/approve", headers=pair.lender_staff), 409)


def test_the_lender_recalls_an_approved_worker_only(client, pair):
    url = f"{API}/{_requested(client, pair)['id']}"
    error_of(client.post(f"{url}/recall", json={"reason": "回厂"}, headers=pair.lender_staff), 409)
    client.post(f"{url}/approve", headers=pair.lender_staff)
    no_reason = error_of(client.post(f"{url}/recall", json={}, headers=pair.lender_staff), 422)
    assert set(no_reason["fields"]) == {"reason"}
    recalled = client.post(f"{url}/recall", json={"reason": "回厂"}, headers=pair.lender_staff)
    assert recalled.status_code == 200 and recalled.get_json()["status"] == "recalled"
    assert recalled.get_json()["decision_reason"] == "回厂"


def _worked(agreement_id: int, pair, make_shift, hours: str) -> None:
    shift = make_shift(factory=pair.borrower)
    application = Application(
        worker_id=pair.worker.id,
        shift_id=shift.id,
        status=ApplicationStatus.COMPLETED,
        lending_agreement_id=agreement_id,
    )
    db.session.add(application)
    db.session.flush()
    db.session.add(
        Assignment(
            application_id=application.id,
            shift_id=shift.id,
            worker_id=pair.worker.id,
            lending_agreement_id=agreement_id,
            hours=Decimal(hours),
        )
    )
    db.session.commit()


def test_either_side_reads_the_hours_and_the_amount_due(
    client, pair, bearer, make_shift, moderator_of
):
    agreement = _requested(client, pair, settlement_rate_cny="12.35")
    client.post(f"{API}/{agreement['id']}/approve", headers=pair.lender_staff)
    url = f"{API}/{agreement['id']}/report"
    before = client.get(url, headers=pair.borrower_staff).get_json()
    assert (before["hours"], before["amount_due_cny"]) == ("0.00", "0.00")
    _worked(agreement["id"], pair, make_shift, "3.50")
    _worked(agreement["id"], pair, make_shift, "4.25")
    moderator = bearer(moderator_of(pair.lender))
    for headers in (pair.lender_staff, pair.borrower_staff, moderator):
        report = client.get(url, headers=headers).get_json()
        assert report["agreement_id"] == agreement["id"]
        assert (report["hours"], report["settlement_rate_cny"], report["amount_due_cny"]) == (
            "7.75",
            "12.35",
            "95.71",
        )
        assert report["worker_name"] == "借调李师傅" and report["status"] == "approved"
        assert not PERSONAL & set(report)


def test_the_report_is_refused_to_the_worker_and_strangers(
    client, pair, bearer, make_factory, make_user, make_association
):
    url = f"{API}/{_requested(client, pair)['id']}/report"
    strangers = (
        pair.me,
        bearer(owner(make_factory())),
        bearer(make_user(Role.MODERATOR, association=make_association())),
    )
    for headers in strangers:
        error_of(client.get(url, headers=headers), 403)
    error_of(client.get(url), 401)
    error_of(client.get(f"{API}/999999/report", headers=pair.lender_staff), 404)
    assert audited("denied.lending.report") == 3
