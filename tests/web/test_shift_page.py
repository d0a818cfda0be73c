"""The public page of one shift: what it shows, and that only published shifts have one."""

from zoneinfo import ZoneInfo

import pytest

from marketplace.extensions import db
from marketplace.models import (
    CertificateType,
    Industry,
    PickupPoint,
    ShiftCertificate,
    ShiftPreferredSkill,
    ShiftRequiredSkill,
    ShiftStatus,
    Skill,
)


@pytest.fixture
def full_shift(make_shift):
    """A shift with skills, a certificate, beds and two bus stops."""
    shift = make_shift(title="袜机挡车工", headcount=5)
    hosiery = Industry.HOSIERY
    loom = Skill(code="sock.loom", name_zh="袜机挡车", name_en="Sock loom", industry=hosiery)
    toe = Skill(code="sock.toe", name_zh="缝头", name_en="Toe seaming", industry=hosiery)
    forklift = CertificateType(code="forklift", name_zh="叉车证", name_en="Forklift licence")
    db.session.add_all([loom, toe, forklift])
    db.session.flush()
    shift.dormitory_beds = 4
    db.session.add_all(
        [
            ShiftRequiredSkill(shift=shift, skill=loom, min_level=3),
            ShiftPreferredSkill(shift=shift, skill=toe, weight=0.5),
            ShiftCertificate(shift=shift, certificate_type=forklift),
            PickupPoint(shift=shift, name="大唐镇公交站", lat=29.77, lon=120.24),
            PickupPoint(shift=shift, name="诸暨火车站", lat=29.71, lon=120.25),
        ]
    )
    db.session.commit()
    return shift


def test_a_published_shift_shows_everything_a_worker_needs(client, full_shift):
    response = client.get(f"/shifts/{full_shift.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for expected in (
        "袜机挡车工",
        full_shift.factory.name,
        full_shift.site.name,
        full_shift.site.address,
        "CN¥25.00 per hour",
        "CN¥200.00 for the whole shift",
        "8 hours",
        "5 places left of 5",
        "Sock loom",
        "level 3 or above",
        "Toe seaming",
        "Forklift licence",
        "4 beds",
        "大唐镇公交站",
        "诸暨火车站",
        "Log in to apply",
    ):
        assert expected in page, expected
    start = full_shift.starts_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert start.strftime("%H:%M") in page


def test_the_page_in_chinese(app, full_shift):
    page = app.test_client().get(f"/shifts/{full_shift.id}").get_data(as_text=True)
    expected_texts = ("每小时 ¥25.00", "还剩 5 个名额", "袜机挡车", "3 级及以上")
    expected_texts += ("叉车证", "登录后报名")
    for expected in expected_texts:
        assert expected in page, expected


def test_places_left_count_accepted_workers(client, make_shift):
    shift = make_shift(headcount=5)
    shift.accepted_count = 2
    db.session.commit()
    assert "3 places left of 5" in client.get(f"/shifts/{shift.id}").get_data(as_text=True)
    shift.accepted_count = 5
    db.session.commit()
    assert "Full — join the waiting list" in client.get(f"/shifts/{shift.id}").get_data(
        as_text=True
    )


def test_a_shift_with_no_extras_says_so(client, make_shift):
    page = client.get(f"/shifts/{make_shift().id}").get_data(as_text=True)
    for expected in ("No dormitory", "No shuttle bus", "None needed.", "No particular skill"):
        assert expected in page, expected


@pytest.mark.parametrize(
    "status", [ShiftStatus.DRAFT, ShiftStatus.PENDING_REVIEW, ShiftStatus.REJECTED]
)
def test_unpublished_shifts_have_no_public_page(client, make_shift, status):
    shift = make_shift(status=status, title="不公开的班次")
    response = client.get(f"/shifts/{shift.id}")
    assert response.status_code == 404
    assert "不公开的班次" not in response.get_data(as_text=True)


def test_an_unknown_shift_is_a_404(client, district):
    assert client.get("/shifts/424242").status_code == 404


def test_a_cancelled_shift_says_it_takes_no_applications(client, make_shift):
    shift = make_shift(status=ShiftStatus.CANCELLED)
    page = client.get(f"/shifts/{shift.id}").get_data(as_text=True)
    assert "Status: Cancelled" in page
    assert "This shift no longer takes applications." in page
    assert "Log in to apply" not in page


def test_the_list_links_to_the_shift_page(client, make_shift):
    shift = make_shift()
    assert f'href="/shifts/{shift.id}"' in client.get("/").get_data(as_text=True)


def test_the_apply_link_comes_back_to_the_shift_after_login(client, make_shift):
    shift = make_shift()
    page = client.get(f"/shifts/{shift.id}").get_data(as_text=True)
    assert f"/auth/login?next=/shifts/{shift.id}" in page
