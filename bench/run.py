"""Run every benchmark and print one table of ratios measured side by side in this run.

    python bench/run.py [--quick] [--databases sqlite postgresql]

--quick uses a smaller county (scale 0.05) and shorter load runs so the whole thing finishes
in a few minutes on a 2-core machine; the full run uses the county-scale dataset."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import (  # noqa: E402
    importing,
    packs,
    register,
    web_load,
)
from bench import stats_vs_pandas as statistics_bench  # noqa: E402
from bench.databases import fresh_database  # noqa: E402
from bench.measure import Result, table  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="sendtrack benchmarks")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    args = parser.parse_args()
    scale = 0.05 if args.quick else 1.0
    import_rows = 8_000 if args.quick else 40_000
    users, seconds, think = (30, 20.0, 2.0) if args.quick else (100, 60.0, 5.0)
    workers = 4

    results: list[Result] = []
    started = time.perf_counter()
    results += packs.run([10, 30] if args.quick else [30, 100])  # no database: rendering
    for kind in args.databases:
        print(f"[{kind}] import benchmark", flush=True)
        results += importing.run(kind, import_rows)
        results += register.run(kind)
        with fresh_database(kind) as url:
            print(f"[{kind}] generating county (scale {scale})", flush=True)
            pages = web_load.prepare(url, scale)
            print(f"[{kind}] statistics vs pandas", flush=True)
            results += statistics_bench.run(kind, url)
            print(f"[{kind}] web load", flush=True)
            results += web_load.run(kind, url, pages, users, seconds, think, workers)
            print(f"[{kind}] audit overhead", flush=True)
            results += web_load.audit_overhead(kind, url, pages, seconds / 2, workers)
    print()
    print(table(results))
    print(
        f"\nall benchmarks took {time.perf_counter() - started:.0f}s "
        f"({'quick' if args.quick else 'full'} run)"
    )


if __name__ == "__main__":
    main()
