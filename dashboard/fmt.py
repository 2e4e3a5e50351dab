"""Numbers and dates as a reader of English or Korean expects them.

English: ``12,345``, ``1.2M``, ``Jan 5, 2026``. Korean: ``12,345``, ``120만``, ``2026년 1월 5일``.
Times are UTC everywhere on screen (and say so), because every number in the store is defined in UTC.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from viralscope import kpi_registry
from viralscope.core.times import utc

_EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


#: What is shown for a value that is not known.
MISSING = kpi_registry.MISSING
# Numbers are written in one place, the KPI registry; dates and times here.
missing, number, compact, percent, minutes = (kpi_registry.missing, kpi_registry.number, kpi_registry.compact,
                                              kpi_registry.percent, kpi_registry.minutes)


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


def plotly_date_format(lang: str, bucket: str) -> str:
    """d3 time format of a time axis for the language and the bucket width."""
    if bucket == "hour":
        return "%m월 %d일 %H시" if lang == "ko" else "%b %d %H:00"
    return "%m월 %d일" if lang == "ko" else "%b %d"
