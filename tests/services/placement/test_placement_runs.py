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
    PlacementProposal,
    PlacementRun,
    ProposalStatus,
    Role,
    RunStatus,
    WorkerKind,
    utcnow,
)
from marketplace.services.applications import offers
from marketplace.services.placement import job as placement_job
from marketplace.services.placement import runs as placement
from tests.helpers import events, notified, race


def _start(placement_scene, **kwargs):
    now = utcnow()
    return placement.start_run(
        placement_scene["moderator"],
        placement_scene["factory"].association_id,
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


def test_a_run_proposes_the_placement_that_fills_most_places(placement_scene):
    run = _start(placement_scene)
    db.session.refresh(run)
    assert run.status == RunStatus.DONE
    assert (run.shift_count, run.places_open, run.candidate_count, run.filled) == (2, 2, 2, 2)
    assert _pairs(run.id) == {
        (placement_scene["one"].id, placement_scene["first"].id),
        (placement_scene["both"].id, placement_scene["second"].id),
    }
    proposals = placement.run_proposals(placement_scene["moderator"], run.id)
    assert abs(sum(p.score for p in proposals) - run.total_score) < 1e-9
    for proposal in proposals:
        assert abs(sum(proposal.breakdown.values()) - proposal.score) < 1e-9
        assert set(proposal.breakdown) == {"skill", "distance", "reliability"}
    # Proposals are for review: nobody has been offered anything yet.
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 0
    assert len(events("placement.started")) == 1


def test_sending_a_run_makes_offers_through_the_lifecycle(placement_scene):
    run = _start(placement_scene)
    outcome = placement.apply_run(placement_scene["moderator"], run.id)
    assert (outcome.offered, outcome.skipped, outcome.excluded) == (2, 0, 0)
    offered = db.session.execute(
        sa.select(Application.worker_id, Application.shift_id, Application.status)
    ).all()
    assert {(w, s) for w, s, _ in offered} == _pairs(run.id)
    assert {status for *_, status in offered} == {ApplicationStatus.OFFERED}
    for worker in (placement_scene["one"], placement_scene["both"]):
        assert notified(worker.user_id, "offer_made") == 1
    assert [e.details["placement_run_id"] for e in events("application.offered")] == [run.id] * 2
    assert db.session.get(PlacementRun, run.id).status == RunStatus.APPLIED
    with pytest.raises(Conflict):
        placement.apply_run(placement_scene["moderator"], run.id)
    # The worker answers the offer exactly as any other.
    application = db.session.scalar(
        sa.select(Application).where(Application.worker_id == placement_scene["one"].id)
    )
    offers.accept(placement_scene["one"].user, application.id)
    assert db.session.get(Application, application.id).status == ApplicationStatus.ACCEPTED


def test_an_applicant_gets_the_offer_on_their_own_application(placement_scene):
    from marketplace.services.applications.applying import apply

    applied = apply(placement_scene["one"].user, placement_scene["first"].id)
    run = _start(placement_scene)
    placement.apply_run(placement_scene["moderator"], run.id)
    assert db.session.get(Application, applied.id).status == ApplicationStatus.OFFERED
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 2


def test_a_worker_who_said_no_to_a_shift_is_not_proposed_for_it(placement_scene):
    db.session.add(
        Application(
            worker_id=placement_scene["one"].id,
            shift_id=placement_scene["first"].id,
            status=ApplicationStatus.DECLINED,
        )
    )
    db.session.commit()
    run = _start(placement_scene)
    assert placement_scene["one"].id not in {worker for worker, _ in _pairs(run.id)}
    assert db.session.get(PlacementRun, run.id).filled == 1  # the other worker, on either


def test_proposals_that_no_longer_hold_are_skipped_with_the_reason(placement_scene, make_shift):
    run = _start(placement_scene)
    # Meanwhile the versatile worker took a place on another shift at the same time.
    elsewhere = make_shift(starts_in_hours=49)
    db.session.add(
        Application(
            worker_id=placement_scene["both"].id,
            shift_id=elsewhere.id,
            status=ApplicationStatus.ACCEPTED,
        )
    )
    db.session.commit()
    outcome = placement.apply_run(placement_scene["moderator"], run.id)
    assert (outcome.offered, outcome.skipped) == (1, 1)
    skipped = db.session.scalar(
        sa.select(PlacementProposal).where(PlacementProposal.status == ProposalStatus.SKIPPED)
    )
    assert skipped.worker_id == placement_scene["both"].id
    assert "overlap" in skipped.reason.lower() or "same time" in skipped.reason.lower()


def test_proposals_left_out_by_the_moderator_are_not_sent(placement_scene):
    run = _start(placement_scene)
    left = next(p for p in placement.run_proposals(placement_scene["moderator"], run.id))
    outcome = placement.apply_run(placement_scene["moderator"], run.id, leave_out=[left.id])
    assert (outcome.offered, outcome.excluded) == (1, 1)
    assert db.session.get(PlacementProposal, left.id).status == ProposalStatus.EXCLUDED
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 1


def test_only_the_associations_moderators_and_admins_run_placements(
    placement_scene, make_user, make_association
):
    stranger = make_user(Role.MODERATOR, association=make_association())
    worker = placement_scene["one"].user
    association_id = placement_scene["factory"].association_id
    now = utcnow()
    for actor in (stranger, worker):
        with pytest.raises(Forbidden):
            placement.start_run(actor, association_id, now, now + timedelta(days=1))
    assert len(events("denied.placement.start")) == 2
    run = _start(placement_scene)
    for call in (placement.get_run, placement.apply_run, placement.discard_run):
        with pytest.raises(Forbidden):
            call(stranger, run.id)
    with pytest.raises(Forbidden):
        placement.list_runs(stranger, association_id)
    admin = make_user(Role.ADMIN)
    assert placement.apply_run(admin, run.id).offered == 2


def test_bad_windows_and_objectives_are_refused_per_field(placement_scene):
    now, day = utcnow(), timedelta(days=1)
    cases = [
        (dict(starts_at=now, ends_at=now), "window_ends_at"),
        (dict(starts_at=now, ends_at=now + 40 * day), "window_ends_at"),
        (dict(starts_at=now - 3 * day, ends_at=now - day), "window_ends_at"),
        (dict(objective="cheapest"), "objective"),
    ]
    for kwargs, field in cases:
        with pytest.raises(Invalid) as refused:
            _start(placement_scene, **kwargs)
        assert field in refused.value.fields
    assert db.session.scalar(sa.select(sa.func.count(PlacementRun.id))) == 0


def test_one_run_at_a_time_until_its_proposals_are_sent_or_discarded(placement_scene):
    run = _start(placement_scene)
    with pytest.raises(Conflict):
        _start(placement_scene)
    placement.discard_run(placement_scene["moderator"], run.id)
    assert _start(placement_scene).status == RunStatus.DONE
    assert [
        r.status for r in placement.list_runs(placement_scene["moderator"], run.association_id)
    ] == [
        RunStatus.DONE,
        RunStatus.DISCARDED,
    ]


def test_concurrent_starts_leave_exactly_one_run(placement_scene, database_url):
    association_id = placement_scene["factory"].association_id
    now = utcnow()
    moderators = [placement_scene["moderator"].id] * 4

    def start(user):
        placement.start_run(user, association_id, now, now + timedelta(days=1))

    outcomes = race(database_url, [(m, start) for m in moderators], success="started")
    assert sorted(outcomes) == ["conflict"] * 3 + ["started"]
    assert db.session.scalar(sa.select(sa.func.count(PlacementRun.id))) == 1


def test_a_run_that_fails_says_why_and_can_be_retried(app, placement_scene):
    app.config["PLACEMENT_TIME_LIMIT_SECONDS"] = 0  # the overlapping pair needs the MIP
    run = _start(placement_scene)
    db.session.refresh(run)
    assert run.status == RunStatus.FAILED
    assert "time" in str(placement.failure_message(run))
    assert db.session.scalar(sa.select(sa.func.count(PlacementProposal.id))) == 0
    with pytest.raises(Conflict):
        placement.apply_run(placement_scene["moderator"], run.id)
    app.config["PLACEMENT_TIME_LIMIT_SECONDS"] = 300
    placement.retry_run(placement_scene["moderator"], run.id)
    db.session.refresh(run)
    assert (run.status, run.attempts, run.filled) == (RunStatus.DONE, 2, 2)


def test_a_run_whose_job_died_is_taken_over_only_after_its_lease(placement_scene):
    run = _start(placement_scene)
    # Pretend the job that held it died mid-way: RUNNING, no proposals, lease still live.
    db.session.execute(sa.delete(PlacementProposal))
    run.status, run.lease_expires_at = RunStatus.RUNNING, utcnow() + timedelta(minutes=5)
    db.session.commit()
    with pytest.raises(Conflict):
        placement.retry_run(placement_scene["moderator"], run.id)
    placement_job.execute_run(run.id)  # a second worker must not take a live lease
    db.session.refresh(run)
    assert run.status == RunStatus.RUNNING
    run.lease_expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    placement.retry_run(placement_scene["moderator"], run.id)
    db.session.refresh(run)
    assert run.status == RunStatus.DONE and len(_pairs(run.id)) == 2


def test_a_run_computes_in_a_background_thread(app, placement_scene):
    app.config["JOB_BACKEND"] = "thread"
    run = _start(placement_scene)
    assert jobs.wait_for_threads(timeout=60)
    db.session.expire_all()
    run = db.session.get(PlacementRun, run.id)
    assert run.status == RunStatus.DONE and run.filled == 2


def test_a_run_already_sent_cannot_be_discarded_or_retried(placement_scene):
    run = _start(placement_scene)
    placement.apply_run(placement_scene["moderator"], run.id)
    with pytest.raises(Conflict):
        placement.discard_run(placement_scene["moderator"], run.id)
    with pytest.raises(Conflict):
        placement.retry_run(placement_scene["moderator"], run.id)


def test_a_run_sends_nothing_for_a_shift_whose_factory_left_the_association(
    placement_scene, make_association
):
    run = _start(placement_scene)
    placement_scene["factory"].association_id = make_association().id
    db.session.commit()
    outcome = placement.apply_run(placement_scene["moderator"], run.id)
    assert (outcome.offered, outcome.skipped) == (0, 2)
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 0


def test_a_run_sends_no_offer_to_a_worker_who_now_needs_a_lending_agreement(
    placement_scene, make_factory
):
    run = _start(placement_scene)
    one = placement_scene["one"]
    one.kind, one.lender_factory_id = WorkerKind.IDLE_EMPLOYEE, make_factory().id
    db.session.commit()
    outcome = placement.apply_run(placement_scene["moderator"], run.id)
    assert (outcome.offered, outcome.skipped) == (1, 1)
    skipped = db.session.scalar(
        sa.select(PlacementProposal).where(PlacementProposal.status == ProposalStatus.SKIPPED)
    )
    assert skipped.worker_id == one.id and "lending agreement" in skipped.reason
    offered = sa.select(Application.worker_id).where(Application.status == "offered")
    assert db.session.scalars(offered).all() == [placement_scene["both"].id]
