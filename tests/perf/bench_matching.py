"""Matching benchmarks (`make bench`): every figure is a ratio to a baseline timed in the same run.

Not a test: these machines are shared and noisy, so nothing here passes or fails a build.
It prints a table and writes bench/results.json. Workers are placed either across Zhejiang
(a province-wide registry) or packed into Shaoxing (a city-wide one); both are reported.
Index build is WorkerArrays (with what it derives) plus the radius tree; index memory is what
that build keeps resident, measured in a fresh interpreter, and peak is the build's high-water
mark there. `--only ranking` skips the placement benchmarks while iterating.
"""

import argparse
import gc
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from marketplace.matching import skills as skill_math  # noqa: E402
from marketplace.matching.geo import unit_vectors  # noqa: E402
from marketplace.matching.scorer import ShiftQuery, WorkerArrays, rank  # noqa: E402

SHAOXING = (29.9882, 120.5826)
# Rough bounding boxes (degrees): where homes are drawn from.
AREAS = {"zhejiang": ((27.2, 31.0), (118.0, 122.5)), "shaoxing": ((29.4, 30.2), (120.2, 121.0))}
N_SKILLS, SKILLS_PER_WORKER = 74, 3
REPEATS = 21


def median_seconds(fn, repeats=REPEATS) -> float:
    """Median wall time of fn() over repeats, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def worker_fields(n: int, area: str, rng) -> dict:
    """WorkerArrays fields for n workers with homes in the area and a few skills each."""
    (lat0, lat1), (lon0, lon1) = AREAS[area]
    lat, lon = rng.uniform(lat0, lat1, n), rng.uniform(lon0, lon1, n)
    rows = np.repeat(np.arange(n), SKILLS_PER_WORKER)
    cols = np.concatenate(
        [rng.choice(N_SKILLS, SKILLS_PER_WORKER, replace=False) for _ in range(min(n, 1000))]
    )
    cols = np.resize(cols, rows.shape)  # reuse the drawn patterns: generation stays fast
    levels = rng.integers(1, 6, rows.shape)
    return {
        "ids": np.arange(1, n + 1, dtype=np.int64),
        "unit_vectors": unit_vectors(lat, lon),
        "max_travel_km": rng.uniform(5, 50, n),
        "kind_bits": (1 << rng.integers(0, 5, n)).astype(np.uint8),
        "suspended": rng.random(n) < 0.01,
        "reliability": rng.random(n),
        "needs_housing": rng.random(n) < 0.1,
        "skills": skill_math.skill_matrix(rows, cols, levels, n, N_SKILLS),
        "certificates": csr_matrix((n, 10), dtype=np.int32),
    }


def make_workers(n: int, area: str, rng) -> WorkerArrays:
    """n workers with homes in the area, a few skills each, some certificates."""
    return WorkerArrays(**worker_fields(n, area, rng))


def build_index(fields: dict):
    """WorkerArrays (with everything it derives) and the radius index: the warm index."""
    workers = WorkerArrays(**fields)
    return workers, workers.geo_index()


def resident_bytes() -> int:
    """This process's resident memory now (not its peak)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


def measure_index_memory(n: int, area: str) -> dict:
    """Resident memory the index keeps, measured in a fresh interpreter (see main)."""
    gc.collect()
    before = resident_bytes()
    fields = worker_fields(n, area, np.random.default_rng(2020))
    kept = build_index(fields)
    del fields  # what the index did not keep goes back to the system
    gc.collect()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {
        "index_mib": (resident_bytes() - before) / 2**20,
        "build_peak_mib": (peak - before) / 2**20,
        "workers": len(kept[0]),
    }


