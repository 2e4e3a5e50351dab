"""Repeated ids and dirty parent links on Spark give exactly what the local import gives.

Every case lives in a source of its own (links never cross sources), so one Spark pass checks them all
against ``ingest.write_mentions`` into a fresh store: the local path end to end, ``_dedupe`` and
``viralscope.core.links`` included.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from viralscope import ingest
from viralscope.store import Store

pytestmark = pytest.mark.spark

T0 = pd.Timestamp("2026-01-05 09:00")


def _case(source: str, rows: list[tuple]) -> list[dict]:
    """Rows (id, parent_id, minute[, likes]) of one source."""
    out = []
    for row in rows:
        id_, parent, minute, *rest = row
        out.append({"source": source, "id": id_, "parent_id": parent,
                    "created_at": None if minute is None else (T0 + pd.Timedelta(minutes=minute)).isoformat() + "Z",
                    "text": f"{source} {id_} {minute}", "likes": rest[0] if rest else None})
    return out


def _random_graph(source: str, n: int, seed: int) -> list[dict]:
    """Each node picks a random parent (or none, or one never collected): many cycles, tails and ties."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        kind = rng.random()
        parent = None if kind < 0.1 else f"gone{i}" if kind < 0.15 else f"v{rng.integers(0, n)}"
        rows.append((f"v{i}", parent, int(rng.integers(0, 30))))  # few distinct minutes: ties decided by id
    return _case(source, rows)


CASES = [
    *_case("plain", [("r", None, 0), ("a", "r", 1), ("b", "a", 2), ("c", "a", 3), ("d", "r", 4)]),
    *_case("selfloop", [("s", "s", 0), ("t", "s", 1)]),
    *_case("missing", [("m", "nowhere", 0), ("n", "m", 1)]),
    *_case("two_cycle", [("x", "y", 5), ("y", "x", 1), ("z", "x", 7)]),
    # A three-cycle whose members share a time: the smallest id loses its link.
    *_case("tied_cycle", [("k3", "k1", 2), ("k1", "k2", 2), ("k2", "k3", 2), ("tail", "k2", 9)]),
    # A long cycle with a long tail: found only after several rounds.
    *_case("long_cycle", [(f"c{i}", f"c{(i + 1) % 37}", 50 - i % 11) for i in range(37)]
           + [(f"t{i}", f"t{i + 1}" if i < 19 else "c5", 60 + i) for i in range(20)]),
    *_case("deep", [(f"d{i}", f"d{i - 1}" if i else None, i) for i in range(300)]),
    # The same id several times: several parents (earliest known parent wins), counts from the last copy.
    *_case("several", [("p1", None, 0), ("p2", None, 5), ("q", "p2", 10, 1), ("q", "p1", 10, 4),
                       ("q", "unknown", 10, None), ("w", None, 11, 2), ("w", "p2", 11, 3)]),
    *_case("unknown_first", [("u", "never", 3, 1), ("u", None, 3, 5), ("v", "u", 4)]),
    *_random_graph("random1", 400, 1),
    *_random_graph("random2", 400, 2),
]


def _local(tmp_path) -> tuple[pd.DataFrame, ingest.ImportSummary]:
    store = Store(tmp_path / "local.duckdb")
    summary = ingest.write_mentions(store, pd.DataFrame(CASES), origin="cases")
    return summary, store.query("SELECT source, id, parent_id, likes, text, parent_resolved, cascade_id, depth, link_flag "
                       "FROM mentions")


def _spark(spark) -> tuple[pd.DataFrame, object, int]:
    from viralscope.spark import links, read

    clean, rejected = read.check_rows(pd.DataFrame(CASES, dtype=object), "cases.jsonl", np.arange(1, len(CASES) + 1))
    assert not rejected
    rows = spark.createDataFrame(read._frame("cases.jsonl", clean, {}, {}), read.ROW_SCHEMA).drop("reason", "raw")
    merged, counts = links.dedupe(rows)
    resolved, rounds = links.resolve_links(merged)
    out = merged.join(resolved, ["source", "id"]).select(
        "source", "id", "parent_id", "likes", "text", "parent_resolved", "cascade_id", "depth", "link_flag").toPandas()
    return out, counts, rounds


def test_links_and_merges_equal_the_local_import(spark, tmp_path):
    summary, local = _local(tmp_path)
    local = local.set_index(["source", "id"]).sort_index()
    remote, counts, rounds = _spark(spark)
    remote = remote.set_index(["source", "id"]).sort_index()
    assert list(remote.index) == list(local.index)
    for column in local.columns:
        left = local[column].astype(object).where(local[column].notna(), None)
        right = remote[column].astype(object).where(remote[column].notna(), None)
        differ = left.to_numpy() != right.to_numpy()
        assert not differ.any(), (column, pd.DataFrame({"local": left, "spark": right})[differ].head(10))
    # The cases really are dirty: every rule fired, and the long cycle needed several rounds.
    flags = local["link_flag"].value_counts()
    assert {"self_loop", "missing_parent", "cycle_broken"} <= set(flags.index)
    assert flags["cycle_broken"] >= 5
    assert (counts.duplicates, counts.several_parents) == (summary.duplicates, summary.several_parents) == (4, 1)
    assert rounds >= 9  # a chain of 300: log2(300) rounds of pointer jumping


def test_the_tied_cycle_is_broken_at_its_smallest_id(spark, tmp_path):
    remote, _, _ = _spark(spark)
    tied = remote[remote["source"] == "tied_cycle"].set_index("id")
    assert tied.loc["k1", "link_flag"] == "cycle_broken" and tied.loc["k1", "depth"] == 0
    assert (tied["cascade_id"] == "k1").all()
