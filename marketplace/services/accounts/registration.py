"""Registration and account administration."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ... import policy
from ...errors import Conflict, Invalid, Throttled
from ...extensions import db
from ...identifiers import IdentifierError, normalise_email, normalise_mobile, normalise_national_id
from ...models import (
    Association,
    AttemptKind,
    District,
    Role,
    User,
    UserStatus,
    WorkerKind,
    WorkerProfile,
)
from .. import audit, authz
from ..common import text_field
from ..shifts import closing
from . import sessions, throttle
from .passwords import hash_password, password_problems, verify_password


@dataclass
class Credentials:
    """What every new account needs; mobile or email may be blank, not both."""

    name: str
    password: str
    mobile: str = ""
    email: str = ""


@dataclass
class WorkerSignup:
    kind: str
    district_id: int
    national_id: str = ""
    max_travel_km: float = 20.0


def validate_credentials(creds: Credentials, errors: dict) -> tuple[str | None, str | None]:
    """Normalise mobile and email, check the password; field messages go into errors."""
    mobile = email = None
    name = creds.name.strip()
    if not name:
        errors.setdefault("name", []).append(_l("Enter your name."))
    elif len(name) > 80:
        errors.setdefault("name", []).append(_l("Use at most 80 characters."))
    if not creds.mobile.strip() and not creds.email.strip():
        errors.setdefault("mobile", []).append(_l("Enter a mobile number or an email address."))
    if creds.mobile.strip():
        try:
            mobile = normalise_mobile(creds.mobile)
        except IdentifierError as exc:
            errors.setdefault("mobile", []).append(exc.message)
    if creds.email.strip():
        try:
            email = normalise_email(creds.email)
        except IdentifierError as exc:
            errors.setdefault("email", []).append(exc.message)
    problems = password_problems(creds.password, [name, creds.mobile, creds.email])
    if problems:
        errors.setdefault("password", []).extend(problems)
    _check_not_taken(mobile, email, errors)
    return mobile, email


def _check_not_taken(mobile: str | None, email: str | None, errors: dict) -> None:
    if mobile and db.session.scalar(select(User.id).where(User.mobile == mobile)):
        errors.setdefault("mobile", []).append(_l("This mobile number is already registered."))
    if email and db.session.scalar(select(User.id).where(User.email == email)):
        errors.setdefault("email", []).append(_l("This email address is already registered."))


def new_user(creds: Credentials, role: Role, mobile, email, **extra) -> User:
    """A User row, added to the session, with the password hashed."""
    user = User(
        role=role,
        name=creds.name.strip(),
        mobile=mobile,
        email=email,
        password_hash=hash_password(creds.password),
        **extra,
    )
    db.session.add(user)
    return user


def commit_new_account(action: str, user: User, **details) -> User:
    """Commit a registration; a concurrent duplicate becomes a clear Conflict."""
    audit.record(action, actor=user, obj=user, **details)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(
            _l("Someone registered the same details a moment ago. Please check and try again.")
        ) from exc
    return user


def check_registration_rate(creds: Credentials, ip: str | None) -> None:
    """Registration reveals whether a number is taken: limit how fast anyone can ask.

    Counted per address and per mobile number or email asked about (as keyed hashes).
    """
    limits = throttle.registration_limits()
    keys = [_registration_key(value) for value in (creds.mobile, creds.email) if value.strip()]
    recorded = []
    try:
        # The address is counted once per registration, on the first row.
        for n, key in enumerate(keys or [None]):
            address = ip if n == 0 else None
            recorded.append(throttle.record_attempt(AttemptKind.REGISTRATION, key, address, limits))
    except Throttled:
        # A refused registration counts for none of its keys, as a refused attempt never does.
        throttle.forget_attempts(recorded)
        raise


def _registration_key(value: str) -> str:
    value = value.strip()
    try:
        value = normalise_email(value) if "@" in value else normalise_mobile(value)
    except IdentifierError:
        value = value.lower()
    return throttle.keyed_hash(f"register:{value}")


def register_worker(creds: Credentials, signup: WorkerSignup, *, ip: str | None) -> User:
    """Create a worker account and profile, homed at the chosen district's centre."""
    check_registration_rate(creds, ip)
    errors: dict = {}
    mobile, email = validate_credentials(creds, errors)
    district = _worker_fields(signup, errors)
    national_id = _national_id(signup.national_id, errors)
    if errors:
        raise Invalid(_l("Please correct the marked fields."), fields=errors)
    user = new_user(creds, Role.WORKER, mobile, email)
    user.worker_profile = WorkerProfile(
        kind=WorkerKind(signup.kind),
        home_district_id=district.id,
        home_lat=district.lat,
        home_lon=district.lon,
        max_travel_km=signup.max_travel_km,
        national_id=national_id,
    )
    return commit_new_account("account.registered", user, role=Role.WORKER.value)


