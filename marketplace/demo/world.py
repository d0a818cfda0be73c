"""The state one demo generation run builds up and its parts consult."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..models import Industry
from .people import MobileAllocator, NationalIdAllocator

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class FactoryInfo:
    """What later steps need to know about a generated factory."""

    id: int
    name: str
    industry: Industry
    district_code: str
    association_id: int
    verified: bool
    status: str
    owner_user_id: int = 0
    sites: list[dict] = field(default_factory=list)


@dataclass
class WorkerFacts:
    """Per-worker facts kept for making applications; small enough for 100,000 workers."""

    kind: list[str] = field(default_factory=list)  # indexed by position, not id
    lender: list[int | None] = field(default_factory=list)
    first_id: int = 0
    suspended: set[int] = field(default_factory=set)
    # skill id -> [(worker id, level)], to find workers a shift can use.
    holders: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    # worker id -> {certificate type id: valid until}
    certificates: dict[int, dict[int, date | None]] = field(default_factory=dict)
    # worker id -> [(starts_at, ends_at)], only for workers who limited their availability.
    windows: dict[int, list[tuple[datetime, datetime]]] = field(default_factory=dict)


@dataclass
class World:
    """The random source, the clock, id counters and what has been generated so far."""

    seed: int
    rng: random.Random
    now: datetime
    password_hash: str
    next_ids: dict[str, int]
    mobiles: MobileAllocator
    national_ids: NationalIdAllocator
    district_ids: dict[str, int] = field(default_factory=dict)  # GB/T 2260 code -> id
    association_ids: dict[Industry, int] = field(default_factory=dict)
    district_association: dict[str, int] = field(default_factory=dict)
    skills: dict[Industry, list[dict]] = field(default_factory=dict)
    skill_codes: dict[int, str] = field(default_factory=dict)  # id -> code
    certificate_ids: dict[str, int] = field(default_factory=dict)  # code -> id
    factories: list[FactoryInfo] = field(default_factory=list)
    workers: WorkerFacts = field(default_factory=WorkerFacts)

    @classmethod
    def start(cls, seed: int, now: datetime, password_hash: str, first_ids: dict[str, int]):
        """A fresh world; the seed fixes every random choice, so all the data."""
        return cls(
            seed=seed,
            rng=random.Random(f"{seed}:start"),
            now=now,
            password_hash=password_hash,
            next_ids=dict(first_ids),
            mobiles=MobileAllocator(random.Random(f"{seed}:mobiles")),
            national_ids=NationalIdAllocator(random.Random(f"{seed}:national_ids")),
        )

    def stage(self, name: str) -> None:
        """Switch to the random stream of one stage, so that (say) the factories and
        shifts stay the same whether 300 or 100,000 workers are seeded in between."""
        self.rng = random.Random(f"{self.seed}:{name}")

    def take_ids(self, table: str, count: int) -> range:
        """Reserve primary keys, so rows can point at each other before any insert."""
        start = self.next_ids.get(table, 1)
        self.next_ids[table] = start + count
        return range(start, start + count)

    def days_ago(self, low: float, high: float) -> datetime:
        """A moment between low and high days before now, to the second."""
        seconds = self.rng.randint(int(low * 86400), int(high * 86400))
        return self.now - timedelta(seconds=seconds)

    def between(self, start: datetime, end: datetime) -> datetime:
        """A moment between start and end, to the second."""
        seconds = max(0, int((end - start).total_seconds()))
        return start + timedelta(seconds=self.rng.randint(0, seconds))

    @property
    def today(self) -> date:
        """Today's date in Shaoxing."""
        return self.now.astimezone(SHANGHAI).date()

    def skill_by_code(self, code: str) -> dict:
        """A generated skill row by its code."""
        return next(s for group in self.skills.values() for s in group if s["code"] == code)
