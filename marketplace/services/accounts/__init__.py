"""Accounts: registration, login sessions and throttling, passwords, API tokens, invitations,
and refused credentials.
"""

from .api_tokens import list_tokens, revoke_token, token_hash, user_for_token
from .invitations import accept, open_invitation
from .passwords import hash_password, needs_rehash, password_problems, verify_password
from .refusals import note_refusal
from .registration import (
    change_password,
    check_registration_rate,
    commit_new_account,
    create_staff_user,
    new_user,
    register_worker,
    reinstate_user,
    set_locale,
    suspend_user,
    validate_credentials,
)
from .sessions import (
    account_key,
    count_password_attempt,
    end_all,
    end_everything,
    load_session,
    log_in,
    log_out,
)
from .throttle import (
    forget_account,
    forget_attempts,
    keyed_hash,
    login_limits,
    record_attempt,
    registration_limits,
)

__all__ = [
    "accept",
    "account_key",
    "change_password",
    "check_registration_rate",
    "commit_new_account",
    "count_password_attempt",
    "create_staff_user",
    "end_all",
    "end_everything",
    "forget_account",
    "forget_attempts",
    "hash_password",
    "keyed_hash",
    "list_tokens",
    "load_session",
    "log_in",
    "log_out",
    "login_limits",
    "needs_rehash",
    "new_user",
    "note_refusal",
    "open_invitation",
    "password_problems",
    "record_attempt",
    "register_worker",
    "registration_limits",
    "reinstate_user",
    "revoke_token",
    "set_locale",
    "suspend_user",
    "token_hash",
    "user_for_token",
    "validate_credentials",
    "verify_password",
]
