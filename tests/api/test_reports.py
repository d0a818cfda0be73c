"""Reports through the API: anyone logged in files one; its association's moderators close it."""

from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Notification, Report, ReportStatus, Role
from tests.api.conftest import error_of
from tests.helpers import owner

API = "/api/v1"


@pytest.fixture
def scene(make_factory, make_worker, make_user, make_association):
    factory = make_factory()
    return SimpleNamespace(
        factory=factory,
        worker=make_worker(),
        moderator=make_user(Role.MODERATOR, association=factory.association),
        stranger=make_user(Role.MODERATOR, association=make_association()),
    )


def _report(factory_id: int, **overrides) -> dict:
    body = {
        "target_type": "factory",
        "target_id": factory_id,
        "category": "unpaid_wages",
        "description": "三月工资未发",
    }
    return {**body, **overrides}


def _file(client, headers, factory) -> int:
    filed = client.post(f"{API}/reports", json=_report(factory.id), headers=headers)
    assert filed.status_code == 201, filed.get_json()
    return filed.get_json()["id"]


def test_a_worker_reports_a_factory_and_its_association_resolves_it(client, bearer, scene):
    filed = client.post(
        f"{API}/reports", json=_report(scene.factory.id), headers=bearer(scene.worker.user)
    )
    assert filed.status_code == 201
    report = filed.get_json()
    assert (report["association_id"], report["status"]) == (scene.factory.association_id, "open")
    mod = bearer(scene.moderator)
    listing = f"{API}/associations/{scene.factory.association_id}/reports"
    assert [
        r["id"] for r in client.get(f"{listing}?status=open", headers=mod).get_json()["items"]
    ] == [report["id"]]
    resolved = client.post(
        f"{API}/reports/{report['id']}/resolve", json={"resolution": "已督促发放"}, headers=mod
    )
    assert resolved.status_code == 200
    assert (resolved.get_json()["status"], resolved.get_json()["resolution"]) == (
        "resolved",
        "已督促发放",
    )
    assert client.get(f"{listing}?status=open", headers=mod).get_json()["items"] == []
    kinds = db.session.scalars(
        sa.select(Notification.kind).where(Notification.user_id == scene.worker.user_id)
    ).all()
    assert "report_resolved" in kinds


def test_a_report_needing_no_action_is_dismissed_with_a_reason(client, bearer, scene):
    report_id = _file(client, bearer(owner(scene.factory)), scene.factory)
    url = f"{API}/reports/{report_id}/dismiss"
    dismissed = client.post(url, json={"resolution": "查无此事"}, headers=bearer(scene.moderator))
    assert dismissed.get_json()["status"] == "dismissed"
    listing = f"{API}/associations/{scene.factory.association_id}/reports?status=dismissed"
    items = client.get(listing, headers=bearer(scene.moderator)).get_json()["items"]
    assert [r["id"] for r in items] == [report_id]


def test_filing_a_report_is_refused_when_anonymous_invalid_or_about_nothing(
    client, bearer, csrf_header, scene
):
    me = bearer(scene.worker.user)
    error_of(
        client.post(f"{API}/reports", json=_report(scene.factory.id), headers=csrf_header()), 401
    )
    bad = client.post(
        f"{API}/reports",
        json=_report(scene.factory.id, category="rude", description=""),
        headers=me,
    )
    assert set(error_of(bad, 422)["fields"]) == {"category", "description"}
    missing = client.post(f"{API}/reports", json={}, headers=me)
    assert set(error_of(missing, 422)["fields"]) == {
        "target_type",
        "target_id",
        "category",
        "description",
    }
    error_of(client.post(f"{API}/reports", json=_report(999999), headers=me), 404)
    # A worker who never worked for, applied to or trained with any association.
    loner = client.post(
        f"{API}/reports", json=_report(scene.worker.id, target_type="worker"), headers=me
    )
    assert list(error_of(loner, 422)["fields"]) == ["target_id"]
    assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 0


@pytest.mark.parametrize("verb", ["resolve", "dismiss"])
def test_closing_a_report_is_for_its_associations_moderators_once(
    client, bearer, csrf_header, scene, verb
):
    report_id = _file(client, bearer(scene.worker.user), scene.factory)
    url = f"{API}/reports/{report_id}/{verb}"
    body = {"resolution": "已处理"}
    error_of(client.post(url, json=body, headers=csrf_header()), 401)
    for outsider in (scene.stranger, scene.worker.user, owner(scene.factory)):
        error_of(client.post(url, json=body, headers=bearer(outsider)), 403)
    mod = bearer(scene.moderator)
    assert error_of(client.post(url, json={}, headers=mod), 422)["fields"] == {
        "resolution": ["This field is required."]
    }
    blank = error_of(client.post(url, json={"resolution": "  "}, headers=mod), 422)
    assert list(blank["fields"]) == ["resolution"]
    error_of(client.post(f"{API}/reports/999999/{verb}", json=body, headers=mod), 404)
    assert db.session.get(Report, report_id).status == ReportStatus.OPEN
    assert client.post(url, json=body, headers=mod).status_code == 200
    error_of(client.post(url, json=body, headers=mod), 409)


def test_listing_reports_checks_the_status_named(client, bearer, scene):
    url = f"{API}/associations/{scene.factory.association_id}/reports?status=closed"
    assert list(error_of(client.get(url, headers=bearer(scene.moderator)), 422)["fields"]) == [
        "status"
    ]
