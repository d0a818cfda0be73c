"""The home page and the public shift list in JSON."""

from marketplace.extensions import db
from marketplace.models import ShiftStatus


def test_home_page_lists_open_shifts_from_the_database(client, make_shift):
    open_shift = make_shift(title="袜机挡车工", headcount=4)
    make_shift(title="草稿班次", status=ShiftStatus.DRAFT)
    make_shift(title="待审核班次", status=ShiftStatus.PENDING_REVIEW)
    make_shift(title="已开始班次", starts_in_hours=-1)
    page = client.get("/").get_data(as_text=True)
    assert "袜机挡车工" in page
    assert open_shift.factory.name in page
    assert "4 places left of 4" in page
    for hidden in ("草稿班次", "待审核班次", "已开始班次"):
        assert hidden not in page
    assert "1 open shift" in page


def test_full_shifts_say_so(client, make_shift):
    shift = make_shift(headcount=2)
    shift.accepted_count = 2
    db.session.commit()
    assert "Full" in client.get("/").get_data(as_text=True)


def test_shifts_are_paged_and_filtered_by_district(app, client, make_shift, make_district):
    app.config["SHIFTS_PER_PAGE"] = 2
    for hour in range(3):
        make_shift(title=f"班次{hour}", starts_in_hours=10 + hour)
    first = client.get("/").get_data(as_text=True)
    second = client.get("/?page=2").get_data(as_text=True)
    assert "班次0" in first and "班次1" in first and "班次2" not in first
    assert "班次2" in second and "Page 2 of 2" in second
    elsewhere = make_district(code="330624", name="新昌县", lat=29.4998, lon=120.9039)
    assert "No open shifts" in client.get(f"/?district={elsewhere.id}").get_data(as_text=True)


def test_times_are_shown_in_shanghai_time(client, make_shift):
    shift = make_shift()
    local = shift.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    page = client.get("/").get_data(as_text=True)
    assert local.strftime("%H:%M") in page


def test_the_json_list_matches_the_page(client, make_shift):
    shift = make_shift(headcount=3)
    make_shift(status=ShiftStatus.DRAFT)
    body = client.get("/api/v1/shifts").get_json()
    assert body["total"] == 1
    (item,) = body["items"]
    assert item["id"] == shift.id and item["places_left"] == 3
    assert item["hourly_pay_cny"] == "25.00"
    assert item["starts_at"].endswith("+00:00")


def test_unknown_pages_get_a_404_page_and_json_under_the_api(client):
    assert client.get("/no-such-page").status_code == 404
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_chinese_is_the_default_language(app, make_shift):
    make_shift(headcount=3)
    browser = app.test_client()  # sends no Accept-Language
    page = browser.get("/").get_data(as_text=True)
    assert "招工信息" in page and "还剩 3 个名额" in page
    assert 'lang="zh-Hans"' in page


def test_english_is_chosen_from_accept_language(client):
    page = client.get("/").get_data(as_text=True)
    assert "Open shifts" in page and 'lang="en"' in page
