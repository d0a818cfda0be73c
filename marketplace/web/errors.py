"""Domain and HTTP errors as pages (or as JSON under /api)."""

import contextlib

from flask import Flask, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from ..errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Throttled, Unauthenticated
from ..extensions import db
from ..json_errors import http_error_json, json_error

STATUS_BY_ERROR = {
    NotFound: 404,
    Forbidden: 403,
    Unauthenticated: 401,
    Conflict: 409,
    Invalid: 422,
    Throttled: 429,
}


def status_for(error: DomainError) -> int:
    for cls, status in STATUS_BY_ERROR.items():
        if isinstance(error, cls):
            return status
    return 400


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def handle_domain_error(error: DomainError):
    _discard_session()
    status = status_for(error)
    if _wants_json():
        fields = {k: [str(m) for m in v] for k, v in error.fields.items()}
        headers = {"Retry-After": str(error.retry_after)} if isinstance(error, Throttled) else {}
        return json_error(error.code, error.message, status, fields, headers)
    if isinstance(error, Unauthenticated):
        return redirect(url_for("auth.login", next=request.full_path))
    return render_template("errors/error.html", status=status, message=error.message), status


def handle_csrf_error(error: CSRFError):
    _discard_session()
    message = _(
        "The form had expired or did not come from this site. Reload the page and try again."
    )
    if _wants_json():
        message = _(
            "Send the X-CSRFToken header (from GET /api/v1/auth/csrf), or use an API token."
        )
        return json_error("csrf", message, 403)  # refused, not malformed
    return render_template("errors/error.html", status=400, message=message), 400


def handle_http_error(error: HTTPException):
    messages = {
        403: _("You are not allowed to see this page."),
        404: _("There is no such page."),
        405: _("This page cannot be used that way."),
        413: _("The upload is too large."),
    }
    message = messages.get(error.code, error.description)
    _discard_session()
    # What the error itself says in headers (a 405's Allow, RFC 9110), not its own body's type.
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    if _wants_json():
        return http_error_json(error, message, headers)
    page = render_template("errors/error.html", status=error.code, message=message)
    return page, error.code, headers


def handle_unexpected(error: Exception):
    current_app.logger.exception("unhandled error")
    # A failed flush leaves the session unusable (PendingRollbackError) until rolled back,
    # and the error page loads the user for its menu: without this the handler itself fails.
    _discard_session()
    message = _("Something went wrong on our side. Your data is safe; please try again.")
    if _wants_json():
        return json_error("server_error", message, 500)
    return render_template("errors/error.html", status=500, message=message), 500


# SQLite's primary result codes for a file that cannot be written: read-only, disk full, and
# "cannot open" (a connection opened earlier cannot create its journal in a read-only
# directory); PostgreSQL's SQLSTATE for a full disk.
_SQLITE_UNWRITABLE = {8, 13, 14}
_PG_UNWRITABLE = {"53100"}
DATABASE_RETRY_AFTER_SECONDS = 5


def _unwritable(error: OperationalError) -> bool:
    code = getattr(error.orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _SQLITE_UNWRITABLE
    return getattr(error.orig, "sqlstate", None) in _PG_UNWRITABLE


def _database_response(unwritable: bool):
    if unwritable:
        code = "database_unwritable"
        message = _("The database cannot be written at the moment, so nothing was saved.")
    else:
        code = "database_unavailable"
        message = _("The database is unavailable just now. Please try again in a few seconds.")
    headers = {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)}
    if _wants_json():
        return json_error(code, message, 503, None, headers)
    return render_template("errors/error.html", status=503, message=message), 503, headers


def handle_database_error(error: OperationalError):
    """A database that dropped the connection or cannot be written: 503, never a traceback.

    Nothing is retried here: pool_pre_ping already replaces connections that died while idle,
    and re-running a request whose connection died mid-way could repeat a write; the client
    is told to try again (Retry-After) instead.
    """
    current_app.logger.warning("database error on %s: %s", request.path, error.orig)
    _discard_session()
    unwritable = _unwritable(error)
    try:
        return _database_response(unwritable)
    except SQLAlchemyError:
        # Loading the user (for their language or the menu) failed too: answer as to a visitor.
        _discard_session()
        g._login_user = AnonymousUserMixin()
        return _database_response(unwritable)


def _discard_session(exc: BaseException | None = None) -> None:
    """Roll the request's session back; if its connection has died, drop it instead of failing.

    A ROLLBACK on a connection the server has just terminated raises. At teardown that would
    escape Flask, and the server would answer a bare 500 in place of the response already
    made; so the dead connection is invalidated (given up without a word to the server).
    """
    try:
        db.session.rollback()
    except SQLAlchemyError:
        with contextlib.suppress(SQLAlchemyError):
            db.session().invalidate()  # the scoped session does not pass this one on


def register(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(OperationalError, handle_database_error)
    # Registered after Flask-SQLAlchemy's own teardown, so it runs first (teardowns run in
    # reverse): nothing is left to roll back when Flask-SQLAlchemy closes the session.
    app.teardown_appcontext(_discard_session)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