def _worker_fields(signup: WorkerSignup, errors: dict) -> District | None:
    if signup.kind not in {k.value for k in WorkerKind}:
        errors.setdefault("kind", []).append(_l("Choose what kind of worker you are."))
    if not 0 < signup.max_travel_km <= 500:
        errors.setdefault("max_travel_km", []).append(_l("Enter a distance from 1 to 500 km."))
    district = db.session.get(District, signup.district_id) if signup.district_id else None
    if district is None:
        errors.setdefault("district_id", []).append(_l("Choose your district."))
    return district


def _national_id(raw: str, errors: dict) -> str | None:
    if not raw.strip():
        return None
    try:
        number = normalise_national_id(raw)
    except IdentifierError as exc:
        errors.setdefault("national_id", []).append(exc.message)
        return None
    if db.session.scalar(select(WorkerProfile.id).where(WorkerProfile.national_id == number)):
        errors.setdefault("national_id", []).append(
            _l("This identity card number is already registered.")
        )
    return number


def create_staff_user(creds: Credentials, role: Role, association_id: int | None) -> User:
    """Create a moderator or admin (the create-user command; no self-registration)."""
    if role not in (Role.MODERATOR, Role.ADMIN):
        raise Invalid(_l("Only moderators and admins are created this way."))
    errors: dict = {}
    mobile, email = validate_credentials(creds, errors)
    if role == Role.MODERATOR and db.session.get(Association, association_id or 0) is None:
        errors.setdefault("association", []).append(_l("A moderator belongs to an association."))
    if errors:
        raise Invalid(_l("Please correct the marked fields."), fields=errors)
    user = new_user(
        creds,
        role,
        mobile,
        email,
        association_id=association_id if role == Role.MODERATOR else None,
    )
    return commit_new_account("account.created", user, role=role.value)


def suspend_user(actor: User, user: User, reason: str) -> User:
    """Suspend an account and end all its sessions and API tokens at once."""
    authz.require(policy.can_suspend_user(actor, user), actor, "account.suspend", user)
    if user.status == UserStatus.SUSPENDED:
        raise Conflict(_l("This account is already suspended."))
    reason = text_field(reason, required=True, max_length=1000)
    user.status = UserStatus.SUSPENDED
    sessions.end_everything(user)
    if user.worker_profile is not None:
        # A suspended worker must not keep places others could fill, nor be offered new ones.
        closing.release_worker(actor, user.worker_profile, reason)
    audit.record(
        "account.suspended",
        actor=actor,
        obj=user,
        association_id=actor.association_id,
        reason=reason,
    )
    db.session.commit()
    return user


def reinstate_user(actor: User, user: User) -> User:
    """Lift a suspension; the user logs in again."""
    authz.require(policy.can_suspend_user(actor, user), actor, "account.reinstate", user)
    if user.status != UserStatus.SUSPENDED:
        raise Conflict(_l("This account is not suspended."))
    user.status = UserStatus.ACTIVE
    audit.record("account.reinstated", actor=actor, obj=user, association_id=actor.association_id)
    db.session.commit()
    return user


def change_password(user: User, current: str, new: str, *, ip: str | None) -> User:
    """Change one's own password; every other session and every API token of the user ends.

    The current password is checked like a login (throttled, failures audited), so a
    stolen session cannot be turned into the password by guessing here.
    """
    problems = password_problems(new or "", [user.name, user.mobile or "", user.email or ""])
    if problems:  # before the attempt is counted: choosing a weak password is not a failed login
        raise Invalid(_l("Please correct the marked fields."), fields={"password": problems})
    key = sessions.account_key(user)
    sessions.count_password_attempt(
        key, ip, "auth.password_change_throttled", actor=user, user=user
    )
    if not verify_password(user.password_hash, current or ""):
        audit.record("auth.password_change_failed", actor=user, obj=user)
        db.session.commit()
        message = _l("The current password is wrong.")
        raise Invalid(message, fields={"current_password": [message]})
    throttle.forget_account(AttemptKind.LOGIN, key)
    user.password_hash = hash_password(new)
    ended, tokens = sessions.end_everything(user, keep_token=user.session_token)
    audit.record("auth.password_changed", actor=user, obj=user, sessions=ended, tokens=tokens)
    db.session.commit()
    return user


def set_locale(user: User | None, locale: str) -> bool:
    """Remember the interface language on the account; False for an unknown language."""
    if locale not in current_app.config["LANGUAGES"]:
        return False
    if user is not None:
        user.locale = locale
        db.session.commit()
    return True
