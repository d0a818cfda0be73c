"""The job behind a roster import: claim it, read and check every row, then write them all.

Runs outside any request (marketplace.jobs), like services/placement/job.py. The import row
is the job's only state: a lease says who works on it, progress is committed while rows are
checked (nothing else is written then), and every worker is written in the transaction that
marks the import done. A job that dies half way has written no worker and leaves a row that
may be claimed again once its lease has lapsed.
"""

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ... import jobs
from ...extensions import db
from ...identifiers import mask_mobile, mask_national_id
from ...models import ImportStatus, RosterImport, utcnow
from .. import audit, leases
from ..applications.eligibility import local_date
from ..ranking import index as matching_index
from .file import FileRefused, column_map, read_table
from .match import load_existing, load_lookups
from .plan import Plan, plan_rows
from .relations import Scope, load_relations
from .rows import check_row
from .write import tell_updated_workers, write_plan

log = logging.getLogger(__name__)
JOB_NAME = "roster.import"
LEASE = timedelta(minutes=15)
PROGRESS_EVERY = 1000


class LostLease(Exception):
    """Another worker took the import over; this attempt stops without writing."""


@jobs.job(JOB_NAME)
def execute_import(import_id: int) -> None:
    """Claim the import and run it; records a failure on the import itself."""
    attempt = _claim(import_id)
    if attempt is None:
        return  # finished, or another worker holds a live lease
    try:
        _run(import_id, attempt)
    except LostLease:
        db.session.rollback()
    except Exception as error:  # whatever broke, the import must say that it failed
        db.session.rollback()
        log.exception("roster import %s failed", import_id)
        # A unique number taken between the check and the write: running it again sees it.
        code = "conflict" if isinstance(error, IntegrityError) else "unexpected"
        if _finish(import_id, attempt, ImportStatus.FAILED, error=code):
            db.session.commit()


def _claim(import_id: int) -> int | None:
    return leases.claim(
        RosterImport,
        import_id,
        queued=ImportStatus.QUEUED,
        running=ImportStatus.RUNNING,
        lease=LEASE,
        rows_done=0,
    )


def _run(import_id: int, attempt: int) -> None:
    job = db.session.get(RosterImport, import_id)
    config = current_app.config
    try:
        header, body = read_table(job.content, job.file_format, config["ROSTER_MAX_ROWS"])
        columns = column_map(header, config["LANGUAGES"])
    except FileRefused as refusal:
        _close(job, attempt, ImportStatus.REFUSED, Plan(), [], error=refusal.code)
        return
    _progress(import_id, attempt, 0, len(body))
    lookups = load_lookups(job.association_id, job.factory, config["LANGUAGES"])
    rows = []
    for start in range(0, len(body), PROGRESS_EVERY):
        for number, cells in body[start : start + PROGRESS_EVERY]:
            values = {name: cells[i] if i < len(cells) else "" for name, i in columns.items()}
            rows.append(check_row(number, values, lookups))
        _progress(import_id, attempt, len(rows), len(body))
    by_mobile, by_id = load_existing(rows, local_date(utcnow()))
    scope = Scope(job.association_id, job.factory_id)
    load_relations([*by_mobile.values(), *by_id.values()], scope)
    plan = plan_rows(rows, by_mobile, by_id, scope)
    if plan.refused:
        _close(job, attempt, ImportStatus.REFUSED, plan, report_of(plan, refused_only=True))
        return
    write_plan(plan, import_id, utcnow(), config["ROSTER_INVITATION_DAYS"])
    tell_updated_workers(job, plan.updates)
    matching_index.bump()  # bulk statements skip the ORM's change tracking
    _close(job, attempt, ImportStatus.DONE, plan, report_of(plan))
    if plan.creates:
        _analyse()


def _analyse() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL).

    Plans cached while these tables were small (psycopg prepares a statement after a few
    runs) scan every row for each of a chunk's numbers: the next import of the same
    20,000 people took three times as long. ANALYZE replaces the statistics and the plans.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    try:
        db.session.execute(text("ANALYZE users, worker_profiles, worker_skills, invitations"))
        db.session.commit()
    except SQLAlchemyError:  # the import is done; slower plans are no reason to say otherwise
        db.session.rollback()
        log.warning("ANALYZE after a roster import failed", exc_info=True)


def _progress(import_id: int, attempt: int, done: int, total: int) -> None:
    """Commit how far the check has come (and keep the lease alive)."""
    if not _finish_values(import_id, attempt, rows_done=done, rows_total=total):
        raise LostLease
    db.session.commit()


def _close(job: RosterImport, attempt: int, status, plan: Plan, report: list, error="") -> None:
    done = status == ImportStatus.DONE
    # A refused file wrote nothing: its only counts are of the rows refused.
    counts = {
        "created_count": len(plan.creates) if done else 0,
        "updated_count": len(plan.updates) if done else 0,
        "unchanged_count": len(plan.unchanged) if done else 0,
        "refused_count": len(plan.refused),
        "invited_count": len(plan.creates) if done else 0,
    }
    # Counts only: the trail never holds a name or a personal number.
    audit.record(
        "roster.imported" if status == ImportStatus.DONE else "roster.refused",
        actor=job.created_by,
        obj=job,
        association_id=job.association_id,
        error=error,
        **counts,
    )
    values = {"report": report, "error": error, **counts}
    if status != ImportStatus.FAILED:
        # Only a failed import is run again; otherwise the file's personal numbers go.
        values["content"] = None
    if not _finish(job.id, attempt, status, **values):
        raise LostLease
    db.session.commit()


def _finish(import_id: int, attempt: int, status: ImportStatus, **values) -> bool:
    return leases.finish(
        RosterImport, import_id, attempt, status, running=ImportStatus.RUNNING, **values
    )


def _finish_values(import_id: int, attempt: int, **values) -> bool:
    """Update the running import, renewing its lease, only while this attempt holds it."""
    values["lease_expires_at"] = utcnow() + LEASE
    return leases.update_held(
        RosterImport, import_id, attempt, running=ImportStatus.RUNNING, **values
    )


def report_of(plan: Plan, *, refused_only: bool = False) -> list[dict]:
    """One entry per row, in file order; numbers masked, reasons as codes."""
    entries = [_entry(row, "refused") for row in plan.refused]
    if not refused_only:
        entries += [_entry(row, "created") for row in plan.creates]
        entries += [_entry(u.row, "updated") for u in plan.updates]
        entries += [_entry(u.row, "unchanged") for u in plan.unchanged]
    return sorted(entries, key=lambda entry: entry["row"])


def _entry(row, outcome: str) -> dict:
    return {
        "row": row.number,
        "outcome": outcome,
        "name": row.name,
        "mobile": mask_mobile(row.mobile),
        "national_id": mask_national_id(row.national_id),
        "problems": row.problems,
    }
