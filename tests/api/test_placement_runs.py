"""Placement runs through the API: 202 and a status URL, proposals, sending; refusals."""

from datetime import timedelta

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Application, ApplicationStatus, PlacementRun, Role, utcnow
from tests.api.conftest import error_of

URL = "/api/v1/placement-runs"


def _window(days=14) -> dict:
    now = utcnow()
    return {
        "window_starts_at": now.isoformat(),
        "window_ends_at": (now + timedelta(days=days)).isoformat(),
    }


def test_a_moderator_runs_reviews_and_sends_a_placement(client, bearer, placement_scene):
    headers = bearer(placement_scene["moderator"])
    started = client.post(URL, json=_window(), headers=headers)
    assert started.status_code == 202
    status_url = started.headers["Location"]
    run = client.get(status_url, headers=headers).get_json()
    assert (run["status"], run["filled"], run["places_open"]) == ("done", 2, 2)
    proposals = client.get(f"{status_url}/proposals", headers=headers).get_json()["items"]
    assert {p["worker_name"] for p in proposals} == {
        placement_scene["one"].user.name,
        placement_scene["both"].user.name,
    }
    for proposal in proposals:
        assert abs(sum(proposal["breakdown"].values()) - proposal["score"]) < 1e-9
    left_out = proposals[0]["id"]
    outcome = client.post(f"{status_url}/apply", json={"leave_out": [left_out]}, headers=headers)
    assert outcome.get_json() == {"offered": 1, "skipped": 0, "excluded": 1}
    statuses = db.session.scalars(sa.select(Application.status)).all()
    assert statuses == [ApplicationStatus.OFFERED]
    listed = client.get(URL, headers=headers).get_json()["items"]
    assert [r["status"] for r in listed] == ["applied"]
    error_of(client.post(f"{status_url}/apply", json={}, headers=headers), 409)


def test_only_the_associations_moderators_touch_its_runs(
    client, bearer, placement_scene, make_user, make_association
):
    stranger = make_user(Role.MODERATOR, association=make_association())
    worker = placement_scene["one"].user
    association_id = placement_scene["factory"].association_id
    body = {**_window(), "association_id": association_id}
    error_of(client.get(URL), 401)
    for outsider in (stranger, worker):
        error_of(client.post(URL, json=body, headers=bearer(outsider)), 403)
    started = client.post(URL, json=body, headers=bearer(placement_scene["moderator"]))
    run_url = started.headers["Location"]
    for path in ("", "/proposals"):
        error_of(client.get(run_url + path, headers=bearer(stranger)), 403)
    error_of(client.post(f"{run_url}/apply", json={}, headers=bearer(stranger)), 403)
    error_of(client.get(f"{URL}/999999", headers=bearer(stranger)), 404)
    assert db.session.scalar(sa.select(sa.func.count(PlacementRun.id))) == 1


def test_bad_windows_and_a_second_run_are_refused(client, bearer, placement_scene):
    headers = bearer(placement_scene["moderator"])
    backwards = {**_window(), "window_ends_at": utcnow().isoformat()}
    backwards["window_starts_at"] = (utcnow() + timedelta(days=1)).isoformat()
    assert (
        "window_ends_at"
        in error_of(client.post(URL, json=backwards, headers=headers), 422)["fields"]
    )
    odd = client.post(URL, json={**_window(), "objective": "cheapest"}, headers=headers)
    assert "objective" in error_of(odd, 422)["fields"]
    assert client.post(URL, json=_window(), headers=headers).status_code == 202
    error_of(client.post(URL, json=_window(), headers=headers), 409)


def test_a_failed_run_says_why_and_is_retried(app, client, bearer, placement_scene):
    headers = bearer(placement_scene["moderator"])
    app.config["PLACEMENT_TIME_LIMIT_SECONDS"] = 0
    run_url = client.post(URL, json=_window(), headers=headers).headers["Location"]
    failed = client.get(run_url, headers=headers).get_json()
    assert failed["status"] == "failed" and "time" in failed["failure"]
    app.config["PLACEMENT_TIME_LIMIT_SECONDS"] = 300
    retried = client.post(f"{run_url}/retry", headers=headers)
    assert retried.status_code == 202 and retried.get_json()["status"] == "done"
