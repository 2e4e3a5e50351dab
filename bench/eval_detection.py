"""Detection quality: simulations whose noise is not the detector's model, the real SemEval-2017 threads and the
demo world — the figures of docs/metrics.md, "Crisis detection and alerts".

    python -m bench.eval_detection                  # everything (about half an hour on two cores)
    python -m bench.eval_detection --quick          # fewer streams and seeds
    python -m bench.eval_detection --only sim       # sim | stress | threads | semeval | demo

Simulations (``tests/spike_world.py``): four simulators (gamma–Poisson hour shocks, AR(1) level drift,
heavy-tailed threads, all three mixed), 60-day hourly streams with daily and weekly seasonality, three
events each, half of them at night. Crises: 4× the seasonal negatives for 6 hours, found by
``metrics.detect_crises``; volume spikes: 3× all mentions for 2–6 hours, found by ``metrics.detect_spikes``.
An event is found when a call that sees 3 hours of it reports an incident starting within an hour of it;
false incidents are those of a call over the whole stream that overlap no event. Each seed is a batch of
streams; the figures are min / median / max over seeds. The stress run sweeps the shape of the gamma hour
shocks (how noisy an hour is) to show where detection stops being possible. The threads run (not part of the
default run) scores crises by calls that see only their first hour, on the same streams, with the hourly counts
alone and with each hour's largest thread (what thread ids give ``detect_crises``).

SemEval-2017 (``../shared/eval/semeval2017``): the reply threads imported as mentions and scored by the
sentiment stage, then negative crises and volume spikes over each split: no ratio from an expectation below
one, every incident with its driving posts. Demo world: ``viralscope demo`` scored by ``viralscope analyze``;
every incident of the brand and its competitors with its drivers, and the hour the injected crisis is found.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import metrics
from tests import spike_world as sw
from tests.evaldata import EVAL

RESULTS = Path("bench/results")


def _detect_crises(data, now):
    return metrics.detect_crises(data, now=now, drivers=False)


def _detect_volume(data, now):
    return metrics.detect_spikes(data, now=now)


EVENTS = {"crisis": (_detect_crises, sw.labelled), "volume": (_detect_volume, sw.volume)}


def _streams(kind: str, events: str, seed: int, streams: int, **stream_kw) -> list[sw.Stream]:
    rng = np.random.default_rng([seed, sw.KINDS.index(kind) if kind in sw.KINDS else 9, len(events)])
    return [sw.stream(kind, rng, events=events, **stream_kw) for _ in range(streams)]


def _batch(kind: str, events: str, seed: int, streams: int, **stream_kw) -> sw.Score:
    detect, data = EVENTS[events]
    scores = [sw.evaluate(st, detect, data) for st in _streams(kind, events, seed, streams, **stream_kw)]
    return sum(scores[1:], scores[0])


def _figures(scores: list[sw.Score]) -> dict:
    def mmm(values):
        v = [x for x in values if np.isfinite(x)]
        return {"min": min(v), "median": statistics.median(v), "max": max(v)} if v else None

    pooled = sum(scores[1:], scores[0])
    errors = pooled.start_error_hours
    return {
        "events": len(pooled.found), "night_events": int(sum(pooled.night)), "days_scored": pooled.scored_days,
        "found": mmm([100 * s.found_share for s in scores]),
        "found_night": mmm([100 * s.night_found_share for s in scores]),
        "false_per_30_days": mmm([s.false_per_30_days for s in scores]),
        "start_error_hours": {"mean_abs": float(np.mean(np.abs(errors))) if errors else None,
                              "early_1h": int(sum(e < 0 for e in errors)), "exact": int(sum(e == 0 for e in errors)),
                              "late_1h": int(sum(e > 0 for e in errors))},
        "pooled": {"found": 100 * pooled.found_share, "found_night": 100 * pooled.night_found_share,
                   "false_per_30_days": pooled.false_per_30_days},
    }


def _line(name: str, f: dict) -> str:
    def m(x, unit=""):
        return f"{x['min']:.0f} / {x['median']:.0f} / {x['max']:.0f}{unit}" if x else "n/a"

    def m2(x):
        return f"{x['min']:.2f} / {x['median']:.2f} / {x['max']:.2f}" if x else "n/a"

    se = f["start_error_hours"]
    return (f"{name:<16} found {m(f['found'], '%')}  night {m(f['found_night'], '%')}  "
            f"false/30 d {m2(f['false_per_30_days'])}  start −1h/0/+1h {se['early_1h']}/{se['exact']}/{se['late_1h']}"
            f"  ({f['events']} events, {f['days_scored']:.0f} days)")


def simulations(args) -> dict:
    out = {}
    for events in ("crisis", "volume"):
        for kind in sw.KINDS:
            started = time.perf_counter()
            scores = [_batch(kind, events, seed, args.streams) for seed in range(args.seeds)]
            f = _figures(scores)
            f["seconds"] = time.perf_counter() - started
            out[f"{events}/{kind}"] = f
            print("  " + _line(f"{events}/{kind}", f), flush=True)
    return out


def stress(args) -> dict:
    """Found share against the noise of an hour: gamma hour shocks of shape k (coefficient of variation 1/√k)."""
    out = {}
    for events in ("crisis", "volume"):
        for k in (3, 5, 8, 12, 20):
            scores = [_batch("gamma", events, 100 + seed, args.streams, hour_shape=k) for seed in range(args.seeds)]
            f = _figures(scores)
            out[f"{events}/gamma k={k}"] = f
            print("  " + _line(f"{events}/k={k} (cv {1 / np.sqrt(k):.2f})", f), flush=True)
    return out


def threads(args) -> dict:
    """Crises found by a call that sees their first hour, without and with thread ids, on the streams of ``sim``
    (the same seeds); false incidents of a call over each whole stream."""
    out = {}
    for kind in ("heavy", "mixed", "gamma", "ar1"):
        started = time.perf_counter()
        scores: dict = {False: [], True: []}
        for seed in range(args.seeds):
            batch = _streams(kind, "crisis", seed, args.streams)
            for ids in (False, True):
                s = [sw.evaluate(st, _detect_crises, lambda st, end, ids=ids: sw.labelled(st, end, threads=ids),
                                 seen_hours=1) for st in batch]
                scores[ids].append(sum(s[1:], s[0]))
        for ids in (False, True):
            name = f"crisis/{kind} {'thread ids' if ids else 'counts'}"
            f = _figures(scores[ids])
            f["seconds"] = time.perf_counter() - started
            out[name] = f
            print("  " + _line(name, f).replace("found", "found in 1 h", 1), flush=True)
    return out


# -- real data -----------------------------------------------------------------------------------------


def _store(tmp: str, name: str):
    from viralscope.store import Store

    store = Store(Path(tmp) / f"{name}.duckdb", lock_timeout=60)
    store.ensure()
    return store


def _incidents_report(store, config=None, brand=None, label="all mentions") -> dict:
    """Every negative crisis and volume spike over the whole store, with drivers, as the alerts see them."""
    from viralscope import alerts, kpis
    from viralscope.store import query

    where, _, _ = kpis.scope(store, config, brand)
    first, last = query.span(store, where)
    found = alerts.incidents(store, config, now=last + pd.Timedelta(hours=1), since=first, brand=brand)
    rows = []
    for section in ("incidents", "volume_spikes", "competitor_spikes"):
        for inc in found[section]:
            counts = {c["cascade_id"]: c.get("negatives", c.get("mentions")) for c in inc["cascades"]}
            rows.append({
                "kind": inc["kind"], "scope": inc["brand"] or label, "start": inc["start"].isoformat(),
                "end": inc["end"].isoformat(), "severity": inc["severity"],
                "observed": float(inc["negatives"] if inc["kind"] == "negative" else inc["observed"]),
                "expected": float(inc["expected"]), "ratio": None if inc["ratio"] is None else float(inc["ratio"]),
                "driving_posts": [{"cascade": p["cascade_id"], "mentions": counts.get(p["cascade_id"]),
                                   "author": p.get("author"), "text": (p.get("text") or "")[:70]}
                                  for p in inc["posts"][:3]],
                "terms": [t["term"] for t in inc["terms"][:5]],
            })
    return {"incidents": rows, "notes": found["notes"]}


def _print_incidents(rows: list[dict]) -> None:
    for r in rows:
        ratio = f"{r['ratio']:.1f}×" if r["ratio"] is not None else "new burst, no baseline"
        post = r["driving_posts"][0] if r["driving_posts"] else None
        who = f"{post['author']}: {post['text']!r} ({post['mentions']})" if post else "no driving post"
        print(f"    {r['kind']:<8} {r['scope']:<8} {r['start'][:16]} → {r['end'][11:16]} {r['severity']:<8} "
              f"{r['observed']:.0f} vs {r['expected']:.1f} ({ratio}); {who}", flush=True)


def semeval(args) -> dict:
    from tests.semeval import thread_rows, write_jsonl
    from viralscope import ingest, scoring

    if not (EVAL / "semeval2017").exists():
        print(f"  skipped: {EVAL / 'semeval2017'} is absent")
        return {"skipped": True}
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for split in ("traindev", "test"):
            store = _store(tmp, split)
            rows, _ = thread_rows(EVAL / "semeval2017" / split)
            ingest.import_file(store, write_jsonl(rows, Path(tmp) / f"{split}.jsonl"))
            scoring.score_store(store)
            report = _incidents_report(store, label=split)
            found = report["incidents"]
            days = store.query("""SELECT date_trunc('day', created_at) AS day, count(*) AS n FROM mentions
                                  GROUP BY 1 ORDER BY 1""")
            report["checks"] = {
                "incidents": len(found),
                "ratio_from_expectation_below_1": sum(r["ratio"] is not None and r["expected"] < 1 for r in found),
                "without_driving_posts": sum(not r["driving_posts"] for r in found),
                "days_with_posts": int(len(days)), "days_with_50_posts_or_more": int((days["n"] >= 50).sum()),
            }
            print(f"  {split}: {report['checks']}", flush=True)
            _print_incidents(found)
            out[split] = report
    return out


def demo(args) -> dict:
    from viralscope import crisis, pipeline
    from viralscope.config import parse_config
    from viralscope.demo import build_world
    from viralscope.demo.install import install
    from viralscope.store.query import Scope

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = _store(tmp, "demo")
        world = build_world()
        install(store, world)
        pipeline.analyze(store)
        config = parse_config(world.config, "demo")
        start = pd.Timestamp(world.truth["crisis"]["start"])
        # When is the injected crisis found? Checks every 10 minutes from its start, as `alerts check` would.
        where = Scope(brands=(config.brand.name,))
        found_at = None
        for minutes in range(10, 181, 10):
            now = start + pd.Timedelta(minutes=minutes)
            hourly = crisis.hourly(store, where.between(now - pd.Timedelta(days=35), now))
            inc = metrics.detect_crises(hourly, now=now, drivers=False)
            if len(inc) and ((inc["start"] - start).abs() <= pd.Timedelta(hours=1)).any():
                found_at = minutes
                break
        out["crisis"] = {"start": start.isoformat(), "found_after_minutes": found_at}
        print(f"  injected crisis {start:%Y-%m-%d %H:%M} found by a check {found_at} minutes after it began", flush=True)
        report = _incidents_report(store, config)  # the brand's crises and volume spikes, competitors' spikes
        out["incidents"] = report
        counts = pd.Series([f"{r['kind']}/{r['scope']}" for r in report["incidents"]]).value_counts().to_dict()
        print(f"  {counts}", flush=True)
        _print_incidents(report["incidents"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.eval_detection")
    parser.add_argument("--quick", action="store_true", help="2 seeds of 4 streams; no stress sweep")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--streams", type=int, default=10, help="streams per seed and simulator")
    parser.add_argument("--only", choices=["sim", "stress", "threads", "semeval", "demo"], action="append")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.streams = 2, 4
    parts = args.only or (["sim", "semeval", "demo"] if args.quick else ["sim", "stress", "semeval", "demo"])
    report = {"seeds": args.seeds, "streams_per_seed": args.streams}
    for name, fn in (("sim", simulations), ("stress", stress), ("threads", threads), ("semeval", semeval),
                     ("demo", demo)):
        if name in parts:
            print(f"== {name}", flush=True)
            report[name] = fn(args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "eval_detection.json").write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    print(f"results in {RESULTS / 'eval_detection.json'}")


if __name__ == "__main__":
    main()
