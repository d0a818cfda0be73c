"""The morning rush: 1000 workers race for 500 places on 100 overlapping shifts, over HTTP.

    .venv/bin/python tests/perf/rush.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/rush_test \
        --seconds 60 --workers 1000 --shifts 100 --processes 2

Not a test: a load benchmark with correctness checks. It drops and rebuilds the database's
schema (never point it at a database that holds anything), seeds the demo, adds the rush's
scene, serves the app with gunicorn on 127.0.0.1, lets every client loose at once, then
checks the database: no shift overbooked, no 5xx, no application or accepted place lost, no
worker with two places. Prints a report, writes bench/rush_results.json (the server's log
beside it as rush_server.log), and exits 1 if a check fails or a client crashed.

Each worker applies to --applies-per-worker shifts at once (1 by default: on two busy cores
the server answers some 20-40 requests a second, so three each would keep the whole minute
busy with applications and no offer would ever be accepted), then polls its applications
about once a second, accepts every offer, and applies elsewhere once none is still alive.
Factory staff list their shifts' applications and offer to everyone waiting.
"""

import argparse
import json
import os
import random
import resource
import secrets
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from config import TestConfig  # noqa: E402
from marketplace import create_app  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from tests import live_server  # noqa: E402
from tests.perf.rush_checks import run_checks  # noqa: E402
from tests.perf.rush_clients import CLIENT_TIMEOUT_SECONDS, run_rush  # noqa: E402
from tests.perf.rush_report import print_report, summary  # noqa: E402
from tests.perf.rush_scene import build_scene  # noqa: E402

SERVER_START_SECONDS = 60
SERVER_STOP_SECONDS = 15
FLASK_COMMAND_SECONDS = 600


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a throwaway PostgreSQL database")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=1000)
    parser.add_argument("--shifts", type=int, default=100)
    parser.add_argument("--headcount", type=int, default=5)
    parser.add_argument("--factories", type=int, default=4)
    parser.add_argument("--factory-threads", type=int, default=5, help="per staff token")
    parser.add_argument("--applies-per-worker", type=int, default=1, help="at the start")
    parser.add_argument("--processes", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--seed-workers", type=int, default=200, help="flask seed-demo --workers")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--out", default=str(ROOT / "bench" / "rush_results.json"))
    return parser.parse_args()


class Phases:
    """Wall-clock seconds of each phase, printed as each ends."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str):
        started = time.monotonic()
        print(f"[rush] {name} ...", flush=True)
        try:
            yield
        finally:
            self.seconds[name] = round(time.monotonic() - started, 2)
            print(f"[rush] {name}: {self.seconds[name]} s", flush=True)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _reset_schema(url: str) -> None:
    engine = sa.create_engine(url)
    if engine.dialect.name != "postgresql":
        raise SystemExit("the rush needs PostgreSQL: many processes write at once")
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def _server_env(url: str) -> dict:
    return {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "MARKETPLACE_ENV": "production",
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "CLI_LOCALE": "en",
    }


def _flask(env: dict, *args: str) -> None:
    # Development settings: seed-demo refuses production (its admin's password is published).
    done = subprocess.run(
        [sys.executable, "-m", "flask", *args],
        cwd=ROOT,
        env={**env, "MARKETPLACE_ENV": "development"},
        capture_output=True,
        text=True,
        timeout=FLASK_COMMAND_SECONDS,
    )
    if done.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def serve(env: dict, processes: int, log_path: Path):
    """gunicorn on 127.0.0.1 in its own process group, as a context yielding its base URL."""
    options = ["--workers", str(processes), "--worker-class", "sync"]
    options += ["--timeout", str(CLIENT_TIMEOUT_SECONDS), "--backlog", "2048"]
    options += ["--error-logfile", "-"]
    return live_server.gunicorn(
        options,
        "wsgi:app",
        env,
        log_path,
        ready_path="/api/v1/openapi.json",
        start_seconds=SERVER_START_SECONDS,
        stop_seconds=SERVER_STOP_SECONDS,
    )


def prepare(args, env: dict, phases: Phases):
    """Fresh schema, migrations, the demo, then the rush's scene; returns the app and scene."""
    with phases.phase("reset schema + flask db upgrade"):
        _reset_schema(args.database_url)
        _flask(env, "db", "upgrade")
    with phases.phase(f"flask seed-demo --workers {args.seed_workers}"):
        _flask(env, "seed-demo", "--workers", str(args.seed_workers))
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=args.database_url)
    with phases.phase("rush scene"), app.app_context():
        scene = build_scene(
            workers=args.workers,
            shifts=args.shifts,
            headcount=args.headcount,
            factories=args.factories,
            rng=random.Random(args.seed),
        )
        db.session.remove()
        db.engine.dispose()
    return app, scene


def main() -> int:
    """Run every phase; 0 when every check passes, 1 otherwise."""
    args = _arguments()
    phases = Phases()
    env = _server_env(args.database_url)
    out = Path(args.out)
    out.parent.mkdir(exist_ok=True)
    log_path = out.with_name("rush_server.log")
    app, scene = prepare(args, env, phases)
    server = ExitStack()  # closed in its own timed phase below
    with phases.phase("start gunicorn"):
        base_url = server.enter_context(serve(env, args.processes, log_path))
    load_before = os.getloadavg()
    cpu_before = _cpu_seconds()
    try:
        with phases.phase(f"rush ({args.seconds:g} s)"):
            rush_args = {
                "base_url": base_url,
                "seconds": args.seconds,
                "applies_per_worker": args.applies_per_worker,
            }
            rush = run_rush(rush_args, scene, args.factory_threads, args.seed)
    finally:
        client_cpu = _cpu_seconds() - cpu_before
        with phases.phase("stop gunicorn"):
            server.close()
    with phases.phase("checks"), app.app_context():
        checks = run_checks(scene, rush.stats)
        db.session.remove()
        db.engine.dispose()
    result = summary(args, scene, rush, checks, phases.seconds, log_path)
    # Figures from a shared machine mean little without how busy it was.
    result["machine"] = {
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        # The clients share the machine with gunicorn and PostgreSQL: what they took of it.
        "client_cpu_seconds": round(client_cpu, 1),
    }
    print_report(result)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"[rush] wrote {out}")
    # A client that died leaves the rush unmeasured: as much a failure as a failed check.
    passed = all(check["ok"] for check in checks.values()) and not rush.stats.crashes
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
