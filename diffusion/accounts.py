"""Accounts: who said what, whose posts spread, and whose reshares carried other people's posts further.

The table behind ``viralscope export accounts`` and the dashboard's account views.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diffusion.cascades import cascade_members
from diffusion.triggers import trigger_accounts
from viralscope.core.times import times as as_utc

__all__ = ["ACCOUNT_COLUMNS", "account_table"]

#: Columns of :func:`account_table`, in order.
ACCOUNT_COLUMNS = [
    "source", "author_id", "author_name", "followers", "mentions", "posts", "replies", "shares", "quotes",
    "cascades_started", "reach", "largest_cascade", "deepest_cascade", "mean_share_order",
    "reignitions", "descendants_triggered", "first_at", "last_at",
]


def account_table(mentions: pd.DataFrame, *, min_fraction: float = 0.25, min_descendants: int = 5) -> pd.DataFrame:
    """One row per account (source, author_id): activity, the cascades it started and those it re-ignited.

    - ``mentions``: its mentions; ``posts`` / ``replies`` / ``shares`` / ``quotes``: by ``kind``;
    - ``cascades_started``: cascades rooted at its mentions; ``reach``: their total size, other mentions
      only (Σ (n_c − 1)); ``largest_cascade`` (n), ``deepest_cascade`` (depth);
    - ``mean_share_order``: mean depth of its mentions that are not roots (1 = it reshares originals);
    - ``reignitions`` / ``descendants_triggered``: as :func:`diffusion.triggers.trigger_accounts`;
    - ``followers``: the largest follower count seen; ``first_at`` / ``last_at``: its first and last mention.

    Parameters
    ----------
    mentions : DataFrame
        With ``author_id`` (rows without one are left out) and the columns
        :func:`diffusion.cascade_metrics` needs; ``author_name``, ``author_followers`` and ``kind`` when known.
    min_fraction, min_descendants
        The re-ignition rule, see :func:`diffusion.triggers.trigger_accounts`.

    Returns
    -------
    DataFrame
        :data:`ACCOUNT_COLUMNS`, the accounts with the largest reach first.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"id": ["p", "a", "b", "c"], "parent_id": [None, "p", "a", "p"],
    ...                   "author_id": ["brand", "fan", "brand", "fan"], "kind": ["post", "share", "reply", "share"],
    ...                   "created_at": pd.to_datetime(["2026-01-05"] * 4, utc=True)})
    >>> account_table(m)[["author_id", "mentions", "posts", "shares", "cascades_started", "reach",
    ...                   "mean_share_order"]].values.tolist()
    [['brand', 2, 1, 0, 1, 3, 2.0], ['fan', 2, 0, 2, 0, 0, 1.0]]
    """
    if "author_id" not in mentions.columns:
        return pd.DataFrame(columns=ACCOUNT_COLUMNS)
    mem = cascade_members(mentions)
    has = mentions["author_id"].notna().to_numpy()
    kind = (mentions["kind"].astype("str").fillna("") if "kind" in mentions.columns
            else pd.Series("", index=mentions.index)).to_numpy()
    depth = mem["depth"].to_numpy()
    frame = pd.DataFrame({
        "source": mem["source"].to_numpy(),
        "author_id": mentions["author_id"].astype("str").to_numpy(),
        "author_name": mentions["author_name"].to_numpy(dtype=object) if "author_name" in mentions else None,
        "followers": pd.to_numeric(mentions["author_followers"], errors="coerce").to_numpy(dtype=float)
        if "author_followers" in mentions else np.nan,
        "post": kind == "post", "reply": kind == "reply", "share": kind == "share", "quote": kind == "quote",
        "root": depth == 0,
        "reach": np.where(depth == 0, mem["cascade_size"].to_numpy() - 1, 0),
        "size": np.where(depth == 0, mem["cascade_size"].to_numpy(), 0),
        "order": np.where(depth > 0, depth, np.nan),
        "t": as_utc(mentions["created_at"]).to_numpy(),
    })[has]
    # Depth of the cascades an account started: the deepest member of each cascade, looked up by root.
    cascade_depth = pd.Series(depth).groupby([mem["source"].to_numpy(), mem["cascade_id"].to_numpy()]).max()
    root_depth = cascade_depth.reindex(pd.MultiIndex.from_arrays([mem["source"].to_numpy(),
                                                                  mem["cascade_id"].to_numpy()])).to_numpy()
    frame["cascade_depth"] = np.where(depth == 0, root_depth, -1)[has]
    grouped = frame.groupby(["source", "author_id"], sort=False)
    out = grouped.agg(
        author_name=("author_name", "last"), followers=("followers", "max"), mentions=("t", "size"),
        posts=("post", "sum"), replies=("reply", "sum"), shares=("share", "sum"), quotes=("quote", "sum"),
        cascades_started=("root", "sum"), reach=("reach", "sum"), largest_cascade=("size", "max"),
        deepest_cascade=("cascade_depth", "max"), mean_share_order=("order", "mean"),
        first_at=("t", "min"), last_at=("t", "max"),
    ).reset_index()
    out["largest_cascade"] = out["largest_cascade"].where(out["cascades_started"] > 0)
    out["deepest_cascade"] = out["deepest_cascade"].where(out["cascades_started"] > 0)
    triggers = trigger_accounts(mentions, min_fraction=min_fraction, min_descendants=min_descendants, members=mem)
    out = out.merge(triggers[["source", "author_id", "reignitions", "descendants_triggered"]],
                    on=["source", "author_id"], how="left")
    for col in ("reignitions", "descendants_triggered"):
        out[col] = out[col].fillna(0).astype(np.int64)
    for col in ("followers", "largest_cascade", "deepest_cascade"):
        out[col] = out[col].astype("Int64")
    out = out.sort_values(["reach", "mentions", "author_id"], ascending=[False, False, True], kind="stable")
    return out.reset_index(drop=True)[ACCOUNT_COLUMNS]
