"""Import speed: a 1,000,000-row CSV and JSON Lines file into a fresh store (rows/s), store size, memory."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from bench.harness import Result, peak_rss_mb, timed
from viralscope import ingest
from viralscope.store import Store

WORDS = "lumio lamp glow love hate broken shipping fast slow great awful surprise 루미오 좋아요 별로 최고".split()


def synthetic_mentions(n: int, seed: int = 1) -> pd.DataFrame:
    """Realistic-looking rows: a third are replies or shares of an earlier mention of the same source."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"m{i}" for i in range(n)], dtype=object)
    parent = np.where(rng.random(n) < 0.35, rng.integers(0, np.maximum(np.arange(n), 1)), -1)
    parent[0] = -1
    start = pd.Timestamp("2026-01-05", tz="UTC")
    times = start + pd.to_timedelta(np.sort(rng.integers(0, 90 * 86400, n)), unit="s")
    words = np.array(WORDS, dtype=object)
    text = [" ".join(words[rng.integers(0, len(words), 12)]) for _ in range(min(n, 5000))]
    return pd.DataFrame({
        "id": ids,
        "source": "x",
        "created_at": times.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "text": np.array(text, dtype=object)[np.arange(n) % len(text)],
        "author_id": [f"u{i}" for i in rng.integers(0, n // 10 + 1, n)],
        "author_followers": rng.pareto(1.5, n).astype(int) * 10,
        "parent_id": np.where(parent >= 0, ids[np.maximum(parent, 0)], ""),
        "kind": np.where(parent >= 0, "share", "post"),
        "likes": rng.poisson(3, n),
        "shares": rng.poisson(1, n),
        "replies": rng.poisson(1, n),
    })


def run(args) -> list[Result]:
    n = 20_000 if args.quick else 1_000_000
    repeats = 1 if args.quick else args.repeat
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        df = synthetic_mentions(n)
        csv_path = Path(tmp) / "mentions.csv"
        df.to_csv(csv_path, index=False)
        jsonl_path = Path(tmp) / "mentions.jsonl"
        with jsonl_path.open("w") as fh:
            for rec in df.to_dict("records"):
                rec["parent_id"] = rec["parent_id"] or None
                fh.write(json.dumps(rec, default=int) + "\n")
        for label, path in (("csv", csv_path), ("jsonl", jsonl_path)):
            rates, again, sizes = [], [], []
            for i in range(repeats):
                store = Store(Path(tmp) / f"{label}{i}.duckdb")
                seconds, summary = timed(lambda s=store, p=path: ingest.import_file(s, p))
                assert summary.inserted == n
                rates.append(n / seconds)
                sizes.append(os.path.getsize(store.path) / 1e6)
                seconds, summary = timed(lambda s=store, p=path: ingest.import_file(s, p))
                assert summary.unchanged == n
                again.append(n / seconds)
            results.append(Result(f"import {n:,} rows {label} into an empty store", rates, "rows/s", ">= 50,000"))
            results.append(Result(f"re-import the same {label} (all unchanged)", again, "rows/s"))
            results.append(Result(f"store size after {n:,} rows ({label})", sizes, "MB"))
    results.append(Result("peak memory of the import benchmark", [peak_rss_mb()], "MB"))
    return results
