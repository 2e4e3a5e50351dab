"""A cascade too big for one worker is measured with joins, and its numbers equal ``cascade_metrics``.

The size is ``SPARK_SKEW_NODES`` (default 200,000, a minute or two here); the 1,000,000-node run is in the
benchmark (``python -m bench spark``, see docs/scale.md), where its memory is measured too.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from diffusion.cascades import CASCADE_COLUMNS, cascade_metrics

pytestmark = pytest.mark.spark

NODES = int(os.environ.get("SPARK_SKEW_NODES", "200000"))


def heavy_cascade(n: int, seed: int = 1, source: str = "x") -> pd.DataFrame:
    """One cascade of ``n`` mentions: a broadcast core (most shares hang near the original) with deep arms."""
    rng = np.random.default_rng(seed)
    parent = (np.arange(n) * rng.random(n) ** 3).astype(np.int64)
    parent[0] = -1
    ids = np.array([f"{source}{i}" for i in range(n)], dtype=object)
    return pd.DataFrame({
        "source": source, "id": ids,
        "parent_id": np.where(parent >= 0, ids[np.maximum(parent, 0)], None),
        "created_at": (pd.Timestamp("2026-01-05") + pd.to_timedelta(np.arange(n) * 7 % 86_400 + np.arange(n) // 50,
                                                                      unit="s")).astype("datetime64[us]"),
        "author_id": "acct", "author_name": "acct", "author_followers": 10, "kind": "post", "brand": "Lumio",
    })


def chain(n: int, source: str = "c") -> pd.DataFrame:
    """A reply chain ``n`` deep with a side branch at every tenth mention (too deep for the level path)."""
    ids = np.array([f"{source}{i}" for i in range(n)], dtype=object)
    parent = np.where(np.arange(n) % 10 == 9, np.arange(n) - 2, np.arange(n) - 1)
    return pd.DataFrame({
        "source": source, "id": ids, "parent_id": np.where(parent >= 0, ids[np.maximum(parent, 0)], None),
        "created_at": (pd.Timestamp("2026-01-05") + pd.to_timedelta(np.arange(n), unit="min")).astype("datetime64[us]"),
        "author_id": None, "author_name": None, "author_followers": None, "kind": "reply", "brand": None,
    })


def _measure(spark, frame: pd.DataFrame, big: int) -> tuple[pd.DataFrame, int]:
    from viralscope.spark import cascades, links

    schema = ("source string, id string, parent_id string, created_at timestamp_ntz, author_id string, "
              "author_name string, author_followers long, kind string, brand string")
    mentions = spark.createDataFrame(frame.astype({"author_followers": "Int64"}), schema)
    resolved, _ = links.resolve_links(mentions)
    members = mentions.join(resolved, ["source", "id"])
    table, n_big = cascades.cascade_table(members, big=big)
    return table.toPandas(), n_big


def _compare(remote: pd.DataFrame, local: pd.DataFrame) -> None:
    both = local.merge(remote, on=["source", "cascade_id"], suffixes=("_local", "_spark"), validate="one_to_one")
    assert len(both) == len(local) == len(remote)
    for column in CASCADE_COLUMNS[2:]:
        left, right = both[f"{column}_local"], both[f"{column}_spark"]
        if column in ("started_at", "last_at"):
            left = left.dt.tz_convert("UTC").dt.tz_localize(None)
        if pd.api.types.is_float_dtype(right):
            np.testing.assert_allclose(right.astype(float), left.astype(float), rtol=1e-12, err_msg=column)
        else:
            same = (left.isna().to_numpy() & right.isna().to_numpy()) | (left.astype(object).to_numpy() == right.astype(object).to_numpy())
            assert same.all(), column


def test_a_huge_cascade_takes_the_distributed_path_and_matches(spark):
    frame = heavy_cascade(NODES)
    small = heavy_cascade(500, seed=2, source="y")  # stays on the applyInPandas path beside it
    both = pd.concat([frame, small], ignore_index=True)
    remote, n_big = _measure(spark, both, big=NODES // 2)
    assert n_big == 1
    local = cascade_metrics(both)
    _compare(remote, local)
    row = remote.set_index("cascade_id").loc["x0"]
    assert row["size"] == NODES and row["depth"] > 8 and row["structural_virality"] > 2


def test_a_deep_chain_gets_its_subtree_sizes_from_the_euler_tour(spark):
    from viralscope.spark.cascades import LEVELS_MAX

    frame = chain(5 * LEVELS_MAX)  # deeper than the level-by-level path takes
    remote, n_big = _measure(spark, frame, big=100)
    assert n_big == 1
    _compare(remote, cascade_metrics(frame))
