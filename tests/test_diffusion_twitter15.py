"""Every Twitter15 tree: structural virality equals networkx's Wiener index, and the trees imported as mentions
give the same size, depth, max breadth and structural virality as an independent computation.

networkx's all-pairs Wiener index is slow on the larger trees (minutes for all 1,490), so it is computed once
per run, spread over the machine's cores.
"""

from __future__ import annotations

import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from diffusion import cascade_metrics, structural_virality
from tests import twitter15
from tests.evaldata import needs
from viralscope import ingest

pytestmark = [needs("twitter15"), pytest.mark.eval]


def _digraph(tree: twitter15.Tree) -> nx.DiGraph:
    g = nx.DiGraph((p, c) for c, p in tree.parent.items())
    g.add_node(tree.root)
    return g


def _independent(tree: twitter15.Tree) -> dict:
    """Size, depth, max breadth and ν of one tree with networkx alone (BFS depths, all-pairs Wiener index)."""
    g = _digraph(tree)
    n = g.number_of_nodes()
    depths = nx.single_source_shortest_path_length(g, tree.root)
    nu = 2 * nx.wiener_index(g.to_undirected()) / (n * (n - 1)) if n > 1 else None
    return {"cascade_id": f"{tree.root_tweet}-{tree.root}", "size": n, "depth": max(depths.values()),
            "max_breadth": max(Counter(depths.values()).values()), "nu": nu}


@pytest.fixture(scope="module")
def trees():
    return twitter15.trees()


@pytest.fixture(scope="module")
def reference(trees) -> pd.DataFrame:
    # Largest first, so the slowest trees do not finish last on one core.
    order = sorted(trees, key=lambda t: -len(t.parent))
    with ProcessPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
        rows = list(pool.map(_independent, order, chunksize=4))
    return pd.DataFrame(rows).set_index("cascade_id")


def test_structural_virality_equals_networkx_on_every_tree(trees, reference):
    assert len(trees) == 1490
    for tree in trees:
        expected = reference.loc[f"{tree.root_tweet}-{tree.root}", "nu"]
        as_graph = structural_virality(_digraph(tree))
        as_dict = structural_virality({**tree.parent, tree.root: None})
        assert as_graph == pytest.approx(expected, rel=1e-12), tree.root_tweet
        assert as_dict == pytest.approx(expected, rel=1e-12), tree.root_tweet


def test_readme_medians_after_cleaning(reference):
    # ../shared/eval/README.md: median size 260, depth 3 (max 12), max-breadth 198, ν median 2.34 / max 5.10.
    assert reference["size"].median() == 260
    assert reference["depth"].median() == 3 and reference["depth"].max() == 12
    assert reference["max_breadth"].median() == 198
    assert round(reference["nu"].median(), 2) == 2.34 and round(reference["nu"].max(), 2) == 5.10


def test_imported_as_mentions_the_cascades_match(store, tmp_path, reference):
    mentions = twitter15.mentions()
    path = tmp_path / "twitter15.csv"
    mentions.to_csv(path, index=False)
    summary = ingest.import_file(store, path)
    assert summary.inserted == len(mentions) == int(reference["size"].sum())
    assert not any(summary.links.values())  # the cleaned trees carry no dirty link

    got = cascade_metrics(store.mentions()).set_index("cascade_id")
    assert len(got) == 1490 and got["complete"].all()
    expected = reference.loc[got.index]
    np.testing.assert_array_equal(got["size"], expected["size"])
    np.testing.assert_array_equal(got["depth"], expected["depth"])
    np.testing.assert_array_equal(got["max_breadth"], expected["max_breadth"])
    np.testing.assert_allclose(got["structural_virality"], expected["nu"].astype(float), rtol=1e-12)
    # Times survive the import: the first share of every cascade lies at its recorded delay.
    first = mentions.groupby(mentions["id"].str.split("-").str[0])["created_at"].min()
    started = got["started_at"].groupby(got.index.str.split("-").str[0]).min()
    pd.testing.assert_series_equal(started.sort_index(), first.sort_index(), check_names=False, check_dtype=False)
