"""Template filters and small view helpers."""

from urllib.parse import urlsplit

from babel.dates import format_skeleton
from flask import Flask
from flask_babel import format_currency, format_datetime, format_time, get_locale, to_user_timezone

from ..identifiers import mask_email, mask_mobile, mask_national_id
from .labels import INDUSTRY_LABELS, KIND_LABELS, SHIFT_STATUS_LABELS, VERIFICATION_LABELS


def apply_field_errors(form, error) -> None:
    """Show a service's field messages beside the form's fields; others as a form error."""
    form.form_errors = list(getattr(form, "form_errors", []))
    placed = False
    for name, messages in error.fields.items():
        field = getattr(form, name, None)
        if field is None:
            continue
        field.errors = list(field.errors) + [str(m) for m in messages]
        placed = True
    if not placed:
        form.form_errors.append(str(error.message))


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


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        local_dt=lambda value, fmt="medium": format_datetime(value, fmt) if value else "",
        cny=lambda value: format_currency(value, "CNY"),
        mask_mobile=mask_mobile,
        mask_email=mask_email,
        mask_national_id=mask_national_id,
    )
    app.jinja_env.globals.update(
        get_locale=get_locale,
        shift_window=shift_window,
        INDUSTRY_LABELS=INDUSTRY_LABELS,
        KIND_LABELS=KIND_LABELS,
        SHIFT_STATUS_LABELS=SHIFT_STATUS_LABELS,
        VERIFICATION_LABELS=VERIFICATION_LABELS,
    )
