"""Conversion change against a counterfactual fitted on the baseline, and CAC change."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from metrics._common import DAY, default_baseline, finite, interval, na, need, ok

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
    dates = pd.to_datetime(d["date"])
    dates = dates.dt.tz_localize("UTC") if dates.dt.tz is None else dates.dt.tz_convert("UTC")
    d["date"] = dates.dt.floor("D")
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
        ``p_value``, ``conversions_window``, ``counterfactual_conversions``, ``incremental_conversions``
        with ``incremental_ci_low``/``incremental_ci_high``, ``rate_window``, ``rate_counterfactual``,
        ``sessions_window``, ``n_days_window``, ``n_days_baseline``, ``model``, ``df``,
        ``sigma_log_rate`` (day-to-day s.d. of the log rate after the model), ``overdispersion``
        (that variance over the binomial one), ``status``, ``reason``.

    Notes
    -----
    On baseline days fit by least squares

        log((c_t + ½) / s_t) = a + b·t + γ_dow(t) + ε_t,   ε_t i.i.d. (0, σ²)

    (day of week needs ≥ 14 baseline days with every weekday twice; the trend needs ≥ 21 days, since a
    trend fitted on less is mostly noise and its extrapolation would swamp the estimate; otherwise only
    a level is fitted). The shape f_t = exp(x_t β̂) is calibrated so that the baseline's counterfactual
    conversions equal its actual ones (k = Σ_B c / Σ_B s·f), and the window's counterfactual is
    C_cf = Σ_W s_t·k·f_t. The estimate is C_obs / C_cf − 1, i.e. the window's rate over its counterfactual
    rate, minus one.

    The interval comes from the day-to-day variation of the rate, not from binomial counting: L = log
    (C_obs / C_cf) is, to first order, a weighted sum of window residuals and a linear functional a'y_B of
    the baseline log rates, so Var L = σ̂²(Σ_W w_t² + ‖a‖²) with w_t = s_t f_t / Σ_W s f and σ̂² the
    residual variance of the fit (never below the binomial variance of a day's log rate, mean of
    (1 − r_t)/c_t); L ± t_{df}·se is exponentiated. When the baseline residuals show
    significant positive lag-1 autocorrelation ρ (one-sided 5%), the variance is multiplied by
    (1 + ρ)/(1 − ρ). A pooled two-proportion z-test would use only the binomial variance, which daily rates
    exceed, and would claim significance far too often.

    References
    ----------
    .. [1] Brodersen, K. H. et al. (2015). Inferring causal impact using Bayesian structural time-series
       models. Annals of Applied Statistics 9(1), 247–274 (counterfactual from the pre-period).
    .. [2] Bernal, J. L., Cummins, S. & Gasparrini, A. (2017). Interrupted time series regression for the
       evaluation of public health interventions. Int. J. Epidemiology 46(1), 348–355.
    .. [3] Kohavi, R., Tang, D. & Xu, Y. (2020). Trustworthy Online Controlled Experiments, ch. 18
       (variance of ratio metrics; the delta method).

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
    >>> round(r["estimate"], 3), round(r["ci_low"], 3), round(r["ci_high"], 3)
    (0.275, 0.096, 0.483)
    >>> conversion_change(daily, ("2026-02-02", "2026-02-16"), ("2026-01-05", "2026-01-07"))["reason"]
    'the baseline has 2 days with sessions; at least 3 are needed to measure day-to-day variation'
    """
    need(daily, ["date", "sessions", "conversions"], "daily")
    window = interval(window)
    baseline = interval(baseline, "baseline") if baseline is not None else default_baseline(window)
    d = _days(daily) if len(daily) else pd.DataFrame(columns=["date", "sessions", "conversions"])
    if len(d):
        d = d[(d["sessions"] > 0) & d["conversions"].notna()]
        d = d[d["conversions"] >= 0]
    W = d[(d["date"] >= window[0]) & (d["date"] < window[1])] if len(d) else d
    B = d[(d["date"] >= baseline[0]) & (d["date"] < baseline[1])] if len(d) else d
    facts = {"n_days_window": len(W), "n_days_baseline": len(B),
             "sessions_window": finite(W["sessions"].sum()) if len(W) else 0.0,
             "conversions_window": finite(W["conversions"].sum()) if len(W) else 0.0}
    if len(W) == 0:
        return na("no days with sessions in the window", **facts)
    if len(B) < 3:
        return na(f"the baseline has {len(B)} days with sessions; at least 3 are needed to measure "
                  "day-to-day variation", **facts)
    cb, sb = B["conversions"].to_numpy(float), B["sessions"].to_numpy(float)
    cw, sw = W["conversions"].to_numpy(float), W["sessions"].to_numpy(float)
    if cb.sum() <= 0:
        return na("no conversions in the baseline", **facts)

    origin = baseline[0]
    tb = ((B["date"] - origin) / DAY).to_numpy()
    tw = ((W["date"] - origin) / DAY).to_numpy()
    scale = max(tb.max() - tb.min(), 1.0)
    tb, tw = tb / scale, tw / scale
    dow_b, dow_w = B["date"].dt.day_of_week.to_numpy(), W["date"].dt.day_of_week.to_numpy()
    weekday = len(B) >= 14 and np.bincount(dow_b, minlength=7).min() >= 2
    trend = len(B) >= MIN_TREND_DAYS
    model = {(True, True): MODEL_FULL, (True, False): MODEL_WEEKDAY, (False, True): MODEL_TREND,
             (False, False): MODEL_LEVEL}[(weekday, trend)]
    Xb, Xw = _design(tb, dow_b, trend, weekday), _design(tw, dow_w, trend, weekday)
    p = Xb.shape[1]
    df = len(B) - p
    y = np.log((cb + 0.5) / sb)
    H = np.linalg.pinv(Xb)  # β̂ = H y
    beta = H @ y
    resid = y - Xb @ beta
    sigma2_fit = float(resid @ resid / df)
    # A day's log rate can never vary less than binomial counting makes it; with few residual degrees of
    # freedom the fitted variance can come out lower by chance, so the binomial variance is a floor.
    rate_b = cb / sb
    binom_var = float(np.mean((1 - rate_b) / np.maximum(cb, 0.5)))
    sigma2 = max(sigma2_fit, binom_var)

    fb, fw = np.exp(Xb @ beta), np.exp(Xw @ beta)
    k = cb.sum() / (sb * fb).sum()
    cf = sw * k * fw
    c_obs, c_cf = cw.sum(), cf.sum()
    if c_cf <= 0:
        return na("the counterfactual has no conversions", **facts)

    w = cf / c_cf
    u = sb * fb / (sb * fb).sum()
    v = cb / cb.sum()
    a = H.T @ (w @ Xw - u @ Xb) + v
    var = sigma2 * (float(w @ w) + float(a @ a))
    rho = float(np.corrcoef(resid[:-1], resid[1:])[0, 1]) if len(resid) >= 4 and resid.std() > 0 else 0.0
    rho_inflated = bool(np.isfinite(rho) and rho > 1.645 / np.sqrt(len(resid)))
    if rho_inflated:
        rho = min(rho, 0.8)
        var *= (1 + rho) / (1 - rho)
    se = np.sqrt(var)
    L = np.log(max(c_obs, 0.5) / c_cf) if c_obs <= 0 else np.log(c_obs / c_cf)
    tq = stats.t.ppf(1 - (1 - level) / 2, df)
    lo, hi = L - tq * se, L + tq * se
    est = c_obs / c_cf - 1
    p_value = float(2 * stats.t.sf(abs(L) / se, df)) if se > 0 else None

    def incremental(lift):
        return c_obs - c_obs / (1 + lift)

    return ok(
        est, np.expm1(lo), np.expm1(hi), p_value=p_value,
        counterfactual_conversions=float(c_cf), incremental_conversions=float(c_obs - c_cf),
        incremental_ci_low=float(incremental(np.expm1(lo))), incremental_ci_high=float(incremental(np.expm1(hi))),
        rate_window=float(c_obs / sw.sum()), rate_counterfactual=float(c_cf / sw.sum()),
        model=model, df=int(df), sigma_log_rate=float(np.sqrt(sigma2)),
        overdispersion=float(sigma2_fit / binom_var) if binom_var > 0 else None,
        autocorrelation=float(rho) if np.isfinite(rho) else None, autocorrelation_inflated=rho_inflated,
        **facts,
    )


