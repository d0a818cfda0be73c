"""The factory staff pages: posting, applicants, candidates, attendance, lending; refusals."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.identifiers import mask_mobile
from marketplace.models import (
    AgreementStatus,
    Application,
    ApplicationStatus,
    Assignment,
    LendingAgreement,
    Payer,
    Rating,
    Shift,
    ShiftRequiredSkill,
    ShiftStatus,
    WorkerKind,
    WorkerSkill,
    utcnow,
)
from tests.conftest import csrf_from
from tests.factories import PASSWORD
from tests.helpers import owner, status_of

SHANGHAI = ZoneInfo("Asia/Shanghai")
S = ApplicationStatus


def _local_day(days: int) -> date:
    return (utcnow() + timedelta(days=days)).astimezone(SHANGHAI).date()


def _shift_fields(site_id: int, day: date, **overrides) -> dict:
    fields = {
        "site_id": str(site_id),
        "title": "缝头工",
        "description": "袜子缝头",
        "starts_at": f"{day.isoformat()}T08:00",
        "ends_at": f"{day.isoformat()}T16:30",
        "headcount": "3",
        "hourly_pay_cny": "26.50",
        "dormitory_beds": "2",
        "max_distance_km": "25",
        "accepted_kinds": ["retiree", "volunteer"],
        "pickup_points-0-name": "柯桥客运中心",
        "pickup_points-0-lat": "30.08",
        "pickup_points-0-lon": "120.49",
    }
    return {**fields, **overrides}


def _apply(worker, shift, status=S.APPLIED) -> Application:
    application = Application(worker_id=worker.id, shift_id=shift.id, status=status)
    db.session.add(application)
    db.session.commit()
    return application


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _post(client, url: str, data: dict | None = None, *, page: str = "/factory/"):
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **(data or {})})


@pytest.fixture
def factory(make_factory):
    return make_factory()


@pytest.fixture
def staff_login(client, login, factory):
    login(owner(factory).mobile, PASSWORD)
    return owner(factory)


def test_a_shift_is_posted_in_shanghai_time_then_edited(
    client, post_form, factory, staff_login, loom
):
    day = _local_day(3)
    fields = _shift_fields(
        factory.sites[0].id,
        day,
        **{"required_skills-0-skill_id": str(loom.id), "required_skills-0-min_level": "2"},
    )
    response = post_form("/factory/shifts/new", fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    shift = db.session.scalar(sa.select(Shift))
    assert shift.status == ShiftStatus.DRAFT
    # 08:00 in Shanghai (UTC+8) is midnight UTC on the same day.
    assert shift.starts_at == datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    assert shift.ends_at - shift.starts_at == timedelta(hours=8, minutes=30)
    assert shift.hourly_pay_cny == Decimal("26.50")
    assert {k.value for k in shift.accepted_kinds} == {"retiree", "volunteer"}
    assert [(r.skill_id, r.min_level) for r in shift.required_skills] == [(loom.id, 2)]
    assert [p.name for p in shift.pickup_points] == ["柯桥客运中心"]

    edit_url = f"/factory/shifts/{shift.id}/edit"
    page = _page(client, edit_url)
    assert f'value="{day.isoformat()}T08:00"' in page and 'value="柯桥客运中心"' in page
    changed = {**fields, "title": "缝头工（夜班）", "headcount": "4", "ends_at": f"{day}T17:00"}
    response = post_form(edit_url, changed)
    assert response.status_code == 302
    db.session.refresh(shift)
    assert (shift.title, shift.headcount) == ("缝头工（夜班）", 4)
    assert shift.ends_at == datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(
        hours=9
    )
    assert "Your changes are saved." in _page(client, response.headers["Location"])


def test_preferred_skills_and_certificates_are_saved(client, post_form, factory, staff_login, loom):
    from marketplace.models import CertificateType

    licence = CertificateType(code="health", name_zh="健康证", name_en="Health certificate")
    db.session.add(licence)
    db.session.commit()
    page = _page(client, "/factory/shifts/new")
    assert "Health certificate" in page and "Loom operation" in page
    fields = _shift_fields(
        factory.sites[0].id,
        _local_day(4),
        required_certificate_ids=[str(licence.id)],
        **{"preferred_skills-0-skill_id": str(loom.id), "preferred_skills-0-weight": "0.6"},
    )
    response = post_form("/factory/shifts/new", fields)
    assert response.status_code == 302
    shift = db.session.scalar(sa.select(Shift))
    assert [(p.skill_id, p.weight) for p in shift.preferred_skills] == [(loom.id, 0.6)]
    assert [c.certificate_type_id for c in shift.required_certificates] == [licence.id]
    page = _page(client, response.headers["Location"])
    assert "Health certificate" in page and "Loom operation" in page


@pytest.mark.parametrize("start", ["9999-12-31T08:00", "0001-01-01T00:00"])
def test_a_shift_beyond_the_planning_range_is_a_field_error_and_nothing_is_saved(
    client, post_form, factory, staff_login, start
):
    fields = _shift_fields(factory.sites[0].id, _local_day(3), starts_at=start)
    response = post_form("/factory/shifts/new", fields)
    assert response.status_code == 422
    assert 'id="starts_at-error">Must be between' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Shift.id))) == 0


def test_a_bad_field_is_marked_and_everything_typed_is_kept(
    client, post_form, factory, staff_login
):
    day = _local_day(3)
    fields = _shift_fields(factory.sites[0].id, day, ends_at=f"{day}T07:00")
    response = post_form("/factory/shifts/new", fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert '<p class="error" id="ends_at-error">The shift must end after it starts.</p>' in page
    for typed in ("缝头工", "袜子缝头", f"{day}T08:00", f"{day}T07:00", "26.50", "柯桥客运中心"):
        assert typed in page
    assert (
        'checked id="accepted_kinds-3" name="accepted_kinds" type="checkbox" value="volunteer"'
        in (page)
    )
    assert 'checked id="accepted_kinds-1"' not in page
    assert db.session.scalar(sa.select(sa.func.count(Shift.id))) == 0


def test_service_checks_show_beside_their_fields(client, post_form, factory, staff_login):
    fields = _shift_fields(
        factory.sites[0].id,
        _local_day(3),
        headcount="0",
        **{"pickup_points-1-name": "无坐标的站"},
    )
    response = post_form("/factory/shifts/new", fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert '<p class="error" id="headcount-error">Ask for at least one worker.</p>' in page
    pickups = page[page.index("Bus pickup points") :]
    assert "Give each pickup point a valid latitude and longitude." in pickups
    assert 'value="无坐标的站"' in pickups


def test_more_rows_keeps_the_form_and_saves_nothing(client, post_form, factory, staff_login):
    fields = _shift_fields(factory.sites[0].id, _local_day(3), more_rows="1")
    response = post_form("/factory/shifts/new", fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="pickup_points-2-name"' in page and 'value="柯桥客运中心"' in page
    assert db.session.scalar(sa.select(sa.func.count(Shift.id))) == 0


def test_publish_and_cancel_with_a_reason(client, factory, staff_login, make_shift):
    shift = make_shift(factory=factory, status=ShiftStatus.DRAFT)
    response = _post(client, f"/factory/shifts/{shift.id}/publish")
    assert response.status_code == 302
    assert db.session.get(Shift, shift.id).status == ShiftStatus.OPEN
    response = _post(client, f"/factory/shifts/{shift.id}/cancel", {"cancel-reason": ""})
    assert response.status_code == 422
    assert 'id="cancel-reason-error"' in response.get_data(as_text=True)
    response = _post(client, f"/factory/shifts/{shift.id}/cancel", {"cancel-reason": "订单取消"})
    assert response.status_code == 302
    assert db.session.get(Shift, shift.id).status == ShiftStatus.CANCELLED


def test_my_shifts_are_grouped(client, factory, staff_login, make_shift):
    make_shift(factory=factory, status=ShiftStatus.DRAFT, title="草稿班")
    make_shift(factory=factory, headcount=1, title="开放班")
    make_shift(factory=factory, starts_in_hours=-30, title="过去班")
    page = _page(client, "/factory/")
    assert page.index("Drafts") < page.index("草稿班") < page.index("Open")
    assert page.index("Open") < page.index("开放班") < page.index("Past and closed")
    assert page.index("Past and closed") < page.index("过去班")


def test_candidates_are_ranked_with_breakdown_and_distance(
    client, factory, staff_login, make_shift, make_worker, loom
):
    shift = make_shift(factory=factory)
    db.session.add(ShiftRequiredSkill(shift_id=shift.id, skill_id=loom.id, min_level=2))
    strong, weak = make_worker(name="张巧手"), make_worker(name="李新手")
    unskilled = make_worker(name="王外行")
    for worker, level in ((strong, 5), (weak, 2), (unskilled, None)):
        if level:
            db.session.add(WorkerSkill(worker_id=worker.id, skill_id=loom.id, level=level))
    db.session.commit()
    applied = _apply(weak, shift)
    page = _page(client, f"/factory/shifts/{shift.id}/candidates")
    assert "张巧手" in page and "李新手" in page and "王外行" not in page
    assert page.count("<meter") == 2 * 3
    assert "Reliability" in page and "0.0" in page  # both live at the site: 0.0 km
    assert "Has not applied" in page and "Applied" in page
    assert page.count("/offer") == 1 and f"/applications/{applied.id}/offer" in page
    assert page.index("张巧手") < page.index("李新手")  # the better match first


def test_the_mobile_number_shows_masked_once_the_worker_holds_a_place(
    client, factory, staff_login, make_shift, make_worker
):
    shift = make_shift(factory=factory)
    holder, applicant = make_worker(name="陈师傅"), make_worker(name="周师傅")
    _apply(holder, shift, S.ACCEPTED)
    _apply(applicant, shift)
    page = _page(client, f"/factory/shifts/{shift.id}")
    assert page.count("****") == 1 and mask_mobile(holder.user.mobile) in page
    assert holder.user.mobile.removeprefix("+86") not in page


def test_offer_and_reject_applicants(client, factory, staff_login, make_shift, make_worker):
    shift = make_shift(factory=factory)
    chosen, other = make_worker(name="陈师傅"), make_worker(name="周师傅")
    first, second = _apply(chosen, shift), _apply(other, shift)
    page = _page(client, f"/factory/shifts/{shift.id}")
    assert "陈师傅" in page and "周师傅" in page
    assert "****" not in page  # numbers reach the factory only once a place is held
    base = f"/factory/shifts/{shift.id}/applications"
    response = _post(client, f"{base}/{first.id}/offer")
    assert response.status_code == 302
    assert status_of(first) == S.OFFERED
    response = _post(client, f"{base}/{second.id}/reject", {f"reject-{second.id}-reason": "满员"})
    assert response.status_code == 302
    assert status_of(second) == S.REJECTED
    page = _page(client, response.headers["Location"])
    assert "周师傅&#39;s application is rejected." in page
    # A refused action says why.
    response = _post(client, f"{base}/{second.id}/offer")
    assert response.status_code == 409
    assert "this one is rejected" in response.get_data(as_text=True)


def test_check_in_check_out_and_rate(client, factory, staff_login, make_shift, make_worker):
    shift = make_shift(factory=factory, starts_in_hours=1)
    application = _apply(make_worker(name="吴师傅"), shift, S.ACCEPTED)
    base = f"/factory/shifts/{shift.id}/applications/{application.id}"
    assert "吴师傅" in _page(client, f"/factory/shifts/{shift.id}/attendance")
    assert _post(client, f"{base}/check-in").status_code == 302
    assert status_of(application) == S.IN_PROGRESS
    assert _post(client, f"{base}/check-out").status_code == 302
    assert status_of(application) == S.COMPLETED
    response = _post(client, f"{base}/rate", {f"rate-{application.id}-score": "9"})
    assert response.status_code == 422
    response = _post(
        client,
        f"{base}/rate",
        {f"rate-{application.id}-score": "4", f"rate-{application.id}-comment": "认真"},
    )
    assert response.status_code == 302
    rating = db.session.scalar(sa.select(Rating))
    assert (rating.score, rating.comment) == (4, "认真")
    page = _page(client, response.headers["Location"])
    assert "Your rating: 4 of 5" in page


def test_a_no_show_after_the_start(client, factory, staff_login, make_shift, make_worker):
    shift = make_shift(factory=factory, starts_in_hours=-1)
    application = _apply(make_worker(), shift, S.ACCEPTED)
    base = f"/factory/shifts/{shift.id}/applications/{application.id}"
    assert _post(client, f"{base}/no-show").status_code == 302
    assert status_of(application) == S.NO_SHOW
    assert db.session.scalar(sa.select(Assignment.ended_at)) is not None


@pytest.fixture
def lending_request(factory, make_factory, make_worker):
    """A request from another factory to borrow one of `factory`'s idle employees."""
    borrower = make_factory()
    worker = make_worker(WorkerKind.IDLE_EMPLOYEE, name="钱师傅")
    worker.lender_factory_id = factory.id
    today = _local_day(1)
    agreement = LendingAgreement(
        worker_id=worker.id,
        lender_factory_id=factory.id,
        borrower_factory_id=borrower.id,
        starts_on=today,
        ends_on=today + timedelta(days=6),
        wage_payer=Payer.BORROWER,
        insurance_payer=Payer.LENDER,
        settlement_rate_cny=Decimal("30.00"),
    )
    db.session.add(agreement)
    db.session.commit()
    return agreement


