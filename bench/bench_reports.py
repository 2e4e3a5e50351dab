"""Weekly report over the demo world at 1,000,000 mentions: building the tables, rendering each format, and
the whole ``viralscope report`` command in a fresh process (imports and the Korean tokenizer included)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import Result, peak_rss_mb, repeat, timed
from viralscope import reports
from viralscope.config import parse_config
from viralscope.demo import build_world
from viralscope.demo.install import install
from viralscope.store import Store

WEEK = "2026-W06"  # the campaign's first week: the largest cascades, incidents, every section in play


def _store(tmp: str, scale: int) -> tuple[Store, object]:
    store = Store(Path(tmp) / "bench.duckdb")
    world = build_world(scale=scale)
    install(store, world)
    with store.write() as con:  # the labels a perfect sentiment stage would give (tone the text was written in)
        con.execute("UPDATE mentions SET sentiment_label = json_extract_string(extra, '$.tone')")
    return store, parse_config(world.config, "demo")


def run(args) -> list[Result]:
    scale = 20_000 if args.quick else 1_060_000  # the demo world keeps ~95% of its scale: over a million
    times_ = 1 if args.quick else args.repeat
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        built, (store, config) = timed(lambda: _store(tmp, scale))
        n = store.count_mentions()
        command = [sys.executable, "-c", "from viralscope.cli import main; main()", "--db", str(store.path),
                   "report", "--week", WEEK, "--format", "html", "--out", str(Path(tmp) / "cli.html")]

        def cli():
            subprocess.run(command, check=True, capture_output=True)

        results.append(Result(f"viralscope report --format html, {n:,} mentions (fresh process)",
                              repeat(cli, times_), "s", target="≤ 20 s",
                              note=f"(demo world built in {built:.0f} s)"))
        report = reports.build(store, config, WEEK)  # warm: the tokenizer is loaded once per process
        results.append(Result(f"reports.build, {n:,} mentions (warm process)",
                              repeat(lambda: reports.build(store, config, WEEK), times_), "s",
                              note="sections: " + ", ".join(f"{s.key} {s.status}" for s in report.sections)))
        for fmt in ("html", "xlsx", "csv", "pdf"):
            out = Path(tmp) / f"r.{fmt}"
            secs = repeat(lambda fmt=fmt, out=out: reports.render(report, fmt, out), times_)
            results.append(Result(f"render {fmt}", secs, "s", note=f"({out.stat().st_size / 1024:,.0f} KiB)"))
        started = time.perf_counter()
        reports.build(store, config, WEEK)
        results.append(Result("peak memory of the benchmark process", [peak_rss_mb()], "MB",
                              note=f"(after one more build in {time.perf_counter() - started:.1f} s)"))
    return results
