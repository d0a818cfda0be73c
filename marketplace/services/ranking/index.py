"""The per-process worker index: rows loaded into arrays once, rebuilt when the data changes.

Freshness comes from the database, not from this process: every change to what the index
holds bumps `matching_state.version` in the same transaction (see `track_changes`), and
each ranking compares that version with the one its index was built from. So several
gunicorn processes on several hosts never rank on data older than the last commit.
"""

import threading
from dataclasses import dataclass

import numpy as np
from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from ...extensions import db
from ...matching import skills as skill_math
from ...matching.arrays import WorkerArrays
from ...matching.availability import Availability
from ...matching.geo import WorkerGeoIndex, unit_vectors
from ...matching.terms import KIND_BITS
from ...models import (
    AvailabilityWindow,
    CertificateType,
    MatchingState,
    Skill,
    User,
    UserStatus,
    WorkerCertificate,
    WorkerKind,
    WorkerProfile,
    WorkerSkill,
    utcnow,
)
from ..applications.attendance import (
    LATE_CANCELLATION_WEIGHT,
    NO_SHOW_WEIGHT,
    PRIOR_BAD,
    PRIOR_GOOD,
)

# Changing these does not change a ranking (updated_at is touched to row-lock a worker).
_IGNORED_WORKER_COLUMNS = frozenset({"updated_at"})


@dataclass(frozen=True, eq=False)
class WorkerIndex:
    """Workers as arrays for the scorer, with the maps from database ids to rows and columns.

    Beside the scorer's arrays it keeps what the per-shift exclusions need (lenders and
    availability windows), which would otherwise be tens of thousands of ids queried for
    every ranking; both are tracked by `track_changes` like the rest.
    """

    version: int
    workers: WorkerArrays
    geo: WorkerGeoIndex
    skill_columns: skill_math.ColumnMap
    certificate_columns: skill_math.ColumnMap
    lender_ids: np.ndarray  # (N,) int64 lender factory id, 0 for none
    availability: Availability

    def idle_not_lent_by(self, factory_id: int) -> np.ndarray:
        """(N,) bool: an idle employee whose lender is not this factory (or who has none)."""
        idle = self.workers.kind_bits == KIND_BITS[WorkerKind.IDLE_EMPLOYEE.value]
        return idle & (self.lender_ids != factory_id)

    def rows_of(self, worker_ids) -> np.ndarray:
        """Rows of the given worker ids that the index holds (others are skipped)."""
        ids = np.asarray(sorted(set(worker_ids)), dtype=np.int64)
        rows = np.searchsorted(self.workers.ids, ids)
        found = rows < len(self.workers.ids)
        found[found] = self.workers.ids[rows[found]] == ids[found]
        return rows[found].astype(np.intp)


def current_version() -> int:
    """The committed version of the matching data."""
    return db.session.scalar(select(MatchingState.version).where(MatchingState.id == 1)) or 0


def bump() -> None:
    """Mark the matching data changed; part of the caller's transaction."""
    db.session.execute(
        update(MatchingState)
        .where(MatchingState.id == 1)
        .values(version=MatchingState.version + 1, changed_at=utcnow())
    )


_cache: dict[str, WorkerIndex] = {}
_lock = threading.Lock()


def get_index() -> WorkerIndex:
    """This process's index, rebuilt first if the committed data has changed since."""
    version = current_version()
    key = db.engine.url.render_as_string(hide_password=True)
    index = _cache.get(key)
    if index is not None and index.version == version:
        return index
    with _lock:  # one rebuild per process, however many threads ask at once
        index = _cache.get(key)
        if index is None or index.version != version:
            index = _cache[key] = build_index(version)
    return index


def build_index(version: int) -> WorkerIndex:
    """Load every active worker's matching data into arrays."""
    rows = db.session.execute(
        select(
            WorkerProfile.id,
            WorkerProfile.home_lat,
            WorkerProfile.home_lon,
            WorkerProfile.max_travel_km,
            WorkerProfile.kind,
            WorkerProfile.needs_housing,
            WorkerProfile.shifts_completed,
            WorkerProfile.no_shows,
            WorkerProfile.late_cancellations,
            User.status,
            WorkerProfile.lender_factory_id,
        )
        .join(User, User.id == WorkerProfile.user_id)
        .order_by(WorkerProfile.id)
    ).all()
    columns = list(zip(*rows, strict=True)) if rows else [()] * 11
    ids = np.asarray(columns[0], dtype=np.int64)
    skill_cols = skill_math.ColumnMap.from_ids(db.session.scalars(select(Skill.id)).all())
    cert_cols = skill_math.ColumnMap.from_ids(db.session.scalars(select(CertificateType.id)).all())
    workers = WorkerArrays(
        ids=ids,
        unit_vectors=unit_vectors(np.asarray(columns[1], float), np.asarray(columns[2], float)),
        max_travel_km=np.asarray(columns[3], dtype=np.float64),
        kind_bits=np.asarray([KIND_BITS[str(k)] for k in columns[4]], dtype=np.uint8),
        suspended=np.asarray([s == UserStatus.SUSPENDED for s in columns[9]], dtype=bool),
        reliability=_reliability(columns[6], columns[7], columns[8]),
        needs_housing=np.asarray(columns[5], dtype=bool),
        skills=_skill_matrix(ids, skill_cols),
        certificates=_certificate_matrix(ids, cert_cols),
    )
    lenders = np.asarray([lender or 0 for lender in columns[10]], dtype=np.int64)
    return WorkerIndex(
        version, workers, workers.geo_index(), skill_cols, cert_cols, lenders, _availability(ids)
    )


