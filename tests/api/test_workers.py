"""The calling worker's own profile over the API, and the refusals of every /workers/me route."""

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import (
    AgreementStatus,
    AvailabilityWindow,
    CertificateType,
    LendingAgreement,
    Payer,
    Role,
    WorkerCertificate,
    WorkerKind,
    WorkerSkill,
    utcnow,
)
from tests.api.conftest import error_of
from tests.factories import valid_national_id
from tests.helpers import owner

API = "/api/v1/workers/me"


@pytest.fixture
def me(make_worker):
    worker = make_worker(WorkerKind.RETIREE, name="王阿姨", mobile="+8613812345678")
    worker.national_id = valid_national_id(7)
    db.session.commit()
    return worker


@pytest.fixture
def welding(app):
    kind = CertificateType(code="welding", name_zh="焊工证", name_en="Welder", validity_years=3)
    db.session.add(kind)
    db.session.commit()
    return kind


def _hours_from_now(hours: float, offset: str = "+08:00") -> str:
    """An ISO time that many hours ahead, written in the given UTC offset."""
    zone = datetime.strptime(offset, "%z").tzinfo
    return (utcnow() + timedelta(hours=hours)).astimezone(zone).isoformat(timespec="seconds")


def test_the_profile_shows_personal_numbers_masked(client, bearer, me, loom, welding):
    db.session.add_all(
        [
            WorkerSkill(worker_id=me.id, skill_id=loom.id, level=4, verified_at=utcnow()),
            WorkerCertificate(worker_id=me.id, certificate_type_id=welding.id, number="T1"),
            AvailabilityWindow(
                worker_id=me.id,
                starts_at=utcnow() + timedelta(days=1),
                ends_at=utcnow() + timedelta(days=2),
            ),
        ]
    )
    db.session.commit()
    response = client.get(API, headers=bearer(me.user))
    assert response.status_code == 200
    body = response.get_json()
    assert body["name"] == "王阿姨" and body["kind"] == "retiree"
    assert body["home_source"] == "district" and body["home_district"] == "越城区"
    assert body["mobile_masked"] == "138****5678"
    assert body["national_id_masked"] == f"330{'*' * 11}{me.national_id[-4:]}"
    text = response.get_data(as_text=True)
    assert me.national_id not in text and "13812345678" not in text
    assert [(s["code"], s["level"], s["verified"]) for s in body["skills"]] == [
        ("weaving.loom", 4, True)
    ]
    assert [(c["code"], c["number"], c["verified"]) for c in body["certificates"]] == [
        ("welding", "T1", False)
    ]
    [window] = body["availability"]
    assert window["starts_at"].endswith("+00:00")


def test_patching_changes_only_the_fields_sent(client, bearer, me):
    headers = bearer(me.user)
    response = client.patch(API, json={"max_travel_km": 35, "needs_housing": True}, headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["max_travel_km"], body["needs_housing"], body["kind"]) == (35, True, "retiree")
    assert body["home_source"] == "district"

    moved = client.patch(API, json={"lat": 30.01, "lon": 120.6}, headers=headers).get_json()
    assert (moved["home_source"], moved["home_lat"], moved["home_lon"]) == (
        "coordinates",
        30.01,
        120.6,
    )
    assert moved["max_travel_km"] == 35  # untouched by the second change
    back = client.patch(API, json={"home_source": "district"}, headers=headers).get_json()
    assert (back["home_lat"], back["home_lon"]) == (me.home_district.lat, me.home_district.lon)


