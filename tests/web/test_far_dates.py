"""Pages that show stored times answer whatever the database holds (issue 14, defect 2).

The rows are written straight to the database, as an older version of the app, a script or a
restore could have left them: the pages must show them, not fail on them.
"""

from datetime import UTC, datetime

import pytest

from marketplace.extensions import db
from marketplace.models import (
    AvailabilityWindow,
    PlacementRun,
    RunStatus,
    TrainingSession,
)
from marketplace.services.accounts import api_tokens
from tests.factories import PASSWORD

EDGES = {
    "late": (datetime(9999, 12, 31, 20, 0, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, tzinfo=UTC)),
    "early": (datetime(1, 1, 1, 0, 0, tzinfo=UTC), datetime(1, 1, 1, 8, 0, tzinfo=UTC)),
}


@pytest.fixture(params=sorted(EDGES))
def far_scene(request, make_worker, make_shift, moderator_of, loom):
    """A worker, a moderator, and a shift, training session, run and availability at an edge."""
    starts, ends = EDGES[request.param]
    shift = make_shift()
    far_shift = make_shift(factory=shift.factory)
    far_shift.starts_at, far_shift.ends_at = starts, ends
    moderator = moderator_of(shift.factory)
    worker = make_worker()
    association_id = shift.factory.association_id
    db.session.add_all(
        [
            TrainingSession(
                association_id=association_id,
                title="挡车工培训",
                skill_id=loom.id,
                level_granted=2,
                starts_at=starts,
                ends_at=ends,
                capacity=10,
            ),
            PlacementRun(
                association_id=association_id,
                window_starts_at=starts,
                window_ends_at=ends,
                status=RunStatus.FAILED,
            ),
            AvailabilityWindow(worker_id=worker.id, starts_at=starts, ends_at=ends),
        ]
    )
    db.session.commit()
    return worker.user, moderator, far_shift


def _bearer(user) -> dict:
    return {"Authorization": f"Bearer {api_tokens.create_token(user, 'test').secret}"}


def _owner(shift):
    return shift.factory.members[0].user


def test_the_api_gives_back_times_at_the_edges_of_the_calendar(client, far_scene):
    worker, moderator, far_shift = far_scene
    for user, url in [
        (worker, "/api/v1/workers/me/availability"),
        (worker, "/api/v1/training-sessions"),
        (worker, f"/api/v1/shifts/{far_shift.id}"),
        (moderator, "/api/v1/placement-runs"),
    ]:
        response = client.get(url, headers=_bearer(user))
        assert response.status_code == 200, (url, response.status_code)


def _pages_answer(client, login, user, urls):
    login(user.mobile, PASSWORD)
    for url in urls:
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, (url, response.status_code)
    client._cookies.clear()


def test_pages_show_times_at_the_edges_of_the_calendar(client, login, far_scene):
    worker, moderator, far_shift = far_scene
    worker_pages = [
        "/worker/training",
        "/worker/profile/availability",
        "/",
        f"/shifts/{far_shift.id}",
        "/worker/",
        "/worker/shifts",
        f"/worker/shifts/{far_shift.id}",
    ]
    _pages_answer(client, login, worker, worker_pages)
    owner_pages = [
        "/factory/",
        f"/factory/shifts/{far_shift.id}",
        f"/factory/shifts/{far_shift.id}/edit",
        f"/factory/shifts/{far_shift.id}/candidates",
        f"/factory/shifts/{far_shift.id}/attendance",
    ]
    _pages_answer(client, login, _owner(far_shift), owner_pages)
    run_id = db.session.scalar(db.select(PlacementRun.id))
    moderator_pages = [
        "/association/training/",
        "/association/placement-runs",
        f"/association/placement-runs/{run_id}",
        "/association/",
        "/",
    ]
    _pages_answer(client, login, moderator, moderator_pages)
