"""Run every benchmark module (or those named) and print min/median/max for each figure.

    python -m bench                 # everything
    python -m bench import demo     # only bench_import.py and bench_demo.py
    python -m bench --quick         # smaller sizes, for a smoke run
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import time
from pathlib import Path

import bench


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("only", nargs="*", help="module names without the bench_ prefix")
    parser.add_argument("--quick", action="store_true", help="small sizes, one repetition")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    if args.only:
        names = [n for n in names if n.removeprefix("bench_") in args.only]
    out_dir = Path("bench/results")
    out_dir.mkdir(parents=True, exist_ok=True)
    report = {}
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name.removeprefix('bench_')}", flush=True)
        for result in module.run(args):
            print("  " + result.line(), flush=True)
            report[f"{name}:{result.name}"] = {**result.summary, "unit": result.unit, **result.extra}
    stamp = time.strftime("%Y%m%dT%H%M%S")
    (out_dir / f"bench-{stamp}.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
