"""What input the app accepts at all, defined once for the API schemas, the web forms and the CLI.

Dates and times have a range for their meaning (a shift within a year from now, not long in
the past); text is valid Unicode without control characters; integers fit the database.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

# The widest integer every database column here holds (PostgreSQL's INTEGER).
INT_MAX = 2**31 - 1
# The last page number a list answers; beyond it no list here has rows.
PAGE_MAX = 100_000

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")  # the day a person means is a Shanghai day


@dataclass(frozen=True)
class Span:
    """How far before and after now a date or time of one meaning may lie."""

    past: timedelta
    ahead: timedelta

    def limits(self, now: datetime | None = None) -> tuple[datetime, datetime]:
        now = now or datetime.now(UTC)
        return now - self.past, now + self.ahead

    def day_limits(self, now: datetime | None = None) -> tuple[date, date]:
        earliest, latest = self.limits(now)
        return earliest.astimezone(LOCAL_ZONE).date(), latest.astimezone(LOCAL_ZONE).date()

    def contains(self, value: date | datetime) -> bool:
        if isinstance(value, datetime):
            earliest, latest = self.limits()
            return value.tzinfo is not None and earliest <= value <= latest
        earliest, latest = self.day_limits()
        return earliest <= value <= latest

    def contains_local_time(self, value: datetime) -> bool:
        """For a Shanghai wall-clock time (as a form gives it), compared without converting:
        0001-01-01 00:00 in Shanghai has no UTC time to convert to."""
        earliest, latest = (t.astimezone(LOCAL_ZONE).replace(tzinfo=None) for t in self.limits())
        return earliest <= value.replace(tzinfo=None) <= latest

    def describe(self) -> str:
        """For the API document: the range in days around the day of the request."""
        return f"From {self.past.days} days before to {self.ahead.days} days after now."

    def message(self):
        earliest, latest = self.day_limits()
        return _l(
            "Must be between %(earliest)s and %(latest)s.",
            earliest=earliest.isoformat(),
            latest=latest.isoformat(),
        )


DAY = timedelta(days=1)
YEAR = timedelta(days=366)
# Shifts, availability windows, training sessions, placement-run windows: planned work, so
# within a year from now and not long past (a shift edited on its own day).
SCHEDULE = Span(past=7 * DAY, ahead=YEAR)
# A lending agreement may record a term already begun and run for a few years.
AGREEMENT = Span(past=YEAR, ahead=3 * YEAR)
# A certificate's expiry: long-lived certificates exist; an expired one may be on record.
CERTIFICATE = Span(past=10 * YEAR, ahead=50 * YEAR)
# Days that only filter lists and figures: anything the app could have recorded.
FILTER = Span(past=30 * YEAR, ahead=5 * YEAR)
# A birth date: a person of working age or a retiree.
BIRTH = Span(past=120 * YEAR, ahead=timedelta(0))

# C0 controls but tab, newline and carriage return; DEL; C1 controls.
_MULTILINE_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SINGLE_LINE_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# The same rules as patterns for the API document (ECMA and Python read these escapes alike).
SINGLE_LINE_PATTERN = r"^[^\u0000-\u001f\u007f-\u009f]*$"
MULTILINE_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"


def text_problem(value: str, *, multiline: bool = False):
    """Why this text is refused (a translatable message), or None if it is acceptable."""
    if _SURROGATE.search(value):
        return _l("Not valid Unicode text.")
    if (_MULTILINE_BAD if multiline else _SINGLE_LINE_BAD).search(value):
        if multiline:
            return _l("Control characters other than line breaks and tabs are not allowed.")
        return _l("Control characters (line breaks included) are not allowed here.")
    return None
