"""Independent-cascade simulation on a follower graph: how far a post spreads, hop by hop, with timestamps.

The graph's edges point the way information flows: an edge ``u -> v`` means that ``v`` follows ``u``, so
``v`` sees what ``u`` posts or reshares. ``graph.out_degree(u)`` is then ``u``'s follower count inside the
graph. The same engine builds the demo world (thousands of cascades at once, :func:`simulate_cascades`) and
answers what-if questions (one post, :func:`independent_cascade`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

__all__ = [
    "Activations",
    "FollowerGraph",
    "compile_graph",
    "independent_cascade",
    "lognormal_delay",
    "simulate_cascades",
]

#: ``delay(rng, size) -> ndarray`` of positive delays, one per activation.
DelaySampler = Callable[[np.random.Generator, int], np.ndarray]


@dataclass(frozen=True)
class FollowerGraph:
    """A follower graph in compressed sparse rows, ready for repeated simulation.

    Node ``i``'s followers are ``indices[indptr[i]:indptr[i + 1]]`` and the matching ``weight`` entries
    scale the activation probability of each edge (``None`` means 1 everywhere). ``nodes[i]`` is the
    label of node ``i`` in the graph it was compiled from.
    """

    nodes: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    weight: np.ndarray | None = None

    @classmethod
    def from_edges(
        cls,
        n_nodes: int,
        source: np.ndarray,
        target: np.ndarray,
        weight: np.ndarray | None = None,
        nodes: Iterable[Hashable] | None = None,
    ) -> FollowerGraph:
        """Compile integer edge arrays ``source[k] -> target[k]`` (node indices ``0..n_nodes-1``)."""
        source = np.asarray(source, dtype=np.int64)
        target = np.asarray(target, dtype=np.int64)
        if source.shape != target.shape:
            raise ValueError("source and target must have the same length")
        if len(source) and (min(source.min(), target.min()) < 0 or max(source.max(), target.max()) >= n_nodes):
            raise ValueError(f"edge endpoints must be node indices in 0..{n_nodes - 1}")
        order = np.argsort(source, kind="stable")
        indptr = np.zeros(n_nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(source, minlength=n_nodes), out=indptr[1:])
        w = None
        if weight is not None:
            w = np.asarray(weight, dtype=np.float64)
            if w.shape != source.shape:
                raise ValueError("weight must have one value per edge")
            if len(w) and w.min() < 0:
                raise ValueError("edge weights must be >= 0")
            w = w[order]
        if nodes is None:
            labels = np.arange(n_nodes)
        else:
            # Filled one by one: np.asarray would turn equal-length tuple labels, such as the demo world's
            # (source, author_id) accounts, into a 2-D array.
            given = list(nodes)
            if len(given) != n_nodes:
                raise ValueError("nodes must have one label per node")
            labels = np.empty(n_nodes, dtype=object)
            labels[:] = [None] * n_nodes
            for i, label in enumerate(given):
                labels[i] = label
        return cls(nodes=labels, indptr=indptr, indices=target[order], weight=w)

    @property
    def n_nodes(self) -> int:
        return len(self.indptr) - 1

    @property
    def n_edges(self) -> int:
        return len(self.indices)

    def out_degree(self) -> np.ndarray:
        """Followers of each node inside the graph."""
        return np.diff(self.indptr)

    def to_networkx(self, weight: str = "weight") -> nx.DiGraph:
        """The same graph as a networkx DiGraph (edge attribute ``weight`` when the graph has weights)."""
        g = nx.DiGraph()
        g.add_nodes_from(self.nodes.tolist())
        src = self.nodes[np.repeat(np.arange(self.n_nodes), self.out_degree())].tolist()
        dst = self.nodes[self.indices].tolist()
        if self.weight is None:
            g.add_edges_from(zip(src, dst, strict=True))
        else:
            g.add_edges_from((u, v, {weight: w}) for u, v, w in zip(src, dst, self.weight.tolist(), strict=True))
        return g


@dataclass(frozen=True)
class Activations:
    """Every activation of a batch of cascades, as parallel integer/float arrays (one entry per edge used).

    ``cascade[k]`` is the cascade, ``parent[k] -> child[k]`` the edge (node indices), ``step[k]`` the hop
    count from the seed (1 for a seed's direct followers) and ``time[k]`` the activation time.
    """

    cascade: np.ndarray
    parent: np.ndarray
    child: np.ndarray
    step: np.ndarray
    time: np.ndarray

    def __len__(self) -> int:
        return len(self.child)


def compile_graph(graph: nx.DiGraph, weight: str | None = None) -> FollowerGraph:
    """Compile a networkx follower graph once, for many simulations.

    Parameters
    ----------
    graph : networkx.DiGraph
        Edges ``u -> v`` mean that ``v`` follows ``u`` (information flows along the edge).
    weight : str, optional
        Edge attribute that scales the activation probability of that edge (missing means 1).

    Returns
    -------
    FollowerGraph

    Examples
    --------
    >>> import networkx as nx
    >>> fg = compile_graph(nx.DiGraph([("a", "b"), ("a", "c")]))
    >>> fg.n_nodes, fg.n_edges, fg.out_degree().tolist()
    (3, 2, [2, 0, 0])
    """
    if not isinstance(graph, nx.DiGraph):
        raise TypeError("graph must be a networkx.DiGraph (edges point from an account to its followers)")
    nodes = list(graph.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    m = graph.number_of_edges()
    src = np.empty(m, dtype=np.int64)
    dst = np.empty(m, dtype=np.int64)
    w = np.ones(m, dtype=np.float64) if weight is not None else None
    for k, (u, v, data) in enumerate(graph.edges(data=True)):
        src[k], dst[k] = index[u], index[v]
        if w is not None:
            w[k] = data.get(weight, 1.0)
    return FollowerGraph.from_edges(len(nodes), src, dst, w, nodes=nodes)


def lognormal_delay(median: float, sigma: float) -> DelaySampler:
    """A delay sampler: log-normal delays with the given median (in your time unit) and log-sd ``sigma``.

    Reaction times on social platforms are heavy-tailed: most reshares come within the hour, a few days later.

    Examples
    --------
    >>> import numpy as np
    >>> d = lognormal_delay(30.0, 1.0)(np.random.default_rng(0), 10_000)
    >>> bool(25 < np.median(d) < 35), bool(d.min() > 0)
    (True, True)
    """
    if median <= 0 or sigma < 0:
        raise ValueError("median must be > 0 and sigma >= 0")
    mu = float(np.log(median))

    def sample(rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.lognormal(mu, sigma, size)

    return sample


def _sorted_member(keys: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """``keys[i] in sorted_set`` for each i, by binary search."""
    if len(sorted_set) == 0:
        return np.zeros(len(keys), dtype=bool)
    pos = np.searchsorted(sorted_set, keys)
    pos[pos == len(sorted_set)] = len(sorted_set) - 1
    return sorted_set[pos] == keys


def simulate_cascades(
    graph: FollowerGraph,
    seeds: np.ndarray,
    p: float | np.ndarray,
    *,
    rng: np.random.Generator,
    cascade: np.ndarray | None = None,
    start_time: float | np.ndarray = 0.0,
    delay: DelaySampler | None = None,
    max_steps: int | None = None,
) -> Activations:
    """Run many independent cascades at once (vectorised over cascades and edges).

    The independent-cascade model (Kempe, Kleinberg & Tardos 2003): a node activated at step ``k`` gets one
    chance to activate each follower ``v``, succeeding with probability ``p_c * w_uv`` (clipped to 1) where
    ``p_c`` is its cascade's probability and ``w_uv`` the edge weight. A node joins each cascade at most
    once; when several parents reach it in the same step, the earliest in time wins. The child's time is
    its parent's time plus a delay drawn from ``delay`` (1 per hop by default), so children always come
    after their parents.

    Parameters
    ----------
    graph : FollowerGraph
        From :func:`compile_graph` or :meth:`FollowerGraph.from_edges`.
    seeds : array of int
        Node indices of the seeds.
    p : float or array of float
        Activation probability: one value, or one per cascade.
    rng : numpy.random.Generator
        The only source of randomness: the same generator state gives the same cascades.
    cascade : array of int, optional
        The cascade of each seed (``0..n_cascades-1``); by default each seed starts its own cascade.
    start_time : float or array of float
        Time of each seed (default 0).
    delay : callable, optional
        ``delay(rng, size)`` returning positive delays; see :func:`lognormal_delay`.
    max_steps : int, optional
        Stop after this many hops.

    Returns
    -------
    Activations
        One entry per activation edge, ordered by step.

    Raises
    ------
    ValueError
        On probabilities outside [0, 1], seeds outside the graph or non-positive delays.

    References
    ----------
    D. Kempe, J. Kleinberg, É. Tardos, "Maximizing the spread of influence through a social network",
    KDD 2003.

    Examples
    --------
    >>> import numpy as np
    >>> fg = FollowerGraph.from_edges(4, np.array([0, 0, 1]), np.array([1, 2, 3]))
    >>> acts = simulate_cascades(fg, np.array([0, 1]), 1.0, rng=np.random.default_rng(0))
    >>> list(zip(acts.cascade.tolist(), acts.parent.tolist(), acts.child.tolist(), acts.step.tolist()))
    [(0, 0, 1, 1), (0, 0, 2, 1), (1, 1, 3, 1), (0, 1, 3, 2)]
    """
    seeds = np.asarray(seeds, dtype=np.int64).ravel()
    n = graph.n_nodes
    if len(seeds) and (seeds.min() < 0 or seeds.max() >= n):
        raise ValueError(f"seeds must be node indices in 0..{n - 1}")
    cas = np.arange(len(seeds), dtype=np.int64) if cascade is None else np.asarray(cascade, dtype=np.int64).ravel()
    if cas.shape != seeds.shape:
        raise ValueError("cascade must give one cascade index per seed")
    n_cascades = int(cas.max()) + 1 if len(cas) else 0
    p_c = np.asarray(p, dtype=np.float64)
    if p_c.ndim == 0:
        p_c = np.full(n_cascades, float(p_c))
    elif p_c.shape != (n_cascades,):
        raise ValueError(f"p must be one value or one per cascade ({n_cascades})")
    if len(p_c) and (np.isnan(p_c).any() or p_c.min() < 0 or p_c.max() > 1):
        raise ValueError("activation probabilities must lie in [0, 1]")
    times = np.broadcast_to(np.asarray(start_time, dtype=np.float64), seeds.shape).astype(np.float64)

    # A (cascade, node) pair is one integer key, so "already in this cascade" is a binary search.
    keys = cas * n + seeds
    order = np.argsort(keys, kind="stable")
    first = order[np.r_[True, keys[order][1:] != keys[order][:-1]]] if len(keys) else order
    active = keys[first]
    f_cas, f_node, f_time = cas[first], seeds[first], times[first]
    out: list[tuple[np.ndarray, ...]] = []
    step = 0
    while len(f_node) and (max_steps is None or step < max_steps):
        step += 1
        deg = graph.indptr[f_node + 1] - graph.indptr[f_node]
        total = int(deg.sum())
        if total == 0:
            break
        owner = np.repeat(np.arange(len(f_node)), deg)
        offset = np.arange(total) - np.repeat(np.cumsum(deg) - deg, deg)
        edge = graph.indptr[f_node][owner] + offset
        prob = p_c[f_cas[owner]]
        if graph.weight is not None:
            prob = np.minimum(prob * graph.weight[edge], 1.0)
        hit = rng.random(total) < prob
        owner, child = owner[hit], graph.indices[edge[hit]]
        new_keys = f_cas[owner] * n + child
        fresh = ~_sorted_member(new_keys, active)
        owner, child, new_keys = owner[fresh], child[fresh], new_keys[fresh]
        d = np.ones(len(owner)) if delay is None else np.asarray(delay(rng, len(owner)), dtype=np.float64)
        if len(d) and not d.min() > 0:
            raise ValueError("delays must be > 0 so that children come after their parents")
        t = f_time[owner] + d
        order = np.lexsort((t, new_keys))
        keep = order[np.r_[True, new_keys[order][1:] != new_keys[order][:-1]]] if len(order) else order
        keep.sort()
        owner, child, new_keys, t = owner[keep], child[keep], new_keys[keep], t[keep]
        out.append((f_cas[owner], f_node[owner], child, np.full(len(child), step, dtype=np.int64), t))
        # new_keys are distinct and none is active yet, so a sort of the two is the union.
        active = np.sort(np.concatenate([active, new_keys]))
        f_cas, f_node, f_time = f_cas[owner], child, t

    if not out:
        empty_i, empty_f = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
        return Activations(empty_i, empty_i, empty_i, empty_i, empty_f)
    cols = [np.concatenate(parts) for parts in zip(*out, strict=True)]
    return Activations(*cols)


def independent_cascade(
    graph: nx.DiGraph | FollowerGraph,
    seeds: Iterable[Hashable],
    p: float,
    *,
    rng: np.random.Generator | int | None = None,
    delay: DelaySampler | None = None,
    max_steps: int | None = None,
    weight: str | None = None,
) -> pd.DataFrame:
    """Simulate one independent cascade from ``seeds`` and return the edges it travelled, with times.

    Each newly activated account gets one chance to activate each of its followers, with probability
    ``p`` (times the edge's ``weight`` attribute when one is named, clipped to 1). Seeds are active at
    time 0; a follower activated through ``u`` gets ``u``'s time plus a delay.

    Parameters
    ----------
    graph : networkx.DiGraph or FollowerGraph
        Edges ``u -> v`` mean that ``v`` follows ``u``. Compile a graph once with :func:`compile_graph`
        when simulating on it many times.
    seeds : iterable of nodes
        The accounts that post at time 0.
    p : float
        Activation probability per edge, in [0, 1].
    rng : numpy.random.Generator or int, optional
        Randomness (a seed makes the result reproducible).
    delay : callable, optional
        ``delay(rng, size)`` giving positive delays; default 1 per hop, so time equals step.
    max_steps : int, optional
        Stop after this many hops.
    weight : str, optional
        Edge attribute scaling ``p`` per edge (networkx graphs only; a FollowerGraph carries its weights).

    Returns
    -------
    pandas.DataFrame
        Columns ``parent``, ``child`` (node labels), ``step`` (hops from the seed, the child's depth) and
        ``time``; one row per activated account, ordered by time. Seeds have no row. Empty when nothing
        spread.

    Raises
    ------
    networkx.NodeNotFound
        A seed is not in the graph.
    ValueError
        ``p`` outside [0, 1] or a non-positive delay.

    References
    ----------
    D. Kempe, J. Kleinberg, É. Tardos, "Maximizing the spread of influence through a social network",
    KDD 2003.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph([("brand", "ana"), ("brand", "bo"), ("ana", "cy"), ("cy", "dee")])
    >>> independent_cascade(g, ["brand"], 1.0, rng=0)
      parent child  step  time
    0  brand   ana     1   1.0
    1  brand    bo     1   1.0
    2    ana    cy     2   2.0
    3     cy   dee     3   3.0

    With ``p < 1`` the spread is random, and the same seed reproduces it:

    >>> g = nx.gnp_random_graph(200, 0.05, seed=1, directed=True)
    >>> a = independent_cascade(g, [0], 0.2, rng=3, delay=lognormal_delay(30.0, 1.0))
    >>> b = independent_cascade(g, [0], 0.2, rng=3, delay=lognormal_delay(30.0, 1.0))
    >>> a.equals(b), bool((a["time"] > 0).all())
    (True, True)
    """
    fg = graph if isinstance(graph, FollowerGraph) else compile_graph(graph, weight=weight)
    if not np.isscalar(p) or not 0.0 <= float(p) <= 1.0:
        raise ValueError(f"p must be a single probability in [0, 1], not {p!r}")
    index = {node: i for i, node in enumerate(fg.nodes.tolist())}
    seed_idx = []
    for s in seeds:
        if s not in index:
            raise nx.NodeNotFound(f"seed {s!r} is not in the graph")
        seed_idx.append(index[s])
    gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    acts = simulate_cascades(
        fg, np.array(seed_idx, dtype=np.int64), float(p), rng=gen,
        cascade=np.zeros(len(seed_idx), dtype=np.int64), delay=delay, max_steps=max_steps,
    )
    order = np.lexsort((acts.step, acts.time))
    return pd.DataFrame(
        {
            "parent": fg.nodes[acts.parent[order]],
            "child": fg.nodes[acts.child[order]],
            "step": acts.step[order],
            "time": acts.time[order],
        }
    )
