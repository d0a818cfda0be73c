"""Spreadsheet downloads: the right rows for the right people, headers in the reader's
language, and nothing a spreadsheet would run as a formula."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from marketplace.extensions import db
from marketplace.models import Application, ApplicationStatus, Assignment, Role
from tests.factories import PASSWORD
from tests.helpers import owner

FORMULA = '=HYPERLINK("http://example.org","点我")'


@pytest.fixture
def worked(make_factory, make_shift, make_worker):
    """A shift yesterday with a formula for a title, and one worker who did 7.5 hours."""
    factory = make_factory()
    shift = make_shift(factory=factory, starts_in_hours=-30, title=FORMULA)
    worker = make_worker(name="-王阿姨")
    application = Application(
        shift_id=shift.id, worker_id=worker.id, status=ApplicationStatus.COMPLETED
    )
    db.session.add(application)
    db.session.flush()
    db.session.add(
        Assignment(
            application_id=application.id,
            shift_id=shift.id,
            worker_id=worker.id,
            checked_in_at=shift.starts_at,
            checked_out_at=shift.ends_at,
            hours=Decimal("7.50"),
        )
    )
    db.session.commit()
    return factory


def _sheet(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data)).active


def test_a_factory_downloads_its_shifts_as_xlsx_with_text_kept_as_text(client, login, worked):
    login(owner(worked).mobile, PASSWORD)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    sheet = _sheet(client.get("/factory/export/shifts.xlsx"))
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["班次", "标题", "厂区"]
    title = sheet.cell(row=2, column=2)
    assert title.value == FORMULA and title.data_type == "s"  # text, not a formula
    assert sheet.max_row == 2


def test_placements_as_csv_neutralise_what_would_run(client, login, worked):
    login(owner(worked).mobile, PASSWORD)
    response = client.get("/factory/export/placements.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Title"] == "'" + FORMULA
    assert row["Worker"] == "'-王阿姨"
    assert (row["Hours"], row["Status"]) == ("7.50", "Completed")
    assert len(rows) == 2


def test_the_settlement_downloads_as_xlsx(client, login, worked):
    login(owner(worked).mobile, PASSWORD)
    sheet = _sheet(client.get("/factory/export/settlement.xlsx"))
    assert [cell.value for cell in sheet[1]][:2] == ["Agreement", "Worker"]


def test_other_factories_and_workers_get_nothing(client, login, worked, make_factory, make_user):
    other = make_factory()
    login(owner(other).mobile, PASSWORD)
    for what in ("shifts", "placements", "settlement"):
        response = client.get(f"/factory/export/{what}.xlsx?factory={worked.id}")
        assert response.status_code == 403
    client.get("/auth/logout")
    login(make_user(Role.WORKER).mobile, PASSWORD)
    assert client.get("/factory/export/shifts.csv").status_code == 403


def test_an_unknown_format_is_not_found(client, login, worked):
    login(owner(worked).mobile, PASSWORD)
    assert client.get("/factory/export/shifts.pdf").status_code == 404


def test_an_association_s_moderators_download_its_placements_and_others_may_not(
    client, login, worked, moderator_of, make_user, make_association
):
    login(moderator_of(worked).mobile, PASSWORD)
    sheet = _sheet(client.get("/association/export/placements.xlsx"))
    assert [row[5].value for row in sheet.iter_rows(min_row=2)] == ["-王阿姨"]
    assert sheet.cell(row=2, column=11).value == 7.5
    client.get("/auth/logout")
    stranger = make_user(Role.MODERATOR, association=make_association())
    login(stranger.mobile, PASSWORD)
    own = _sheet(client.get("/association/export/placements.xlsx"))
    assert own.max_row == 1  # the header only: their association placed nobody
    refused = client.get(f"/association/export/placements.csv?association={worked.association_id}")
    assert refused.status_code == 403
