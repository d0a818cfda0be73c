"""Factories, for their own staff: details, sites, and (for owners) members and admitting them."""

from ..schemas.factories import (
    FactoryListSchema,
    FactorySchema,
    FactorySiteSchema,
    MemberListSchema,
    MemberSchema,
    SiteInputSchema,
    SiteListSchema,
)
from ..services.organisations import factories, sites
from ..services.shifts import factory_queries
from .base import Blueprint
from .security import auth_required, current_actor

blp = Blueprint(
    "api_factories",
    __name__,
    url_prefix="/factories",
    description="The caller's factories: details, sites, members and their admission.",
)


@blp.get("")
@auth_required(blp)
@blp.response(200, FactoryListSchema)
def list_factories():
    """The factories the caller acts for (none for other roles)."""
    return {"items": factory_queries.my_factories(current_actor())}


@blp.get("/<int:factory_id>")
@auth_required(blp)
@blp.response(200, FactorySchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_factory(factory_id):
    """One of the caller's factories, with its association, verification status and sites."""
    return factory_queries.factory_for(current_actor(), factory_id)


@blp.get("/<int:factory_id>/sites")
@auth_required(blp)
@blp.response(200, SiteListSchema)
@blp.alt_response(404, response="NOT_FOUND")
def list_sites(factory_id):
    """The sites of one of the caller's factories."""
    return {"items": factory_queries.factory_for(current_actor(), factory_id).sites}


@blp.post("/<int:factory_id>/sites")
@auth_required(blp)
@blp.arguments(SiteInputSchema)
@blp.response(201, FactorySiteSchema)
@blp.alt_response(404, response="NOT_FOUND")
def add_site(data, factory_id):
    """An owner adds a site (at the district's centre unless lat and lon are given)."""
    return sites.add_site(current_actor(), factory_id, sites.NewSite(**data))


@blp.get("/<int:factory_id>/members")
@auth_required(blp)
@blp.response(200, MemberListSchema)
@blp.alt_response(404, response="NOT_FOUND")
def list_members(factory_id):
    """For owners: the factory's staff, requests to join first."""
    return {"items": factories.factory_members(current_actor(), factory_id)}


@blp.post("/<int:factory_id>/members/<int:member_id>/admit")
@auth_required(blp)
@blp.response(200, MemberSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT")
def admit_member(factory_id, member_id):
    """An owner admits a request to join; the person may then act for the factory."""
    return factories.admit_member(current_actor(), member_id, factory_id=factory_id)
