"""The shift list's cursor pages and its status filter: who sees which states."""

import base64

from marketplace.extensions import db
from marketplace.models import Role, ShiftStatus, VerificationStatus
from tests.api.conftest import error_of
from tests.helpers import owner

API = "/api/v1/shifts"


def _same_start_shifts(make_shift, make_factory) -> list:
    """Seven open shifts, three of them starting at the very same instant."""
    factory = make_factory()
    shifts = [make_shift(factory=factory, starts_in_hours=h) for h in (30, 10, 20, 40, 50, 60, 70)]
    for shift in shifts[3:6]:
        shift.starts_at = shifts[0].starts_at
    db.session.commit()
    return sorted(shifts, key=lambda s: (s.starts_at, s.id))


def _walk(client, query: str, headers=None) -> tuple[list[int], list[dict]]:
    """Every page from the first, by next_cursor; the ids seen and each page's body."""
    ids, bodies, cursor = [], [], None
    for _ in range(20):
        url = f"{API}?{query}" + (f"&cursor={cursor}" if cursor else "")
        response = client.get(url, headers=headers or {})
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        bodies.append(body)
        ids += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return ids, bodies
    raise AssertionError("the cursor never ran out")


def test_walking_by_cursor_lists_every_shift_once_even_with_shared_start_times(
    client, make_shift, make_factory
):
    expected = [s.id for s in _same_start_shifts(make_shift, make_factory)]
    ids, bodies = _walk(client, "per_page=2")
    assert ids == expected  # each exactly once, soonest first, ties by id
    assert len(bodies) == 4 and [len(b["items"]) for b in bodies] == [2, 2, 2, 1]
    assert bodies[0]["page"] == 1 and all(b["page"] is None for b in bodies[1:])
    assert all(b["total"] == 7 and b["pages"] == 4 for b in bodies)
    ids, _ = _walk(client, "per_page=3")
    assert ids == expected
    one_page = client.get(f"{API}?per_page=7").get_json()
    assert one_page["next_cursor"] is None and len(one_page["items"]) == 7


def test_the_cursor_also_walks_a_radius_search(client, make_shift, make_factory):
    shifts = _same_start_shifts(make_shift, make_factory)
    site = shifts[0].site
    ids, bodies = _walk(client, f"per_page=2&near={site.lat},{site.lon}&radius_km=5")
    assert ids == [s.id for s in shifts]
    assert all(set(b["distances_km"]) == {str(i["id"]) for i in b["items"]} for b in bodies)


def test_a_new_shift_does_not_shift_the_pages_of_a_cursor_walk(client, make_shift, make_factory):
    shifts = _same_start_shifts(make_shift, make_factory)
    first = client.get(f"{API}?per_page=3").get_json()
    make_shift(starts_in_hours=1)  # sooner than all: page numbers would now repeat one
    rest = client.get(f"{API}?per_page=10&cursor={first['next_cursor']}").get_json()
    assert [i["id"] for i in first["items"] + rest["items"]] == [s.id for s in shifts]


def test_an_invalid_cursor_is_a_422_on_the_cursor(client, make_shift):
    make_shift()
    next_cursor = client.get(f"{API}?per_page=1").get_json()["next_cursor"]
    assert next_cursor is None  # one shift: a single page
    encode = lambda text: base64.urlsafe_b64encode(text.encode()).decode()  # noqa: E731
    bad_ones = (
        "nonsense",
        "%%%",
        encode("yesterday|3"),
        encode("2030-01-01T08:00:00|3"),  # no time zone
        encode("0001-01-01T00:00:00+08:00|3"),  # before the calendar's first day in UTC
        encode("2030-01-01T08:00:00+00:00|0"),
        encode("2030-01-01T08:00:00+00:00|99999999999"),
    )
    for bad in bad_ones:
        error = error_of(client.get(f"{API}?cursor={bad}"), 422)
        assert error["fields"] == {"cursor": ["This cursor is not one the list gave out."]}, bad
    good = encode("2030-01-01T08:00:00+00:00|3").rstrip("=")
    assert client.get(f"{API}?cursor={good}").status_code == 200
    with_page = client.get(f"{API}?cursor={good}&page=2")  # the cursor decides, as documented
    assert with_page.get_json()["items"] == client.get(f"{API}?cursor={good}").get_json()["items"]


def test_other_states_are_listed_only_for_their_factory_and_association(
    client, bearer, make_shift, make_factory, make_user, moderator_of
):
    factory, other = make_factory(), make_factory()
    draft = make_shift(factory=factory, status=ShiftStatus.DRAFT)
    pending = make_shift(factory=factory, status=ShiftStatus.PENDING_REVIEW)
    cancelled = make_shift(factory=factory, status=ShiftStatus.CANCELLED)
    make_shift(factory=other, status=ShiftStatus.DRAFT)
    opened = make_shift(factory=other)

    def ids(query, headers=None):
        return [i["id"] for i in client.get(f"{API}?{query}", headers=headers).get_json()["items"]]

    assert ids("") == ids("status=open") == [opened.id]  # open only, for anyone
    staff = bearer(owner(factory))
    assert ids("", staff) == [opened.id]
    assert ids("status=draft", staff) == [draft.id]  # not the other factory's draft
    assert ids("status=pending_review", staff) == [pending.id]
    assert ids("status=cancelled", staff) == [cancelled.id]
    moderator = bearer(moderator_of(factory))
    assert ids("status=pending_review", moderator) == [pending.id]
    assert ids("status=draft", moderator) == [draft.id]
    assert ids("status=draft", bearer(moderator_of(make_factory()))) == []
    for nobody in (None, bearer(make_user(Role.WORKER))):
        assert ids("status=draft", nobody) == ids("status=cancelled", nobody) == []
    factory.verification_status = VerificationStatus.SUSPENDED
    db.session.commit()
    assert ids("status=draft", staff) == []  # a suspended factory's staff act for nothing
    error = error_of(client.get(f"{API}?status=archived"), 422)
    assert set(error["fields"]) == {"status"}
