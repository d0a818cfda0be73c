"""Placement runs: start, compute outside the request, review, send as offers; refusals."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace import jobs
from marketplace.errors import Conflict, Forbidden, Invalid
from marketplace.extensions import db
from marketplace.models import (
    Application,
    ApplicationStatus,
    Industry,
    PlacementProposal,
    PlacementRun,
    ProposalStatus,
    Role,
    RunStatus,
    ShiftRequiredSkill,
    Skill,
    WorkerKind,
    WorkerSkill,
    kinds_to_mask,
    utcnow,
)
from marketplace.services import offers, placement, placement_job
from tests.helpers import events, notified, race


@pytest.fixture
def loom(app):
    skill = Skill(code="weaving.loom", name_zh="挡车", name_en="Loom", industry=Industry.TEXTILES)
    db.session.add(skill)
    db.session.commit()
    return skill


@pytest.fixture
def scene(make_factory, make_shift, make_worker, moderator_of, loom):
    """Two overlapping one-place shifts; one worker fits both, the other only the first.

    Whoever takes the best-looking pair first fills one place; the optimum fills both.
    """
    factory = make_factory()
    first = make_shift(factory=factory, headcount=1, starts_in_hours=48)
    second = make_shift(factory=factory, headcount=1, starts_in_hours=50)
    second.accepted_kinds_mask = kinds_to_mask([WorkerKind.RETIREE])
    both = make_worker(WorkerKind.RETIREE)
    one = make_worker(WorkerKind.CROSS_INDUSTRY)
    for shift in (first, second):
        db.session.add(ShiftRequiredSkill(shift_id=shift.id, skill_id=loom.id, min_level=2))
    for worker, level in ((both, 5), (one, 2)):
        db.session.add(WorkerSkill(worker_id=worker.id, skill_id=loom.id, level=level))
    db.session.commit()
    return {
        "factory": factory,
        "first": first,
        "second": second,
        "both": both,
        "one": one,
        "moderator": moderator_of(factory),
    }


def _start(scene, **kwargs):
    now = utcnow()
    return placement.start_run(
        scene["moderator"],
        scene["factory"].association_id,
        kwargs.pop("starts_at", now),
        kwargs.pop("ends_at", now + timedelta(days=14)),
        **kwargs,
    )


def _pairs(run_id):
    rows = db.session.execute(
        sa.select(PlacementProposal.worker_id, PlacementProposal.shift_id).where(
            PlacementProposal.run_id == run_id
        )
    )
    return set(rows.all())


def test_a_run_proposes_the_placement_that_fills_most_places(scene):
    run = _start(scene)
    db.session.refresh(run)
    assert run.status == RunStatus.DONE
    assert (run.shift_count, run.places_open, run.candidate_count, run.filled) == (2, 2, 2, 2)
    assert _pairs(run.id) == {
        (scene["one"].id, scene["first"].id),
        (scene["both"].id, scene["second"].id),
    }
    proposals = placement.run_proposals(scene["moderator"], run.id)
    assert abs(sum(p.score for p in proposals) - run.total_score) < 1e-9
    for proposal in proposals:
        assert abs(sum(proposal.breakdown.values()) - proposal.score) < 1e-9
        assert set(proposal.breakdown) == {"skill", "distance", "reliability"}
    # Proposals are for review: nobody has been offered anything yet.
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 0
    assert len(events("placement.started")) == 1


def test_sending_a_run_makes_offers_through_the_lifecycle(scene):
    run = _start(scene)
    outcome = placement.apply_run(scene["moderator"], run.id)
    assert (outcome.offered, outcome.skipped, outcome.excluded) == (2, 0, 0)
    offered = db.session.execute(
        sa.select(Application.worker_id, Application.shift_id, Application.status)
    ).all()
    assert {(w, s) for w, s, _ in offered} == _pairs(run.id)
    assert {status for *_, status in offered} == {ApplicationStatus.OFFERED}
    for worker in (scene["one"], scene["both"]):
        assert notified(worker.user_id, "offer_made") == 1
    assert [e.details["placement_run_id"] for e in events("application.offered")] == [run.id] * 2
    assert db.session.get(PlacementRun, run.id).status == RunStatus.APPLIED
    with pytest.raises(Conflict):
        placement.apply_run(scene["moderator"], run.id)
    # The worker answers the offer exactly as any other.
    application = db.session.scalar(
        sa.select(Application).where(Application.worker_id == scene["one"].id)
    )
    offers.accept(scene["one"].user, application.id)
    assert db.session.get(Application, application.id).status == ApplicationStatus.ACCEPTED


def test_an_applicant_gets_the_offer_on_their_own_application(scene):
    from marketplace.services.applications import apply

    applied = apply(scene["one"].user, scene["first"].id)
    run = _start(scene)
    placement.apply_run(scene["moderator"], run.id)
    assert db.session.get(Application, applied.id).status == ApplicationStatus.OFFERED
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 2


def test_a_worker_who_said_no_to_a_shift_is_not_proposed_for_it(scene):
    db.session.add(
        Application(
            worker_id=scene["one"].id,
            shift_id=scene["first"].id,
            status=ApplicationStatus.DECLINED,
        )
    )
    db.session.commit()
    run = _start(scene)
    assert scene["one"].id not in {worker for worker, _ in _pairs(run.id)}
    assert db.session.get(PlacementRun, run.id).filled == 1  # the other worker, on either


def test_proposals_that_no_longer_hold_are_skipped_with_the_reason(scene, make_shift):
    run = _start(scene)
    # Meanwhile the versatile worker took a place on another shift at the same time.
    elsewhere = make_shift(starts_in_hours=49)
    db.session.add(
        Application(
            worker_id=scene["both"].id, shift_id=elsewhere.id, status=ApplicationStatus.ACCEPTED
        )
    )
    db.session.commit()
    outcome = placement.apply_run(scene["moderator"], run.id)
    assert (outcome.offered, outcome.skipped) == (1, 1)
    skipped = db.session.scalar(
        sa.select(PlacementProposal).where(PlacementProposal.status == ProposalStatus.SKIPPED)
    )
    assert skipped.worker_id == scene["both"].id
    assert "overlap" in skipped.reason.lower() or "same time" in skipped.reason.lower()


def test_proposals_left_out_by_the_moderator_are_not_sent(scene):
    run = _start(scene)
    left = next(p for p in placement.run_proposals(scene["moderator"], run.id))
    outcome = placement.apply_run(scene["moderator"], run.id, leave_out=[left.id])
    assert (outcome.offered, outcome.excluded) == (1, 1)
    assert db.session.get(PlacementProposal, left.id).status == ProposalStatus.EXCLUDED
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 1


def test_only_the_associations_moderators_and_admins_run_placements(
    scene, make_user, make_association
):
    stranger = make_user(Role.MODERATOR, association=make_association())
    worker = scene["one"].user
    association_id = scene["factory"].association_id
    now = utcnow()
    for actor in (stranger, worker):
        with pytest.raises(Forbidden):
            placement.start_run(actor, association_id, now, now + timedelta(days=1))
    assert len(events("denied.placement.start")) == 2
    run = _start(scene)
    for call in (placement.get_run, placement.apply_run, placement.discard_run):
        with pytest.raises(Forbidden):
            call(stranger, run.id)
    with pytest.raises(Forbidden):
        placement.list_runs(stranger, association_id)
    admin = make_user(Role.ADMIN)
    assert placement.apply_run(admin, run.id).offered == 2


def test_bad_windows_and_objectives_are_refused_per_field(scene):
    now, day = utcnow(), timedelta(days=1)
    cases = [
        (dict(starts_at=now, ends_at=now), "window_ends_at"),
        (dict(starts_at=now, ends_at=now + 40 * day), "window_ends_at"),
        (dict(starts_at=now - 3 * day, ends_at=now - day), "window_ends_at"),
        (dict(objective="cheapest"), "objective"),
    ]
    for kwargs, field in cases:
        with pytest.raises(Invalid) as refused:
            _start(scene, **kwargs)
        assert field in refused.value.fields
    assert db.session.scalar(sa.select(sa.func.count(PlacementRun.id))) == 0


def test_one_run_at_a_time_until_its_proposals_are_sent_or_discarded(scene):
    run = _start(scene)
    with pytest.raises(Conflict):
        _start(scene)
    placement.discard_run(scene["moderator"], run.id)
    assert _start(scene).status == RunStatus.DONE
    assert [r.status for r in placement.list_runs(scene["moderator"], run.association_id)] == [
        RunStatus.DONE,
        RunStatus.DISCARDED,
    ]


def test_concurrent_starts_leave_exactly_one_run(scene, database_url):
    association_id = scene["factory"].association_id
    now = utcnow()
    moderators = [scene["moderator"].id] * 4

    def start(user):
        placement.start_run(user, association_id, now, now + timedelta(days=1))

    outcomes = race(database_url, [(m, start) for m in moderators], success="started")
    assert sorted(outcomes) == ["conflict"] * 3 + ["started"]
    assert db.session.scalar(sa.select(sa.func.count(PlacementRun.id))) == 1


def test_a_run_that_fails_says_why_and_can_be_retried(app, scene):
    app.config["PLACEMENT_TIME_LIMIT_SECONDS"] = 0  # the overlapping pair needs the MIP
    run = _start(scene)
    db.session.refresh(run)
    assert run.status == RunStatus.FAILED
    assert "time" in str(placement.failure_message(run))
    assert db.session.scalar(sa.select(sa.func.count(PlacementProposal.id))) == 0
    with pytest.raises(Conflict):
        placement.apply_run(scene["moderator"], run.id)
    app.config["PLACEMENT_TIME_LIMIT_SECONDS"] = 300
    placement.retry_run(scene["moderator"], run.id)
    db.session.refresh(run)
    assert (run.status, run.attempts, run.filled) == (RunStatus.DONE, 2, 2)


def test_a_run_whose_job_died_is_taken_over_only_after_its_lease(scene):
    run = _start(scene)
    # Pretend the job that held it died mid-way: RUNNING, no proposals, lease still live.
    db.session.execute(sa.delete(PlacementProposal))
    run.status, run.lease_expires_at = RunStatus.RUNNING, utcnow() + timedelta(minutes=5)
    db.session.commit()
    with pytest.raises(Conflict):
        placement.retry_run(scene["moderator"], run.id)
    placement_job.execute_run(run.id)  # a second worker must not take a live lease
    db.session.refresh(run)
    assert run.status == RunStatus.RUNNING
    run.lease_expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    placement.retry_run(scene["moderator"], run.id)
    db.session.refresh(run)
    assert run.status == RunStatus.DONE and len(_pairs(run.id)) == 2


def test_a_run_computes_in_a_background_thread(app, scene):
    app.config["JOB_BACKEND"] = "thread"
    run = _start(scene)
    assert jobs.wait_for_threads(timeout=60)
    db.session.expire_all()
    run = db.session.get(PlacementRun, run.id)
    assert run.status == RunStatus.DONE and run.filled == 2
