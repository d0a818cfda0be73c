"""Posting: factory staff create, edit, publish and cancel their own factory's shifts."""

from dataclasses import replace
from datetime import timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from marketplace.errors import Conflict, Forbidden, Invalid, NotFound
from marketplace.extensions import db
from marketplace.models import (
    Application,
    ApplicationStatus,
    CertificateType,
    Industry,
    Role,
    Shift,
    ShiftStatus,
    Site,
    Skill,
    VerificationStatus,
    WorkerKind,
    kinds_to_mask,
    utcnow,
)
from marketplace.services.shifts.posting import (
    cancel_shift,
    create_shift,
    publish_shift,
    update_shift,
)
from marketplace.services.shifts.shift import ShiftInput
from tests.helpers import events, owner
from tests.helpers import notified_users as notified


@pytest.fixture
def skills(app):
    made = [
        Skill(
            code=f"weaving.s{i}",
            name_zh=f"技能{i}",
            name_en=f"Skill {i}",
            industry=Industry.TEXTILES,
        )
        for i in range(3)
    ]
    db.session.add_all(made)
    db.session.commit()
    return made


@pytest.fixture
def certificate(app):
    made = CertificateType(code="electrician", name_zh="电工证", name_en="Electrician")
    db.session.add(made)
    db.session.commit()
    return made


def shift_input(factory, **overrides) -> ShiftInput:
    # A whole hour, so two calls in one test give the same times however slow the run.
    starts = utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    data = ShiftInput(
        site_id=factory.sites[0].id,
        title="挡车工",
        starts_at=starts,
        ends_at=starts + timedelta(hours=8),
        headcount=3,
        hourly_pay_cny=Decimal("28.50"),
    )
    return replace(data, **overrides)


def apply(worker, shift, status: ApplicationStatus) -> Application:
    application = Application(worker_id=worker.id, shift_id=shift.id, status=status)
    db.session.add(application)
    db.session.commit()
    return application


def test_staff_create_a_draft_with_everything_it_asks_for(make_factory, skills, certificate):
    factory = make_factory()
    data = shift_input(
        factory,
        accepted_kinds={WorkerKind.RETIREE, WorkerKind.VOLUNTEER},
        required_skills=[(skills[0].id, 3)],
        preferred_skills=[(skills[1].id, 0.5)],
        required_certificate_ids=[certificate.id],
        pickup_points=[("柯桥客运中心", 30.08, 120.49)],
        dormitory_beds=2,
    )
    shift = create_shift(owner(factory), factory.id, data)
    db.session.expire_all()
    shift = db.session.get(Shift, shift.id)
    assert shift.status == ShiftStatus.DRAFT
    assert shift.created_by_id == owner(factory).id
    assert shift.hourly_pay_cny == Decimal("28.50")
    assert shift.accepted_kinds_mask == kinds_to_mask({WorkerKind.RETIREE, WorkerKind.VOLUNTEER})
    assert [(r.skill_id, r.min_level) for r in shift.required_skills] == [(skills[0].id, 3)]
    assert [(p.skill_id, p.weight) for p in shift.preferred_skills] == [(skills[1].id, 0.5)]
    assert [c.certificate_type_id for c in shift.required_certificates] == [certificate.id]
    assert [(p.name, p.lat) for p in shift.pickup_points] == [("柯桥客运中心", 30.08)]
    (event,) = events("shift.created")
    assert (event.object_id, event.association_id) == (shift.id, factory.association_id)


