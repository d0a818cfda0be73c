"""An offer the worker never asked for ties them to no association until they accept it.

A placement run's offer or a factory's invitation creates an application row without the
worker; counted as a tie it gave the association's moderators the worker's full contact and
an import's say over their skills, even after the worker declined or let the offer lapse.
"""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Application, ImportStatus, WorkerSkill, utcnow
from marketplace.services.applications import applying as applications
from marketplace.services.applications import attendance, offer_expiry, offers
from marketplace.services.placement import runs as placement
from marketplace.services.roster import imports as roster
from tests.roster_helpers import rows_to_csv
from tests.web.test_roster_outsider import _contact


def _offer_by_run(scene) -> Application:
    """Send a placement run of the scene's association; the offer made to the worker `one`."""
    now = utcnow()
    association_id = scene["factory"].association_id
    run = placement.start_run(scene["moderator"], association_id, now, now + timedelta(days=14))
    assert placement.apply_run(scene["moderator"], run.id).offered == 2
    worker = scene["one"]
    query = sa.select(Application).where(Application.worker_id == worker.id)
    return db.session.scalar(query)


def _import_skill(scene, worker, level: int):
    """The association's roster import, changing only the worker's loom level."""
    row = {
        "name": worker.user.name,
        "mobile": worker.user.mobile.removeprefix("+86"),
        "kind": worker.kind.value,
        "district": worker.home_district.name,
        "skills": f"挡车:{level}",
    }
    job = roster.start_import(
        scene["moderator"],
        "r.csv",
        rows_to_csv([row]),
        association_id=scene["factory"].association_id,
    )
    db.session.expire_all()
    return db.session.get(type(job), job.id)


def _loom_level(worker, loom) -> int | None:
    query = sa.select(WorkerSkill.level).where(
        WorkerSkill.worker_id == worker.id, WorkerSkill.skill_id == loom.id
    )
    return db.session.scalar(query)


def _refused_as_unrelated(job) -> bool:
    problems = [p[0] for entry in job.report for p in entry["problems"]]
    return job.status == ImportStatus.REFUSED and problems == ["worker_unrelated"]


@pytest.mark.parametrize("answer", ["none", "declined", "expired"])
def test_a_placement_offer_the_worker_did_not_take_up_gives_the_association_nothing(
    client, placement_scene, loom, answer
):
    application = _offer_by_run(placement_scene)
    worker = placement_scene["one"]
    if answer == "declined":
        offers.decline(worker.user, application.id)
    elif answer == "expired":
        assert offer_expiry.expire_offers(utcnow() + timedelta(days=30)) == 2
    moderator = placement_scene["moderator"]
    assert _contact(client, moderator, worker.id).status_code == 403
    job = _import_skill(placement_scene, worker, 5)
    assert _refused_as_unrelated(job), job.report
    db.session.expire_all()
    assert _loom_level(worker, loom) == 2


def test_once_the_worker_accepts_the_offer_the_association_answers_for_them(
    client, placement_scene, loom
):
    application = _offer_by_run(placement_scene)
    worker, moderator = placement_scene["one"], placement_scene["moderator"]
    assert _contact(client, moderator, worker.id).status_code == 403
    offers.accept(worker.user, application.id)
    assert _contact(client, moderator, worker.id).status_code == 200
    job = _import_skill(placement_scene, worker, 3)
    assert (job.status, job.updated_count) == (ImportStatus.DONE, 1), job.report
    db.session.expire_all()
    assert _loom_level(worker, loom) == 3
    # A place taken and then cancelled still shows the worker chose the shift.
    attendance.cancel(placement_scene["factory"].members[0].user, application.id, "停产")
    assert _contact(client, moderator, worker.id).status_code == 200


def test_a_factorys_invitation_ties_the_worker_only_once_they_apply_themselves(
    client, placement_scene
):
    factory, worker = placement_scene["factory"], placement_scene["one"]
    shift, moderator = placement_scene["first"], placement_scene["moderator"]
    application = offers.invite(factory.members[0].user, shift.id, worker.id)
    assert _contact(client, moderator, worker.id).status_code == 403
    assert _refused_as_unrelated(_import_skill(placement_scene, worker, 5))
    offers.decline(worker.user, application.id)
    assert _contact(client, moderator, worker.id).status_code == 403
    # Asking for the shift after all is the worker's own application.
    applications.apply(worker.user, shift.id)
    assert _contact(client, moderator, worker.id).status_code == 200


def test_a_worker_who_applied_is_tied_as_before(client, placement_scene):
    worker, moderator = placement_scene["both"], placement_scene["moderator"]
    assert _contact(client, moderator, worker.id).status_code == 403
    applications.apply(worker.user, placement_scene["second"].id)
    assert _contact(client, moderator, worker.id).status_code == 200
