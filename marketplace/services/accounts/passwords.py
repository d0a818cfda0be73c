"""Password hashing (argon2id) and strength rules."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

_hasher = PasswordHasher()
ZXCVBN_MAX_LENGTH = 72
# Verified against when the account does not exist, so that a wrong login
# costs the same time whether or not the mobile number is registered.
_DUMMY_HASH = _hasher.hash("not-a-real-password-just-for-timing")


def hash_password(password: str) -> str:
    """An argon2id hash with a fresh salt."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; never raises for a wrong password."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with older parameters."""
    return _hasher.check_needs_rehash(password_hash)


def password_problems(password: str, user_inputs: list[str]) -> list:
    """Why a new password is refused (empty when acceptable)."""
    min_length = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < min_length:
        return [_l("Use at least %(n)d characters.", n=min_length)]
    if len(password) > 256:
        return [_l("Use at most 256 characters.")]
    # zxcvbn refuses more than ZXCVBN_MAX_LENGTH characters; the rest only adds strength,
    # so scoring the start is a lower bound (and a long password is not a server error).
    verdict = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=[u for u in user_inputs if u])
    if verdict["score"] < current_app.config["PASSWORD_MIN_SCORE"]:
        return [
            _l(
                "This password is too easy to guess (common words, names, dates or"
                " your own details). Add more words or characters."
            )
        ]
    return []
