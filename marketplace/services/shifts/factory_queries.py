"""Read-only queries for the factory staff pages, each authorised on the object it reads."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select
from sqlalchemy.orm import joinedload

from ... import policy
from ...errors import NotFound
from ...extensions import db
from ...models import (
    AgreementStatus,
    Application,
    ApplicationStatus,
    Assignment,
    CertificateType,
    Factory,
    FactoryMember,
    LendingAgreement,
    MemberStatus,
    Rating,
    RatingDirection,
    Shift,
    ShiftStatus,
    Skill,
    User,
    WorkerKind,
    WorkerProfile,
    utcnow,
)
from .. import authz
from ..lending.report import AgreementHours, agreement_report
from ..ranking.bridge import SHANGHAI, Candidate, rank_lendable, rank_workers

S = ApplicationStatus
# The order applicants are listed in: the ones waiting for a decision first.
_APPLICANT_ORDER = (S.APPLIED, S.OFFERED, S.WAITLISTED, S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED)
# Applications whose worker was (or is) on the shift: the attendance list.
ON_SHIFT = (S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED, S.NO_SHOW)
_CLOSED = (ShiftStatus.REJECTED, ShiftStatus.CANCELLED, ShiftStatus.COMPLETED)
SHIFT_GROUPS = ("draft", "pending", "open", "filled", "past")
ZERO = Decimal("0.00")


def my_factories(actor: User) -> list[Factory]:
    """The factories the actor may act for, oldest membership first."""
    query = (
        select(Factory)
        .join(FactoryMember, FactoryMember.factory_id == Factory.id)
        .where(FactoryMember.user_id == actor.id, FactoryMember.status == MemberStatus.ACTIVE)
        .order_by(FactoryMember.id)
    )
    return [f for f in db.session.scalars(query) if policy.can_act_for_factory(actor, f)]


def factory_for(actor: User, factory_id: int | None = None) -> Factory:
    """The named factory if the actor acts for it, else their first one; Forbidden if none."""
    if factory_id is None:
        factories = my_factories(actor)
        authz.require(bool(factories), actor, "factory.view")
        return factories[0]
    factory = db.session.get(Factory, factory_id)
    if factory is None:
        raise NotFound(_l("No such factory."))
    authz.require(policy.can_act_for_factory(actor, factory), actor, "factory.view", factory)
    return factory


def shift_group(shift: Shift, now) -> str:
    """Which list of 'my shifts' the shift belongs to."""
    if shift.status in _CLOSED or shift.ends_at <= now:
        return "past"
    if shift.status == ShiftStatus.DRAFT:
        return "draft"
    if shift.status == ShiftStatus.PENDING_REVIEW:
        return "pending"
    return "filled" if shift.is_full else "open"


def shifts_by_group(actor: User, factory_id: int | None = None) -> dict[str, list[Shift]]:
    """The factory's shifts as draft, pending, open, filled and past; past ones newest first."""
    factory = factory_for(actor, factory_id)
    query = (
        select(Shift)
        .where(Shift.factory_id == factory.id)
        .options(joinedload(Shift.site))
        .order_by(Shift.starts_at, Shift.id)
    )
    now = utcnow()
    groups: dict[str, list[Shift]] = {name: [] for name in SHIFT_GROUPS}
    for shift in db.session.scalars(query):
        groups[shift_group(shift, now)].append(shift)
    groups["past"].reverse()
    return groups


def managed_shift(actor: User, shift_id: int, action: str = "shift.view") -> Shift:
    """The shift, if the actor is staff of its factory (else Forbidden, audited)."""
    shift = db.session.get(Shift, shift_id)
    if shift is None:
        raise NotFound(_l("No such shift."))
    authz.require(policy.can_manage_shift(actor, shift), actor, action, shift)
    return shift


@dataclass
class ShiftOverview:
    """A shift with every application for it, those waiting for a decision first."""

    shift: Shift
    applications: list[Application]


def shift_overview(actor: User, shift_id: int) -> ShiftOverview:
    """The shift and its applicants with their states, for the factory's staff."""
    shift = managed_shift(actor, shift_id, "shift.applications")
    order = case({s: i for i, s in enumerate(_APPLICANT_ORDER)}, value=Application.status, else_=9)
    query = (
        select(Application)
        .where(Application.shift_id == shift.id)
        .options(joinedload(Application.worker).joinedload(WorkerProfile.user))
        .order_by(order, Application.created_at, Application.id)
    )
    return ShiftOverview(shift, list(db.session.scalars(query)))


@dataclass
class ShiftCandidates:
    """The best-ranked workers for a shift, with their application for it if they have one."""

    shift: Shift
    candidates: list[Candidate]
    applications: dict[int, Application]  # by worker id
    lendable: list[Candidate]  # idle employees of other factories, if a loan were agreed
    employers: dict[int, str]  # worker id -> the lending employer's name, for `lendable`


def shift_candidates(actor: User, shift_id: int, *, k: int = 50) -> ShiftCandidates:
    """Ranked candidates (score breakdown, distance) for the factory's own shift."""
    shift = managed_shift(actor, shift_id, "shift.matches")
    candidates = rank_workers(actor, shift.id, k=k)
    ids = [c.worker_id for c in candidates]
    query = select(Application).where(
        Application.shift_id == shift.id, Application.worker_id.in_(ids)
    )
    applications = {a.worker_id: a for a in db.session.scalars(query)} if ids else {}
    lendable = rank_lendable(actor, shift.id, k=20)
    return ShiftCandidates(shift, candidates, applications, lendable, _employers(lendable))


