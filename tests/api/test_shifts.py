"""Shifts over the API: the list and its filters, one shift, posting, candidates."""

from datetime import timedelta

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import AuditEvent, Role, ShiftStatus, VerificationStatus, utcnow
from tests.api.conftest import error_of
from tests.helpers import owner


def _body(factory, **overrides) -> dict:
    starts = utcnow() + timedelta(days=3)
    return {
        "site_id": factory.sites[0].id,
        "title": "挡车工",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=8)).isoformat(),
        "headcount": 3,
        "hourly_pay_cny": "26.50",
        **overrides,
    }


def test_a_shifts_whole_life_through_the_api_with_a_bearer_token(
    client, bearer, make_factory, make_worker, loom
):
    factory = make_factory()
    make_worker()
    headers = bearer(owner(factory))
    body = _body(factory, preferred_skills=[{"skill_id": loom.id, "weight": 0.5}])
    created = client.post("/api/v1/shifts", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    shift = created.get_json()
    assert shift["status"] == "draft" and shift["hourly_pay_cny"] == "26.50"
    url = f"/api/v1/shifts/{shift['id']}"
    assert client.get("/api/v1/shifts").get_json()["total"] == 0  # a draft is not listed

    patched = client.patch(url, json={"headcount": 4}, headers=headers).get_json()
    assert patched["headcount"] == 4 and patched["title"] == "挡车工"
    assert patched["preferred_skills"] == [{"skill_id": loom.id, "weight": 0.5}]

    published = client.post(f"{url}/publish", headers=headers).get_json()
    assert published["status"] == "open"
    listed = client.get("/api/v1/shifts").get_json()
    assert [item["id"] for item in listed["items"]] == [shift["id"]]
    assert client.get(url).get_json()["status"] == "open"  # anyone may read it now

    matches = client.get(f"{url}/matches?limit=5", headers=headers).get_json()["items"]
    assert len(matches) == 1
    assert set(matches[0]) == {"worker_id", "name", "kind", "score", "breakdown", "distance_km"}
    assert abs(sum(matches[0]["breakdown"].values()) - matches[0]["score"]) < 1e-6

    cancelled = client.post(f"{url}/cancel", json={"reason": "订单取消"}, headers=headers)
    assert cancelled.get_json()["status"] == "cancelled"
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"shift.created", "shift.updated", "shift.published", "shift.cancelled"} <= actions


def test_list_filters(client, make_shift, make_factory, make_district, loom):
    near = make_shift()
    far_factory = make_factory()
    far_site = far_factory.sites[0]
    far_site.lat, far_site.lon = 29.4998, 120.9039  # Xinchang, ~60 km away
    db.session.commit()
    far = make_shift(factory=far_factory, starts_in_hours=24 * 5)
    lat, lon = near.site.lat, near.site.lon
    ids = lambda q: [i["id"] for i in client.get(f"/api/v1/shifts?{q}").get_json()["items"]]  # noqa: E731
    assert ids("") == [near.id, far.id]
    assert ids(f"near={lat},{lon}&radius_km=10") == [near.id]
    day = (far.starts_at + timedelta(hours=8)).date()
    assert ids(f"date_from={day}") == [far.id]
    assert ids(f"date_to={day - timedelta(days=1)}") == [near.id]
    assert ids("industry=textiles&per_page=1&page=2") == [far.id]
    assert ids(f"skill={loom.id}") == []
    body = client.get(f"/api/v1/shifts?near={lat},{lon}").get_json()
    assert body["distances_km"][str(near.id)] < 1 and body["total"] == 2


def test_list_refuses_bad_filters(client):
    error = error_of(client.get("/api/v1/shifts?per_page=500&page=0&industry=mining"), 422)
    assert set(error["fields"]) == {"per_page", "page", "industry"}
    # as the document says: radius_km without near is ignored, a blank cursor or near is absent
    assert client.get("/api/v1/shifts?radius_km=5").status_code == 200
    assert client.get("/api/v1/shifts?cursor=&near=").status_code == 200
    error = error_of(client.get("/api/v1/shifts?near=91,0"), 422)
    assert "near" in error["fields"]
    error = error_of(client.get("/api/v1/shifts?date_from=2030-01-02&date_to=2030-01-01"), 422)
    assert "date_to" in error["fields"]


def test_drafts_are_seen_only_by_their_factory_and_moderators(
    client, bearer, make_shift, make_factory, make_user, moderator_of
):
    draft = make_shift(status=ShiftStatus.DRAFT)
    url = f"/api/v1/shifts/{draft.id}"
    error_of(client.get(url), 404)
    error_of(client.get(url, headers=bearer(owner(make_factory()))), 404)
    error_of(client.get(url, headers=bearer(make_user(Role.WORKER))), 404)
    assert client.get(url, headers=bearer(owner(draft.factory))).status_code == 200
    assert client.get(url, headers=bearer(moderator_of(draft.factory))).status_code == 200
    error_of(client.get("/api/v1/shifts/999999"), 404)


