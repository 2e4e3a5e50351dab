"""A watch cycle's analysis on a store of 1,000,000 mentions: 1,000 new mentions written and linked, scored,
and checked for crises and volume spikes (brand and competitor) as ``watch`` checks them (alerts delivered to a
target that keeps them in memory, drivers read for the alerts sent). Target: at most 1 s for all three."""

from __future__ import annotations

import tempfile

import numpy as np
import pandas as pd

from bench.bench_import import synthetic_mentions
from bench.bench_metrics import CONFIG, _store
from bench.harness import Result, peak_rss_mb, timed
from viralscope import alerts, ingest, scoring

NEW = 1_000


class _Kept:
    """An alert target that keeps its messages: the cost measured is the analysis, not a network."""

    name = "webhook"

    def __init__(self):
        self.messages = []

    def secrets(self) -> list[str]:
        return []

    def send(self, subject: str, body: str) -> str:
        self.messages.append((subject, body))
        return "kept"


def _batch(k: int, n_stored: int, now: pd.Timestamp) -> pd.DataFrame:
    """1,000 new mentions of the last minutes; a third reply to stored mentions, deep in their cascades or not."""
    rng = np.random.default_rng(100 + k)
    new = synthetic_mentions(NEW, seed=100 + k)
    new["id"] = [f"w{k}_{i}" for i in range(NEW)]
    new["created_at"] = (now - pd.to_timedelta(np.sort(rng.integers(0, 600, NEW))[::-1], unit="s")).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    reply = rng.random(NEW) < 0.35
    new["parent_id"] = np.where(reply, [f"m{j}" for j in rng.integers(0, n_stored, NEW)], "")
    new["brand"] = np.where(rng.random(NEW) < 0.7, "Lumio", "Brightly")
    return new


def run(args) -> list[Result]:
    n = 20_000 if args.quick else 1_000_000
    times_ = 1 if args.quick else args.repeat
    write, score, detect, total = [], [], [], []
    target, sent, sending = _Kept(), 0, []
    with tempfile.TemporaryDirectory() as tmp:
        built, store = timed(lambda: _store(tmp, n))
        scoring.score_store(store)  # the stored mentions are labelled; this loads the scorer once, as watch does
        for k in range(times_):
            now = pd.Timestamp("2026-04-04T12:00Z") + pd.Timedelta(minutes=15 * k)
            batch = _batch(k, n, now)
            w, _ = timed(lambda b=batch: ingest.write_mentions(store, b, origin="bench"))
            s, summary = timed(lambda: scoring.score_store(store))
            assert summary.mentions == NEW
            d, report = timed(lambda t=now: alerts.check(store, CONFIG, now=t, notify=True, target_list=[target],
                                                         drivers="sent"))
            if any(x["ok"] for x in report["deliveries"]):
                sending.append(d)
            sent += sum(x["ok"] for x in report["deliveries"])
            write.append(w)
            score.append(s)
            detect.append(d)
            total.append(w + s + d)
    note = f"(store of {n:,} built in {built:.0f} s; {sent} alerts sent over the cycles)"
    return [
        Result(f"write and link {NEW:,} new mentions, {n:,} stored", write, "s", note=note),
        Result(f"score the {NEW:,} new mentions", score, "s"),
        Result("detect crises and volume spikes (brand, competitor)", detect, "s"),
        Result(f"a cycle's analysis of {NEW:,} new mentions (the three above)", total, "s", target="<= 1 s"),
        Result("detect, in the cycles that sent new alerts (their drivers and terms read)", sending or [0.0], "s",
               note=f"({len(sending)} of {times_} cycles)"),
        Result("peak memory of the watch benchmark", [peak_rss_mb()], "MB"),
    ]
