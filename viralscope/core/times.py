"""Time: one convention end to end.

Every time in a DataFrame column, a window or a result is a timezone-aware UTC ``pandas.Timestamp``. Input
may be naive (meaning UTC) or in any zone; it becomes aware UTC here. The only conversions out of UTC are the
ones in this module: to the naive UTC values DuckDB's ``TIMESTAMP`` columns hold (:func:`to_db`, one place)
and to a reader's zone for display (:func:`local`).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from viralscope.core.errors import InputError, Problem

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


def to_db(value) -> dt.datetime:
    """The naive UTC datetime a DuckDB ``TIMESTAMP`` holds, for a time given as :func:`utc` takes it.

    The one conversion of a time into a query parameter: every read of the store passes its times through it.
    """
    return utc(value).tz_localize(None).to_pydatetime()


def times(series: pd.Series) -> pd.Series:
    """A column of times as UTC-aware timestamps (naive means UTC)."""
    s = pd.to_datetime(series)
    if getattr(s.dt, "tz", None) is None:
        return s.dt.tz_localize("UTC")
    return s.dt.tz_convert("UTC")


def in_window(ts: pd.Series, window: tuple[pd.Timestamp, pd.Timestamp]) -> np.ndarray:
    return ((ts >= window[0]) & (ts < window[1])).to_numpy()


def daily_sums(ts: pd.Series, values: np.ndarray, start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
    """Sums of ``values`` per whole day of ``[start, end)`` (a trailing part-day is left out)."""
    k = int(days(start, end))
    if k < 1:
        return np.zeros(0)
    mask = in_window(ts, (start, start + k * DAY))
    idx = ((ts[mask] - start) // DAY).astype(int).to_numpy()
    return np.bincount(idx, weights=values[mask], minlength=k)[:k]
