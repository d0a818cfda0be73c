"""Made-up people: Chinese names, mainland mobile numbers, resident ID numbers, homes."""

import math
import random
from datetime import date, timedelta

from stdnum.cn import ric

# Common surnames, with Shaoxing's own (楼, 俞, 裘, 斯, 宣, 寿) among them; weights roughly
# follow how often they occur locally.
SURNAMES = (
    ("王", 9), ("陈", 9), ("张", 7), ("李", 6), ("徐", 6), ("吴", 5), ("周", 5), ("杨", 4),
    ("金", 4), ("俞", 4), ("孙", 4), ("沈", 4), ("钱", 3), ("朱", 3), ("黄", 3), ("何", 3),
    ("蒋", 3), ("胡", 3), ("赵", 3), ("楼", 2), ("宣", 2), ("裘", 2), ("章", 2), ("斯", 1),
    ("寿", 1), ("马", 2), ("郑", 2), ("杜", 1), ("丁", 1), ("冯", 1), ("叶", 2), ("魏", 1),
    ("许", 2), ("潘", 2), ("袁", 1), ("邵", 1), ("姚", 1), ("汪", 1), ("傅", 2), ("屠", 1),
)  # fmt: skip
_SURNAME_CHARS = tuple(s for s, _ in SURNAMES)
_SURNAME_WEIGHTS = tuple(w for _, w in SURNAMES)

GIVEN_MALE = "建国伟强军平刚勇杰涛明华斌波辉鹏宇浩志峰磊超亮俊飞林荣新国庆海洪文"
GIVEN_FEMALE = "丽娟芳敏静燕秀英霞琴萍红梅玲婷雪慧颖洁琳倩丹佳月晓美兰凤春云芬"

# Mainland mobile prefixes of the three carriers (China Mobile first, the most common).
MOBILE_PREFIXES = (
    "138", "139", "135", "136", "137", "150", "151", "152", "157", "158", "159", "182",
    "183", "187", "188", "130", "131", "132", "155", "156", "185", "186", "133", "153",
    "180", "189", "177", "199",
)  # fmt: skip

# The 6-digit code printed in an ID number is the place of first registration, and
# stdnum checks it existed in the birth year. Shaoxing's counties were renumbered in 1983
# (332xxx -> 3306xx) and again when Zhuji (1989), Shengzhou (1995), Shangyu (1992 city,
# 2013 district) and Keqiao (2013, formerly 绍兴县) changed status, so the code depends on
# the year: (last birth year it applies to, code), in order; None means "and later".
BIRTH_PLACE_CODES: dict[str, tuple[tuple[int | None, str], ...]] = {
    "330602": ((1982, "332301"), (None, "330602")),
    "330603": ((1981, "332321"), (1982, "332301"), (2012, "330621"), (None, "330603")),
    "330604": ((1982, "332322"), (1991, "330622"), (2012, "330682"), (None, "330604")),
    "330681": ((1982, "332325"), (1988, "330625"), (None, "330681")),
    "330683": ((1982, "332323"), (1994, "330623"), (None, "330683")),
    "330624": ((1982, "332324"), (None, "330624")),
}

_KM_PER_DEGREE = 111.32


def chinese_name(rng: random.Random, male: bool) -> str:
    """A surname and a one- or two-character given name."""
    surname = rng.choices(_SURNAME_CHARS, _SURNAME_WEIGHTS)[0]
    pool = GIVEN_MALE if male else GIVEN_FEMALE
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
    return surname + given


def scatter(rng: random.Random, lat: float, lon: float, sigma_km: float) -> tuple[float, float]:
    """A point normally scattered around a centre, at most three sigmas away."""
    limit = 3 * sigma_km
    north = max(-limit, min(limit, rng.gauss(0.0, sigma_km)))
    east = max(-limit, min(limit, rng.gauss(0.0, sigma_km)))
    new_lat = lat + north / _KM_PER_DEGREE
    new_lon = lon + east / (_KM_PER_DEGREE * math.cos(math.radians(lat)))
    return round(new_lat, 6), round(new_lon, 6)


class MobileAllocator:
    """Hands out unique E.164 mainland mobile numbers."""

    def __init__(self, rng: random.Random):
        self._rng = rng
        self._used: set[str] = set()

    def reserve(self, e164: str) -> str:
        """Claim a fixed number (the well-known demo logins)."""
        if e164 in self._used:
            raise ValueError(f"mobile number {e164} handed out twice")
        self._used.add(e164)
        return e164

    def sequential(self, prefix: str, n: int) -> str:
        """The n-th number of a block such as +86138 0000 nnnn."""
        return self.reserve(f"+86{prefix}{n:08d}")

    def random(self) -> str:
        """A random number under a real carrier prefix, never handed out before."""
        while True:
            prefix = self._rng.choice(MOBILE_PREFIXES)
            number = f"+86{prefix}{self._rng.randrange(10**8):08d}"
            if number not in self._used:
                self._used.add(number)
                return number


def birth_place_code(district_code: str, year: int) -> str:
    """The registration code a person born in this district in this year would carry."""
    for last_year, code in BIRTH_PLACE_CODES[district_code]:
        if last_year is None or year <= last_year:
            return code
    raise AssertionError("the last entry has no end year")


def birth_date(rng: random.Random, today: date, min_age: int, max_age: int) -> date:
    """A birth date giving an age of about min_age to max_age years on today."""
    youngest = today - timedelta(days=round(min_age * 365.25))
    oldest = today - timedelta(days=round((max_age + 1) * 365.25) - 1)
    return oldest + timedelta(days=rng.randrange((youngest - oldest).days + 1))


class NationalIdAllocator:
    """Hands out unique resident ID numbers that pass stdnum's full check."""

    def __init__(self, rng: random.Random):
        self._rng = rng
        self._used: set[str] = set()

    def allocate(self, district_code: str, born: date, male: bool) -> str:
        """An 18-digit number: place, birth date, sequence (odd for men), check digit."""
        place = birth_place_code(district_code, born.year)
        for _ in range(100):
            # The 17th digit is odd for men and even for women.
            sequence = self._rng.randrange(500) * 2 + (1 if male else 0)
            first17 = f"{place}{born:%Y%m%d}{sequence:03d}"
            # calc_check_digit ignores the last character: it expects the full 18 digits.
            number = first17 + ric.calc_check_digit(first17 + "0")
            if number not in self._used and ric.is_valid(number):
                self._used.add(number)
                return number
        raise RuntimeError(f"no free valid ID number for {place} born {born}")