def _employers(candidates: list[Candidate]) -> dict[int, str]:
    ids = [c.worker_id for c in candidates]
    if not ids:
        return {}
    query = (
        select(WorkerProfile.id, Factory.name)
        .join(Factory, Factory.id == WorkerProfile.lender_factory_id)
        .where(WorkerProfile.id.in_(ids))
    )
    return dict(db.session.execute(query).all())


@dataclass(frozen=True)
class LendingCandidate:
    """A worker the factory may ask to borrow for its shift, and the shift's local days."""

    shift: Shift
    worker: WorkerProfile
    first_day: date
    last_day: date


def lending_candidate(actor: User, shift_id: int, worker_id: int) -> LendingCandidate:
    """The shift (the actor's own) and the idle employee to ask for; the request checks more."""
    shift = managed_shift(actor, shift_id, "lending.request")
    worker = db.session.get(WorkerProfile, worker_id)
    if worker is None or worker.kind != WorkerKind.IDLE_EMPLOYEE or worker.lender is None:
        raise NotFound(_l("No such idle employee."))
    last = (shift.ends_at - timedelta(microseconds=1)).astimezone(SHANGHAI).date()
    return LendingCandidate(shift, worker, shift.starts_at.astimezone(SHANGHAI).date(), last)


@dataclass
class AttendanceRow:
    """A worker on the shift: their application, attendance, and the factory's rating if any."""

    application: Application
    assignment: Assignment | None
    rating: Rating | None = None


@dataclass
class ShiftAttendance:
    shift: Shift
    rows: list[AttendanceRow]


def shift_attendance(actor: User, shift_id: int) -> ShiftAttendance:
    """The workers who hold or held a place on the shift, for check-in, check-out and rating."""
    shift = managed_shift(actor, shift_id, "shift.attendance")
    query = (
        select(Application)
        .where(Application.shift_id == shift.id, Application.status.in_(ON_SHIFT))
        .options(
            joinedload(Application.worker).joinedload(WorkerProfile.user),
            joinedload(Application.assignment).selectinload(Assignment.ratings),
        )
        .order_by(Application.id)
    )
    rows = []
    for application in db.session.scalars(query).unique():
        assignment = application.assignment
        ratings = assignment.ratings if assignment is not None else []
        mine = [r for r in ratings if r.direction == RatingDirection.FACTORY_RATES_WORKER]
        rows.append(AttendanceRow(application, assignment, mine[0] if mine else None))
    return ShiftAttendance(shift, rows)


@dataclass
class FactoryAgreements:
    """A factory's lending agreements: its own staff lent out, and the workers it borrows."""

    factory: Factory
    as_lender: list[LendingAgreement]
    as_borrower: list[LendingAgreement]

    @property
    def requests(self) -> list[LendingAgreement]:
        return [a for a in self.as_lender if a.status == AgreementStatus.REQUESTED]


def factory_agreements(actor: User, factory_id: int | None = None) -> FactoryAgreements:
    """The factory's agreements as lender and as borrower, newest first."""
    factory = factory_for(actor, factory_id)
    query = (
        select(LendingAgreement)
        .options(
            joinedload(LendingAgreement.worker).joinedload(WorkerProfile.user),
            joinedload(LendingAgreement.lender),
            joinedload(LendingAgreement.borrower),
        )
        .order_by(LendingAgreement.created_at.desc(), LendingAgreement.id.desc())
    )
    lent = query.where(LendingAgreement.lender_factory_id == factory.id)
    borrowed = query.where(LendingAgreement.borrower_factory_id == factory.id)
    return FactoryAgreements(
        factory, list(db.session.scalars(lent)), list(db.session.scalars(borrowed))
    )


def shift_choices() -> tuple[list[Skill], list[CertificateType]]:
    """The skills and certificate types a shift may ask for (reference data, no secrets)."""
    skills = list(db.session.scalars(select(Skill).order_by(Skill.industry, Skill.code)))
    certificates = list(db.session.scalars(select(CertificateType).order_by(CertificateType.code)))
    return skills, certificates


@dataclass
class Settlement:
    """The settlement report of one factory, with totals for each side it is on."""

    factory: Factory
    lines: list[AgreementHours]

    @property
    def due_to_lenders(self) -> Decimal:
        """What the factory owes for the workers it borrowed."""
        mine = self.factory.id
        return sum(
            (x.amount_due_cny for x in self.lines if x.agreement.borrower_factory_id == mine), ZERO
        )

    @property
    def due_from_borrowers(self) -> Decimal:
        """What the factory is owed for its staff lent out."""
        mine = self.factory.id
        return sum(
            (x.amount_due_cny for x in self.lines if x.agreement.lender_factory_id == mine), ZERO
        )


def settlement(
    actor: User, factory_id: int | None = None, *, starts_on=None, ends_on=None
) -> Settlement:
    """Hours and amounts per agreement the factory lends or borrows under, over a period."""
    factory = factory_for(actor, factory_id)
    lines = agreement_report(actor, factory.id, starts_on=starts_on, ends_on=ends_on)
    return Settlement(factory, lines)
