"""A shift's whole life through the API with Bearer tokens alone, and the refusals on the way."""

from datetime import timedelta

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import (
    Application,
    ApplicationStatus,
    Rating,
    VerificationStatus,
    utcnow,
)
from tests.api.conftest import error_of
from tests.factories import valid_national_id
from tests.helpers import owner

API = "/api/v1"


def _post_shift(client, headers, factory, starts_in=timedelta(hours=1), status="open") -> int:
    starts = utcnow() + starts_in
    body = {
        "site_id": factory.sites[0].id,
        "title": "挡车工",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=4)).isoformat(),
        "headcount": 2,
        "hourly_pay_cny": "26.00",
    }
    shift = client.post(f"{API}/shifts", json=body, headers=headers).get_json()
    published = client.post(f"{API}/shifts/{shift['id']}/publish", headers=headers)
    assert published.get_json()["status"] == status
    return shift["id"]


def test_post_apply_offer_accept_attend_and_rate_with_tokens_only(
    client, bearer, make_factory, make_worker, moderator_of
):
    # A factory still waiting to be verified: its shift goes to the association's review.
    factory = make_factory(status=VerificationStatus.PENDING)
    worker = make_worker(name="退休王阿姨")
    staff, me = bearer(owner(factory)), bearer(worker.user)
    moderator = bearer(moderator_of(factory))
    shift_id = _post_shift(client, staff, factory, status="pending_review")
    error_of(client.post(f"{API}/applications", json={"shift_id": shift_id}, headers=me), 404)

    queue = client.get(f"{API}/associations/{factory.association_id}/queue", headers=moderator)
    assert [s["id"] for s in queue.get_json()["shifts"]] == [shift_id]
    verified = client.post(f"{API}/moderation/factories/{factory.id}/verify", headers=moderator)
    assert verified.get_json()["verification_status"] == "verified"
    approved = client.post(f"{API}/moderation/shifts/{shift_id}/approve", headers=moderator)
    assert approved.status_code == 200 and approved.get_json()["status"] == "open"

    applied = client.post(f"{API}/applications", json={"shift_id": shift_id}, headers=me)
    assert applied.status_code == 201 and applied.get_json()["status"] == "applied"
    application = applied.get_json()["id"]
    url = f"{API}/applications/{application}"
    listed = client.get(f"{API}/applications?shift_id={shift_id}", headers=staff).get_json()
    assert [a["worker_name"] for a in listed["items"]] == ["退休王阿姨"]
    assert "mobile" not in listed["items"][0] and "national_id" not in listed["items"][0]

    for step, headers, status in (
        ("offer", staff, "offered"),
        ("accept", me, "accepted"),
        ("check-in", staff, "in_progress"),
        ("check-out", staff, "completed"),
    ):
        response = client.post(f"{url}/{step}", json={}, headers=headers)
        assert response.status_code == 200, (step, response.get_json())
        assert response.get_json()["status"] == status
    for headers, score in ((staff, 5), (me, 4)):
        rated = client.post(f"{url}/rate", json={"score": score, "comment": "好"}, headers=headers)
        assert rated.status_code == 200 and rated.get_json()["score"] == score
    assert db.session.scalar(sa.select(sa.func.count(Rating.id))) == 2
    mine = client.get(f"{API}/applications", headers=me).get_json()["items"]
    assert [a["status"] for a in mine] == ["completed"]


