"""The return-to-work dashboard and its CSV, on the hand-counted week of tests/stats_scene.py."""

import csv
import io

from marketplace.models import Role
from marketplace.web.downloads import neutralise
from tests.factories import PASSWORD
from tests.stats_scene import FIRST, LAST

WINDOW = f"first_day={FIRST.isoformat()}&last_day={LAST.isoformat()}"


def test_a_moderator_sees_the_association_s_week_with_its_charts(client, login, scene):
    login(scene["moderator"].mobile, PASSWORD)
    page = client.get(f"/association/dashboard?{WINDOW}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("<svg") == 4
    assert scene["a"].name in html
    assert "<dd>40%</dd>" in html  # fill rate: 4 of 10 places
    assert "<dd>4.5</dd>" in html  # median hours to fill
    assert "Weaving, dyeing and finishing" in html and "Garments" in html  # industry bars


def test_the_csv_has_the_same_figures_with_headers_in_the_reader_s_language(client, login, scene):
    login(scene["moderator"].mobile, PASSWORD)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    response = client.get(f"/association/dashboard.csv?{WINDOW}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header, total = rows[0], rows[1]
    assert header[:4] == ["分组", "取值", "发布班次", "发布岗位"]
    assert dict(zip(header, total, strict=True))["发布岗位"] == "10"
    days = [row[1] for row in rows if row[0] == "日期"]
    assert (days[0], days[-1], len(days)) == ("2026-03-02", "2026-03-08", 7)


def test_admins_see_the_city_and_other_moderators_are_refused(client, login, scene, make_user):
    login(scene["admin"].mobile, PASSWORD)
    html = client.get(f"/association/dashboard?{WINDOW}").get_data(as_text=True)
    assert "The whole city" in html
    chosen = client.get(f"/association/dashboard?association={scene['a'].id}&{WINDOW}")
    assert f'<option value="{scene["a"].id}" selected>' in chosen.get_data(as_text=True)
    assert "<dd>40%</dd>" in chosen.get_data(as_text=True)  # association A's fill rate
    client.get("/auth/logout")
    other = make_user(Role.MODERATOR, association=scene["b"])
    login(other.mobile, PASSWORD)
    refused = client.get(f"/association/dashboard?association={scene['a'].id}&{WINDOW}")
    assert refused.status_code == 403
    assert client.get(f"/association/dashboard.csv?association={scene['a'].id}").status_code == 403


def test_a_worker_may_not_open_the_dashboard(client, login, scene, make_worker):
    worker = make_worker()
    login(worker.user.mobile, PASSWORD)
    assert client.get("/association/dashboard").status_code == 403


def test_a_reversed_window_is_explained_beside_the_field(client, login, scene):
    login(scene["moderator"].mobile, PASSWORD)
    page = client.get(f"/association/dashboard?first_day={LAST}&last_day={FIRST}")
    assert page.status_code == 422
    assert "The last day must not be before the first." in page.get_data(as_text=True)
    malformed = client.get("/association/dashboard?first_day=2026-02-30")
    assert malformed.status_code == 422


def test_exported_text_that_a_spreadsheet_would_run_is_neutralised():
    assert neutralise('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert [neutralise(v) for v in ("+1", "-2", "@SUM(A1)", "\tx")] == [
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
    ]
    assert (neutralise("越城区"), neutralise(-2), neutralise(3.5)) == ("越城区", -2, 3.5)


def test_a_reversed_window_downloads_nothing(client, login, scene):
    login(scene["moderator"].mobile, PASSWORD)
    response = client.get(f"/association/dashboard.csv?first_day={LAST}&last_day={FIRST}")
    assert response.status_code == 422 and response.mimetype == "text/html"