def cac_change(daily: pd.DataFrame, window, baseline=None) -> dict:
    """Change of the customer acquisition cost, CAC = spend / new customers, window against baseline.

    Parameters
    ----------
    daily : DataFrame
        ``date``, ``spend``, ``new_customers``.
    window, baseline : (start, end)
        Half-open periods; the baseline defaults to the equally long period just before.

    Returns
    -------
    dict
        ``estimate`` = CAC_window / CAC_baseline − 1, ``cac_window``, ``cac_baseline``, ``ci_low``,
        ``ci_high``, ``status``, ``reason`` ("n/a" without spend or new customers in either period).

    Notes
    -----
    The interval treats spend as fixed and the daily new-customer counts as the noisy part: the log of
    each period's total customers has variance estimated from its daily counts (s²·days / total², the
    day-to-day variation, never less than Poisson 1/total); the log-ratio gets a t interval with the
    smaller period's degrees of freedom. With fewer than two days in a period the interval is omitted.

    References
    ----------
    .. [1] viralscope DESIGN, "CAC".
    .. [2] Kohavi, R., Tang, D. & Xu, Y. (2020). Trustworthy Online Controlled Experiments, ch. 18.

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
        spend, cust = float(rows["spend"].sum()) if len(rows) else 0.0, rows["new_customers"].to_numpy(float)
        parts[name] = (spend, cust)
    (sw, cw), (sb, cb) = parts["window"], parts["baseline"]
    facts = {"n_days_window": len(cw), "n_days_baseline": len(cb),
             "new_customers_window": float(cw.sum()), "new_customers_baseline": float(cb.sum())}
    for name, (spend, cust) in parts.items():
        if cust.sum() <= 0:
            return na(f"no new customers in the {name}", **facts)
        if spend <= 0:
            return na(f"no spend recorded in the {name}", **facts)
    cac_w, cac_b = sw / cw.sum(), sb / cb.sum()
    est = cac_w / cac_b - 1
    if len(cw) < 2 or len(cb) < 2:
        return ok(est, cac_window=cac_w, cac_baseline=cac_b, **facts)

    def var_log_total(c):
        return max(c.var(ddof=1) * len(c) / c.sum() ** 2, 1 / c.sum())

    se = np.sqrt(var_log_total(cw) + var_log_total(cb))
    tq = stats.t.ppf(0.975, min(len(cw), len(cb)) - 1)
    L = np.log(cac_w / cac_b)
    return ok(est, np.expm1(L - tq * se), np.expm1(L + tq * se), cac_window=cac_w, cac_baseline=cac_b, **facts)
