"""Share depth: how many hops a campaign travelled from its original posts.

"Average share depth" has several defensible readings, which differ a lot on real data (on the demo world
1.65, 2.35 and 4.91 for the three below). Two are computed, each under its own name and with its interval:

- **mean maximum depth** (:func:`mean_max_depth`): the mean over cascades with at least 2 mentions of their
  depth, the longest chain of reshares from the original post — how deep a typical conversation that spread
  went. This is how a dashboard's "average share depth 3.8" reads;
- **mean share order** (:func:`mean_share_order`): the mean order of every share (a direct reshare of the
  original is 1st-order, a reshare of that 2nd-order, …) — how far from the original the average share was.
  Big cascades weigh by their shares.

(A third, the mean maximum depth over cascades of ≥ 10 mentions, is a filter of the first, not shown.) The
**share-order distribution** splits the shares of a window into 1st, 2nd and 3rd-or-further order.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from diffusion.cascades import cascade_members
from viralscope.core.errors import InputError, Problem
from viralscope.core.results import na
from viralscope.core.stats import bootstrap_means, wilson
from viralscope.core.times import period_start, utc
from viralscope.core.times import times as as_utc

__all__ = ["mean_max_depth", "mean_share_order", "share_order_distribution", "share_orders_by_period", "ORDERS"]

#: Share-order classes: depth 1, depth 2, depth 3 and more.
ORDERS = ("1st", "2nd", "3rd+")


def _window_mask(times: pd.Series, window) -> np.ndarray:
    if window is None:
        return np.ones(len(times), dtype=bool)
    try:
        start, end = (utc(w) for w in window)
    except (TypeError, ValueError) as exc:
        raise InputError(Problem("window", None, None, f"expected (start, end) dates or times: {exc}")) from None
    if end <= start:
        raise InputError(Problem("window", None, None, f"end {end} is not after start {start}"))
    t = as_utc(times)
    return ((t >= start) & (t < end)).to_numpy()


def mean_max_depth(cascades: pd.DataFrame, window=None, *, level: float = 0.95, n_boot: int = 2000,
                   seed: int = 0) -> dict:
    """Mean maximum depth of the cascades that spread (n ≥ 2), with a bootstrap interval.

    .. math:: \\bar d = \\frac{1}{|C_2|} \\sum_{c \\in C_2} \\mathrm{depth}(c), \\qquad C_2 = \\{c : n_c \\ge 2\\}

    Depths are few distinct small numbers with a long tail, so the interval is the percentile bootstrap
    (resampling cascades) rather than a normal approximation.

    Parameters
    ----------
    cascades : DataFrame
        From :func:`diffusion.cascade_metrics` (columns ``size``, ``depth``, and ``started_at`` when a
        window is given).
    window : (start, end), optional
        Keep cascades that started in ``[start, end)`` (dates or times; naive means UTC).
    level : float
        Confidence level of the interval.
    n_boot, seed : int
        Bootstrap resamples and their seed (the same data always give the same interval).

    Returns
    -------
    dict
        ``estimate``, ``ci_low``, ``ci_high`` (None when fewer than two cascades spread), ``n`` (cascades
        with n ≥ 2), ``singletons`` (cascades of one post, left out), ``window``, ``status``, ``reason`` ("n/a" when no cascade spread).

    References
    ----------
    S. Vosoughi, D. Roy, S. Aral, "The spread of true and false news online", Science 359 (2018) 1146–1151
    (cascade depth).

    B. Efron, R. Tibshirani, "An Introduction to the Bootstrap", Chapman & Hall (1993), ch. 13.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"size": [9, 5, 3, 3, 2, 2, 1], "depth": [4, 3, 2, 1, 1, 1, 0],
    ...                   "started_at": pd.to_datetime(["2026-01-05"] * 6 + ["2026-02-01"], utc=True)})
    >>> r = mean_max_depth(c, window=("2026-01-01", "2026-02-01"))
    >>> round(r["estimate"], 3), r["n"], r["singletons"]
    (2.0, 6, 0)
    >>> round(r["ci_low"], 2), round(r["ci_high"], 2)
    (1.17, 3.0)
    """
    for col in ("size", "depth") + (("started_at",) if window is not None else ()):
        if col not in cascades.columns:
            raise InputError(Problem("cascades", None, col, "column is missing (use diffusion.cascade_metrics)"))
    inside = cascades if window is None else cascades[_window_mask(cascades["started_at"], window)]
    spread = inside.loc[inside["size"] >= 2, "depth"].to_numpy(dtype=float)
    m = len(spread)
    out = {"estimate": None, "ci_low": None, "ci_high": None, "n": m,
           "singletons": int((inside["size"] < 2).sum()), "window": window}
    if m == 0:
        return _status(out, "no_spread_cascades")
    out["estimate"] = float(spread.mean())
    if m >= 2:
        boot = bootstrap_means(spread, n_boot, np.random.default_rng(seed))
        tail = (1 - level) / 2
        out["ci_low"], out["ci_high"] = float(np.quantile(boot, tail)), float(np.quantile(boot, 1 - tail))
    return _status(out, None)


def _status(out: dict, code: str | None) -> dict:
    """The result shape every number has (``status`` "ok" or "n/a" with its ``reason`` and its code)."""
    if out["estimate"] is not None:
        out["status"], out["reason"] = "ok", None
    else:
        out.update(na(code))  # the estimate and its interval are None already
    return out


def _share_columns(cascades: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per cascade: its shares (members of depth ≥ 1) and the sum of their orders, from ``shares`` and
    ``share_order_sum`` columns or from the ``depth_counts`` JSON of :func:`diffusion.cascade_metrics`."""
    if "shares" in cascades.columns and "share_order_sum" in cascades.columns:
        return (pd.to_numeric(cascades["shares"], errors="coerce").fillna(0).to_numpy(float),
                pd.to_numeric(cascades["share_order_sum"], errors="coerce").fillna(0).to_numpy(float))
    if "depth_counts" not in cascades.columns:
        raise InputError(Problem("cascades", None, "depth_counts",
                                 "column is missing (use diffusion.cascade_metrics, or give shares and share_order_sum)"))
    shares, total = np.zeros(len(cascades)), np.zeros(len(cascades))
    for i, counts in enumerate(cascades["depth_counts"]):
        counts = json.loads(counts) if isinstance(counts, str) else (counts or {})
        for d, k in counts.items():
            shares[i] += k
            total[i] += int(d) * k
    return shares, total


