"""Accounts over the API: register a worker, log in and out, who am I, the CSRF token."""

from flask import request, session
from flask_login import login_user, logout_user
from flask_wtf.csrf import generate_csrf

from ..schemas.accounts import (
    CsrfSchema,
    LoginSchema,
    RegisterWorkerSchema,
    SessionSchema,
    UserSchema,
)
from ..services.accounts import registration as accounts
from ..services.accounts import sessions
from .base import Blueprint
from .security import auth_required, current_actor, is_token_request

blp = Blueprint(
    "api_auth",
    __name__,
    url_prefix="/auth",
    description="Register, log in (session cookie), log out, the caller's account.",
)


@blp.get("/csrf")
@blp.response(200, CsrfSchema)
def csrf():
    """The CSRF token a cookie-authenticated client sends as X-CSRFToken."""
    return {"csrf_token": generate_csrf()}


@blp.post("/register")
@blp.arguments(RegisterWorkerSchema)
@blp.response(201, UserSchema)
@blp.alt_response(409, response="CONFLICT")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def register(data):
    """Register a worker account (factories register on the web, with their licence)."""
    credentials = accounts.Credentials(
        name=data["name"], password=data["password"], mobile=data["mobile"], email=data["email"]
    )
    signup = accounts.WorkerSignup(
        kind=data["kind"],
        district_id=data["district_id"],
        national_id=data["national_id"],
        max_travel_km=data["max_travel_km"],
    )
    return accounts.register_worker(credentials, signup, ip=request.remote_addr)


@blp.post("/login")
@blp.arguments(LoginSchema)
@blp.response(200, SessionSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def login(data):
    """Log in: sets the session cookie and returns the CSRF token for later requests."""
    user = sessions.log_in(
        data["identifier"],
        data["password"],
        ip=request.remote_addr,
        user_agent=request.user_agent.string,
    )
    _start_session(user)
    return {"user": user, "csrf_token": generate_csrf()}


def _start_session(user) -> None:
    """A fresh session for the new login: nothing from before survives (fixation)."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    login_user(user)


@blp.post("/logout")
@auth_required(blp)
@blp.response(204)
def logout():
    """End the cookie session (a token is revoked with DELETE /auth/tokens/{id} instead)."""
    if not is_token_request():
        sessions.log_out(current_actor())
        logout_user()
        session.clear()


@blp.get("/me")
@auth_required(blp)
@blp.response(200, UserSchema)
def me():
    """The caller's own account."""
    return current_actor()
