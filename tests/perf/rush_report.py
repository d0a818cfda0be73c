"""The rush's figures as one JSON-ready dict, and the same printed for a person."""

from collections import Counter
from pathlib import Path

from tests.perf.rush_clients import Rush

ACTIONS = ("apply", "list_mine", "accept", "list_shift", "offer")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _action(rush: Rush, name: str) -> dict:
    latencies = rush.stats.latencies.get(name, [])
    statuses = dict(sorted(rush.stats.statuses.get(name, {}).items()))
    if not latencies:
        return {"requests": 0, "statuses": statuses}
    return {
        "requests": len(latencies),
        "statuses": statuses,
        "refusals": dict(rush.stats.refusals.get(name, Counter()).most_common()),
        "p50_ms": round(_percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
    }


def _server_log(log_path: Path) -> dict:
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return {
        "path": str(log_path),
        "tracebacks": text.count("Traceback (most recent call last)"),
        "worker_timeouts": text.count("WORKER TIMEOUT"),
    }


def summary(args, scene, rush: Rush, checks: dict, phases: dict, log_path: Path) -> dict:
    """Parameters, throughput, per-action latency and statuses, checks and phase times."""
    stats = rush.stats
    requests = sum(len(v) for v in stats.latencies.values())
    busy = (stats.last_at - stats.first_at) if stats.first_at is not None else 0.0
    return {
        "parameters": {
            "seconds": args.seconds,
            "workers": len(scene.workers),
            "shifts": len(scene.shift_ids),
            "headcount": scene.headcount,
            "places": scene.headcount * len(scene.shift_ids),
            "factories": len(scene.staff),
            "factory_threads_per_staff": args.factory_threads,
            "applies_per_worker": args.applies_per_worker,
            "gunicorn_processes": args.processes,
            "seed_workers": args.seed_workers,
        },
        "throughput": {
            "requests": requests,
            "busy_seconds": round(busy, 2),
            "requests_per_second": round(requests / busy, 1) if busy else 0.0,
            "stragglers": rush.stragglers,
            "client_crashes": dict(rush.stats.crashes),
        },
        "actions": {name: _action(rush, name) for name in ACTIONS},
        "outcomes": {
            "applies_2xx": len(stats.applies),
            "offers_2xx": stats.offers,
            "accepts_2xx": len(stats.accepts),
            "places_filled": checks["no_overbooking"]["places_filled"],
            "full_shifts": checks["no_overbooking"]["full_shifts"],
        },
        "checks": checks,
        "server_log": _server_log(log_path),
        "phase_seconds": phases,
    }


def print_report(result: dict) -> None:
    """The summary as a few readable blocks."""
    p, t = result["parameters"], result["throughput"]
    print("\n=== morning rush ===")
    print(
        f"{p['workers']} workers, {p['shifts']} shifts x {p['headcount']} = {p['places']} places,"
        f" {p['factories']} factories x {p['factory_threads_per_staff']} threads,"
        f" gunicorn {p['gunicorn_processes']} sync processes, {p['seconds']:g} s"
    )
    print(
        f"requests: {t['requests']} in {t['busy_seconds']} s ="
        f" {t['requests_per_second']} req/s; clients still running at the end: {t['stragglers']};"
        f" clients crashed: {t['client_crashes'] or 0}"
    )
    print(f"\n{'action':<11}{'requests':>9}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}  statuses")
    for name, a in result["actions"].items():
        cells = [f"{a.get(k, '-'):>10}" for k in ("p50_ms", "p99_ms", "max_ms")]
        print(f"{name:<11}{a['requests']:>9}{''.join(cells)}  {a['statuses']}")
    print("\nrefusals (4xx) by message:")
    for name, a in result["actions"].items():
        for message, count in a.get("refusals", {}).items():
            print(f"  {name:<11}{count:>7}  {message}")
    print("\noutcomes:", result["outcomes"])
    print("server log:", result["server_log"])
    print("\nchecks:")
    for name, check in result["checks"].items():
        details = {k: v for k, v in check.items() if k not in ("ok", "examples")}
        print(f"  {'PASS' if check['ok'] else 'FAIL'} {name}: {details}")
        if not check["ok"]:
            print(f"       examples: {check.get('examples')}")
    print("\nphases (s):", result["phase_seconds"])
    print("machine:", result.get("machine"))
