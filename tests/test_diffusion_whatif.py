"""What-if simulation: deterministic spreads, errors, and the independent-cascade engine underneath."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from diffusion import structural_virality
from diffusion.simulate import independent_cascade
from diffusion.whatif import WHATIF_COLUMNS, simulate_spread, what_if
from viralscope.core.errors import InputError


def _graph():
    #  brand -> a, b ; a -> c, d ; d -> e ; x -> brand (x is not reached from brand)
    return nx.DiGraph([("brand", "a"), ("brand", "b"), ("a", "c"), ("a", "d"), ("d", "e"), ("x", "brand")])


def test_certain_sharing_reaches_everyone_downstream():
    runs = simulate_spread(_graph(), "brand", 1.0, runs=5)
    tree = {"a": "brand", "b": "brand", "c": "a", "d": "a", "e": "d"}
    assert runs["size"].tolist() == [6.0] * 5 and runs["depth"].tolist() == [3.0] * 5
    assert runs["structural_virality"].tolist() == pytest.approx([structural_virality(tree)] * 5)


def test_no_sharing_leaves_the_post_alone():
    runs = simulate_spread(_graph(), "brand", 0.0, runs=3)
    assert runs["size"].tolist() == [1.0] * 3 and runs["structural_virality"].isna().all()


def test_trees_match_the_engines_own_cascades():
    g = nx.gnp_random_graph(400, 0.02, seed=3, directed=True)
    for seed in range(5):
        edges = independent_cascade(g, [0], 1.0, rng=seed)  # p = 1: the same tree every time
        tree = dict(zip(edges["child"], edges["parent"], strict=True))
        runs = simulate_spread(g, 0, 1.0, runs=2, rng=seed)
        assert runs["size"].iloc[0] == len(tree) + 1
        assert runs["depth"].iloc[0] == edges["step"].max()
        assert runs["structural_virality"].iloc[0] == pytest.approx(structural_virality(tree))


def test_sizes_grow_with_the_share_probability_and_runs_are_reproducible():
    g = nx.gnp_random_graph(500, 0.01, seed=1, directed=True)
    table = what_if(g, [{"seed": 0, "p": p} for p in (0.05, 0.2, 0.4)], runs=300, rng=4)
    assert list(table.columns) == WHATIF_COLUMNS
    assert table["scenario"].tolist() == ["scenario 1", "scenario 2", "scenario 3"]
    assert np.all(np.diff(table["mean_size"]) > 0)
    assert table.equals(what_if(g, [{"seed": 0, "p": p} for p in (0.05, 0.2, 0.4)], runs=300, rng=4))
    assert (table["p_reach_10"] >= table["p_reach_100"]).all()


def test_weights_scale_the_probability():
    g = _graph()
    nx.set_edge_attributes(g, 0.0, "w")
    assert simulate_spread(g, "brand", 1.0, runs=3, weight="w")["size"].tolist() == [1.0] * 3


@pytest.mark.parametrize("kwargs, why", [({"seed": "nobody", "p": 0.1}, "not an account"),
                                         ({"seed": "brand", "p": 1.5}, "probability"),
                                         ({"seed": "brand", "p": 0.1, "runs": 0}, "at least 1")])
def test_bad_scenarios(kwargs, why):
    with pytest.raises(InputError, match=why):
        simulate_spread(_graph(), **kwargs)


def test_a_scenario_needs_a_seed_and_p():
    with pytest.raises(InputError, match="needs a seed and p"):
        what_if(_graph(), [{"seed": "brand"}])
