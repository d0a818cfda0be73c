"""The worker pages: profile, shifts, applying, offers, cancelling, training, inbox, refusals."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import (
    Application,
    ApplicationStatus,
    AuditEvent,
    Notification,
    ShiftRequiredSkill,
    TrainingSession,
    WorkerKind,
    WorkerSkill,
    utcnow,
)
from marketplace.services.notify import notifications
from tests.conftest import csrf_from
from tests.factories import PASSWORD


@pytest.fixture
def worker(make_worker, login):
    worker = make_worker(WorkerKind.RETIREE, name="王阿姨")
    login(worker.user.mobile, PASSWORD)
    return worker


def _offered(worker, shift, status=ApplicationStatus.OFFERED) -> Application:
    now = utcnow()
    application = Application(
        worker_id=worker.id,
        shift_id=shift.id,
        status=status,
        offered_at=now,
        offer_expires_at=now + timedelta(hours=12),
    )
    db.session.add(application)
    db.session.commit()
    return application


def _profile_fields(worker, **overrides) -> dict:
    fields = {
        "kind": "retiree",
        "lender_factory_id": "0",
        "home_source": "district",
        "district_id": str(worker.home_district_id),
        "lat": "",
        "lon": "",
        "max_travel_km": "20",
    }
    return {**fields, **overrides}


def test_the_profile_round_trip(client, post_form, worker):
    page = client.get("/worker/profile").get_data(as_text=True)
    assert 'id="locate"' in page and "worker.js" in page  # geolocation, from a static file
    assert "<script>" not in page  # nothing inline: a strict CSP will come
    fields = _profile_fields(
        worker, home_source="coordinates", lat="30.1234", lon="120.5", max_travel_km="35"
    )
    fields["needs_housing"] = "y"
    response = post_form("/worker/profile", fields)
    assert response.status_code == 302
    page = client.get("/worker/profile").get_data(as_text=True)
    assert "Your profile is saved." in page
    assert 'value="30.1234"' in page and 'value="35.0"' in page
    assert re.search(r'<input checked[^>]*value="coordinates"', page)
    db.session.expire_all()
    assert (worker.home_lat, worker.home_lon, worker.needs_housing) == (30.1234, 120.5, True)


def test_a_bad_value_keeps_what_was_typed_and_is_shown_beside_its_field(client, post_form, worker):
    fields = _profile_fields(
        worker, home_source="coordinates", lat="91.5", lon="12o.5", max_travel_km="650"
    )
    response = post_form("/worker/profile", fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="91.5"' in page and 'value="12o.5"' in page and 'value="650"' in page
    assert 'id="lon-error">Enter a number, e.g. 29.99.' in page
    # The form's own check failed on lon; the service's checks run once the form is clean.
    fields["lon"] = "120.5"
    page = post_form("/worker/profile", fields).get_data(as_text=True)
    assert 'id="lat-error">Enter a latitude from -90 to 90.' in page
    assert 'id="max_travel_km-error">Enter a distance from 1 to 500 km.' in page
    assert 'value="91.5"' in page
    db.session.expire_all()
    assert worker.max_travel_km == 20


def test_a_worker_declares_a_skill_and_a_bad_certificate_is_named(client, post_form, worker, loom):
    response = post_form("/worker/profile/skills", {"skill_id": str(loom.id), "level": "3"})
    assert response.status_code == 302
    page = client.get("/worker/profile/skills").get_data(as_text=True)
    assert "Loom operation" in page and "Not verified yet" in page
    response = post_form(
        "/worker/profile/certificates",
        {"certificate_type_id": "0", "number": "T-778", "valid_until": "2040-01-01"},
        page="/worker/profile/skills",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="certificate_type_id-error">Choose a certificate.' in page
    assert 'value="T-778"' in page and 'value="2040-01-01"' in page


def test_availability_in_shanghai_time(client, post_form, worker):
    day = (utcnow() + timedelta(days=3)).date().isoformat()
    fields = {"starts_at": f"{day}T08:00", "ends_at": f"{day}T18:00"}
    assert post_form("/worker/profile/availability", fields).status_code == 302
    db.session.expire_all()
    (window,) = worker.availability
    assert window.starts_at.hour == 0  # 08:00 in Shanghai is midnight UTC
    response = post_form(
        "/worker/profile/availability", {"starts_at": f"{day}T19:00", "ends_at": f"{day}T07:00"}
    )
    assert response.status_code == 422
    assert 'id="ends_at-error">The end must come after the start.' in response.get_data(
        as_text=True
    )


def test_applying_without_the_skill_shows_the_missing_skill(
    client, post_form, worker, make_shift, loom
):
    shift = make_shift(title="挡车工夜班")
    db.session.add(ShiftRequiredSkill(shift_id=shift.id, skill_id=loom.id, min_level=3))
    db.session.commit()
    page = client.get(f"/worker/shifts/{shift.id}").get_data(as_text=True)
    assert "Needs Loom operation at level 3; you do not have this skill." in page
    response = post_form(
        f"/worker/shifts/{shift.id}/apply",
        {"note": "I ran looms for 20 years"},
        page=f"/worker/shifts/{shift.id}",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "You cannot take this shift." in page
    assert "you do not have this skill" in page
    assert "I ran looms for 20 years" in page  # the note is kept
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 0


def test_applying_when_eligible_and_seeing_the_application(client, post_form, worker, make_shift):
    shift = make_shift(title="包装工")
    response = post_form(
        f"/worker/shifts/{shift.id}/apply", {"note": ""}, page=f"/worker/shifts/{shift.id}"
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You applied." in page and "包装工" in page and "Applied" in page
    listing = client.get("/worker/applications").get_data(as_text=True)
    assert "包装工" in listing


def test_recommended_shifts_show_the_reasons_for_their_scores(client, worker, make_shift, loom):
    make_shift(title="推荐的班次")
    page = client.get("/worker/shifts").get_data(as_text=True)
    assert "推荐的班次" in page
    assert "Score:" in page and "Distance (0.0 km):" in page and "Attendance record:" in page


def test_accepting_an_offer(client, worker, make_shift):
    application = _offered(worker, make_shift())
    page = client.get(f"/worker/applications/{application.id}").get_data(as_text=True)
    assert "Accept the offer" in page
    response = client.post(
        f"/worker/applications/{application.id}/accept", data={"csrf_token": csrf_from(page)}
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You accepted: the place is yours." in page
    assert db.session.get(Application, application.id).status == ApplicationStatus.ACCEPTED


def test_declining_an_offer(client, worker, make_shift):
    application = _offered(worker, make_shift())
    page = client.get("/worker/applications").get_data(as_text=True)
    response = client.post(
        f"/worker/applications/{application.id}/decline", data={"csrf_token": csrf_from(page)}
    )
    assert response.status_code == 302
    assert db.session.get(Application, application.id).status == ApplicationStatus.DECLINED


def test_cancelling_needs_a_reason_and_then_cancels(client, post_form, worker, make_shift):
    application = _offered(worker, make_shift(starts_in_hours=72), ApplicationStatus.ACCEPTED)
    url = f"/worker/applications/{application.id}"
    response = post_form(f"{url}/cancel", {"reason": "   "}, page=url)
    assert response.status_code == 422
    assert 'id="reason-error">Give a reason.' in response.get_data(as_text=True)
    assert db.session.get(Application, application.id).status == ApplicationStatus.ACCEPTED
    response = post_form(f"{url}/cancel", {"reason": "我生病了"}, page=url)
    assert response.status_code == 302
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert (application.status, application.cancel_reason) == (
        ApplicationStatus.CANCELLED,
        "我生病了",
    )


def test_a_worker_cannot_see_or_act_on_anothers_application(
    client, worker, make_worker, make_shift
):
    other = make_worker()
    application = _offered(other, make_shift())
    assert client.get(f"/worker/applications/{application.id}").status_code == 403
    token = csrf_from(client.get("/worker/applications").get_data(as_text=True))
    for action in ("accept", "decline", "withdraw"):
        response = client.post(
            f"/worker/applications/{application.id}/{action}", data={"csrf_token": token}
        )
        assert response.status_code == 403
    response = client.post(
        f"/worker/applications/{application.id}/cancel",
        data={"csrf_token": token, "reason": "x"},
    )
    assert response.status_code == 403
    assert db.session.get(Application, application.id).status == ApplicationStatus.OFFERED
    denied = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action.like("denied.%"))
    ).all()
    assert "denied.application.accept" in denied and "denied.application.cancel" in denied


def test_a_post_without_the_csrf_token_is_refused(client, worker, make_shift):
    application = _offered(worker, make_shift())
    response = client.post(f"/worker/applications/{application.id}/accept", data={})
    assert response.status_code == 400
    assert db.session.get(Application, application.id).status == ApplicationStatus.OFFERED
    assert client.post("/worker/profile", data={"kind": "expert"}).status_code == 400


def test_factory_staff_have_no_worker_pages(client, login, make_factory):
    factory = make_factory()
    login(factory.members[0].user.mobile, PASSWORD)
    assert client.get("/worker/profile").status_code == 403
    assert client.get("/worker/applications").status_code == 403


def test_enrolling_in_training(client, worker, make_association, loom):
    session = TrainingSession(
        association_id=make_association().id,
        title="挡车速成班",
        skill_id=loom.id,
        level_granted=2,
        starts_at=utcnow() + timedelta(days=2),
        ends_at=utcnow() + timedelta(days=2, hours=4),
        capacity=10,
    )
    db.session.add(session)
    db.session.commit()
    page = client.get("/worker/training").get_data(as_text=True)
    assert "挡车速成班" in page and "10 places left" in page
    response = client.post(
        f"/worker/training/{session.id}/enrol", data={"csrf_token": csrf_from(page)}
    )
    assert response.status_code == 302
    page = client.get("/worker/training").get_data(as_text=True)
    assert "You are enrolled" in page and "Give up my place" in page


def test_the_inbox_marks_messages_read(client, worker):
    for shift in ("甲", "乙"):
        notifications.notify(worker.user_id, "offer_expired", shift=shift)
    db.session.commit()
    page = client.get("/worker/inbox").get_data(as_text=True)
    assert "Offer expired: 甲" in page and page.count('class="card unread"') == 2
    first = db.session.scalars(sa.select(Notification).order_by(Notification.id)).first()
    token = csrf_from(page)
    assert client.post(f"/worker/inbox/{first.id}/read", data={"csrf_token": token}).status_code
    db.session.expire_all()
    assert db.session.get(Notification, first.id).read_at is not None
    client.post("/worker/inbox/read-all", data={"csrf_token": token})
    unread = sa.select(sa.func.count(Notification.id)).where(Notification.read_at.is_(None))
    assert db.session.scalar(unread) == 0


def test_the_pages_speak_chinese(client, worker, make_shift, loom):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN,zh;q=0.9"
    db.session.add(WorkerSkill(worker_id=worker.id, skill_id=loom.id, level=2))
    db.session.commit()
    application = _offered(worker, make_shift())
    pages = {
        "/worker/profile": ["My profile", "Save my profile", "Use my current location"],
        "/worker/profile/skills": ["Not verified yet", "Save the skill", "Loom operation"],
        f"/worker/applications/{application.id}": ["Accept the offer", "Offered to you"],
        "/worker/shifts": ["Shifts for me", "Score:"],
        "/worker/inbox": ["Inbox", "No messages."],
    }
    for url, english in pages.items():
        page = client.get(url).get_data(as_text=True)
        assert 'lang="zh-Hans"' in page
        for text in english:
            assert text not in page, (url, text)
    page = client.get("/worker/profile").get_data(as_text=True)
    assert "我的资料" in page


def test_after_a_completed_shift_the_worker_rates_the_factory_once(client, worker, make_shift):
    from marketplace.models import Rating, RatingDirection

    shift = make_shift(starts_in_hours=-10)
    application = _offered(worker, shift, status=ApplicationStatus.COMPLETED)
    url = f"/worker/applications/{application.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Rate the factory" in page
    data = {"csrf_token": csrf_from(page), "score": "4", "comment": "管理规范"}
    assert client.post(f"{url}/rate", data=data).status_code == 302
    rating = db.session.scalar(sa.select(Rating))
    assert (rating.score, rating.direction) == (4, RatingDirection.WORKER_RATES_FACTORY)
    assert "Rate the factory" not in client.get(url).get_data(as_text=True)
    again = client.post(f"{url}/rate", data=data, follow_redirects=True)
    assert "already been rated" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Rating.id))) == 1
