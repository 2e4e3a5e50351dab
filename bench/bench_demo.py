"""The demo world: seconds to build and peak memory at 10k, 100k and 1M mentions; writing one into a store.

Each build runs in a fresh process so that its peak memory is its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import Result, peak_rss_mb


def _one(scale: int, db: str | None) -> dict:
    from viralscope.demo import build_world

    start = time.perf_counter()
    world = build_world(scale=scale)
    out = {"seconds": time.perf_counter() - start, "mentions": len(world.mentions)}
    if db:
        from viralscope.demo.install import install
        from viralscope.store import Store

        start = time.perf_counter()
        install(Store(db), world)
        out["install_seconds"] = time.perf_counter() - start
    out["peak_mb"] = peak_rss_mb()
    return out


def _measure(scale: int, db: str | None = None) -> dict:
    command = [sys.executable, "-m", "bench.bench_demo", str(scale)] + ([db] if db else [])
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(args) -> list[Result]:
    sizes = [10_000, 50_000] if args.quick else [10_000, 100_000, 1_000_000]
    repeats = 1 if args.quick else args.repeat
    results = []
    for scale in sizes:
        runs = [_measure(scale) for _ in range(repeats)]
        made = sorted(r["mentions"] for r in runs)
        results.append(Result(f"build the demo world at {scale:,} mentions", [r["seconds"] for r in runs], "s",
                              note=f"made {made[0]:,} mentions"))
        results.append(Result(f"peak memory building {scale:,} mentions", [r["peak_mb"] for r in runs], "MB"))
        results.append(Result(f"demo world speed at {scale:,}", [r["mentions"] / r["seconds"] for r in runs], "mentions/s"))
    scale = sizes[1]
    with tempfile.TemporaryDirectory() as tmp:
        runs = [_measure(scale, str(Path(tmp) / f"demo{i}.duckdb")) for i in range(repeats)]
    results.append(Result(f"write a {scale:,}-mention demo world into an empty store", [r["install_seconds"] for r in runs], "s"))
    return results


if __name__ == "__main__":
    print(json.dumps(_one(int(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None)))
