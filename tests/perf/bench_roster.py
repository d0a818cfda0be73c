"""Roster import timing (`make bench`): a generated roster imported twice, on a fresh database.

Not a test: it prints the seconds of each step and writes bench/roster_results.json. The
database is a temporary SQLite file unless --database-url names another (say a throwaway
PostgreSQL database); its schema is dropped and rebuilt from the migrations, so never point
it at a database that holds anything.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from stdnum.cn import uscc  # noqa: E402

from config import TestConfig  # noqa: E402
from marketplace import create_app  # noqa: E402
from marketplace.demo.taxonomy import ASSOCIATIONS, DISTRICTS, SKILLS  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.models import (  # noqa: E402
    Association,
    District,
    Factory,
    FactoryMember,
    MemberRole,
    MemberStatus,
    Role,
    Skill,
    User,
    VerificationStatus,
)
from marketplace.services.roster import imports as roster  # noqa: E402
from marketplace.services.roster.file import read_table  # noqa: E402
from marketplace.services.roster.template import rows_to_xlsx, sample_rows  # noqa: E402


def _scene() -> tuple[User, Factory]:
    """Reference data, one association with one verified factory, and its moderator."""
    for d in DISTRICTS:
        db.session.add(
            District(
                code=d.code, name=d.name, name_en=d.name_en, city="绍兴市", lat=d.lat, lon=d.lon
            )
        )
    for industry, skills in SKILLS.items():
        for code, zh, en in skills:
            db.session.add(Skill(code=code, name_zh=zh, name_en=en, industry=industry))
    db.session.flush()
    data = ASSOCIATIONS[0]
    home = db.session.scalar(sa.select(District).where(District.code == data.district_code))
    association = Association(
        name=data.name, name_en=data.name_en, industry=data.industry, district_id=home.id
    )
    body = "91330602MA2BENCH0"
    factory = Factory(
        name="绍兴基准纺织有限公司",
        uscc=body + uscc.calc_check_digit(body),
        industry=data.industry,
        association=association,
        verification_status=VerificationStatus.VERIFIED,
    )
    owner = User(role=Role.FACTORY_STAFF, name="厂长", mobile="+8613800000001", password_hash="!")
    moderator = User(
        role=Role.MODERATOR,
        name="协会",
        mobile="+8613700000001",
        password_hash="!",
        association=association,
    )
    db.session.add_all([association, factory, owner, moderator])
    db.session.add(
        FactoryMember(
            factory=factory, user=owner, role=MemberRole.OWNER, status=MemberStatus.ACTIVE
        )
    )
    db.session.commit()
    return moderator, factory


def _timed(fn):
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def run(url: str, rows: int) -> dict:
    """Seconds for generating, reading, and importing the roster twice."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, JOB_BACKEND="eager")
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        moderator, factory = _scene()
        skills = [s for _c, s, _e in SKILLS[factory.industry]]
        generated = sample_rows(
            rows, skills=skills, districts=[d.name for d in DISTRICTS], lender_uscc=factory.uscc
        )
        data, generate = _timed(lambda: rows_to_xlsx(generated))
        _, read = _timed(lambda: read_table(data, "xlsx", rows + 1))

        def start():
            return roster.start_import(
                moderator, "bench.xlsx", data, association_id=factory.association_id
            )

        first, first_s = _timed(start)
        second, second_s = _timed(start)
        assert (first.status, first.created_count) == ("done", rows), first.error
        assert (second.status, second.unchanged_count) == ("done", rows), second.error
        db.engine.dispose()
    return {
        "database": url.split(":")[0],
        "rows": rows,
        "xlsx_bytes": len(data),
        "generate_xlsx_s": round(generate, 2),
        "read_xlsx_s": round(read, 2),
        "first_import_s": round(first_s, 2),
        "second_import_s": round(second_s, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--out", default=str(ROOT / "bench" / "roster_results.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        result = run(args.database_url or f"sqlite:///{folder}/bench.db", args.rows)
    for name, value in result.items():
        print(f"{name:>18}: {value}")
    Path(args.out).parent.mkdir(exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
