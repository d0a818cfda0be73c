"""Roster imports: upload a file of idle staff, watch it import, read its report, hand out
the invitations of the workers it created.

The file is checked here only as far as is cheap (size, type by content, header); every row
is checked by the job (services/roster/job.py), which writes all of them or none.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ... import policy
from ...errors import Conflict, Invalid, NotFound
from ...extensions import db
from ...models import Association, Factory, ImportStatus, Invitation, RosterImport, User, utcnow
from .. import audit, authz
from ..platform import job_sweep
from .file import FileRefused, column_map, read_header, sniff
from .reasons import file_reason
from .write import token_hash

FILENAME_MAX = 255


@dataclass(frozen=True)
class InvitationLink:
    """One created worker's invitation, as the importer hands it to an SMS gateway."""

    name: str
    mobile: str
    token: str
    expires_at: datetime


def _scope(actor: User, association_id, factory_id, action: str) -> tuple[int, Factory | None]:
    """The association the import is for, and the factory for a factory's own upload."""
    if factory_id is not None:
        factory = db.session.get(Factory, factory_id)
        if factory is None:
            raise NotFound(_l("No such factory."))
        authz.require(policy.can_import_factory_roster(actor, factory), actor, action, factory)
        return factory.association_id, factory
    if db.session.get(Association, association_id or 0) is None:
        raise NotFound(_l("No such association."))
    authz.require(policy.can_import_roster(actor, association_id), actor, action)
    return association_id, None


def _refused(code: str, **params) -> Invalid:
    message = file_reason(code, params)
    return Invalid(message, fields={"file": [message]})


def check_file(filename: str, data: bytes) -> str:
    """The file's format ('xlsx' or 'csv'); Invalid when it cannot be a roster."""
    limit = current_app.config["ROSTER_MAX_BYTES"]
    if not data:
        raise _refused("empty_file")
    if len(data) > limit:
        raise _refused("too_large", mb=limit // (1024 * 1024))
    try:
        file_format = sniff(data, filename)
        column_map(read_header(data, file_format), current_app.config["LANGUAGES"])
    except FileRefused as refusal:
        raise _refused(refusal.code, **refusal.params) from None
    return file_format


def start_import(
    actor: User, filename: str, data: bytes, *, association_id=None, factory_id=None
) -> RosterImport:
    """Store the file and queue its import, for an association or for a factory's own staff."""
    association_id, factory = _scope(actor, association_id, factory_id, "roster.import")
    file_format = check_file(filename, data)
    job = RosterImport(
        association_id=association_id,
        factory_id=factory.id if factory else None,
        created_by_id=actor.id,
        filename=(filename or "roster")[-FILENAME_MAX:],
        file_format=file_format,
        content=data,
    )
    db.session.add(job)
    audit.record(
        "roster.uploaded",
        actor=actor,
        obj=job,
        association_id=association_id,
        file_format=file_format,
        size=len(data),
    )
    db.session.commit()
    job_sweep.enqueue(RosterImport, job.id)
    return job


def get_import(actor: User, import_id: int, action: str = "roster.view") -> RosterImport:
    """The import, for whoever may see it (policy.can_view_roster_import)."""
    job = db.session.get(RosterImport, import_id)
    if job is None:
        raise NotFound(_l("No such import."))
    authz.require(policy.can_view_roster_import(actor, job), actor, action, job)
    return job


def list_imports(actor: User, *, association_id=None, factory_id=None) -> list[RosterImport]:
    """The latest imports of the association (all of them) or of the factory, newest first."""
    association_id, factory = _scope(actor, association_id, factory_id, "roster.list")
    query = select(RosterImport).where(RosterImport.association_id == association_id)
    if factory is not None:
        query = query.where(RosterImport.factory_id == factory.id)
    query = query.order_by(RosterImport.created_at.desc(), RosterImport.id.desc()).limit(20)
    return list(db.session.scalars(query))


def retry_import(actor: User, import_id: int) -> RosterImport:
    """Queue a failed import again (its file is still stored)."""
    job = get_import(actor, import_id, "roster.retry")
    if job.status != ImportStatus.FAILED:
        raise Conflict(_l("Only a failed import can be tried again."))
    job.status = ImportStatus.QUEUED
    job.queued_at = utcnow()
    audit.record("roster.retried", actor=actor, obj=job, association_id=job.association_id)
    db.session.commit()
    job_sweep.enqueue(RosterImport, job.id)
    return job


def failure_message(job: RosterImport) -> str:
    """Why the file was refused as a whole or the import failed, in the reader's language."""
    return file_reason(job.error) if job.error else ""


def issue_invitations(actor: User, import_id: int) -> list[InvitationLink]:
    """Fresh links for the import's invitations still open; earlier links stop working.

    Only the hash of a token is stored, so a link can be shown once: handing them out
    again replaces them, and each link lasts the configured days from now.
    """
    job = get_import(actor, import_id, "roster.invitations")
    now = utcnow()
    expires = now + timedelta(days=current_app.config["ROSTER_INVITATION_DAYS"])
    query = (
        select(Invitation.id, User.name, User.mobile)
        .join(User, User.id == Invitation.user_id)
        .where(Invitation.roster_import_id == job.id, Invitation.used_at.is_(None))
        .order_by(Invitation.id)
    )
    links, changes = [], []
    for invitation_id, name, mobile in db.session.execute(query):
        token = secrets.token_urlsafe(32)
        changes.append(
            {"id": invitation_id, "token_hash": token_hash(token), "expires_at": expires}
        )
        links.append(InvitationLink(name, mobile or "", token, expires))
    if changes:
        db.session.execute(update(Invitation), changes)
    audit.record(
        "roster.invitations_issued",
        actor=actor,
        obj=job,
        association_id=job.association_id,
        count=len(links),
    )
    db.session.commit()
    return links