def test_every_bad_field_is_reported_at_once_and_nothing_is_saved(make_factory, skills):
    factory, other = make_factory(), make_factory()
    starts = utcnow() - timedelta(hours=1)
    data = shift_input(
        factory,
        site_id=other.sites[0].id,
        title=" ",
        starts_at=starts,
        ends_at=starts + timedelta(hours=30),
        headcount=0,
        hourly_pay_cny=Decimal("0"),
        dormitory_beds=-1,
        max_distance_km=0,
        accepted_kinds=set(),
        required_skills=[(skills[0].id, 6)],
        preferred_skills=[(skills[0].id, 1.5)],
        required_certificate_ids=[999_999],
        pickup_points=[("", 91.0, 120.0)],
    )
    with pytest.raises(Invalid) as caught:
        create_shift(owner(factory), factory.id, data)
    assert set(caught.value.fields) == {
        "site_id",
        "title",
        "starts_at",
        "ends_at",
        "headcount",
        "hourly_pay_cny",
        "dormitory_beds",
        "max_distance_km",
        "accepted_kinds",
        "required_skills",
        "preferred_skills",
        "required_certificate_ids",
        "pickup_points",
    }
    assert db.session.scalar(sa.select(sa.func.count(Shift.id))) == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"starts_at": utcnow().replace(tzinfo=None) + timedelta(days=2)}, "starts_at"),
        ({"hourly_pay_cny": Decimal("25.555")}, "hourly_pay_cny"),
        ({"accepted_kinds": {"astronaut"}}, "accepted_kinds"),
        ({"title": "x" * 121}, "title"),
    ],
)
def test_single_bad_fields_are_named(make_factory, overrides, field):
    factory = make_factory()
    with pytest.raises(Invalid) as caught:
        create_shift(owner(factory), factory.id, shift_input(factory, **overrides))
    assert list(caught.value.fields) == [field]


def test_a_skill_cannot_be_both_required_and_preferred_nor_listed_twice(make_factory, skills):
    factory = make_factory()
    both = shift_input(
        factory, required_skills=[(skills[0].id, 2)], preferred_skills=[(skills[0].id, 0.5)]
    )
    with pytest.raises(Invalid) as caught:
        create_shift(owner(factory), factory.id, both)
    assert "preferred_skills" in caught.value.fields
    twice = shift_input(factory, required_skills=[(skills[0].id, 2), (skills[0].id, 3)])
    with pytest.raises(Invalid) as caught:
        create_shift(owner(factory), factory.id, twice)
    assert "required_skills" in caught.value.fields


def test_another_site_and_a_shanghai_time_are_stored_as_given(make_factory):
    factory = make_factory()
    district_id = factory.sites[0].district_id
    second = Site(
        factory=factory, name="二号车间", address="柯桥", district_id=district_id, lat=30, lon=120
    )
    db.session.add(second)
    db.session.commit()
    shanghai = timezone(timedelta(hours=8))
    starts = (utcnow() + timedelta(days=3)).astimezone(shanghai).replace(microsecond=0)
    data = shift_input(
        factory, site_id=second.id, starts_at=starts, ends_at=starts + timedelta(hours=4)
    )
    shift = create_shift(owner(factory), factory.id, data)
    db.session.expire_all()
    assert db.session.get(Shift, shift.id).starts_at == starts
    assert db.session.get(Shift, shift.id).site_id == second.id


def test_creating_for_a_missing_factory_is_not_found(make_factory):
    factory = make_factory()
    with pytest.raises(NotFound):
        create_shift(owner(factory), 999_999, shift_input(factory))


@pytest.fixture
def outsiders(make_factory, make_user, make_worker):
    """Everyone who must not post for a factory: other staff, a worker, its own moderator."""

    def make(factory):
        return [
            owner(make_factory()),
            make_worker().user,
            make_user(Role.MODERATOR, association=factory.association),
        ]

    return make


def test_staff_of_another_factory_a_worker_and_a_moderator_cannot_post(make_factory, outsiders):
    factory = make_factory()
    draft = create_shift(owner(factory), factory.id, shift_input(factory))
    for actor in outsiders(factory):
        with pytest.raises(Forbidden):
            create_shift(actor, factory.id, shift_input(factory))
        with pytest.raises(Forbidden):
            update_shift(actor, draft.id, shift_input(factory, title="改"))
        with pytest.raises(Forbidden):
            publish_shift(actor, draft.id)
        with pytest.raises(Forbidden):
            cancel_shift(actor, draft.id, "不要了")
    assert db.session.get(Shift, draft.id).status == ShiftStatus.DRAFT
    assert db.session.get(Shift, draft.id).title == "挡车工"
    for action in ("shift.create", "shift.update", "shift.publish", "shift.cancel"):
        assert len(events(f"denied.{action}")) == 3


