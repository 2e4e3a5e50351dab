"""How far conversations spread: amplification asymmetry (negative vs positive roots), average share depth."""

from __future__ import annotations

import numpy as np
import pandas as pd

from diffusion import share_depth
from metrics._common import na, need, ok

__all__ = ["amplification_asymmetry", "average_share_depth", "cascade_roots"]

_BOOT = 2000
_CHUNK = 200


def cascade_roots(mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per cascade: ``cascade_id``, ``size``, ``depth`` (max), ``sentiment_label`` of the root.

    Parameters
    ----------
    mentions : DataFrame
        ``id``, ``cascade_id`` (the root's id) and ``sentiment_label``; ``depth`` is used when present.

    Returns
    -------
    DataFrame
        size = number of mentions with that ``cascade_id`` (root included); depth = their largest depth.

    References
    ----------
    .. [1] viralscope DESIGN, "Cascade" (size, depth).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"id": ["r", "a", "b"], "cascade_id": ["r", "r", "r"], "depth": [0, 1, 2],
    ...                   "sentiment_label": ["negative", "neutral", "neutral"]})
    >>> cascade_roots(m).to_dict("records")
    [{'cascade_id': 'r', 'size': 3, 'depth': 2, 'sentiment_label': 'negative'}]
    """
    need(mentions, ["id", "cascade_id", "sentiment_label"])
    m = mentions.dropna(subset=["cascade_id"])
    g = m.groupby("cascade_id")
    out = pd.DataFrame({"size": g.size()})
    out["depth"] = g["depth"].max() if "depth" in m.columns else np.nan
    roots = m[m["id"].astype(str) == m["cascade_id"].astype(str)].drop_duplicates("cascade_id")
    out["sentiment_label"] = roots.set_index("cascade_id")["sentiment_label"].reindex(out.index)
    return out.reset_index()


def _boot_means(x: np.ndarray, rng: np.random.Generator, n_boot: int) -> np.ndarray:
    """Means of ``n_boot`` bootstrap resamples of ``x``.

    A resample is a multinomial draw of how often each distinct value is taken, which is the same
    distribution as drawing rows with replacement and costs O(distinct values), not O(rows): cascade sizes
    and depths repeat a lot, so a million cascades take milliseconds.
    """
    values, counts = np.unique(x, return_counts=True)
    out = np.empty(n_boot)
    for i in range(0, n_boot, _CHUNK):
        k = min(_CHUNK, n_boot - i)
        draws = rng.multinomial(len(x), counts / len(x), size=k)
        out[i:i + k] = draws @ values / len(x)
    return out


def amplification_asymmetry(cascades: pd.DataFrame, *, n_boot: int = _BOOT, seed: int = 0) -> dict:
    """Mean cascade size of negative-rooted against positive-rooted posts, with a bootstrap interval.

    Parameters
    ----------
    cascades : DataFrame
        One row per cascade with ``size`` and ``sentiment_label`` of its root (see :func:`cascade_roots`),
        or mentions with ``id``, ``cascade_id``, ``sentiment_label``, which are reduced to that first.
    n_boot : int, default 2000
        Bootstrap resamples (seeded: the same data always give the same interval).
    seed : int, default 0

    Returns
    -------
    dict
        ``estimate`` = mean size (negative roots) / mean size (positive roots), ``ci_low``, ``ci_high``
        (95% percentile bootstrap, each group resampled on its own), ``mean_negative``,
        ``mean_positive``, ``difference`` with ``difference_ci_low``/``_high``, ``n_negative``,
        ``n_positive``, ``status``, ``reason`` ("n/a" with fewer than 2 cascades of either kind).

    Notes
    -----
    Sizes count the root (a post nobody shared has size 1). Cascade sizes are heavy-tailed, so the
    interval is bootstrapped rather than taken from a normal approximation.

    References
    ----------
    .. [1] Efron, B. & Tibshirani, R. (1993). An Introduction to the Bootstrap, ch. 13.
    .. [2] viralscope DESIGN, "Amplification asymmetry" (the seed's 16 vs 9 people).

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"size": [16, 20, 12, 9, 8, 10, 1],
    ...                   "sentiment_label": ["negative"] * 3 + ["positive"] * 3 + ["neutral"]})
    >>> r = amplification_asymmetry(c)
    >>> round(r["estimate"], 2), r["mean_negative"], r["mean_positive"], r["n_negative"]
    (1.78, 16.0, 9.0, 3)
    >>> r["ci_low"] < r["estimate"] < r["ci_high"]
    True
    """
    if "size" not in cascades.columns:
        cascades = cascade_roots(cascades)
    need(cascades, ["size", "sentiment_label"], "cascades")
    labels = cascades["sentiment_label"].astype("string").fillna("").to_numpy()
    size = pd.to_numeric(cascades["size"], errors="coerce").to_numpy(float)
    neg, pos = size[(labels == "negative") & np.isfinite(size)], size[(labels == "positive") & np.isfinite(size)]
    facts = {"n_negative": len(neg), "n_positive": len(pos),
             "mean_negative": float(neg.mean()) if len(neg) else None,
             "mean_positive": float(pos.mean()) if len(pos) else None}
    if len(neg) < 2 or len(pos) < 2:
        return na("fewer than 2 negative-rooted or positive-rooted cascades", **facts)
    rng = np.random.default_rng(seed)
    bn, bp = _boot_means(neg, rng, n_boot), _boot_means(pos, rng, n_boot)
    ratio, diff = bn / bp, bn - bp
    return ok(
        neg.mean() / pos.mean(), np.quantile(ratio, 0.025), np.quantile(ratio, 0.975),
        difference=float(neg.mean() - pos.mean()), difference_ci_low=float(np.quantile(diff, 0.025)),
        difference_ci_high=float(np.quantile(diff, 0.975)), **facts,
    )


def average_share_depth(cascades: pd.DataFrame, *, n_boot: int = _BOOT, seed: int = 0) -> dict:
    """Average share depth: the mean of the maximum depth over cascades with at least 2 mentions.

    Parameters
    ----------
    cascades : DataFrame
        One row per cascade with ``size`` and ``depth`` (its maximum depth), or mentions with ``id``,
        ``cascade_id``, ``sentiment_label`` and ``depth``, which are reduced to that first.

    Returns
    -------
    dict
        ``estimate`` (hops), ``ci_low``, ``ci_high`` (95% percentile bootstrap), ``n`` (cascades with
        n ≥ 2), ``status``, ``reason`` ("n/a" when no cascade has 2 mentions).

    References
    ----------
    .. [1] Vosoughi, S., Roy, D. & Aral, S. (2018). The spread of true and false news online. Science
       359(6380), 1146–1151 (cascade depth).
    .. [2] viralscope DESIGN, "Average share depth".

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"size": [1, 5, 9, 3], "depth": [0, 2, 5, 1]})
    >>> r = average_share_depth(c)
    >>> round(r["estimate"], 2), r["n"]
    (2.67, 3)
    """
    if "size" not in cascades.columns or "depth" not in cascades.columns:
        cascades = cascade_roots(cascades)
    need(cascades, ["size", "depth"], "cascades")
    numbers = pd.DataFrame({"size": pd.to_numeric(cascades["size"], errors="coerce"),
                            "depth": pd.to_numeric(cascades["depth"], errors="coerce")}).dropna()
    # One definition of the number: the diffusion stage's, reported in the metrics' result shape.
    r = share_depth.average_share_depth(numbers, n_boot=n_boot, seed=seed)
    if r["n"] == 0:
        return na("no cascade with 2 or more mentions", n=0)
    return ok(r["estimate"], r["ci_low"], r["ci_high"], n=r["n"])
