"""Reads the Twitter15 propagation trees (../shared/eval/twitter15) with the cleaning rule of its README.

Each line of ``tree/<root_tweet_id>.txt`` is an edge ``['uid', 'tweet_id', 'delay_min']->[…]``. Retweets reuse
the root's tweet id, so nodes are keyed by user id; a user listed under several parents keeps the first one
listed (a self-loop is not a parent); nodes that cannot be reached from the root are dropped. The root is the
child of the ``['ROOT', 'ROOT', '0.0']`` line, wherever that line is in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from tests.evaldata import EVAL

TREES = EVAL / "twitter15" / "tree"
_EDGE = re.compile(r"\['([^']*)', '([^']*)', '([^']*)'\]->\['([^']*)', '([^']*)', '([^']*)'\]")
#: Twitter snowflake ids carry their creation time: milliseconds since this epoch, shifted by 22 bits.
_TWITTER_EPOCH_MS = 1288834974657


@dataclass(frozen=True)
class Tree:
    root_tweet: str
    root: str  # user id of the original poster
    parent: dict  # user id -> parent user id (every reachable node but the root)
    delay: dict  # user id -> minutes after the root (may be negative in the data)

    @property
    def nodes(self) -> list[str]:
        return [self.root, *self.parent]


def read_tree(path: Path) -> Tree:
    parent: dict[str, str] = {}
    delay: dict[str, float] = {}
    root = None
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _EDGE.match(line.strip())
        if not m:
            continue
        p_uid, _p_tweet, _p_delay, c_uid, _c_tweet, c_delay = m.groups()
        if p_uid == "ROOT":
            root = c_uid
            delay.setdefault(c_uid, float(c_delay))
            continue
        if p_uid == c_uid or c_uid in parent:
            continue
        parent[c_uid] = p_uid
        delay.setdefault(c_uid, float(c_delay))
    if root is None:
        raise ValueError(f"{path}: no ROOT line")
    parent.pop(root, None)
    children: dict[str, list[str]] = {}
    for child, par in parent.items():
        children.setdefault(par, []).append(child)
    reached, stack = {root}, [root]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in reached:
                reached.add(child)
                stack.append(child)
    kept = {c: p for c, p in parent.items() if c in reached}
    t0 = delay[root]
    return Tree(path.stem, root, kept, {u: delay[u] - t0 for u in [root, *kept]})


@lru_cache(maxsize=1)
def trees() -> tuple[Tree, ...]:
    return tuple(read_tree(p) for p in sorted(TREES.glob("*.txt")))


def root_time(root_tweet: str) -> pd.Timestamp:
    """When the original tweet was posted, read from its snowflake id."""
    return pd.Timestamp((int(root_tweet) >> 22) + _TWITTER_EPOCH_MS, unit="ms", tz="UTC")


def mentions(selected: tuple[Tree, ...] | None = None) -> pd.DataFrame:
    """The trees as mention-contract rows: one mention per (tree, user), source ``twitter15``.

    A mention's id is ``<root tweet id>-<user id>``; the original is posted at its snowflake time and each
    retweet ``delay`` minutes later.
    """
    ids, parents, users, root_ms, delays = [], [], [], [], []
    for tree in trees() if selected is None else selected:
        t0 = (int(tree.root_tweet) >> 22) + _TWITTER_EPOCH_MS
        prefix = tree.root_tweet + "-"
        for user in tree.nodes:
            par = tree.parent.get(user)
            ids.append(prefix + user)
            parents.append(None if par is None else prefix + par)
            users.append(user)
            root_ms.append(t0)
            delays.append(tree.delay[user])
    millis = np.asarray(root_ms, dtype=np.int64) + np.round(np.asarray(delays) * 60_000).astype(np.int64)
    parent_col = pd.Series(parents, dtype=object)
    return pd.DataFrame({
        "id": ids,
        "source": "twitter15",
        "created_at": pd.to_datetime(millis, unit="ms", utc=True),
        "text": "",
        "author_id": users,
        "parent_id": parent_col,
        "kind": np.where(parent_col.isna(), "post", "share"),
    })
