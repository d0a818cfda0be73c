"""Template filters and small view helpers."""

from datetime import UTC, date, datetime, time
from decimal import Decimal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from flask import Flask, abort, request, url_for
from flask_babel import (
    format_currency,
    format_datetime,
    format_decimal,
    format_percent,
    format_time,
    get_locale,
    to_user_timezone,
)
from flask_login import current_user

from ..bounds import INT_MAX, PAGE_MAX
from ..i18n import LocalName
from ..identifiers import mask_email, mask_mobile, mask_national_id
from ..labels import INDUSTRY_LABELS, KIND_LABELS, SHIFT_STATUS_LABELS, VERIFICATION_LABELS


def apply_field_errors(form, error) -> None:
    """Show a service's field messages beside the form's fields; the rest above the form.

    A message about something the form has no field for (say, the shifts a request names)
    still tells the user what is wrong, rather than a bare "correct the marked fields".
    """
    form.form_errors = list(getattr(form, "form_errors", []))
    placed, elsewhere = False, []
    for name, messages in error.fields.items():
        if name not in form._fields:
            elsewhere.extend(str(m) for m in messages)
            continue
        field = form._fields[name]
        field.errors = list(field.errors) + [str(m) for m in messages]
        placed = True
    if elsewhere:
        form.form_errors.extend(elsewhere)
    elif not placed:
        form.form_errors.append(str(error.message))


SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_to_utc(local: datetime | None) -> datetime | None:
    """A Shanghai wall-clock time typed into a form, as an aware UTC instant."""
    return local.replace(tzinfo=SHANGHAI).astimezone(UTC) if local else None


def utc_to_local(moment: datetime) -> datetime:
    """A stored UTC instant as the naive Shanghai time a datetime-local input shows."""
    return moment.astimezone(SHANGHAI).replace(tzinfo=None)


def day_start_utc(day: date) -> datetime:
    """Midnight in Shanghai at the start of the day, as UTC."""
    return local_to_utc(datetime.combine(day, time.min))


def acting_user():
    """The logged-in user as a plain object, for handing to a service."""
    return current_user._get_current_object()


def id_arg(name: str) -> int | None:
    """An id from the query string (None if absent or not a number).

    One larger than the database's integers names no row: 404, not an overflow in a query.
    """
    value = request.args.get(name, type=int)
    if value is not None and not 0 < value <= INT_MAX:
        abort(404)
    return value


def page_arg() -> int:
    """The page number asked for (1 if none); one beyond any list's pages is a 404."""
    page = request.args.get("page", 1, type=int)
    if not 0 < page <= PAGE_MAX:
        abort(404)
    return page


def association_in_view() -> int:
    """The association a moderator's page is about: their own, or (admins) ?association=."""
    association_id = id_arg("association") or current_user.association_id
    if association_id is None:
        abort(404)
    return association_id


def safe_next_url(target: str | None) -> str | None:
    """Only same-site paths are followed after login (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def shift_window(starts_at, ends_at) -> str:
    """'Fri, Nov 27 07:30–15:30' in the viewer's language, in Shanghai time; the day once."""
    start, end = to_user_timezone(starts_at), to_user_timezone(ends_at)
    locale = get_locale()
    text = f"{format_skeleton('MMMEd', start, locale=locale)} {format_time(start, 'HH:mm')}–"
    if end.date() != start.date():
        text += f"{format_skeleton('MMMEd', end, locale=locale)} "
    return text + format_time(end, "HH:mm")


def local_name(thing) -> str:
    """A district's, skill's or certificate's name in the viewer's language (Chinese if none)."""
    return str(LocalName(thing))


def page_url(page: int) -> str:
    """This page's address with the same query (filters) and another page number."""
    args = request.args.to_dict()
    args["page"] = page
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def km(value: float) -> str:
    """A distance to a tenth of a kilometre, digits in the viewer's locale."""
    return format_decimal(round(value, 1), "#,##0.0")


def shift_hours(shift) -> str:
    """The shift's length in hours, e.g. '8' or '7.5', in the viewer's locale."""
    return format_decimal((shift.ends_at - shift.starts_at).total_seconds() / 3600, "#,##0.#")


def shift_pay(shift) -> Decimal:
    """What the whole shift pays at its hourly rate, to the fen."""
    hours = Decimal((shift.ends_at - shift.starts_at).total_seconds()) / 3600
    return (shift.hourly_pay_cny * hours).quantize(Decimal("0.01"))


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        local_dt=lambda value, fmt="medium": format_datetime(value, fmt) if value else "",
        cny=lambda value: format_currency(value, "CNY"),
        mask_mobile=mask_mobile,
        mask_email=mask_email,
        mask_national_id=mask_national_id,
        local_name=local_name,
        km=km,
        percent=lambda value: format_percent(value) if value is not None else "–",
        figure=lambda value: format_decimal(value, "#,##0.#") if value is not None else "–",
    )
    app.jinja_env.globals.update(
        get_locale=get_locale,
        shift_window=shift_window,
        page_url=page_url,
        shift_hours=shift_hours,
        shift_pay=shift_pay,
        INDUSTRY_LABELS=INDUSTRY_LABELS,
        KIND_LABELS=KIND_LABELS,
        SHIFT_STATUS_LABELS=SHIFT_STATUS_LABELS,
        VERIFICATION_LABELS=VERIFICATION_LABELS,
    )
