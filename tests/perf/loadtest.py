"""Load benchmark (`make loadtest`): the app under gunicorn, measured with wrk on 127.0.0.1.

Not a test. Every figure is a ratio against a bare Flask "hello" app served by the same gunicorn
configuration in the same run, because these machines are shared and their speed varies:

1. the public list of open shifts with filters, on SQLite and on PostgreSQL: requests per second
   as a share of hello's (the goal is at least 40 %) and p99 against p50 (at most 3x);
2. ranked candidates for a shift on a 100,000-worker dataset (the API's /matches): requests per
   second, p50 and p99;
3. the morning rush (tests/perf/rush.py): 1,000 workers applying to and accepting 100 shifts
   for 60 seconds on PostgreSQL, checked for overbooking, 5xx answers and lost applications.

The rounds alternate hello and the app, and each figure is the median of the rounds, so a burst
of load from something else on the machine moves one round, not the result. The databases are
rebuilt from scratch: never point --database-url at one that holds anything.
"""

import argparse
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests import live_server  # noqa: E402

RESULTS = ROOT / "bench" / "loadtest_results.json"
GUNICORN_CONF = ROOT / "marketplace" / "gunicorn_conf.py"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/loadtest"
GOALS = {"list_rps_share": 0.40, "list_p99_over_p50": 3.0}
# gunicorn's worker class for every server of the run (--worker-class gthread to compare).
WORKER_CLASS: dict[str, str] = {}
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def _flask(env: dict, *args: str, timeout: float = 1800) -> float:
    """Run a flask command; how many seconds it took."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "flask", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        sys.exit(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return time.monotonic() - started


def _app_env(database_url: str, **extra: str) -> dict:
    return {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "MARKETPLACE_ENV": "production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "JOB_BACKEND": "thread",
        **extra,
    }


def reset_postgres(url: str) -> None:
    """Create the benchmark's own database if needed and empty it."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    base, name = plain.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def seed(env: dict, workers: int) -> float:
    """Migrate and load the demo data; the seconds it took."""
    _flask(env, "db", "upgrade")
    # The app runs with the production settings; the demo data is what it is measured on.
    return _flask(env, "seed-demo", "--workers", str(workers), "--allow-production")


@contextmanager
def gunicorn(app_spec: str, env: dict, workers: int, log_path: Path, ready_path: str):
    """Serve `app_spec` with the production gunicorn configuration on a free local port."""
    options = ["--config", str(GUNICORN_CONF), "--workers", str(workers)]
    env = {**env, "WEB_CONCURRENCY": str(workers), **WORKER_CLASS}
    with live_server.gunicorn(
        options, app_spec, env, log_path, ready_path=ready_path, start_seconds=120, stop_seconds=30
    ) as base_url:
        yield base_url


def wrk(url: str, seconds: float, connections: int, headers: dict | None = None) -> dict:
    """One wrk run: requests per second, p50 and p99 in ms, and anything that went wrong."""
    command = ["wrk", "--latency", "-t", "2", "-c", str(connections), "-d", f"{seconds:g}s"]
    command += ["--timeout", "60s"]  # a slow answer is counted as slow, not as an error
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    return parse_wrk(output)


def parse_wrk(output: str) -> dict:
    """The figures of wrk's --latency report."""
    percentiles = {
        int(p): float(v) * _UNITS[unit]
        for p, v, unit in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    }
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": percentiles[50],
        "p99_ms": percentiles[99],
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
    }


def median_round(runs: list[dict]) -> dict:
    """Each figure's median over the rounds, with the rounds themselves."""
    keys = ("rps", "p50_ms", "p99_ms")
    summary = {key: statistics.median(run[key] for run in runs) for key in keys}
    summary["p99_over_p50"] = statistics.median(run["p99_ms"] / run["p50_ms"] for run in runs)
    summary["non_2xx"] = sum(run["non_2xx"] for run in runs)
    summary["socket_errors"] = sum(run["socket_errors"] for run in runs)
    summary["rounds"] = runs
    return summary


def alternate(
    targets: dict[str, tuple], rounds: int, seconds: float, connections: int, warmup: float = 2
) -> dict:
    """Measure each named (url, headers) target `rounds` times, taking turns."""
    for url, headers in targets.values():  # every process builds its caches first
        wrk(url, warmup, max(connections, 4), headers)
    runs: dict[str, list] = {name: [] for name in targets}
    for _ in range(rounds):
        for name, (url, headers) in targets.items():
            runs[name].append(wrk(url, seconds, connections, headers))
    return {name: median_round(found) for name, found in runs.items()}


