"""Who may do what to which object: pure predicates. Services ask here and nowhere else.

Services turn a refusal into an audit event and a Forbidden error (services/authz.py).
"""

from sqlalchemy import exists, false, or_, select, true, union

from .extensions import db
from .models import (
    WORKER_ACCEPTED_STATES,
    Application,
    ApplicationOrigin,
    ApplicationStatus,
    Assignment,
    Factory,
    FactoryMember,
    LendingAgreement,
    MemberRole,
    MemberStatus,
    Report,
    Role,
    RosterImport,
    Shift,
    TrainingEnrolment,
    TrainingSession,
    User,
    VerificationStatus,
    WorkerProfile,
)

# A factory in these states acts for nothing (its staff keep their membership).
_BARRED = (VerificationStatus.REJECTED, VerificationStatus.SUSPENDED)


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
    if factory.verification_status in _BARRED:
        return False
    return active_membership(user, factory.id) is not None


def can_admit_member(user: User | None, factory: Factory) -> bool:
    """Owners admit new staff of their own factory."""
    membership = active_membership(user, factory.id)
    return membership is not None and membership.role == MemberRole.OWNER


def can_edit_factory(user: User | None, factory: Factory) -> bool:
    """Owners change their factory's details (its sites), while it may act at all."""
    return can_act_for_factory(user, factory) and can_admit_member(user, factory)


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


def application_ties():
    """SQL condition on Application: the rows that tie the worker to the shift's association.

    Only what the worker chose: an application they made (or a waiting-list place), or an
    offer they accepted (its state says so; a place cancelled afterwards keeps its assignment).
    An invitation or a placement run's offer the worker never took up ties them to nobody.
    """
    return or_(
        Application.origin == ApplicationOrigin.WORKER,
        Application.status.in_(sorted(WORKER_ACCEPTED_STATES)),
        exists().where(Assignment.application_id == Application.id),
    )


def chosen_ties(association_id: int) -> tuple:
    """Queries of worker ids tied to the association by their own choice: applied, trained."""
    applied = (
        select(Application.worker_id)
        .join(Shift, Shift.id == Application.shift_id)
        .join(Factory, Factory.id == Shift.factory_id)
        .where(Factory.association_id == association_id, application_ties())
    )
    trained = (
        select(TrainingEnrolment.worker_id)
        .join(TrainingSession, TrainingSession.id == TrainingEnrolment.session_id)
        .where(TrainingSession.association_id == association_id)
    )
    return applied, trained


def worker_association_ids(worker: WorkerProfile) -> set[int]:
    """Associations responsible for a worker: lender's, where they applied, where they trained."""
    lender = select(Factory.association_id).where(Factory.id == worker.lender_factory_id)
    applied = (
        select(Factory.association_id)
        .join(Shift, Shift.factory_id == Factory.id)
        .join(Application, Application.shift_id == Shift.id)
        .where(Application.worker_id == worker.id, application_ties())
    )
    trained = (
        select(TrainingSession.association_id)
        .join(TrainingEnrolment, TrainingEnrolment.session_id == TrainingSession.id)
        .where(TrainingEnrolment.worker_id == worker.id)
    )
    return set(db.session.scalars(union(lender, applied, trained)))


def user_association_ids(user: User) -> set[int]:
    """The associations a non-staff user belongs to, through factories or as a worker."""
    factory_ids = [m.factory_id for m in user.memberships if m.status == MemberStatus.ACTIVE]
    found = set()
    if factory_ids:
        query = select(Factory.association_id).where(Factory.id.in_(factory_ids))
        found |= set(db.session.scalars(query))
    if user.worker_profile is not None:
        found |= worker_association_ids(user.worker_profile)
    return found


def can_suspend_user(actor: User | None, target: User) -> bool:
    """Admins suspend anyone but themselves; moderators the users tied to their association."""
    if actor is None or actor.id == target.id:
        return False
    if is_admin(actor):
        return True
    if target.role in (Role.ADMIN, Role.MODERATOR):
        return False
    return any(moderates(actor, a) for a in user_association_ids(target))


