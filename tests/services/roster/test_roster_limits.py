"""Roster files read as a stream: a hostile cell, row or tag is refused without being held,
and every reason shown for a refused file has its numbers filled in."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from marketplace.errors import Invalid
from marketplace.models import ImportStatus, WorkerProfile
from marketplace.services.roster import imports as roster
from marketplace.services.roster.file import read_table
from marketplace.services.roster.reasons import FILE_REASONS, ROW_REASONS, file_reason, row_reason
from marketplace.services.roster.xlsx import CELL_MAX_CHARS, ROW_MAX_CHARS
from tests import roster_hostile
from tests.roster_helpers import generated, rows_to_csv

HUGE = 240 * 1024 * 1024  # under the unpack cap, as in the probe's 253 KB workbook
PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")
TRANSLATIONS = Path(__file__).resolve().parents[3] / "marketplace" / "translations"


def _import(scene, data: bytes, filename="roster.xlsx"):
    return roster.start_import(
        scene["moderator"], filename, data, association_id=scene["association"].id
    )


def test_the_hostile_workbook_is_small_and_unpacks_under_the_cap():
    data = roster_hostile.workbook(HUGE)
    assert len(data) < 1024 * 1024
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sum(i.file_size for i in archive.infolist()) < 256 * 1024 * 1024


def test_a_240_mb_shared_string_is_refused_at_upload(app, roster_scene):
    with pytest.raises(Invalid) as refused:
        _import(roster_scene, roster_hostile.workbook(HUGE))
    assert str(refused.value.message) == file_reason("cell_too_long")
    assert f"{CELL_MAX_CHARS}" in str(refused.value.message)


# Past the first chunk the upload reads: the job meets the cell.
def test_a_240_mb_inline_cell_is_refused_by_the_import(app, roster_scene):
    job = _import(roster_scene, roster_hostile.workbook(HUGE, where="inline", rows=1000))
    assert (job.status, job.error) == (ImportStatus.REFUSED, "cell_too_long")
    assert f"{CELL_MAX_CHARS}" in roster.failure_message(job)
    assert roster.db.session.query(WorkerProfile).count() == 0


def test_a_plain_hostile_size_workbook_imports(app, roster_scene):
    job = _import(roster_scene, roster_hostile.workbook(0, rows=3))
    assert (job.status, job.created_count) == (ImportStatus.DONE, 3), job.report


def test_a_row_of_many_long_cells_is_refused():
    cell = "x" * (CELL_MAX_CHARS - 1)
    cells = ",".join([cell] * (ROW_MAX_CHARS // CELL_MAX_CHARS + 1))
    data = f"name,mobile,kind\n{cells}\n".encode()
    with pytest.raises(Exception) as refused:
        read_table(data, "csv", 10)
    assert (refused.value.code, refused.value.params) == ("row_too_long", {"n": ROW_MAX_CHARS})


def test_a_long_csv_cell_is_refused(app, roster_scene):
    data = (
        "姓名,手机号码,人员类型\n" + "张" * (CELL_MAX_CHARS + 1) + ",13900000001,退休\n"
    ).encode()
    job = _import(roster_scene, data, "roster.csv")
    assert (job.status, job.error) == (ImportStatus.REFUSED, "cell_too_long")


@pytest.mark.parametrize(
    "sheet",
    [
        b'<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet><sheetData/></worksheet>',
        b'<worksheet><sheetData><row r="1"><c r="A1" t="' + b"s" * 2_000_000 + b'"/>',
        b"<worksheet><!--" + b"-" * 2_000_000,
    ],
    ids=["doctype", "huge attribute", "huge comment"],
)
def test_a_hostile_sheet_part_is_unreadable(sheet):
    out = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(roster_hostile.workbook(0)))
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            body = sheet if info.filename.endswith("sheet1.xml") else source.read(info)
            archive.writestr(info.filename, body)
    with pytest.raises(Exception) as refused:
        read_table(out.getvalue(), "xlsx", 10)
    assert refused.value.code == "unreadable"


# Every message shown for a refused file or row, with the parameters the code passes.
def _sample(message: str) -> dict:
    return {name: 7 if kind == "d" else "x" for name, kind in PLACEHOLDER.findall(message)}


@pytest.mark.parametrize("locale", ["zh_Hans_CN", "en"])
def test_every_file_reason_is_shown_filled_in(app, locale):
    with app.test_request_context(), force_locale(locale):
        for code in FILE_REASONS:
            # A refused import keeps only its code: the page must still fill the message.
            for params in ({}, {"columns": ["mobile"]} if code == "missing_columns" else {}):
                text = file_reason(code, params)
                assert "%(" not in text and "%" not in text.replace("%%", ""), (code, text)
        app.config["ROSTER_MAX_ROWS"] = 1234
        assert "1234" in file_reason("too_many_rows")


@pytest.mark.parametrize("locale", ["zh_Hans_CN", "en"])
def test_every_row_reason_is_shown_filled_in(app, locale):
    with app.test_request_context(), force_locale(locale):
        for code, message in ROW_REASONS.items():
            with force_locale("en"):
                params = _sample(str(message))
            text = row_reason(code, params)
            assert "%(" not in text, (code, text)


@pytest.mark.parametrize("locale", ["zh_Hans_CN", "en"])
def test_translations_keep_the_placeholders_of_their_message(locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalogue = read_po(po)
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = {name for text in ids for name, _kind in PLACEHOLDER.findall(text)}
        for text in strings:
            if text:
                assert {name for name, _kind in PLACEHOLDER.findall(text)} <= wanted, (
                    message.id,
                    text,
                )


def test_the_row_cap_is_counted_from_the_rows(app, roster_scene):
    app.config["ROSTER_MAX_ROWS"] = 3
    job = _import(roster_scene, rows_to_csv(generated(roster_scene, 5)), "r.csv")
    assert (job.status, job.error) == (ImportStatus.REFUSED, "too_many_rows")
    with force_locale("en"):
        assert roster.failure_message(job) == "The file has more than 3 rows; split it."
