"""The global filters every page shares, and their round trip through the URL's query string.

A view is a link: the date range, brands, sources, languages and sentiments live in ``st.query_params``
(repeated keys for lists: ``?brand=Lumio&brand=Brightly``), so whoever opens the link sees the same
numbers. Only values that differ from the defaults are written, which keeps links short. This module is
pure (no Streamlit) so the parsing can be tested on its own; ``dashboard.shell`` wires it to widgets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from viralscope.store.query import NONE, Scope

__all__ = ["DEFAULT_DAYS", "LIST_KEYS", "NONE", "SENTIMENTS", "Filters", "default_period", "from_query", "presets",
           "to_query"]
#: Sentiment values a user can filter on; ``unscored`` is a mention the sentiment stage has not seen.
SENTIMENTS = ("positive", "neutral", "negative", "unscored")

#: URL key of each list filter -> the mentions column it restricts.
LIST_KEYS = {"brand": "brand", "source": "source", "language": "lang"}
#: A first visit shows the last this many days that hold data, when the data hold as many days again before
#: them (the KPIs' baseline); a store with fewer days of data is shown whole.
DEFAULT_DAYS = 28


@dataclass(frozen=True)
class Filters:
    """What a page shows: ``start``..``end`` are dates, both included (the SQL window is half-open)."""

    start: dt.date | None = None
    end: dt.date | None = None
    brands: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    sentiments: tuple[str, ...] = ()

    @property
    def window(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        """The half-open UTC window ``[start 00:00, end + 1 day 00:00)``."""
        start = pd.Timestamp(self.start, tz="UTC") if self.start else None
        end = pd.Timestamp(self.end, tz="UTC") + pd.Timedelta(days=1) if self.end else None
        return start, end

    @property
    def days(self) -> int | None:
        return (self.end - self.start).days + 1 if self.start and self.end else None

    def scope(self, *, dates: bool = True, sentiments: bool = True) -> Scope:
        """The mentions these filters select, as the store's reads take them (``viralscope.store.query``):
        without the window when ``dates`` is false, without the sentiment filter when ``sentiments`` is false."""
        start, end = self.window if dates else (None, None)
        return Scope(brands=self.brands, start=start, end=end, sources=self.sources, langs=self.langs,
                     labels=self.sentiments if sentiments else ())

    def baseline(self) -> Filters:
        """The same filters over the equally long period just before (DESIGN's default baseline)."""
        if not (self.start and self.end):
            return self
        span = dt.timedelta(days=self.days)
        return Filters(self.start - span, self.end - span, self.brands, self.sources, self.langs, self.sentiments)


def _parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def _clean(values: Sequence[str], allowed: Sequence[str] | None) -> tuple[str, ...]:
    """Keep known values once each, in the order given (unknown values from a hand-edited link are dropped)."""
    out: list[str] = []
    for v in values:
        if v not in out and (allowed is None or v in allowed):
            out.append(v)
    return tuple(out)


def default_period(span: tuple[dt.date, dt.date], days: Sequence[dt.date] | None = None) -> tuple[dt.date, dt.date]:
    """The dates a first visit (and "Reset") shows: the last ``DEFAULT_DAYS`` days that hold data, so the view
    is never a stretch of silence after the last burst; the whole span when the data hold fewer than twice as
    many days (a KPI then has no baseline of its length to compare with).

    ``days`` are the days holding data, newest first (the newest ``2 * DEFAULT_DAYS`` suffice); without them
    every day of the span is taken to hold data.
    """
    lo, hi = span
    if days is None:
        days = [hi - dt.timedelta(days=i) for i in range(min((hi - lo).days + 1, 2 * DEFAULT_DAYS))]
    days = sorted((d for d in days if lo <= d <= hi), reverse=True)
    if len(days) >= 2 * DEFAULT_DAYS:
        return days[DEFAULT_DAYS - 1], hi
    return lo, hi


def from_query(params: Mapping[str, Sequence[str]], *, span: tuple[dt.date, dt.date] | None = None,
               options: Mapping[str, Sequence[str]] | None = None, days: Sequence[dt.date] | None = None) -> Filters:
    """Filters from a query string given as ``{key: [values]}``; bad values fall back to the defaults.

    ``span`` is the first and last day with data: dates are clamped to it; without dates in the link the
    window is :func:`default_period`, with one of them the other is the span's edge. ``options`` lists the
    allowed values of each list filter (``brand``, ``source``, ``language``); ``days`` the days holding data
    (see :func:`default_period`).
    """
    options = options or {}
    first = lambda key: (list(params.get(key, [])) or [None])[0]  # noqa: E731
    start, end = _parse_date(first("from")), _parse_date(first("to"))
    if span:
        lo, hi = span
        if start is None and end is None:
            start, end = default_period(span, days)
        start = min(max(start or lo, lo), hi)
        end = min(max(end or hi, lo), hi)
        if end < start:
            start, end = default_period(span, days)
    return Filters(
        start=start,
        end=end,
        brands=_clean(params.get("brand", []), options.get("brand")),
        sources=_clean(params.get("source", []), options.get("source")),
        langs=_clean(params.get("language", []), options.get("language")),
        sentiments=_clean(params.get("sentiment", []), SENTIMENTS),
    )


def to_query(f: Filters, *, span: tuple[dt.date, dt.date] | None = None,
             days: Sequence[dt.date] | None = None) -> dict[str, list[str]]:
    """The query-string form of ``f``: only what differs from the defaults (the default period, everything)."""
    out: dict[str, list[str]] = {}
    if f.start and f.end and (span is None or (f.start, f.end) != default_period(span, days)):
        out["from"], out["to"] = [f.start.isoformat()], [f.end.isoformat()]
    for key, values in (("brand", f.brands), ("source", f.sources), ("language", f.langs),
                        ("sentiment", f.sentiments)):
        if values:
            out[key] = list(values)
    return out


def presets(span: tuple[dt.date, dt.date], campaigns=()) -> dict[str, tuple[dt.date, dt.date]]:
    """Ready-made periods: the whole span, the last 7 / 28 / 90 days of data, and each campaign.

    Keys are ``all``, ``last7``, ``last28``, ``last90`` and ``campaign:NAME``; days are both included and
    clamped to the span (a campaign's half-open end becomes its last day).
    """
    lo, hi = span
    out = {"all": (lo, hi)}
    for days in (7, 28, 90):
        if (hi - lo).days + 1 > days:
            out[f"last{days}"] = (hi - dt.timedelta(days=days - 1), hi)
    for c in campaigns:
        start, last = max(c.start, lo), min(c.end - dt.timedelta(days=1), hi)
        if start <= last:
            out[f"campaign:{c.name}"] = (start, last)
    return out
