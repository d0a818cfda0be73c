"""How the importer stands to each existing worker a roster names, and what that lets it change.

An import writes only over records the importer already answers for (issue: a factory's
roster turned a stranger into its idle employee). The relations, strongest first:

- RECORD: the importer's own import created the account and nobody has used it yet (the
  invitation is open and the account never logged in): the record is still the importer's data;
- LENT: a factory's own idle staff (their lender is the factory); for an association, staff
  lent by one of its member factories;
- VOUCHED (associations only): a worker its moderators may moderate for another reason, the
  ties of policy.worker_association_ids: an application to a member's shift (one the worker
  made, or an offer they accepted: not an offer they never took up) or its training.

Anyone else is refused. All is loaded for a whole roster in a few bulk queries.
"""

import enum
from dataclasses import dataclass

from sqlalchemy import select

from ... import policy
from ...extensions import db
from ...models import Application, Invitation, RosterImport, TrainingEnrolment, User
from .match import Existing, in_chunks


@dataclass(frozen=True)
class Scope:
    """Whose import it is: an association's, or one member factory's own."""

    association_id: int
    factory_id: int | None = None


class Relation(enum.Enum):
    RECORD = "record"
    LENT = "lent"
    VOUCHED = "vouched"


# Which parts of a worker's record each relation lets an import change (see FIELD_COLUMNS).
_EVERYTHING = frozenset({"kind", "home", "lender", "national_id", "skills"})
_FACTORY_MAY = {
    Relation.RECORD: _EVERYTHING,
    # A lender keeps its staff's skills, home address and ID number on file; whether the
    # person is its idle employee at all (kind, lender) is not an import's to decide.
    Relation.LENT: frozenset({"home", "national_id", "skills"}),
}
_ASSOCIATION_MAY = {
    Relation.RECORD: _EVERYTHING,
    # As the member lender may, and which member lends them, among the association's members.
    Relation.LENT: frozenset({"home", "national_id", "skills", "lender"}),
    # It vets skills (training, verification); the rest of the record is the worker's own.
    Relation.VOUCHED: frozenset({"skills"}),
}


def allowed_fields(relation: Relation | None, scope: Scope) -> frozenset[str]:
    """The parts of a worker's record the importer may change, given its relation to them."""
    table = _FACTORY_MAY if scope.factory_id is not None else _ASSOCIATION_MAY
    return table.get(relation, frozenset())


def load_relations(workers: list[Existing], scope: Scope) -> None:
    """Set each existing worker's relation to the importer (None: a stranger)."""
    # One worker may be found both by mobile and by ID number.
    workers = list({id(w): w for w in workers if w.worker_id is not None}.values())
    for worker in workers:
        worker.relation = _lent(worker, scope)
    records = _own_records({w.user_id for w in workers}, scope)
    for worker in workers:
        if worker.user_id in records:
            worker.relation = Relation.RECORD
    if scope.factory_id is None:
        # A worker lent by another association's member answers to that association.
        unrelated = {
            w.worker_id: w
            for w in workers
            if w.relation is None and w.profile["lender_factory_id"] is None
        }
        for worker_id in _vouched(unrelated, scope.association_id):
            unrelated[worker_id].relation = Relation.VOUCHED


def _lent(worker: Existing, scope: Scope) -> Relation | None:
    if scope.factory_id is not None:
        lent = worker.profile["lender_factory_id"] == scope.factory_id
    else:
        lent = worker.lender_association_id == scope.association_id
    return Relation.LENT if lent else None


def _own_records(user_ids: set[int], scope: Scope) -> set[int]:
    """Users created by one of the importer's imports who have not taken the account up."""
    imports = select(RosterImport.id).where(RosterImport.association_id == scope.association_id)
    if scope.factory_id is not None:
        imports = imports.where(RosterImport.factory_id == scope.factory_id)
    own_imports = set(db.session.scalars(imports))
    if not own_imports or not user_ids:
        return set()
    invited = select(Invitation.user_id, Invitation.roster_import_id, Invitation.used_at)
    found, used = set(), set()
    for user_id, import_id, used_at in in_chunks(invited, Invitation.user_id, user_ids):
        if used_at is not None:
            used.add(user_id)
        elif import_id in own_imports:
            found.add(user_id)
    logged_in = select(User.id).where(User.last_login_at.is_not(None))
    used.update(user_id for (user_id,) in in_chunks(logged_in, User.id, found))
    return found - used


def _vouched(workers: dict, association_id: int) -> set[int]:
    """Of these workers, those who applied to or took a member's shift, or did its training."""
    found = set()
    applied, trained = policy.chosen_ties(association_id)
    for query, column in ((applied, Application.worker_id), (trained, TrainingEnrolment.worker_id)):
        found.update(worker_id for (worker_id,) in in_chunks(query, column, workers))
    return found
