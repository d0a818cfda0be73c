"""Ranking workers for a shift from the database: the bridge, its exclusions and freshness."""

import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from marketplace.errors import Forbidden
from marketplace.extensions import db
from marketplace.models import (
    AgreementStatus,
    Application,
    ApplicationStatus,
    AvailabilityWindow,
    LendingAgreement,
    Payer,
    Role,
    ShiftRequiredSkill,
    UserStatus,
    WorkerKind,
    WorkerSkill,
)
from marketplace.services.ranking import bridge as matching
from marketplace.services.ranking import index as matching_index
from tests.helpers import staff

ROOT = Path(__file__).resolve().parents[3]


def _worker(make_worker, loom, level, km_north=0.0, kind=WorkerKind.RETIREE):
    worker = make_worker(kind)
    worker.home_lat += km_north / 111.2  # about 111.2 km per degree of latitude
    db.session.add(WorkerSkill(worker_id=worker.id, skill_id=loom.id, level=level))
    db.session.commit()
    return worker


def _shift(make_shift, loom, min_level=2):
    shift = make_shift(headcount=3)
    db.session.add(ShiftRequiredSkill(shift_id=shift.id, skill_id=loom.id, min_level=min_level))
    db.session.commit()
    return shift


def test_near_and_skilled_workers_come_first_and_scores_add_up(make_worker, make_shift, loom):
    shift = _shift(make_shift, loom)
    near = _worker(make_worker, loom, 3, km_north=1)
    far = _worker(make_worker, loom, 3, km_north=15)
    _worker(make_worker, loom, 1, km_north=1)  # below the required level
    _worker(make_worker, loom, 3, km_north=80)  # beyond everyone's reach
    ranked = matching.rank_workers(staff(shift), shift.id)
    assert [c.worker_id for c in ranked] == [near.id, far.id]
    assert 0.9 < ranked[0].distance_km < 1.1
    for candidate in ranked:
        assert abs(sum(candidate.breakdown.values()) - candidate.score) < 1e-12


def test_workers_the_database_rules_out_are_never_ranked(
    make_worker, make_shift, make_factory, loom
):
    shift = _shift(make_shift, loom)
    busy, away, lent, suspended, free = (_worker(make_worker, loom, 3) for _ in range(5))
    other = make_shift(starts_in_hours=50)  # overlaps the shift (48 h + 8 h)
    db.session.add(
        Application(worker_id=busy.id, shift_id=other.id, status=ApplicationStatus.ACCEPTED)
    )
    db.session.add(
        AvailabilityWindow(
            worker_id=away.id, starts_at=shift.ends_at, ends_at=shift.ends_at + timedelta(days=3)
        )
    )
    lent.kind, lent.lender_factory_id = WorkerKind.IDLE_EMPLOYEE, make_factory().id
    suspended.user.status = UserStatus.SUSPENDED
    db.session.commit()
    assert [c.worker_id for c in matching.rank_workers(staff(shift), shift.id)] == [free.id]

    day = shift.starts_at.date()
    db.session.add(
        LendingAgreement(
            worker_id=lent.id,
            lender_factory_id=lent.lender_factory_id,
            borrower_factory_id=shift.factory_id,
            starts_on=day - timedelta(days=1),
            ends_on=day + timedelta(days=2),
            wage_payer=Payer.LENDER,
            insurance_payer=Payer.LENDER,
            settlement_rate_cny=Decimal("25"),
            status=AgreementStatus.APPROVED,
        )
    )
    db.session.commit()
    ranked = {c.worker_id for c in matching.rank_workers(staff(shift), shift.id)}
    assert ranked == {free.id, lent.id}


def test_only_the_factory_and_its_moderators_see_the_ranking(
    make_worker, make_shift, make_user, loom
):
    shift = _shift(make_shift, loom)
    moderator = make_user(Role.MODERATOR, association=shift.factory.association)
    assert matching.rank_workers(moderator, shift.id) == []
    for outsider in (make_worker().user, make_user(Role.FACTORY_STAFF)):
        with pytest.raises(Forbidden):
            matching.rank_workers(outsider, shift.id)


def test_a_committed_change_is_ranked_at_once(make_worker, make_shift, loom):
    shift = _shift(make_shift, loom, min_level=3)
    worker = _worker(make_worker, loom, 2)
    assert matching.rank_workers(staff(shift), shift.id) == []
    before = matching_index.current_version()
    skill = db.session.scalar(sa.select(WorkerSkill).where(WorkerSkill.worker_id == worker.id))
    skill.level = 4
    db.session.commit()
    assert matching_index.current_version() > before
    assert [c.worker_id for c in matching.rank_workers(staff(shift), shift.id)] == [worker.id]