def test_each_side_may_only_take_its_own_steps(client, bearer, make_factory, make_worker):
    factory, other_factory = make_factory(), make_factory()
    worker, stranger = make_worker(), make_worker()
    staff, me = bearer(owner(factory)), bearer(worker.user)
    shift_id = _post_shift(client, staff, factory, starts_in=timedelta(days=2))
    application = client.post(f"{API}/applications", json={"shift_id": shift_id}, headers=me)
    url = f"{API}/applications/{application.get_json()['id']}"

    error_of(client.post(f"{url}/offer", json={}, headers=me), 403)  # a worker cannot offer
    error_of(client.post(f"{url}/offer", json={}, headers=bearer(owner(other_factory))), 403)
    error_of(client.post(f"{url}/withdraw", json={}, headers=bearer(stranger.user)), 403)
    error_of(client.get(f"{API}/applications?shift_id={shift_id}", headers=me), 403)
    error_of(client.post(f"{url}/accept", json={}, headers=me), 409)  # nothing offered yet
    error_of(client.post(f"{url}/check-in", json={}, headers=staff), 409)  # not accepted
    bad = client.post(f"{url}/rate", json={"score": 9}, headers=me)
    assert "score" in error_of(bad, 422)["fields"]
    assert "reason" in error_of(client.post(f"{url}/cancel", json={}, headers=me), 422)["fields"]
    error_of(client.post(f"{API}/applications/999999/offer", json={}, headers=staff), 404)
    error_of(client.get(f"{API}/applications"), 401)
    again = client.post(f"{API}/applications", json={"shift_id": shift_id}, headers=me)
    error_of(again, 409)
    assert db.session.scalar(sa.select(Application.status)) == ApplicationStatus.APPLIED


def test_the_factory_sees_the_workers_numbers_masked_only_once_a_place_is_taken(
    client, bearer, make_factory, make_worker, moderator_of
):
    factory = make_factory()
    worker, other = make_worker(), make_worker()
    worker.national_id = valid_national_id(7)
    db.session.commit()
    mobile, national_id = worker.user.mobile.removeprefix("+86"), worker.national_id
    staff, me = bearer(owner(factory)), bearer(worker.user)
    shift_id = _post_shift(client, staff, factory)
    applied = client.post(f"{API}/applications", json={"shift_id": shift_id}, headers=me)
    url = f"{API}/applications/{applied.get_json()['id']}"
    client.post(f"{API}/applications", json={"shift_id": shift_id}, headers=bearer(other.user))

    def staff_view() -> dict:
        listed = client.get(f"{API}/applications?shift_id={shift_id}", headers=staff).get_json()
        return next(a for a in listed["items"] if a["worker_id"] == worker.id)

    offered = client.post(f"{url}/offer", json={}, headers=staff).get_json()
    for before in (staff_view(), offered):
        assert "mobile" not in before and "national_id" not in before
    accepted = client.post(f"{url}/accept", json={}, headers=me).get_json()
    assert "mobile" not in accepted  # the worker's own view carries no numbers

    seen = staff_view()
    assert seen["mobile"] == f"{mobile[:3]}****{mobile[-4:]}"
    assert seen["national_id"] == f"{national_id[:3]}{'*' * 11}{national_id[-4:]}"
    assert mobile[3:7] not in seen["mobile"] and national_id[3:14] not in seen["national_id"]
    checked_in = client.post(f"{url}/check-in", json={}, headers=staff).get_json()
    assert checked_in["status"] == "in_progress" and checked_in["mobile"] == seen["mobile"]
    others = client.get(f"{API}/applications", headers=bearer(other.user)).get_json()["items"]
    assert [set(a) & {"mobile", "national_id"} for a in others] == [set()]
    mine = client.get(f"{API}/applications", headers=me).get_json()["items"]
    assert "mobile" not in mine[0]
    # Moderators have no list of a shift's applications in the services: refused here too.
    moderator = bearer(moderator_of(factory))
    error_of(client.get(f"{API}/applications?shift_id={shift_id}", headers=moderator), 403)


def test_the_document_describes_both_views_of_an_application(client):
    schemas = client.get(f"{API}/openapi.json").get_json()["components"]["schemas"]
    assert {"mobile", "national_id"} <= set(schemas["ApplicationWithContact"]["properties"])
    assert not {"mobile", "national_id"} & set(schemas["Application"]["properties"])