def test_the_lender_approves_a_request(client, staff_login, lending_request):
    page = _page(client, "/factory/lending")
    assert "钱师傅" in page and lending_request.borrower.name in page
    response = _post(client, f"/factory/lending/{lending_request.id}/approve")
    assert response.status_code == 302
    assert db.session.get(LendingAgreement, lending_request.id).status == AgreementStatus.APPROVED


def test_the_lender_refuses_a_request_with_a_reason(client, staff_login, lending_request):
    url = f"/factory/lending/{lending_request.id}/refuse"
    response = _post(client, url, {f"refuse-{lending_request.id}-reason": ""})
    assert response.status_code == 422
    assert f'id="refuse-{lending_request.id}-reason-error"' in response.get_data(as_text=True)
    response = _post(client, url, {f"refuse-{lending_request.id}-reason": "旺季自用"})
    assert response.status_code == 302
    agreement = db.session.get(LendingAgreement, lending_request.id)
    assert (agreement.status, agreement.decision_reason) == (AgreementStatus.REFUSED, "旺季自用")


def test_the_lender_sets_its_lending_rules(client, staff_login, factory):
    page = _page(client, "/factory/lending")
    assert 'name="lending_max_extra_days"' in page and 'value="7"' in page
    data = {"lending_cap": "2", "lending_max_extra_days": "99"}
    response = _post(client, "/factory/lending/rules", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="lending_max_extra_days-error">Enter the extra days allowed: 0 to 60.' in page
    assert 'value="99"' in page
    response = _post(client, "/factory/lending/rules", {**data, "lending_max_extra_days": "3"})
    assert response.status_code == 302
    db.session.refresh(factory)
    assert (factory.lending_cap, factory.lending_max_extra_days) == (2, 3)


def test_an_owner_admits_a_new_member(client, staff_login, factory, make_user):
    from marketplace.models import FactoryMember, MemberRole, MemberStatus, Role

    joiner = make_user(Role.FACTORY_STAFF, name="新同事")
    member = FactoryMember(
        factory=factory, user=joiner, role=MemberRole.STAFF, status=MemberStatus.PENDING
    )
    db.session.add(member)
    db.session.commit()
    assert "新同事" in _page(client, "/factory/members")
    response = _post(client, f"/factory/members/{member.id}/admit")
    assert response.status_code == 302
    assert db.session.get(FactoryMember, member.id).status == MemberStatus.ACTIVE


def test_the_settlement_report(client, staff_login, factory, lending_request):
    lending_request.status = AgreementStatus.APPROVED
    db.session.commit()
    page = _page(client, "/factory/settlement")
    assert "钱师傅" in page and "CN¥30.00" in page
    page = _page(client, f"/factory/settlement?starts_on={_local_day(30)}")
    assert "钱师傅" not in page


def test_another_factorys_staff_get_403_on_every_page_of_the_shift(
    client, login, make_factory, make_shift, make_worker
):
    shift = make_shift(starts_in_hours=1)
    application = _apply(make_worker(), shift, S.ACCEPTED)
    login(owner(make_factory()).mobile, PASSWORD)
    base = f"/factory/shifts/{shift.id}"
    for suffix in ("", "/edit", "/candidates", "/attendance"):
        assert client.get(base + suffix).status_code == 403, suffix
    actions = (
        "publish",
        "cancel",
        *(
            f"applications/{application.id}/{a}"
            for a in (
                "offer",
                "reject",
                "check-in",
                "check-out",
                "no-show",
                "rate",
                "cancel",
            )
        ),
    )
    for action in actions:
        data = {f"rate-{application.id}-score": "5", "cancel-reason": "x"}
        data[f"cancel-{application.id}-reason"] = "x"
        assert _post(client, f"{base}/{action}", data).status_code == 403, action
    assert status_of(application) == S.ACCEPTED


def test_a_post_without_the_csrf_token_is_refused(
    client, factory, staff_login, make_shift, make_worker
):
    shift = make_shift(factory=factory)
    application = _apply(make_worker(), shift)
    response = client.post(f"/factory/shifts/{shift.id}/applications/{application.id}/offer")
    assert response.status_code == 400
    assert status_of(application) == S.APPLIED


def test_the_pages_speak_chinese(client, factory, staff_login, make_shift):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN,zh;q=0.9"
    shift = make_shift(factory=factory, status=ShiftStatus.DRAFT)
    page = _page(client, "/factory/")
    assert "我的班次" in page and "发布班次" in page and "草稿" in page
    page = _page(client, "/factory/shifts/new")
    assert "开始时间（上海时间）" in page and "班车接送点" in page
    page = _page(client, f"/factory/shifts/{shift.id}")
    assert "报名者" in page and "发布" in page


def test_a_candidate_who_has_not_applied_can_be_offered_a_place(
    client, login, make_shift, make_worker
):
    from marketplace.models import Application, ApplicationStatus, Notification

    shift = make_shift()
    worker = make_worker(name="没报名的赵师傅")
    login(owner(shift.factory).mobile, PASSWORD)
    page = client.get(f"/factory/shifts/{shift.id}/candidates").get_data(as_text=True)
    assert f"/factory/shifts/{shift.id}/invite/{worker.id}" in page
    response = client.post(
        f"/factory/shifts/{shift.id}/invite/{worker.id}", data={"csrf_token": csrf_from(page)}
    )
    assert response.status_code == 302
    application = db.session.scalar(sa.select(Application))
    assert (application.worker_id, application.status) == (worker.id, ApplicationStatus.OFFERED)
    kinds = db.session.scalars(
        sa.select(Notification.kind).where(Notification.user_id == worker.user_id)
    ).all()
    assert "offer_made" in kinds
    again = client.post(
        f"/factory/shifts/{shift.id}/invite/{worker.id}",
        data={"csrf_token": csrf_from(page)},
        follow_redirects=True,
    )
    assert "offered" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 1


def test_another_factory_cannot_offer_places_on_a_shift(client, login, make_shift, make_worker):
    shift = make_shift()
    other = make_shift()
    worker = make_worker()
    login(owner(other.factory).mobile, PASSWORD)
    page = client.get("/factory/").get_data(as_text=True)
    response = client.post(
        f"/factory/shifts/{shift.id}/invite/{worker.id}", data={"csrf_token": csrf_from(page)}
    )
    assert response.status_code == 403


def test_offering_to_a_worker_or_shift_that_does_not_exist_is_a_404(client, login, make_shift):
    shift = make_shift()
    login(owner(shift.factory).mobile, PASSWORD)
    page = client.get("/factory/").get_data(as_text=True)
    token = {"csrf_token": csrf_from(page)}
    assert client.post(f"/factory/shifts/{shift.id}/invite/999999", data=token).status_code == 404
    assert client.post("/factory/shifts/999999/invite/1", data=token).status_code == 404
