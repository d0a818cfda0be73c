"""A worker's certificates: adding or replacing one, removing one. Self-declared certificates are
unverified until an association verifies them; changing a verified one drops the verification.
"""

from datetime import date

from flask_babel import lazy_gettext as _l

from ...errors import Invalid
from ...extensions import db
from ...models import CertificateType, User, WorkerCertificate, utcnow
from ..applications.eligibility import local_date
from ..common import commit
from .profile import _CHANGED, _CORRECT, CERTIFICATE_NUMBER_MAX, _own_item, _record, own_worker


def _certificate_fields(type_id, number: str, valid_until, errors: dict):
    kind = db.session.get(CertificateType, type_id) if type_id else None
    if kind is None:
        errors["certificate_type_id"] = [_l("Choose a certificate.")]
    number = (number or "").strip()
    if not number:
        errors["number"] = [_l("Enter the certificate's number.")]
    elif len(number) > CERTIFICATE_NUMBER_MAX:
        errors["number"] = [_l("Use at most %(n)d characters.", n=CERTIFICATE_NUMBER_MAX)]
    if valid_until is not None and not isinstance(valid_until, date):
        errors["valid_until"] = [_l("Enter a date.")]
    elif valid_until is not None and valid_until < local_date(utcnow()):
        errors["valid_until"] = [_l("This certificate has expired; enter a valid one.")]
    return kind, number


def set_certificate(
    actor: User, worker_id: int, certificate_type_id: int | None, number: str, valid_until
) -> WorkerCertificate:
    """Add a certificate, or change the number or expiry of one held (which unverifies it)."""
    worker = own_worker(actor, worker_id, "worker.set_certificate")
    errors: dict = {}
    kind, number = _certificate_fields(certificate_type_id, number, valid_until, errors)
    if errors:
        raise Invalid(_CORRECT, fields=errors)
    held = next((c for c in worker.certificates if c.certificate_type_id == kind.id), None)
    if held is None:
        held = WorkerCertificate(
            worker=worker, certificate_type_id=kind.id, number=number, valid_until=valid_until
        )
        db.session.add(held)
        _record("worker.certificate_added", actor, held, worker, certificate_type_id=kind.id)
    elif (held.number, held.valid_until) != (number, valid_until):
        was_verified = held.verified_at is not None
        held.number, held.valid_until = number, valid_until
        held.verified_at = held.verified_by_association_id = None
        _record(
            "worker.certificate_changed",
            actor,
            held,
            worker,
            certificate_type_id=kind.id,
            verification_dropped=was_verified,
        )
    commit(_CHANGED)
    return held


def remove_certificate(actor: User, worker_certificate_id: int) -> None:
    """Take a certificate off one's profile."""
    held = _own_item(
        actor,
        WorkerCertificate,
        worker_certificate_id,
        "worker.remove_certificate",
        _l("No such certificate."),
    )
    worker = held.worker
    _record(
        "worker.certificate_removed",
        actor,
        held,
        worker,
        certificate_type_id=held.certificate_type_id,
    )
    worker.certificates.remove(held)
    commit(_CHANGED)
