"""Mention lift: how much more often a brand is mentioned in a window than in its baseline."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special, stats

from metrics import _ar1
from viralscope.core.results import na, need, ok, weights
from viralscope.core.times import DAY, daily_sums, days, default_baseline, in_window, interval, times

__all__ = ["mention_lift", "rate_ratio", "MIN_BASE"]


def rate_ratio(n1: float, t1: float, n0: float, t0: float, *, dispersion: float = 1.0, level: float = 0.95) -> dict:
    """Ratio of two Poisson rates with an exact conditional interval, widened for overdispersion.

    Parameters
    ----------
    n1, t1 : float
        Events and exposure (e.g. days) of the period of interest.
    n0, t0 : float
        Events and exposure of the reference period.
    dispersion : float, default 1
        Variance-to-mean ratio of the counts (1 = Poisson). Counts are divided by it before the exact
        interval is computed (the "effective counts" of a quasi-Poisson model).
    level : float, default 0.95

    Returns
    -------
    dict
        ``estimate`` = (n1/t1)/(n0/t0), ``ci_low``, ``ci_high``, ``p_value`` (two-sided, ratio = 1),
        ``status``, ``reason``.

    Notes
    -----
    Conditional on N = n1 + n0, n1 is binomial with p = t1·RR/(t1·RR + t0); the Clopper–Pearson interval
    (p_L, p_U) of p maps to RR = p/(1 − p) · t0/t1.

    References
    ----------
    .. [1] Ulm, K. (1990). A simple method to calculate the confidence interval of a standardized
       mortality ratio. American Journal of Epidemiology 131(2), 373–375.
    .. [2] McCullagh, P. & Nelder, J. (1989). Generalized Linear Models, 2nd ed., §6.2 (quasi-Poisson).

    Examples
    --------
    >>> r = rate_ratio(60, 7, 30, 7)
    >>> round(r["estimate"], 2), round(r["ci_low"], 2), round(r["ci_high"], 2)
    (2.0, 1.27, 3.21)
    >>> rate_ratio(5, 7, 0, 7)["status"]
    'n/a'
    """
    if t1 <= 0 or t0 <= 0:
        return na("empty_period")
    if n0 <= 0:
        return na("no_reference_events")
    phi = max(1.0, float(dispersion))
    x, m = n1 / phi, (n1 + n0) / phi
    alpha = 1 - level
    p_lo = 0.0 if x <= 0 else stats.beta.ppf(alpha / 2, x, m - x + 1)
    p_hi = stats.beta.ppf(1 - alpha / 2, x + 1, m - x)

    def to_ratio(p):
        return p / (1 - p) * t0 / t1

    p0 = t1 / (t1 + t0)
    upper = 1.0 if x <= 0 else special.betainc(x, m - x + 1, p0)  # P(X >= x)
    lower = special.betainc(m - x, x + 1, 1 - p0)  # P(X <= x)
    return ok(
        (n1 / t1) / (n0 / t0), to_ratio(p_lo), to_ratio(p_hi),
        p_value=float(min(1.0, 2 * min(upper, lower))), dispersion=phi,
    )


#: A baseline shorter than this many whole days measures day-to-day variation from the days before it.
MIN_REFERENCE_DAYS = 14
#: How many days before a short baseline are read for that.
HISTORY_DAYS = 28
#: Percent changes from fewer baseline mentions are n/a: from a base of 1, +1900% means nothing.
MIN_BASE = 10
#: Prior on the day-to-day correlation (see metrics._ar1.fit). Flat, not the counterfactuals' z prior: a
#: lift compares the means of two periods and extrapolates nothing, and the z prior's weight near ρ = 1, where
#: the restricted-likelihood variance of a few weeks explodes, made intervals twice as wide as the day-to-day
#: variation of the demo world's ordinary days warrants (flat: 95–98% coverage in bench/sim_metrics.py).
PRIOR = "flat"


def _day_weights(start: pd.Timestamp, end: pd.Timestamp, origin: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
    """Day numbers (from ``origin``) a period touches and the share of the period in each."""
    first, last = int((start - origin) // DAY), int(np.ceil((end - origin) / DAY))
    days_ = np.arange(first, last)
    lo = np.maximum(origin + days_ * DAY, start)
    hi = np.minimum(origin + (days_ + 1) * DAY, end)
    share = np.array([(b - a) / (end - start) for a, b in zip(lo, hi, strict=True)], dtype=float)
    return days_.astype(float), share


def _reference(ts: pd.Series, w: np.ndarray, baseline, origin: pd.Timestamp):
    """Whole-day counts of the reference days (history before a short baseline, then the baseline), their
    day numbers and which period each belongs to."""
    k = int(days(*baseline))
    history = HISTORY_DAYS if k < MIN_REFERENCE_DAYS else 0
    t, y, period = [], [], []
    for p, (a, n) in enumerate(((baseline[0] - history * DAY, history), (baseline[0], k))):
        if n < 1:
            continue
        counts = daily_sums(ts, w, a, a + n * DAY)
        day = ((a - origin) / DAY) + np.arange(n)
        if p == 0:  # days before the data starts are not quiet days: leave them out
            begun = np.cumsum(counts) > 0
            counts, day = counts[begun], day[begun]
        t.append(day)
        y.append(counts)
        period.append(np.full(len(day), p))
    if not t:
        return np.zeros(0), np.zeros(0), np.zeros(0, int)
    return np.concatenate(t), np.concatenate(y), np.concatenate(period)


def _log_ratio_mixture(ts, w, window, baseline, n1: float, n0: float):
    """Predictive distribution of the error of log(rate ratio): Poisson counting plus AR(1) day variation.

    Var = 1/N_W + 1/N_B + τ²·a'R(ρ)a, where a holds +(share of the window in each day) and −(share of the
    baseline in each day), τ² is the day-to-day relative variance beyond Poisson and R(ρ) the AR(1)
    correlation of days; τ² and ρ come from the log counts of the reference days (each period its own
    level, bursts clipped), ρ integrated out as in :mod:`metrics._ar1`.
    """
    origin = baseline[0].floor("D") - HISTORY_DAYS * DAY
    t, y, period = _reference(ts, w, baseline, origin)
    level = np.array([np.mean(y[period == p]) if (period == p).any() else 0.0 for p in (0, 1)])
    keep = level[period] > 0
    t, y, period = t[keep], y[keep], period[keep]
    # Day-to-day variation on the log scale, as the interval is: bursty days make counts skewed, and
    # relative deviations n/mean − 1 would count one viral day as much wider variation than it is in logs.
    dev = np.log(y + 0.5)
    # A burst in the reference days (a campaign, a viral post, an outage) is not day-to-day variation:
    # deviations beyond 3 robust standard deviations (1.4826 × MAD) of their period are clipped there.
    for p in np.unique(period):
        mine = period == p
        centre = np.median(dev[mine])
        mad = 1.4826 * np.median(np.abs(dev[mine] - centre))
        if mad > 0:
            dev[mine] = np.clip(dev[mine], centre - 3 * mad, centre + 3 * mad)
    poisson = 1 / n1 + 1 / n0
    groups = np.unique(period)
    if len(t) - len(groups) < 2:  # nothing to measure day-to-day variation with: counting alone
        return _ar1.Mixture(np.zeros(1), np.sqrt([poisson]), np.ones(1), np.inf), 1.0, None, len(t)
    X = (period[:, None] == groups[None]).astype(float)
    f = _ar1.fit(dev, X, t, prior=PRIOR)
    tau2 = np.maximum(f.s2 - float(np.mean(1 / (y + 0.5))), 0.0)
    tw, aw = _day_weights(*window, origin)
    tb, ab = _day_weights(*baseline, origin)
    tt, a = np.concatenate([tw, tb]), np.concatenate([aw, -ab])
    extra = tau2 * np.maximum(np.einsum("m,gmk,k->g", a, _ar1.correlation(tt, tt, f.rho), a), 0.0)
    # Only the day-to-day part is estimated (with n − p degrees of freedom); counting noise is known:
    # Satterthwaite's effective degrees of freedom of their sum.
    df = np.minimum(f.df * (np.minimum((poisson + extra) / np.maximum(extra, 1e-12), 1e3)) ** 2, 1e6)
    phi = 1 + float(f.weight @ tau2) * float(np.mean(level[period]))
    return _ar1.Mixture(np.zeros(len(f.rho)), np.sqrt(poisson + extra), f.weight, df), phi, f.rho_mean, len(t)


def mention_lift(mentions: pd.DataFrame, window, baseline=None, *, label: str | None = None,
                 level: float = 0.95) -> dict:
    """Relative change of the daily mention rate in a window against its baseline.

    Parameters
    ----------
    mentions : DataFrame
        One row per mention with ``created_at`` (timezone-aware, or naive meaning UTC) and, when
        ``label`` is given, ``sentiment_label``. Pre-aggregated input is accepted too: add a ``count``
        column (e.g. daily counts per label from SQL) and each row counts that many mentions. For a
        baseline shorter than 14 days, include the 28 days before it (they measure day-to-day variation).
    window, baseline : (start, end)
        Half-open periods; dates, datetimes, strings or Timestamps. The baseline defaults to the equally
        long period just before the window.
    label : {"positive", "neutral", "negative"}, optional
        Count only mentions with this sentiment label (the "positive mentions +215%" of a dashboard).
    level : float, default 0.95

    Returns
    -------
    dict
        ``estimate`` (lift; 0.5 means +50%), ``ci_low``, ``ci_high``, ``p_value``, ``n_window``,
        ``n_baseline``, ``rate_window``, ``rate_baseline`` (mentions per day), ``dispersion`` (variance over
        Poisson of a day's count, at the reference days' mean), ``autocorrelation`` (posterior mean ρ),
        ``reference_days`` (days the day-to-day variation was measured on), ``status`` and ``reason`` ("n/a"
        when the baseline has fewer than 10 mentions: "base too small").

    Notes
    -----
    lift = (n_w / d_w) / (n_b / d_b) − 1, with d the length in days. Its interval is log(lift + 1) ± the
    quantiles of a mixture over ρ of t distributions with variance 1/n_w + 1/n_b (Poisson counting) +
    τ²·a'R(ρ)a: mention counts vary more from day to day than a Poisson process (τ², the relative variance
    beyond Poisson) and neighbouring days move together (ρ), which widens a week's sum and narrows the
    difference of two adjacent periods. τ² and ρ are measured on the baseline's whole days around their
    mean; a baseline shorter than 14 days is too short for that, and the 28 days before it are used too
    (each period around its own mean). Periods shorter than a day count as the share of the day they
    cover. A base under 10 mentions gives no percentage at all.

    Assumptions: day-to-day variation in the window is like that of the reference days (a window inside a
    viral burst varies more); correlation decays like AR(1).

    References
    ----------
    .. [1] McCullagh, P. & Nelder, J. (1989). Generalized Linear Models, 2nd ed., §6.2 (extra-Poisson
       variation).
    .. [2] Zellner, A. & Tiao, G. C. (1964). Bayesian analysis of the regression model with autocorrelated
       errors. JASA 59(307), 763–778.
    .. [3] viralscope DESIGN, "Mention lift" and "Percent changes from tiny bases".

    Examples
    --------
    >>> import pandas as pd
    >>> daily = pd.DataFrame({
    ...     "created_at": pd.date_range("2026-01-01", periods=14, freq="D", tz="UTC"),
    ...     "count": [10, 12, 9, 11, 10, 8, 10, 20, 22, 19, 21, 20, 18, 20],
    ... })
    >>> r = mention_lift(daily, ("2026-01-08", "2026-01-15"))
    >>> round(r["estimate"], 2), r["n_window"], r["n_baseline"]
    (1.0, 140.0, 70.0)
    >>> r["ci_low"] > 0.3 and r["ci_high"] < 2
    True
    >>> mention_lift(daily, ("2026-01-14", "2026-01-15"), ("2026-01-06", "2026-01-07"))["reason"]
    'base too small: 8 mentions in the baseline, fewer than 10'
    """
    need(mentions, ["created_at"] + (["sentiment_label"] if label else []))
    window = interval(window)
    baseline = interval(baseline, "baseline") if baseline is not None else default_baseline(window)
    ts = times(mentions["created_at"])
    w = weights(mentions)
    if label:
        w = np.where(mentions["sentiment_label"].astype("string").fillna("").to_numpy() == label, w, 0.0)
    n1, n0 = float(w[in_window(ts, window)].sum()), float(w[in_window(ts, baseline)].sum())
    d1, d0 = days(*window), days(*baseline)
    facts = {
        "n_window": n1, "n_baseline": n0, "days_window": d1, "days_baseline": d0,
        "rate_window": n1 / d1, "rate_baseline": n0 / d0, "label": label,
    }
    if n0 <= 0:
        return na("no_baseline_mentions", **facts)
    if n0 < MIN_BASE:
        return na("base_too_small", {"n": n0, "minimum": MIN_BASE}, **facts)
    mix, phi, rho, used = _log_ratio_mixture(ts, w, window, baseline, max(n1, 0.5), n0)
    L = float(np.log(max(n1, 0.5) / d1) - np.log(n0 / d0))
    tail = (1 - level) / 2
    lo, hi = mix.quantile([tail, 1 - tail])
    p_value = float(min(1.0, 2 * (1 - mix.cdf(abs(L))[0])))
    est = (n1 / d1) / (n0 / d0) - 1
    low = -1.0 if n1 <= 0 else np.expm1(L + lo)  # nothing in the window: a rate of zero is not excluded
    return ok(est, low, np.expm1(L + hi), p_value=p_value, dispersion=phi, autocorrelation=rho,
              reference_days=used, **facts)
