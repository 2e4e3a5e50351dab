"""Metrics: the KPI composition on a store of 1,000,000 mentions, crisis detection, conversion change, themes,
and the simulation figures (interval coverage, false significance, crisis detection and false alarms)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import metrics
from bench.bench_import import synthetic_mentions
from bench.harness import Result, peak_rss_mb, repeat, timed
from tests import synthetic
from viralscope import crisis, ingest, kpis
from viralscope.config import parse_config
from viralscope.store import Store
from viralscope.store.query import Scope

CONFIG = parse_config({
    "brand": {"name": "Lumio", "accounts": ["u1", "u2"]}, "competitors": [{"name": "Brightly"}],
    "campaigns": [{"name": "Spring", "start": "2026-02-16", "end": "2026-03-02", "cost": 10000.0,
                   "value_per_conversion": 30.0}],
}, "bench")


def _store(tmp: str, n: int) -> Store:
    store = Store(Path(tmp) / "bench.duckdb")
    store.ensure()
    ingest.write_mentions(store, synthetic_mentions(n), origin="bench")
    with store.write() as con:  # labels and brands as the sentiment stage and the collectors would set them
        con.execute("""UPDATE mentions SET
            sentiment_label = CASE WHEN hash(id) % 10 < 2 THEN 'negative' WHEN hash(id) % 10 < 6 THEN 'neutral'
                                   ELSE 'positive' END,
            brand = CASE WHEN hash(id || 'b') % 10 < 7 THEN 'Lumio' ELSE 'Brightly' END""")
    days = pd.date_range("2026-01-05", periods=90, freq="D")
    rng = np.random.default_rng(2)
    ingest.write_conversions(store, pd.DataFrame({
        "date": days.strftime("%Y-%m-%d"), "sessions": rng.poisson(5000, 90), "conversions": rng.poisson(150, 90),
        "spend": 400.0, "new_customers": rng.poisson(60, 90)}), origin="bench.csv")
    return store


def _simulations() -> dict:
    out = {}
    for lift in (0.15, 0.0):
        rng = np.random.default_rng(20260105 if lift else 20260106)
        rs = [metrics.conversion_change(*synthetic.campaign(rng, lift)[:3]) for _ in range(200)]
        if lift:
            out["conversion_coverage_200"] = float(np.mean([r["ci_low"] <= lift <= r["ci_high"] for r in rs]))
            out["conversion_median_ci_width"] = float(np.median([r["ci_high"] - r["ci_low"] for r in rs]))
        else:
            out["conversion_false_significant_200"] = float(np.mean([r["p_value"] < 0.05 for r in rs]))
    rng = np.random.default_rng(11)
    found = []
    start = pd.Timestamp("2026-01-05", tz="UTC")
    for _ in range(20):
        spikes = [start + pd.Timedelta(days=16 + 10 * k + int(rng.integers(0, 5)),
                                       hours=int(rng.integers(0, 6)) if k % 2 == 0 else int(rng.integers(8, 22)))
                  for k in range(4)]
        rows, _ = synthetic.hourly_world(rng, spikes=spikes, level=rng.uniform(60, 150))
        created = pd.to_datetime(rows["created_at"])
        for s in spikes:
            cut = s + pd.Timedelta(hours=3)
            inc = metrics.detect_crises(rows[created < cut], now=cut, drivers=False)
            found.append(len(inc) > 0 and bool(((inc["start"] - s).abs() <= pd.Timedelta(hours=1)).any()))
    false = sum(len(metrics.detect_crises(synthetic.hourly_world(rng, level=rng.uniform(60, 150))[0], drivers=False))
                for _ in range(10))
    out["crisis_found_within_3h"] = float(np.mean(found))
    out["crisis_false_per_30_days"] = false / (10 * 53) * 30
    return out


def run(args) -> list[Result]:
    n = 20_000 if args.quick else 1_000_000
    times_ = 1 if args.quick else args.repeat
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        built, store = timed(lambda: _store(tmp, n))
        window, baseline = "2026-02-16..2026-03-02", "2026-01-19..2026-02-16"
        secs = repeat(lambda: kpis.compute(store, CONFIG, window, baseline), times_)
        results.append(Result(f"kpis.compute, {n:,} mentions", secs, "s", target="< 5 s",
                              note=f"(store built in {built:.0f} s; peak {peak_rss_mb():.0f} MB)"))
        hourly = crisis.hourly(store, Scope(start=pd.Timestamp("2026-01-05", tz="UTC"),
                                            end=pd.Timestamp("2026-04-05", tz="UTC")))
        results.append(Result("detect_crises, 90 days hourly", repeat(lambda: metrics.detect_crises(hourly), times_), "s"))
    rng = np.random.default_rng(3)
    year, _ = synthetic.hourly_world(rng, days=365, level=100)
    results.append(Result("detect_crises, 365 days hourly", repeat(lambda: metrics.detect_crises(year), times_), "s"))
    daily, w, b, _ = synthetic.campaign(np.random.default_rng(4), 0.1)
    results.append(Result("conversion_change, one campaign",
                          [x * 1000 for x in repeat(lambda: metrics.conversion_change(daily, w, b), 20)], "ms"))
    texts = synthetic_mentions(6000)["text"].tolist()
    texts_now = texts[:3000] + ["battery exploded again", "refund refused"] * 300
    results.append(Result("emerging_themes, 3,600 vs 3,000 texts",
                          repeat(lambda: metrics.emerging_themes(texts_now, texts[3000:]), times_), "s"))
    if not args.quick:
        t0 = time.perf_counter()
        sims = _simulations()
        results.append(Result("simulations (200+200 campaigns, 80 spikes, 530 null days)",
                              [time.perf_counter() - t0], "s", extra=sims,
                              note=", ".join(f"{k} = {v:.3f}" for k, v in sims.items())))
    return results