def test_an_idle_employee_names_their_lender(client, bearer, me, make_factory):
    headers = bearer(me.user)
    missing = client.patch(API, json={"kind": "idle_employee"}, headers=headers)
    assert list(error_of(missing, 422)["fields"]) == ["lender_factory_id"]
    lender = make_factory()
    body = {"kind": "idle_employee", "lender_factory_id": lender.id}
    named = client.patch(API, json=body, headers=headers).get_json()
    assert (named["kind"], named["lender_factory_id"], named["lender"]) == (
        "idle_employee",
        lender.id,
        lender.name,
    )
    # Another kind of worker has no lender: the service clears it.
    cleared = client.patch(API, json={"kind": "volunteer"}, headers=headers).get_json()
    assert (cleared["lender_factory_id"], cleared["lender"]) == (None, None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"max_travel_km": 0}, "max_travel_km"),
        ({"max_travel_km": 501}, "max_travel_km"),
        ({"kind": "boss"}, "kind"),
        ({"lat": 91}, "lat"),
        ({"home_source": "district", "district_id": None}, "district_id"),
        ({"district_id": 999999}, "district_id"),
        ({"home_source": "moon"}, "home_source"),
        ({"shoe_size": 42}, "shoe_size"),
    ],
)
def test_a_bad_profile_change_names_its_field_and_changes_nothing(client, bearer, me, body, field):
    response = client.patch(API, json=body, headers=bearer(me.user))
    assert field in error_of(response, 422)["fields"]
    db.session.expire_all()
    assert (me.kind, me.max_travel_km, me.home_lat) == (WorkerKind.RETIREE, 20.0, 29.9882)


def test_skills_are_declared_changed_and_removed_by_skill_id(client, bearer, me, loom):
    headers, url = bearer(me.user), f"{API}/skills/{loom.id}"
    declared = client.put(url, json={"level": 3}, headers=headers)
    assert declared.status_code == 200
    assert (declared.get_json()["skill_id"], declared.get_json()["level"]) == (loom.id, 3)
    db.session.execute(sa.update(WorkerSkill).values(verified_at=utcnow()))
    db.session.commit()
    changed = client.put(url, json={"level": 5}, headers=headers).get_json()
    assert (changed["level"], changed["verified"]) == (5, False)  # a new level needs a new check
    listed = client.get(f"{API}/skills", headers=headers).get_json()
    assert [(s["skill_id"], s["level"]) for s in listed] == [(loom.id, 5)]

    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(f"{API}/skills", headers=headers).get_json() == []
    error_of(client.delete(url, headers=headers), 404)  # no longer held


def test_skill_refusals(client, bearer, me, make_worker, loom):
    headers = bearer(me.user)
    for level in (0, 6, "three", None):
        bad = client.put(f"{API}/skills/{loom.id}", json={"level": level}, headers=headers)
        assert list(error_of(bad, 422)["fields"]) == ["level"]
    chinese = {**headers, "Accept-Language": "zh-CN"}
    bad = client.put(f"{API}/skills/{loom.id}", json={"level": 9}, headers=chinese)
    assert error_of(bad, 422)["fields"]["level"] == ["技能等级为 1 到 5 级。"]
    # the skill in the path is the resource addressed: an unknown one is not found
    error_of(client.put(f"{API}/skills/999999", json={"level": 2}, headers=headers), 404)
    # Another worker's skill is not the caller's to remove: not found among theirs.
    other = make_worker()
    db.session.add(WorkerSkill(worker_id=other.id, skill_id=loom.id, level=2))
    db.session.commit()
    error_of(client.delete(f"{API}/skills/{loom.id}", headers=headers), 404)
    assert db.session.scalar(sa.select(sa.func.count(WorkerSkill.id))) == 1


def test_certificates_are_added_updated_and_removed(client, bearer, me, welding):
    headers = bearer(me.user)
    until = (date.today() + timedelta(days=400)).isoformat()
    body = {"certificate_type_id": welding.id, "number": " T123 ", "valid_until": until}
    added = client.post(f"{API}/certificates", json=body, headers=headers)
    assert added.status_code == 200
    assert (added.get_json()["number"], added.get_json()["valid_until"]) == ("T123", until)
    again = {"certificate_type_id": welding.id, "number": "T999"}
    updated = client.post(f"{API}/certificates", json=again, headers=headers).get_json()
    assert (updated["number"], updated["valid_until"]) == ("T999", None)
    listed = client.get(f"{API}/certificates", headers=headers).get_json()
    assert [(c["certificate_type_id"], c["number"]) for c in listed] == [(welding.id, "T999")]

    assert client.delete(f"{API}/certificates/{welding.id}", headers=headers).status_code == 204
    assert client.get(f"{API}/certificates", headers=headers).get_json() == []
    error_of(client.delete(f"{API}/certificates/{welding.id}", headers=headers), 404)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"number": "T1", "valid_until": "2000-01-01"}, "valid_until"),
        ({"number": "   "}, "number"),
        ({"number": "T" * 41}, "number"),
        ({"number": "T1", "valid_until": "31/12/2030"}, "valid_until"),
    ],
)
def test_a_bad_certificate_names_its_field(client, bearer, me, welding, body, field):
    response = client.post(
        f"{API}/certificates",
        json={"certificate_type_id": welding.id, **body},
        headers=bearer(me.user),
    )
    assert list(error_of(response, 422)["fields"]) == [field]
    assert db.session.scalar(sa.select(sa.func.count(WorkerCertificate.id))) == 0


