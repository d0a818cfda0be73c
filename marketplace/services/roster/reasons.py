"""Why a roster row or file was refused, in words: the report keeps codes, these translate them."""

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..notify.kinds import PROFILE_FIELD_LABELS
from .xlsx import CELL_MAX_CHARS, ROW_MAX_CHARS

ROW_REASONS = {
    "name_missing": _l("The name is missing."),
    "name_long": _l("The name is longer than %(n)d characters."),
    "mobile_missing": _l("The mobile number is missing."),
    "national_id_missing": _l("The ID number is missing."),
    "kind_missing": _l("The kind is missing."),
    "kind_unknown": _l(
        "Unknown kind “%(value)s”: use idle employee, cross-industry, retiree, volunteer or expert."
    ),
    "skill_unknown": _l("Unknown skill “%(skill)s”."),
    "skill_level_missing": _l("Give a level from 1 to 5 for “%(skill)s”, as in 织机操作:3."),
    "skill_level": _l("The level of “%(skill)s” is %(level)s: levels go from 1 to 5."),
    "skill_twice": _l("“%(skill)s” is listed twice."),
    "district_unknown": _l("Unknown district “%(value)s”."),
    "coordinates": _l("Give a latitude from -90 to 90 and a longitude from -180 to 180."),
    "home_missing": _l("Give a district or coordinates."),
    "lender_not_member": _l("The lender is not a member factory of this association."),
    "lender_elsewhere": _l("A factory imports its own staff: leave the lender empty."),
    "lender_not_idle": _l("Only an idle employee has a lender."),
    "lender_missing": _l("An idle employee needs their lender's credit code."),
    "lender_unusable": _l("The lender is rejected or suspended."),
    "duplicate": _l("The same mobile or ID number is already in row %(row)d."),
    "mobile_staff": _l("This mobile number belongs to a staff account, not a worker."),
    "mobile_id_mismatch": _l("The mobile number and the ID number belong to different workers."),
    "no_profile": _l("This account has no worker profile."),
    "id_differs": _l("This worker is registered with another ID number."),
    "worker_elsewhere": _l("This worker is lent by a factory you do not act for."),
    "lender_locked": _l(
        "This worker has a lending agreement that has not ended; their lender cannot change."
    ),
    "worker_unrelated": _l(
        "This mobile or ID number belongs to a registered worker who is not one of your staff:"
        " an import cannot change their record."
    ),
    "field_fixed": _l("An import of yours cannot change this worker's %(fields)s."),
    "skill_verified": _l(
        "A skill level an association verified can be changed only by that association."
    ),
}
# Messages of the identifier checks (identifiers.py), kept as their English text.
_IDENTIFIER_FIELDS = {
    "mobile": _l("Mobile number"),
    "national_id": _l("ID number"),
    "lender": _l("Lender's credit code"),
}

FILE_REASONS = {
    "empty_file": _l("The file is empty."),
    "too_large": _l("The file is larger than %(mb)d MiB."),
    "not_xlsx": _l("This file is not an XLSX workbook: save it as .xlsx or as CSV."),
    "not_csv": _l("This file is a workbook, not CSV: name it .xlsx."),
    "binary": _l("This is not a CSV text file."),
    "encoding": _l("The CSV file must be in UTF-8 or GB18030."),
    "too_large_unpacked": _l("The workbook unpacks to too much data."),
    "cell_too_long": _l("A cell holds more than %(n)d characters: no roster cell is that long."),
    "row_too_long": _l("A row holds more than %(n)d characters: no roster row is that long."),
    "unreadable": _l("The file cannot be read."),
    "empty": _l("The file has no rows."),
    "too_many_rows": _l("The file has more than %(n)d rows; split it."),
    "missing_columns": _l("Columns missing: %(columns)s. Start from the template."),
    "header": _l("The first row does not name the required columns. Start from the template."),
    "conflict": _l("Someone registered one of these numbers meanwhile; import the file again."),
    "unexpected": _l("The import failed unexpectedly; try again."),
    "lost": _l("The import stopped; try again."),
}


def row_reason(code: str, params: dict) -> str:
    """One problem of a row, in the reader's language."""
    if code in _IDENTIFIER_FIELDS:
        return f"{_IDENTIFIER_FIELDS[code]}: {gettext(params.get('detail', ''))}"
    message = ROW_REASONS.get(code)
    if message is None:
        return code
    if "fields" in params:
        labels = (PROFILE_FIELD_LABELS.get(f, f) for f in params["fields"])
        params = {**params, "fields": gettext(", ").join(str(label) for label in labels)}
    return str(message) % params


def _limits(code: str) -> dict:
    """The parameters a file reason takes from the limits, for a code stored without them.

    An import refused by its job keeps only the code (roster_imports.error); its page has
    to show the number all the same.
    """
    config = current_app.config
    limits = {
        "too_large": {"mb": config["ROSTER_MAX_BYTES"] // (1024 * 1024)},
        "too_many_rows": {"n": config["ROSTER_MAX_ROWS"]},
        "cell_too_long": {"n": CELL_MAX_CHARS},
        "row_too_long": {"n": ROW_MAX_CHARS},
    }
    return limits.get(code, {})


def file_reason(code: str, params: dict | None = None) -> str:
    """Why the whole file was refused, in the reader's language; every placeholder filled."""
    params = {**_limits(code), **(params or {})}
    if code == "missing_columns" and not params.get("columns"):
        code = "header"  # the columns were not kept: say so without naming them
    elif "columns" in params:
        from .file import COLUMNS

        params["columns"] = ", ".join(str(COLUMNS[c]) for c in params["columns"])
    message = FILE_REASONS.get(code, FILE_REASONS["unexpected"])
    return str(message) % params
