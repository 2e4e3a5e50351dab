"""Run every benchmark module (or those named) and print min/median/max for each figure.

    python -m bench                 # everything
    python -m bench import demo     # only bench_import.py and bench_demo.py
    python -m bench --quick         # smaller sizes, one repetition, for a smoke run

Each module runs in a process of its own, so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import subprocess
import sys
import time
from pathlib import Path

import bench

RESULTS = Path("bench/results")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("only", nargs="*", help="module names without the bench_ prefix")
    parser.add_argument("--quick", action="store_true", help="small sizes, one repetition")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of each figure (default 3)")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one module in this process
    return parser


def _run_one(name: str, args) -> None:
    module = importlib.import_module(f"bench.{name}")
    report = {}
    for result in module.run(args):
        print("  " + result.line(), flush=True)
        report[result.name] = {**result.summary, "unit": result.unit, "target": result.target, **result.extra}
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))


def main() -> None:
    args = _parser().parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.one:
        _run_one(args.one, args)
        return
    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    if args.only:
        names = [n for n in names if n.removeprefix("bench_") in args.only]
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    failed = []
    for name in names:
        print(f"== {name.removeprefix('bench_')}", flush=True)
        command = [sys.executable, "-m", "bench", "--one", name, "--repeat", str(args.repeat)]
        if args.quick:
            command.append("--quick")
        if subprocess.run(command).returncode:
            failed.append(name)
    print(f"started {started}, finished {time.strftime('%Y-%m-%d %H:%M:%S')}; results in {RESULTS}/")
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