def test_an_unknown_or_anothers_certificate(client, bearer, me, make_worker, welding):
    headers = bearer(me.user)
    unknown = client.post(
        f"{API}/certificates", json={"certificate_type_id": 999999, "number": "T1"}, headers=headers
    )
    assert list(error_of(unknown, 422)["fields"]) == ["certificate_type_id"]
    other = make_worker()
    db.session.add(
        WorkerCertificate(worker_id=other.id, certificate_type_id=welding.id, number="X")
    )
    db.session.commit()
    error_of(client.delete(f"{API}/certificates/{welding.id}", headers=headers), 404)
    assert db.session.scalar(sa.select(sa.func.count(WorkerCertificate.id))) == 1


def test_availability_is_kept_in_utc_and_removed_by_id(client, bearer, me):
    headers = bearer(me.user)
    body = {"starts_at": _hours_from_now(24), "ends_at": _hours_from_now(32)}
    added = client.post(f"{API}/availability", json=body, headers=headers)
    assert added.status_code == 201
    window = added.get_json()
    starts = datetime.fromisoformat(window["starts_at"])
    assert starts.utcoffset() == timedelta(0)
    assert starts == datetime.fromisoformat(body["starts_at"])  # the same instant
    listed = client.get(f"{API}/availability", headers=headers).get_json()
    assert [w["id"] for w in listed] == [window["id"]]

    url = f"{API}/availability/{window['id']}"
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(f"{API}/availability", headers=headers).get_json() == []
    error_of(client.delete(url, headers=headers), 404)


def test_availability_refusals(client, bearer, me, make_worker):
    headers = bearer(me.user)
    backwards = {"starts_at": _hours_from_now(30), "ends_at": _hours_from_now(24)}
    refused = client.post(f"{API}/availability", json=backwards, headers=headers)
    assert list(error_of(refused, 422)["fields"]) == ["ends_at"]
    naive = {"starts_at": "2030-01-01T08:00:00", "ends_at": "2030-01-01T16:00:00"}
    refused = client.post(f"{API}/availability", json=naive, headers=headers)
    assert set(error_of(refused, 422)["fields"]) == {"starts_at", "ends_at"}
    first = {"starts_at": _hours_from_now(24), "ends_at": _hours_from_now(32)}
    client.post(f"{API}/availability", json=first, headers=headers)
    overlapping = {"starts_at": _hours_from_now(30, "+00:00"), "ends_at": _hours_from_now(40)}
    refused = client.post(f"{API}/availability", json=overlapping, headers=headers)
    assert list(error_of(refused, 422)["fields"]) == ["starts_at"]

    other = make_worker()
    theirs = AvailabilityWindow(
        worker_id=other.id,
        starts_at=utcnow() + timedelta(days=1),
        ends_at=utcnow() + timedelta(days=2),
    )
    db.session.add(theirs)
    db.session.commit()
    error_of(client.delete(f"{API}/availability/{theirs.id}", headers=headers), 404)
    assert db.session.get(AvailabilityWindow, theirs.id) is not None


def test_recommendations_come_with_their_reasons(client, bearer, me, make_shift, loom):
    shift = make_shift(title="推荐的班次")
    response = client.get(f"{API}/recommendations?limit=5", headers=bearer(me.user))
    assert response.status_code == 200
    [item] = response.get_json()["items"]
    assert (item["shift_id"], item["shift"]["title"]) == (shift.id, "推荐的班次")
    assert item["distance_km"] == pytest.approx(0.0, abs=0.01)
    assert set(item["breakdown"]) == {"skill", "distance", "reliability"}
    assert sum(item["breakdown"].values()) == pytest.approx(item["score"])
    for limit in (0, 101, "many"):
        bad = client.get(f"{API}/recommendations?limit={limit}", headers=bearer(me.user))
        assert list(error_of(bad, 422)["fields"]) == ["limit"]


