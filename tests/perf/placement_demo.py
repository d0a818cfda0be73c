"""Placement over the demo's two weeks: fill vs score vs greedy first-come (a report, not a test).

Usage: DATABASE_URL=sqlite:///... .venv/bin/python tests/perf/placement_demo.py
Builds the (worker × shift) score matrix from the live ranking of every open shift, then
compares solve(objective="fill"), solve(objective="score") and a first-come greedy.
"""

import sys
import time
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from scipy.sparse import csr_matrix

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from marketplace import create_app
from marketplace.extensions import db
from marketplace.matching.placement import solve
from marketplace.models import Role, Shift, ShiftStatus, User, utcnow
from marketplace.services.ranking import bridge as matching
from marketplace.services.ranking import index as matching_index

CANDIDATES_PER_SHIFT = 500


def score_matrix(admin, shifts):
    """Feasible pairs with their scores, from the ranking of each shift."""
    rows, cols, values, worker_ids = [], [], [], {}
    for col, shift in enumerate(shifts):
        for candidate in matching.rank_workers(admin, shift.id, k=CANDIDATES_PER_SHIFT):
            row = worker_ids.setdefault(candidate.worker_id, len(worker_ids))
            rows.append(row)
            cols.append(col)
            values.append(candidate.score)
    shape = (len(worker_ids), len(shifts))
    return csr_matrix((values, (rows, cols)), shape=shape), list(worker_ids)


def greedy_first_come(scores, capacity, starts, ends, beds, needs_housing):
    """Workers one by one (in the order the rankings found them) take their best free shifts."""
    left, beds_left, taken, total = capacity.copy(), beds.copy(), [], 0.0
    for worker in range(scores.shape[0]):
        start, end = scores.indptr[worker], scores.indptr[worker + 1]
        order = np.argsort(-scores.data[start:end], kind="stable")
        held = []
        for j in order:
            shift, value = scores.indices[start + j], scores.data[start + j]
            clash = any(starts[shift] < ends[h] and starts[h] < ends[shift] for h in held)
            housed = bool(needs_housing[worker])
            if left[shift] > 0 and not clash and (not housed or beds_left[shift] > 0):
                left[shift] -= 1
                beds_left[shift] -= housed
                held.append(shift)
                taken.append((worker, shift))
                total += value
    return len(taken), total


def main() -> None:
    app = create_app()
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.role == Role.ADMIN))
        shifts = db.session.scalars(
            sa.select(Shift)
            .where(Shift.status == ShiftStatus.OPEN, Shift.starts_at > utcnow())
            .order_by(Shift.id)
        ).all()
        started = time.perf_counter()
        scores, worker_ids = score_matrix(admin, shifts)
        built = time.perf_counter() - started
        index = matching_index.get_index()
        rows = np.searchsorted(index.workers.ids, np.asarray(worker_ids, dtype=np.int64))
        needs_housing = index.workers.needs_housing[rows]  # in the matrix's row order
        beds = np.array([s.dormitory_beds for s in shifts], dtype=np.int64)
        capacity = np.array([s.places_left for s in shifts], dtype=np.int64)
        starts = np.array([s.starts_at.timestamp() for s in shifts])
        ends = np.array([s.ends_at.timestamp() for s in shifts])
    print(
        f"{len(shifts)} open shifts, {int(capacity.sum())} open places, "
        f"{scores.shape[0]} candidate workers, {scores.nnz} feasible pairs ({built:.1f} s)"
    )
    for objective in ("fill", "score"):
        placement = solve(
            scores,
            capacity,
            starts,
            ends,
            beds=beds,
            needs_housing=needs_housing,
            objective=objective,
        )
        print(
            f"{objective:>6}: filled {placement.filled:5d}, total {placement.total:9.3f} "
            f"({placement.method}, {placement.seconds:.2f} s)"
        )
    filled, total = greedy_first_come(scores, capacity, starts, ends, beds, needs_housing)
    print(f"greedy: filled {filled:5d}, total {total:9.3f}")


if __name__ == "__main__":
    main()
