"""Benchmark (not a pytest test): seed 100,000 workers into a temporary SQLite database.

    .venv/bin/python tests/perf/seed_bench.py [--workers 100000] [--seed 2020]

Prints the time seed_demo() takes and the rows it wrote; the target is a few minutes.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

# Run as a plain script from anywhere: the project root holds config.py and marketplace/.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from flask_migrate import upgrade

from config import TestConfig
from marketplace import create_app
from marketplace.demo.seed import seed_demo


def main() -> None:
    """Migrate a fresh SQLite file to head, seed it, report the elapsed time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            counts = seed_demo(workers=args.workers, seed=args.seed)
            elapsed = time.perf_counter() - started
    for table, count in counts.items():
        print(f"{table:>24}: {count}")
    print(f"seed_demo(workers={args.workers}) took {elapsed:.1f} s")


if __name__ == "__main__":
    main()
