"""Turning the parent links real data carries into clean trees: every mention gets a cascade and a depth.

Real exports and APIs give dirty links (see ``eval/README.md``): the same mention listed with several
parents, self-loops, cycles, and parents that were never collected. The rules, applied in this order,
are deterministic (they do not depend on row order except where stated):

1. **Several parents** (one id listed with different ``parent_id``): the parent with the earliest
   ``created_at`` wins; a parent whose time is unknown loses to one whose time is known; remaining ties go
   to the one listed first.
2. **Self-loop** (``parent_id == id``): the link is dropped; the mention is a root, flagged ``self_loop``.
3. **Missing parent** (a ``parent_id`` not among the mentions): the mention becomes the root of a cascade
   of its own, flagged ``missing_parent``. When the parent arrives later, a rebuild links it again.
4. **Cycles**: in each cycle, the member with the earliest ``created_at`` (then the smallest id) loses its
   link and becomes the root, flagged ``cycle_broken``.

Depth is the number of hops from the root (the root has depth 0); ``cascade_id`` is the root's id.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["choose_parents", "resolve_links", "LINK_FLAGS"]

LINK_FLAGS = ("self_loop", "missing_parent", "cycle_broken")


def choose_parents(rows: pd.DataFrame, times: pd.Series | None = None) -> pd.Series:
    """The parent each id keeps when it is listed with several (rule 1).

    Parameters
    ----------
    rows : DataFrame
        Columns ``id`` and ``parent_id`` (and ``created_at`` unless ``times`` is given); an id may
        appear on several rows.
    times : Series, optional
        ``created_at`` by id, for looking up the candidate parents' times; by default the first
        ``created_at`` of each id in ``rows``.

    Returns
    -------
    Series
        Indexed by id (in order of first appearance): the chosen ``parent_id`` (None when there is none).

    Examples
    --------
    >>> rows = pd.DataFrame({"id": ["a", "b", "c", "c"], "parent_id": [None, "a", "b", "a"],
    ...                      "created_at": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-03"])})
    >>> choose_parents(rows).to_dict()
    {'a': None, 'b': 'a', 'c': 'a'}
    """
    ids = rows["id"].astype(object)
    parents = rows["parent_id"].astype(object).where(rows["parent_id"].notna(), None)
    order = pd.RangeIndex(len(rows))
    first_time = rows.drop_duplicates("id").set_index("id")["created_at"] if times is None else times
    candidates = pd.DataFrame(
        {"id": ids.to_numpy(), "parent_id": parents.to_numpy(), "order": order,
         "has_parent": parents.notna().to_numpy()}
    )
    parent_time = candidates["parent_id"].map(first_time)
    candidates["unknown_time"] = parent_time.isna().to_numpy()
    candidates["parent_time"] = parent_time.to_numpy()
    # A listed parent beats none; then known time beats unknown; then earliest; then listed first.
    ranked = candidates.sort_values(
        ["id", "has_parent", "unknown_time", "parent_time", "order"],
        ascending=[True, False, True, True, True],
        na_position="last",
        kind="stable",
    )
    chosen = ranked.drop_duplicates("id").set_index("id")["parent_id"]
    first_order = pd.unique(ids)
    return chosen.reindex(first_order).astype(object).where(lambda s: s.notna(), None)


def resolve_links(mentions: pd.DataFrame) -> pd.DataFrame:
    """Resolve parent links into trees: ``parent_resolved``, ``cascade_id``, ``depth``, ``link_flag``.

    Parameters
    ----------
    mentions : DataFrame
        One row per mention of one source, with columns ``id``, ``parent_id`` (None for a root) and
        ``created_at``. Ids must be unique (apply :func:`choose_parents` first when they are not).

    Returns
    -------
    DataFrame
        In the input's row order, columns ``id``, ``parent_resolved`` (None for a root), ``cascade_id``
        (the root's id), ``depth`` (hops from the root) and ``link_flag`` (one of ``LINK_FLAGS`` or None).

    Notes
    -----
    Roots and depths come from pointer jumping (each pass doubles how far every node sees up its chain),
    so the cost is O(n log d) for depth d with whole-array numpy operations; only cycle members are
    walked one by one.

    Examples
    --------
    >>> m = pd.DataFrame({"id": ["r", "a", "b", "x", "y", "s"], "parent_id": [None, "r", "a", "y", "x", "s"],
    ...                   "created_at": pd.to_datetime(["2026-01-01"] * 4 + ["2025-12-31", "2026-01-01"])})
    >>> resolve_links(m)[["id", "cascade_id", "depth", "link_flag"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'id': 'r', 'cascade_id': 'r', 'depth': 0, 'link_flag': None},
     {'id': 'a', 'cascade_id': 'r', 'depth': 1, 'link_flag': None},
     {'id': 'b', 'cascade_id': 'r', 'depth': 2, 'link_flag': None},
     {'id': 'x', 'cascade_id': 'y', 'depth': 1, 'link_flag': None},
     {'id': 'y', 'cascade_id': 'y', 'depth': 0, 'link_flag': 'cycle_broken'},
     {'id': 's', 'cascade_id': 's', 'depth': 0, 'link_flag': 'self_loop'}]
    """
    n = len(mentions)
    ids = mentions["id"].astype(str).to_numpy(dtype=object)
    index = pd.Index(ids)
    if not index.is_unique:
        raise ValueError("resolve_links needs unique ids; apply choose_parents first")
    raw_parent = mentions["parent_id"]
    has_parent = raw_parent.notna().to_numpy()
    parent = np.full(n, -1, dtype=np.int64)
    if has_parent.any():
        parent[has_parent] = index.get_indexer(raw_parent[has_parent].astype(str).to_numpy(dtype=object))
    flag = np.full(n, None, dtype=object)
    flag[has_parent & (parent == -1)] = "missing_parent"
    positions = np.arange(n)
    self_loop = parent == positions
    flag[self_loop] = "self_loop"
    parent[self_loop] = -1

    times = pd.to_datetime(mentions["created_at"]).to_numpy()
    while True:
        root, depth, unresolved = _jump(parent)
        if not unresolved.any():
            break
        for member in _cycle_breakers(parent, root, unresolved, times, ids):
            parent[member] = -1
            flag[member] = "cycle_broken"

    columns = {
        "id": ids,
        "parent_resolved": np.where(parent >= 0, ids[np.maximum(parent, 0)], None),
        "cascade_id": ids[root],
        "link_flag": flag,
    }
    # Object columns keep None for "no value" (pandas would otherwise turn them into NaN strings).
    out = pd.DataFrame({k: pd.Series(v, index=mentions.index, dtype=object) for k, v in columns.items()})
    out.insert(3, "depth", depth.astype(np.int64))
    return out


def _jump(parent: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pointer jumping: each node's furthest ancestor and distance to it; ``unresolved`` marks cycles."""
    n = len(parent)
    positions = np.arange(n)
    anc = np.where(parent >= 0, parent, positions)
    dist = (parent >= 0).astype(np.int64)
    for _ in range(max(1, int(np.ceil(np.log2(max(n, 2))))) + 1):
        nxt = anc[anc]
        if np.array_equal(nxt, anc):
            break
        dist = dist + dist[anc]
        anc = nxt
    unresolved = parent[anc] >= 0  # the furthest ancestor still has a parent: the chain loops
    return anc, dist, unresolved


def _cycle_breakers(parent, anc, unresolved, times, ids) -> list[int]:
    """For each distinct cycle reached by unresolved nodes, the member that loses its link."""
    breakers, seen = [], set()
    for start in np.unique(anc[unresolved]):
        if start in seen:
            continue
        # ``start`` lies on a cycle (2^k steps up a looping chain end inside the loop); walk it once.
        members, node = [], int(start)
        while node not in seen:
            seen.add(node)
            members.append(node)
            node = int(parent[node])
        breakers.append(min(members, key=lambda m: (times[m], ids[m])))
    return breakers
