"""A roster refused by its import shows why, numbers filled in, in the reader's language."""

from tests import roster_hostile
from tests.roster_helpers import generated, rows_to_csv
from tests.web.test_roster_pages import _as, _upload


def test_a_file_over_the_row_cap_shows_the_cap(app, client, login, roster_scene):
    app.config["ROSTER_MAX_ROWS"] = 3
    _as(client, login, roster_scene["moderator"])
    csv = rows_to_csv(generated(roster_scene, 5))
    response = _upload(client, "/association/rosters", csv, "roster.csv")
    page = client.get(response.location).get_data(as_text=True)
    assert "The file has more than 3 rows; split it." in page
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    page = client.get(response.location).get_data(as_text=True)
    assert "文件超过 3 行" in page and "%(" not in page


def test_a_huge_cell_is_refused_on_the_upload_page(client, login, roster_scene):
    _as(client, login, roster_scene["owner"])
    hostile = roster_hostile.workbook(240 * 1024 * 1024)
    page = _upload(client, "/factory/rosters", hostile).get_data(as_text=True)
    assert "A cell holds more than 1000 characters" in page
