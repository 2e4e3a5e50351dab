"""Synthetic series with a known truth, for the simulation tests and the benchmarks (seeded, deterministic)."""

from __future__ import annotations

import numpy as np
import pandas as pd

WEEKDAY_RATE = np.array([1.0, 1.05, 1.02, 0.98, 0.95, 1.25, 1.3])  # Mon..Sun conversion-rate pattern
WEEKDAY_SESSIONS = np.array([1.0, 1.0, 1.0, 1.0, 1.1, 0.8, 0.75])


def campaign(rng: np.random.Generator, lift: float, *, baseline_days: int = 28, window_days: int = 14):
    """Daily sessions and conversions of one campaign: weekly seasonality, a slight trend, day-to-day
    rate noise well above binomial, and a true multiplicative lift ``lift`` on the window days.

    Returns ``(daily, window, baseline, noise_ratio)``; ``noise_ratio`` is the s.d. of the extra
    day-to-day log-rate noise over the binomial s.d. of a day's log rate.
    """
    n = baseline_days + window_days
    start = pd.Timestamp("2026-01-05") + pd.Timedelta(days=int(rng.integers(0, 7)))
    dates = pd.date_range(start, periods=n, freq="D")
    dow = dates.day_of_week.to_numpy()
    t = np.arange(n)
    sessions = rng.poisson(rng.uniform(2000, 8000) * WEEKDAY_SESSIONS[dow])
    base = rng.uniform(0.01, 0.05)
    sd = rng.uniform(0.15, 0.3)
    rate = (base * WEEKDAY_RATE[dow] ** rng.uniform(0.5, 1.5) * np.exp(rng.normal(0, 0.004) * t)
            * np.exp(rng.normal(0, sd, n)) * np.where(t >= baseline_days, 1 + lift, 1.0))
    conversions = rng.binomial(sessions, np.clip(rate, 0, 1))
    daily = pd.DataFrame({"date": dates, "sessions": sessions, "conversions": conversions})
    binomial_sd = np.sqrt((1 - base) / (sessions.mean() * base))
    return daily, (dates[baseline_days], dates[-1] + pd.Timedelta(days=1)), (dates[0], dates[baseline_days]), sd / binomial_sd


