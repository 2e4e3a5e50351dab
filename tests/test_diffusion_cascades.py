"""cascade_metrics and cascade_members: hand-built cascades, dirty links, store rows, random forests."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from diffusion import cascade_members, cascade_metrics
from diffusion.cascades import CASCADE_COLUMNS
from tests.evaldata import EVAL, needs
from tests.semeval import thread_rows, write_jsonl
from viralscope import ingest
from viralscope.core.errors import InputError
from viralscope.core.links import resolve_links

T0 = pd.Timestamp("2026-01-05 09:00", tz="UTC")


def _mentions(rows):
    """rows: (id, parent_id, minutes after T0[, source])"""
    return pd.DataFrame(
        {
            "id": [r[0] for r in rows],
            "parent_id": [r[1] for r in rows],
            "created_at": [T0 + pd.Timedelta(minutes=r[2]) for r in rows],
            "source": [r[3] if len(r) > 3 else "x" for r in rows],
        }
    )


def _by_id(df):
    return df.set_index("cascade_id")


def test_hand_built_cascade():
    #        p            q
    #      / | \
    #     a  b  c
    #    / \     \
    #   d   e     f
    #   |
    #   g
    m = _mentions([
        ("p", None, 0), ("a", "p", 5), ("b", "p", 6), ("c", "p", 30), ("d", "a", 8), ("e", "a", 9),
        ("f", "c", 31), ("g", "d", 50), ("q", None, 100),
    ])
    c = cascade_metrics(m)
    assert list(c.columns) == CASCADE_COLUMNS
    assert c["cascade_id"].tolist() == ["p", "q"]
    p = _by_id(c).loc["p"]
    assert (p["size"], p["depth"], p["max_breadth"]) == (8, 3, 3)
    assert json.loads(p["depth_counts"]) == {"1": 3, "2": 3, "3": 1}
    tree = nx.Graph([("p", "a"), ("p", "b"), ("p", "c"), ("a", "d"), ("a", "e"), ("c", "f"), ("d", "g")])
    assert p["structural_virality"] == pytest.approx(nx.average_shortest_path_length(tree))
    assert p["started_at"] == T0 and p["last_at"] == T0 + pd.Timedelta(minutes=50)
    assert np.isnan(p["minutes_to_10"]) and np.isnan(p["minutes_to_100"])
    # 7 shares (minutes 5, 6, 8, 9, 30, 31, 50); the 4th (half, rounded up) arrived at minute 9.
    assert p["speed_per_hour"] == pytest.approx(4 / 9 * 60)
    assert bool(p["complete"])
    q = _by_id(c).loc["q"]
    assert (q["size"], q["depth"], q["max_breadth"], q["depth_counts"]) == (1, 0, 1, "{}")
    assert np.isnan(q["structural_virality"]) and np.isnan(q["speed_per_hour"])


def test_time_to_milestones_and_speed():
    rows = [("r", None, 0)] + [(f"s{i}", "r", i) for i in range(1, 121)]
    c = cascade_metrics(_mentions(rows)).iloc[0]
    assert c["minutes_to_10"] == 10 and c["minutes_to_100"] == 100 and np.isnan(c["minutes_to_1000"])
    assert c["speed_per_hour"] == pytest.approx(60.0)  # 60 of 120 shares in the first 60 minutes
    # Shares arriving at once: t_half is floored at one minute, so speed stays finite.
    burst = cascade_metrics(_mentions([("r", None, 0), ("a", "r", 0), ("b", "r", 0)])).iloc[0]
    assert burst["speed_per_hour"] == pytest.approx(60.0)


def test_root_attributes_come_from_the_original_post():
    m = _mentions([("p", None, 0), ("a", "p", 1)]).assign(
        author_id=["brand", "fan"], author_name=["Brand", "Fan"], author_followers=[5000, 12],
        kind=["post", "share"], brand=["Lumio", "Lumio"],
    )
    row = cascade_metrics(m).iloc[0]
    assert (row["author_id"], row["author_name"], row["author_followers"], row["kind"], row["brand"]) == (
        "brand", "Brand", 5000, "post", "Lumio"
    )


def test_dirty_links_follow_the_resolution_rules():
    m = _mentions([
        ("r", None, 0),
        ("a", "r", 1),
        ("a", "b", 1),        # listed twice: parent r (earlier) wins over b
        ("b", "r", 2),
        ("s", "s", 3),        # self-loop -> root of its own
        ("o", "gone", 4),     # missing parent -> root of its own
        ("o2", "o", 5),
        ("x", "y", 6),        # cycle x <-> y: y is earlier, loses its link
        ("y", "x", 5.5),
    ])
    c = _by_id(cascade_metrics(m))
    assert c.loc["r", "size"] == 3 and c.loc["r", "depth"] == 1
    assert c.loc["s", "size"] == 1
    assert c.loc["o", "size"] == 2 and c.loc["o", "depth"] == 1
    assert c.loc["y", "size"] == 2
    assert c["size"].sum() == 8  # the duplicate counts once
    members = cascade_members(m)
    assert members["cascade_id"].tolist() == ["r", "r", "r", "r", "s", "o", "o", "y", "y"]
    assert members.loc[1, "parent_resolved"] == "r" and members.loc[2, "parent_resolved"] == "r"


def test_same_ids_on_two_sources_are_two_mentions():
    m = _mentions([("1", None, 0, "x"), ("2", "1", 1, "x"), ("1", None, 0, "bluesky"), ("3", "1", 2, "bluesky"),
                   ("4", "3", 3, "bluesky")])
    c = cascade_metrics(m).set_index(["source", "cascade_id"])
    assert c.loc[("x", "1"), "size"] == 2
    assert c.loc[("bluesky", "1"), "size"] == 3 and c.loc[("bluesky", "1"), "depth"] == 2


def test_numeric_ids_read_next_to_blanks():
    # A CSV with numeric ids gives float parents (NaN for roots); "1.0" must still find "1".
    m = pd.DataFrame({"id": [1, 2, 3], "parent_id": [np.nan, 1.0, 2.0],
                      "created_at": ["2026-01-05T09:00:00Z", "2026-01-05T09:01:00Z", "2026-01-05T09:02:00+00:00"]})
    c = cascade_metrics(m)
    assert c["cascade_id"].tolist() == ["1"] and c["size"].tolist() == [3] and c["depth"].tolist() == [2]


def test_store_rows_use_their_resolved_links(store, tmp_path):
    rows = [
        {"id": "r", "source": "x", "created_at": "2026-01-05T09:00:00Z", "text": "post", "author_id": "brand"},
        {"id": "a", "source": "x", "created_at": "2026-01-05T09:01:00Z", "text": "RT", "parent_id": "r",
         "kind": "share"},
        {"id": "b", "source": "x", "created_at": "2026-01-05T09:02:00Z", "text": "RT", "parent_id": "a",
         "kind": "share"},
        {"id": "z", "source": "x", "created_at": "2026-01-05T09:03:00Z", "text": "reply", "parent_id": "nowhere"},
    ]
    ingest.import_file(store, write_jsonl(rows, tmp_path / "m.jsonl"))
    stored = store.mentions()
    from_store = cascade_metrics(stored)
    raw = cascade_metrics(stored[["id", "source", "parent_id", "created_at", "author_id", "kind", "author_name",
                                  "author_followers", "brand"]])
    pd.testing.assert_frame_equal(from_store, raw)
    assert from_store["cascade_id"].tolist() == ["r", "z"]
    assert from_store.loc[0, "author_id"] == "brand"


def test_a_subset_of_a_cascade_is_marked_incomplete():
    m = _mentions([("r", None, 0), ("a", "r", 1), ("b", "a", 2), ("c", "a", 3)])
    links = resolve_links(m)
    stored = m.assign(parent_resolved=links["parent_resolved"], cascade_id=links["cascade_id"], depth=links["depth"])
    part = stored[stored["id"] != "a"]
    row = cascade_metrics(part).iloc[0]
    assert not row["complete"] and np.isnan(row["structural_virality"])
    # Sizes and depths still describe the rows given, with their stored share order.
    assert row["size"] == 3 and row["depth"] == 2 and json.loads(row["depth_counts"]) == {"2": 2}


def test_stored_and_raw_shapes_agree_on_a_random_forest():
    rng = np.random.default_rng(3)
    n = 5000
    roots = rng.random(n) < 0.1
    roots[0] = True
    parent = np.array([-1 if roots[i] else int(rng.integers(0, i)) for i in range(n)])
    ids = np.array([f"m{i}" for i in range(n)], dtype=object)
    m = pd.DataFrame({"id": ids, "parent_id": np.where(parent >= 0, ids[np.maximum(parent, 0)], None),
                      "created_at": T0 + pd.to_timedelta(np.arange(n), unit="s"), "source": "x"})
    raw = cascade_metrics(m)
    links = resolve_links(m)
    stored = cascade_metrics(m.assign(parent_resolved=links["parent_resolved"], cascade_id=links["cascade_id"],
                                      depth=links["depth"]))
    pd.testing.assert_frame_equal(raw, stored)
    # Against networkx, tree by tree.
    g = nx.DiGraph((ids[p], ids[i]) for i, p in enumerate(parent) if p >= 0)
    g.add_nodes_from(ids)
    for _, row in raw.head(40).iterrows():
        tree = g.subgraph(nx.descendants(g, row["cascade_id"]) | {row["cascade_id"]})
        depths = nx.shortest_path_length(tree, row["cascade_id"])
        assert row["size"] == tree.number_of_nodes()
        assert row["depth"] == max(depths.values())
        assert row["max_breadth"] == max(pd.Series(depths).value_counts())
        if row["size"] > 1:
            expected = 2 * nx.wiener_index(tree.to_undirected()) / (row["size"] * (row["size"] - 1))
            assert row["structural_virality"] == pytest.approx(expected, rel=1e-12)
    members = cascade_members(m)
    assert members["descendants"].sum() == sum(len(nx.descendants(g, v)) for v in ids)


def test_without_parent_links_every_mention_is_a_post():
    m = pd.DataFrame({"id": ["a", "b"], "created_at": [T0, T0 + pd.Timedelta(minutes=1)], "text": ["x", "y"]})
    c = cascade_metrics(m)
    assert c["size"].tolist() == [1, 1] and c["cascade_id"].tolist() == ["a", "b"]


def test_members_of_a_subset_keep_their_stored_links():
    m = _mentions([("r", None, 0), ("a", "r", 1), ("b", "a", 2)])
    links = resolve_links(m)
    stored = m.assign(parent_resolved=links["parent_resolved"], cascade_id=links["cascade_id"], depth=links["depth"])
    part = cascade_members(stored[stored["id"] != "a"])
    assert part["parent_resolved"].tolist() == [None, "a"] and part["depth"].tolist() == [0, 2]


def test_empty_input_gives_the_columns():
    c = cascade_metrics(pd.DataFrame({"id": [], "parent_id": [], "created_at": pd.to_datetime([], utc=True)}))
    assert list(c.columns) == CASCADE_COLUMNS and len(c) == 0


@pytest.mark.parametrize(
    "frame, why",
    [
        (pd.DataFrame({"parent_id": [None], "created_at": [T0]}), "id: column is missing"),
        (pd.DataFrame({"id": ["a"], "parent_id": [None]}), "created_at: column is missing"),
        (pd.DataFrame({"id": ["a", "b"], "created_at": [T0, "yesterday"]}), "created_at"),
        (pd.DataFrame({"id": ["a", None], "created_at": [T0, T0]}), "mentions:2: id: missing"),
    ],
)
def test_bad_input(frame, why):
    with pytest.raises(InputError, match=why):
        cascade_metrics(frame)


@needs("semeval2017")
@pytest.mark.parametrize("split,mentions,cascades", [("traindev", 4519, 297), ("test", 1049, 30)])
def test_semeval_threads_give_the_published_counts(store, tmp_path, split, mentions, cascades):
    rows, _missing = thread_rows(EVAL / "semeval2017" / split)
    ingest.import_file(store, write_jsonl(rows, tmp_path / f"{split}.jsonl"))
    c = cascade_metrics(store.mentions())
    assert len(c) == cascades
    assert c["size"].sum() == mentions
    assert c["complete"].all()
    # The same from the rows alone, resolving the links here (the 347 missing posts start new cascades).
    raw = cascade_metrics(pd.DataFrame(rows))
    assert len(raw) == cascades and raw["size"].sum() == mentions
    columns = ["cascade_id", "size", "depth", "max_breadth", "structural_virality", "started_at", "last_at"]
    pd.testing.assert_frame_equal(raw[columns], c[columns])
