"""The request's log line is written after the view's commit, without the database.

A view that writes commits, and the commit expires every row the session holds, the user's
too. Whatever runs after the view (the request log, the security and CORS headers) must
not read such a row again: were the database to die just then, the query would fail past
every error handler and the client would get a bare 500 for a write that had succeeded.
"""

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.services.accounts import api_tokens
from tests.factories import PASSWORD


@pytest.fixture
def after_the_view(app):
    """Statements run by the after-request hooks of the requests made while it is armed."""
    state = {"armed": False, "statements": []}

    def record(conn, cursor, statement, *args):
        state["statements"].append(statement)

    # Registered last, so it runs first of the after-request hooks: just after the view.
    @app.after_request
    def view_has_committed(response):
        if state["armed"]:
            db.session.expire_all()  # what the view's commit did to every loaded row
            sa.event.listen(db.engine, "before_cursor_execute", record)
        return response

    yield state
    if sa.event.contains(db.engine, "before_cursor_execute", record):
        sa.event.remove(db.engine, "before_cursor_execute", record)


def _logged_user_id(caplog) -> int | None:
    (line,) = [r for r in caplog.records if r.name == "marketplace.request"]
    return line.user_id


def test_a_cookie_session_request_logs_its_user_without_a_query(
    make_worker, login, client, after_the_view, caplog
):
    user = make_worker().user
    assert login(user.mobile.removeprefix("+86"), PASSWORD).status_code == 302
    after_the_view["armed"] = True
    caplog.clear()
    assert client.get("/account/").status_code == 200
    assert after_the_view["statements"] == []
    assert _logged_user_id(caplog) == user.id


def test_a_token_request_logs_its_user_without_a_query(make_worker, client, after_the_view, caplog):
    user = make_worker().user
    headers = {"Authorization": f"Bearer {api_tokens.create_token(user, 'test').secret}"}
    after_the_view["armed"] = True
    caplog.clear()
    assert client.get("/api/v1/workers/me", headers=headers).status_code == 200
    assert after_the_view["statements"] == []
    assert _logged_user_id(caplog) == user.id