def mean_share_order(cascades: pd.DataFrame, window=None, *, level: float = 0.95, n_boot: int = 2000,
                     seed: int = 0) -> dict:
    """Mean order of every share (its depth in its cascade), with a bootstrap interval over cascades.

    .. math:: \\bar o = \\frac{\\sum_c \\sum_{v \\in c, d_v \\ge 1} d_v}{\\sum_c \\#\\{v \\in c : d_v \\ge 1\\}}

    The shares of one cascade are not independent (a deep chain makes many deep shares), so the interval
    resamples whole cascades (a cluster bootstrap of the ratio), not shares.

    Parameters
    ----------
    cascades : DataFrame
        From :func:`diffusion.cascade_metrics` (``depth_counts``), or with ``shares`` and ``share_order_sum``
        per cascade; ``started_at`` when a window is given.
    window : (start, end), optional
        Keep cascades that started in ``[start, end)``.
    level : float
    n_boot, seed : int

    Returns
    -------
    dict
        ``estimate``, ``ci_low``, ``ci_high`` (None with fewer than two cascades that spread), ``n`` (shares),
        ``cascades`` (cascades with shares), ``window``, ``status``, ``reason`` ("n/a" without shares).

    References
    ----------
    Vosoughi, Roy & Aral (2018), Science 359, 1146–1151 (depth); viralscope DESIGN, "Share order".

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"shares": [8, 4, 0], "share_order_sum": [20, 4, 0]})
    >>> r = mean_share_order(c)
    >>> r["estimate"], r["n"], r["cascades"]
    (2.0, 12, 2)
    """
    if window is not None and "started_at" not in cascades.columns:
        raise InputError(Problem("cascades", None, "started_at", "column is missing (use diffusion.cascade_metrics)"))
    inside = cascades if window is None else cascades[_window_mask(cascades["started_at"], window)]
    shares, total = _share_columns(inside)
    keep = shares > 0
    shares, total = shares[keep], total[keep]
    out = {"estimate": None, "ci_low": None, "ci_high": None, "n": int(shares.sum()), "cascades": int(keep.sum()),
           "window": window}
    if not len(shares):
        return _status(out, "no_shares")
    out["estimate"] = float(total.sum() / shares.sum())
    if len(shares) >= 2:
        pairs, counts = np.unique(np.column_stack([shares, total]), axis=0, return_counts=True)
        rng = np.random.default_rng(seed)
        boot = np.empty(n_boot)
        for i in range(0, n_boot, 200):
            k = min(200, n_boot - i)
            draws = rng.multinomial(len(shares), counts / len(shares), size=k)
            boot[i:i + k] = (draws @ pairs[:, 1]) / (draws @ pairs[:, 0])
        tail = (1 - level) / 2
        out["ci_low"], out["ci_high"] = float(np.quantile(boot, tail)), float(np.quantile(boot, 1 - tail))
    return _status(out, None)


