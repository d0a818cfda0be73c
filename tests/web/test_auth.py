"""Registering, logging in and out, through the real forms with CSRF tokens."""

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import (
    AuditEvent,
    Factory,
    FactoryMember,
    MemberStatus,
    Role,
    User,
    VerificationStatus,
)
from marketplace.services.accounts import registration as accounts
from tests.factories import PASSWORD, valid_national_id, valid_uscc

STRONG = "Loom-Shuttle-Warp-42"


def _worker_form(district, **overrides):
    data = {
        "name": "王秀英",
        "mobile": "138 0575 2020",
        "email": "",
        "password": STRONG,
        "confirm": STRONG,
        "kind": "retiree",
        "district_id": str(district.id),
        "max_travel_km": "15",
        "national_id": "",
    }
    return {**data, **overrides}


def test_a_worker_registers_and_logs_in_with_the_mobile_number(post_form, login, client, district):
    response = post_form("/auth/register/worker", _worker_form(district))
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.mobile == "+8613805752020"))
    assert user.role == Role.WORKER
    assert user.password_hash.startswith("$argon2id$")
    assert STRONG not in user.password_hash
    assert user.worker_profile.kind == "retiree"
    assert (user.worker_profile.home_lat, user.worker_profile.home_lon) == (
        district.lat,
        district.lon,
    )

    response = login("13805752020", STRONG)
    assert response.status_code == 302
    page = client.get("/account/").get_data(as_text=True)
    assert "王秀英" in page
    assert "138****2020" in page and "13805752020" not in page


