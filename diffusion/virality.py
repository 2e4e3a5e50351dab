"""Structural virality of a cascade tree, in O(n) from subtree sizes.

Structural virality (Goel et al. 2016) is the mean shortest-path distance over all pairs of nodes of the
undirected cascade tree. A broadcast (one account, many direct reshares) scores close to 2; a long chain of
person-to-person reshares scores high. On a tree the sum of all pairwise distances, the Wiener index W, is
a sum over edges: the edge above node v lies on the path of every pair split by it, s_v (n − s_v) pairs,
s_v being the size of v's subtree (Mohar & Pisanski 1988). So ν needs subtree sizes, never all pairs.

The array kernels here (:func:`roots_and_depths`, :func:`subtree_sizes`) work on a whole forest at once
and are shared with :mod:`diffusion.cascades`.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import chain

import networkx as nx
import numpy as np
import pandas as pd

from viralscope.core.errors import InputError, Problem

__all__ = ["structural_virality", "wiener_index", "subtree_sizes", "roots_and_depths"]

#: Below this many levels per node (see :func:`subtree_sizes`), whole-level numpy steps win.
_LEVELS_PER_NODE_FOR_NUMPY = 1 / 64


def _problem(why: str) -> InputError:
    return InputError(Problem("structural_virality", None, "tree", why))


def roots_and_depths(parent: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Root and depth of every node of a forest given as parent positions, by pointer jumping.

    Parameters
    ----------
    parent : ndarray of int
        ``parent[i]`` is the position of node i's parent, or -1 for a root.

    Returns
    -------
    root : ndarray of int
        Position of each node's root.
    depth : ndarray of int
        Hops from each node to its root (0 for a root).
    looped : ndarray of bool
        True for nodes whose chain of parents never reaches a root (on or below a cycle); their ``root`` and
        ``depth`` are meaningless.

    Notes
    -----
    Each pass replaces every node's pointer by its pointer's pointer, doubling how far it sees up its chain,
    so d levels take ⌈log2 d⌉ whole-array passes: O(n log d).

    Examples
    --------
    >>> import numpy as np
    >>> root, depth, looped = roots_and_depths(np.array([-1, 0, 1, 1, -1, 6, 5]))
    >>> root.tolist()[:5], depth.tolist()[:5], looped.tolist()
    ([0, 0, 0, 0, 4], [0, 1, 2, 2, 0], [False, False, False, False, False, True, True])
    """
    parent = np.asarray(parent, dtype=np.int64)
    n = len(parent)
    positions = np.arange(n, dtype=np.int64)
    anc = np.where(parent >= 0, parent, positions)
    dist = (parent >= 0).astype(np.int64)
    for _ in range(int(np.ceil(np.log2(max(n, 2)))) + 1):
        nxt = anc[anc]
        if np.array_equal(nxt, anc):
            break
        dist += dist[anc]
        anc = nxt
    looped = parent[anc] >= 0 if n else np.zeros(0, dtype=bool)
    return anc, dist, looped


