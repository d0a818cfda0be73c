"""The inbox over the API: rendered in the reader's language, counted, marked read."""

from marketplace.extensions import db
from marketplace.models import Role
from marketplace.services.notify.notifications import notify
from tests.api.conftest import error_of

API = "/api/v1/notifications"


def _notify(user, kind="offer_accepted", **params):
    notification = notify(user.id, kind, **{"worker": "王阿姨", "shift": "挡车工", **params})
    db.session.commit()
    return notification


def test_the_inbox_is_rendered_in_the_readers_language(client, bearer, make_user, make_shift):
    user = make_user(Role.FACTORY_STAFF)
    shift = make_shift()
    first = notify(user.id, "offer_accepted", obj=shift, worker="王阿姨", shift="挡车工")
    db.session.commit()
    second = _notify(user, "no_such_kind")
    headers = bearer(user)

    chinese = {**headers, "Accept-Language": "zh-CN"}
    items = client.get(API, headers=chinese).get_json()["items"]
    assert [i["id"] for i in items] == [second.id, first.id]  # newest first
    item = items[1]
    assert item["title"] == "录用邀请已接受：挡车工"
    assert item["body"] == "王阿姨 接受了您发出的“挡车工”录用邀请。"
    assert item["kind"] == "offer_accepted" and item["read_at"] is None
    assert (item["object_type"], item["object_id"]) == ("shifts", shift.id)
    assert items[0]["object_type"] is None and items[0]["title"]  # an unknown kind: generic text

    english = client.get(API, headers=headers).get_json()["items"]  # the client asks for en
    assert english[1]["title"] == "Offer accepted: 挡车工"
    assert english[1]["body"] == "王阿姨 accepted your offer for “挡车工”."
    user.locale = "en"  # the user's own choice wins over the browser's
    db.session.commit()
    mine = client.get(API, headers=chinese).get_json()["items"]
    assert mine[1]["title"] == "Offer accepted: 挡车工"


def test_count_mark_read_and_read_all(client, bearer, make_user):
    user = make_user()
    notes = [_notify(user) for _ in range(3)]
    headers = bearer(user)
    count = lambda: client.get(f"{API}/unread-count", headers=headers).get_json()["unread"]  # noqa: E731
    assert count() == 3

    read = client.post(f"{API}/{notes[0].id}/read", headers=headers)
    assert read.status_code == 200 and read.get_json()["read_at"] is not None
    again = client.post(f"{API}/{notes[0].id}/read", headers=headers)
    assert again.get_json()["read_at"] == read.get_json()["read_at"]  # harmless, unchanged
    assert count() == 2
    unread = client.get(f"{API}?unread_only=true", headers=headers).get_json()["items"]
    assert {i["id"] for i in unread} == {notes[1].id, notes[2].id}
    assert len(client.get(f"{API}?limit=1", headers=headers).get_json()["items"]) == 1

    marked = client.post(f"{API}/read-all", headers=headers)
    assert marked.status_code == 200 and marked.get_json() == {"marked": 2}
    assert count() == 0
    assert client.post(f"{API}/read-all", headers=headers).get_json() == {"marked": 0}
    assert client.get(f"{API}?unread_only=true", headers=headers).get_json()["items"] == []


def test_another_users_notifications_stay_theirs(client, bearer, make_user):
    owner, stranger = make_user(), make_user()
    note = _notify(owner)
    headers = bearer(stranger)
    assert error_of(client.post(f"{API}/{note.id}/read", headers=headers), 404)["code"] == (
        "not_found"
    )
    error_of(client.post(f"{API}/999999/read", headers=headers), 404)
    assert client.get(API, headers=headers).get_json()["items"] == []
    assert client.post(f"{API}/read-all", headers=headers).get_json() == {"marked": 0}
    db.session.refresh(note)
    assert note.read_at is None


def test_refusals(client, bearer, make_user):
    _notify(make_user())
    for method, path in (
        ("get", API),
        ("get", f"{API}/unread-count"),
        ("post", f"{API}/1/read"),
        ("post", f"{API}/read-all"),
    ):
        response = getattr(client, method)(path, headers={"Authorization": "Bearer "})
        assert error_of(response, 401)["code"] == "unauthenticated", path
        assert error_of(getattr(client, method)(path), 401 if method == "get" else 403)
    headers = bearer(make_user())
    error = error_of(client.get(f"{API}?limit=0&unread_only=maybe", headers=headers), 422)
    assert set(error["fields"]) == {"limit", "unread_only"}
