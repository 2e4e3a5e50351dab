"""Writes link only what a batch can change, and agree with resolving every link again.

Batches arrive as collectors deliver them: parents after their children, children of stored cascades,
self-loops, cycles closed by a later batch, a stored root given its parent by a later copy, duplicates.
After every batch, ``store_mentions.relink`` (which resolves every stored link from scratch) must find nothing to
change.
"""

from __future__ import annotations

import random

import pandas as pd
import pytest

from viralscope import ingest
from viralscope.store import mentions as store_mentions


def _batch(rng: random.Random, ids: list[str], n: int, start: int) -> pd.DataFrame:
    rows = []
    for i in range(start, start + n):
        me = f"m{i}"
        roll = rng.random()
        if roll < 0.3:
            parent = None
        elif roll < 0.35:
            parent = me  # a self-loop
        elif roll < 0.5:
            parent = f"m{i + rng.randrange(1, 40)}"  # a parent that arrives later (or never)
        else:
            parent = rng.choice(ids) if ids else None  # a stored mention, deep in its cascade or not
        rows.append({"id": me, "parent_id": parent, "created_at": pd.Timestamp("2026-03-01", tz="UTC")
                     + pd.Timedelta(minutes=rng.randrange(0, 5000))})
    if ids and rng.random() < 0.7:  # a later copy of stored mentions: fills a stored root's parent, or not
        for old in rng.sample(ids, min(3, len(ids))):
            rows.append({"id": old, "parent_id": f"m{rng.randrange(0, start + n)}",
                         "created_at": pd.Timestamp("2026-03-01", tz="UTC")})
    df = pd.DataFrame(rows)
    df["text"] = "Lumio"
    return df


@pytest.mark.parametrize("seed", range(6))
def test_incremental_links_equal_a_full_relink(store, seed):
    rng = random.Random(seed)
    ids: list[str] = []
    for b in range(12):
        n = rng.randrange(1, 30)
        for source in ("x", "reddit"):
            batch = _batch(rng, ids, n, len(ids))
            ingest.write_mentions(store, batch, origin="batch", source=source)
        ids += [f"m{i}" for i in range(len(ids), len(ids) + n)]
        assert store_mentions.relink(store) == 0, f"batch {b}"
    flags = set(store.query("SELECT DISTINCT link_flag FROM mentions")["link_flag"].dropna())
    assert {"self_loop", "missing_parent"} <= flags  # the batches held what the rules are about


def test_a_cycle_closed_by_a_later_batch_is_broken_as_a_full_resolve_breaks_it(store):
    t = pd.Timestamp("2026-03-01", tz="UTC")
    ingest.write_mentions(store, pd.DataFrame({"id": ["a", "b", "c"], "parent_id": [None, "c", "b2"],
                                               "created_at": [t, t + pd.Timedelta(minutes=2), t],
                                               "text": "Lumio"}), origin="one", source="x")
    ingest.write_mentions(store, pd.DataFrame({"id": ["b2"], "parent_id": ["b"], "created_at": [t],
                                               "text": "Lumio"}), origin="two", source="x")
    assert store_mentions.relink(store) == 0
    got = store.query("SELECT id, cascade_id, depth, link_flag FROM mentions ORDER BY id")
    # b -> c -> b2 -> b: the earliest member (then the smallest id) loses its link
    assert got.set_index("id")["link_flag"].dropna().to_dict() == {"b2": "cycle_broken"}
    assert set(got["cascade_id"]) == {"a", "b2"}
