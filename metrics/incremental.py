"""Incremental conversions: what a window added over counterfactual sessions × counterfactual rate."""

from __future__ import annotations

import pandas as pd

from metrics.conversion import counterfactual_run, incremental_arrays
from viralscope.core.results import ok

__all__ = ["incremental_conversions"]


def incremental_conversions(daily: pd.DataFrame, window, baseline=None, *, level: float = 0.95) -> dict:
    """Conversions of a window above what its counterfactual sessions at its counterfactual rate would make.

    Parameters
    ----------
    daily : DataFrame
        One row per day: ``date``, ``sessions``, ``conversions`` (and ``revenue`` when known).
    window, baseline : (start, end)
        Half-open periods; the baseline defaults to the equally long period just before the window. Leave
        days of other campaigns out of ``daily`` (the KPIs do): the counterfactual is "no campaign".
    level : float, default 0.95

    Returns
    -------
    dict
        ``estimate`` = C_obs − C_cf (conversions), ``ci_low``, ``ci_high``, ``p_value`` (no increment),
        ``conversions_window``, ``counterfactual_conversions`` with ``counterfactual_ci_low``/``_high``,
        ``sessions_window``, ``counterfactual_sessions``, ``sessions_change`` (S_obs / S_cf − 1),
        ``rate_counterfactual`` (C_cf / S_cf), ``conversions_change`` (C_obs / C_cf − 1, the sessions and the
        rate lift together), ``revenue_window`` (when known), ``model``, ``df``, ``autocorrelation``,
        ``n_days_window``, ``n_days_baseline``, ``status``, ``reason``.

    Notes
    -----
    A campaign brings visitors as well as converting them better: counting only the rate change, at the
    window's actual sessions, gives the campaign's extra traffic no credit. Here both counterfactuals come
    from the baseline with the model of :func:`metrics.conversion_change` (level, day of week, trend, AR(1)
    errors with ρ integrated out): log sessions, log s_t = x_t'γ + u_t, and the log rate,
    log((c_t + ½)/s_t) = x_t'β + v_t. Their product, counterfactual sessions × counterfactual rate, is the
    exponential of the sum of the two models, which is the same linear model fitted to log(c_t + ½) with
    residual u_t + v_t — so the interval is computed on that sum: it carries both counterfactuals'
    uncertainty and the correlation between them (a day of cheap traffic has many sessions and a low rate).
    C_cf = Σ_W exp(ŷ_t) gets the predictive distribution of :func:`metrics.conversion_change`, and

        incremental conversions = C_obs − C_cf,   interval C_obs − (upper, lower quantile of C_cf).

    Counterfactual sessions S_cf = Σ_W exp(ŝ_t) come from the sessions model alone and split C_cf into
    sessions and rate.

    References
    ----------
    .. [1] Brodersen, K. H. et al. (2015). Inferring causal impact using Bayesian structural time-series
       models. Annals of Applied Statistics 9(1), 247–274.
    .. [2] Zellner, A. & Tiao, G. C. (1964). Bayesian analysis of the regression model with autocorrelated
       errors. JASA 59(307), 763–778.
    .. [3] viralscope DESIGN, "Viral ROI" (the campaign's extra traffic counts, not only its rate).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> dates = pd.date_range("2026-01-05", periods=42, freq="D")
    >>> lifted = np.arange(42) >= 28
    >>> sessions = np.round(5000 * np.exp(rng.normal(0, 0.05, 42)) * np.where(lifted, 1.2, 1.0))
    >>> rate = 0.03 * np.exp(rng.normal(0, 0.08, 42)) * np.where(lifted, 1.1, 1.0)
    >>> daily = pd.DataFrame({"date": dates, "sessions": sessions, "conversions": rng.binomial(sessions.astype(int), rate)})
    >>> r = incremental_conversions(daily, ("2026-02-02", "2026-02-16"), ("2026-01-05", "2026-02-02"))
    >>> r["ci_low"] > 0, round(r["sessions_change"], 2), r["model"]
    (True, 0.14, 'log conversions ~ trend + day of week')
    """
    run = counterfactual_run(daily, window, baseline, incremental_arrays, level)
    if isinstance(run, dict):
        return run
    model, df, sw, r, facts = run
    c_cf, s_cf = float(r["counterfactual_conversions"]), float(r["counterfactual_sessions"])
    return ok(
        r["estimate"], r["ci_low"], r["ci_high"], p_value=float(r["p_value"]), counterfactual_conversions=c_cf,
        counterfactual_ci_low=float(r["counterfactual_ci_low"]), counterfactual_ci_high=float(r["counterfactual_ci_high"]),
        counterfactual_sessions=s_cf, sessions_change=float(sw.sum() / s_cf - 1), rate_counterfactual=c_cf / s_cf,
        conversions_change=float(facts["conversions_window"] / c_cf - 1),
        model=model.replace("log rate", "log conversions"), df=df,
        autocorrelation=float(r["autocorrelation"]), **facts,
    )