def test_the_agreements_about_the_caller_and_no_others(
    client, bearer, me, make_worker, make_factory
):
    lender, borrower = make_factory(), make_factory()
    today = date.today()
    for worker in (me, make_worker()):
        db.session.add(
            LendingAgreement(
                worker_id=worker.id,
                lender_factory_id=lender.id,
                borrower_factory_id=borrower.id,
                starts_on=today,
                ends_on=today + timedelta(days=10),
                wage_payer=Payer.LENDER,
                insurance_payer=Payer.BORROWER,
                settlement_rate_cny=30,
                status=AgreementStatus.APPROVED,
            )
        )
    db.session.commit()
    response = client.get(f"{API}/agreements", headers=bearer(me.user))
    assert response.status_code == 200
    [agreement] = response.get_json()["items"]
    assert (agreement["lender"], agreement["borrower"]) == (lender.name, borrower.name)
    assert (agreement["wage_payer"], agreement["insurance_payer"]) == ("lender", "borrower")
    assert agreement["status"] == "approved" and "settlement_rate_cny" not in agreement


ROUTES = [
    ("get", "", None),
    ("patch", "", {"needs_housing": True}),
    ("get", "/skills", None),
    ("put", "/skills/{skill}", {"level": 2}),
    ("delete", "/skills/{skill}", None),
    ("get", "/certificates", None),
    ("post", "/certificates", {"certificate_type_id": "{certificate}", "number": "T1"}),
    ("delete", "/certificates/{certificate}", None),
    ("get", "/availability", None),
    ("post", "/availability", "window"),
    ("delete", "/availability/{window}", None),
    ("get", "/recommendations", None),
    ("get", "/agreements", None),
]


@pytest.fixture
def held(me, loom, welding):
    """The worker's skill, certificate and window, which nobody else may touch."""
    window = AvailabilityWindow(
        worker_id=me.id,
        starts_at=utcnow() + timedelta(days=1),
        ends_at=utcnow() + timedelta(days=2),
    )
    db.session.add_all(
        [
            WorkerSkill(worker_id=me.id, skill_id=loom.id, level=3),
            WorkerCertificate(worker_id=me.id, certificate_type_id=welding.id, number="T1"),
            window,
        ]
    )
    db.session.commit()
    return {"skill": loom.id, "certificate": welding.id, "window": window.id}


def _request(client, method, path, body, ids, headers=None):
    url = API + path.format(**ids)
    if body == "window":
        body = {"starts_at": _hours_from_now(72), "ends_at": _hours_from_now(80)}
    elif isinstance(body, dict):
        body = {k: ids["certificate"] if v == "{certificate}" else v for k, v in body.items()}
    return getattr(client, method)(url, json=body, headers=headers or {})


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_anonymous_callers_are_asked_to_log_in(client, csrf_header, held, method, path, body):
    # With the CSRF header a write gets as far as the login check (without, CSRF refuses it).
    response = _request(client, method, path, body, held, csrf_header())
    assert error_of(response, 401)["code"] == "unauthenticated"


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_factory_staff_and_moderators_have_no_worker_profile(
    client, bearer, held, make_factory, make_user, method, path, body
):
    factory = make_factory()
    for user in (owner(factory), make_user(Role.MODERATOR, association=factory.association)):
        response = _request(client, method, path, body, held, bearer(user))
        assert error_of(response, 403)["code"] == "forbidden"
    assert db.session.scalar(sa.select(sa.func.count(WorkerSkill.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(AvailabilityWindow.id))) == 1


def test_a_cookie_session_changes_the_profile_with_its_csrf_header(client, api_login, me):
    headers = api_login(me.user)
    refused = client.patch(API, json={"needs_housing": True})
    assert error_of(refused, 403)["code"] == "csrf"
    db.session.expire_all()
    assert me.needs_housing is False
    accepted = client.patch(API, json={"needs_housing": True}, headers=headers)
    assert accepted.status_code == 200 and accepted.get_json()["needs_housing"] is True
