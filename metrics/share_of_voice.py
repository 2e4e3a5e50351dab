"""Share of voice: one brand's mentions among all tracked brands' mentions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from viralscope.core.results import na, need, ok, weights
from viralscope.core.stats import binomial_dispersion, wilson
from viralscope.core.times import daily_sums, in_window, interval, times

__all__ = ["share_of_voice"]


def share_of_voice(mentions: pd.DataFrame, brand: str, window, *, brands=None) -> dict:
    """Share of voice of ``brand`` in a window, with a 95% interval and every tracked brand's share.

    Parameters
    ----------
    mentions : DataFrame
        ``created_at`` and ``brand`` (which tracked brand a mention is about); optional ``count``.
    brand : str
        The brand of interest.
    window : (start, end)
        Half-open period.
    brands : list of str, optional
        The tracked brands (the brand and its competitors). Default: every non-empty ``brand`` value.

    Returns
    -------
    dict
        ``estimate`` in 0..1, ``ci_low``, ``ci_high``, ``n`` (all tracked brands' mentions),
        ``n_brand``, ``shares`` ({brand: share}), ``status``, ``reason``.

    Notes
    -----
    SOV = n_brand / Σ_b n_b over tracked brands b. Wilson interval on counts divided by the dispersion of
    the daily share (Pearson χ²/df, at least 1).

    References
    ----------
    .. [1] viralscope DESIGN, "Share of voice".
    .. [2] Wilson, E. B. (1927). JASA 22(158), 209–212.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"created_at": ["2026-01-01"] * 3, "brand": ["Lumio", "Brightly", "Glint"],
    ...                   "count": [300, 150, 50]})
    >>> r = share_of_voice(m, "Lumio", ("2026-01-01", "2026-01-02"))
    >>> round(r["estimate"], 2), round(r["ci_low"], 3), round(r["ci_high"], 3), r["shares"]["Brightly"]
    (0.6, 0.556, 0.642, 0.3)
    """
    need(mentions, ["created_at", "brand"])
    window = interval(window)
    ts = times(mentions["created_at"])
    w = weights(mentions)
    names = mentions["brand"].astype("string").fillna("").to_numpy()
    tracked = [b for b in (brands if brands is not None else sorted(set(names) - {""}))]
    if brand not in tracked:
        tracked = [brand, *tracked]
    w_tracked = np.where(np.isin(names, tracked), w, 0.0)
    w_brand = np.where(names == brand, w, 0.0)
    mask = in_window(ts, window)
    n, k = float(w_tracked[mask].sum()), float(w_brand[mask].sum())
    if len(tracked) < 2:
        return na("single_brand", n=n, n_brand=k, shares={})
    if n <= 0:
        return na("no_brand_mentions", n=n, n_brand=k, shares={})
    shares = {b: float(w[mask & (names == b)].sum() / n) for b in tracked}
    phi = binomial_dispersion(daily_sums(ts, w_brand, *window), daily_sums(ts, w_tracked, *window))
    lo, hi = wilson(k / phi, n / phi)
    return ok(k / n, lo, hi, n=n, n_brand=k, shares=shares, dispersion=phi)
