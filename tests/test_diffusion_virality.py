"""Structural virality: closed forms, networkx's Wiener index on random trees, every input shape, bad trees."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from diffusion import structural_virality
from diffusion.virality import roots_and_depths, subtree_sizes, wiener_index
from viralscope.core.errors import InputError


def _networkx_virality(tree: nx.DiGraph) -> float:
    n = tree.number_of_nodes()
    return 2 * nx.wiener_index(tree.to_undirected()) / (n * (n - 1))


def _random_tree(n: int, seed: int) -> nx.DiGraph:
    """A uniformly random labelled tree on n nodes, oriented away from a random root."""
    rng = np.random.default_rng(seed)
    undirected = nx.random_labeled_tree(n, seed=seed)
    return nx.bfs_tree(undirected, int(rng.integers(n)))


@pytest.mark.parametrize("n", [2, 3, 4, 10, 57, 1000])
def test_star_is_two_minus_two_over_n(n):
    star = {f"leaf{i}": "hub" for i in range(n - 1)}
    assert structural_virality(star) == pytest.approx(2 * (n - 1) / n, rel=1e-12)


@pytest.mark.parametrize("n", [2, 3, 5, 10, 99, 1000])
def test_path_is_n_plus_one_over_three(n):
    path = nx.DiGraph(list(zip(range(n - 1), range(1, n), strict=True)))
    assert structural_virality(path) == pytest.approx((n + 1) / 3, rel=1e-12)


def test_long_chain_takes_the_node_by_node_walk():
    # 200,000 levels: far past the level-by-level numpy path; the exact answer is still (n + 1) / 3.
    n = 200_000
    parent = np.arange(-1, n - 1)
    assert structural_virality(parent) == pytest.approx((n + 1) / 3, rel=1e-12)


def _one_node_graph() -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_node("solo")
    return g


@pytest.mark.parametrize("tree", [{"only": None}, _one_node_graph(), np.array([-1])])
def test_single_node_is_null(tree):
    assert structural_virality(tree) is None


def test_equals_networkx_wiener_index_on_250_random_trees():
    rng = np.random.default_rng(2016)
    for seed in range(250):
        n = int(rng.integers(2, 160))
        tree = _random_tree(n, seed)
        assert structural_virality(tree) == pytest.approx(_networkx_virality(tree), rel=1e-12), (n, seed)


def test_equals_networkx_on_deep_and_bushy_trees():
    # Random recursive trees (bushy) and random "caterpillars" (deep), as parent arrays and as dicts.
    rng = np.random.default_rng(7)
    for n in (2, 30, 400):
        for kind in ("recursive", "caterpillar"):
            if kind == "recursive":
                parent = np.r_[-1, (rng.random(n - 1) * np.arange(1, n)).astype(np.int64)]
            else:
                parent = np.r_[-1, np.maximum(np.arange(n - 1) - rng.integers(0, 2, n - 1), 0)]
            g = nx.DiGraph((int(p), i) for i, p in enumerate(parent) if p >= 0)
            expected = _networkx_virality(g)
            assert structural_virality(parent) == pytest.approx(expected, rel=1e-12)
            as_dict = {f"n{i}": f"n{p}" for i, p in enumerate(parent) if p >= 0}
            assert structural_virality(as_dict) == pytest.approx(expected, rel=1e-12)


def test_input_shapes_agree():
    edges = [("r", "a"), ("r", "b"), ("a", "c"), ("c", "d"), ("c", "e")]
    g = nx.DiGraph(edges)
    as_dict = {child: parent for parent, child in edges}
    with_root = {**as_dict, "r": None}
    parent_array = np.array([-1, 0, 0, 1, 3, 3])  # r a b c d e
    expected = _networkx_virality(g)
    for shape in (g, as_dict, with_root, parent_array):
        assert structural_virality(shape) == pytest.approx(expected, rel=1e-12)
    # Integer labels and mixed labels work too.
    assert structural_virality({1: 0, 2: 0, 3: 1}) == pytest.approx(_networkx_virality(nx.DiGraph([(0, 1), (0, 2), (1, 3)])))
    assert structural_virality({1: "root", "x": 1}) == pytest.approx(4 / 3)


def test_wiener_index_equals_networkx():
    tree = _random_tree(300, seed=11)
    assert wiener_index(tree) == nx.wiener_index(tree.to_undirected())


def test_subtree_sizes_and_depths_on_a_forest():
    #      0        5
    #    1   2      6
    #   3 4
    parent = np.array([-1, 0, 0, 1, 1, -1, 5])
    root, depth, looped = roots_and_depths(parent)
    assert root.tolist() == [0, 0, 0, 0, 0, 5, 5]
    assert depth.tolist() == [0, 1, 1, 2, 2, 0, 1]
    assert not looped.any()
    assert subtree_sizes(parent, depth).tolist() == [5, 3, 1, 1, 1, 2, 1]


def test_cycles_are_reported_by_roots_and_depths():
    _, _, looped = roots_and_depths(np.array([-1, 0, 3, 2, 3]))
    assert looped.tolist() == [False, False, True, True, True]


@pytest.mark.parametrize(
    "tree, why",
    [
        ({}, "empty"),
        ({"a": "r", "b": "s"}, "one root; this one has 2"),
        ({"a": "b", "b": "a"}, "has 0"),
        ({"a": "a"}, "own parent"),
        (nx.DiGraph([("r", "a"), ("s", "a")]), "more than one parent"),
        (nx.DiGraph([("a", "a")]), "own parent"),
        (nx.Graph([("a", "b")]), "undirected"),
        (np.array([-1, 0, 1, 5]), "parent positions"),
        (np.array([-1, 1]), "own parent"),
        (np.array([0.5, 1.0]), "expected a networkx DiGraph"),
        (nx.DiGraph([("r", "a"), ("a", "b"), ("b", "c"), ("c", "a")]), "more than one parent"),
        ({"a": "r", "b": "c", "c": "b"}, "cycle"),
    ],
)
def test_bad_trees_raise_input_error(tree, why):
    with pytest.raises(InputError, match=why):
        structural_virality(tree)