def can_manage_shift(user: User | None, shift: Shift) -> bool:
    """Staff of the shift's own factory post, edit, cancel and staff it."""
    return can_act_for_factory(user, shift.factory)


def shifts_seen_in_every_state(user: User | None):
    """SQL condition on Shift: the shifts whose drafts and reviews the user may see.

    The same rule as can_manage_shift or can_moderate_shift, for a list instead of one shift.
    """
    if is_admin(user):
        return true()
    if user is None:
        return false()
    if user.role == Role.FACTORY_STAFF:
        own = (
            select(FactoryMember.factory_id)
            .join(Factory, Factory.id == FactoryMember.factory_id)
            .where(
                FactoryMember.user_id == user.id,
                FactoryMember.status == MemberStatus.ACTIVE,
                Factory.verification_status.not_in(_BARRED),
            )
        )
        return Shift.factory_id.in_(own)
    if user.role == Role.MODERATOR and user.association_id is not None:
        members = select(Factory.id).where(Factory.association_id == user.association_id)
        return Shift.factory_id.in_(members)
    return false()


# Once a worker holds (or held) a place, the factory needs a way to reach and identify them.
HOLDS_A_PLACE = (
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.IN_PROGRESS,
    ApplicationStatus.COMPLETED,
    ApplicationStatus.NO_SHOW,
)


def can_see_worker_contact(user: User | None, application: Application) -> bool:
    """The shift's factory staff see the worker's numbers (masked) once they hold a place."""
    return application.status in HOLDS_A_PLACE and can_manage_shift(user, application.shift)


def can_moderate_factory(user: User | None, factory: Factory) -> bool:
    return moderates(user, factory.association_id)


def can_moderate_shift(user: User | None, shift: Shift) -> bool:
    return moderates(user, shift.factory.association_id)


def is_self(user: User | None, worker: WorkerProfile) -> bool:
    """The user is this worker."""
    return (
        user is not None and user.worker_profile is not None and user.worker_profile.id == worker.id
    )


def can_moderate_worker(user: User | None, worker: WorkerProfile) -> bool:
    """Admins, or moderators of an association the worker is tied to."""
    if is_admin(user):
        return True
    return any(moderates(user, a) for a in worker_association_ids(worker))


def can_handle_report(user: User | None, report: Report) -> bool:
    return moderates(user, report.association_id)


def can_act_as_lender(user: User | None, agreement: LendingAgreement) -> bool:
    return can_act_for_factory(user, agreement.lender)


def can_act_as_borrower(user: User | None, agreement: LendingAgreement) -> bool:
    return can_act_for_factory(user, agreement.borrower)


def can_view_agreement(user: User | None, agreement: LendingAgreement) -> bool:
    """Both factories, the worker, and the moderators of either factory's association."""
    return (
        can_act_as_lender(user, agreement)
        or can_act_as_borrower(user, agreement)
        or is_self(user, agreement.worker)
        or moderates(user, agreement.lender.association_id)
        or moderates(user, agreement.borrower.association_id)
    )


def can_manage_training(user: User | None, session: TrainingSession) -> bool:
    return moderates(user, session.association_id)


def can_read_audit(user: User | None, association_id: int | None) -> bool:
    """Moderators read their association's trail; admins everything (association None = all)."""
    if association_id is None:
        return is_admin(user)
    return moderates(user, association_id)


def can_import_factory_roster(user: User | None, factory: Factory) -> bool:
    """A factory's owners import rosters of its own idle staff."""
    return can_act_for_factory(user, factory) and can_admit_member(user, factory)


def can_import_roster(user: User | None, association_id: int | None) -> bool:
    """Moderators import rosters for their own association; admins for any."""
    return moderates(user, association_id)


def can_view_roster_import(user: User | None, roster_import: RosterImport) -> bool:
    """The importing factory's owners, and the moderators of the association it is for."""
    if roster_import.factory_id is not None and can_import_factory_roster(
        user, roster_import.factory
    ):
        return True
    return moderates(user, roster_import.association_id)
