"""Domain and HTTP errors as pages (or as JSON under /api)."""

from flask import Flask, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..api.errors import http_error_json, json_error
from ..errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Throttled, Unauthenticated

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
    status = status_for(error)
    if _wants_json():
        fields = {k: [str(m) for m in v] for k, v in error.fields.items()}
        headers = {"Retry-After": str(error.retry_after)} if isinstance(error, Throttled) else {}
        return json_error(error.code, error.message, status, fields, headers)
    if isinstance(error, Unauthenticated):
        return redirect(url_for("auth.login", next=request.full_path))
    return render_template("errors/error.html", status=status, message=error.message), status


def handle_csrf_error(error: CSRFError):
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
    if _wants_json():
        return http_error_json(error, message)
    return render_template("errors/error.html", status=error.code, message=message), error.code


def handle_unexpected(error: Exception):
    current_app.logger.exception("unhandled error")
    message = _("Something went wrong on our side. Your data is safe; please try again.")
    if _wants_json():
        return json_error("server_error", message, 500)
    return render_template("errors/error.html", status=500, message=message), 500


def register(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
