"""Offers that lapse: past their deadline an offer expires, the worker is told and the place
passes to the waiting list. Run by the job worker and `flask offers expire`; accept checks it too.
"""

from datetime import datetime

from sqlalchemy import select, update

from ...extensions import db
from ...models import Application, ApplicationStatus, utcnow
from .applying import fill_from_waitlist, record, tell_worker

S = ApplicationStatus


def expire_offer(application: Application, now: datetime) -> bool:
    """Mark one lapsed offer EXPIRED, tell the worker, pass the place on; commits."""
    result = db.session.execute(
        update(Application)
        .where(
            Application.id == application.id,
            Application.status == S.OFFERED,
            Application.offer_expires_at <= now,
        )
        .values(status=S.EXPIRED, decided_at=now, updated_at=now),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        db.session.rollback()
        return False
    db.session.expire(application)
    record("application.expired", None, application)
    tell_worker(application, "offer_expired")
    fill_from_waitlist(application.shift)
    db.session.commit()
    return True


def expire_offers(now: datetime | None = None) -> int:
    """Expire every offer past its deadline (run by `flask offers expire`); how many expired."""
    now = now or utcnow()
    query = (
        select(Application)
        .where(Application.status == S.OFFERED, Application.offer_expires_at <= now)
        .order_by(Application.offer_expires_at, Application.id)
    )
    # Each offer in its own transaction: one failure does not undo the others.
    return sum(expire_offer(application, now) for application in db.session.scalars(query).all())
