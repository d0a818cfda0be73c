"""Workbooks for roster imports: the blank template, and generated rosters for tests and timing."""

import csv
import io
import random

from flask_babel import gettext as _
from openpyxl import Workbook
from stdnum.cn import ric

from ...labels import KIND_LABELS
from ..organisations import reference
from .file import COLUMNS

FIELDS = tuple(COLUMNS)


def headers() -> list[str]:
    """The column headers in the reader's language."""
    return [str(COLUMNS[f]) for f in FIELDS]


def template_workbook() -> bytes:
    """An XLSX with the headers on its first sheet and the accepted values on a second."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Roster"))
    sheet.append(headers())
    guide = book.create_sheet(_("Accepted values"))
    guide.append([str(COLUMNS["kind"])])
    for label in KIND_LABELS.values():
        guide.append([str(label)])
    guide.append([])
    guide.append([str(COLUMNS["skills"]), _("Code"), _("Levels 1 to 5, e.g. 织机操作:3; 验布:2")])
    for skill in reference.skills():
        guide.append([skill.name_zh, skill.code, skill.name_en])
    guide.append([])
    guide.append([str(COLUMNS["district"]), _("Code")])
    for district in reference.districts():
        guide.append([district.name, district.code, district.name_en])
    return _saved(book)


def _saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sample_rows(count: int, *, skills, districts, lender_uscc: str = "", seed: int = 2020):
    """`count` valid rows (field -> text) with distinct mobiles and ID numbers."""
    rng = random.Random(seed)
    kinds = ("idle_employee", "cross_industry", "retiree", "volunteer", "expert")
    for n in range(count):
        body = f"330602{1984 + n % 20}{1 + n % 12:02d}{1 + n % 28:02d}{n // 420:03d}"
        kind = kinds[n % 5] if lender_uscc else kinds[1 + n % 4]
        chosen = rng.sample(skills, k=min(2, len(skills)))
        yield {
            "name": f"测试{n:05d}",
            "mobile": f"135{n:08d}",  # the demo data uses 136 to 139
            "national_id": body + ric.calc_check_digit(body + "0"),
            "kind": kind,
            "skills": "; ".join(f"{s}:{rng.randint(1, 5)}" for s in chosen),
            "district": rng.choice(districts),
            "lender": lender_uscc if kind == "idle_employee" else "",
        }


def rows_to_xlsx(rows, header: list[str] | None = None) -> bytes:
    """Rows (field -> text) as an XLSX with the given (or the reader's) headers."""
    # Not write-only: that mode stores inline strings, which read several times slower
    # than the shared strings Excel and WPS write; the timing should be of a real file.
    book = Workbook()
    sheet = book.active
    sheet.append(header or headers())
    for row in rows:
        sheet.append([row.get(f, "") for f in FIELDS])
    return _saved(book)


def rows_to_csv(rows, header: list[str] | None = None, encoding: str = "utf-8-sig") -> bytes:
    """Rows (field -> text) as CSV text in the given encoding."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header or headers())
    writer.writerows([row.get(f, "") for f in FIELDS] for row in rows)
    return out.getvalue().encode(encoding)
