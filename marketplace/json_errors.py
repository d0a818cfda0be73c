"""The one JSON error shape of the API, and request-parsing errors turned into it.

Below both faces: the error handlers (web/errors.py) render /api errors with it.

{"error": {"code": ..., "message": ..., "fields": {"name": ["message", ...]}}}
"""

from flask import jsonify
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from .schemas.messages import translate


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
        return {prefix or "_schema": [translate(m) for m in messages]}
    if isinstance(messages, list | tuple):
        return flatten(dict(enumerate(messages)), prefix)
    return {prefix or "_schema": [translate(messages)]}


def _by_field(messages: dict) -> dict[str, list[str]]:
    """webargs keys messages by location (json, query); a client knows its fields by name."""
    flat: dict[str, list[str]] = {}
    for location_messages in messages.values():
        for field, texts in flatten(location_messages).items():
            flat.setdefault(field, []).extend(texts)
    return flat


def http_error_json(error: HTTPException, message, headers: dict | None = None):
    """An HTTP error under /api, with webargs's parsing messages as per-field messages."""
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    headers = {**(headers or {}), **(data.get("headers") or {})}
    if messages is not None and error.code == 400:
        return json_error("malformed", _("The request body is not valid JSON."), 400, None, headers)
    if messages is not None and error.code == 422:
        fields = _by_field(messages)
        return json_error("invalid", _("Please correct the marked fields."), 422, fields, headers)
    code = error.name.lower().replace(" ", "_")
    return json_error(code, message, error.code, None, headers)
