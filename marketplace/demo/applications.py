"""Applications and assignments: some shifts full, the others with a few applicants."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import islice
from typing import TYPE_CHECKING

from ..models import (
    AgreementStatus,
    ApplicationStatus,
    Payer,
    ShiftStatus,
    WorkerKind,
    kinds_to_mask,
)
from .world import SHANGHAI, World

if TYPE_CHECKING:
    from .postings import ShiftPlan

FULL_SHARE = 0.10  # of open shifts, booked up to their headcount
MAX_APPLICANTS = 8  # on a shift that is not full
WAITLIST_MAX = 3  # applied after a shift filled
SAMPLE = 300  # candidates looked at per tier, so 100,000 workers cost no more than 2,000
PARTIAL_STATUSES = {
    ApplicationStatus.APPLIED: 45,
    ApplicationStatus.OFFERED: 15,
    ApplicationStatus.ACCEPTED: 25,
    ApplicationStatus.DECLINED: 5,
    ApplicationStatus.REJECTED: 5,
    ApplicationStatus.WITHDRAWN: 5,
}
_KIND_BITS = {kind: kinds_to_mask((kind,)) for kind in WorkerKind}


class _Booking:
    """Collects application and assignment rows and each worker's accepted time slots."""

    def __init__(self, world: World):
        self.world = world
        self.applications: list[dict] = []
        self.assignments: list[dict] = []
        self.agreements: dict[tuple[int, int], dict] = {}  # (worker, borrower) -> row
        self.busy: dict[int, list[tuple[datetime, datetime]]] = {}

    def agreement_for(self, plan: "ShiftPlan", worker_id: int) -> int | None:
        """An idle employee works elsewhere only under an approved lending agreement."""
        lender_id = self.world.workers.lender[worker_id - self.world.workers.first_id]
        if lender_id is None:
            return None
        key = (worker_id, plan.factory.id)
        if key not in self.agreements:
            self.agreements[key] = agreement_row(self.world, worker_id, lender_id, plan)
        return self.agreements[key]["id"]

    def add(self, plan: "ShiftPlan", worker_id: int, status: ApplicationStatus) -> None:
        """One application; an accepted one also takes a place and becomes an assignment."""
        world, row = self.world, plan.row
        created = world.between(row["published_at"], world.now)
        updated = (
            created if status == ApplicationStatus.APPLIED else world.between(created, world.now)
        )
        app = {
            "id": world.take_ids("applications", 1)[0],
            "worker_id": worker_id,
            "shift_id": row["id"],
            "status": status,
            "note": "",
            "offer_expires_at": None,
            "cancel_reason": None,
            "late_cancellation": False,
            "lending_agreement_id": self.agreement_for(plan, worker_id),
            "created_at": created,
            "updated_at": updated,
        }
        if status == ApplicationStatus.OFFERED:
            # Offers lapse after a day, and always before the shift starts.
            app["offer_expires_at"] = min(
                world.now + timedelta(days=1), row["starts_at"] - timedelta(hours=2)
            )
        self.applications.append(app)
        if status == ApplicationStatus.ACCEPTED:
            row["accepted_count"] += 1
            self.busy.setdefault(worker_id, []).append((row["starts_at"], row["ends_at"]))
            self.assignments.append(
                {
                    "application_id": app["id"],
                    "shift_id": row["id"],
                    "worker_id": worker_id,
                    "lending_agreement_id": app["lending_agreement_id"],
                    "created_at": updated,
                }
            )

    def can_hold_place(self, plan: "ShiftPlan", worker_id: int) -> bool:
        """Free at that time, available then, and holding every certificate on the day."""
        start, end = plan.row["starts_at"], plan.row["ends_at"]
        if any(s < end and start < e for s, e in self.busy.get(worker_id, ())):
            return False
        windows = self.world.workers.windows.get(worker_id)
        if windows and not any(s <= start and end <= e for s, e in windows):
            return False
        held = self.world.workers.certificates.get(worker_id, {})
        day = start.date()
        return all(held.get(t) is not None and held[t] >= day for t in plan.certificate_ids)


def book(world: World, plans: list["ShiftPlan"]) -> tuple[list[dict], list[dict], list[dict]]:
    """Application, assignment and lending-agreement rows; counts each shift's places."""
    booking = _Booking(world)
    open_plans = [p for p in plans if p.row["status"] == ShiftStatus.OPEN]
    full_count = max(1, round(len(open_plans) * FULL_SHARE))
    full = set(world.rng.sample(range(len(open_plans)), full_count))
    for index, plan in enumerate(open_plans):
        if index in full:
            _fill(booking, plan)
        else:
            _some(booking, plan)
    return booking.applications, booking.assignments, list(booking.agreements.values())