def index_memory(n: int, area: str) -> dict:
    """`measure_index_memory` in a subprocess, so nothing else this run holds counts."""
    script = f"--index-memory={area}"
    done = subprocess.run(
        [sys.executable, __file__, script, f"--workers={n}"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


def bench_ranking(n: int, area: str, rng) -> dict:
    """Top-50 for one Shaoxing shift with a warm index, against two baselines."""
    fields = worker_fields(n, area, rng)
    started = time.perf_counter()
    workers = WorkerArrays(**fields)
    arrays_built = time.perf_counter()
    index = workers.geo_index()
    tree_built = time.perf_counter()
    del fields
    query = ShiftQuery(
        lat=SHAOXING[0],
        lon=SHAOXING[1],
        max_distance_km=30.0,
        required_skills=[(3, 2)],
        preferred_skills=[(5, 1.0)],
    )
    ranked = median_seconds(lambda: rank(workers, index, query, k=50))
    arrays = (
        workers.unit_vectors,
        workers.max_travel_km,
        workers.kind_bits,
        workers.reliability,
        workers.needs_housing,
        workers.suspended,
    )
    bare_read = median_seconds(lambda: [a.sum() for a in arrays])
    # A stricter baseline: only the slice this query reads (its required skill's holders).
    holders = workers.skill_holders
    span, columns = holders.holding(3), holders.columns
    touched = (
        columns.homes[:, span],
        holders.levels[span],
        columns.active_bits[span],
        columns.max_travel_km[span],
        columns.needs_housing[span],
        columns.reliability[span],
    )
    slice_read = median_seconds(lambda: [a.sum() for a in touched])
    scores = rng.random(n).astype(np.float32)
    partition = median_seconds(lambda: np.argpartition(scores, -50)[-50:])
    return {
        "workers": n,
        "area": area,
        "index_build_s": tree_built - started,
        "arrays_build_s": arrays_built - started,
        "tree_build_s": tree_built - arrays_built,
        "rank_s": ranked,
        "bare_read_s": bare_read,
        "argpartition_s": partition,
        "rank_vs_bare_read": ranked / bare_read,
        "slice_read_s": slice_read,
        "rank_vs_slice_read": ranked / slice_read,
        "rank_vs_argpartition": ranked / partition,
        "eligible": int(rank(workers, index, query, k=50).eligible),
        **{f"index_memory_{key}": value for key, value in index_memory(n, area).items()},
    }


def placement_instance(n_workers: int, n_shifts: int, per_worker: int, overlapping: bool, rng):
    rows = np.repeat(np.arange(n_workers), per_worker)
    cols = np.concatenate(
        [rng.choice(n_shifts, per_worker, replace=False) for _ in range(n_workers)]
    )
    scores = csr_matrix(
        (rng.uniform(0.01, 1.0, rows.size), (rows, cols)), shape=(n_workers, n_shifts)
    )
    capacity = np.full(n_shifts, max(1, n_workers // n_shifts), dtype=np.int64)
    if overlapping:  # 8-hour shifts starting at random half-hours over two weeks
        starts = rng.integers(0, 14 * 48, n_shifts) * 1800.0
    else:  # back to back, never overlapping
        starts = np.arange(n_shifts) * 8 * 3600.0
    return scores, capacity, starts, starts + 8 * 3600.0


def bench_placement(rng, overlapping: bool) -> dict:
    from marketplace.matching.placement import solve

    instance = placement_instance(10_000, 2_000, 50, overlapping, rng)
    started = time.perf_counter()
    placement = solve(*instance)
    solve_s = time.perf_counter() - started
    matrix = rng.random((1000, 1000))
    lsa = median_seconds(lambda: linear_sum_assignment(matrix, maximize=True), repeats=5)
    return {
        "overlapping": overlapping,
        "solve_s": solve_s,
        "lsa_1000_s": lsa,
        "solve_vs_lsa": solve_s / lsa,
        "filled": int(placement.filled),
        "places": int(instance[1].sum()),
        "total": float(placement.total),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument(
        "--only", choices=["ranking", "placement"], help="run one group (default: both)"
    )
    parser.add_argument("--index-memory", choices=list(AREAS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.index_memory:  # the subprocess of index_memory()
        print(json.dumps(measure_index_memory(args.workers, args.index_memory)))
        return
    rng = np.random.default_rng(2020)
    results = {}
    if args.only in (None, "ranking"):
        results["ranking"] = [bench_ranking(args.workers, a, rng) for a in AREAS]
    if args.only in (None, "placement"):
        results["placement"] = [bench_placement(rng, False), bench_placement(rng, True)]
    results["max_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print_table(results)
    Path(args.out).parent.mkdir(exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2))


def print_table(results: dict) -> None:
    if "ranking" in results:
        print(
            f"{'ranking':<28}{'rank ms':>9}{'÷ read':>9}{'÷ slice':>9}{'÷ argpart':>11}"
            f"{'build s':>9}{'index MiB':>11}{'peak MiB':>10}"
        )
    for r in results.get("ranking", []):
        print(
            f"{r['workers']:>9,} in {r['area']:<16}{r['rank_s'] * 1e3:>9.2f}"
            f"{r['rank_vs_bare_read']:>9.2f}{r['rank_vs_slice_read']:>9.2f}"
            f"{r['rank_vs_argpartition']:>11.2f}"
            f"{r['index_build_s']:>9.2f}{r['index_memory_index_mib']:>11.0f}"
            f"{r['index_memory_build_peak_mib']:>10.0f}"
        )
    if "placement" in results:
        print(f"{'placement 10k x 10k':<28}{'solve s':>9}{'÷ LSA':>9}{'filled':>11}")
    for p in results.get("placement", []):
        label = "overlapping" if p["overlapping"] else "no overlaps"
        print(
            f"  {label:<26}{p['solve_s']:>9.2f}{p['solve_vs_lsa']:>9.1f}"
            f"{p['filled']:>7}/{p['places']}"
        )
    print(f"max resident memory: {results['max_rss_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
