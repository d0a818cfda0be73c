"""Made-up factories: names, unified social credit codes and sites."""

import random
from typing import NamedTuple

from stdnum.cn import uscc

from ..models import Industry
from .taxonomy import DistrictData

# How many factories of each industry, and where: textiles in Keqiao, socks in Zhuji,
# bearings in Xinchang, neckties in Shengzhou, masks in Shangyu (as in Feb 2020).
FACTORY_PLAN: tuple[tuple[Industry, str, int], ...] = (
    (Industry.TEXTILES, "330603", 8),
    (Industry.TEXTILES, "330602", 2),
    (Industry.HOSIERY, "330681", 8),
    (Industry.BEARINGS, "330624", 7),
    (Industry.GARMENTS, "330683", 4),
    (Industry.MEDICAL_SUPPLIES, "330604", 4),
    (Industry.MEDICAL_SUPPLIES, "330602", 1),
    (Industry.ECOMMERCE, "330602", 2),
    (Industry.LOGISTICS, "330603", 1),
    (Industry.PACKAGING, "330604", 1),
    (Industry.SMART_MANUFACTURING, "330602", 1),
    (Industry.CATERING, "330681", 1),
)

# Invented trade names; none is meant to be a real company.
BRANDS = (
    "恒盛", "华越", "永利", "天圣", "锦程", "兴达", "瑞丰", "宏达", "盛鑫", "鑫源", "佳宝",
    "振兴", "金鹰", "海通", "凯利", "新亚", "东升", "明珠", "荣华", "嘉禾", "远航", "润泽",
    "立信", "博源", "欣悦", "森茂", "众诚", "百川", "顺达", "华鼎", "德信", "腾飞", "昌盛",
    "新光", "越秀", "鉴湖", "兰亭", "会稽", "稽山", "若耶", "曹娥", "剡溪", "浣纱", "天姥",
)  # fmt: skip

NAME_SUFFIXES = {
    Industry.TEXTILES: ("纺织", "印染", "织造", "化纤"),
    Industry.HOSIERY: ("袜业", "针织"),
    Industry.BEARINGS: ("轴承", "精密机械"),
    Industry.GARMENTS: ("服饰", "领带"),
    Industry.MEDICAL_SUPPLIES: ("医疗用品", "防护用品", "卫生材料"),
    Industry.ECOMMERCE: ("电子商务", "网络科技"),
    Industry.LOGISTICS: ("物流",),
    Industry.PACKAGING: ("包装",),
    Industry.SMART_MANUFACTURING: ("智能科技",),
    Industry.CATERING: ("餐饮管理",),
}

# How a company names its registration place: "绍兴柯桥..." but "诸暨市...".
NAME_PLACES = {
    "330602": "绍兴越城",
    "330603": "绍兴柯桥",
    "330604": "绍兴上虞",
    "330681": "诸暨市",
    "330683": "嵊州市",
    "330624": "新昌县",
}

ROADS = (
    "兴越路", "工业大道", "纺都路", "轻纺路", "振兴路", "创业路", "科创路", "望江路",
    "开发路", "环城北路", "人民路", "园区路", "滨海大道", "金港路", "东湖路", "江滨路",
)  # fmt: skip

# Digits 9-17 of a USCC are the older organisation code (GB 11714): 8 characters plus
# its own check character; we keep to digits so the code looks like a real company's.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


class FactoryData(NamedTuple):
    name: str
    uscc: str
    industry: Industry
    district_code: str


def organisation_code(rng: random.Random) -> str:
    """A 9-character organisation code with its GB 11714 check character."""
    body = f"{rng.randrange(10**8):08d}"
    remainder = 11 - sum(int(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    check = {10: "X", 11: "0"}.get(remainder, str(remainder))
    return body + check


def make_uscc(rng: random.Random, region_code: str) -> str:
    """An 18-character credit code: '91' (company, SAIC) + region + org code + check."""
    first17 = "91" + region_code + organisation_code(rng)
    return first17 + uscc.calc_check_digit(first17)


def plan_factories(rng: random.Random) -> list[FactoryData]:
    """About forty factories with unique names and credit codes, in plan order."""
    brands = rng.sample(BRANDS, sum(count for _, _, count in FACTORY_PLAN))
    used_codes: set[str] = set()
    factories = []
    for industry, district_code, count in FACTORY_PLAN:
        for _ in range(count):
            name = (
                NAME_PLACES[district_code]
                + brands[len(factories)]
                + rng.choice(NAME_SUFFIXES[industry])
                + "有限公司"
            )
            code = make_uscc(rng, district_code)
            while code in used_codes:
                code = make_uscc(rng, district_code)
            used_codes.add(code)
            factories.append(FactoryData(name, code, industry, district_code))
    return factories


def site_address(rng: random.Random, district: DistrictData) -> tuple[str, str]:
    """A town and a street address inside the district."""
    town = rng.choice(district.towns)
    road = rng.choice(ROADS)
    number = rng.randint(1, 1200)
    return town, f"浙江省绍兴市{district.name}{town}{road}{number}号"


def site_name(index: int, town: str) -> str:
    """The first site is the main plant, further ones are named after their town."""
    return "总厂" if index == 0 else f"{town.removesuffix('街道').removesuffix('镇')}分厂"
