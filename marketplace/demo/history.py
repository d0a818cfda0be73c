"""The four weeks before today: shifts that ran, who worked them, and how it went.

Without a past the dashboard has nothing to draw. Factories come back week by week (the
share of places filled climbs from about a third to nine in ten), most workers come and
work their hours, a few do not show up, a few cancel late, and idle employees work under
lending agreements that covered those weeks and have ended.
"""

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from itertools import islice

from ..models import ApplicationStatus, ShiftStatus
from .applications import agreement_row, eligible_workers
from .organisations import Batch
from .postings import ShiftPlan, plan_batches, plan_shift
from .world import SHANGHAI, World

HISTORY_DAYS = 28
HISTORY_SHIFT_COUNT = 200
CANCELLED_SHARE = 0.04  # shifts the factory called off
NO_SHOW_SHARE = 0.05  # of places taken
LATE_CANCEL_SHARE = 0.04  # of places taken, given back by the worker too late
EXTRA_APPLICANTS = 3  # turned down or withdrawn, beyond those who got a place
QUARTER_HOUR = Decimal("0.25")
S = ApplicationStatus


def history_rows(world: World) -> Iterator[Batch]:
    """Shifts of the last four weeks with their applications, attendance and agreements."""
    plans = [_past(world, plan_shift(world, index)) for index in range(HISTORY_SHIFT_COUNT)]
    plans = [p for p in plans if p is not None]
    booking = _PastBooking(world)
    for plan in plans:
        if plan.row["status"] == ShiftStatus.COMPLETED:
            booking.book(plan)
    yield from plan_batches(
        plans, booking.applications, booking.assignments, list(booking.agreements.values())
    )


def _past(world: World, plan: ShiftPlan) -> ShiftPlan | None:
    """The plan moved into the past, run (or called off) by a verified factory."""
    if not plan.factory.verified:
        return None
    rng, row = world.rng, plan.row
    length = row["ends_at"] - row["starts_at"]
    local_start = row["starts_at"].astimezone(SHANGHAI)
    day = world.today - timedelta(days=rng.randint(1, HISTORY_DAYS))
    starts_at = datetime.combine(day, local_start.time(), SHANGHAI).astimezone(UTC)
    if starts_at + length > world.now:  # a night shift still running counts from tomorrow
        return None
    published = starts_at - timedelta(hours=rng.uniform(12, 120))
    row.update(
        starts_at=starts_at,
        ends_at=starts_at + length,
        created_at=published - timedelta(hours=rng.uniform(0.5, 6)),
        published_at=published,
        status=ShiftStatus.COMPLETED,
        cancel_reason=None,
    )
    if rng.random() < CANCELLED_SHARE:
        row.update(status=ShiftStatus.CANCELLED, cancel_reason="订单推迟，本班取消。")
    return plan