def test_a_suspended_factory_cannot_post(make_factory):
    factory = make_factory(status=VerificationStatus.SUSPENDED)
    with pytest.raises(Forbidden):
        create_shift(owner(factory), factory.id, shift_input(factory))
    assert events("denied.shift.create")


def test_a_verified_factory_s_shift_opens_at_once(make_factory):
    factory = make_factory()
    draft = create_shift(owner(factory), factory.id, shift_input(factory))
    shift = publish_shift(owner(factory), draft.id)
    assert shift.status == ShiftStatus.OPEN
    assert shift.published_at is not None
    (event,) = events("shift.published")
    assert event.details["status"] == "open"
    assert not notified("shift_pending_review")


def test_an_unverified_factory_s_shift_waits_for_its_association(make_factory, make_user):
    factory = make_factory(status=VerificationStatus.PENDING)
    moderator = make_user(Role.MODERATOR, association=factory.association)
    stranger = make_user(Role.MODERATOR, association=make_factory().association)
    draft = create_shift(owner(factory), factory.id, shift_input(factory))
    shift = publish_shift(owner(factory), draft.id)
    assert db.session.get(Shift, shift.id).status == ShiftStatus.PENDING_REVIEW
    assert notified("shift_pending_review") == {moderator.id}
    assert stranger.id not in notified("shift_pending_review")


def test_only_a_draft_that_starts_in_the_future_is_published(make_factory, make_shift):
    factory = make_factory()
    with pytest.raises(Conflict):
        publish_shift(owner(factory), make_shift(factory=factory).id)  # already open
    stale = make_shift(factory=factory, status=ShiftStatus.DRAFT, starts_in_hours=-1)
    with pytest.raises(Conflict):
        publish_shift(owner(factory), stale.id)
    assert db.session.get(Shift, stale.id).status == ShiftStatus.DRAFT
    with pytest.raises(NotFound):
        publish_shift(owner(factory), 999_999)


def test_a_draft_is_edited_and_the_change_recorded(make_factory, skills):
    factory = make_factory()
    draft = create_shift(
        owner(factory), factory.id, shift_input(factory, required_skills=[(skills[0].id, 2)])
    )
    data = shift_input(
        factory,
        title="夜班挡车工",
        headcount=5,
        required_skills=[(skills[0].id, 4), (skills[1].id, 1)],
    )
    update_shift(owner(factory), draft.id, data)
    db.session.expire_all()
    shift = db.session.get(Shift, draft.id)
    assert (shift.title, shift.headcount) == ("夜班挡车工", 5)
    assert sorted((r.skill_id, r.min_level) for r in shift.required_skills) == [
        (skills[0].id, 4),
        (skills[1].id, 1),
    ]
    (event,) = events("shift.updated")
    assert set(event.details["changes"]) == {"title", "headcount", "required_skills"}
    assert event.details["changes"]["headcount"] == [3, 5]


def test_saving_an_unchanged_shift_records_nothing(make_factory):
    factory = make_factory()
    data = shift_input(factory)
    draft = create_shift(owner(factory), factory.id, data)
    update_shift(owner(factory), draft.id, data)
    assert not events("shift.updated")


@pytest.mark.parametrize(
    "status", [ShiftStatus.CANCELLED, ShiftStatus.COMPLETED, ShiftStatus.REJECTED]
)
def test_closed_shifts_cannot_be_edited(make_factory, make_shift, status):
    factory = make_factory()
    shift = make_shift(factory=factory, status=status)
    with pytest.raises(Conflict):
        update_shift(owner(factory), shift.id, shift_input(factory, title="改"))
    assert db.session.get(Shift, shift.id).title == "挡车工"


