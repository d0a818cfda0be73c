"""Changing one's password: the current one is checked like a login, a weak new one is not."""

import pytest

from marketplace.errors import Invalid, Throttled
from marketplace.models import Role
from marketplace.services.accounts import registration as accounts
from marketplace.services.accounts import sessions
from tests.factories import PASSWORD

STRONG = "Shaoxing-Looms-Restart-2020"


def test_choosing_weak_passwords_never_locks_the_account(app, make_user):
    user = make_user(Role.WORKER)
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"]
    for _ in range(limit + 2):
        with pytest.raises(Invalid) as refused:
            accounts.change_password(user, PASSWORD, "123", ip="203.0.113.9")
        assert "password" in refused.value.fields
    accounts.change_password(user, PASSWORD, STRONG, ip="203.0.113.9")
    assert sessions.log_in(user.mobile, STRONG, ip="203.0.113.9").id == user.id


def test_guessing_the_current_password_is_throttled_like_a_login(app, make_user):
    user = make_user(Role.WORKER)
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"]
    for _ in range(limit):
        with pytest.raises(Invalid):
            accounts.change_password(user, "not-it", STRONG, ip="203.0.113.9")
    with pytest.raises(Throttled):
        accounts.change_password(user, PASSWORD, STRONG, ip="203.0.113.9")
