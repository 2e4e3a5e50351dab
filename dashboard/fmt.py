"""Numbers and dates as a reader of English or Korean expects them.

English: ``12,345``, ``1.2M``, ``Jan 5, 2026``. Korean: ``12,345``, ``120만``, ``2026년 1월 5일``.
Times are UTC everywhere on screen (and say so), because every number in the store is defined in UTC.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from viralscope.core.times import utc

_EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


#: What is shown for a value that is not known.
MISSING = "—"


def missing(x) -> bool:
    """True for None, NaN, NaT and pandas' NA."""
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def number(x, lang: str = "en", *, digits: int = 0) -> str:
    """A number with thousands separators (both languages group by three digits in full form)."""
    if missing(x) or (isinstance(x, float) and not math.isfinite(x)):
        return MISSING
    return f"{x:,.{digits}f}"


def compact(x, lang: str = "en") -> str:
    """A short number for cards and axes: 1.2K / 3.4M in English, 1.2천 / 120만 / 3.4억 in Korean."""
    if missing(x) or (isinstance(x, float) and not math.isfinite(x)):
        return MISSING
    sign, x = ("-" if x < 0 else ""), abs(float(x))
    if lang == "ko":
        steps = [(1e8, "억"), (1e4, "만"), (1e3, "천")]
    else:
        steps = [(1e9, "B"), (1e6, "M"), (1e3, "K")]
    for size, suffix in steps:
        if x >= size:
            v = x / size
            text = f"{v:,.1f}".rstrip("0").rstrip(".") if v < 100 else f"{v:,.0f}"
            return f"{sign}{text}{suffix}"
    return f"{sign}{x:,.0f}" if x == int(x) else f"{sign}{x:,.2f}"


def percent(x, lang: str = "en", *, digits: int = 1, signed: bool = False) -> str:
    """A fraction as a percentage: 0.215 → ``+21.5%`` when ``signed``."""
    if missing(x) or (isinstance(x, float) and not math.isfinite(x)):
        return MISSING
    return f"{x * 100:+,.{digits}f}%" if signed else f"{x * 100:,.{digits}f}%"


def date(d, lang: str = "en") -> str:
    """A calendar day: ``Jan 5, 2026`` / ``2026년 1월 5일``."""
    if missing(d):
        return MISSING
    d = pd.Timestamp(d)
    if lang == "ko":
        return f"{d.year}년 {d.month}월 {d.day}일"
    return f"{_EN_MONTHS[d.month - 1]} {d.day}, {d.year}"


def datetime(t, lang: str = "en") -> str:
    """A moment in UTC: ``Jan 5, 2026 14:05 UTC`` / ``2026년 1월 5일 14:05 UTC``."""
    if missing(t):
        return MISSING
    t = utc(t)
    return f"{date(t, lang)} {t:%H:%M} UTC"


def date_range(start: dt.date | None, end: dt.date | None, lang: str = "en") -> str:
    """Both days included, as the filter shows them."""
    return f"{date(start, lang)} – {date(end, lang)}"


def minutes(x, lang: str = "en") -> str:
    """A duration in minutes: ``45 min`` / ``2.5 h`` (``45분`` / ``2.5시간``)."""
    if missing(x) or (isinstance(x, float) and not math.isfinite(x)):
        return MISSING
    if x < 90:
        return f"{x:,.0f}분" if lang == "ko" else f"{x:,.0f} min"
    hours = x / 60
    if hours < 48:
        return f"{hours:,.1f}시간" if lang == "ko" else f"{hours:,.1f} h"
    return f"{hours / 24:,.1f}일" if lang == "ko" else f"{hours / 24:,.1f} d"


def plotly_date_format(lang: str, bucket: str) -> str:
    """d3 time format of a time axis for the language and the bucket width."""
    if bucket == "hour":
        return "%m월 %d일 %H시" if lang == "ko" else "%b %d %H:00"
    return "%m월 %d일" if lang == "ko" else "%b %d"