def _open_shift_with(make_factory, make_shift, make_worker, statuses, headcount=3, **kwargs):
    factory = make_factory(**kwargs)
    shift = make_shift(factory=factory, headcount=headcount)
    workers = [make_worker() for _ in statuses]
    for worker, status in zip(workers, statuses, strict=True):
        apply(worker, shift, status)
    return factory, db.session.get(Shift, shift.id), workers


def _same_as(shift, factory, **overrides):
    data = ShiftInput(
        site_id=shift.site_id,
        title=shift.title,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        headcount=shift.headcount,
        hourly_pay_cny=shift.hourly_pay_cny,
        max_distance_km=shift.max_distance_km,
    )
    return replace(data, **overrides)


def test_the_headcount_cannot_shrink_below_the_accepted_workers(
    make_factory, make_shift, make_worker
):
    accepted = [ApplicationStatus.ACCEPTED] * 2
    factory, shift, _ = _open_shift_with(make_factory, make_shift, make_worker, accepted)
    with pytest.raises(Invalid) as caught:
        update_shift(owner(factory), shift.id, _same_as(shift, factory, headcount=1))
    assert list(caught.value.fields) == ["headcount"]
    assert db.session.get(Shift, shift.id).headcount == 3
    update_shift(owner(factory), shift.id, _same_as(shift, factory, headcount=2))
    db.session.expire_all()
    assert db.session.get(Shift, shift.id).headcount == 2


def test_moving_the_times_tells_the_workers_holding_a_place(make_factory, make_shift, make_worker):
    statuses = [ApplicationStatus.ACCEPTED, ApplicationStatus.APPLIED]
    factory, shift, (accepted, _applied) = _open_shift_with(
        make_factory, make_shift, make_worker, statuses
    )
    later = shift.starts_at + timedelta(hours=2)
    data = _same_as(shift, factory, starts_at=later, ends_at=later + timedelta(hours=8))
    update_shift(owner(factory), shift.id, data)
    assert notified("shift_changed") == {accepted.user_id}
    (event,) = events("shift.updated")
    assert set(event.details["changes"]) == {"starts_at", "ends_at"}
    assert db.session.get(Shift, shift.id).status == ShiftStatus.OPEN


def test_a_new_title_alone_does_not_disturb_the_workers(make_factory, make_shift, make_worker):
    statuses = [ApplicationStatus.ACCEPTED]
    factory, shift, _ = _open_shift_with(make_factory, make_shift, make_worker, statuses)
    update_shift(owner(factory), shift.id, _same_as(shift, factory, title="新标题"))
    assert not notified("shift_changed")
    assert events("shift.updated")


def test_editing_an_unverified_factory_s_open_shift_sends_it_back_to_review(
    make_factory, make_shift, make_worker, make_user
):
    factory, shift, _ = _open_shift_with(
        make_factory, make_shift, make_worker, [], status=VerificationStatus.PENDING
    )
    moderator = make_user(Role.MODERATOR, association=factory.association)
    update_shift(owner(factory), shift.id, _same_as(shift, factory, title="改过的"))
    assert db.session.get(Shift, shift.id).status == ShiftStatus.PENDING_REVIEW
    assert notified("shift_pending_review") == {moderator.id}


def test_cancelling_frees_every_place_and_tells_the_workers(make_factory, make_shift, make_worker):
    statuses = [
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.OFFERED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.WITHDRAWN,
    ]
    factory, shift, workers = _open_shift_with(make_factory, make_shift, make_worker, statuses)
    assert shift.accepted_count == 1
    cancel_shift(owner(factory), shift.id, "  订单取消  ")
    db.session.expire_all()
    shift = db.session.get(Shift, shift.id)
    assert (shift.status, shift.cancel_reason, shift.accepted_count) == (
        ShiftStatus.CANCELLED,
        "订单取消",
        0,
    )
    rows = db.session.scalars(sa.select(Application).order_by(Application.id)).all()
    assert [a.status for a in rows] == [ApplicationStatus.CANCELLED] * 3 + [
        ApplicationStatus.WITHDRAWN
    ]
    assert {a.cancelled_by_id for a in rows[:3]} == {owner(factory).id}
    assert notified("shift_cancelled") == {w.user_id for w in workers[:3]}
    (event,) = events("shift.cancelled")
    assert event.details["applications_cancelled"] == 3


