"""Peak memory of the serving process while it takes a roster upload (`make bench-memory`).

Not a test: each case runs in a fresh child process that builds the app on a temporary SQLite
file (jobs run in the request, as the thread backend runs them in the same process), logs a
moderator in through the login form with the Flask test client, resets the kernel's
high-water mark (/proc/self/clear_refs), uploads the file through /association/rosters and
reads VmHWM. Growth = VmHWM after the upload minus VmRSS before it. Cases: the probe's
hostile workbook (one 240 MB cell, about 250 KB zipped; shared string or inline) and an
accepted roster. Prints a table and writes bench/roster_memory_results.json.
"""

import argparse
import io
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
HUGE = 240 * 1024 * 1024
PASSWORD = "bench-memory-2020"
CASES = ("hostile_shared_cell", "hostile_inline_cell", "accepted_roster")


def _status_kib(field: str) -> int:
    text = Path("/proc/self/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", text, re.M).group(1))


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def child(case: str, rows: int) -> dict:
    """Run one upload in this process; the figures of its memory."""
    from bench_roster import _scene
    from flask_migrate import upgrade

    from config import TestConfig
    from marketplace import create_app
    from marketplace.demo.taxonomy import DISTRICTS, SKILLS
    from marketplace.extensions import db
    from marketplace.models import RosterImport
    from marketplace.services.accounts.passwords import hash_password
    from marketplace.services.roster.template import rows_to_xlsx, sample_rows
    from tests import roster_hostile

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/m.db")
        with app.app_context():
            upgrade()
            moderator, factory = _scene()
            moderator.password_hash = hash_password(PASSWORD)
            db.session.commit()
            if case == "accepted_roster":
                skills = [s for _c, s, _e in SKILLS[factory.industry]]
                data = rows_to_xlsx(
                    sample_rows(
                        rows,
                        skills=skills,
                        districts=[d.name for d in DISTRICTS],
                        lender_uscc=factory.uscc,
                    )
                )
            else:
                where = "shared" if case == "hostile_shared_cell" else "inline"
                data = roster_hostile.workbook(HUGE, where=where, rows=1000)
            mobile = moderator.mobile.removeprefix("+86")
        client = app.test_client()
        page = client.get("/auth/login").get_data(as_text=True)
        client.post(
            "/auth/login",
            data={"csrf_token": _csrf(page), "identifier": mobile, "password": PASSWORD},
        )
        page = client.get("/association/rosters").get_data(as_text=True)
        token = _csrf(page)
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
        before = _status_kib("VmRSS")
        response = client.post(
            "/association/rosters",
            data={"csrf_token": token, "file": (io.BytesIO(data), "r.xlsx")},
            content_type="multipart/form-data",
        )
        peak = _status_kib("VmHWM")
        with app.app_context():
            job = db.session.scalars(db.select(RosterImport)).first()
            outcome = f"{job.status.value} {job.error}".strip() if job else "refused at upload"
            db.engine.dispose()
    return {
        "upload_bytes": len(data),
        "http_status": response.status_code,
        "outcome": outcome,
        "rss_before_mib": round(before / 1024, 1),
        "peak_growth_mib": round((peak - before) / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5_000, help="rows of the accepted roster")
    parser.add_argument("--out", default=str(ROOT / "bench" / "roster_memory_results.json"))
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.rows)))
        return
    result = {}
    for case in CASES:
        command = [sys.executable, __file__, "--child", case, "--rows", str(args.rows)]
        done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
        result[case] = json.loads(done.stdout.strip().splitlines()[-1])
    result["accepted_roster"]["rows"] = args.rows
    print(f"{'case':>20} {'upload KB':>10} {'RSS MiB':>8} {'peak +MiB':>10}  outcome")
    for case, r in result.items():
        print(
            f"{case:>20} {r['upload_bytes'] // 1024:>10} {r['rss_before_mib']:>8}"
            f" {r['peak_growth_mib']:>10}  {r['http_status']} {r['outcome']}"
        )
    Path(args.out).parent.mkdir(exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