class _PastBooking:
    """Places taken in the past: worked, missed or given back; agreements for the lent."""

    def __init__(self, world: World):
        self.world = world
        self.applications: list[dict] = []
        self.assignments: list[dict] = []
        self.agreements: dict[tuple[int, int], dict] = {}
        self.busy: dict[int, list[tuple[datetime, datetime]]] = {}

    def book(self, plan: ShiftPlan) -> None:
        """Fill the share of places the recovery had reached that day, and a few more ask."""
        rng, row = self.world.rng, plan.row
        target = round(row["headcount"] * min(1.0, self._recovery(row) + rng.uniform(-0.1, 0.1)))
        candidates = (w for w in eligible_workers(self.world, plan) if self._free(row, w))
        for worker_id in islice(candidates, target):
            self._take(plan, worker_id, self._outcome())
        for worker_id in islice(candidates, rng.randint(0, EXTRA_APPLICANTS)):
            self._apply(plan, worker_id, rng.choice((S.REJECTED, S.WITHDRAWN, S.EXPIRED)))

    def _recovery(self, row: dict) -> float:
        """From about a third of places filled four weeks ago to nine in ten yesterday."""
        days_ago = (self.world.now - row["starts_at"]).total_seconds() / 86400
        return 0.9 - 0.6 * min(days_ago, HISTORY_DAYS) / HISTORY_DAYS

    def _free(self, row: dict, worker_id: int) -> bool:
        start, end = row["starts_at"], row["ends_at"]
        return not any(s < end and start < e for s, e in self.busy.get(worker_id, ()))

    def _outcome(self) -> ApplicationStatus:
        roll = self.world.rng.random()
        if roll < NO_SHOW_SHARE:
            return S.NO_SHOW
        return S.CANCELLED if roll < NO_SHOW_SHARE + LATE_CANCEL_SHARE else S.COMPLETED

    def _apply(self, plan: ShiftPlan, worker_id: int, status: ApplicationStatus) -> dict:
        world, row = self.world, plan.row
        created = world.between(row["published_at"], row["starts_at"] - timedelta(hours=2))
        app = {
            "id": world.take_ids("applications", 1)[0],
            "worker_id": worker_id,
            "shift_id": row["id"],
            "status": status,
            "note": "",
            "offer_expires_at": None,
            "cancel_reason": "家里临时有事。" if status == S.CANCELLED else None,
            "late_cancellation": status == S.CANCELLED,
            "lending_agreement_id": None,
            "created_at": created,
            "updated_at": world.between(created, row["starts_at"]),
            "decided_at": None,
        }
        app["decided_at"] = app["updated_at"]
        self.applications.append(app)
        return app

    def _take(self, plan: ShiftPlan, worker_id: int, outcome: ApplicationStatus) -> None:
        row = plan.row
        app = self._apply(plan, worker_id, outcome)
        app["lending_agreement_id"] = self._agreement(plan, worker_id)
        if outcome == S.COMPLETED:
            row["accepted_count"] += 1  # completed places stay held, as the triggers count
        if outcome != S.CANCELLED:
            self.busy.setdefault(worker_id, []).append((row["starts_at"], row["ends_at"]))
        self.assignments.append(self._assignment(row, app, outcome))

    def _assignment(self, row: dict, app: dict, outcome: ApplicationStatus) -> dict:
        rng = self.world.rng
        assignment = {
            "application_id": app["id"],
            "shift_id": row["id"],
            "worker_id": app["worker_id"],
            "lending_agreement_id": app["lending_agreement_id"],
            "created_at": app["decided_at"],
            "checked_in_at": None,
            "checked_out_at": None,
            "hours": None,
            "ended_at": app["decided_at"] if outcome == S.CANCELLED else None,
        }
        if outcome == S.COMPLETED:
            arrived = row["starts_at"] + timedelta(minutes=rng.randint(-15, 10))
            left = row["ends_at"] + timedelta(minutes=rng.randint(-10, 30))
            worked = Decimal((left - arrived).total_seconds()) / 3600
            hours = (worked / QUARTER_HOUR).to_integral_value() * QUARTER_HOUR
            assignment.update(checked_in_at=arrived, checked_out_at=left, hours=hours)
        return assignment

    def _agreement(self, plan: ShiftPlan, worker_id: int) -> int | None:
        """The lent worker's agreement with this borrower for the past four weeks."""
        world = self.world
        lender_id = world.workers.lender[worker_id - world.workers.first_id]
        if lender_id is None:
            return None
        key = (worker_id, plan.factory.id)
        if key not in self.agreements:
            self.agreements[key] = _agreement_row(world, worker_id, lender_id, plan)
        return self.agreements[key]["id"]


def _agreement_row(world: World, worker_id: int, lender_id: int, plan: ShiftPlan) -> dict:
    # It ended yesterday: today's agreements (applications.py) start today, without overlap.
    ends_on = world.today - timedelta(days=1)
    starts_on = ends_on - timedelta(days=HISTORY_DAYS)
    decided = datetime.combine(starts_on, time(9), SHANGHAI).astimezone(UTC)
    return agreement_row(
        world,
        worker_id,
        lender_id,
        plan,
        starts_on=starts_on,
        ends_on=ends_on,
        decided_at=decided,
        created_at=decided - timedelta(days=1),
    )
