"""GET /api/v1/statistics: the hand-counted scene through the API, and who may read it."""

from marketplace.models import Role
from tests.api.conftest import error_of
from tests.stats_scene import FIRST, LAST

URL = "/api/v1/statistics"


def _query(association=None, first=FIRST, last=LAST) -> str:
    query = f"{URL}?first_day={first.isoformat()}&last_day={last.isoformat()}"
    return query + (f"&association_id={association.id}" if association else "")


def test_a_moderator_reads_the_association_s_figures(client, bearer, scene):
    response = client.get(_query(scene["a"]), headers=bearer(scene["moderator"]))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["association_id"] == scene["a"].id
    total = body["total"]
    assert (total["shifts_posted"], total["places_posted"], total["places_filled"]) == (4, 10, 4)
    assert (total["fill_rate"], total["median_hours_to_fill"]) == (0.4, 4.5)
    assert total["hours_worked"] == 29.5  # a JSON number, as the document says
    assert [day["day"] for day in body["by_day"]][0::6] == ["2026-03-02", "2026-03-08"]
    assert body["by_day"][2]["fill_rate"] is None
    assert {d["district"]: d["places_posted"] for d in body["by_district"]} == {
        "越城区": 9,
        "柯桥区": 1,
    }
    assert [i["industry"] for i in body["by_industry"]] == ["garments", "textiles"]
    assert body["workers_by_kind"]["idle_employee"] == 2
    assert body["lending"] == {"active_agreements": 2, "hours_settled": 10}
    assert body["restarted_by_week"][0]["restarted"] == 2


def test_an_admin_reads_the_city_and_a_moderator_may_not(client, bearer, scene):
    city = client.get(_query(), headers=bearer(scene["admin"])).get_json()
    assert city["association_id"] is None and city["total"]["shifts_posted"] == 5
    refused = error_of(client.get(_query(), headers=bearer(scene["moderator"])), 403)
    assert refused["code"] == "forbidden"


def test_other_associations_workers_and_strangers_are_refused(client, bearer, scene, make_user):
    other = bearer(make_user(Role.MODERATOR, association=scene["b"]))
    assert error_of(client.get(_query(scene["a"]), headers=other), 403)["code"] == "forbidden"
    worker = bearer(make_user(Role.WORKER))
    assert error_of(client.get(_query(scene["a"]), headers=worker), 403)["code"] == "forbidden"
    assert error_of(client.get(_query(scene["a"])), 401)["code"] == "unauthenticated"
    missing = client.get(f"{URL}?association_id=999999", headers=bearer(scene["admin"]))
    assert error_of(missing, 404)["code"] == "not_found"


def test_a_bad_window_is_a_field_error(client, bearer, scene):
    admin = bearer(scene["admin"])
    reversed_window = error_of(client.get(_query(first=LAST, last=FIRST), headers=admin), 422)
    assert set(reversed_window["fields"]) == {"last_day"}
    malformed = error_of(client.get(f"{URL}?first_day=2026-02-30", headers=admin), 422)
    assert "first_day" in malformed["fields"]
    unknown = error_of(client.get(f"{URL}?from=2026-03-01", headers=admin), 422)
    assert "from" in unknown["fields"]
