"""Spreadsheet downloads (CSV and XLSX) that open as plain data, never as formulas.

A cell starting with = + - @ is a formula (or a DDE call) to Excel and LibreOffice; a name
or a note typed by a user must not become one in the association's office. CSV has no cell
types, so such text gets a leading apostrophe; XLSX cells are written typed as text.
"""

import csv
import io
from datetime import datetime
from decimal import Decimal

from flask import Response
from flask_babel import to_user_timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def neutralise(value):
    """Text that a spreadsheet would run is prefixed with an apostrophe; numbers pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _local(value):
    # Times are stored in UTC and read in Shaoxing; spreadsheets have no time zones.
    if isinstance(value, datetime):
        return to_user_timezone(value).replace(tzinfo=None)
    return value


def _attachment(body, fmt: str, stem: str) -> Response:
    return Response(
        body,
        mimetype=FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'},
    )


def csv_response(filename: str, header: list, rows) -> Response:
    """A UTF-8 CSV with a byte-order mark, so that Excel reads the Chinese headers right."""
    stem, _, fmt = filename.rpartition(".")
    return _attachment(_csv_body(header, rows), fmt or "csv", stem)


def _csv_body(header: list, rows) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([neutralise(str(h)) for h in header])
    for row in rows:
        cells = (_local(cell) for cell in row)
        writer.writerow(
            [
                neutralise(c.strftime("%Y-%m-%d %H:%M") if isinstance(c, datetime) else c)
                for c in cells
            ]
        )
    return out.getvalue()


def _xlsx_body(header: list, rows, title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])  # Excel's limit on a sheet's name
    bold = Font(bold=True)
    sheet.append([_text_cell(sheet, str(h), font=bold) for h in header])
    for row in rows:
        sheet.append([_cell(sheet, _local(value)) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _text_cell(sheet, text: str, font=None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # typed as text: openpyxl would otherwise store "=..." as a formula
    if font is not None:
        cell.font = font
    return cell


def _cell(sheet, value) -> WriteOnlyCell:
    if isinstance(value, str):
        return _text_cell(sheet, value)
    cell = WriteOnlyCell(sheet, value=float(value) if isinstance(value, Decimal) else value)
    if isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    return cell


def table_response(fmt: str, stem: str, header: list, rows, title: str = "data") -> Response:
    """The table as a CSV or XLSX download named stem.fmt."""
    rows = list(rows)
    if fmt == "xlsx":
        return _attachment(_xlsx_body(header, rows, title), fmt, stem)
    return _attachment(_csv_body(header, rows), "csv", stem)
