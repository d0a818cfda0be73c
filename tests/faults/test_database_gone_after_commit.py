"""PostgreSQL goes away between a view's commit and its response: the client still gets it.

The probe saw it once in twelve outages: an offer committed, PostgreSQL died, and the
after-request hook writing the request's log line read the user's id from a row the commit
had expired; the query on the dead connection escaped every handler and gunicorn answered a
bare "Internal Server Error" for a write that had succeeded. Here the outage is made to
land at exactly that moment: a hook that runs right after the view terminates the request's
own backend and refuses every new connection until the response is out.
"""

import os

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from marketplace.extensions import db
from marketplace.models import Application, ApplicationStatus
from marketplace.services.accounts import api_tokens

DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not DATABASE_URL.startswith("postgresql"), reason="needs TEST_DATABASE_URL on PostgreSQL"
    ),
]


@pytest.fixture
def outage_after_the_view(app):
    """While armed, the database dies as each request's view returns (and comes back after)."""
    killer = sa.create_engine(DATABASE_URL, poolclass=NullPool)
    state = {"armed": False, "down": False, "refused": 0}

    def refuse(dialect, conn_rec, cargs, cparams):
        if state["down"]:
            state["refused"] += 1
            raise psycopg.OperationalError("the database system is shutting down")

    sa.event.listen(db.engine, "do_connect", refuse)

    # Registered last, so it runs first of the after-request hooks: just after the view.
    @app.after_request
    def database_dies(response):
        if state["armed"]:
            # A view that writes ends with its commit, which expires every row it loaded.
            db.session.expire_all()
            pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
            with killer.connect() as conn:
                assert conn.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            state["down"] = True
        return response

    yield state
    state["down"] = False
    sa.event.remove(db.engine, "do_connect", refuse)
    killer.dispose()


def test_a_committed_write_is_answered_though_the_database_died_after_it(
    make_worker, make_shift, client, outage_after_the_view
):
    worker = make_worker()
    shift = make_shift()
    shift_id, worker_id = shift.id, worker.id
    headers = {"Authorization": f"Bearer {api_tokens.create_token(worker.user, 'test').secret}"}

    outage_after_the_view["armed"] = True
    response = client.post(
        "/api/v1/applications", json={"shift_id": shift_id, "note": ""}, headers=headers
    )
    outage_after_the_view.update(armed=False, down=False)

    assert response.status_code == 201, response.get_data(as_text=True)[:500]
    assert response.get_json()["status"] == "applied"
    stored = db.session.scalars(sa.select(Application).filter_by(shift_id=shift_id)).all()
    assert [(a.worker_id, a.status) for a in stored] == [(worker_id, ApplicationStatus.APPLIED)]
