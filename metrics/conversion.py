"""Conversion rate change against a counterfactual fitted on the baseline, and CAC change.

Both intervals allow for autocorrelated days: see :mod:`metrics._ar1`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics import _ar1
from viralscope.core.results import finite, na, need, ok
from viralscope.core.times import DAY, default_baseline, interval, times

__all__ = ["conversion_change", "cac_change"]

MODEL_FULL = "log rate ~ trend + day of week"
MODEL_TREND = "log rate ~ trend"
MODEL_LEVEL = "log rate ~ level"
MODEL_WEEKDAY = "log rate ~ day of week"
#: A trend fitted on fewer days is mostly noise, and its extrapolation would swamp the estimate.
MIN_TREND_DAYS = 21


def _days(daily: pd.DataFrame) -> pd.DataFrame:
    """One row per UTC day, duplicates summed, dates as UTC midnights."""
    d = daily.copy()
    d["date"] = times(d["date"]).dt.floor("D")
    cols = [c for c in ("sessions", "conversions", "revenue", "spend", "new_customers") if c in d.columns]
    for c in cols:
        d[c] = pd.to_numeric(d[c], errors="coerce")
    return d.groupby("date", as_index=False)[cols].sum(min_count=1).sort_values("date")


def _design(t: np.ndarray, dow: np.ndarray, trend: bool, weekday: bool) -> np.ndarray:
    cols = [np.ones_like(t, dtype=float)]
    if trend:
        cols.append(t.astype(float))
    if weekday:
        cols += [(dow == k).astype(float) for k in range(1, 7)]
    return np.column_stack(cols)


def model_design(dates_baseline: pd.Series, dates_window: pd.Series, origin: pd.Timestamp):
    """Days and designs of the counterfactual model: ``(model, tb, Xb, tw, Xw)``.

    The model of a daily log series: level, plus day of week (≥ 14 baseline days with every weekday twice) and
    a linear trend (≥ 21 days: a trend fitted on less is mostly noise, and its extrapolation would swamp the
    estimate), with AR(1) errors whose correlation is integrated out (:mod:`metrics._ar1`).
    """
    tb = ((dates_baseline - origin) / DAY).to_numpy().round()
    tw = ((dates_window - origin) / DAY).to_numpy().round()
    scale = max(tb.max() - tb.min(), 1.0)
    dow_b, dow_w = dates_baseline.dt.day_of_week.to_numpy(), dates_window.dt.day_of_week.to_numpy()
    weekday = len(tb) >= 14 and np.bincount(dow_b, minlength=7).min() >= 2
    trend = len(tb) >= MIN_TREND_DAYS
    model = {(True, True): MODEL_FULL, (True, False): MODEL_WEEKDAY, (False, True): MODEL_TREND,
             (False, False): MODEL_LEVEL}[(weekday, trend)]
    return model, tb, _design(tb / scale, dow_b, trend, weekday), tw, _design(tw / scale, dow_w, trend, weekday)


def _log_sum(y_baseline, Xb, tb, Xw, tw, scale_window, *, floor=0.0, observed=None, grid=_ar1.RHO_GRID):
    """Predictive distribution of log Σ_W scale·exp(y) for a log series observed on the baseline.

    ``floor``: the least the day-to-day variance can be (counting noise). ``observed`` is the observed total
    the counterfactual is compared with; its own counting variance 1/observed is added. Arrays may carry
    leading batch axes (many campaigns on the same days).
    """
    f = _ar1.fit(y_baseline, Xb, tb, floor=floor, grid=grid)
    extra = 0.0 if observed is None else 1 / np.maximum(observed, 0.5)
    return _ar1.log_sum_mixture(f, Xw, tw, scale_window, extra_var=extra), f


def _summary(mix: _ar1.Mixture, level: float, observed):
    """(median, low, high) of the predictive log counterfactual, and the two-sided p-value of log ``observed``."""
    tail = (1 - level) / 2
    q = mix.quantile([0.5, tail, 1 - tail])
    F = mix.cdf(np.log(np.maximum(observed, 0.5))[..., None])[..., 0]
    return q[..., 0], q[..., 1], q[..., 2], np.minimum(1.0, 2 * np.minimum(F, 1 - F))


def rate_change_arrays(cb, sb, cw, sw, Xb, tb, Xw, tw, *, level: float = 0.95, grid=_ar1.RHO_GRID) -> dict:
    """The computation of :func:`conversion_change` on arrays: daily conversions and sessions of the
    baseline (..., nb) and window (..., nw), the designs and days of :func:`model_design`. Leading axes are
    a batch of campaigns on the same days (the coverage simulations run hundreds at once). ``grid``: the
    values of ρ integrated over (``[0]`` treats days as independent)."""
    floor = np.mean((1 - cb / sb) / (cb + 0.5), axis=-1)  # binomial variance of a day's log rate
    c_obs = cw.sum(axis=-1)
    mix, f = _log_sum(np.log((cb + 0.5) / sb), Xb, tb, Xw, tw, sw, floor=floor, observed=c_obs, grid=grid)
    med, lo, hi, p = _summary(mix, level, c_obs)
    sigma2 = (f.weight * f.s2).sum(axis=-1)
    return {"estimate": c_obs / np.exp(med) - 1, "ci_low": c_obs / np.exp(hi) - 1, "ci_high": c_obs / np.exp(lo) - 1,
            "p_value": p, "counterfactual_conversions": np.exp(med), "sigma2": sigma2, "binomial_var": floor,
            "autocorrelation": f.rho_mean}


def incremental_arrays(cb, sb, cw, sw, Xb, tb, Xw, tw, *, level: float = 0.95) -> dict:
    """The computation of :func:`metrics.incremental_conversions` on arrays (see :func:`rate_change_arrays`)."""
    floor = np.mean((1 - cb / sb) / (cb + 0.5), axis=-1)
    c_obs = cw.sum(axis=-1)
    ones = np.ones(np.shape(cw))
    mix, f = _log_sum(np.log(cb + 0.5), Xb, tb, Xw, tw, ones, floor=floor, observed=c_obs)
    sessions, _ = _log_sum(np.log(sb), Xb, tb, Xw, tw, ones)
    med, lo, hi, p = _summary(mix, level, c_obs)
    return {"estimate": c_obs - np.exp(med), "ci_low": c_obs - np.exp(hi), "ci_high": c_obs - np.exp(lo),
            "p_value": p, "counterfactual_conversions": np.exp(med), "counterfactual_ci_low": np.exp(lo),
            "counterfactual_ci_high": np.exp(hi), "counterfactual_sessions": np.exp(sessions.median()),
            "autocorrelation": f.rho_mean}


def _periods(daily: pd.DataFrame, window, baseline, columns=("sessions", "conversions")):
    """Checked periods and the days of each with sessions (and no missing conversions)."""
    need(daily, ["date", *columns], "daily")
    window = interval(window)
    baseline = interval(baseline, "baseline") if baseline is not None else default_baseline(window)
    d = _days(daily) if len(daily) else pd.DataFrame(columns=["date", *columns])
    if len(d):
        d = d[(d["sessions"] > 0) & d["conversions"].notna()]
        d = d[d["conversions"] >= 0]
    W = d[(d["date"] >= window[0]) & (d["date"] < window[1])] if len(d) else d
    B = d[(d["date"] >= baseline[0]) & (d["date"] < baseline[1])] if len(d) else d
    facts = {"n_days_window": len(W), "n_days_baseline": len(B),
             "sessions_window": finite(W["sessions"].sum()) if len(W) else 0.0,
             "conversions_window": finite(W["conversions"].sum()) if len(W) else 0.0}
    if "revenue" in d.columns and len(W) and W["revenue"].notna().any():
        facts["revenue_window"] = float(W["revenue"].sum())
    reason = None
    if len(W) == 0:
        reason = ("no_session_days_window", {})
    elif len(B) < 3:
        reason = ("few_baseline_days", {"days": len(B)})
    elif B["conversions"].sum() <= 0:
        reason = ("no_baseline_conversions", {})
    return window, baseline, W, B, facts, reason


def counterfactual_run(daily: pd.DataFrame, window, baseline, arrays, level: float):
    """Checked periods, the model and ``arrays(...)`` (:func:`rate_change_arrays` or
    :func:`incremental_arrays`) on their days: ``(model, df, window sessions, result, facts)``, or the n/a."""
    window, baseline, W, B, facts, reason = _periods(daily, window, baseline)
    if reason:
        return na(*reason, **facts)
    model, tb, Xb, tw, Xw = model_design(B["date"], W["date"], baseline[0])
    sw = W["sessions"].to_numpy(float)
    r = arrays(B["conversions"].to_numpy(float), B["sessions"].to_numpy(float), W["conversions"].to_numpy(float), sw,
               Xb, tb, Xw, tw, level=level)
    return model, len(tb) - Xb.shape[1], sw, r, facts


def conversion_change(daily: pd.DataFrame, window, baseline=None, *, level: float = 0.95) -> dict:
    """Relative change of the conversion rate in a window against a counterfactual fitted on the baseline.

    Parameters
    ----------
    daily : DataFrame
        One row per day: ``date``, ``sessions``, ``conversions`` (the ``import-conversions`` table).
    window, baseline : (start, end)
        Half-open periods of dates, datetimes, strings or Timestamps; a day belongs to a period when its
        midnight (UTC) does. The baseline defaults to the equally long period just before the window.
    level : float, default 0.95

    Returns
    -------
    dict
        ``estimate`` (0.12 means the rate was 12% above its counterfactual), ``ci_low``, ``ci_high``,
        ``p_value``, ``conversions_window``, ``counterfactual_conversions`` (the window's sessions at the
        counterfactual rate), ``rate_window``, ``rate_counterfactual``, ``sessions_window``,
        ``n_days_window``, ``n_days_baseline``, ``model``, ``df``, ``sigma_log_rate`` (day-to-day s.d. of
        the log rate after the model), ``overdispersion`` (that variance over the binomial one),
        ``autocorrelation`` (posterior mean of ρ), ``status``, ``reason``.

    Notes
    -----
    On baseline days fit

        y_t = log((c_t + ½) / s_t) = a + b·t + γ_dow(t) + e_t,   e_t AR(1): corr(e_t, e_u) = ρ^|t−u|

    (day of week needs ≥ 14 baseline days with every weekday twice; the trend ≥ 21 days; otherwise only a
    level). For each ρ of a grid the fit is generalised least squares, the window's log rates are predicted
    with the best linear unbiased predictor (which carries the baseline's last residuals into the days right
    after it) and the counterfactual conversions C_cf = Σ_W s_t·exp(y_t) get a Student t predictive
    distribution on the log scale (delta method, with the second-order term of a log of a sum of
    log-normals). ρ is integrated out with its restricted likelihood under a flat prior (see
    :mod:`metrics._ar1`): a plug-in ρ̂ from four weeks is biased low and undercovers. The estimate is
    C_obs / C_cf − 1 at the predictive median, its interval C_obs over the predictive quantiles, and the
    p-value the predictive probability of a counterfactual at least as far from C_obs.

    The day-to-day variance is never below the binomial variance of a day's log rate, (1 − r)/c. A pooled
    two-proportion z-test would use only the binomial variance, which daily rates exceed, and would claim
    significance far too often; an interval for independent days would do the same on autocorrelated ones.

    Assumptions under which the interval holds: the baseline's weekday pattern and trend continue through
    the window; day errors are stationary with correlation decaying like AR(1) (docs/metrics.md reports what
    a level shift or long memory does to it).

    References
    ----------
    .. [1] Brodersen, K. H. et al. (2015). Inferring causal impact using Bayesian structural time-series
       models. Annals of Applied Statistics 9(1), 247–274 (counterfactual from the pre-period).
    .. [2] Bernal, J. L., Cummins, S. & Gasparrini, A. (2017). Interrupted time series regression for the
       evaluation of public health interventions. Int. J. Epidemiology 46(1), 348–355.
    .. [3] Zellner, A. & Tiao, G. C. (1964). Bayesian analysis of the regression model with autocorrelated
       errors. JASA 59(307), 763–778.
    .. [4] Goldberger, A. S. (1962). Best linear unbiased prediction in the generalized linear regression
       model. JASA 57(298), 369–375.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> dates = pd.date_range("2026-01-05", periods=42, freq="D")
    >>> sessions = np.full(42, 4000)
    >>> rate = 0.03 * np.exp(rng.normal(0, 0.1, 42)) * np.where(np.arange(42) >= 28, 1.2, 1.0)
    >>> daily = pd.DataFrame({"date": dates, "sessions": sessions, "conversions": rng.binomial(sessions, rate)})
    >>> r = conversion_change(daily, ("2026-02-02", "2026-02-16"), ("2026-01-05", "2026-02-02"))
    >>> r["model"], r["n_days_baseline"], r["n_days_window"]
    ('log rate ~ trend + day of week', 28, 14)
    >>> r["ci_low"] < 0.2 < r["ci_high"]
    True
    >>> conversion_change(daily, ("2026-02-02", "2026-02-16"), ("2026-01-05", "2026-01-07"))["reason"]
    'the baseline has 2 days with sessions; at least 3 are needed to measure day-to-day variation'
    """
    run = counterfactual_run(daily, window, baseline, rate_change_arrays, level)
    if isinstance(run, dict):
        return run
    model, df, sw, r, facts = run
    c_cf = float(r["counterfactual_conversions"])
    return ok(
        r["estimate"], r["ci_low"], r["ci_high"], p_value=float(r["p_value"]), counterfactual_conversions=c_cf,
        rate_window=float(facts["conversions_window"] / sw.sum()), rate_counterfactual=c_cf / sw.sum(),
        model=model, df=df, sigma_log_rate=float(np.sqrt(r["sigma2"])),
        overdispersion=float(r["sigma2"] / r["binomial_var"]), autocorrelation=float(r["autocorrelation"]),
        **facts,
    )


def cac_change(daily: pd.DataFrame, window, baseline=None, *, level: float = 0.95) -> dict:
    """Change of the customer acquisition cost, CAC = spend / new customers, window against baseline.

    Parameters
    ----------
    daily : DataFrame
        ``date``, ``spend``, ``new_customers``.
    window, baseline : (start, end)
        Half-open periods; the baseline defaults to the equally long period just before.
    level : float, default 0.95

    Returns
    -------
    dict
        ``estimate`` = CAC_window / CAC_baseline − 1, ``cac_window``, ``cac_baseline``, ``ci_low``,
        ``ci_high``, ``autocorrelation``, ``status``, ``reason`` ("n/a" without spend or new customers in
        either period).

    Notes
    -----
    Spend is taken as fixed and the daily new-customer counts as the noisy part. log(N_W / N_B) is, to first
    order, a contrast a'y of the daily log counts y_t = log(n_t + ½) with a_t = ±n_t / N_period; its variance
    is σ²·a'R(ρ)a, where σ² and the AR(1) correlation ρ come from the two periods' days around their own
    levels (restricted likelihood, ρ integrated out as in :func:`conversion_change`), never below Poisson
    counting. With fewer than two days in a period the interval is omitted.

    References
    ----------
    .. [1] viralscope DESIGN, "CAC".
    .. [2] Zellner, A. & Tiao, G. C. (1964). Bayesian analysis of the regression model with autocorrelated
       errors. JASA 59(307), 763–778.

    Examples
    --------
    >>> import pandas as pd
    >>> daily = pd.DataFrame({"date": pd.date_range("2026-01-01", periods=4, freq="D"),
    ...                       "spend": [100.0, 100.0, 100.0, 100.0], "new_customers": [10, 10, 8, 8]})
    >>> r = cac_change(daily, ("2026-01-03", "2026-01-05"))
    >>> round(r["cac_baseline"], 2), round(r["cac_window"], 2), round(r["estimate"], 3)
    (10.0, 12.5, 0.25)
    """
    need(daily, ["date", "spend", "new_customers"], "daily")
    window = interval(window)
    baseline = interval(baseline, "baseline") if baseline is not None else default_baseline(window)
    d = _days(daily) if len(daily) else pd.DataFrame(columns=["date", "spend", "new_customers"])
    parts = {}
    for name, (a, b) in (("window", window), ("baseline", baseline)):
        rows = d[(d["date"] >= a) & (d["date"] < b)].dropna(subset=["spend", "new_customers"]) if len(d) else d
        parts[name] = rows
    W, B = parts["window"], parts["baseline"]
    cw, cb = W["new_customers"].to_numpy(float), B["new_customers"].to_numpy(float)
    facts = {"n_days_window": len(cw), "n_days_baseline": len(cb),
             "new_customers_window": float(cw.sum()), "new_customers_baseline": float(cb.sum())}
    for name, rows in parts.items():
        if not len(rows) or rows["new_customers"].sum() <= 0:
            return na(f"no_new_customers_{name}", **facts)
        if rows["spend"].sum() <= 0:
            return na(f"no_spend_{name}", **facts)
    cac_w, cac_b = W["spend"].sum() / cw.sum(), B["spend"].sum() / cb.sum()
    est = cac_w / cac_b - 1
    if len(cw) < 2 or len(cb) < 2:
        return ok(est, cac_window=cac_w, cac_baseline=cac_b, **facts)
    t = ((pd.concat([B["date"], W["date"]]) - baseline[0]) / DAY).to_numpy().round()
    n = np.concatenate([cb, cw])
    X = np.column_stack([np.r_[np.ones(len(cb)), np.zeros(len(cw))], np.r_[np.zeros(len(cb)), np.ones(len(cw))]])
    f = _ar1.fit(np.log(n + 0.5), X, t, floor=float(np.mean(1 / (n + 0.5))))  # never below Poisson counting
    a = np.r_[-cb / cb.sum(), cw / cw.sum()]
    quad = np.einsum("m,gmk,k->g", a, _ar1.correlation(t, t, f.rho), a)
    L = np.log(cw.sum() / cb.sum())
    mix = _ar1.Mixture(center=np.zeros(len(f.rho)), scale=np.sqrt(f.s2 * quad), weight=f.weight, df=float(f.df))
    lo, hi = mix.quantile([(1 - level) / 2, 1 - (1 - level) / 2])
    # CAC moves against customers: its ratio's interval comes from the customers' interval, flipped.
    return ok(est, (1 + est) * np.exp(-hi) - 1, (1 + est) * np.exp(-lo) - 1, cac_window=cac_w,
              cac_baseline=cac_b, customers_change=float(np.expm1(L)), autocorrelation=f.rho_mean, **facts)
