"""The caller's own profile without ids: changes over what it is, items among their own."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.errors import Forbidden, NotFound
from marketplace.extensions import db
from marketplace.models import AvailabilityWindow, WorkerKind, WorkerSkill, utcnow
from marketplace.services.workers import me as worker_self
from tests.helpers import audited, owner


def test_a_change_keeps_every_other_field_of_the_profile(make_worker, make_factory):
    lender = make_factory()
    worker = make_worker(WorkerKind.IDLE_EMPLOYEE)
    worker.lender_factory_id, worker.max_travel_km, worker.needs_housing = lender.id, 42.0, True
    db.session.commit()
    data = worker_self.profile_input(worker, {"max_travel_km": 10})
    assert (data.kind, data.lender_factory_id, data.needs_housing) == (
        "idle_employee",
        lender.id,
        True,
    )
    assert (data.max_travel_km, data.home_source, data.district_id) == (
        10,
        "district",
        worker.home_district_id,
    )


@pytest.mark.parametrize(
    ("changes", "source"),
    [
        ({"lat": 30.0}, "coordinates"),
        ({"district_id": 5}, "district"),
        ({"lat": 30.0, "home_source": "district"}, "district"),
        ({"needs_housing": True}, "coordinates"),
    ],
)
def test_the_home_source_follows_what_was_sent(make_worker, changes, source):
    worker = make_worker()
    worker.home_lat = 30.5  # off the district's centre: the profile's own source is coordinates
    db.session.commit()
    assert worker_self.home_source(worker) == "coordinates"
    assert worker_self.profile_input(worker, changes).home_source == source


def test_patching_saves_through_the_profile_rules(make_worker):
    worker = make_worker()
    changed = worker_self.patch_profile(worker.user, {"lat": 30.1, "lon": 120.7})
    assert (changed.home_lat, changed.home_lon, changed.home_district_id) == (
        30.1,
        120.7,
        worker.home_district_id,
    )
    assert audited("worker.profile_updated") == 1


def test_someone_without_a_worker_profile_is_refused_and_recorded(make_factory, moderator_of):
    factory = make_factory()
    staff = owner(factory)
    with pytest.raises(Forbidden):
        worker_self.my_skills(staff)
    with pytest.raises(Forbidden):
        worker_self.patch_profile(moderator_of(factory), {"needs_housing": True})
    assert audited("denied.worker.skills") == 1
    assert audited("denied.worker.update_profile") == 1


def test_only_ones_own_skills_and_windows_can_be_removed(make_worker, loom):
    me, other = make_worker(), make_worker()
    theirs = AvailabilityWindow(
        worker_id=other.id,
        starts_at=utcnow() + timedelta(days=1),
        ends_at=utcnow() + timedelta(days=2),
    )
    db.session.add_all([theirs, WorkerSkill(worker_id=other.id, skill_id=loom.id, level=2)])
    db.session.commit()
    with pytest.raises(NotFound):
        worker_self.remove_my_availability(me.user, theirs.id)
    with pytest.raises(NotFound):
        worker_self.remove_my_skill(me.user, loom.id)
    assert db.session.scalar(sa.select(sa.func.count(AvailabilityWindow.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(WorkerSkill.id))) == 1

    worker_self.set_my_skill(me.user, loom.id, 4)
    worker_self.remove_my_skill(me.user, loom.id)
    assert db.session.scalars(sa.select(WorkerSkill.worker_id)).all() == [other.id]
    assert audited("worker.skill_removed") == 1
