"""Every read the dashboard makes, composed from the store's reads (``viralscope.store.views`` and
``viralscope.store.query``) for the filters in view.

A page never loads all mentions: each read returns at most a few thousand rows (a time series, a top-N, one
page of a table) whatever the size of the store, so a page costs about the same with ten thousand and with a
million mentions. Each call is one short read-only connection (``Store.query``), so a collector can write
between two of them. Functions are pure (store and filters in, DataFrame out); ``dashboard.cache`` memoises
them per store version. No SQL is written here: the filters become a ``Scope`` (``Filters.scope``).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.filters import DEFAULT_DAYS, Filters
from viralscope.store import Store, query, views
from viralscope.store.views import CASCADE_ORDERS, DIMENSIONS, LINK_COLUMNS, MEMBER_COLUMNS, SORTABLE

__all__ = ["CASCADE_ORDERS", "DIMENSIONS", "LINK_COLUMNS", "MEMBER_COLUMNS", "SORTABLE"]


def bucket_for(f: Filters) -> str:
    """Time resolution of a chart: hours for a few days, days up to half a year, weeks beyond."""
    days = f.days or 90
    return "hour" if days <= 3 else "day" if days <= 180 else "week"


# -- the store as a whole -----------------------------------------------------------------------------


def overview(store: Store) -> dict:
    """What is in the store: its size, first and last day, the newest days holding data (newest first) and
    the values each list filter offers."""
    return views.overview(store, 2 * DEFAULT_DAYS)


def stage_status(store: Store) -> dict:
    """Which later stages have run: mentions scored, cascades linked, business data, collector runs."""
    return views.stage_status(store)


# -- the full list of each dimension (stable chart colours) ------------------------------------------


_NAMES: dict[tuple, list[str]] = {}


def names(store: Store, by: str | None) -> list[str] | None:
    """Every value of a dimension in a fixed order, so that a brand (source, language) keeps its colour
    whatever the filters (``dashboard.charts.colors``): the configured brands first (the brand, then its
    competitors in the configuration's order), then every other value of the whole store by volume.

    Kept per store version (a read of the whole store's values, once per write).
    """
    if by not in ("brand", "source", "lang"):
        return None
    key = (str(store.path), store.version(), by)
    if key not in _NAMES:
        info = views.overview(store, 1)
        found = [v for v, _ in info.get("language" if by == "lang" else by, []) if isinstance(v, str)]
        first = [b.name for b in config(store).brands] if by == "brand" else []
        if len(_NAMES) > 64:
            _NAMES.clear()
        _NAMES[key] = list(dict.fromkeys([*first, *found]))
    return _NAMES[key]


def _named(df: pd.DataFrame, store: Store, by: str | None) -> pd.DataFrame:
    df.attrs["names"] = names(store, by)
    return df


# -- volume -------------------------------------------------------------------------------------------


def totals(store: Store, f: Filters) -> dict:
    """Counts of the mentions in the filters: all, authors, and by kind; roots = cascades started."""
    return views.totals(store, f.scope())


def volume(store: Store, f: Filters, by: str | None = "brand", bucket: str | None = None) -> pd.DataFrame:
    """Mentions per time bucket and group: columns ``t``, ``group``, ``n``."""
    return _named(views.volume(store, f.scope(), by, bucket=bucket or bucket_for(f)), store, by)


def volume_by_brand_and_source(store: Store, f: Filters, bucket: str | None = None) -> pd.DataFrame:
    """Mentions per time bucket, brand and source in one scan: ``t``, ``brand``, ``source``, ``n``."""
    df = views.volume_by_brand_and_source(store, f.scope(), bucket=bucket or bucket_for(f))
    df.attrs["names_by"] = {by: names(store, by) for by in ("brand", "source")}
    return df


def split_volume(df: pd.DataFrame, by: str) -> pd.DataFrame:
    """The ``t``, ``group``, ``n`` series of one dimension from :func:`volume_by_brand_and_source`."""
    out = df.groupby(["t", by], dropna=False, as_index=False)["n"].sum().rename(columns={by: "group"})
    out.attrs = {"names": df.attrs.get("names_by", {}).get(by)}
    return out


def count_mentions(store: Store, f: Filters, search: str | None = None) -> int:
    return views.count_mentions(store, f.scope(), search)


def mentions_page(store: Store, f: Filters, *, search: str | None = None, sort: str = "created_at",
                  descending: bool = True, limit: int = 50, offset: int = 0) -> pd.DataFrame:
    """One page of mentions, sorted in the database (ties broken by source and id, so pages never overlap)."""
    return views.mentions_page(store, f.scope(), search=search, sort=sort, descending=descending, limit=limit,
                               offset=offset)


def corrections(store: Store, keys: list[tuple[str, str]]) -> pd.DataFrame:
    """The latest label a person gave each of ``keys`` (``source``, ``id``), if any."""
    return views.corrections(store, keys)


# -- sentiment ----------------------------------------------------------------------------------------


def sentiment_series(store: Store, f: Filters, by: str | None = None, bucket: str | None = None) -> pd.DataFrame:
    """Scored mentions per time bucket, group and label: ``t``, ``group``, ``label``, ``n``."""
    return _named(views.sentiment_series(store, f.scope(), by, bucket=bucket or bucket_for(f)), store, by)


def sentiment_breakdown(store: Store, f: Filters, by: str) -> pd.DataFrame:
    """Mentions per group and label (``unscored`` for mentions the sentiment stage has not seen)."""
    return _named(views.sentiment_breakdown(store, f.scope(), by), store, by)


# -- diffusion ----------------------------------------------------------------------------------------


def cascade_candidates(store: Store, order: str = "size", pool: int = 5_000) -> pd.DataFrame:
    """The ``pool`` best cascades of the whole store by ``order``, with their root (see :func:`top_cascades`).

    It does not depend on the filters, so it is computed once per store version; a change of the filters
    ranks it in memory (:func:`rank_cascades`) instead of aggregating every mention again.
    """
    return views.cascade_candidates(store, order, pool)


def rank_cascades(candidates: pd.DataFrame, f: Filters, order: str = "size", limit: int = 25) -> pd.DataFrame:
    """The best ``limit`` of ``candidates`` whose root matches ``f`` (the store is not read).

    If the candidates are the top P cascades of the store and at least ``limit`` of them match, these are
    the top ``limit`` of all matching cascades (every other cascade ranks below all P). Callers fall back
    to :func:`top_cascades` when fewer match.
    """
    return views.rank_cascades(candidates, f.scope(), order, limit)


def top_cascades(store: Store, f: Filters, order: str = "size", limit: int = 25) -> pd.DataFrame:
    """The largest (or deepest, broadest, latest) cascades whose root matches the filters (see
    ``viralscope.store.views.top_cascades`` for the columns)."""
    return views.top_cascades(store, f.scope(), order, limit)


def cascade_by_id(store: Store, cascade_id: str, source: str | None = None) -> pd.DataFrame:
    """One cascade read by its id (the original post's id), whatever the filters: one row with the columns of
    :func:`top_cascades`, or none when no source holds it. Without ``source`` every source of the store is
    tried (ids are unique within a source only: the first source holding it, in the store's order)."""
    for src in [source] if source else (names(store, "source") or []):
        root = query.posts(store, [f"{src}:{cascade_id}"])
        if root.empty:
            continue
        at = pd.Timestamp(root["created_at"].iloc[0])
        scope = query.Scope(sources=(src,)).between(at, at + pd.Timedelta(microseconds=1))
        found = views.top_cascades(store, scope, "size", 1_000)
        found = found[found["cascade_id"] == cascade_id]
        if len(found):
            return found.head(1).reset_index(drop=True)
        # A post nobody shared is a cascade of one.
        return pd.DataFrame({"source": [src], "cascade_id": [cascade_id], "size": [1], "depth": [0],
                             "max_breadth": [0], "started_at": [at], "last_at": [at],
                             "author_name": root["author_name"], "text": root["text"], "url": root["url"]})
    return pd.DataFrame(columns=["source", "cascade_id", "size", "depth", "max_breadth", "started_at", "last_at"])


def share_orders(store: Store, f: Filters) -> pd.DataFrame:
    """Mentions by share order (depth in their cascade, 0 = original post): ``depth``, ``n``."""
    return views.share_orders(store, f.scope())


def cascade_nodes(store: Store, source: str, cascade_id: str, limit: int = 200_000) -> pd.DataFrame:
    """The mentions of one cascade (no text): ``id``, ``parent``, ``depth``, ``created_at``, author, kind."""
    return views.cascade_nodes(store, source, cascade_id, limit)


def cascade_mentions(store: Store, keys: list[tuple[str, str]], limit: int = 500_000) -> pd.DataFrame:
    """Every mention of the given cascades with the columns the diffusion stage reads."""
    return views.cascade_mentions(store, keys, limit)


def _roots(f: Filters, start=None, end=None) -> query.Scope:
    """The original posts the "why it spread" analyses read: the filters without the sentiment filter (the
    original post's sentiment is one of the traits measured, and a cascade mixes labels), over the filters'
    window unless ``start`` / ``end`` are given."""
    lo, hi = f.window
    return f.scope(sentiments=False).between(lo if start is None else start, hi if end is None else end)


def window_members(store: Store, f: Filters, *, columns: tuple[str, ...] = MEMBER_COLUMNS,
                   start: pd.Timestamp | None = None, end: pd.Timestamp | None = None,
                   root_text: bool = False) -> pd.DataFrame:
    """Every mention of the cascades whose original post matches the filters' window, brands, sources, languages.

    The cascades the weekly report analyses (``viralscope.reports``), for any window: an original post (share
    order 0) in ``[start, end)`` — the filters' window unless given — and every mention of its cascade, even
    those written after the window. ``root_text`` adds the original post's ``text`` (null on the other
    mentions). The read itself is ``viralscope.store.query.members_of_roots``, the report's too.
    """
    unknown = [c for c in columns if c not in MEMBER_COLUMNS]
    if unknown:
        raise ValueError(f"unknown columns {unknown}")
    return query.members_of_roots(store, _roots(f, start, end), columns, root_text=root_text)


def reignitions(store: Store, f: Filters, *, min_descendants: int, min_fraction: float) -> pd.DataFrame:
    """The shares that re-ignited the cascades of :func:`window_members` (``viralscope.store.views.reignitions``)."""
    return views.reignitions(store, _roots(f), min_descendants=min_descendants, min_fraction=min_fraction)


def forecast_history(store: Store, settle: pd.Timedelta, cascades: int) -> pd.DataFrame:
    """The links, times and sharers of the ``cascades`` latest finished cascades, for learning growth forecasts."""
    return views.forecast_history(store, settle, cascades)


def newest_mention(store: Store) -> pd.Timestamp | None:
    """The time of the newest mention (UTC), the "now" of a store that is not collecting any more."""
    return query.newest(store)


# -- sources ------------------------------------------------------------------------------------------


def sources_summary(store: Store) -> pd.DataFrame:
    """Per source: the collectors' own status (last run, its state, totals) beside the mentions stored.

    The run columns are ``viralscope.collecting.source_status``; this adds the first and last mention and
    when a mention of the source was last stored (a source fed by imports has no runs but has these).
    """
    from viralscope.collecting import source_status

    stored = views.mentions_per_source(store)
    runs = source_status(store).drop(columns=["mentions_stored"], errors="ignore").rename(
        columns={"mentions_new": "collected_new"})
    out = stored.merge(runs, on="source", how="outer")
    out["mentions"] = out["mentions"].fillna(0).astype("int64")
    out["runs"] = out["runs"].fillna(0).astype("int64")
    return out.sort_values(["mentions", "source"], ascending=[False, True]).reset_index(drop=True)


def watch_health(store: Store) -> dict:
    """The watcher's last cycle and per-source lag and errors (``viralscope.watch.health``)."""
    from viralscope.watch import health

    return health(store)


def recent_runs(store: Store, limit: int = 50) -> pd.DataFrame:
    return views.recent_runs(store, limit)


# -- configuration ------------------------------------------------------------------------------------


def config(store: Store):
    """The configuration in force for this store (file, environment, or what the demo world saved)."""
    from viralscope.config import load_config

    return load_config(store=store)


def data_span(store: Store, f: Filters) -> tuple[dt.date, dt.date] | None:
    """The first and last day holding mentions that match ``f`` at any date (what an empty view offers)."""
    found = query.span(store, f.scope(dates=False))
    return None if found is None else (found[0].date(), found[1].date())
