"""The morning rush's scene (tests/perf/rush_scene.py) stays one the app lets race.

Should a new hard filter in eligibility.py shut the rush's workers out, the benchmark would
measure refusals instead of a race for places; this finds out in a second, not after a run.
"""

import random

from marketplace.extensions import db
from marketplace.models import Shift, WorkerProfile
from marketplace.services.applications import eligibility
from tests.perf.rush_scene import build_scene


def _scene(make_association):
    make_association()
    return build_scene(workers=4, shifts=3, headcount=1, factories=2, rng=random.Random(1))


def test_every_rush_worker_may_take_every_rush_shift_and_they_all_overlap(app, make_association):
    scene = _scene(make_association)
    shifts = [db.session.get(Shift, shift_id) for shift_id in scene.shift_ids]
    assert len({(s.starts_at, s.ends_at) for s in shifts}) == 1
    for worker in scene.workers:
        profile = db.session.get(WorkerProfile, worker.worker_id)
        for shift in shifts:
            assert eligibility.failed_conditions(profile, shift) == []
    assert sorted(i for s in scene.staff for i in s.shift_ids) == sorted(scene.shift_ids)


def test_rush_tokens_apply_offer_and_accept_through_the_api(client, make_association):
    scene = _scene(make_association)
    worker = scene.workers[0]
    staff = scene.staff[0]
    shift_id = staff.shift_ids[0]

    def call(secret, path, body=None):
        headers = {"Authorization": f"Bearer {secret}"}
        return client.post(f"/api/v1/applications{path}", json=body or {}, headers=headers)

    applied = call(worker.secret, "", {"shift_id": shift_id})
    assert applied.status_code == 201
    application_id = applied.get_json()["id"]
    assert call(staff.secret, f"/{application_id}/offer").status_code == 200
    accepted = call(worker.secret, f"/{application_id}/accept")
    assert accepted.status_code == 200
    assert accepted.get_json()["status"] == "accepted"
    # Every rush shift overlaps: the place taken shuts the worker out of the others.
    other = staff.shift_ids[1] if len(staff.shift_ids) > 1 else scene.staff[1].shift_ids[0]
    assert call(worker.secret, "", {"shift_id": other}).status_code == 422
