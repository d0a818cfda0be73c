"""A factory's sites: its owners add the places where its work happens."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ... import policy
from ...errors import Invalid, NotFound
from ...extensions import db
from ...models import District, Factory, Site, User
from .. import audit, authz

NAME_MAX_LENGTH = 120  # Site.name
ADDRESS_MAX_LENGTH = 255  # Site.address


@dataclass
class NewSite:
    """A site to add; without lat/lon it stands at its district's centre."""

    name: str
    address: str
    district_id: int
    lat: float | None = None
    lon: float | None = None


def add_site(actor: User, factory_id: int, new: NewSite) -> Site:
    """An owner adds a site to their own factory."""
    factory = db.session.get(Factory, factory_id)
    if factory is None:
        raise NotFound(_l("No such factory."))
    authz.require(policy.can_edit_factory(actor, factory), actor, "factory.add_site", factory)
    errors: dict = {}
    name = _text(new.name, "name", NAME_MAX_LENGTH, _l("Name the site."), errors)
    missing_address = _l("Enter the site's address.")
    address = _text(new.address, "address", ADDRESS_MAX_LENGTH, missing_address, errors)
    district = db.session.get(District, new.district_id or 0)
    if district is None:
        errors["district_id"] = [_l("Choose the district of your site.")]
    _check_position(new.lat, new.lon, errors)
    if errors:
        raise Invalid(_l("Please correct the marked fields."), fields=errors)
    site = Site(
        factory=factory,
        name=name,
        address=address,
        district=district,
        lat=new.lat if new.lat is not None else district.lat,
        lon=new.lon if new.lon is not None else district.lon,
    )
    db.session.add(site)
    audit.record("factory.site_added", actor=actor, obj=site, association_id=factory.association_id)
    db.session.commit()
    return site


def _text(value: str | None, field: str, max_length: int, missing, errors: dict) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = [missing]
    elif len(value) > max_length:
        errors[field] = [_l("Use at most %(n)d characters.", n=max_length)]
    return value


def _check_position(lat: float | None, lon: float | None, errors: dict) -> None:
    if (lat is None) != (lon is None):
        errors["lat"] = [_l("Give both latitude and longitude, or neither.")]
    elif lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        errors["lat"] = [_l("Give the point as lat,lon in degrees.")]