def test_touching_a_worker_only_to_lock_it_keeps_the_index(make_worker, loom):
    from marketplace.models import utcnow

    worker = _worker(make_worker, loom, 3)
    before = matching_index.current_version()
    worker.updated_at = utcnow()
    db.session.commit()
    assert matching_index.current_version() == before


CHILD = """
import sys
from config import TestConfig
from marketplace import create_app
from marketplace.extensions import db
from marketplace.models import WorkerSkill
import sqlalchemy as sa

app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=sys.argv[1])
with app.app_context():
    query = sa.select(WorkerSkill).where(WorkerSkill.worker_id == int(sys.argv[2]))
    skill = db.session.scalar(query)
    skill.level = 5
    db.session.commit()
"""


def test_a_change_made_by_another_process_is_seen_here(make_worker, make_shift, loom, database_url):
    shift = _shift(make_shift, loom, min_level=4)
    worker = _worker(make_worker, loom, 2)
    assert matching.rank_workers(staff(shift), shift.id) == []  # this process builds its index
    subprocess.run(
        [sys.executable, "-c", CHILD, database_url, str(worker.id)],
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    db.session.expire_all()
    assert [c.worker_id for c in matching.rank_workers(staff(shift), shift.id)] == [worker.id]


def test_a_worker_is_recommended_the_shifts_that_suit_them(make_worker, make_shift, loom):
    from marketplace.services.ranking.recommendations import recommend_shifts

    suitable = _shift(make_shift, loom)
    too_demanding = _shift(make_shift, loom, min_level=5)
    applied = _shift(make_shift, loom)
    worker = _worker(make_worker, loom, 3, km_north=2)
    db.session.add(Application(worker_id=worker.id, shift_id=applied.id))
    db.session.commit()
    recommended = recommend_shifts(worker.user)
    assert [r.shift_id for r in recommended] == [suitable.id]
    assert too_demanding.id not in {r.shift_id for r in recommended}
    (candidate,) = matching.rank_workers(staff(suitable), suitable.id)
    assert abs(recommended[0].score - candidate.score) < 1e-12  # the same math both ways
    assert abs(sum(recommended[0].breakdown.values()) - recommended[0].score) < 1e-12


def test_only_workers_get_recommendations(make_user):
    from marketplace.services.ranking.recommendations import recommend_shifts

    with pytest.raises(Forbidden):
        recommend_shifts(make_user(Role.FACTORY_STAFF))


def test_the_index_rules_out_exactly_the_workers_the_database_does(
    make_worker, make_shift, make_factory, loom
):
    # Ranking reads windows and lenders from the index; the queries are the reference.
    shift = _shift(make_shift, loom)
    covered_window, short_window, own_idle, free_idle, agreed_idle, plain = (
        _worker(make_worker, loom, 3) for _ in range(6)
    )
    for worker, end in (
        (covered_window, shift.ends_at),
        (short_window, shift.ends_at - timedelta(minutes=1)),
    ):
        db.session.add(
            AvailabilityWindow(
                worker_id=worker.id, starts_at=shift.starts_at - timedelta(hours=1), ends_at=end
            )
        )
    own_idle.kind, own_idle.lender_factory_id = WorkerKind.IDLE_EMPLOYEE, shift.factory_id
    free_idle.kind = WorkerKind.IDLE_EMPLOYEE
    agreed_idle.kind, agreed_idle.lender_factory_id = WorkerKind.IDLE_EMPLOYEE, make_factory().id
    db.session.add(
        LendingAgreement(
            worker_id=agreed_idle.id,
            lender_factory_id=agreed_idle.lender_factory_id,
            borrower_factory_id=shift.factory_id,
            starts_on=shift.starts_at.date() - timedelta(days=1),
            ends_on=shift.starts_at.date() + timedelta(days=2),
            wage_payer=Payer.LENDER,
            insurance_payer=Payer.LENDER,
            settlement_rate_cny=Decimal("25"),
            status=AgreementStatus.APPROVED,
        )
    )
    db.session.commit()
    index = matching_index.get_index()
    expected = matching.excluded_worker_ids(shift)
    assert expected == {short_window.id, free_idle.id}
    assert set(index.workers.ids[matching.excluded_rows(shift, index)]) == expected
    assert plain.id not in expected
