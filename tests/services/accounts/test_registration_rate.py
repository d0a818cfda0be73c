"""Registration attempts are counted per address and per number or email asked about."""

import pytest
import sqlalchemy as sa

from marketplace.errors import Throttled
from marketplace.extensions import db
from marketplace.models import AuthAttempt
from marketplace.services.accounts.registration import Credentials, check_registration_rate


def _asking(mobile: str, email: str) -> Credentials:
    return Credentials(name="x", password="x", mobile=mobile, email=email)


def _attempts() -> int:
    return db.session.scalar(sa.select(sa.func.count(AuthAttempt.id)))


def test_a_refused_registration_counts_for_none_of_its_keys(app):
    app.config["REGISTRATION_MAX_PER_ACCOUNT"] = 1
    check_registration_rate(_asking("13800000001", "li@example.org"), "198.51.100.1")
    assert _attempts() == 2  # the number and the email
    with pytest.raises(Throttled):  # the email is over its limit; the new number is not
        check_registration_rate(_asking("13800000002", "li@example.org"), "198.51.100.2")
    assert _attempts() == 2
    # So the new number, asked about alone, is still answered.
    check_registration_rate(_asking("13800000002", ""), "198.51.100.2")
    assert _attempts() == 3