def test_cancelling_needs_a_reason_and_a_shift_still_to_come(make_factory, make_shift, make_worker):
    factory, shift, _ = _open_shift_with(
        make_factory, make_shift, make_worker, [ApplicationStatus.IN_PROGRESS]
    )
    with pytest.raises(Invalid) as caught:
        cancel_shift(owner(factory), shift.id, "   ")
    assert list(caught.value.fields) == ["reason"]
    with pytest.raises(Conflict):
        cancel_shift(owner(factory), shift.id, "太晚了")  # a worker is already on site
    done = make_shift(factory=factory, status=ShiftStatus.CANCELLED)
    with pytest.raises(Conflict):
        cancel_shift(owner(factory), done.id, "再取消")
    assert db.session.get(Shift, shift.id).status == ShiftStatus.OPEN
    assert not events("shift.cancelled")


def test_raising_the_headcount_offers_the_new_places_to_the_waiting_list(
    make_factory, make_shift, make_worker
):
    statuses = [ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED]
    factory, shift, (_accepted, waiting) = _open_shift_with(
        make_factory, make_shift, make_worker, statuses, headcount=1
    )
    update_shift(owner(factory), shift.id, _same_as(shift, factory, headcount=3))
    promoted = db.session.scalar(sa.select(Application).where(Application.worker_id == waiting.id))
    assert promoted.status == ApplicationStatus.OFFERED
    assert promoted.offer_expires_at <= shift.starts_at
    assert notified("waitlist_promoted") == {waiting.user_id}


def test_a_move_that_would_double_book_a_worker_is_refused(make_factory, make_shift, make_worker):
    statuses = [ApplicationStatus.ACCEPTED]
    factory, shift, (worker,) = _open_shift_with(make_factory, make_shift, make_worker, statuses)
    elsewhere = make_shift(starts_in_hours=100)
    db.session.add(
        Application(worker_id=worker.id, shift_id=elsewhere.id, status=ApplicationStatus.ACCEPTED)
    )
    db.session.commit()
    onto = _same_as(shift, factory, starts_at=elsewhere.starts_at, ends_at=elsewhere.ends_at)
    with pytest.raises(Conflict) as refused:
        update_shift(owner(factory), shift.id, onto)
    assert worker.user.name in str(refused.value.message)
    assert db.session.get(Shift, shift.id).starts_at != elsewhere.starts_at
    assert not events("shift.updated")


def test_moving_the_start_earlier_brings_offer_deadlines_forward(
    make_factory, make_shift, make_worker
):
    statuses = [ApplicationStatus.OFFERED]
    factory, shift, (worker,) = _open_shift_with(make_factory, make_shift, make_worker, statuses)
    offered = db.session.scalar(sa.select(Application).where(Application.worker_id == worker.id))
    offered.offer_expires_at = shift.starts_at
    db.session.commit()
    earlier = shift.starts_at - timedelta(hours=6)
    update_shift(
        owner(factory),
        shift.id,
        _same_as(shift, factory, starts_at=earlier, ends_at=earlier + timedelta(hours=8)),
    )
    db.session.expire_all()
    assert db.session.get(Application, offered.id).offer_expires_at == earlier


def test_cancelling_a_shift_audits_each_application_it_ends(make_factory, make_shift, make_worker):
    statuses = [ApplicationStatus.ACCEPTED, ApplicationStatus.APPLIED]
    factory, shift, _ = _open_shift_with(make_factory, make_shift, make_worker, statuses)
    cancel_shift(owner(factory), shift.id, "订单取消")
    ended = events("application.cancelled")
    assert len(ended) == 2 and {e.association_id for e in ended} == {factory.association_id}
