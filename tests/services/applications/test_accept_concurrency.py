"""Accepting is safe under concurrency: 50 workers accept 5 places at once, exactly 5 get one.

Each accept runs in its own thread with its own app context, hence its own session and
its own database connection (no pool: every session opens a fresh one), released together
by a barrier so the transactions really overlap. Run on PostgreSQL in CI (.ci/run).
"""

from datetime import timedelta

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Application, ApplicationStatus, Assignment, Shift, utcnow
from marketplace.services.applications import offers
from tests.helpers import race

WORKERS = 50
PLACES = 5


def _offers(make_worker, shift) -> list[tuple[int, int]]:
    """(user id, application id) of WORKERS different workers, each holding an offer."""
    pairs = []
    for _ in range(WORKERS):
        worker = make_worker()
        application = Application(
            worker_id=worker.id,
            shift_id=shift.id,
            status=ApplicationStatus.OFFERED,
            offered_at=utcnow(),
            offer_expires_at=utcnow() + timedelta(hours=2),
        )
        db.session.add(application)
        db.session.flush()
        pairs.append((worker.user_id, application.id))
    db.session.commit()
    return pairs


def _race(database_url: str, pairs) -> list[str]:
    jobs = [
        (user_id, lambda user, application_id=application_id: offers.accept(user, application_id))
        for user_id, application_id in pairs
    ]
    return race(database_url, jobs, success="accepted")


def test_fifty_concurrent_accepts_fill_exactly_five_places(
    app, database_url, make_worker, make_shift
):
    shift = make_shift(headcount=PLACES)
    outcomes = _race(database_url, _offers(make_worker, shift))

    assert outcomes.count("accepted") == PLACES, outcomes
    assert outcomes.count("conflict") == WORKERS - PLACES, outcomes
    db.session.expire_all()
    statuses = db.session.scalars(
        sa.select(Application.status).where(Application.shift_id == shift.id)
    ).all()
    assert statuses.count(ApplicationStatus.ACCEPTED) == PLACES
    # Everyone who lost the race waits on the list rather than losing the chance.
    assert statuses.count(ApplicationStatus.WAITLISTED) == WORKERS - PLACES
    assert db.session.scalar(sa.select(sa.func.count(Assignment.id))) == PLACES
    assert db.session.get(Shift, shift.id).accepted_count == PLACES


def test_one_worker_cannot_take_two_overlapping_places_at_once(app, make_worker, make_shift):
    """Two overlapping offers accepted at the same moment: exactly one place is taken."""

    import sqlalchemy as sa

    from marketplace.extensions import db
    from marketplace.models import Application, ApplicationStatus, utcnow
    from marketplace.services.applications import offers

    worker = make_worker()
    user_id = worker.user_id
    first, second = make_shift(starts_in_hours=48), make_shift(starts_in_hours=50)
    ids = []
    for shift in (first, second):
        application = Application(
            worker_id=worker.id,
            shift_id=shift.id,
            status=ApplicationStatus.OFFERED,
            offered_at=utcnow(),
            offer_expires_at=utcnow() + __import__("datetime").timedelta(hours=12),
        )
        db.session.add(application)
        db.session.commit()
        ids.append(application.id)

    # One harness for every race: a thread that fails before the start fails the test by
    # name instead of leaving the other waiting at the barrier for ever.
    jobs = [(user_id, lambda user, i=i: offers.accept(user, i)) for i in ids]
    outcomes = race(app.config["SQLALCHEMY_DATABASE_URI"], jobs, success="accepted")
    db.session.expire_all()
    held = db.session.scalar(
        sa.select(sa.func.count(Application.id)).where(
            Application.worker_id == worker.id, Application.status == ApplicationStatus.ACCEPTED
        )
    )
    # The loser is refused as ineligible (it overlaps the place just taken), never an error.
    [refused] = [o for o in outcomes if o != "accepted"]
    assert refused == "conflict" or "You cannot take this shift." in refused
    assert held == 1
