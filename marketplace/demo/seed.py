"""Deterministic demo data for Shaoxing: seed_demo() fills an empty database.

Generation is pure (generate_rows yields plain row dicts from seeded random streams) and
insertion is bulk (one executemany per batch), so the same seed and clock give the same
rows, and 100,000 workers take minutes rather than hours.
"""

from collections.abc import Iterator
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select, text

from ..errors import Conflict, Invalid
from ..extensions import db
from ..models import (
    Application,
    Assignment,
    Association,
    AvailabilityWindow,
    CertificateType,
    District,
    Factory,
    FactoryMember,
    LendingAgreement,
    PickupPoint,
    Shift,
    ShiftCertificate,
    ShiftPreferredSkill,
    ShiftRequiredSkill,
    Site,
    Skill,
    User,
    WorkerCertificate,
    WorkerProfile,
    WorkerSkill,
)
from ..services.accounts.passwords import hash_password
from ..services.ranking import index as matching_index
from .history import history_rows
from .organisations import Batch, factory_rows, moderator_rows, reference_rows
from .postings import shift_rows
from .workforce import worker_rows
from .world import World

DEMO_PASSWORD = "Shaoxing-2020"

DEMO_LOGINS = """\
Demo logins (the password of every demo account is Shaoxing-2020):
  owner of the first factory        +8613800000001
  other factory staff               +8613800000002, +8613800000003, ...
  worker (cross-industry, Keqiao)   +8613900000001
  moderators, one per association   +8613700000001 ... +8613700000006
  administrator                     +8613600000001 (or admin@example.org)
"""

# Tables whose ids the generator assigns itself, so rows can refer to each other
# before anything is inserted; the other tables number their own rows.
ID_MODELS = (
    District,
    Association,
    Skill,
    CertificateType,
    Factory,
    Site,
    User,
    FactoryMember,
    WorkerProfile,
    Shift,
    LendingAgreement,
    Application,
)
SEEDED_MODELS = (
    *ID_MODELS,
    WorkerSkill,
    WorkerCertificate,
    AvailabilityWindow,
    ShiftRequiredSkill,
    ShiftPreferredSkill,
    ShiftCertificate,
    PickupPoint,
    Assignment,
)


def demo_now(now: datetime | None = None) -> datetime:
    """The demo clock: the given moment in UTC, or the current hour."""
    if now is None:
        return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC)


def generate_rows(
    *,
    workers: int,
    seed: int,
    now: datetime,
    password_hash: str,
    first_ids: dict[str, int] | None = None,
) -> Iterator[Batch]:
    """(model, rows) batches in insertion order; no database needed."""
    world = World.start(seed, demo_now(now), password_hash, first_ids or {})
    stages = (
        ("reference", reference_rows),
        ("factories", factory_rows),
        ("moderators", moderator_rows),
        ("workers", lambda w: worker_rows(w, workers)),
        ("shifts", shift_rows),
        ("history", history_rows),
    )
    for name, stage in stages:
        world.stage(name)
        yield from stage(world)


def database_is_empty() -> bool:
    """True when there are no districts and no users yet."""
    no_districts = db.session.scalar(select(District.id).limit(1)) is None
    return no_districts and db.session.scalar(select(User.id).limit(1)) is None


def seed_demo(
    *, workers: int = 2000, seed: int = 2020, now: datetime | None = None
) -> dict[str, int]:
    """Fill an empty database with demo data and commit; returns rows inserted per table."""
    if workers < 1:
        raise Invalid(_l("Seed at least one worker."))
    if not database_is_empty():
        raise Conflict(_l("The database already holds data; seed an empty one."))
    # Every demo account shares one hash: argon2 is slow on purpose (tens of ms each), so
    # hashing the password per user would take over an hour for 100,000 workers.
    password_hash = hash_password(DEMO_PASSWORD)
    counts = {model.__tablename__: 0 for model in SEEDED_MODELS}
    batches = generate_rows(
        workers=workers,
        seed=seed,
        now=demo_now(now),
        password_hash=password_hash,
        first_ids=_first_ids(),
    )
    try:
        for model, rows in batches:
            if rows:
                db.session.execute(insert(model), _as_inserted(model, rows))
                counts[model.__tablename__] += len(rows)
        _sync_sequences()
        matching_index.bump()  # bulk inserts skip the ORM's change tracking
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return counts


def _as_inserted(model, rows: list[dict]) -> list[dict]:
    # The database counts a shift's places itself, from the applications inserted after it.
    if model is Shift:
        return [{**row, "accepted_count": 0} for row in rows]
    return rows


def _first_ids() -> dict[str, int]:
    # Continue after any rows already there (say, an admin made with create-user).
    return {
        model.__tablename__: (db.session.scalar(select(func.max(model.id))) or 0) + 1
        for model in ID_MODELS
    }


def _sync_sequences() -> None:
    # PostgreSQL hands out ids from a sequence that explicit ids do not advance; without
    # this the app's first insert after seeding would collide with a demo row.
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in ID_MODELS:
        table = model.__tablename__  # a constant of ours, never user input
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" COALESCE(MAX(id), 0) + 1, false) FROM {table}"
            )
        )
