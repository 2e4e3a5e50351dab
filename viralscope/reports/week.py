"""ISO weeks (``2026-W06``) as half-open UTC intervals: Monday 00:00 to the next Monday 00:00."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from viralscope.core.errors import InputError, Problem
from viralscope.core.times import utc

__all__ = ["iso_week", "last_complete_week", "week_label", "weeks_between"]

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.I)


def iso_week(text: str, what: str = "--week") -> tuple[pd.Timestamp, pd.Timestamp]:
    """``YYYY-Www`` as ``(monday, next monday)`` in UTC; ``last`` means the last complete week."""
    text = str(text).strip()
    if text.lower() == "last":
        text = last_complete_week()
    m = _WEEK.match(text)
    if not m:
        raise InputError(Problem(what, None, None, f"{text!r} is not an ISO week like 2026-W06 (or 'last')"))
    year, week = int(m.group(1)), int(m.group(2))
    try:
        monday = dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise InputError(Problem(what, None, None, f"{text!r}: {year} has no week {week}")) from None
    start = pd.Timestamp(monday, tz="UTC")
    return start, start + pd.Timedelta(days=7)


def week_label(start) -> str:
    """The ISO week that contains ``start`` (a date, datetime or Timestamp; naive means UTC)."""
    ts = utc(start)
    year, week, _ = ts.date().isocalendar()
    return f"{year}-W{week:02d}"


def last_complete_week(now=None) -> str:
    """The ISO week before the one ``now`` (default: the current UTC time) falls in."""
    ts = pd.Timestamp.now(tz="UTC") if now is None else utc(now)
    return week_label(ts - pd.Timedelta(days=7))


def weeks_between(first, last) -> list[str]:
    """Every ISO week from the one holding ``first`` to the one holding ``last``, newest first."""
    a, b = iso_week(week_label(first))[0], iso_week(week_label(last))[0]
    return [week_label(d) for d in pd.date_range(a, b, freq="7D")][::-1]
