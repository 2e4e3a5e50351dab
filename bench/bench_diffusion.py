"""Diffusion benchmarks.

- structural virality of a 1,000,000-node cascade (target ≤ 1 s), given as a parent array and as a dict;
- the same on a 3,000-node tree against networkx's all-pairs average shortest path (target ≥ 1,000× faster,
  measured in the same run, both given the same networkx DiGraph);
- cascade metrics for 1,000,000 mentions in 100,000 cascades (target ≤ 10 s), as the store holds them
  (links resolved at import) and as raw id / parent_id / created_at rows (resolved by viralscope.core.links first).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from bench.harness import Result, peak_rss_mb, repeat, timed
from diffusion.cascades import cascade_metrics
from diffusion.virality import structural_virality
from viralscope.core.links import resolve_links


def random_recursive_tree(n: int, seed: int = 0) -> np.ndarray:
    """Parent positions of a random recursive tree: node i attaches to a uniform earlier node (depth ~ ln n).

    Its depth profile is that of large real cascades: a wide first level, a tail a few dozen levels deep.
    """
    rng = np.random.default_rng(seed)
    return np.r_[-1, (rng.random(n - 1) * np.arange(1, n)).astype(np.int64)]


def mention_world(n: int, cascades: int, seed: int = 0) -> pd.DataFrame:
    """``n`` mentions in ``cascades`` cascades with heavy-tailed sizes (a few of tens of thousands, most tiny)."""
    rng = np.random.default_rng(seed)
    weight = rng.pareto(1.2, cascades) + 1e-3
    sizes = 1 + rng.multinomial(n - cascades, weight / weight.sum())
    cascade = np.repeat(np.arange(cascades), sizes)
    start = np.r_[0, np.cumsum(sizes)[:-1]]
    pos = np.arange(n) - start[cascade]
    parent = np.where(pos == 0, -1, start[cascade] + (rng.random(n) * pos).astype(np.int64))
    t0 = pd.Timestamp("2026-01-05", tz="UTC").value + rng.integers(0, 90 * 86400, cascades) * 10**9
    t = t0[cascade] + (pos * rng.exponential(60, n) * 1e9).astype(np.int64)
    ids = np.array([f"m{i}" for i in range(n)], dtype=object)
    return pd.DataFrame({
        "source": "x", "id": ids, "parent_id": np.where(parent >= 0, ids[np.maximum(parent, 0)], None),
        "created_at": pd.to_datetime(t, utc=True),
    })


def run(args) -> list[Result]:
    quick = getattr(args, "quick", False)
    times = 1 if quick else max(1, getattr(args, "repeat", 3))
    results = []

    n = 100_000 if quick else 1_000_000
    parent = random_recursive_tree(n)
    nu = structural_virality(parent)
    results.append(Result(f"structural_virality, {n:,}-node cascade (parent array)",
                          repeat(lambda: structural_virality(parent), times), "s", target="≤ 1 s",
                          note=f"ν = {nu:.3f}", extra={"nu": nu}))
    as_dict = {i: int(p) for i, p in enumerate(parent.tolist()) if p >= 0}
    results.append(Result(f"structural_virality, {n:,}-node cascade (dict child -> parent)",
                          repeat(lambda: structural_virality(as_dict), times), "s", target="≤ 1 s"))
    chain = np.arange(-1, n - 1)
    results.append(Result(f"structural_virality, {n:,}-node reply chain (worst case: depth {n - 1:,})",
                          repeat(lambda: structural_virality(chain), times), "s"))

    m = 300 if quick else 3_000
    tree = nx.DiGraph((int(p), i) for i, p in enumerate(random_recursive_tree(m, seed=1)) if p >= 0)
    undirected = tree.to_undirected()
    nx_seconds, nx_value = timed(lambda: nx.average_shortest_path_length(undirected))
    assert abs(structural_virality(tree) - nx_value) < 1e-9  # also warms up
    ours = repeat(lambda: structural_virality(tree), max(times, 20))
    ratios = [nx_seconds / s for s in ours]
    results.append(Result(f"speed-up over networkx all-pairs on a {m:,}-node tree", ratios, "×",
                          target="≥ 1,000×",
                          note=f"networkx {nx_seconds:.2f} s; ours {np.median(ours) * 1e3:.2f} ms (median)",
                          extra={"networkx_seconds": nx_seconds, "ours_seconds_median": float(np.median(ours))}))

    mentions, cascades = (100_000, 10_000) if quick else (1_000_000, 100_000)
    raw = mention_world(mentions, cascades)
    links = resolve_links(raw)
    stored = raw.assign(parent_resolved=links["parent_resolved"], cascade_id=links["cascade_id"], depth=links["depth"])
    out = cascade_metrics(stored)
    assert len(out) == cascades and out["size"].sum() == mentions
    results.append(Result(f"cascade_metrics, {mentions:,} mentions in {cascades:,} cascades (store rows)",
                          repeat(lambda: cascade_metrics(stored), times), "s", target="≤ 10 s",
                          note=f"largest cascade {out['size'].max():,}, deepest {out['depth'].max()}"))
    results.append(Result(f"cascade_metrics, {mentions:,} mentions in {cascades:,} cascades (raw rows, links resolved)",
                          repeat(lambda: cascade_metrics(raw), times), "s",
                          note="includes viralscope.core.links.resolve_links"))
    results.append(Result("peak memory of the diffusion benchmarks", [peak_rss_mb()], "MB"))
    return results
