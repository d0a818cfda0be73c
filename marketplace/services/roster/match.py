"""Reference data and existing workers for a roster, loaded in a few bulk queries, and the
decision for each row: create, update, leave unchanged, or refuse."""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import force_locale
from sqlalchemy import select

from ...extensions import db
from ...labels import KIND_LABELS
from ...models import (
    AgreementStatus,
    District,
    Factory,
    LendingAgreement,
    Role,
    Skill,
    User,
    VerificationStatus,
    WorkerKind,
    WorkerProfile,
    WorkerSkill,
)
from .rows import Lender, Lookups, Place, Row, key

CHUNK = 500  # ids per IN (...): well under every database's parameter limit
_UNUSABLE = (VerificationStatus.REJECTED, VerificationStatus.SUSPENDED)
_LIVE_AGREEMENTS = (AgreementStatus.REQUESTED, AgreementStatus.APPROVED)
# Words people use for the kinds, besides the interface's own labels.
KIND_WORDS = {
    WorkerKind.IDLE_EMPLOYEE: ("共享员工", "待岗员工", "idle employee"),
    WorkerKind.CROSS_INDUSTRY: ("跨界员工", "跨行业", "cross industry", "cross-industry"),
    WorkerKind.RETIREE: ("退休", "退休人员", "退休职工", "retiree"),
    WorkerKind.VOLUNTEER: ("志愿者", "volunteer"),
    WorkerKind.EXPERT: ("专家", "共享专家", "expert"),
}


@dataclass
class Existing:
    """A worker already in the database, as far as the import needs to know them."""

    user_id: int
    role: Role | None  # None only while it is being loaded
    worker_id: int | None
    national_id: str | None = None
    profile: dict = field(default_factory=dict)
    lender_association_id: int | None = None
    # skill -> (row id, level, id of the association that verified it or None)
    skills: dict[int, tuple[int, int, int | None]] = field(default_factory=dict)
    locked: bool = False  # a live lending agreement ties the worker to their lender
    relation: object = None  # how the importer stands to them (roster_relations.Relation)


def load_lookups(association_id: int, factory: Factory | None, languages) -> Lookups:
    """Kinds, skills, districts and the factories this importer may name as lenders."""
    query = select(Factory.id, Factory.uscc, Factory.verification_status)
    query = query.where(
        Factory.id == factory.id if factory else Factory.association_id == association_id
    )
    lenders = {
        uscc: Lender(factory_id, status not in _UNUSABLE)
        for factory_id, uscc, status in db.session.execute(query)
    }
    own = lenders.get(factory.uscc) if factory else None
    return Lookups(_kinds(languages), _skills(), _districts(), lenders, own)


def _kinds(languages) -> dict[str, WorkerKind]:
    kinds = {key(k.value): k for k in WorkerKind}
    for kind, words in KIND_WORDS.items():
        kinds.update({key(w): kind for w in words})
    for language in languages:
        with force_locale(language):
            kinds.update({key(str(label)): kind for kind, label in KIND_LABELS.items()})
    return kinds


def _skills() -> dict[str, int]:
    skills = {}
    query = select(Skill.id, Skill.code, Skill.name_zh, Skill.name_en)
    for skill_id, code, name_zh, name_en in db.session.execute(query):
        skills.update({key(name_en): skill_id, key(name_zh): skill_id, key(code): skill_id})
    return skills


def _districts() -> dict[str, Place]:
    districts = {}
    for found in db.session.scalars(select(District)):
        place = Place(found.id, found.lat, found.lon)
        for name in (found.name_en, found.name, found.code):
            districts[key(name)] = place
    return districts


_PROFILE_COLUMNS = ("kind", "home_district_id", "home_lat", "home_lon", "lender_factory_id")
_PROFILE_QUERY = select(
    WorkerProfile.id,
    WorkerProfile.user_id,
    WorkerProfile.national_id,
    *(getattr(WorkerProfile, name) for name in _PROFILE_COLUMNS),
)


def in_chunks(query, column, values):
    """Rows of query for every value of column, a chunk of values per statement.

    One table and one unique index per statement: PostgreSQL plans these well even before
    it has statistics for rows an import has just written (a join of two did not).
    """
    values = sorted(values)
    for start in range(0, len(values), CHUNK):
        yield from db.session.execute(query.where(column.in_(values[start : start + CHUNK])))


def load_existing(rows: list[Row], today: date) -> tuple[dict, dict]:
    """Existing accounts by mobile and workers by ID number, for the rows' numbers."""
    accounts: dict[int, Existing] = {}
    by_mobile, by_id = {}, {}
    account_query = select(User.id, User.role, User.mobile)
    mobiles = {r.mobile for r in rows if r.mobile}
    for user_id, role, mobile in in_chunks(account_query, User.mobile, mobiles):
        by_mobile[mobile] = accounts.setdefault(user_id, Existing(user_id, role, None))
    national_ids = {r.national_id for r in rows if r.national_id}
    for found in in_chunks(_PROFILE_QUERY, WorkerProfile.national_id, national_ids):
        by_id[found.national_id] = _with_profile(accounts, found)
    missing = [u for u, a in accounts.items() if a.worker_id is None]
    for found in in_chunks(_PROFILE_QUERY, WorkerProfile.user_id, missing):
        _with_profile(accounts, found)
    unknown_roles = [u for u, a in accounts.items() if a.role is None]
    for user_id, role in in_chunks(select(User.id, User.role), User.id, unknown_roles):
        accounts[user_id].role = role
    _lender_associations(accounts.values())
    _load_skills_and_locks([a for a in accounts.values() if a.worker_id], today)
    return by_mobile, by_id


def _with_profile(accounts: dict[int, Existing], found) -> Existing:
    account = accounts.setdefault(found.user_id, Existing(found.user_id, None, None))
    account.worker_id, account.national_id = found.id, found.national_id
    account.profile = {name: getattr(found, name) for name in _PROFILE_COLUMNS}
    return account


def _lender_associations(accounts) -> None:
    lenders = {a.profile["lender_factory_id"] for a in accounts if a.profile}
    lenders.discard(None)
    query = select(Factory.id, Factory.association_id)
    association_of = dict(in_chunks(query, Factory.id, lenders))
    for account in accounts:
        if account.profile:
            account.lender_association_id = association_of.get(account.profile["lender_factory_id"])


def _load_skills_and_locks(workers: list[Existing], today: date) -> None:
    by_worker = {w.worker_id: w for w in workers}
    skills = select(
        WorkerSkill.worker_id,
        WorkerSkill.skill_id,
        WorkerSkill.id,
        WorkerSkill.level,
        WorkerSkill.verified_by_association_id,
    )
    for worker_id, skill_id, *held in in_chunks(skills, WorkerSkill.worker_id, by_worker):
        by_worker[worker_id].skills[skill_id] = tuple(held)
    locked = select(LendingAgreement.worker_id).where(
        LendingAgreement.status.in_(_LIVE_AGREEMENTS), LendingAgreement.ends_on >= today
    )
    for (worker_id,) in in_chunks(locked, LendingAgreement.worker_id, by_worker):
        by_worker[worker_id].locked = True
