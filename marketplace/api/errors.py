"""The one JSON error shape of the API, and request-parsing errors turned into it.

{"error": {"code": ..., "message": ..., "fields": {"name": ["message", ...]}}}
"""

from flask import jsonify
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

# marshmallow's and webargs's own messages are English only; these are the ones a client
# meets with our schemas, so that a field's message follows the reader's language.
PARSER_MESSAGES = {
    "Missing data for required field.": _l("This field is required."),
    "Unknown field.": _l("Unknown field."),
    "Field may not be null.": _l("This field may not be null."),
    "Not a valid integer.": _l("Not a valid integer."),
    "Not a valid number.": _l("Not a valid number."),
    "Not a valid string.": _l("Not a valid string."),
    "Not a valid boolean.": _l("Not a valid boolean."),
    "Not a valid datetime.": _l("Not a valid date and time."),
    "Not a valid aware datetime.": _l("Give a date and time with its time zone."),
    "Not a valid date.": _l("Not a valid date."),
    "Not a valid list.": _l("Not a valid list."),
    "Not a valid mapping type.": _l("Not a valid object."),
    "Invalid input type.": _l("Not a valid object."),
    "Invalid value.": _l("Invalid value."),
    "Special numeric values (nan or infinity) are not permitted.": _l("Not a valid number."),
    "Shorter than minimum length 1.": _l("This field may not be empty."),
}


def json_error(code: str, message, status: int, fields: dict | None = None, headers=None):
    """The error response: one shape for every status."""
    body = {"error": {"code": code, "message": str(message), "fields": fields or {}}}
    return jsonify(body), status, headers or {}


def flatten(messages, prefix: str = "") -> dict[str, list[str]]:
    """Nested marshmallow messages as {"a.b.0": [...]}, each message translated."""
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, texts in flatten(value, name).items():
                flat.setdefault(field, []).extend(texts)
        return flat
    if isinstance(messages, list | tuple) and all(isinstance(m, str) for m in messages):
        return {prefix or "_schema": [str(PARSER_MESSAGES.get(m, m)) for m in messages]}
    if isinstance(messages, list | tuple):
        return flatten(dict(enumerate(messages)), prefix)
    return {prefix or "_schema": [str(PARSER_MESSAGES.get(messages, messages))]}


def _by_field(messages: dict) -> dict[str, list[str]]:
    """webargs keys messages by location (json, query); a client knows its fields by name."""
    flat: dict[str, list[str]] = {}
    for location_messages in messages.values():
        for field, texts in flatten(location_messages).items():
            flat.setdefault(field, []).extend(texts)
    return flat


def http_error_json(error: HTTPException, message):
    """An HTTP error under /api, with webargs's parsing messages as per-field messages."""
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    headers = data.get("headers")
    if messages is not None and error.code == 400:
        return json_error("malformed", _("The request body is not valid JSON."), 400, None, headers)
    if messages is not None and error.code == 422:
        fields = _by_field(messages)
        return json_error("invalid", _("Please correct the marked fields."), 422, fields, headers)
    code = error.name.lower().replace(" ", "_")
    return json_error(code, message, error.code, None, headers)