def test_create_refusals(client, bearer, csrf_header, make_factory, make_user):
    factory = make_factory()
    body = _body(factory)
    error_of(client.post("/api/v1/shifts", json=body), 403)  # no CSRF header: refused first
    error_of(client.post("/api/v1/shifts", json=body, headers=csrf_header()), 401)
    error_of(client.post("/api/v1/shifts", json=body, headers=bearer(make_user(Role.WORKER))), 403)
    other = owner(make_factory())
    error_of(client.post("/api/v1/shifts", json=body, headers=bearer(other)), 422)  # not its site
    theirs = {**body, "factory_id": factory.id}
    error_of(client.post("/api/v1/shifts", json=theirs, headers=bearer(other)), 403)
    bad = {**body, "headcount": 0, "starts_at": "2020-01-01T08:00:00", "colour": "red"}
    fields = error_of(client.post("/api/v1/shifts", json=bad, headers=bearer(owner(factory))), 422)[
        "fields"
    ]
    assert set(fields) == {"starts_at", "colour", "headcount"}  # the parser's errors first
    rule = {**body, "dormitory_beds": 0, "starts_at": "2020-01-01T08:00:00+08:00"}
    fields = error_of(
        client.post("/api/v1/shifts", json=rule, headers=bearer(owner(factory))), 422
    )["fields"]
    assert "starts_at" in fields and "headcount" not in fields  # then the service's rules


def test_update_publish_cancel_refusals(
    client, bearer, csrf_header, make_shift, make_factory, make_user
):
    shift = make_shift(status=ShiftStatus.DRAFT)
    url = f"/api/v1/shifts/{shift.id}"
    stranger = bearer(owner(make_factory()))
    worker = bearer(make_user(Role.WORKER))
    staff = bearer(owner(shift.factory))
    for method, path, body in (
        ("patch", url, {"headcount": 2}),
        ("post", f"{url}/publish", None),
        ("post", f"{url}/cancel", {"reason": "x"}),
    ):
        error_of(getattr(client, method)(path, json=body, headers=csrf_header()), 401)
        error_of(getattr(client, method)(path, json=body, headers=stranger), 403)
        error_of(getattr(client, method)(path, json=body, headers=worker), 403)
        missing = path.replace(str(shift.id), "999999")
        error_of(getattr(client, method)(missing, json=body, headers=staff), 404)
    error_of(client.patch(url, json={"headcount": "many"}, headers=staff), 422)
    error_of(client.post(f"{url}/cancel", json={}, headers=staff), 422)
    assert client.post(f"{url}/publish", headers=staff).status_code == 200
    assert error_of(client.post(f"{url}/publish", headers=staff), 409)["code"] == "conflict"
    client.post(f"{url}/cancel", json={"reason": "停工"}, headers=staff)
    error_of(client.post(f"{url}/cancel", json={"reason": "again"}, headers=staff), 409)
    error_of(client.patch(url, json={"headcount": 2}, headers=staff), 409)


def test_an_unverified_factorys_shift_waits_for_review(client, bearer, make_factory):
    factory = make_factory(status=VerificationStatus.PENDING)
    headers = bearer(owner(factory))
    shift = client.post("/api/v1/shifts", json=_body(factory), headers=headers).get_json()
    published = client.post(f"/api/v1/shifts/{shift['id']}/publish", headers=headers)
    assert published.get_json()["status"] == "pending_review"


def test_matches_refusals(client, bearer, make_shift, make_factory, make_user, moderator_of):
    shift = make_shift()
    url = f"/api/v1/shifts/{shift.id}/matches"
    error_of(client.get(url), 401)
    error_of(client.get(url, headers=bearer(make_user(Role.WORKER))), 403)
    error_of(client.get(url, headers=bearer(owner(make_factory()))), 403)
    error_of(client.get(url + "?limit=0", headers=bearer(owner(shift.factory))), 422)
    error_of(client.get("/api/v1/shifts/999999/matches", headers=bearer(owner(shift.factory))), 404)
    assert client.get(url, headers=bearer(moderator_of(shift.factory))).status_code == 200


def test_cookie_requests_to_shifts_need_the_csrf_header(client, api_login, make_factory):
    factory = make_factory()
    headers = api_login(owner(factory))
    error_of(client.post("/api/v1/shifts", json=_body(factory)), 403)
    assert client.post("/api/v1/shifts", json=_body(factory), headers=headers).status_code == 201
