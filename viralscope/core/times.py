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


def times(values, **parse):
    """Times as timezone-aware UTC (naive means UTC): a Series stays a Series, other array-likes become a
    DatetimeIndex. ``parse``: options of :func:`pandas.to_datetime`, e.g. ``unit="s"`` or ``format="mixed"``.

    >>> times(pd.Series(["2026-01-05 10:00", "2026-01-05T12:00+02:00"]), format="mixed").tolist()
    [Timestamp('2026-01-05 10:00:00+0000', tz='UTC'), Timestamp('2026-01-05 10:00:00+0000', tz='UTC')]
    """
    return pd.to_datetime(values, utc=True, **parse)


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


def to_db(value):
    """Naive UTC, the form DuckDB's ``TIMESTAMP`` columns, Excel and ISO text with a ``Z`` hold: the one
    conversion out of aware UTC on the way to storage (a Timestamp, datetime, date or string; or a Series).

    >>> to_db(pd.Timestamp("2026-01-05 11:00", tz="Europe/Berlin"))
    datetime.datetime(2026, 1, 5, 10, 0)
    """
    if isinstance(value, pd.Series):
        return times(value).dt.tz_localize(None)
    if value is None or value is pd.NaT:
        return None
    return utc(value).tz_localize(None).to_pydatetime()


def epoch_ns(values) -> np.ndarray | int:
    """Nanoseconds since 1970-01-01 UTC, as int64 (an array for array-likes, an int for one time)."""
    if np.ndim(values) == 0:
        return int(utc(values).value)
    t = pd.Series(times(values))
    return t.dt.tz_localize(None).astype("datetime64[ns]").to_numpy().view(np.int64)


def period_start(t: pd.Series, freq: str) -> pd.Series:
    """The start (aware UTC) of the period of ``freq`` holding each time: a floor for fixed frequencies
    ("1h", "D"), the calendar week's first moment for weeks ("W", "W-SUN")."""
    t = times(t)
    if freq.startswith("W"):
        return t.dt.tz_localize(None).dt.to_period(freq).dt.start_time.dt.tz_localize("UTC")
    return t.dt.floor(freq)
