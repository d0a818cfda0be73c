"""Factories through the API: the caller's own, their sites, and an owner's members."""

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import (
    FactoryMember,
    MemberRole,
    MemberStatus,
    Role,
    Site,
    VerificationStatus,
)
from tests.api.conftest import error_of
from tests.helpers import audited, owner

API = "/api/v1/factories"


@pytest.fixture
def member_of(make_user):
    """Makes a staff member of a factory, pending or admitted."""

    def make(factory, status=MemberStatus.PENDING, name="新员工"):
        user = make_user(Role.FACTORY_STAFF, name=name)
        member = FactoryMember(factory=factory, user=user, role=MemberRole.STAFF, status=status)
        db.session.add(member)
        db.session.commit()
        return member

    return make


def test_staff_list_and_read_their_own_factories(client, bearer, make_factory, member_of):
    factory = make_factory(status=VerificationStatus.PENDING)
    make_factory()  # someone else's
    me = bearer(owner(factory))

    listed = client.get(API, headers=me).get_json()["items"]
    assert [f["id"] for f in listed] == [factory.id]
    shown = client.get(f"{API}/{factory.id}", headers=me).get_json()
    assert shown["uscc"] == factory.uscc and shown["name"] == factory.name
    assert shown["verification_status"] == "pending"
    assert shown["association"]["id"] == factory.association_id
    assert [s["name"] for s in shown["sites"]] == ["一号车间"]
    asking = member_of(factory)  # not admitted yet: acts for nothing
    assert client.get(API, headers=bearer(asking.user)).get_json()["items"] == []


def test_another_factory_is_refused_and_a_missing_one_not_found(
    client, bearer, make_factory, make_worker
):
    factory, other = make_factory(), make_factory()
    me = bearer(owner(factory))
    for path in ("", "/sites"):
        error_of(client.get(f"{API}/{other.id}{path}", headers=me), 403)
        error_of(client.get(f"{API}/999999{path}", headers=me), 404)
        error_of(client.get(f"{API}/{factory.id}{path}", headers=bearer(make_worker().user)), 403)
        error_of(client.get(f"{API}/{factory.id}{path}"), 401)
    error_of(client.get(API), 401)
    suspended = make_factory(status=VerificationStatus.SUSPENDED)
    error_of(client.get(f"{API}/{suspended.id}", headers=bearer(owner(suspended))), 403)


def test_an_owner_adds_a_site_at_the_district_centre_or_a_given_point(
    client, bearer, make_factory, district
):
    factory = make_factory()
    me = bearer(owner(factory))
    body = {"name": "二号车间", "address": "越城区测试路2号", "district_id": district.id}
    added = client.post(f"{API}/{factory.id}/sites", json=body, headers=me)
    assert added.status_code == 201, added.get_json()
    assert (added.get_json()["lat"], added.get_json()["lon"]) == (district.lat, district.lon)
    placed = client.post(
        f"{API}/{factory.id}/sites",
        json={**body, "name": "仓库", "lat": 30.0, "lon": 120.6},
        headers=me,
    )
    assert placed.get_json()["district_id"] == district.id and placed.get_json()["lat"] == 30.0
    listed = client.get(f"{API}/{factory.id}/sites", headers=me).get_json()["items"]
    assert [s["name"] for s in listed] == ["一号车间", "二号车间", "仓库"]
    assert audited("factory.site_added") == 2


def test_only_an_owner_adds_a_site_and_only_a_whole_one(
    client, bearer, csrf_header, make_factory, member_of, district
):
    factory = make_factory()
    me = bearer(owner(factory))
    url = f"{API}/{factory.id}/sites"
    body = {"name": "二号车间", "address": "测试路2号", "district_id": district.id}
    staff = member_of(factory, MemberStatus.ACTIVE)
    error_of(client.post(url, json=body, headers=bearer(staff.user)), 403)
    error_of(client.post(url, json=body, headers=bearer(owner(make_factory()))), 403)
    error_of(client.post(f"{API}/999999/sites", json=body, headers=me), 404)
    error_of(client.post(url, json=body, headers=csrf_header()), 401)
    missing = error_of(client.post(url, json={"district_id": district.id}, headers=me), 422)
    assert set(missing["fields"]) == {"name", "address"}
    half = client.post(url, json={**body, "lat": 30.0}, headers=me)
    assert set(error_of(half, 422)["fields"]) == {"lat"}
    blank = client.post(url, json={**body, "name": "  ", "district_id": 999999}, headers=me)
    assert set(error_of(blank, 422)["fields"]) == {"name", "district_id"}
    far = client.post(url, json={**body, "lat": 91, "lon": 0}, headers=me)
    assert set(error_of(far, 422)["fields"]) == {"lat"}
    assert db.session.scalar(sa.select(sa.func.count(Site.id))) == 2  # the two factories' first


def test_an_owner_sees_requests_first_and_admits_one(client, bearer, make_factory, member_of):
    factory = make_factory()
    me = bearer(owner(factory))
    asking = member_of(factory, name="申请人")
    listed = client.get(f"{API}/{factory.id}/members", headers=me).get_json()["items"]
    assert [(m["name"], m["status"], m["role"]) for m in listed] == [
        ("申请人", "pending", "staff"),
        (owner(factory).name, "active", "owner"),
    ]
    assert not {"mobile", "email", "national_id"} & set(listed[0])
    admitted = client.post(f"{API}/{factory.id}/members/{asking.id}/admit", headers=me)
    assert admitted.status_code == 200 and admitted.get_json()["status"] == "active"
    assert [f["id"] for f in client.get(API, headers=bearer(asking.user)).get_json()["items"]] == [
        factory.id
    ]
    assert audited("factory.member_admitted") == 1


def test_members_are_for_the_factory_owners_only(
    client, bearer, csrf_header, make_factory, member_of
):
    factory, other = make_factory(), make_factory()
    me = bearer(owner(factory))
    asking, elsewhere = member_of(factory), member_of(other)
    staff = member_of(factory, MemberStatus.ACTIVE)
    admit = f"{API}/{factory.id}/members/{asking.id}/admit"
    error_of(client.get(f"{API}/{factory.id}/members", headers=bearer(staff.user)), 403)
    error_of(client.get(f"{API}/{other.id}/members", headers=me), 403)
    error_of(client.get(f"{API}/999999/members", headers=me), 404)
    error_of(client.get(f"{API}/{factory.id}/members"), 401)
    error_of(client.post(admit, headers=bearer(staff.user)), 403)
    error_of(client.post(admit, headers=bearer(owner(other))), 403)
    error_of(client.post(admit, headers=csrf_header()), 401)
    # another factory's request named under my factory: not one of mine
    error_of(client.post(f"{API}/{factory.id}/members/{elsewhere.id}/admit", headers=me), 404)
    error_of(client.post(f"{API}/{factory.id}/members/999999/admit", headers=me), 404)
    assert client.post(admit, headers=me).status_code == 200
    error_of(client.post(admit, headers=me), 409)
    assert db.session.get(FactoryMember, elsewhere.id).status == MemberStatus.PENDING
