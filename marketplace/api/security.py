"""Who is calling the API: a bearer token or the session cookie; plus body limit and CORS.

A request that carries `Authorization: Bearer` is authenticated by that token alone (a
cookie beside it is ignored) and, being impossible to forge cross-site, skips CSRF. Every
other state-changing request, cookie-authenticated ones included, needs the X-CSRFToken
header (Flask-WTF, see extensions.TokenAwareCSRFProtect).
"""

from functools import wraps

from flask import Flask, current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..errors import Unauthenticated
from ..models import User
from ..services.accounts import api_tokens

API_PREFIX = "/api/"
# OpenAPI security requirements: either scheme will do.
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]
SECURITY_SCHEMES = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal API token (POST /api/v1/auth/tokens). No CSRF header needed.",
    },
    "cookieAuth": {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",  # replaced by the configured name in security_schemes()
        "description": "The session cookie of POST /api/v1/auth/login. State-changing "
        "requests also send the X-CSRFToken header (GET /api/v1/auth/csrf).",
    },
}


def security_schemes(cookie_name: str) -> dict:
    """The schemes as the OpenAPI document states them, with this app's cookie name."""
    cookie = {**SECURITY_SCHEMES["cookieAuth"], "name": cookie_name}
    return {**SECURITY_SCHEMES, "cookieAuth": cookie}


def _is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def _bearer_secret() -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip()


def authenticate_request() -> None:
    """Before CSRF runs: limit the body and authenticate an API request by its token."""
    if not _is_api_request():
        return
    request.max_content_length = current_app.config["API_MAX_CONTENT_LENGTH"]
    secret = _bearer_secret()
    if secret is None:
        return
    user = api_tokens.user_for_token(secret)
    if user is None:
        raise Unauthenticated(_l("This API token is unknown, revoked or expired."))
    g._login_user = user  # Flask-Login's current_user for this request, never the cookie's
    g.authenticated_by_token = True


def add_cors_headers(response):
    """CORS only for origins listed in API_CORS_ORIGINS; never a wildcard with credentials."""
    origin = request.headers.get("Origin")
    if _is_api_request() and origin and origin in current_app.config["API_CORS_ORIGINS"]:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Access-Control-Allow-Headers"] = (
            "Authorization, Content-Type, X-CSRFToken"
        )
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, PATCH, DELETE"
        response.vary.add("Origin")
    return response


def init_app(app: Flask) -> None:
    """Register before CSRFProtect, so that its check sees who authenticated the request."""
    app.before_request(authenticate_request)
    app.after_request(add_cors_headers)


def current_actor() -> User:
    """The user calling, or Unauthenticated (401)."""
    if not current_user.is_authenticated:
        raise Unauthenticated(_l("Log in, or send an API token."))
    return current_user._get_current_object()


def is_token_request() -> bool:
    return bool(g.get("authenticated_by_token"))


def auth_required(blp):
    """Refuse anonymous callers (401) and document the two schemes and the refusals.

    Which user may touch which object is decided by the services (policy.py), never here.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            current_actor()
            return view(*args, **kwargs)

        wrapper = blp.doc(security=SECURITY)(wrapper)
        wrapper = blp.alt_response(401, response="UNAUTHORIZED")(wrapper)
        return blp.alt_response(403, response="FORBIDDEN")(wrapper)

    return decorator
