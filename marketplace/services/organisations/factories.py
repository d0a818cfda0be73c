"""Factory registration, joining a factory, and its staff: listing and admitting them."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select
from sqlalchemy.orm import joinedload

from ... import policy
from ...errors import Conflict, Invalid, NotFound
from ...extensions import db
from ...identifiers import IdentifierError, normalise_uscc
from ...models import (
    Association,
    District,
    Factory,
    FactoryMember,
    Industry,
    MemberRole,
    MemberStatus,
    Role,
    Site,
    User,
)
from .. import audit, authz
from ..accounts.registration import (
    Credentials,
    check_registration_rate,
    commit_new_account,
    new_user,
    validate_credentials,
)


@dataclass
class NewFactory:
    """A factory created at registration, with its first site."""

    name: str
    uscc: str
    industry: str
    association_id: int
    site_address: str
    district_id: int
    lat: float | None = None  # defaults to the district centre
    lon: float | None = None


def register_with_new_factory(creds: Credentials, new: NewFactory, *, ip: str | None) -> User:
    """Staff account plus a factory awaiting its association's verification."""
    check_registration_rate(creds, ip)
    errors: dict = {}
    mobile, email = validate_credentials(creds, errors)
    code = _factory_fields(new, errors)
    association = db.session.get(Association, new.association_id or 0)
    district = db.session.get(District, new.district_id or 0)
    if association is None:
        errors.setdefault("association_id", []).append(_l("Choose your industry association."))
    if district is None:
        errors.setdefault("district_id", []).append(_l("Choose the district of your site."))
    if errors:
        raise Invalid(_l("Please correct the marked fields."), fields=errors)
    user = new_user(creds, Role.FACTORY_STAFF, mobile, email)
    factory = Factory(
        name=new.name.strip(), uscc=code, industry=Industry(new.industry), association=association
    )
    db.session.add(factory)
    factory.sites.append(_first_site(new, factory, district))
    db.session.add(
        FactoryMember(factory=factory, user=user, role=MemberRole.OWNER, status=MemberStatus.ACTIVE)
    )
    db.session.flush()
    audit.record("factory.registered", actor=user, obj=factory, association_id=association.id)
    return commit_new_account("account.registered", user, role=Role.FACTORY_STAFF.value)


def _factory_fields(new: NewFactory, errors: dict) -> str | None:
    if not new.name.strip():
        errors.setdefault("factory_name", []).append(_l("Enter the factory's registered name."))
    if new.industry not in {i.value for i in Industry}:
        errors.setdefault("industry", []).append(_l("Choose an industry."))
    if not new.site_address.strip():
        errors.setdefault("site_address", []).append(_l("Enter the site's address."))
    if (new.lat is None) != (new.lon is None):
        errors.setdefault("lat", []).append(_l("Give both latitude and longitude, or neither."))
    try:
        code = normalise_uscc(new.uscc)
    except IdentifierError as exc:
        errors.setdefault("uscc", []).append(exc.message)
        return None
    if db.session.scalar(select(Factory.id).where(Factory.uscc == code)):
        errors.setdefault("uscc", []).append(
            _l("This factory is already registered: choose to join it instead.")
        )
    return code


def _first_site(new: NewFactory, factory: Factory, district: District) -> Site:
    lat = new.lat if new.lat is not None else district.lat
    lon = new.lon if new.lon is not None else district.lon
    return Site(
        factory=factory,
        name=new.name.strip(),
        address=new.site_address.strip(),
        district=district,
        lat=lat,
        lon=lon,
    )


def register_joining_factory(creds: Credentials, uscc: str, *, ip: str | None) -> User:
    """Staff account that asks to join a registered factory; an owner admits it."""
    check_registration_rate(creds, ip)
    errors: dict = {}
    mobile, email = validate_credentials(creds, errors)
    factory = None
    try:
        factory = db.session.scalar(select(Factory).where(Factory.uscc == normalise_uscc(uscc)))
        if factory is None:
            errors.setdefault("uscc", []).append(
                _l("No factory with this credit code is registered: register it instead.")
            )
    except IdentifierError as exc:
        errors.setdefault("uscc", []).append(exc.message)
    if errors:
        raise Invalid(_l("Please correct the marked fields."), fields=errors)
    user = new_user(creds, Role.FACTORY_STAFF, mobile, email)
    db.session.add(
        FactoryMember(
            factory=factory, user=user, role=MemberRole.STAFF, status=MemberStatus.PENDING
        )
    )
    return commit_new_account(
        "account.registered", user, role=Role.FACTORY_STAFF.value, joining_factory_id=factory.id
    )


def admit_member(actor: User, member_id: int, *, factory_id: int | None = None) -> FactoryMember:
    """An owner admits a pending member of their own factory (of factory_id, if given)."""
    member = db.session.get(FactoryMember, member_id)
    if member is None or factory_id not in (None, member.factory_id):
        raise NotFound(_l("No such membership request."))
    authz.require(policy.can_admit_member(actor, member.factory), actor, "factory.admit", member)
    if member.status != MemberStatus.PENDING:
        raise Conflict(_l("This person is already a member."))
    member.status = MemberStatus.ACTIVE
    audit.record(
        "factory.member_admitted",
        actor=actor,
        obj=member,
        association_id=member.factory.association_id,
    )
    db.session.commit()
    return member


def factory_members(actor: User, factory_id: int) -> list[FactoryMember]:
    """Everyone who acts for the factory or asks to, for its owners: requests first."""
    factory = db.session.get(Factory, factory_id)
    if factory is None:
        raise NotFound(_l("No such factory."))
    authz.require(policy.can_admit_member(actor, factory), actor, "factory.members", factory)
    pending_first = case((FactoryMember.status == MemberStatus.PENDING, 0), else_=1)
    query = (
        select(FactoryMember)
        .where(FactoryMember.factory_id == factory.id)
        .options(joinedload(FactoryMember.user))
        .order_by(pending_first, FactoryMember.id)
    )
    return list(db.session.scalars(query))


def pending_members(actor: User, factory: Factory) -> list[FactoryMember]:
    """Requests to join the factory, for its owners."""
    authz.require(policy.can_admit_member(actor, factory), actor, "factory.members", factory)
    query = select(FactoryMember).where(
        FactoryMember.factory_id == factory.id, FactoryMember.status == MemberStatus.PENDING
    )
    return list(db.session.scalars(query))
