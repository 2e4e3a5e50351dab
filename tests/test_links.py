"""Resolving dirty parent links into trees (viralscope.core.links)."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from viralscope.core.links import choose_parents, resolve_links


def _frame(edges: dict, times: dict | None = None) -> pd.DataFrame:
    ids = list(edges)
    t0 = pd.Timestamp("2026-01-05")
    return pd.DataFrame({
        "id": ids,
        "parent_id": [edges[i] for i in ids],
        "created_at": [t0 + pd.Timedelta(minutes=(times or {}).get(i, k)) for k, i in enumerate(ids)],
    })


@pytest.mark.parametrize("seed", range(30))
def test_random_forests_match_networkx_depths(seed):
    rng = random.Random(seed)
    n = rng.randint(1, 400)
    tree = nx.random_labeled_tree(n, seed=seed) if n > 1 else nx.empty_graph(1)
    root = rng.randrange(n)
    parents = {root: None}
    for parent, child in nx.bfs_edges(tree, root):
        parents[child] = parent
    order = list(parents)
    rng.shuffle(order)
    edges = {str(k): (None if parents[k] is None else str(parents[k])) for k in order}
    out = resolve_links(_frame(edges)).set_index("id")
    depths = nx.single_source_shortest_path_length(tree, root)
    assert all(out.loc[str(k), "depth"] == d for k, d in depths.items())
    assert (out["cascade_id"] == str(root)).all()
    assert out["link_flag"].isna().all()


def test_self_loop_missing_parent_and_two_cycles():
    edges = {"r": None, "a": "r", "s": "s", "o": "gone", "x": "y", "y": "x", "c1": "c3", "c2": "c1", "c3": "c2", "k": "c2"}
    times = {"y": -5, "c2": -3}
    out = resolve_links(_frame(edges, times)).set_index("id")
    assert out.loc["s", "link_flag"] == "self_loop" and out.loc["s", "depth"] == 0
    assert out.loc["o", "link_flag"] == "missing_parent" and out.loc["o", "cascade_id"] == "o"
    assert out.loc["y", "link_flag"] == "cycle_broken" and out.loc["x", "cascade_id"] == "y"
    assert out.loc["c2", "link_flag"] == "cycle_broken"
    assert out.loc[["c3", "c1", "k"], "depth"].tolist() == [1, 2, 1]
    assert out.loc["c1", "cascade_id"] == "c2"


def test_a_long_chain_and_a_long_cycle():
    n = 5000
    edges = {f"n{i}": (f"n{i - 1}" if i else None) for i in range(n)}
    out = resolve_links(_frame(edges))
    assert out["depth"].tolist() == list(range(n))
    edges["n0"] = f"n{n - 1}"  # close the chain into one big cycle
    out = resolve_links(_frame(edges))
    assert out["link_flag"].tolist().count("cycle_broken") == 1
    assert np.array_equal(out["depth"].to_numpy(), np.arange(n))


def test_several_parents_earliest_wins_and_unknown_loses():
    rows = pd.DataFrame({
        "id": ["p1", "p2", "c", "c", "c", "d", "d"],
        "parent_id": [None, None, "p2", "p1", "nowhere", "nowhere", "p2"],
        "created_at": pd.to_datetime(["2026-01-05 10:00", "2026-01-05 09:00", "2026-01-05 11:00", "2026-01-05 11:00",
                                      "2026-01-05 11:00", "2026-01-05 12:00", "2026-01-05 12:00"]),
    })
    chosen = choose_parents(rows)
    assert chosen.to_dict() == {"p1": None, "p2": None, "c": "p2", "d": "p2"}


def test_empty_input():
    out = resolve_links(pd.DataFrame({"id": [], "parent_id": [], "created_at": pd.to_datetime([])}))
    assert list(out.columns) == ["id", "parent_resolved", "cascade_id", "depth", "link_flag"] and out.empty
