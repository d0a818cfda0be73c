"""Writing a planned roster in one transaction, in bulk statements rather than row by row.

Core executemany INSERTs, then the new ids read back by their unique keys: the ORM's bulk
INSERT ... RETURNING splices its batches in a way that grows with the square of the rows
(20,000 profiles took over a minute on SQLite).
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update

from ...extensions import db
from ...models import Invitation, Role, RosterImport, User, UserStatus, WorkerProfile, WorkerSkill
from .. import audit
from ..notify import notifications
from .match import CHUNK
from .plan import Plan, Update

DEFAULT_TRAVEL_KM = 20.0


def unusable_password() -> str:
    """A password hash no password matches: argon2 refuses it as a hash, so login fails."""
    return "!" + secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def write_plan(plan: Plan, import_id: int, now: datetime, invitation_days: int) -> None:
    """Create and update the planned workers and invite the new ones; the caller commits."""
    user_ids = _create_users(plan, now)
    _create_profiles(plan, user_ids, now)
    _invite(user_ids, import_id, now, now + timedelta(days=invitation_days))
    _update_profiles(plan.updates, now)
    _update_skills(plan.updates)


def _create_users(plan: Plan, now: datetime) -> list[int]:
    if not plan.creates:
        return []
    rows = [
        {
            "role": Role.WORKER,
            "name": row.name,
            "mobile": row.mobile,
            "password_hash": unusable_password(),
            "status": UserStatus.ACTIVE,
            "created_at": now,
        }
        for row in plan.creates
    ]
    db.session.execute(insert(User.__table__), rows)
    ids = _ids_by(User.mobile, User.id, [row.mobile for row in plan.creates])
    return [ids[row.mobile] for row in plan.creates]


def _ids_by(key_column, id_column, keys: list) -> dict:
    """Ids of rows just inserted, by a unique column's values, a chunk per query."""
    found = {}
    for start in range(0, len(keys), CHUNK):
        query = select(key_column, id_column).where(key_column.in_(keys[start : start + CHUNK]))
        found.update((key, id_) for key, id_ in db.session.execute(query))
    return found


def _create_profiles(plan: Plan, user_ids: list[int], now: datetime) -> None:
    if not user_ids:
        return
    rows = [
        {
            "user_id": user_id,
            "kind": row.kind,
            "home_district_id": row.district_id,
            "home_lat": row.lat,
            "home_lon": row.lon,
            "max_travel_km": DEFAULT_TRAVEL_KM,
            "lender_factory_id": row.lender_id,
            "national_id": row.national_id,
            "created_at": now,
            "updated_at": now,
        }
        for row, user_id in zip(plan.creates, user_ids, strict=True)
    ]
    db.session.execute(insert(WorkerProfile.__table__), rows)
    ids = _ids_by(WorkerProfile.user_id, WorkerProfile.id, user_ids)
    worker_ids = [ids[user_id] for user_id in user_ids]
    skills = [
        {"worker_id": worker_id, "skill_id": skill_id, "level": level}
        for row, worker_id in zip(plan.creates, worker_ids, strict=True)
        for skill_id, level in row.skills.items()
    ]
    if skills:
        db.session.execute(insert(WorkerSkill.__table__), skills)


def _invite(user_ids: list[int], import_id: int, now: datetime, expires: datetime) -> None:
    # These tokens are never shown: the importer's download hands out fresh ones.
    rows = [
        {
            "user_id": user_id,
            "roster_import_id": import_id,
            "token_hash": token_hash(secrets.token_urlsafe(32)),
            "created_at": now,
            "expires_at": expires,
        }
        for user_id in user_ids
    ]
    if rows:
        db.session.execute(insert(Invitation.__table__), rows)


def _update_profiles(updates: list[Update], now: datetime) -> None:
    # One executemany per set of changed columns: a bulk UPDATE sets the same columns.
    groups: dict[tuple, list[dict]] = {}
    for item in updates:
        if item.profile:
            columns = tuple(sorted(item.profile))
            values = {"id": item.worker.worker_id, "updated_at": now, **item.profile}
            groups.setdefault(columns, []).append(values)
    for rows in groups.values():
        db.session.execute(update(WorkerProfile), rows)


def _update_skills(updates: list[Update]) -> None:
    new = [
        {"worker_id": item.worker.worker_id, "skill_id": skill_id, "level": level}
        for item in updates
        for skill_id, level in item.new_skills.items()
    ]
    if new:
        db.session.execute(insert(WorkerSkill.__table__), new)
    # The association vouched for the old level, not the new one.
    changed = [
        {"id": row_id, "level": level, "verified_at": None, "verified_by_association_id": None}
        for item in updates
        for row_id, level in item.changed_skills.items()
    ]
    if changed:
        db.session.execute(update(WorkerSkill), changed)


def tell_updated_workers(job: RosterImport, updates: list[Update]) -> None:
    """Each worker whose record the import changed is told what and by whom; each is audited.

    Only the names of the parts changed travel, never the values (the trail and the inbox
    hold no personal numbers). The caller commits with the import.
    """
    importer = job.factory.name if job.factory is not None else job.association.name
    audit.record_each(
        "roster.worker_updated",
        WorkerProfile.__tablename__,
        {item.worker.worker_id: {"import_id": job.id, "fields": item.fields} for item in updates},
        actor=job.created_by,
        association_id=job.association_id,
    )
    notifications.notify_each(
        "profile_imported",
        {
            item.worker.user_id: {
                "importer": importer,
                "fields": ",".join(item.fields),
                "object_id": item.worker.worker_id,
            }
            for item in updates
        },
        object_type=WorkerProfile.__tablename__,
    )
