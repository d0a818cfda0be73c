"""What an import will do with each checked row, decided against the existing workers."""

from dataclasses import dataclass, field

from ...models import Role
from .match import Existing
from .relations import Scope, allowed_fields
from .rows import Row

# The parts of a worker's record (as the worker is told of them), in the order they are named.
FIELDS = ("kind", "lender", "home", "national_id", "skills")
_FIELD_OF_COLUMN = {
    "kind": "kind",
    "lender_factory_id": "lender",
    "home_district_id": "home",
    "home_lat": "home",
    "home_lon": "home",
    "national_id": "national_id",
}


@dataclass
class Update:
    row: Row
    worker: Existing
    profile: dict  # column -> new value, only the columns that change
    new_skills: dict[int, int]  # skill id -> level
    changed_skills: dict[int, int]  # worker_skills row id -> new level
    verified_elsewhere: bool = False  # a changed level was verified by someone else

    @property
    def fields(self) -> list[str]:
        """The parts of the record this update changes, in FIELDS order."""
        changed = {_FIELD_OF_COLUMN[column] for column in self.profile}
        if self.new_skills or self.changed_skills:
            changed.add("skills")
        return [name for name in FIELDS if name in changed]


@dataclass
class Plan:
    creates: list[Row] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    unchanged: list[Update] = field(default_factory=list)
    refused: list[Row] = field(default_factory=list)


def plan_rows(rows: list[Row], by_mobile: dict, by_id: dict, scope: Scope) -> Plan:
    """Sort the rows into creates, updates, unchanged and refused (with their reasons)."""
    plan = Plan()
    _mark_duplicates(rows)
    for row in rows:
        update = None if row.problems else _match(row, by_mobile, by_id, scope)
        if row.problems:
            plan.refused.append(row)
        elif update is None:
            plan.creates.append(row)
        elif update.profile or update.new_skills or update.changed_skills:
            plan.updates.append(update)
        else:
            plan.unchanged.append(update)
    return plan


def _mark_duplicates(rows: list[Row]) -> None:
    first_mobile: dict[str, int] = {}
    first_id: dict[str, int] = {}
    for row in rows:
        for value, seen in ((row.mobile, first_mobile), (row.national_id, first_id)):
            if value is None:
                continue
            if value in seen:
                row.refuse("duplicate", row=seen[value])
                break
            seen[value] = row.number


def _match(row: Row, by_mobile: dict, by_id: dict, scope: Scope) -> Update | None:
    account = by_mobile.get(row.mobile)
    holder = by_id.get(row.national_id) if row.national_id else None
    if account is not None and account.role != Role.WORKER:
        row.refuse("mobile_staff")
        return None
    if account is not None and holder is not None and account.user_id != holder.user_id:
        row.refuse("mobile_id_mismatch")
        return None
    worker = account or holder
    if worker is None:
        return None
    if worker.worker_id is None:
        row.refuse("no_profile")
    elif row.national_id and worker.national_id and worker.national_id != row.national_id:
        row.refuse("id_differs")
    elif worker.relation is None:
        lent = worker.profile["lender_factory_id"] is not None
        row.refuse("worker_elsewhere" if lent else "worker_unrelated")
    if row.problems:
        return None
    update = _changes(row, worker, scope)
    _check_allowed(row, update, scope)
    if not row.problems and "lender_factory_id" in update.profile and worker.locked:
        row.refuse("lender_locked")
    return None if row.problems else update


def _check_allowed(row: Row, update: Update, scope: Scope) -> None:
    """Refuse changes to parts of the record the importer's relation does not cover."""
    allowed = allowed_fields(update.worker.relation, scope)
    refused = [name for name in update.fields if name not in allowed]
    if refused:
        row.refuse("field_fixed", fields=refused)
    elif update.verified_elsewhere:
        row.refuse("skill_verified")


def _changes(row: Row, worker: Existing, scope: Scope) -> Update:
    wanted = {
        "kind": row.kind,
        "home_district_id": row.district_id,
        "home_lat": row.lat,
        "home_lon": row.lon,
        "lender_factory_id": row.lender_id,
    }
    profile = {k: v for k, v in wanted.items() if worker.profile.get(k) != v}
    if row.national_id and worker.national_id is None:
        profile["national_id"] = row.national_id
    new_skills, changed = {}, {}
    verified_elsewhere = False
    # An association's import may redo a level it verified itself (the level is unverified).
    own = scope.association_id if scope.factory_id is None else None
    for skill_id, level in row.skills.items():
        held = worker.skills.get(skill_id)
        if held is None:
            new_skills[skill_id] = level
        elif held[1] != level:
            changed[held[0]] = level
            verified_elsewhere |= held[2] is not None and held[2] != own
    return Update(row, worker, profile, new_skills, changed, verified_elsewhere)
