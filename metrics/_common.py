"""Helpers shared by the metric families: windows, result dicts, input checks.

Every metric returns a plain ``dict`` with ``status`` ("ok" or "n/a") and, when "n/a", a ``reason``; a
number that cannot mean anything is ``None``, never NaN or infinity.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from viralscope.errors import InputError, Problem

DAY = pd.Timedelta(days=1)


def utc(value) -> pd.Timestamp:
    """A UTC-aware Timestamp from a date, datetime, string or Timestamp (naive means UTC)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def interval(window, what: str = "window") -> tuple[pd.Timestamp, pd.Timestamp]:
    """``(start, end)`` as UTC Timestamps, checked to be a non-empty half-open interval."""
    try:
        start, end = window
    except (TypeError, ValueError):
        raise InputError(Problem(what, None, None, f"{window!r} is not a (start, end) pair")) from None
    start, end = utc(start), utc(end)
    if end <= start:
        raise InputError(Problem(what, None, None, f"end {end} is not after start {start}"))
    return start, end


def default_baseline(window) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The equally long period just before ``window``."""
    start, end = interval(window)
    return start - (end - start), start


def days(start: pd.Timestamp, end: pd.Timestamp) -> float:
    return (end - start) / DAY


def times(series: pd.Series) -> pd.Series:
    """A column of times as UTC-aware timestamps (naive means UTC)."""
    s = pd.to_datetime(series)
    if getattr(s.dt, "tz", None) is None:
        return s.dt.tz_localize("UTC")
    return s.dt.tz_convert("UTC")


def need(df: pd.DataFrame, columns, what: str = "mentions") -> None:
    """Raise an InputError naming the first missing column."""
    if not isinstance(df, pd.DataFrame):
        raise InputError(Problem(what, None, None, f"expected a pandas DataFrame, got {type(df).__name__}"))
    for col in columns:
        if col not in df.columns:
            raise InputError(Problem(what, None, col, "column missing"))


def weights(df: pd.DataFrame) -> np.ndarray:
    """Row weights: the ``count`` column of pre-aggregated input, else 1 per row (one mention)."""
    if "count" in df.columns:
        return pd.to_numeric(df["count"], errors="coerce").fillna(0).to_numpy(dtype=float)
    return np.ones(len(df))


def in_window(ts: pd.Series, window: tuple[pd.Timestamp, pd.Timestamp]) -> np.ndarray:
    return ((ts >= window[0]) & (ts < window[1])).to_numpy()


def finite(x) -> float | None:
    """``x`` as a float, or None when it is missing, NaN or infinite (JSON and screens never see NaN)."""
    if x is None:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def na(reason: str, **fields) -> dict:
    """A result that cannot be computed, with the reason."""
    out = {"estimate": None, "ci_low": None, "ci_high": None, "status": "n/a", "reason": reason}
    out.update(fields)
    return out


def ok(estimate, ci_low=None, ci_high=None, **fields) -> dict:
    """A computed result; any non-finite number becomes None."""
    out = {"estimate": finite(estimate), "ci_low": finite(ci_low), "ci_high": finite(ci_high)}
    out.update({k: (finite(v) if isinstance(v, float | np.floating) else v) for k, v in fields.items()})
    out["status"], out["reason"] = "ok", None
    if out["estimate"] is None:
        out["status"], out["reason"] = "n/a", "the estimate is not a finite number"
    return out


def daily_sums(ts: pd.Series, values: np.ndarray, start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
    """Sums of ``values`` per whole day of ``[start, end)`` (a trailing part-day is left out)."""
    k = int(days(start, end))
    if k < 1:
        return np.zeros(0)
    mask = in_window(ts, (start, start + k * DAY))
    idx = ((ts[mask] - start) // DAY).astype(int).to_numpy()
    return np.bincount(idx, weights=values[mask], minlength=k)[:k]


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


def wilson(k: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion k/n (k, n may be effective, non-integer counts)."""
    from scipy import stats

    if n <= 0:
        return (0.0, 1.0)
    z = stats.norm.ppf(1 - (1 - level) / 2)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))
