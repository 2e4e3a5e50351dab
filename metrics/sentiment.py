"""Net sentiment of a period and perception change between two periods."""

from __future__ import annotations

import numpy as np
import pandas as pd

from viralscope.core.results import na, need, ok, weights
from viralscope.core.stats import binomial_dispersion, wilson
from viralscope.core.times import daily_sums, default_baseline, in_window, interval, times

__all__ = ["net_sentiment", "perception_change"]


def _counts(mentions: pd.DataFrame, period) -> tuple[float, float, float]:
    """Positive count, negative count and dispersion of the daily positive share within ``period``."""
    ts = times(mentions["created_at"])
    w = weights(mentions)
    labels = mentions["sentiment_label"].astype("string").fillna("").to_numpy()
    pos_w = np.where(labels == "positive", w, 0.0)
    neg_w = np.where(labels == "negative", w, 0.0)
    mask = in_window(ts, period)
    pos, neg = float(pos_w[mask].sum()), float(neg_w[mask].sum())
    daily_pos = daily_sums(ts, pos_w, *period)
    phi = binomial_dispersion(daily_pos, daily_pos + daily_sums(ts, neg_w, *period))
    return pos, neg, phi


def net_sentiment(mentions: pd.DataFrame, window) -> dict:
    """Net sentiment (pos − neg) / (pos + neg) of the mentions in a window, with a 95% interval.

    Parameters
    ----------
    mentions : DataFrame
        ``created_at``, ``sentiment_label`` (positive|neutral|negative); optional ``count`` for
        pre-aggregated rows.
    window : (start, end)
        Half-open period.

    Returns
    -------
    dict
        ``estimate`` in −1..1, ``ci_low``, ``ci_high``, ``positive``, ``negative``, ``dispersion``,
        ``status``, ``reason`` ("n/a" when the window has no positive or negative mention).

    Notes
    -----
    With p = pos / (pos + neg), net sentiment = 2p − 1. The interval is the Wilson interval of p mapped
    through 2p − 1, computed on counts divided by the dispersion of the daily share (labels within a day
    are clustered by threads), so it is never narrower than the binomial one.

    References
    ----------
    .. [1] Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
       JASA 22(158), 209–212.
    .. [2] viralscope DESIGN, "Net sentiment".

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"created_at": ["2026-01-01 10:00"] * 4,
    ...                   "sentiment_label": ["positive", "positive", "negative", "neutral"],
    ...                   "count": [40, 20, 20, 100]})
    >>> r = net_sentiment(m, ("2026-01-01", "2026-01-02"))
    >>> round(r["estimate"], 2), round(r["ci_low"], 2), round(r["ci_high"], 2)
    (0.5, 0.29, 0.66)
    """
    need(mentions, ["created_at", "sentiment_label"])
    window = interval(window)
    pos, neg, phi = _counts(mentions, window)
    n = pos + neg
    if n <= 0:
        return na("no_polar_window", positive=pos, negative=neg, n=n)
    lo, hi = wilson(pos / phi, n / phi)
    return ok((pos - neg) / n, 2 * lo - 1, 2 * hi - 1, positive=pos, negative=neg, n=n, dispersion=phi)


def perception_change(mentions: pd.DataFrame, window, baseline=None) -> dict:
    """Perception change: net sentiment in the window minus net sentiment in the baseline.

    Parameters
    ----------
    mentions : DataFrame
        ``created_at``, ``sentiment_label``; optional ``count``.
    window, baseline : (start, end)
        Half-open periods; the baseline defaults to the equally long period just before.

    Returns
    -------
    dict
        ``estimate`` in −2..2 (points of net sentiment), ``ci_low``, ``ci_high``, ``net_window``,
        ``net_baseline``, ``n_window``, ``n_baseline``, ``status``, ``reason``.

    Notes
    -----
    NS = 2p − 1, so NS_w − NS_b = 2(p_w − p_b). The 95% interval of p_w − p_b is Newcombe's hybrid score
    interval (his method 10) built from the two Wilson intervals, each on dispersion-adjusted counts.

    References
    ----------
    .. [1] Newcombe, R. G. (1998). Interval estimation for the difference between independent
       proportions: comparison of eleven methods. Statistics in Medicine 17, 873–890.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"created_at": ["2026-01-01", "2026-01-01", "2026-01-02", "2026-01-02"],
    ...                   "sentiment_label": ["positive", "negative"] * 2, "count": [50, 50, 70, 30]})
    >>> r = perception_change(m, ("2026-01-02", "2026-01-03"))
    >>> round(r["estimate"], 2), round(r["ci_low"], 2), round(r["ci_high"], 2)
    (0.4, 0.13, 0.65)
    """
    need(mentions, ["created_at", "sentiment_label"])
    window = interval(window)
    baseline = interval(baseline, "baseline") if baseline is not None else default_baseline(window)
    pw, nw, phi_w = _counts(mentions, window)
    pb, nb, phi_b = _counts(mentions, baseline)
    facts = {"n_window": pw + nw, "n_baseline": pb + nb}
    if pw + nw <= 0:
        return na("no_polar_window", **facts)
    if pb + nb <= 0:
        return na("no_polar_baseline", **facts)
    p1, p2 = pw / (pw + nw), pb / (pb + nb)
    l1, u1 = wilson(pw / phi_w, (pw + nw) / phi_w)
    l2, u2 = wilson(pb / phi_b, (pb + nb) / phi_b)
    d = p1 - p2
    lo = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return ok(2 * d, 2 * lo, 2 * hi, net_window=2 * p1 - 1, net_baseline=2 * p2 - 1, **facts)
