"""CSV downloads that a spreadsheet opens as plain text, never as formulas."""

import csv
import io

from flask import Response

# A cell starting with one of these is a formula (or DDE) to Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text that a spreadsheet would run is prefixed with an apostrophe; numbers pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(filename: str, header: list[str], rows) -> Response:
    """A UTF-8 CSV with a byte-order mark, so that Excel reads the Chinese headers right."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([neutralise(str(h)) for h in header])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
