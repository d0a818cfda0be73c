"""Who may do what to which object: pure predicates. Services ask here and nowhere else.

Services turn a refusal into an audit event and a Forbidden error (services/authz.py).
"""

from sqlalchemy import select

from .extensions import db
from .models import (
    Factory,
    FactoryMember,
    MemberRole,
    MemberStatus,
    Role,
    User,
    VerificationStatus,
)


def is_admin(user: User | None) -> bool:
    return user is not None and user.role == Role.ADMIN


def active_membership(user: User | None, factory_id: int) -> FactoryMember | None:
    """The user's admitted membership of the factory, if any."""
    if user is None or user.role != Role.FACTORY_STAFF:
        return None
    return db.session.scalar(
        select(FactoryMember).where(
            FactoryMember.user_id == user.id,
            FactoryMember.factory_id == factory_id,
            FactoryMember.status == MemberStatus.ACTIVE,
        )
    )


def can_act_for_factory(user: User | None, factory: Factory) -> bool:
    """Factory staff act for a factory that admitted them, unless it is rejected or suspended.

    A pending factory may act: its postings wait for the association's review.
    """
    if factory.verification_status in (VerificationStatus.REJECTED, VerificationStatus.SUSPENDED):
        return False
    return active_membership(user, factory.id) is not None


def can_admit_member(user: User | None, factory: Factory) -> bool:
    """Owners admit new staff of their own factory."""
    membership = active_membership(user, factory.id)
    return membership is not None and membership.role == MemberRole.OWNER


def moderates(user: User | None, association_id: int | None) -> bool:
    """A moderator acts only within their own association; admins everywhere."""
    if is_admin(user):
        return True
    return (
        user is not None
        and user.role == Role.MODERATOR
        and association_id is not None
        and user.association_id == association_id
    )


def user_association_ids(user: User) -> set[int]:
    """The associations a non-staff user belongs to, through factories."""
    factory_ids = [m.factory_id for m in user.memberships if m.status == MemberStatus.ACTIVE]
    if user.worker_profile is not None and user.worker_profile.lender_factory_id:
        factory_ids.append(user.worker_profile.lender_factory_id)
    if not factory_ids:
        return set()
    rows = db.session.scalars(select(Factory.association_id).where(Factory.id.in_(factory_ids)))
    return set(rows)


def can_suspend_user(actor: User | None, target: User) -> bool:
    """Admins suspend anyone but themselves; moderators the users tied to their association."""
    if actor is None or actor.id == target.id:
        return False
    if is_admin(actor):
        return True
    if target.role in (Role.ADMIN, Role.MODERATOR):
        return False
    return any(moderates(actor, a) for a in user_association_ids(target))
