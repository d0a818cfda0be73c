"""A roster scene for the import tests: reference data, an association, a factory, a moderator."""

import pytest

from marketplace.extensions import db
from marketplace.models import Industry, Role, Skill
from marketplace.services.roster.template import rows_to_csv, rows_to_xlsx, sample_rows

SKILL_DATA = (
    ("weaving.loom_operation", "织机操作", "Loom operation"),
    ("finishing.fabric_inspection", "验布", "Fabric inspection"),
    ("garment.lockstitch_sewing", "平车缝纫", "Lockstitch sewing"),
)


@pytest.fixture
def roster_scene(app, district, make_factory, make_user, make_district):
    """Skills, two districts, a member factory with its owner, and the association's moderator."""
    keqiao = make_district(code="330603", name="柯桥区", lat=30.0819, lon=120.4951)
    for code, zh, en in SKILL_DATA:
        db.session.add(Skill(code=code, name_zh=zh, name_en=en, industry=Industry.TEXTILES))
    db.session.commit()
    factory = make_factory()
    moderator = make_user(Role.MODERATOR, association=factory.association)
    return {
        "factory": factory,
        "owner": factory.members[0].user,
        "moderator": moderator,
        "association": factory.association,
        "districts": [district, keqiao],
    }


def generated(scene, count: int, **kwargs) -> list[dict]:
    """`count` valid rows whose idle employees are lent by the scene's factory."""
    return list(
        sample_rows(
            count,
            skills=[s[1] for s in SKILL_DATA],
            districts=["越城区", "330603"],
            lender_uscc=scene["factory"].uscc,
            **kwargs,
        )
    )


__all__ = ["generated", "roster_scene", "rows_to_csv", "rows_to_xlsx"]
