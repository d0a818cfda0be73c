"""One roster row, checked against reference data loaded beforehand: no query per row.

A row's problems are codes with parameters (see roster_reasons.py), so that the report is
written once and read in whoever's language opens it.
"""

import math
import re
from dataclasses import dataclass, field

from flask_babel import force_locale

from ...identifiers import IdentifierError, normalise_mobile, normalise_national_id, normalise_uscc
from ...models import WorkerKind

NAME_MAX = 80
_SKILL_SEPARATORS = re.compile(r"[;；,，、\n]+")
_LEVEL_SEPARATORS = re.compile(r"[:：=]")


@dataclass(frozen=True)
class Place:
    id: int
    lat: float
    lon: float


@dataclass(frozen=True)
class Lender:
    id: int
    usable: bool  # not rejected or suspended


@dataclass
class Lookups:
    """What rows are checked against, each keyed by the text a person may write."""

    kinds: dict[str, WorkerKind]
    skills: dict[str, int]
    districts: dict[str, Place]
    lenders: dict[str, Lender]  # the factories the importer may name, by credit code
    own_factory: Lender | None = None  # a factory's own upload


@dataclass(slots=True)
class Row:
    """A checked row: normalised values, or the problems that refuse it."""

    number: int
    name: str = ""
    mobile: str | None = None
    national_id: str | None = None
    kind: WorkerKind | None = None
    skills: dict[int, int] = field(default_factory=dict)
    district_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    lender_id: int | None = None
    problems: list = field(default_factory=list)

    def refuse(self, code: str, **params) -> None:
        self.problems.append([code, params])


def key(text: str) -> str:
    """How names are compared: case and spacing do not matter."""
    return " ".join(text.split()).casefold()


def check_row(number: int, values: dict[str, str], lookups: Lookups) -> Row:
    """Parse and check one row's cells (field name -> text)."""
    row = Row(number)
    _name(row, values.get("name", ""))
    row.mobile = _identifier(row, "mobile", values.get("mobile", ""), normalise_mobile)
    if values.get("national_id"):
        row.national_id = _identifier(
            row, "national_id", values["national_id"], normalise_national_id
        )
    _kind(row, values.get("kind", ""), lookups)
    _skills(row, values.get("skills", ""), lookups)
    _home(row, values, lookups)
    _lender(row, values.get("lender", ""), lookups)
    return row


def _name(row: Row, text: str) -> None:
    if not text:
        row.refuse("name_missing")
    elif len(text) > NAME_MAX:
        row.refuse("name_long", n=NAME_MAX)
    row.name = text[:NAME_MAX]


def _identifier(row: Row, field_name: str, text: str, normalise) -> str | None:
    if not text:
        row.refuse(f"{field_name}_missing")
        return None
    try:
        return normalise(text)
    except IdentifierError as exc:
        # The message's English text is its catalogue key: the report translates it later.
        with force_locale("en"):
            row.refuse(field_name, detail=str(exc.message))
        return None


def _kind(row: Row, text: str, lookups: Lookups) -> None:
    if not text:
        row.refuse("kind_missing")
        return
    row.kind = lookups.kinds.get(key(text))
    if row.kind is None:
        row.refuse("kind_unknown", value=text[:40])


def parse_skill_list(text: str) -> list[tuple[str, str | None]]:
    """'挡车工:3; 缝纫:2' -> [('挡车工', '3'), ('缝纫', '2')]; a missing level is None."""
    items = []
    for part in _SKILL_SEPARATORS.split(text):
        if not part.strip():
            continue
        pieces = _LEVEL_SEPARATORS.split(part)
        level = pieces[-1].strip() if len(pieces) > 1 else None
        items.append((":".join(pieces[:-1] if len(pieces) > 1 else pieces).strip(), level))
    return items


def _skills(row: Row, text: str, lookups: Lookups) -> None:
    for name, level_text in parse_skill_list(text):
        skill_id = lookups.skills.get(key(name))
        if skill_id is None:
            row.refuse("skill_unknown", skill=name[:40])
            continue
        if level_text is None:
            row.refuse("skill_level_missing", skill=name[:40])
            continue
        level = int(level_text) if level_text.isdecimal() else None
        if level is None or not 1 <= level <= 5:
            row.refuse("skill_level", skill=name[:40], level=level_text[:10])
        elif skill_id in row.skills:
            row.refuse("skill_twice", skill=name[:40])
        else:
            row.skills[skill_id] = level


def _coordinate(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _home(row: Row, values: dict[str, str], lookups: Lookups) -> None:
    district_text, lat_text, lon_text = (values.get(k, "") for k in ("district", "lat", "lon"))
    place = None
    if district_text:
        place = lookups.districts.get(key(district_text))
        if place is None:
            row.refuse("district_unknown", value=district_text[:40])
            return
        row.district_id, row.lat, row.lon = place.id, place.lat, place.lon
    if lat_text or lon_text:
        lat, lon = _coordinate(lat_text), _coordinate(lon_text)
        if lat is None or lon is None or not -90 <= lat <= 90 or not -180 <= lon <= 180:
            row.refuse("coordinates")
            return
        row.lat, row.lon = lat, lon
    elif place is None:
        row.refuse("home_missing")


def _lender(row: Row, text: str, lookups: Lookups) -> None:
    lender = None
    if text:
        try:
            code = normalise_uscc(text)
        except IdentifierError as exc:
            with force_locale("en"):
                row.refuse("lender", detail=str(exc.message))
            return
        lender = lookups.lenders.get(code)
        if lender is None:
            row.refuse("lender_elsewhere" if lookups.own_factory else "lender_not_member")
            return
    if row.kind is None:
        return
    if row.kind != WorkerKind.IDLE_EMPLOYEE:
        if text:
            row.refuse("lender_not_idle")
        return
    lender = lender or lookups.own_factory
    if lender is None:
        row.refuse("lender_missing")
    elif not lender.usable:
        row.refuse("lender_unusable")
    else:
        row.lender_id = lender.id
