"""What an import will do with each checked row, decided against the existing workers."""

from dataclasses import dataclass, field

from ..models import Role
from .roster_match import Existing
from .roster_rows import Row


@dataclass(frozen=True)
class Scope:
    """Whose import it is: an association's, or one member factory's own."""

    association_id: int
    factory_id: int | None = None


@dataclass
class Update:
    row: Row
    worker: Existing
    profile: dict  # column -> new value, only the columns that change
    new_skills: dict[int, int]  # skill id -> level
    changed_skills: dict[int, int]  # worker_skills row id -> new level


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
    elif not _in_scope(worker, scope):
        row.refuse("worker_elsewhere")
    if row.problems:
        return None
    update = _changes(row, worker)
    if "lender_factory_id" in update.profile and worker.locked:
        row.refuse("lender_locked")
        return None
    return update


def _in_scope(worker: Existing, scope: Scope) -> bool:
    """An importer updates only workers lent by nobody or by a factory it speaks for."""
    if scope.factory_id is not None:
        return worker.profile["lender_factory_id"] in (None, scope.factory_id)
    return worker.lender_association_id in (None, scope.association_id)


def _changes(row: Row, worker: Existing) -> Update:
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
    for skill_id, level in row.skills.items():
        held = worker.skills.get(skill_id)
        if held is None:
            new_skills[skill_id] = level
        elif held[1] != level:
            changed[held[0]] = level
    return Update(row, worker, profile, new_skills, changed)
