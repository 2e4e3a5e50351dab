"""Laying out one cascade as a tree that stays readable when it has thousands of nodes.

A tree with more than ``max_nodes`` mentions is collapsed: the nodes with the largest subtrees are kept
(a parent's subtree is always larger than any child's, so what is kept is a connected tree from the root)
and the children dropped under each kept node become one grey "+k more" node carrying their total size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def subtree_sizes(nodes: pd.DataFrame) -> np.ndarray:
    """Size of the subtree under each node (itself included).

    ``nodes`` has ``id``, ``parent`` and ``depth``; a parent missing from ``nodes`` counts as absent.
    O(n): children are added to their parents one depth level at a time, deepest first.
    """
    n = len(nodes)
    size = np.ones(n, dtype=np.int64)
    if n == 0:
        return size
    pos = pd.Series(np.arange(n), index=pd.Index(nodes["id"].to_numpy()))
    pos = pos[~pos.index.duplicated()]
    parent_pos = pos.reindex(nodes["parent"].to_numpy()).to_numpy(dtype=float)
    depth = nodes["depth"].fillna(0).to_numpy(dtype=np.int64)
    for d in range(int(depth.max()), 0, -1):
        at = np.flatnonzero((depth == d) & ~np.isnan(parent_pos))
        np.add.at(size, parent_pos[at].astype(np.int64), size[at])
    return size


@dataclass
class Layout:
    """Positions of the kept nodes and of the "+k more" nodes, and the edges between them."""

    nodes: pd.DataFrame  # id, parent, depth, x, y, subtree, hidden (bool), + the input's columns
    edges: list[tuple[int, int]]  # row positions in ``nodes``
    total: int
    shown: int
    collapsed: bool


def layout(nodes: pd.DataFrame, *, max_nodes: int = 400) -> Layout:
    """A left-to-right tree: x is the depth (share order), y the order of leaves in a depth-first walk."""
    nodes = nodes.reset_index(drop=True)
    total = len(nodes)
    sizes = subtree_sizes(nodes)
    nodes = nodes.assign(subtree=sizes, hidden=False)
    collapsed = total > max_nodes
    if collapsed:
        order = np.lexsort((nodes["depth"].to_numpy(), -sizes))  # larger subtrees first, shallower on ties
        keep = np.zeros(total, dtype=bool)
        keep[order[:max_nodes]] = True
        kept_ids = set(nodes["id"][keep])
        dropped = nodes[~keep]
        dropped = dropped[dropped["parent"].isin(kept_ids)]  # roots of what was cut off
        more = dropped.groupby("parent", sort=False).agg(subtree=("subtree", "sum"), depth=("depth", "min"),
                                                          count=("id", "size")).reset_index()
        extra = pd.DataFrame({
            "id": ["+" + str(p) for p in more["parent"]],
            "parent": more["parent"],
            "depth": more["depth"],
            "subtree": more["subtree"],
            "hidden": True,
            "hidden_children": more["count"],
        })
        nodes = pd.concat([nodes[keep], extra], ignore_index=True)

    ids = nodes["id"].tolist()
    index = {v: i for i, v in enumerate(ids)}
    children: dict[int, list[int]] = {}
    roots = []
    for i, p in enumerate(nodes["parent"].tolist()):
        j = index.get(p) if isinstance(p, str) else None
        if j is None:
            roots.append(i)
        else:
            children.setdefault(j, []).append(i)
    # Biggest branches first, so the eye reads the main spread at the top.
    sub = nodes["subtree"].to_numpy()
    for kids in children.values():
        kids.sort(key=lambda k: -sub[k])

    y = np.zeros(len(nodes))
    next_leaf = 0.0
    for root in roots:
        stack = [(root, False)]
        while stack:  # iterative post-order: a parent sits in the middle of its children
            i, done = stack.pop()
            kids = children.get(i, [])
            if not kids:
                y[i] = next_leaf
                next_leaf += 1
            elif done:
                y[i] = (y[kids[0]] + y[kids[-1]]) / 2
            else:
                stack.append((i, True))
                stack.extend((k, False) for k in reversed(kids))
    edges = [(parent, child) for parent, kids in children.items() for child in kids]
    nodes = nodes.assign(x=nodes["depth"].astype(float), y=-y)
    return Layout(nodes=nodes, edges=edges, total=total, shown=int((~nodes["hidden"]).sum()), collapsed=collapsed)
