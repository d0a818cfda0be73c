"""After the rush: what the database holds, checked against what the clients were told."""

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import (
    PLACE_HOLDING_STATES,
    Application,
    ApplicationStatus,
    Assignment,
    Shift,
)
from tests.perf.rush_clients import Stats
from tests.perf.rush_scene import Scene

SAMPLE = 10  # problems listed in full; the rest are counted


def _per_shift(query) -> dict[int, int]:
    return dict(db.session.execute(query).all())


def overbooking(scene: Scene) -> dict:
    """Shifts with more places held, or more assignments, than their headcount."""
    ids = scene.shift_ids
    holding = _per_shift(
        select(Application.shift_id, func.count())
        .where(Application.shift_id.in_(ids), Application.status.in_(PLACE_HOLDING_STATES))
        .group_by(Application.shift_id)
    )
    assigned = _per_shift(
        select(Assignment.shift_id, func.count())
        .where(Assignment.shift_id.in_(ids), Assignment.ended_at.is_(None))
        .group_by(Assignment.shift_id)
    )
    shifts = db.session.execute(
        select(Shift.id, Shift.headcount, Shift.accepted_count).where(Shift.id.in_(ids))
    ).all()
    over, drift = [], []
    for shift_id, headcount, counted in shifts:
        held, made = holding.get(shift_id, 0), assigned.get(shift_id, 0)
        if held > headcount or made > headcount:
            over.append({"shift_id": shift_id, "headcount": headcount, "held": held, "made": made})
        if counted != held:
            drift.append({"shift_id": shift_id, "accepted_count": counted, "held": held})
    return {
        "ok": not over,
        "overbooked_shifts": len(over),
        "examples": over[:SAMPLE],
        "places_filled": sum(holding.values()),
        "assignments": sum(assigned.values()),
        "places": sum(h for _, h, _ in shifts),
        "full_shifts": sum(1 for s, h, _ in shifts if holding.get(s, 0) >= h),
        # accepted_count is kept by triggers; a mismatch would hide overbooking from the CHECK.
        "counter_mismatches": len(drift),
        "counter_examples": drift[:SAMPLE],
    }


def double_places(scene: Scene) -> dict:
    """Workers holding places on two rush shifts (they all overlap)."""
    query = (
        select(Application.worker_id, func.count())
        .where(
            Application.shift_id.in_(scene.shift_ids),
            Application.status.in_(PLACE_HOLDING_STATES),
        )
        .group_by(Application.worker_id)
        .having(func.count() > 1)
    )
    doubles = db.session.execute(query).all()
    examples = [{"worker_id": w, "places": n} for w, n in doubles[:SAMPLE]]
    return {"ok": not doubles, "workers_with_two_places": len(doubles), "examples": examples}


def lost(stats: Stats) -> dict:
    """A 2xx apply whose application is not there, or a 2xx accept without its place."""
    rows = {
        a.id: a
        for a in db.session.scalars(
            select(Application).where(Application.id.in_({i for i, _, _ in stats.applies}))
        )
    }
    missing = [
        {"application_id": i, "worker_id": w, "shift_id": s}
        for i, w, s in stats.applies
        if i not in rows or (rows[i].worker_id, rows[i].shift_id) != (w, s)
    ]
    accepted = {i for i, _, _ in stats.accepts}
    found = {
        a.id: (a.status, a.assignment is not None)
        for a in db.session.scalars(select(Application).where(Application.id.in_(accepted)))
    }
    unplaced = [
        {"application_id": i, "worker_id": w, "state": str(found.get(i, ("missing", False)))}
        for i, w, _ in stats.accepts
        if found.get(i) != (ApplicationStatus.ACCEPTED, True)
    ]
    return {
        "ok": not missing and not unplaced,
        "applies_2xx": len(stats.applies),
        "accepts_2xx": len(stats.accepts),
        "lost_applications": len(missing),
        "lost_accepts": len(unplaced),
        "examples": (missing + unplaced)[:SAMPLE],
    }


def server_errors(stats: Stats) -> dict:
    """5xx answers of any action; timeouts and connection errors are shown beside them."""
    fivexx = {
        action: sum(n for status, n in counts.items() if status.startswith("5"))
        for action, counts in stats.statuses.items()
    }
    others = _error_totals(stats, ("timeout", "connection_error"))
    return {
        "ok": not any(fivexx.values()),
        "5xx": sum(fivexx.values()),
        "by_action": fivexx,
        **others,
    }


def _error_totals(stats: Stats, names) -> dict:
    return {name: sum(counts.get(name, 0) for counts in stats.statuses.values()) for name in names}


def run_checks(scene: Scene, stats: Stats) -> dict:
    """Every check by name, each with `ok`."""
    return {
        "no_overbooking": overbooking(scene),
        "no_5xx": server_errors(stats),
        "no_lost_applications": lost(stats),
        "no_two_places": double_places(scene),
    }
