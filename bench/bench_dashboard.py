"""Dashboard speed: each page's first render and a filter change, at 10,000 and 1,000,000 mentions.

Pages are run with Streamlit's AppTest in this process (script, queries, charts; no browser), on the demo
world (``viralscope demo``'s builder, written through the real ingest path). "First render" clears every cached result first; "filter change"
sets a new date (or brand) filter on the rendered page, so its queries miss the cache too. Python's
module imports are paid once by a warm-up run before timing. Targets (issue #7): at 1M, first render
≤ 3 s and filter change ≤ 1 s; and a page at 1M costs at most 3× what it costs at 10k.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from pathlib import Path

from bench.harness import Result, peak_rss_mb
from viralscope.store import Store

PAGES = ["overview", "mentions", "sentiment", "diffusion", "crisis", "sources"]
ROOT = Path(__file__).resolve().parents[1]


def _page(name: str) -> str:
    return str(ROOT / "dashboard" / "views" / f"{name}_page.py")


def build_store(path: Path, n: int) -> Store:
    """The demo world of ``viralscope demo`` at about ``n`` mentions, with sentiment filled in.

    Sentiment comes from the sentiment stage when it is installed, else from the dashboard tests' stand-in
    (labels drawn per brand) so that the Sentiment and Crisis pages have their full work to do.
    """
    from tests import dashboard_world

    return dashboard_world.demo(Store(path), n)


def _changes(at, i: int) -> None:
    """The i-th filter change: a window a week shorter (every figure of the largest brand, the default scope,
    is computed again), then a single competitor, then a window two weeks shorter. Each misses the cache:
    a change the page's figures do not depend on (e.g. choosing the default brand by name) would not."""
    if i % 2:
        at.multiselect[0].set_value([at.multiselect[0].options[-1]])
    else:
        start, end = at.date_input[0].value
        at.date_input[0].set_value((start + dt.timedelta(days=7 * (i // 2 + 1)), end))


def time_pages(db: Path, repeat: int) -> dict[str, dict[str, list[float]]]:
    import logging

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    for name in ("streamlit", "streamlit.runtime", "streamlit.runtime.scriptrunner_utils.script_run_context",
                 "streamlit.runtime.caching.cache_data_api"):
        logging.getLogger(name).setLevel(logging.ERROR)  # AppTest outside a server warns on every run

    os.environ["VIRALSCOPE_DB"] = str(db)
    AppTest.from_file(_page("overview"), default_timeout=300).run()  # imports, not measured
    out: dict[str, dict[str, list[float]]] = {}
    for name in PAGES:
        first, change = [], []
        for i in range(repeat):
            st.cache_data.clear()
            at = AppTest.from_file(_page(name), default_timeout=300)
            t0 = time.perf_counter()
            at.run()
            first.append(time.perf_counter() - t0)
            if at.exception:
                raise RuntimeError(f"{name}: {at.exception[0].value}")
            _changes(at, i)
            t0 = time.perf_counter()
            at.run()
            change.append(time.perf_counter() - t0)
            if at.exception:
                raise RuntimeError(f"{name} after a filter change: {at.exception[0].value}")
        out[name] = {"first": first, "change": change}
    return out


def run(args) -> list[Result]:
    sizes = [10_000, 100_000] if args.quick else [10_000, 1_000_000]
    repeat = 1 if args.quick else args.repeat
    results: list[Result] = []
    timings = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            t0 = time.perf_counter()
            store = build_store(Path(tmp) / f"world{n}.duckdb", n)
            built = time.perf_counter() - t0
            results.append(Result(f"build the {n:,}-mention store", [built], "s", note="not a dashboard figure"))
            timings[n] = time_pages(store.path, repeat)
    small, large = sizes
    for name in PAGES:
        for what, target in (("first", "<= 3 s"), ("change", "<= 1 s")):
            label = "first render" if what == "first" else "filter change"
            results.append(Result(f"{name}: {label} at {small:,}", timings[small][name][what], "s"))
            big = timings[large][name][what]
            ratio = sorted(big)[len(big) // 2] / max(sorted(timings[small][name][what])[len(big) // 2], 1e-9)
            results.append(Result(f"{name}: {label} at {large:,}", big, "s", target=target,
                                  note=f"{ratio:.1f}× the {small:,} figure (target <= 3×)",
                                  extra={"ratio_to_small": ratio}))
    results.append(Result("peak memory of the dashboard benchmark", [peak_rss_mb()], "MB"))
    return results
