"""Read-only views of stored sentiment for the dashboard and reports, aggregated in the database.

Counts are plain counts per label (what a net-sentiment or lift figure is computed from); no metric is
computed here. Mentions not scored yet (``sentiment_label`` null) and mentions in languages we cannot score
(``sentiment_scored`` false) are counted apart, so no chart mixes them with neutral opinions.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from viralscope.store import Store

__all__ = ["FREQS", "GROUPS", "sentiment_counts", "mentions_with_sentiment"]

FREQS = ("hour", "day", "week", "month")
# Languages as the scorers see them: given tags ("en-US", "ko_KR", "ja") folded to en / ko / other / und.
_LANG = (
    "CASE lower(split_part(replace(coalesce(lang, 'und'), '_', '-'), '-', 1)) "
    "WHEN 'en' THEN 'en' WHEN 'ko' THEN 'ko' WHEN 'und' THEN 'und' ELSE 'other' END"
)
GROUPS = ("brand", "source", "lang")


def _utc(value) -> pd.Timestamp:
    """A naive UTC timestamp (the store's times); naive input means UTC."""
    ts = pd.Timestamp(value)
    return ts if ts.tzinfo is None else ts.tz_convert("UTC").tz_localize(None)


def _filters(start, end, brand, lang, source) -> tuple[list[str], list]:
    where, params = [], []
    if start is not None:
        where.append("created_at >= ?")
        params.append(_utc(start))
    if end is not None:
        where.append("created_at < ?")
        params.append(_utc(end))
    for column, value in (("brand", brand), (_LANG, lang), ("source", source)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    return where, params


def sentiment_counts(
    store: Store,
    *,
    freq: str = "day",
    by: str | None = None,
    start: dt.datetime | dt.date | str | None = None,
    end: dt.datetime | dt.date | str | None = None,
    brand: str | None = None,
    lang: str | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """Mentions per time bucket (UTC, half-open ``[start, end)``) and label, optionally per brand, source or
    language (en, ko, other, und; given tags such as ko-KR folded): columns bucket, group, positive, neutral,
    negative, not_scored, unscored, mentions."""
    if freq not in FREQS:
        raise ValueError(f"freq must be one of {FREQS}")
    if by is not None and by not in GROUPS:
        raise ValueError(f"by must be one of {GROUPS} or None")
    where, params = _filters(start, end, brand, lang, source)
    group = _LANG if by == "lang" else f"coalesce({by}, '(none)')" if by else "'all'"
    sql = f"""
        SELECT date_trunc('{freq}', created_at) AS bucket, {group} AS "group",
               count(*) FILTER (WHERE sentiment_label = 'positive' AND sentiment_scored) AS positive,
               count(*) FILTER (WHERE sentiment_label = 'neutral' AND sentiment_scored) AS neutral,
               count(*) FILTER (WHERE sentiment_label = 'negative' AND sentiment_scored) AS negative,
               count(*) FILTER (WHERE sentiment_scored = false) AS not_scored,
               count(*) FILTER (WHERE sentiment_label IS NULL) AS unscored,
               count(*) AS mentions
        FROM mentions {"WHERE " + " AND ".join(where) if where else ""}
        GROUP BY ALL ORDER BY bucket, "group"
    """  # noqa: S608 - freq and by are checked against fixed lists; values are parameters
    store.ensure()
    return store.query(sql, params)


def mentions_with_sentiment(
    store: Store,
    *,
    label: str | None = None,
    lang: str | None = None,
    source: str | None = None,
    brand: str | None = None,
    start: dt.datetime | dt.date | str | None = None,
    end: dt.datetime | dt.date | str | None = None,
    order: str = "recent",
    limit: int = 100,
) -> pd.DataFrame:
    """Mentions with their scores for review and correction (``order``: recent, most_negative,
    most_positive, least_sure): source, id, created_at, author_name, text, lang, brand, compound, label,
    scored, model, corrected."""
    orders = {
        "recent": "created_at DESC",
        "most_negative": "sentiment_compound ASC NULLS LAST",
        "most_positive": "sentiment_compound DESC NULLS LAST",
        "least_sure": "abs(sentiment_compound) ASC NULLS LAST",
    }
    if order not in orders:
        raise ValueError(f"order must be one of {tuple(orders)}")
    where, params = _filters(start, end, brand, lang, source)
    if label is not None:
        where.append("sentiment_label = ?")
        params.append(label)
    sql = f"""
        SELECT source, id, created_at, author_name, text, lang, brand, sentiment_compound AS compound,
               sentiment_label AS label, sentiment_scored AS scored, sentiment_model AS model,
               sentiment_model = 'manual' AS corrected
        FROM mentions {"WHERE " + " AND ".join(where) if where else ""}
        ORDER BY {orders[order]}, source, id LIMIT ?
    """  # noqa: S608 - the order comes from a fixed table; values are parameters
    store.ensure()
    return store.query(sql, [*params, int(limit)])