def app_facts(database_url: str) -> dict:
    """A filter worth measuring, a shift to rank for, and an API token of its factory's owner."""
    import sqlalchemy as sa

    from marketplace import create_app
    from marketplace.extensions import db
    from marketplace.models import FactoryMember, Shift, ShiftStatus, User
    from marketplace.services.accounts.api_tokens import create_token

    app = create_app("development", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        owner = db.session.scalar(sa.select(User).where(User.mobile == "+8613800000001"))
        owned = sa.select(FactoryMember.factory_id).where(FactoryMember.user_id == owner.id)
        shift = db.session.scalar(
            sa.select(Shift)
            .where(Shift.status == ShiftStatus.OPEN, Shift.factory_id.in_(owned))
            .order_by(Shift.id)
        )
        token = create_token(owner, "loadtest").secret
        industry = shift.factory.industry.value
        facts = {
            "filter": f"/?district={shift.site.district_id}&industry={industry}",
            "shift_id": shift.id,
            "token": token,
        }
        db.engine.dispose()
    return facts


def measure_list(label: str, hello: str, database_url: str, args, workdir: Path) -> dict:
    env = _app_env(database_url)
    facts = app_facts(database_url)
    log = workdir / f"app-{label}.log"
    with gunicorn("wsgi:app", env, args.processes, log, "/") as base:
        found = alternate(
            {"hello": (hello + "/hello", None), "list": (base + facts["filter"], None)},
            args.rounds,
            args.seconds,
            args.connections,
        )
    share = found["list"]["rps"] / found["hello"]["rps"]
    return {"database": label, "url": facts["filter"], "list_rps_share": share, **found}


def measure_ranking(database_url: str, args, workdir: Path) -> dict:
    env = _app_env(database_url)
    facts = app_facts(database_url)
    url = f"/api/v1/shifts/{facts['shift_id']}/matches?limit=50"
    headers = {"Authorization": f"Bearer {facts['token']}"}
    with gunicorn("wsgi:app", env, args.processes, workdir / "app-ranking.log", "/") as base:
        # Each process loads the 100,000 workers into its matching index on its first request.
        target = {"ranking": (base + url, headers)}
        found = alternate(target, args.rounds, args.seconds, 2, warmup=30)
    return {"url": url, **found["ranking"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("LOADTEST_DATABASE_URL", DEFAULT_PG)
    )
    parser.add_argument("--processes", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--connections", type=int, default=4, help="wrk's open connections")
    parser.add_argument("--seconds", type=float, default=8, help="length of one wrk round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=4, help="per process, with gthread")
    parser.add_argument("--ranking-workers", type=int, default=100_000)
    parser.add_argument("--rush-seconds", type=int, default=60)
    parser.add_argument("--skip", action="append", default=[], choices=["pg", "ranking", "rush"])
    args = parser.parse_args()
    WORKER_CLASS["GUNICORN_WORKER_CLASS"] = args.worker_class
    WORKER_CLASS["GUNICORN_THREADS"] = str(args.threads if args.worker_class == "gthread" else 1)
    results: dict = {
        "goals": GOALS,
        "processes": args.processes,
        "connections": args.connections,
        **WORKER_CLASS,
    }
    with tempfile.TemporaryDirectory(prefix="loadtest-") as tmp:
        workdir = Path(tmp)
        sqlite_url = f"sqlite:///{workdir / 'loadtest.db'}"
        hello_env = _app_env(sqlite_url)
        with gunicorn(
            "tests.perf.hello_app:app", hello_env, args.processes, workdir / "hello.log", "/hello"
        ) as hello:
            print(f"seeding SQLite ... {seed(_app_env(sqlite_url), 2000):.0f} s", flush=True)
            results["sqlite"] = report_list(
                measure_list("sqlite", hello, sqlite_url, args, workdir)
            )
            if "pg" not in args.skip:
                reset_postgres(args.database_url)
                print(
                    f"seeding PostgreSQL ... {seed(_app_env(args.database_url), 2000):.0f} s",
                    flush=True,
                )
                results["postgresql"] = report_list(
                    measure_list("postgresql", hello, args.database_url, args, workdir)
                )
        if "ranking" not in args.skip:
            big_url = f"sqlite:///{workdir / 'ranking.db'}"
            took = seed(_app_env(big_url), args.ranking_workers)
            print(
                f"seeding {args.ranking_workers:,} workers on SQLite ... {took:.0f} s", flush=True
            )
            results["ranking"] = report_ranking(measure_ranking(big_url, args, workdir))
        if "rush" not in args.skip:
            results["rush"] = run_rush(args)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    print(f"written to {RESULTS.relative_to(ROOT)}")
    sys.exit(0 if verdict(results) else 1)


def report_list(found: dict) -> dict:
    hello, page = found["hello"], found["list"]
    print(
        f"[{found['database']}] hello {hello['rps']:.0f} req/s (p50 {hello['p50_ms']:.2f} ms, "
        f"p99 {hello['p99_ms']:.2f} ms); shift list {found['url']} {page['rps']:.0f} req/s "
        f"(p50 {page['p50_ms']:.2f} ms, p99 {page['p99_ms']:.2f} ms): "
        f"{found['list_rps_share']:.0%} of hello, p99 = {page['p99_over_p50']:.1f} x p50; "
        f"non-2xx {page['non_2xx']}, socket errors {page['socket_errors']}",
        flush=True,
    )
    return found


def report_ranking(found: dict) -> dict:
    print(
        f"[ranking] {found['url']}: {found['rps']:.1f} req/s, p50 {found['p50_ms']:.1f} ms, "
        f"p99 {found['p99_ms']:.1f} ms; non-2xx {found['non_2xx']}",
        flush=True,
    )
    return found


def run_rush(args) -> dict:
    """The morning rush, in its own process; its JSON report."""
    command = [sys.executable, str(ROOT / "tests" / "perf" / "rush.py")]
    command += ["--database-url", args.database_url, "--seconds", str(args.rush_seconds)]
    completed = subprocess.run(command, cwd=ROOT, timeout=args.rush_seconds + 1200)
    report = ROOT / "bench" / "rush_results.json"
    found = json.loads(report.read_text()) if report.exists() else {}
    found["exit_code"] = completed.returncode
    return found


def verdict(results: dict) -> bool:
    """Whether the SQLite list meets its goals, nothing answered 5xx and the rush held."""
    page = results["sqlite"]
    ok = page["list_rps_share"] >= GOALS["list_rps_share"]
    ok &= page["list"]["p99_over_p50"] <= GOALS["list_p99_over_p50"]
    ok &= page["list"]["non_2xx"] == 0
    if "rush" in results:
        ok &= results["rush"]["exit_code"] == 0
    print("goals met" if ok else "GOALS NOT MET")
    return ok


if __name__ == "__main__":
    main()
