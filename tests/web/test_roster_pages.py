"""Roster import pages: upload, progress and report, invitation links, the invitation page."""

import csv
import io
import re

import sqlalchemy as sa
from openpyxl import load_workbook

from marketplace.extensions import db
from marketplace.models import Role, RosterImport
from tests.conftest import IsolatedClient, csrf_from
from tests.factories import PASSWORD
from tests.roster_helpers import generated, rows_to_csv, rows_to_xlsx
from tests.web.test_page_languages import english_words, unlabelled_controls


def _upload(client, url, data: bytes, filename="roster.xlsx"):
    page = client.get(url).get_data(as_text=True)
    return client.post(
        url,
        data={"csrf_token": csrf_from(page), "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def _as(client, login, user):
    login(user.mobile.removeprefix("+86"), PASSWORD)
    return client


def test_a_moderator_uploads_and_reads_the_report(client, login, roster_scene):
    _as(client, login, roster_scene["moderator"])
    response = _upload(client, "/association/rosters", rows_to_xlsx(generated(roster_scene, 5)))
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Imported" in page and "135****0004" in page and "13500000004" not in page
    assert "SMS gateway" in page
    assert "Import staff" in client.get("/association/rosters").get_data(as_text=True)


def test_invitation_links_download_and_set_a_password_once(client, login, roster_scene):
    _as(client, login, roster_scene["moderator"])
    location = _upload(
        client, "/association/rosters", rows_to_csv(generated(roster_scene, 2)), "r.csv"
    ).location
    page = client.get(location).get_data(as_text=True)
    response = client.post(f"{location}/invitations.csv", data={"csrf_token": csrf_from(page)})
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Name", "Mobile number", "Invitation link", "Valid until"]
    link = re.sub(r"^https?://[^/]+", "", rows[1][2])
    client.post("/auth/logout", data={"csrf_token": csrf_from(page)})
    invite = client.get(link)
    assert invite.status_code == 200 and invite.headers["Referrer-Policy"] == "no-referrer"
    token = csrf_from(invite.get_data(as_text=True))
    data = {"csrf_token": token, "password": PASSWORD, "confirm": PASSWORD}
    assert client.post(link, data=data).location.endswith("/auth/login")
    assert client.get(link).status_code == 409
    assert login(rows[1][1], PASSWORD).status_code == 302


def test_a_renamed_file_and_an_oversized_one_are_refused_nicely(app, client, login, roster_scene):
    _as(client, login, roster_scene["moderator"])
    response = _upload(client, "/association/rosters", b"name,mobile\nx,y\n", "roster.xlsx")
    assert response.status_code == 422
    assert "not an XLSX workbook" in response.get_data(as_text=True)
    app.config["ROSTER_MAX_BYTES"] = 1024
    response = _upload(client, "/association/rosters", b"x" * 200_000, "roster.csv")
    assert response.status_code == 303
    assert "larger than" in client.get(response.location).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(RosterImport.id))) == 0


def test_a_factory_owner_imports_their_own_staff(client, login, roster_scene):
    _as(client, login, roster_scene["owner"])
    assert "Import idle staff" in client.get("/factory/").get_data(as_text=True)
    rows = generated(roster_scene, 3)
    response = _upload(client, "/factory/rosters", rows_to_csv(rows), "r.csv")
    assert response.status_code == 302
    assert "Imported" in client.get(response.location).get_data(as_text=True)


def test_outsiders_get_403(client, login, roster_scene, make_user, make_association, make_worker):
    _as(client, login, roster_scene["moderator"])
    location = _upload(
        client, "/association/rosters", rows_to_csv(generated(roster_scene, 1)), "r.csv"
    ).location
    for user in (make_user(Role.MODERATOR, association=make_association()), make_worker().user):
        other = client.application.test_client()
        other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        page = other.get("/auth/login").get_data(as_text=True)
        other.post(
            "/auth/login",
            data={"csrf_token": csrf_from(page), "identifier": user.mobile, "password": PASSWORD},
        )
        assert other.get(location).status_code == 403
        assert other.get(f"{location}/report.csv").status_code == 403
    worker_client = other
    assert worker_client.get("/association/rosters").status_code in (403, 404)


def test_the_template_has_headers_in_the_readers_language(client, login, roster_scene):
    _as(client, login, roster_scene["moderator"])
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    book = load_workbook(io.BytesIO(client.get("/rosters/template.xlsx").data), read_only=True)
    header = next(book.worksheets[0].iter_rows(values_only=True))
    assert header[:3] == ("姓名", "手机号码", "身份证号码")


def test_roster_pages_are_all_chinese_and_labelled(app, roster_scene, login):
    app.test_client_class = IsolatedClient
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN,zh;q=0.9"
    page = client.get("/auth/login").get_data(as_text=True)
    client.post(
        "/auth/login",
        data={
            "csrf_token": csrf_from(page),
            "identifier": roster_scene["moderator"].mobile,
            "password": PASSWORD,
        },
    )
    rows = generated(roster_scene, 4)
    rows[1]["skills"] = "验布:9"
    rows[2]["mobile"] = "12345"
    refused = _upload(client, "/association/rosters", rows_to_csv(rows), "r.csv").location
    done = _upload(
        client, "/association/rosters", rows_to_csv(generated(roster_scene, 2)), "r.csv"
    ).location
    for url in ("/association/rosters", refused, done, "/factory/rosters"):
        response = client.get(url)
        if response.status_code != 200:
            continue
        html = response.get_data(as_text=True)
        assert english_words(html) == set(), url
        assert unlabelled_controls(html) == [], url