def _depths(mentions: pd.DataFrame) -> np.ndarray:
    if "depth" in mentions.columns and mentions["depth"].notna().all():
        return mentions["depth"].to_numpy(dtype=np.int64)
    return cascade_members(mentions)["depth"].to_numpy(dtype=np.int64)


def share_order_distribution(mentions: pd.DataFrame, window=None, *, level: float = 0.95) -> pd.DataFrame:
    """How the shares made in a window split into 1st, 2nd and 3rd-or-further order.

    A share's order is its depth in its cascade (the original post has depth 0 and is not a share). For each
    class k, the fraction p_k = shares_k / shares with a Wilson score interval.

    Parameters
    ----------
    mentions : DataFrame
        With ``created_at`` and ``depth`` (store rows), or with ``id``, ``parent_id`` and ``created_at`` (the
        depths are then computed with :func:`diffusion.cascade_members`, over all rows given, before the
        window is applied).
    window : (start, end), optional
        Count shares created in ``[start, end)``.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    DataFrame
        One row per class of :data:`ORDERS`: ``order``, ``shares``, ``fraction``, ``ci_low``, ``ci_high``
        (fractions are NaN when the window holds no share).

    References
    ----------
    E. B. Wilson, "Probable inference, the law of succession, and statistical inference", JASA 22 (1927).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"id": list("pabcd"), "parent_id": [None, "p", "p", "a", "c"],
    ...                   "created_at": pd.to_datetime(["2026-01-05"] * 5, utc=True)})
    >>> share_order_distribution(m)[["order", "shares", "fraction"]]
      order  shares  fraction
    0   1st       2      0.50
    1   2nd       1      0.25
    2  3rd+       1      0.25
    """
    depth = _depths(mentions)
    inside = _window_mask(mentions["created_at"], window)
    d = depth[inside & (depth >= 1)]
    counts = np.array([(d == 1).sum(), (d == 2).sum(), (d >= 3).sum()], dtype=np.int64)
    n = int(counts.sum())
    out = pd.DataFrame({"order": list(ORDERS), "shares": counts})
    if n == 0:
        out["fraction"] = out["ci_low"] = out["ci_high"] = np.nan
        return out
    low, high = wilson(counts, n, level)
    out["fraction"], out["ci_low"], out["ci_high"] = counts / n, low, high
    return out


def share_orders_by_period(mentions: pd.DataFrame, freq: str = "1D") -> pd.DataFrame:
    """Share counts by order for every period (for a stacked chart of share depth over time).

    Parameters
    ----------
    mentions : DataFrame
        As for :func:`share_order_distribution`.
    freq : str
        A pandas frequency: ``"1h"``, ``"1D"``, ``"W-SUN"`` (weeks from Monday to Sunday), …

    Returns
    -------
    DataFrame
        Indexed by period start (UTC): columns ``1st``, ``2nd``, ``3rd+`` (counts), ``shares`` and
        ``mean_order`` (mean depth of the period's shares); periods without shares are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"id": list("pabc"), "parent_id": [None, "p", "a", "p"],
    ...                   "created_at": pd.to_datetime(["2026-01-05", "2026-01-05", "2026-01-06",
    ...                                                 "2026-01-06"], utc=True)})
    >>> share_orders_by_period(m)[["1st", "2nd", "3rd+", "shares"]].values.tolist()
    [[1, 0, 0, 1], [1, 1, 0, 2]]
    """
    depth = _depths(mentions)
    shares = depth >= 1
    d = depth[shares]
    t = as_utc(mentions["created_at"])[shares]
    frame = pd.DataFrame({
        "period": period_start(t, freq),
        "1st": d == 1, "2nd": d == 2, "3rd+": d >= 3, "depth": d,
    })
    grouped = frame.groupby("period")
    out = grouped[["1st", "2nd", "3rd+"]].sum().astype(np.int64)
    out["shares"] = out.sum(axis=1)
    out["mean_order"] = grouped["depth"].mean()
    out.index.name = "period"
    return out