def hourly_world(rng: np.random.Generator, *, days: int = 60, level: float | None = None,
                 spikes: list[pd.Timestamp] = (), spike_hours: int = 6, spike_factor: float = 4.0,
                 start: str = "2026-01-05"):
    """Hourly mention counts (total and negative) with daily and weekly seasonality, a slight trend and
    overdispersed (gamma-Poisson, hour- and day-level) counts; each spike multiplies the seasonal negative
    volume by ``spike_factor`` for ``spike_hours`` hours.

    Returns a DataFrame of pre-aggregated rows (``created_at``, ``sentiment_label``, ``count``) and the
    expected seasonal negatives per hour (a Series).
    """
    hours = pd.date_range(start, periods=24 * days, freq="h", tz="UTC")
    h, dow = hours.hour.to_numpy(), hours.day_of_week.to_numpy()
    d = (np.arange(len(hours)) // 24)
    level = rng.uniform(20, 60) if level is None else level
    daily_shape = 1 + 0.6 * np.sin(2 * np.pi * (h - 9) / 24)  # trough 03:00 (0.4), peak 15:00 (1.6)
    weekly = np.array([1.1, 1.05, 1.0, 1.0, 0.95, 0.75, 0.7])[dow]
    trend = np.exp(rng.normal(0, 0.003) * d)
    mu_total = level * daily_shape * weekly * trend
    share = rng.uniform(0.08, 0.2)
    day_shock = rng.gamma(20, 1 / 20, days)[d]
    hour_shock = rng.gamma(8, 1 / 8, len(hours))
    total = rng.poisson(mu_total * day_shock * hour_shock)
    hour_share = rng.beta(share * 200, (1 - share) * 200, len(hours))
    negative = rng.binomial(total, hour_share)
    mu_negative = mu_total * share
    for s in spikes:
        i = hours.get_loc(s)
        seg = slice(i, min(i + spike_hours, len(hours)))
        extra = rng.poisson((spike_factor - 1) * mu_negative[seg])
        negative[seg] += extra
        total[seg] += extra
    rows = pd.DataFrame({
        "created_at": np.concatenate([hours, hours]),
        "sentiment_label": ["negative"] * len(hours) + ["positive"] * len(hours),
        "count": np.concatenate([negative, total - negative]).astype(float),
    })
    return rows, pd.Series(mu_negative, index=hours)


def ar1(rng: np.random.Generator, shape: tuple[int, int], rho: float, sd: np.ndarray, *, df: float | None = None):
    """Stationary AR(1) series along the last axis with marginal s.d. ``sd`` (one per row); Student t
    innovations with ``df`` degrees of freedom (scaled to the same variance) when given."""
    n, days = shape
    if df is None:
        shocks = rng.standard_normal((n, days))
    else:
        shocks = rng.standard_t(df, (n, days)) * np.sqrt((df - 2) / df)
    e = np.empty((n, days))
    e[:, 0] = shocks[:, 0]
    for t in range(1, days):
        e[:, t] = rho * e[:, t - 1] + np.sqrt(1 - rho**2) * shocks[:, t]
    return e * np.asarray(sd)[:, None]


def ar1_campaign_arrays(rng: np.random.Generator, n: int, rho: float, *, rate_lift: float = 0.15,
                        sessions_lift: float = 0.10, baseline_days: int = 28, window_days: int = 14,
                        heavy_tails: bool = False) -> dict:
    """``n`` campaigns whose days are not what the estimators assume to be simple: AR(1) day-to-day noise
    (correlation ``rho``) on both sessions and the conversion rate, correlated with each other (−0.3: a
    day of cheap traffic has many sessions and a low rate), weekly seasonality, a trend, sessions far more
    variable than Poisson, binomial conversions; Student t(4) shocks with ``heavy_tails``.

    Returns arrays (campaigns × days): ``sessions``, ``conversions``, ``dates`` (one row of dates per
    campaign), ``baseline_days``, and the truths ``rate_lift`` and ``incremental`` — Σ over the window of
    counterfactual sessions × counterfactual rate (the same day noise, without the campaign) × ((1 +
    sessions lift)(1 + rate lift) − 1).
    """
    days = baseline_days + window_days
    t = np.arange(days)
    offset = rng.integers(0, 7, n)
    dow = (offset[:, None] + t[None]) % 7
    df = 4.0 if heavy_tails else None
    base_sessions = rng.uniform(2000, 8000, n)
    sd_sessions = rng.uniform(0.05, 0.15, n)
    sd_rate = rng.uniform(0.10, 0.25, n)
    shared = ar1(rng, (n, days), rho, np.ones(n), df=df)
    own = ar1(rng, (n, days), rho, np.ones(n), df=df)
    noise_sessions = sd_sessions[:, None] * shared
    noise_rate = sd_rate[:, None] * (-0.3 * shared + np.sqrt(1 - 0.09) * own)
    lifted = t >= baseline_days
    s0 = (base_sessions[:, None] * WEEKDAY_SESSIONS[dow] * np.exp(rng.normal(0, 0.004, n)[:, None] * t)
          * np.exp(noise_sessions))
    r0 = (rng.uniform(0.01, 0.05, n)[:, None] * WEEKDAY_RATE[dow] ** rng.uniform(0.5, 1.5, n)[:, None]
          * np.exp(rng.normal(0, 0.004, n)[:, None] * t) * np.exp(noise_rate))
    sessions = rng.poisson(s0 * np.where(lifted, 1 + sessions_lift, 1.0))
    conversions = rng.binomial(sessions, np.clip(r0 * np.where(lifted, 1 + rate_lift, 1.0), 0, 1))
    factor = (1 + sessions_lift) * (1 + rate_lift) - 1
    dates = np.datetime64("2026-01-05") + offset[:, None] + t[None]
    return {"sessions": sessions, "conversions": conversions, "dates": dates, "baseline_days": baseline_days,
            "rate_lift": np.full(n, rate_lift), "incremental": (s0[:, lifted] * r0[:, lifted]).sum(axis=1) * factor}


def ar1_campaigns(rng: np.random.Generator, n: int, rho: float, **settings):
    """The campaigns of :func:`ar1_campaign_arrays` as ``(daily, window, baseline, truth)`` for the metrics."""
    a = ar1_campaign_arrays(rng, n, rho, **settings)
    k = a["baseline_days"]
    out = []
    for i in range(n):
        dates = pd.DatetimeIndex(a["dates"][i])
        daily = pd.DataFrame({"date": dates, "sessions": a["sessions"][i], "conversions": a["conversions"][i]})
        truth = {"rate_lift": float(a["rate_lift"][i]), "incremental": float(a["incremental"][i])}
        out.append((daily, (dates[k], dates[-1] + pd.Timedelta(days=1)), (dates[0], dates[k]), truth))
    return out
