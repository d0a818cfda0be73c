"""Failed logins and registrations are throttled in the database, across processes."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa

from config import TestConfig
from marketplace import create_app
from marketplace.extensions import db
from marketplace.models import AuthAttempt
from tests.conftest import csrf_from
from tests.factories import PASSWORD

WRONG = "Wrong-Password-99"
ROOT = Path(__file__).resolve().parents[2]


def _from(client, address: str):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_repeated_failures_from_one_address_make_the_account_wait_there(app, login, make_user):
    user = make_user()
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"]
    for _ in range(limit):
        assert login(user.mobile, WRONG).status_code == 401
    throttled = login(user.mobile, PASSWORD)  # even the right password now waits
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) == app.config["LOGIN_FAILURE_WINDOW_SECONDS"]
    assert "Too many attempts" in throttled.get_data(as_text=True)
    # The count lives in the database (as keyed hashes, not the mobile number).
    keys = db.session.scalars(sa.select(AuthAttempt.account_key)).all()
    assert len(keys) == limit and user.mobile not in keys


CHILD = """
import sys
from config import TestConfig
from marketplace import create_app
from tests.conftest import csrf_from

app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=sys.argv[1])
client = app.test_client()
token = csrf_from(client.get("/auth/login").get_data(as_text=True))
data = {"csrf_token": token, "identifier": sys.argv[2], "password": sys.argv[3]}
print(client.post("/auth/login", data=data).status_code)
"""


def _login_in_another_process(database_url: str, identifier: str, password: str) -> int:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, database_url, identifier, password],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return int(result.stdout.strip().splitlines()[-1])


def test_another_process_sees_the_same_count(app, login, make_user, database_url):
    user = make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"] - 1):
        login(user.mobile, WRONG)
    # A separate Python process, as another gunicorn worker would be, adds the last failure...
    assert _login_in_another_process(database_url, user.mobile, WRONG) == 401
    # ...and this process then refuses the right password.
    assert login(user.mobile, PASSWORD).status_code == 429


def test_a_stranger_cannot_lock_the_owner_out_from_elsewhere(app, client, login, make_user):
    user = make_user()
    _from(client, "198.51.100.7")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"] + 2):
        login(user.mobile, WRONG)
    _from(client, "203.0.113.20")
    assert login(user.mobile, PASSWORD).status_code == 302


def test_guessing_one_account_from_many_addresses_is_limited_too(app, client, login, make_user):
    user = make_user()
    per_pair = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"]
    total = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for n in range(total):
        _from(client, f"198.51.100.{n // per_pair + 1}")
        assert login(user.mobile, WRONG).status_code == 401
    _from(client, "203.0.113.99")
    assert login(user.mobile, PASSWORD).status_code == 429


def test_one_address_trying_many_accounts_is_limited(app, client, login, make_user):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    users = [make_user() for _ in range(4)]
    for user in users[:3]:
        assert login(user.mobile, WRONG).status_code == 401
    assert login(users[3].mobile, PASSWORD).status_code == 429


def test_mobile_and_email_count_against_the_same_account(app, login, make_user):
    user = make_user(mobile="+8613812345000", email="li.ming@example.com")
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"]
    for n in range(limit):
        login(user.mobile if n % 2 else user.email, WRONG)
    assert login(user.email, PASSWORD).status_code == 429


def test_parallel_guesses_cannot_slip_past_the_limit(app, make_user, database_url):
    mobile = make_user().mobile
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"]

    def guess(_):
        client = app.test_client()
        token = csrf_from(client.get("/auth/login").get_data(as_text=True))
        data = {"csrf_token": token, "identifier": mobile, "password": WRONG}
        return client.post("/auth/login", data=data).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(guess, range(16)))
    assert statuses.count(401) <= limit
    assert statuses.count(401) + statuses.count(429) == 16


def test_a_successful_login_clears_earlier_failures(app, login, make_user, client):
    user = make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"] - 1):
        login(user.mobile, WRONG)
    assert login(user.mobile, PASSWORD).status_code == 302
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS"] - 1):
        login(user.mobile, WRONG)
    assert login(user.mobile, PASSWORD).status_code == 302


def test_registrations_from_one_address_are_limited(app, post_form, district):
    app.config["REGISTRATION_MAX_PER_ADDRESS"] = 2
    form = {
        "name": "x",
        "mobile": "13800000000",
        "password": "a",
        "confirm": "a",
        "kind": "retiree",
        "district_id": str(district.id),
        "max_travel_km": "10",
    }
    for _ in range(2):
        assert post_form("/auth/register/worker", form).status_code == 422
    refused = post_form("/auth/register/worker", form)
    assert refused.status_code == 429 and "Retry-After" in refused.headers


def _attempt_addresses() -> list:
    return db.session.scalars(sa.select(AuthAttempt.ip_address)).all()


def test_the_client_address_comes_from_the_trusted_proxy_only(app, database_url, make_user):
    user = make_user()
    data = {"identifier": user.mobile, "password": WRONG}
    headers = {"X-Forwarded-For": "203.0.113.9"}

    behind_proxy = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=database_url, TRUSTED_PROXY_HOPS=1
    )
    direct = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    for each in (behind_proxy, direct):
        client = each.test_client()
        token = csrf_from(client.get("/auth/login").get_data(as_text=True))
        client.post("/auth/login", data={**data, "csrf_token": token}, headers=headers)
        with each.app_context():
            db.engine.dispose()
    db.session.expire_all()
    # Behind one proxy the forwarded address counts; served directly, the header is a lie.
    assert sorted(_attempt_addresses()) == ["127.0.0.1", "203.0.113.9"]