# Demo agreements span the whole two-week demo window, settled at a typical rate.
AGREEMENT_DAYS = 16
SETTLEMENT_RATES = ("22.00", "25.00", "28.00", "30.00")


def agreement_row(
    world: World, worker_id: int, lender_id: int, plan: "ShiftPlan", **period
) -> dict:
    """An approved agreement lending the worker to the plan's factory; by default from today
    for AGREEMENT_DAYS (period: starts_on, ends_on and decided_at to say otherwise)."""
    starts_on = period.get("starts_on", world.now.astimezone(SHANGHAI).date())
    decided_at = period.get("decided_at", world.now)
    return {
        "id": world.take_ids("lending_agreements", 1)[0],
        "worker_id": worker_id,
        "lender_factory_id": lender_id,
        "borrower_factory_id": plan.factory.id,
        "starts_on": starts_on,
        "ends_on": period.get("ends_on", starts_on + timedelta(days=AGREEMENT_DAYS)),
        "wage_payer": world.rng.choice((Payer.LENDER, Payer.BORROWER)),
        "insurance_payer": Payer.LENDER,
        "settlement_rate_cny": Decimal(world.rng.choice(SETTLEMENT_RATES)),
        "status": AgreementStatus.APPROVED,
        "note": "",
        "requested_by_id": plan.factory.owner_user_id or None,
        "decided_by_id": None,
        "decided_at": decided_at,
        "decision_reason": None,
        "created_at": period.get("created_at", decided_at),
    }


def _fill(booking: _Booking, plan: "ShiftPlan") -> None:
    row = plan.row
    candidates = eligible_workers(booking.world, plan)
    for worker_id in candidates:
        if row["accepted_count"] == row["headcount"]:
            break
        if booking.can_hold_place(plan, worker_id):
            booking.add(plan, worker_id, ApplicationStatus.ACCEPTED)
    # Too few suitable workers in a small demo: the employer settles for fewer hands.
    row["headcount"] = max(1, row["accepted_count"])
    if row["accepted_count"] < row["headcount"]:
        return
    for worker_id in islice(candidates, booking.world.rng.randint(0, WAITLIST_MAX)):
        booking.add(plan, worker_id, ApplicationStatus.WAITLISTED)


def _some(booking: _Booking, plan: "ShiftPlan") -> None:
    world, row = booking.world, plan.row
    statuses = tuple(PARTIAL_STATUSES)
    weights = tuple(PARTIAL_STATUSES.values())
    candidates = eligible_workers(world, plan)
    for worker_id in islice(candidates, world.rng.randint(0, MAX_APPLICANTS)):
        status = world.rng.choices(statuses, weights)[0]
        # A shift that is not meant to be full keeps at least one place free.
        if status == ApplicationStatus.ACCEPTED and (
            row["accepted_count"] + 1 >= row["headcount"]
            or not booking.can_hold_place(plan, worker_id)
        ):
            status = ApplicationStatus.APPLIED
        booking.add(plan, worker_id, status)


def eligible_workers(world: World, plan: "ShiftPlan") -> Iterator[int]:
    """Workers the shift may take, each once: skilled enough first, then the rest."""
    seen: set[int] = set()
    for worker_id in _tiers(world, plan):
        if worker_id not in seen and _eligible(world, plan, worker_id):
            seen.add(worker_id)
            yield worker_id


def _tiers(world: World, plan: "ShiftPlan") -> Iterator[int]:
    rng = world.rng
    skill_id, min_level = plan.required[0]
    holders = world.workers.holders.get(skill_id, [])
    good = [w for w, level in holders if level >= min_level]
    weaker = [w for w, level in holders if level < min_level]
    yield from rng.sample(good, min(SAMPLE, len(good)))
    yield from rng.sample(weaker, min(SAMPLE, len(weaker)))
    count = len(world.workers.kind)
    for _ in range(min(SAMPLE, count)):
        yield world.workers.first_id + rng.randrange(count)


def _eligible(world: World, plan: "ShiftPlan", worker_id: int) -> bool:
    position = worker_id - world.workers.first_id
    if worker_id in world.workers.suspended:
        return False
    if not plan.row["accepted_kinds_mask"] & _KIND_BITS[world.workers.kind[position]]:
        return False
    # A lender does not borrow its own idle staff back.
    return world.workers.lender[position] != plan.factory.id