def subtree_sizes(parent: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """Size of every node's subtree (the node and all its descendants) in a forest.

    Parameters
    ----------
    parent : ndarray of int
        Parent positions, -1 for roots (no cycles; see :func:`roots_and_depths`).
    depth : ndarray of int
        Depth of every node, as :func:`roots_and_depths` returns it.

    Returns
    -------
    ndarray of int64

    Notes
    -----
    Children are added to their parents level by level from the deepest up, so every subtree is complete
    before it is added. A level is one numpy step when the forest is shallow (cascades usually are: a few
    dozen levels for millions of nodes); a deep, thin forest (a reply chain of a million posts) would make
    that a million tiny steps, so it is walked node by node in plain Python instead. Both are O(n).

    Examples
    --------
    >>> import numpy as np
    >>> parent = np.array([-1, 0, 0, 1, 1, 3])
    >>> subtree_sizes(parent, roots_and_depths(parent)[1]).tolist()
    [6, 4, 1, 2, 1, 1]
    """
    parent = np.asarray(parent, dtype=np.int64)
    depth = np.asarray(depth, dtype=np.int64)
    n = len(parent)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    levels = int(depth.max())
    # Small integer keys sort by radix in numpy: ten times faster than a comparison sort of int64.
    order = np.argsort(depth.astype(np.uint16) if levels < 2**16 else depth, kind="stable")
    if levels <= max(64, n * _LEVELS_PER_NODE_FOR_NUMPY):
        size = np.ones(n, dtype=np.int64)
        bounds = np.searchsorted(depth[order], np.arange(levels + 2))
        for d in range(levels, 0, -1):
            nodes = order[bounds[d]:bounds[d + 1]]
            np.add.at(size, parent[nodes], size[nodes])
        return size
    # Deepest first; plain lists are several times faster than numpy scalars in a Python loop.
    walk = order[::-1]
    sizes = [1] * n
    for v, p in zip(walk.tolist(), parent[walk].tolist(), strict=True):
        if p >= 0:
            sizes[p] += sizes[v]
    return np.array(sizes, dtype=np.int64)


def _parents_from_digraph(tree: nx.DiGraph) -> np.ndarray:
    # The successor dicts directly (networkx's ``_succ``, what ``tree.succ`` wraps), walked by C-level
    # iterators: edge views cost several times more, and for a tree that is all the cost there is.
    succ = tree._succ
    nodes = list(succ)
    index = dict(zip(nodes, range(len(nodes)), strict=True))
    fan_out = np.fromiter(map(len, succ.values()), dtype=np.int64, count=len(nodes))
    children = np.fromiter(map(index.__getitem__, chain.from_iterable(succ.values())), dtype=np.int64,
                           count=int(fan_out.sum()))
    parents = np.repeat(np.arange(len(nodes), dtype=np.int64), fan_out)
    loops = np.flatnonzero(children == parents)
    if len(loops):
        raise _problem(f"node {nodes[children[loops[0]]]!r} is its own parent (a self-loop)")
    several = np.flatnonzero(np.bincount(children, minlength=len(nodes)) > 1)
    if len(several):
        raise _problem(f"node {nodes[several[0]]!r} has more than one parent")
    parent = np.full(len(nodes), -1, dtype=np.int64)
    parent[children] = parents
    return parent


def _parents_from_int_mapping(tree: Mapping) -> np.ndarray | None:
    """The fast path for whole-number labels (hashed by numpy, not Python); None when labels are not all ints."""
    children = np.fromiter(tree.keys(), dtype=object, count=len(tree))
    parents = np.fromiter(tree.values(), dtype=object, count=len(tree))
    if pd.api.types.infer_dtype(children, skipna=False) != "integer" or pd.api.types.infer_dtype(
        parents, skipna=False
    ) != "integer":
        return None
    k = len(children)
    codes, uniques = pd.factorize(np.concatenate([children, parents]).astype(np.int64))
    parent = np.full(len(uniques), -1, dtype=np.int64)
    parent[codes[:k]] = codes[k:]
    loops = np.flatnonzero(codes[:k] == codes[k:])
    if len(loops):
        raise _problem(f"node {children[loops[0]]!r} is its own parent (a self-loop)")
    return parent


def _parents_from_mapping(tree: Mapping) -> np.ndarray:
    if len(tree) and (fast := _parents_from_int_mapping(tree)) is not None:
        return fast
    # Plain dicts, not pandas: label hashes are cached by Python and these C-level dict and set operations
    # beat factorizing object arrays several times over.
    children = list(tree.keys())
    values = list(tree.values())
    index = dict(zip(children, range(len(children)), strict=True))
    # Labels seen only as parents (the root, usually) become nodes too; None or NaN marks a root.
    for label in set(values).difference(index):
        if label is not None and label == label:
            index[label] = len(index)
    codes = np.array(list(map(index.get, values)), dtype=np.float64)  # None -> NaN
    parent = np.full(len(index), -1, dtype=np.int64)
    has = ~np.isnan(codes)
    parent[np.flatnonzero(has)] = codes[has].astype(np.int64)
    loops = np.flatnonzero(parent[: len(children)] == np.arange(len(children)))
    if len(loops):
        raise _problem(f"node {children[loops[0]]!r} is its own parent (a self-loop)")
    return parent


def _as_parents(tree) -> np.ndarray:
    if isinstance(tree, nx.Graph):
        if not tree.is_directed():
            raise _problem("an undirected graph has no root; give a DiGraph with edges parent -> child")
        return _parents_from_digraph(tree)
    if isinstance(tree, Mapping | pd.Series):
        return _parents_from_mapping(dict(tree.items()) if isinstance(tree, pd.Series) else tree)
    parent = np.asarray(tree)
    if parent.ndim != 1 or not np.issubdtype(parent.dtype, np.integer):
        raise _problem(
            "expected a networkx DiGraph (parent -> child), a dict child -> parent, "
            "or an integer array of parent positions (-1 for the root)"
        )
    parent = parent.astype(np.int64)
    if len(parent) and (parent.min() < -1 or parent.max() >= len(parent)):
        raise _problem("parent positions must be -1 (the root) or 0..n-1")
    if (parent == np.arange(len(parent))).any():
        raise _problem("a node is its own parent (a self-loop)")
    return parent


def wiener_index(tree) -> int:
    """Wiener index of a cascade tree: the sum of shortest-path distances over all unordered node pairs.

    Parameters
    ----------
    tree : networkx.DiGraph, dict or array of int
        See :func:`structural_virality`.

    Returns
    -------
    int
        W = Σ_{v ≠ root} s_v (n − s_v), with s_v the size of v's subtree.

    Raises
    ------
    viralscope.core.errors.InputError
        When ``tree`` is empty or is not one tree (several roots, several parents, a cycle, a self-loop).

    References
    ----------
    B. Mohar, T. Pisanski, "How to compute the Wiener index of a graph", J. Math. Chem. 2 (1988) 267–277.

    Examples
    --------
    >>> wiener_index({"b": "a", "c": "a", "d": "c"})  # a path b-a-c-d: 1+1+1+2+2+3
    10
    """
    parent = _as_parents(tree)
    n = len(parent)
    if n == 0:
        raise _problem("the tree is empty")
    roots = int((parent < 0).sum())
    if roots != 1:
        raise _problem(f"a tree has one root; this one has {roots}" + (" (it contains a cycle)" if roots == 0 else ""))
    _, depth, looped = roots_and_depths(parent)
    if looped.any():
        raise _problem("the parent links contain a cycle")
    size = subtree_sizes(parent, depth)
    s = size[parent >= 0]
    # int64 is exact here: s (n - s) <= n^2 / 4 and the sum stays below 2^63 for n up to about 3 million.
    return int(np.sum(s * (n - s), dtype=np.int64)) if n < 3_000_000 else int(sum((s * (n - s)).tolist()))


def structural_virality(tree) -> float | None:
    """Structural virality ν of a cascade tree: the mean distance between two of its nodes.

    .. math::

        \\nu(T) = \\frac{1}{n(n-1)} \\sum_{i \\ne j} d_{ij} = \\frac{2W}{n(n-1)}, \\qquad
        W = \\sum_{v \\ne \\mathrm{root}} s_v (n - s_v)

    where d_ij is the length of the path between i and j in the undirected tree, W its Wiener index and s_v
    the number of nodes in v's subtree (v included). Computed in O(n) from subtree sizes.

    Parameters
    ----------
    tree : networkx.DiGraph, dict or array of int
        The cascade: a DiGraph with edges parent → child; or a mapping child → parent (the root either
        appears only as a parent, or maps to None); or an integer array of parent positions with -1 for
        the root (the fast path for very large trees).

    Returns
    -------
    float or None
        ν ≥ 1 (a star of n nodes gives 2(n − 1)/n, a path of n nodes (n + 1)/3); None for a single node,
        for which the mean over pairs is undefined.

    Raises
    ------
    viralscope.core.errors.InputError
        When ``tree`` is empty or is not one tree (several roots, several parents, a cycle, a self-loop).

    See Also
    --------
    diffusion.cascades.cascade_metrics : ν of every cascade of a table of mentions at once.

    References
    ----------
    S. Goel, A. Anderson, J. Hofman, D. J. Watts, "The structural virality of online diffusion",
    Management Science 62(1) (2016) 180–196.

    S. Vosoughi, D. Roy, S. Aral, "The spread of true and false news online", Science 359 (2018) 1146–1151.

    B. Mohar, T. Pisanski, "How to compute the Wiener index of a graph", J. Math. Chem. 2 (1988) 267–277.

    Examples
    --------
    A broadcast: one post, four direct reshares (a star of 5 nodes, 2 · 4 / 5).

    >>> structural_virality({"a": "root", "b": "root", "c": "root", "d": "root"})
    1.6

    A chain of person-to-person reshares (a path of 5 nodes, (5 + 1) / 3), as a networkx DiGraph:

    >>> import networkx as nx
    >>> structural_virality(nx.DiGraph([(0, 1), (1, 2), (2, 3), (3, 4)]))
    2.0

    It equals the average shortest-path length of the undirected tree:

    >>> t = nx.DiGraph([(0, 1), (0, 2), (2, 3), (2, 4), (4, 5)])
    >>> structural_virality(t) == nx.average_shortest_path_length(t.to_undirected())
    True
    >>> structural_virality({"only": None}) is None
    True
    """
    parent = _as_parents(tree)
    n = len(parent)
    w = wiener_index(parent)
    if n == 1:
        return None
    return 2.0 * w / (n * (n - 1))
