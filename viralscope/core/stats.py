"""Statistics written once: proportions (Wilson), their day-to-day dispersion, bootstrap means."""

from __future__ import annotations

import numpy as np


def binomial_dispersion(hits: np.ndarray, totals: np.ndarray) -> float:
    """Pearson χ²/df of daily proportions around their pooled value (≥ 1; 1 with fewer than two days).

    Labels within a day are not independent (one thread drags many replies one way), so a proportion
    varies more from day to day than a binomial one; dividing counts by this factor widens the interval
    by exactly that much.
    """
    keep = totals > 0
    hits, totals = hits[keep], totals[keep]
    if len(totals) < 2:
        return 1.0
    p = hits.sum() / totals.sum()
    if p <= 0 or p >= 1:
        return 1.0
    chi2 = ((hits - totals * p) ** 2 / (totals * p * (1 - p))).sum()
    return max(1.0, float(chi2 / (len(totals) - 1)))


def wilson(k, n, level: float = 0.95):
    """Wilson score interval of a proportion k/n (k, n may be effective, non-integer counts; k may be an array).

    .. math:: \\frac{\\hat p + z^2/2n \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/4n^2}}{1 + z^2/n}

    Reference: Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
    JASA 22(158), 209–212.

    >>> [round(x, 3) for x in wilson(5, 10)]
    [0.237, 0.763]
    """
    from scipy import stats

    if np.ndim(k) == 0 and n <= 0:
        return (0.0, 1.0)
    z = stats.norm.ppf(1 - (1 - level) / 2)
    p = np.asarray(k, dtype=float) / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low, high = np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)
    return (float(low), float(high)) if np.ndim(k) == 0 else (low, high)


def bootstrap_means(x: np.ndarray, n_boot: int, rng: np.random.Generator, chunk: int = 200) -> np.ndarray:
    """Means of ``n_boot`` bootstrap resamples of ``x`` (Efron 1979), drawn as multinomial counts of its
    distinct values.

    Drawing how often each distinct value is taken has the same distribution as drawing rows with
    replacement, at O(distinct values) per resample: sizes and depths repeat a lot, so a million cascades
    take milliseconds.
    """
    values, counts = np.unique(x, return_counts=True)
    out = np.empty(n_boot)
    for i in range(0, n_boot, chunk):
        m = min(chunk, n_boot - i)
        out[i:i + m] = rng.multinomial(len(x), counts / len(x), size=m) @ values / len(x)
    return out
