"""Anonymous copies of the shift list: a few seconds old at most, never anyone's own page."""

import pytest
from flask import render_template_string

from marketplace.models import Role
from marketplace.web.page_cache import cached_for_anonymous
from tests.factories import PASSWORD


@pytest.fixture
def cache(app):
    """The page cache turned on with a long lifetime, so a test sees what it keeps."""
    store = app.extensions["page_cache"]
    store.seconds = 3600
    yield store
    store.clear()


def test_anonymous_visitors_share_a_copy_until_it_lapses(client, cache, make_shift):
    make_shift(title="早班挡车工")
    assert "早班挡车工" in client.get("/").get_data(as_text=True)
    make_shift(title="夜班验布工")
    page = client.get("/")
    assert "夜班验布工" not in page.get_data(as_text=True)  # served from the copy
    assert "Set-Cookie" not in page.headers  # no session, no token: the same for everyone
    assert {"Cookie", "Accept-Language"} <= set(page.vary)
    cache.seconds = 0.0
    assert "夜班验布工" in client.get("/").get_data(as_text=True)


def test_each_language_and_each_filter_has_its_own_copy(client, cache, make_shift):
    make_shift(title="早班挡车工")
    english = client.get("/").get_data(as_text=True)
    chinese = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "Open shifts" in english and "Open shifts" not in chinese
    assert client.get("/?district=999999").status_code == 400  # refused filters are not kept
    assert client.get("/?district=999999").status_code == 400


def test_signed_in_users_always_get_a_fresh_page(client, cache, login, make_user, make_shift):
    worker = make_user(Role.WORKER)
    client.get("/")
    make_shift(title="夜班验布工")
    login(worker.mobile, PASSWORD)
    assert "夜班验布工" in client.get("/").get_data(as_text=True)


def test_a_message_waiting_to_be_shown_is_not_lost_to_a_copy(client, cache, login, make_user):
    worker = make_user(Role.WORKER)
    client.get("/")
    login(worker.mobile, PASSWORD)
    html = client.get("/account/").get_data(as_text=True)
    token = html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    client.post("/auth/logout", data={"csrf_token": token})
    assert "You have logged out." in client.get("/").get_data(as_text=True)


def test_anonymous_visitors_switch_language_without_a_token(client):
    response = client.post("/language", data={"locale": "en", "next": "/"})
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert session["locale"] == "en"


def test_a_signed_in_users_language_switch_needs_the_token(client, login, post_form, make_user):
    worker = make_user(Role.WORKER)
    login(worker.mobile, PASSWORD)
    assert client.post("/language", data={"locale": "en", "next": "/"}).status_code == 400
    response = post_form("/language", {"locale": "en", "next": "/"}, page="/account/")
    assert response.status_code == 302
    assert worker.locale == "en"


def test_a_page_with_a_visitors_csrf_token_is_never_shared(app, client, cache):
    # A visitor who already holds a token (they opened the login page) renders it without
    # writing the session; a page that shows it must still not become everyone's copy.

    @app.get("/_test/form")
    @cached_for_anonymous
    def form_page():
        return render_template_string('<input name="csrf_token" value="{{ csrf_token() }}">')

    login_page = client.get("/auth/login").get_data(as_text=True)
    signed = login_page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    # The visitor's raw token, without the timestamp and signature it is rendered with each
    # second (two renders a second apart differ there and nowhere else).
    token = signed.split(".", 1)[0]
    assert f'value="{token}.' in client.get("/_test/form").get_data(as_text=True)
    stranger = app.test_client()
    stranger.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # the same copy's key
    assert f'value="{token}.' not in stranger.get("/_test/form").get_data(as_text=True)
