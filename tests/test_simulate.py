"""The independent-cascade engine: exact on deterministic graphs, right in distribution on random ones."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from diffusion.simulate import (
    FollowerGraph,
    compile_graph,
    independent_cascade,
    lognormal_delay,
    simulate_cascades,
)


def _tree(n=300, seed=0):
    return nx.DiGraph(nx.bfs_tree(nx.random_labeled_tree(n, seed=seed), 0))


def test_p_one_reaches_every_descendant_at_its_bfs_depth():
    g = nx.gnp_random_graph(300, 0.02, seed=4, directed=True)
    edges = independent_cascade(g, [0], 1.0, rng=1)
    reach = nx.single_source_shortest_path_length(g, 0)
    assert set(edges["child"]) == set(reach) - {0}
    assert dict(zip(edges["child"], edges["step"], strict=True)) == {v: d for v, d in reach.items() if v != 0}


def test_p_zero_spreads_nowhere():
    edges = independent_cascade(_tree(), [0], 0.0, rng=1)
    assert edges.empty and list(edges.columns) == ["parent", "child", "step", "time"]


def test_result_is_a_tree_in_time():
    g = nx.gnp_random_graph(400, 0.03, seed=2, directed=True)
    e = independent_cascade(g, [0, 5], 0.3, rng=7, delay=lognormal_delay(20.0, 1.2))
    assert e["child"].is_unique and not set(e["child"]) & {0, 5}
    assert all(g.has_edge(u, v) for u, v in zip(e["parent"], e["child"], strict=True))
    time_of = dict(zip(e["child"], e["time"], strict=True)) | {0: 0.0, 5: 0.0}
    step_of = dict(zip(e["child"], e["step"], strict=True)) | {0: 0, 5: 0}
    for u, v in zip(e["parent"], e["child"], strict=True):
        assert time_of[v] > time_of[u]
        assert step_of[v] == step_of[u] + 1
    assert e["time"].is_monotonic_increasing


def test_same_rng_same_cascade_and_different_rng_differs():
    g = nx.gnp_random_graph(500, 0.02, seed=3, directed=True)
    a = independent_cascade(g, [0], 0.4, rng=11)
    assert a.equals(independent_cascade(g, [0], 0.4, rng=11))
    assert not a.equals(independent_cascade(g, [0], 0.4, rng=12))


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_activation_frequency_matches_p_along_a_path(p):
    # On a path 0 -> 1 -> 2 -> 3 the node at depth k is reached with probability p**k.
    fg = FollowerGraph.from_edges(4, np.array([0, 1, 2]), np.array([1, 2, 3]))
    runs = 40_000
    acts = simulate_cascades(fg, np.zeros(runs, dtype=np.int64), p, rng=np.random.default_rng(5))
    for depth in (1, 2, 3):
        freq = np.count_nonzero(acts.child == depth) / runs
        se = np.sqrt(p**depth * (1 - p**depth) / runs)
        assert abs(freq - p**depth) < 5 * se


def test_cascades_in_a_batch_are_independent():
    fg = FollowerGraph.from_edges(3, np.array([0, 0]), np.array([1, 2]))
    acts = simulate_cascades(fg, np.array([0, 0, 0]), 1.0, rng=np.random.default_rng(0))
    assert sorted(zip(acts.cascade.tolist(), acts.child.tolist(), strict=True)) == [(0, 1), (0, 2), (1, 1), (1, 2), (2, 1), (2, 2)]


def test_per_cascade_probability_and_start_times():
    fg = FollowerGraph.from_edges(2, np.array([0]), np.array([1]))
    acts = simulate_cascades(
        fg, np.array([0, 0]), np.array([0.0, 1.0]), rng=np.random.default_rng(0), start_time=np.array([5.0, 9.0])
    )
    assert acts.cascade.tolist() == [1] and acts.time.tolist() == [10.0]


def test_several_seeds_share_one_cascade():
    fg = FollowerGraph.from_edges(3, np.array([0, 1]), np.array([2, 2]))
    acts = simulate_cascades(
        fg, np.array([0, 1]), 1.0, rng=np.random.default_rng(0), cascade=np.array([0, 0]), start_time=np.array([3.0, 0.0])
    )
    # Node 2 joins once, through the parent that reaches it first.
    assert acts.child.tolist() == [2] and acts.parent.tolist() == [1] and acts.time.tolist() == [1.0]


def test_max_steps_stops_the_spread():
    g = nx.path_graph(10, create_using=nx.DiGraph)
    assert independent_cascade(g, [0], 1.0, max_steps=3)["step"].max() == 3


def test_edge_weight_scales_probability():
    g = nx.DiGraph()
    g.add_edge("a", "b", w=0.0)
    g.add_edge("a", "c", w=1.0)
    assert independent_cascade(g, ["a"], 1.0, rng=0, weight="w")["child"].tolist() == ["c"]
    fg = compile_graph(g, weight="w")
    assert independent_cascade(fg, ["a"], 1.0, rng=0)["child"].tolist() == ["c"]


def test_compile_and_back_to_networkx_round_trip():
    g = nx.gnp_random_graph(50, 0.1, seed=8, directed=True)
    nx.set_edge_attributes(g, 0.5, "weight")
    back = compile_graph(g, weight="weight").to_networkx()
    assert set(back.edges) == set(g.edges) and set(back.nodes) == set(g.nodes)
    assert all(d["weight"] == 0.5 for *_, d in back.edges(data=True))


def test_bad_input_is_refused():
    g = nx.DiGraph([(1, 2)])
    with pytest.raises(nx.NodeNotFound):
        independent_cascade(g, [99], 0.5)
    with pytest.raises(ValueError):
        independent_cascade(g, [1], 1.5)
    with pytest.raises(ValueError):
        independent_cascade(g, [1], 1.0, delay=lambda rng, n: np.zeros(n))
    with pytest.raises(TypeError):
        independent_cascade(nx.Graph([(1, 2)]), [1], 0.5)
    with pytest.raises(ValueError):
        FollowerGraph.from_edges(2, np.array([0]), np.array([5]))
    fg = FollowerGraph.from_edges(2, np.array([0]), np.array([1]))
    with pytest.raises(ValueError):
        simulate_cascades(fg, np.array([0, 1]), np.array([0.5]), rng=np.random.default_rng(0))


def test_tuple_accounts_stay_one_label_each():
    # The demo world's accounts are (source, author_id) pairs: numpy must not read them as a 2-D array.
    g = nx.DiGraph([(("x", "lumio"), ("x", "ana")), (("x", "lumio"), ("x", "bo")), (("x", "ana"), ("x", "cy"))])
    fg = compile_graph(g)
    assert fg.nodes.shape == (4,) and fg.nodes[0] == ("x", "lumio")
    spread = independent_cascade(g, [("x", "lumio")], 1.0, rng=0)
    assert set(spread["child"]) == {("x", "ana"), ("x", "bo"), ("x", "cy")}
    assert set(fg.to_networkx().edges) == set(g.edges)
