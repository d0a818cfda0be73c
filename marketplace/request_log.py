"""Logs: one line per request with a request id, JSON or text, personal numbers masked.

`register(app)` installs one handler on the root logger (so the app's loggers, RQ's and
the libraries' all go through it), formatted as one JSON object a line (LOG_FORMAT=json,
for a log shipper) or as plain text, at LOG_LEVEL for the app's own "marketplace" loggers.

Every request gets an id: the caller's X-Request-ID when it looks safe, else a new one.
It is flask.g.request_id, echoed in the X-Request-ID response header, and stamped on every
record logged while the request runs (the 5xx error log too), so a user's report, a proxy's
log line and our traceback can be matched.

The request line holds the path without its query string (query strings may carry mobile
numbers), and the user's id, never a name or number. On top, a filter masks mainland mobile
numbers and 18-character ID numbers in every record that passes the handler, whoever
logged it (the mail log writes whole messages when no SMTP server is configured).
"""

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask, g, has_request_context, request

request_log = logging.getLogger("marketplace.request")

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
# Not inside a longer run of letters or digits (a request id, a hash), but right after "=",
# a space or a Chinese character. An optional +86 goes with the number, and the spaces or
# dashes people type as 138 0575 2020.
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?![0-9A-Za-z])")
_NATIONAL_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MASK_MOBILE = "[mobile]"
MASK_NATIONAL_ID = "[id-number]"
# Attributes every LogRecord has; anything else was passed in `extra` and goes in the JSON.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "request_id",
    "request_tag",
}


def mask_personal_numbers(text: str) -> str:
    """The text with mobile numbers and ID numbers replaced by placeholders."""
    return _NATIONAL_ID.sub(MASK_NATIONAL_ID, _MOBILE.sub(MASK_MOBILE, text))


class MaskPersonalNumbers(logging.Filter):
    """Mask mobile and ID numbers in a record's message, traceback and stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_numbers(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # Formatted here so that the formatter uses the masked text (exceptions from the
            # database quote the statement's parameters).
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_numbers(record.stack_info)
        return True


class AddRequestId(logging.Filter):
    """Stamp the current request's id on the record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id") if has_request_context() else None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, request id, message and any extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None),
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        # Masked again as written: an extra field may hold a number too.
        return mask_personal_numbers(json.dumps(entry, ensure_ascii=False, default=str))


class TextFormatter(logging.Formatter):
    """Plain lines for a terminal: time, level, logger, [request id], message."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_tag)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.request_tag = getattr(record, "request_id", None) or "-"
        return mask_personal_numbers(super().format(record))


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record comes (test runners swap it)."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def configure_logging(app: Flask) -> logging.Handler:
    """Install this app's log handler on the root logger, in place of an earlier one."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "marketplace", False)]:
        root.removeHandler(handler)
    handler = StderrHandler()
    handler.marketplace = True
    handler.addFilter(AddRequestId())
    handler.addFilter(MaskPersonalNumbers())
    log_format = app.config.get("LOG_FORMAT", "text")
    if log_format not in ("json", "text"):
        raise RuntimeError(f"LOG_FORMAT must be json or text, not {log_format!r}")
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root.addHandler(handler)
    logging.getLogger("marketplace").setLevel(app.config.get("LOG_LEVEL", "INFO").upper())
    # The development server's "Running on http://..." (its access lines pass the mask too).
    logging.getLogger("werkzeug").setLevel(logging.INFO)
    return handler


def _incoming_request_id() -> str:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if _SAFE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def start_request() -> None:
    """Give the request its id and note when it began."""
    g.request_id = _incoming_request_id()
    g.request_started = time.perf_counter()


def _user_id() -> int | None:
    """The id of the user this request acts for, if it loaded one; never a query.

    Only a user this request already loaded: asking Flask-Login here could load one from the
    session, a query that /healthz must not make. And the id comes from the row's identity
    key, not its attribute: the request line is written after the view's commit has expired
    every attribute, and reading one would query a database that may have gone meanwhile.
    """
    user = g.get("_login_user")
    state = sa.inspect(user, raiseerr=False) if user is not None else None
    key = state.identity if state is not None else None
    return key[0] if key else None


def _logged_path() -> str:
    """The matched route's pattern (/invite/<token>), else the path; never the query string.

    A path can carry a secret (an invitation link's token) and a query string a mobile number;
    the pattern names the page without either.
    """
    rule = request.url_rule
    return rule.rule if rule is not None else request.path


def finish_request(response):
    """Log the request's line and echo its id."""
    request_id = g.get("request_id") or _incoming_request_id()
    started = g.get("request_started")
    duration = (time.perf_counter() - started) * 1000 if started is not None else None
    response.headers[REQUEST_ID_HEADER] = request_id
    path = _logged_path()
    fields = {
        "method": request.method,
        "path": path,
        "status": response.status_code,
        "duration_ms": round(duration, 1) if duration is not None else None,
        "remote_addr": request.remote_addr,
        "user_id": _user_id(),
    }
    request_log.info(
        "%s %s %s %sms",
        request.method,
        path,
        response.status_code,
        fields["duration_ms"],
        extra=fields,
    )
    return response


def register(app: Flask) -> None:
    """Configure logging and log every request (the first before-request hook)."""
    configure_logging(app)
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)
    app.after_request(finish_request)