def _availability(ids: np.ndarray) -> Availability:
    windows = db.session.execute(
        select(
            AvailabilityWindow.worker_id, AvailabilityWindow.starts_at, AvailabilityWindow.ends_at
        )
    ).all()
    worker_ids = np.asarray([w[0] for w in windows], dtype=np.int64)
    rows = np.minimum(np.searchsorted(ids, worker_ids), max(len(ids) - 1, 0))
    # A worker added between the two queries has windows but no row yet: skip them.
    known = (rows < len(ids)) & (ids[rows] == worker_ids) if len(ids) else rows < 0
    rows = rows[known]
    has_windows = np.zeros(len(ids), dtype=bool)
    has_windows[rows] = True
    return Availability(
        rows=rows.astype(np.intp),
        starts=np.asarray([w[1].timestamp() for w in windows], dtype=np.float64)[known],
        ends=np.asarray([w[2].timestamp() for w in windows], dtype=np.float64)[known],
        has_windows=has_windows,
    )


def _reliability(completed, no_shows, late) -> np.ndarray:
    # The same formula as attendance.reliability, over every worker at once.
    good = PRIOR_GOOD + np.asarray(completed, dtype=np.float64)
    bad = (
        PRIOR_BAD
        + NO_SHOW_WEIGHT * np.asarray(no_shows, dtype=np.float64)
        + LATE_CANCELLATION_WEIGHT * np.asarray(late, dtype=np.float64)
    )
    return good / (good + bad)


def _skill_matrix(ids: np.ndarray, columns: skill_math.ColumnMap):
    triples = db.session.execute(
        select(WorkerSkill.worker_id, WorkerSkill.skill_id, WorkerSkill.level)
    ).all()
    rows = np.searchsorted(ids, np.asarray([t[0] for t in triples], dtype=np.int64))
    cols = columns.columns(np.asarray([t[1] for t in triples], dtype=np.int64))
    levels = np.asarray([t[2] for t in triples], dtype=np.int64)
    return skill_math.skill_matrix(rows, cols, levels, len(ids), len(columns))


def _certificate_matrix(ids: np.ndarray, columns: skill_math.ColumnMap):
    triples = db.session.execute(
        select(
            WorkerCertificate.worker_id,
            WorkerCertificate.certificate_type_id,
            WorkerCertificate.valid_until,
        )
    ).all()
    rows = np.searchsorted(ids, np.asarray([t[0] for t in triples], dtype=np.int64))
    cols = columns.columns(np.asarray([t[1] for t in triples], dtype=np.int64))
    days = np.asarray(
        [skill_math.NO_EXPIRY if t[2] is None else skill_math.day_number(t[2]) for t in triples],
        dtype=np.int64,
    )
    return skill_math.certificate_matrix(rows, cols, days, len(ids), len(columns))


def _changes_matching_data(session: Session) -> bool:
    tracked = (
        WorkerProfile,
        WorkerSkill,
        WorkerCertificate,
        AvailabilityWindow,
        Skill,
        CertificateType,
    )
    if any(isinstance(o, tracked) for o in (*session.new, *session.deleted)):
        return True
    for obj in session.dirty:
        if isinstance(obj, User):
            if inspect(obj).attrs.status.history.has_changes():
                return True
        elif isinstance(obj, tracked) and _changed_columns(obj) - _IGNORED_WORKER_COLUMNS:
            return True
    return False


def _changed_columns(obj) -> set[str]:
    state = inspect(obj)
    return {attr.key for attr in state.attrs if attr.history.has_changes()}


@event.listens_for(Session, "before_flush")
def track_changes(session, flush_context, instances) -> None:
    """Bump the version in the same flush as any change the index would see."""
    if _changes_matching_data(session):
        session.execute(
            update(MatchingState)
            .where(MatchingState.id == 1)
            .values(version=MatchingState.version + 1, changed_at=utcnow())
        )
