"""Personal API tokens: make one (its secret is shown once), list them, revoke one."""

from flask import request
from flask_login import current_user

from ..schemas.accounts import NewTokenSchema, TokenCreateSchema, TokenSchema
from ..services.accounts import api_tokens, sessions
from .base import Blueprint
from .security import SECURITY, auth_required, current_actor

blp = Blueprint(
    "api_tokens",
    __name__,
    url_prefix="/auth/tokens",
    description="Personal API tokens, sent as `Authorization: Bearer <token>`.",
)


@blp.get("")
@auth_required(blp)
@blp.response(200, TokenSchema(many=True))
def list_tokens():
    """The caller's live tokens, newest first (never their secrets)."""
    return api_tokens.list_tokens(current_actor())


@blp.post("")
@blp.doc(security=[{}, *SECURITY])
@blp.arguments(TokenCreateSchema)
@blp.response(201, NewTokenSchema)
@blp.alt_response(401, response="UNAUTHORIZED")
@blp.alt_response(409, response="CONFLICT")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def create_token(data):
    """Make a token: needs the password, with `identifier` or for the logged-in caller.

    The response carries its secret, which is not stored and not shown again. Every token
    expires (`expires_in_days`, by default the server's API_TOKEN_DEFAULT_DAYS).
    """
    actor = current_user._get_current_object() if current_user.is_authenticated else None
    new = sessions.create_token(
        actor,
        data["password"],
        data["name"],
        data["expires_in_days"],
        identifier=data["identifier"],
        ip=request.remote_addr,
    )
    listed = {name: getattr(new.token, name) for name in TokenSchema().fields}
    return {**listed, "token": new.secret}


@blp.delete("/<int:token_id>")
@auth_required(blp)
@blp.response(204)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def revoke_token(token_id):
    """Revoke one of the caller's tokens."""
    api_tokens.revoke_token(current_actor(), token_id)
