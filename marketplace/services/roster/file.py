"""Reading an uploaded roster: the file's type from its content, then its header and rows.

No database here. An XLSX is read as a stream (roster_xlsx.py), cells as text and a formula
as the text of the formula, never its result. A CSV must decode as UTF-8 (with or without a
byte-order mark) or GB18030 and hold no NUL byte. Both are held to the same limits: a cell of
at most CELL_MAX_CHARS, a row of at most ROW_MAX_CHARS, the first COLUMNS_MAX columns kept.
"""

import csv
import io
import zipfile
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from .xlsx import CELL_MAX_CHARS, COLUMNS_MAX, PART_MAX_BYTES, ROW_MAX_CHARS, FileRefused, xlsx_rows

XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
# A workbook that unpacks to more than this is a zip bomb, not a roster.
XLSX_MAX_UNPACKED = PART_MAX_BYTES

COLUMNS = {
    "name": _l("Name"),
    "mobile": _l("Mobile number"),
    "national_id": _l("ID number"),
    "kind": _l("Kind"),
    "skills": _l("Skills and levels"),
    "district": _l("District"),
    "lat": _l("Latitude"),
    "lon": _l("Longitude"),
    "lender": _l("Lender's credit code"),
}
REQUIRED_COLUMNS = ("name", "mobile", "kind")
# Headers people write by hand, besides the template's own (both languages).
ALIASES = {
    "name": ("姓名", "name"),
    "mobile": ("手机", "手机号", "手机号码", "mobile", "phone", "mobile number"),
    "national_id": ("身份证", "身份证号", "身份证号码", "id number", "national id", "national_id"),
    "kind": ("类型", "类别", "人员类型", "人员类别", "kind"),
    "skills": ("技能", "技能等级", "技能及等级", "skills"),
    "district": ("区县", "区县代码", "所在区县", "district"),
    "lat": ("纬度", "lat", "latitude"),
    "lon": ("经度", "lon", "lng", "longitude"),
    "lender": ("出借企业", "出借单位", "出借企业信用代码", "lender", "lender uscc"),
}


def sniff(data: bytes, filename: str) -> str:
    """'xlsx' or 'csv', judged by the bytes; the name only has to agree with them."""
    name = (filename or "").lower()
    if _is_xlsx(data):
        if name.endswith(".csv"):
            raise FileRefused("not_csv")
        return "xlsx"
    if name.endswith((".xlsx", ".xlsm", ".xls")):
        raise FileRefused("not_xlsx")
    decode_csv(data)
    return "csv"


def _is_xlsx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return False
    if not all(part in names for part in XLSX_PARTS):
        return False
    if unpacked > XLSX_MAX_UNPACKED:
        raise FileRefused("too_large_unpacked")
    return True


def decode_csv(data: bytes) -> str:
    """The text of a CSV upload; FileRefused for binary data or an unknown encoding."""
    if b"\x00" in data:
        raise FileRefused("binary")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused("encoding")


def cell_text(value) -> str:
    """A cell as the text a person typed: whole numbers without '.0', dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def read_table(data: bytes, file_format: str, max_rows: int) -> tuple[list[str], list]:
    """The header and the (row number, cells) of every non-empty row after it."""
    header: list[str] | None = None
    body = []
    for number, texts in _rows(data, file_format):
        if header is None:
            header = texts
            continue
        if len(body) >= max_rows:
            raise FileRefused("too_many_rows", n=max_rows)
        body.append((number, texts))
    if header is None:
        raise FileRefused("empty")
    return header, body


def _rows(data: bytes, file_format: str):
    """(row number, cell texts) of each row holding any text, within the limits."""
    if file_format == "xlsx":
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise FileRefused("unreadable") from exc
        with archive:
            yield from xlsx_rows(archive)
        return
    for number, cells in enumerate(_csv_rows(data), start=1):
        texts = [cell_text(c) for c in cells]
        if sum(map(len, texts)) > ROW_MAX_CHARS:
            raise FileRefused("row_too_long", n=ROW_MAX_CHARS)
        if any(len(t) > CELL_MAX_CHARS for t in texts):
            raise FileRefused("cell_too_long", n=CELL_MAX_CHARS)
        del texts[COLUMNS_MAX:]
        if any(texts):
            yield number, texts


def _csv_rows(data: bytes):
    text = decode_csv(data)
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise FileRefused("unreadable") from exc


def _key(text: str) -> str:
    return " ".join(text.replace("*", "").replace("_", " ").split()).casefold()


def header_names(languages) -> dict[str, str]:
    """Every header text we recognise (template labels in each language, and aliases)."""
    known = {_key(alias): field for field, aliases in ALIASES.items() for alias in aliases}
    known[_key("national id")] = "national_id"
    for language in languages:
        with force_locale(language):
            known.update({_key(str(label)): field for field, label in COLUMNS.items()})
    return known


def column_map(header: list[str], languages) -> dict[str, int]:
    """Field name -> column index; FileRefused when a required column is missing."""
    known = header_names(languages)
    found: dict[str, int] = {}
    for index, text in enumerate(header):
        field = known.get(_key(text))
        if field is not None and field not in found:
            found[field] = index
    missing = [f for f in REQUIRED_COLUMNS if f not in found]
    if missing:
        raise FileRefused("missing_columns", columns=missing)
    if ("lat" in found) != ("lon" in found):
        raise FileRefused("missing_columns", columns=["lon" if "lat" in found else "lat"])
    return found


def read_header(data: bytes, file_format: str) -> list[str]:
    """The first non-empty row, read without going through the rest of the file."""
    rows = _rows(data, file_format)
    try:
        for _number, texts in rows:
            return texts
    finally:
        rows.close()
    raise FileRefused("empty")