def test_registration_keeps_what_was_typed_and_says_what_is_wrong(post_form, district):
    response = post_form(
        "/auth/register/worker",
        _worker_form(district, password="password1", confirm="password1", mobile="12345"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "too easy to guess" in page
    assert "valid mainland China mobile number" in page
    assert 'value="王秀英"' in page  # nothing typed is lost
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_short_passwords_and_duplicate_numbers_are_refused(post_form, district, make_user):
    make_user(mobile="+8613805752020")
    response = post_form(
        "/auth/register/worker", _worker_form(district, password="Ab1!", confirm="Ab1!")
    )
    page = response.get_data(as_text=True)
    assert "at least 8 characters" in page
    assert "already registered" in page


def test_identity_numbers_are_validated_stored_once_and_masked(post_form, login, client, district):
    bad = post_form(
        "/auth/register/worker", _worker_form(district, national_id="330602196503140010")
    )
    assert "check digit" in bad.get_data(as_text=True)
    good_id = valid_national_id(11)
    post_form("/auth/register/worker", _worker_form(district, national_id=good_id.lower()))
    login("13805752020", STRONG)
    page = client.get("/account/").get_data(as_text=True)
    assert good_id not in page and f"330***********{good_id[-4:]}" in page


def test_email_login_works_too(post_form, login, district):
    post_form(
        "/auth/register/worker",
        _worker_form(district, mobile="", email="Wang.XY@example.com"),
    )
    assert login("wang.xy@EXAMPLE.com", STRONG).status_code == 302


def _factory_form(association, district, **overrides):
    data = {
        "name": "陈建国",
        "mobile": "13905751111",
        "email": "",
        "password": STRONG,
        "confirm": STRONG,
        "mode": "create",
        "uscc": valid_uscc(424242),
        "factory_name": "绍兴柯桥恒丰纺织有限公司",
        "industry": "textiles",
        "association_id": str(association.id),
        "site_address": "柯桥区齐贤街道纺织路8号",
        "district_id": str(district.id),
        "lat": "",
        "lon": "",
    }
    return {**data, **overrides}


def test_factory_staff_register_a_new_factory_that_awaits_verification(
    post_form, make_association, district
):
    association = make_association()
    response = post_form("/auth/register/factory", _factory_form(association, district))
    assert response.status_code == 302
    factory = db.session.scalar(sa.select(Factory))
    assert factory.verification_status == VerificationStatus.PENDING
    assert factory.association_id == association.id
    assert factory.sites[0].district_id == district.id
    member = db.session.scalar(sa.select(FactoryMember))
    assert member.role == "owner" and member.status == MemberStatus.ACTIVE
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"factory.registered", "account.registered"} <= actions


def test_a_wrong_credit_code_is_refused_beside_its_field(post_form, make_association, district):
    form = _factory_form(make_association(), district, uscc="91110000600037341K")
    page = post_form("/auth/register/factory", form).get_data(as_text=True)
    assert "check digit does not match" in page
    assert db.session.scalar(sa.select(sa.func.count(Factory.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_joining_a_factory_waits_for_its_owner(post_form, make_factory, district, login):
    factory = make_factory()
    form = _factory_form(factory.association, district, mode="join", uscc=factory.uscc)
    assert post_form("/auth/register/factory", form).status_code == 302
    joiner = db.session.scalar(sa.select(User).where(User.mobile == "+8613905751111"))
    (membership,) = joiner.memberships
    assert membership.status == MemberStatus.PENDING

    owner = factory.members[0].user
    from marketplace.services.organisations.factories import admit_member

    admit_member(owner, membership.id)
    assert db.session.get(FactoryMember, membership.id).status == MemberStatus.ACTIVE


def test_joining_an_unknown_factory_says_to_register_it(post_form, make_association, district):
    form = _factory_form(make_association(), district, mode="join")
    page = post_form("/auth/register/factory", form).get_data(as_text=True)
    assert "No factory with this credit code" in page


def test_forms_without_the_csrf_token_are_refused(client, make_user):
    user = make_user()
    response = client.post("/auth/login", data={"identifier": user.mobile, "password": PASSWORD})
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    assert client.get("/account/").status_code == 302  # not logged in

    forged = client.post(
        "/auth/login",
        data={"identifier": user.mobile, "password": PASSWORD, "csrf_token": "forged"},
    )
    assert forged.status_code == 400


def test_logout_needs_the_csrf_token_too(client, login, make_user):
    user = make_user()
    login(user.mobile, PASSWORD)
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/account/").status_code == 200  # still logged in


def test_wrong_passwords_and_unknown_accounts_get_the_same_answer(login, make_user):
    user = make_user()
    wrong = login(user.mobile, "Not-The-Password-1")
    unknown = login("13700000009", "Not-The-Password-1")
    assert wrong.status_code == unknown.status_code == 401
    message = "Wrong mobile number, email or password."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)


def test_the_session_is_regenerated_at_login(client, login, make_user):
    user = make_user()
    with client.session_transaction() as session:
        session["planted_by_attacker"] = "x"
    login(user.mobile, PASSWORD)
    with client.session_transaction() as session:
        assert "planted_by_attacker" not in session
        first_token = session["_user_id"]
    client.post("/auth/logout", data={"csrf_token": _token(client)})
    login(user.mobile, PASSWORD)
    with client.session_transaction() as session:
        assert session["_user_id"] != first_token


def _token(client) -> str:
    from tests.conftest import csrf_from

    return csrf_from(client.get("/account/").get_data(as_text=True))


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_the_old_cookie_is_useless_after_logout(app, client, login, make_user):
    user = make_user()
    login(user.mobile, PASSWORD)
    stolen = _session_cookie(client)
    assert client.post("/auth/logout", data={"csrf_token": _token(client)}).status_code == 302

    replay = app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get("/account/")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_suspension_ends_the_sessions_of_the_account(app, client, login, make_user):
    user, admin = make_user(), make_user(Role.ADMIN)
    login(user.mobile, PASSWORD)
    assert client.get("/account/").status_code == 200
    accounts.suspend_user(admin, user, reason="abuse")
    assert client.get("/account/").status_code == 302
    refused = login(user.mobile, PASSWORD)
    assert "suspended" in refused.get_data(as_text=True)


def test_only_allowed_users_can_suspend_and_refusals_are_audited(make_user):
    from marketplace.errors import Forbidden

    worker, other = make_user(), make_user()
    try:
        accounts.suspend_user(worker, other, reason="spite")
    except Forbidden:
        pass
    else:
        raise AssertionError("a worker suspended another user")
    assert db.session.get(User, other.id).status == "active"
    denied = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action.like("denied.%")))
    assert denied.actor_id == worker.id and denied.object_id == other.id


def test_login_does_not_redirect_to_other_sites(client, make_user, post_form):
    user = make_user()
    data = {"identifier": user.mobile, "password": PASSWORD}
    response = post_form("/auth/login?next=//evil.example/x", data, page="/auth/login")
    assert response.location == "/account/"


def test_logging_in_again_ends_the_earlier_session(app, client, login, make_user):
    user = make_user()
    login(user.mobile, PASSWORD)
    first = _session_cookie(client)
    login(user.mobile, PASSWORD)
    replay = app.test_client()
    replay.set_cookie("session", first)
    assert replay.get("/account/").status_code == 302


def test_an_idle_session_is_refused(app, client, login, make_user):
    from datetime import timedelta

    from marketplace.models import UserSession

    user = make_user()
    login(user.mobile, PASSWORD)
    row = db.session.scalar(sa.select(UserSession))
    row.last_seen_at -= timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    db.session.commit()
    assert client.get("/account/").status_code == 302


def test_logins_logouts_and_failures_are_audited(client, login, make_user):
    user = make_user()
    login(user.mobile, "Wrong-Password-99")
    login(user.mobile, PASSWORD)
    client.post("/auth/logout", data={"csrf_token": _token(client)})
    events = db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.object_id).order_by(AuditEvent.id)
    ).all()
    assert [tuple(e) for e in events] == [
        ("auth.login_failed", user.id),
        ("auth.login", user.id),
        ("auth.logout", user.id),
    ]


def test_a_missing_account_costs_a_full_password_check(monkeypatch, login, make_user):
    """Unknown numbers take the same argon2 work, so timing reveals nothing."""
    from marketplace.services.accounts import passwords

    hashed = []

    class RecordingHasher(type(passwords._hasher)):
        def verify(self, hash, password):
            hashed.append(hash)
            return super().verify(hash, password)

    monkeypatch.setattr(passwords, "_hasher", RecordingHasher())
    login("13700000009", "Not-The-Password-1")
    login(make_user().mobile, "Not-The-Password-1")
    assert len(hashed) == 2 and all(h.startswith("$argon2id$") for h in hashed)
