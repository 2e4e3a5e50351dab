"""What-if: how far would a post go from another account, or if people shared it more (or less) readily?

Each scenario is simulated many times with the independent-cascade engine of :mod:`diffusion.simulate` on
a follower graph (the demo world's, or one built from real follower data), and the spread is summarised by
the same numbers as real cascades: size, depth and structural virality, with intervals over the runs.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

import networkx as nx
import numpy as np
import pandas as pd
from scipy import stats

from diffusion.simulate import DelaySampler, FollowerGraph, compile_graph, simulate_cascades
from diffusion.virality import roots_and_depths, subtree_sizes
from viralscope.core.errors import InputError, Problem

__all__ = ["WHATIF_COLUMNS", "simulate_spread", "what_if"]

#: Columns of :func:`what_if`.
WHATIF_COLUMNS = [
    "scenario", "seed", "p", "runs", "mean_size", "mean_size_low", "mean_size_high", "median_size",
    "p90_size", "p_reach_10", "p_reach_100", "mean_depth", "mean_structural_virality",
]


def _compile(graph: nx.DiGraph | FollowerGraph, weight: str | None) -> tuple[FollowerGraph, dict]:
    """The graph in compressed rows, and the position of every account."""
    if isinstance(graph, FollowerGraph):
        fg = graph
    elif isinstance(graph, nx.DiGraph):
        fg = compile_graph(graph, weight=weight)
    else:
        raise InputError(Problem("what-if", None, "graph", "expected a networkx DiGraph (account -> follower)"))
    return fg, {label: i for i, label in enumerate(fg.nodes)}


def simulate_spread(
    graph: nx.DiGraph | FollowerGraph, seed: Hashable, p: float, *, runs: int = 200,
    rng: np.random.Generator | int | None = 0, delay: DelaySampler | None = None, max_steps: int | None = None,
    weight: str | None = None,
) -> pd.DataFrame:
    """``runs`` independent cascades from one account: size, depth and structural virality of each.

    Parameters
    ----------
    graph : networkx.DiGraph or FollowerGraph
        Edges ``u -> v`` mean that ``v`` follows ``u`` (see :mod:`diffusion.simulate`).
    seed : node
        The account that posts.
    p : float
        Probability that a follower who sees the post shares it, per edge, in [0, 1].
    runs : int
        Number of simulated cascades.
    rng : Generator or int, optional
        Randomness (the same value gives the same runs).
    delay, max_steps, weight
        As in :func:`diffusion.simulate.simulate_cascades`.

    Returns
    -------
    DataFrame
        One row per run: ``size`` (the post included), ``depth``, ``structural_virality`` (NaN for size 1).

    References
    ----------
    D. Kempe, J. Kleinberg, É. Tardos, "Maximizing the spread of influence through a social network",
    KDD 2003.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph([("brand", "ana"), ("brand", "bo"), ("ana", "cy")])
    >>> simulate_spread(g, "brand", 1.0, runs=2).values.tolist()
    [[4.0, 2.0, 1.6666666666666667], [4.0, 2.0, 1.6666666666666667]]
    """
    fg, index = _compile(graph, weight)
    return _simulate(fg, index, seed, p, runs=runs, rng=rng, delay=delay, max_steps=max_steps)


def _simulate(fg: FollowerGraph, index: dict, seed, p, *, runs, rng, delay, max_steps) -> pd.DataFrame:
    if not np.isscalar(p) or not 0.0 <= float(p) <= 1.0:
        raise InputError(Problem("what-if", None, "p", f"must be a probability in [0, 1], not {p!r}"))
    if runs < 1:
        raise InputError(Problem("what-if", None, "runs", "must be at least 1"))
    if seed not in index:
        raise InputError(Problem("what-if", None, "seed", f"{seed!r} is not an account of the graph"))
    start = index[seed]
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    acts = simulate_cascades(fg, np.full(runs, start, dtype=np.int64), float(p), rng=gen,
                             delay=delay, max_steps=max_steps)
    # Every run is a tree: the seed (row r of run r) and one row per activation.
    m = len(acts)
    cascade = np.concatenate([np.arange(runs), acts.cascade])
    node = np.concatenate([np.full(runs, start), acts.child])
    key = cascade * fg.n_nodes + node
    parent_key = acts.cascade * fg.n_nodes + acts.parent
    parent = np.full(runs + m, -1, dtype=np.int64)
    parent[runs:] = pd.Index(key).get_indexer(parent_key)
    _, depth, _ = roots_and_depths(parent)
    sub = subtree_sizes(parent, depth)
    size = np.bincount(cascade, minlength=runs)
    s = sub[runs:]
    wiener = np.bincount(acts.cascade, weights=s * (size[acts.cascade] - s), minlength=runs)
    with np.errstate(divide="ignore", invalid="ignore"):
        nu = np.where(size > 1, 2 * wiener / (size * (size - 1.0)), np.nan)
    max_depth = np.zeros(runs)
    np.maximum.at(max_depth, cascade, depth.astype(float))
    return pd.DataFrame({"size": size.astype(float), "depth": max_depth, "structural_virality": nu})


def what_if(
    graph: nx.DiGraph | FollowerGraph, scenarios: Iterable[Mapping], *, runs: int = 200, rng: int = 0,
    level: float = 0.95, **options,
) -> pd.DataFrame:
    """Compare scenarios of one post: each from a seed account with a share probability.

    For each scenario, ``runs`` cascades are simulated (:func:`simulate_spread`) and summarised: mean size
    with a t interval over the runs, median and 90th percentile, the chance of reaching 10 and 100 mentions,
    mean depth and mean structural virality. Every scenario uses the same random stream, so differences
    between scenarios are not differences of luck alone.

    Parameters
    ----------
    graph : networkx.DiGraph or FollowerGraph
        The follower graph (compiled once here for all scenarios).
    scenarios : iterable of mappings
        Each with ``seed`` and ``p``, optionally ``name``.
    runs : int
        Simulations per scenario.
    rng : int
        Seed of the random stream.
    level : float
        Confidence level of the interval of the mean size.
    **options
        ``delay``, ``max_steps``, ``weight`` (see :func:`simulate_spread`).

    Returns
    -------
    DataFrame
        :data:`WHATIF_COLUMNS`, one row per scenario in the order given.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.gnp_random_graph(300, 0.03, seed=2, directed=True)
    >>> table = what_if(g, [{"name": "as is", "seed": 0, "p": 0.05}, {"name": "twice as shareable", "seed": 0, "p": 0.1}],
    ...                 runs=300)
    >>> table["scenario"].tolist(), bool(table.loc[1, "mean_size"] > table.loc[0, "mean_size"])
    (['as is', 'twice as shareable'], True)
    """
    fg, index = _compile(graph, options.pop("weight", None))
    options = {"delay": options.get("delay"), "max_steps": options.get("max_steps")}
    rows = []
    for i, sc in enumerate(scenarios):
        if "seed" not in sc or "p" not in sc:
            raise InputError(Problem("what-if", None, f"scenario {i + 1}", "needs a seed and p"))
        sim = _simulate(fg, index, sc["seed"], sc["p"], runs=runs, rng=np.random.default_rng(rng), **options)
        size = sim["size"].to_numpy()
        mean = float(size.mean())
        half = (stats.t.ppf(0.5 + level / 2, runs - 1) * size.std(ddof=1) / np.sqrt(runs)) if runs > 1 else np.nan
        rows.append({
            "scenario": sc.get("name", f"scenario {i + 1}"), "seed": sc["seed"], "p": float(sc["p"]), "runs": runs,
            "mean_size": mean, "mean_size_low": max(1.0, mean - half), "mean_size_high": mean + half,
            "median_size": float(np.median(size)), "p90_size": float(np.quantile(size, 0.9)),
            "p_reach_10": float((size >= 10).mean()), "p_reach_100": float((size >= 100).mean()),
            "mean_depth": float(sim["depth"].mean()),
            "mean_structural_virality": float(sim["structural_virality"].mean()) if (size > 1).any() else np.nan,
        })
    return pd.DataFrame(rows, columns=WHATIF_COLUMNS)
