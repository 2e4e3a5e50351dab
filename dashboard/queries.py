"""Every read the dashboard makes: small aggregates computed inside DuckDB.

A page never loads all mentions: each function here returns at most a few thousand rows (a time series,
a top-N, one page of a table) whatever the size of the store, so a page costs about the same with ten
thousand and with a million mentions. Each call is one short read-only connection (``Store.query``), so
a collector can write between two of them. Functions are pure (store and filters in, DataFrame out);
``dashboard.cache`` memoises them per store version.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from dashboard.filters import DEFAULT_DAYS, Filters, where
from viralscope import cascades
from viralscope.store import Store

#: Columns the Mentions explorer can sort by (whitelist: the name goes into SQL).
SORTABLE = ("created_at", "likes", "shares", "replies", "author_followers", "sentiment_compound", "depth")
#: Dimensions a chart can be split by -> SQL expression (whitelist).
DIMENSIONS = {"brand": "brand", "source": "source", "lang": "lang", "kind": "kind"}
#: Orders of the top-cascades table (whitelist).
CASCADE_ORDERS = {"size": "size DESC", "depth": "depth DESC, size DESC", "breadth": "max_breadth DESC, size DESC",
                  "recent": "last_at DESC, size DESC"}


def bucket_for(f: Filters) -> str:
    """Time resolution of a chart: hours for a few days, days up to half a year, weeks beyond."""
    days = f.days or 90
    return "hour" if days <= 3 else "day" if days <= 180 else "week"


def _bucket_sql(bucket: str) -> str:
    if bucket not in ("hour", "day", "week"):
        raise ValueError(f"unknown bucket {bucket!r}")
    return f"date_trunc('{bucket}', created_at)"


def _dim(by: str | None) -> str:
    if by is None:
        return "'all'"
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}")
    return DIMENSIONS[by]


# -- the store as a whole -----------------------------------------------------------------------------


def overview(store: Store) -> dict:
    """What is in the store: its size, first and last day, and the values each list filter offers."""
    span = store.query("SELECT count(*) AS n, min(created_at) AS first, max(created_at) AS last FROM mentions")
    n = int(span["n"].iloc[0])
    out = {"n": n, "first": None, "last": None, "days": [], "brand": [], "source": [], "language": []}
    if n == 0:
        return out
    out["first"], out["last"] = span["first"].iloc[0].date(), span["last"].iloc[0].date()
    days = store.query("SELECT DISTINCT CAST(created_at AS DATE) AS d FROM mentions ORDER BY d DESC LIMIT ?",
                       [2 * DEFAULT_DAYS])
    out["days"] = [pd.Timestamp(d).date() for d in days["d"]]  # the newest days holding data, newest first
    values = store.query(
        """SELECT 'brand' AS key, brand AS value, count(*) AS n FROM mentions GROUP BY brand
           UNION ALL SELECT 'source', source, count(*) FROM mentions GROUP BY source
           UNION ALL SELECT 'language', lang, count(*) FROM mentions GROUP BY lang
           ORDER BY key, n DESC"""
    )
    for key, rows in values.groupby("key", sort=False):
        out[key] = [(v if isinstance(v, str) else None, int(c)) for v, c in zip(rows["value"], rows["n"], strict=True)]
    return out


def stage_status(store: Store) -> dict:
    """Which later stages have run: mentions scored, cascades linked, business data, collector runs."""
    row = store.query(
        """SELECT count(*) AS n,
                  count(sentiment_label) AS scored,
                  count(*) FILTER (WHERE depth >= 1) AS linked,
                  (SELECT count(*) FROM conversions) AS conversion_days,
                  (SELECT count(*) FROM collector_runs) AS runs,
                  (SELECT count(*) FROM sentiment_labels) AS corrections
           FROM mentions"""
    ).iloc[0]
    return {k: int(v) for k, v in row.items()}


# -- volume -------------------------------------------------------------------------------------------


def totals(store: Store, f: Filters) -> dict:
    """Counts of the mentions in the filters: all, authors, and by kind; roots = cascades started."""
    cond, params = where(f)
    row = store.query(
        f"""SELECT count(*) AS mentions,
                   -- distinct 64-bit hashes: about twice as fast as distinct strings, and the chance that
                   -- two of a million accounts collide is below 1 in 30 million
                   count(DISTINCT hash(source, coalesce(author_id, author_name)))
                     FILTER (WHERE coalesce(author_id, author_name) IS NOT NULL) AS authors,
                   count(*) FILTER (WHERE coalesce(author_id, author_name) IS NOT NULL) AS with_author,
                   count(*) FILTER (WHERE kind = 'post') AS posts,
                   count(*) FILTER (WHERE kind = 'reply') AS replies,
                   count(*) FILTER (WHERE kind = 'share') AS shares,
                   count(*) FILTER (WHERE kind = 'quote') AS quotes,
                   count(*) FILTER (WHERE parent_resolved IS NULL) AS roots,
                   count(sentiment_label) AS scored
            FROM mentions WHERE {cond}""",  # noqa: S608
        params,
    ).iloc[0]
    return {k: int(v) for k, v in row.items()}


def volume(store: Store, f: Filters, by: str | None = "brand", bucket: str | None = None) -> pd.DataFrame:
    """Mentions per time bucket and group: columns ``t``, ``group``, ``n``."""
    bucket = bucket or bucket_for(f)
    cond, params = where(f)
    return store.query(
        f"""SELECT {_bucket_sql(bucket)} AS t, {_dim(by)} AS "group", count(*) AS n
            FROM mentions WHERE {cond} GROUP BY ALL ORDER BY t, "group" """,  # noqa: S608
        params,
    )


def volume_by_brand_and_source(store: Store, f: Filters, bucket: str | None = None) -> pd.DataFrame:
    """Mentions per time bucket, brand and source in one scan: ``t``, ``brand``, ``source``, ``n``."""
    bucket = bucket or bucket_for(f)
    cond, params = where(f)
    return store.query(
        f"""SELECT {_bucket_sql(bucket)} AS t, brand, source, count(*) AS n
            FROM mentions WHERE {cond} GROUP BY ALL ORDER BY t""",  # noqa: S608
        params,
    )


def split_volume(df: pd.DataFrame, by: str) -> pd.DataFrame:
    """The ``t``, ``group``, ``n`` series of one dimension from :func:`volume_by_brand_and_source`."""
    out = df.groupby(["t", by], dropna=False, as_index=False)["n"].sum()
    return out.rename(columns={by: "group"})


def _search(search: str | None) -> tuple[str, list]:
    if not search or not search.strip():
        return "TRUE", []
    term = search.strip()
    pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return ("(text ILIKE ? ESCAPE '\\' OR author_name ILIKE ? ESCAPE '\\')", [pattern, pattern])


def count_mentions(store: Store, f: Filters, search: str | None = None) -> int:
    cond, params = where(f)
    s_cond, s_params = _search(search)
    return int(store.scalar(f"SELECT count(*) FROM mentions WHERE {cond} AND {s_cond}", params + s_params))  # noqa: S608


def mentions_page(store: Store, f: Filters, *, search: str | None = None, sort: str = "created_at",
                  descending: bool = True, limit: int = 50, offset: int = 0) -> pd.DataFrame:
    """One page of mentions, sorted in the database (ties broken by source and id, so pages never overlap)."""
    if sort not in SORTABLE:
        raise ValueError(f"cannot sort by {sort!r}")
    cond, params = where(f)
    s_cond, s_params = _search(search)
    direction = "DESC" if descending else "ASC"
    return store.query(
        f"""SELECT created_at, source, id, author_name, author_followers, kind, brand, lang, text,
                   sentiment_label, sentiment_compound, sentiment_scored, likes, shares, replies,
                   cascade_id, depth, url
            FROM mentions WHERE {cond} AND {s_cond}
            ORDER BY {sort} {direction} NULLS LAST, source, id
            LIMIT ? OFFSET ?""",  # noqa: S608
        params + s_params + [int(limit), int(offset)],
    )


def corrections(store: Store, keys: list[tuple[str, str]]) -> pd.DataFrame:
    """The latest label a person gave each of ``keys`` (``source``, ``id``), if any."""
    if not keys:
        return pd.DataFrame(columns=["source", "id", "label", "labelled_at"])
    frame = pd.DataFrame(keys, columns=["source", "id"])
    with store.read() as con:
        con.register("wanted", frame)
        out = con.execute(
            """SELECT l.source, l.id, arg_max(l.label, l.labelled_at) AS label, max(l.labelled_at) AS labelled_at
               FROM sentiment_labels l SEMI JOIN wanted w ON w.source = l.source AND w.id = l.id
               GROUP BY l.source, l.id"""
        ).df()
    return out


# -- sentiment ----------------------------------------------------------------------------------------


def sentiment_series(store: Store, f: Filters, by: str | None = None, bucket: str | None = None) -> pd.DataFrame:
    """Scored mentions per time bucket, group and label: ``t``, ``group``, ``label``, ``n``."""
    bucket = bucket or bucket_for(f)
    cond, params = where(f)
    return store.query(
        f"""SELECT {_bucket_sql(bucket)} AS t, {_dim(by)} AS "group", sentiment_label AS label, count(*) AS n
            FROM mentions WHERE {cond} AND sentiment_label IS NOT NULL
            GROUP BY ALL ORDER BY t""",  # noqa: S608
        params,
    )


def sentiment_breakdown(store: Store, f: Filters, by: str) -> pd.DataFrame:
    """Mentions per group and label (``unscored`` for mentions the sentiment stage has not seen)."""
    cond, params = where(f)
    return store.query(
        f"""SELECT {_dim(by)} AS "group", coalesce(sentiment_label, 'unscored') AS label, count(*) AS n,
                   avg(sentiment_compound) AS mean_compound
            FROM mentions WHERE {cond} GROUP BY ALL ORDER BY "group", label""",  # noqa: S608
        params,
    )


# -- diffusion ----------------------------------------------------------------------------------------


_CASCADES_SQL = """
    WITH levels AS (
        SELECT source, cascade_id, depth, count(*) AS n, max(created_at) AS last
        FROM mentions WHERE depth >= 1 GROUP BY ALL
    ), c AS (
        SELECT source, cascade_id, (sum(n) + 1)::BIGINT AS size, max(depth) AS depth,
               greatest(max(n), 1) AS max_breadth, max(last) AS last_at
        FROM levels GROUP BY ALL {cap}
    )
    SELECT c.source, c.cascade_id, c.size, c.depth, c.max_breadth, r.created_at AS started_at, c.last_at,
           r.author_name, r.brand, r.lang, r.sentiment_label, r.text, r.url
    FROM c JOIN mentions r ON r.source = c.source AND r.id = c.cascade_id
    WHERE r.parent_resolved IS NULL AND {cond}
    ORDER BY {ranking}, c.source, c.cascade_id {limit}"""


def _ranking(order: str) -> str:
    if order not in CASCADE_ORDERS:
        raise ValueError(f"unknown order {order!r}")
    return CASCADE_ORDERS[order]


def cascade_candidates(store: Store, order: str = "size", pool: int = 5_000) -> pd.DataFrame:
    """The ``pool`` best cascades of the whole store by ``order``, with their root (see :func:`top_cascades`).

    It does not depend on the filters, so it is computed once per store version; a change of the filters
    ranks it in memory (:func:`rank_cascades`) instead of aggregating every mention again.
    """
    ranking = _ranking(order)
    cap = f"ORDER BY {ranking}, source, cascade_id LIMIT {int(pool)}"
    return store.query(_CASCADES_SQL.format(cap=cap, cond="TRUE", ranking=ranking, limit=""))


#: An in-memory database for filtering frames with the filters' SQL; each use takes its own cursor.
_MEMORY = duckdb.connect()


def rank_cascades(candidates: pd.DataFrame, f: Filters, order: str = "size", limit: int = 25) -> pd.DataFrame:
    """The best ``limit`` of ``candidates`` whose root matches ``f`` (an in-memory DuckDB; the store is not read).

    If the candidates are the top P cascades of the store and at least ``limit`` of them match, these are
    the top ``limit`` of all matching cascades (every other cascade ranks below all P). Callers fall back
    to :func:`top_cascades` when fewer match.
    """
    ranking = _ranking(order)
    cond, params = where(f, time_column="started_at")
    con = _MEMORY.cursor()  # a cursor of one in-memory database: opening a new one costs 20-40 ms
    try:
        con.execute("SET TimeZone = 'UTC'")  # the filters' times are naive UTC, the frame's are UTC-aware
        con.register("candidates", candidates)
        out = con.execute(
            f"""SELECT * FROM candidates WHERE {cond}
                ORDER BY {ranking}, source, cascade_id LIMIT ?""",  # noqa: S608
            params + [int(limit)],
        ).df()
    finally:
        con.close()
    for col in ("started_at", "last_at"):
        if len(out) and getattr(out[col].dt, "tz", None) is None:
            out[col] = out[col].dt.tz_localize("UTC")
    return out


def top_cascades(store: Store, f: Filters, order: str = "size", limit: int = 25) -> pd.DataFrame:
    """The largest (or deepest, broadest, latest) cascades whose root matches the filters.

    Columns: ``source``, ``cascade_id``, ``size``, ``depth``, ``max_breadth``, ``started_at``, ``last_at``,
    and the root's ``author_name``, ``brand``, ``lang``, ``sentiment_label``, ``text``, ``url``. Only
    cascades of two or more mentions: they are aggregated from the mentions that are not roots.
    """
    ranking = _ranking(order)
    cond, params = where(f, alias="r")
    return store.query(
        _CASCADES_SQL.format(cap="", cond=cond, ranking=ranking, limit="LIMIT ?"),
        params + [int(limit)],
    )


def share_orders(store: Store, f: Filters) -> pd.DataFrame:
    """Mentions by share order (depth in their cascade, 0 = original post): ``depth``, ``n``."""
    cond, params = where(f)
    return store.query(
        f"""SELECT depth, count(*) AS n FROM mentions WHERE {cond} AND depth IS NOT NULL
            GROUP BY depth ORDER BY depth""",  # noqa: S608
        params,
    )


def cascade_nodes(store: Store, source: str, cascade_id: str, limit: int = 200_000) -> pd.DataFrame:
    """The mentions of one cascade (no text): ``id``, ``parent``, ``depth``, ``created_at``, author, kind."""
    return store.query(
        """SELECT id, parent_resolved AS parent, depth, created_at, author_name, author_followers, kind,
                  sentiment_label
           FROM mentions WHERE source = ? AND cascade_id = ? ORDER BY depth, created_at, id LIMIT ?""",
        [source, cascade_id, int(limit)],
    )


def cascade_mentions(store: Store, keys: list[tuple[str, str]], limit: int = 500_000) -> pd.DataFrame:
    """Every mention of the given cascades with the columns the diffusion stage reads."""
    if not keys:
        return pd.DataFrame(columns=["source", "id", "parent_id", "created_at", "cascade_id"])
    frame = pd.DataFrame(keys, columns=["source", "cascade_id"])
    with store.read() as con:
        con.register("wanted", frame)
        out = con.execute(
            """SELECT m.source, m.id, m.parent_resolved AS parent_id, m.created_at, m.cascade_id, m.depth,
                      m.author_id, m.author_name, m.author_followers
               FROM mentions m SEMI JOIN wanted w ON w.source = m.source AND w.cascade_id = m.cascade_id
               LIMIT ?""",
            [int(limit)],
        ).df()
    if len(out):
        out["created_at"] = out["created_at"].dt.tz_localize("UTC")
    return out


#: The columns of a mention the "why it spread" analyses read (whitelist: the names go into SQL).
MEMBER_COLUMNS = ("source", "id", "parent_id", "parent_resolved", "cascade_id", "depth", "created_at", "author_id",
                  "author_name", "author_followers", "kind", "brand", "media", "sentiment_compound", "text")
#: What the forecasts read: links, times and who shared (no text).
LINK_COLUMNS = ("source", "id", "parent_id", "parent_resolved", "cascade_id", "depth", "created_at", "author_id",
                "author_followers", "kind")


def window_members(store: Store, f: Filters, *, columns: tuple[str, ...] = MEMBER_COLUMNS,
                   start: pd.Timestamp | None = None, end: pd.Timestamp | None = None,
                   root_text: bool = False) -> pd.DataFrame:
    """Every mention of the cascades whose original post matches the filters' window, brands, sources, languages.

    The cascades the weekly report analyses (``viralscope.reports``), for any window: an original post (share
    order 0) in ``[start, end)`` — the filters' window unless given — and every mention of its cascade, even
    those written after the window. The sentiment filter does not apply: the original post's sentiment is one
    of the traits measured, and a cascade mixes labels. ``root_text`` adds the original post's ``text`` (null
    on the other mentions). The read itself is ``viralscope.cascades.members_of_roots``, the report's too.
    """
    unknown = [c for c in columns if c not in MEMBER_COLUMNS]
    if unknown:
        raise ValueError(f"unknown columns {unknown}")
    cond, params = _roots_condition(f, start, end)
    return cascades.members_of_roots(store, cond, params, columns, root_text=root_text)


def _roots_condition(f: Filters, start=None, end=None) -> tuple[str, list]:
    """SQL condition (and parameters) on the original posts of :func:`window_members`."""
    g = Filters(start=f.start, end=f.end, brands=f.brands, sources=f.sources, langs=f.langs)
    cond, params = where(g, dates=False)
    lo, hi = g.window
    lo, hi = (lo if start is None else pd.Timestamp(start)), (hi if end is None else pd.Timestamp(end))
    for op, value in ((">=", lo), ("<", hi)):
        if value is not None:
            cond += f" AND created_at {op} ?"
            params.append((value.tz_convert(None) if value.tzinfo else value).to_pydatetime())
    return cond, params


def reignitions(store: Store, f: Filters, *, min_descendants: int, min_fraction: float) -> pd.DataFrame:
    """The shares that re-ignited the cascades of :func:`window_members`, found in the database.

    What ``diffusion.trigger_accounts`` finds over those cascades' mentions, without reading them out: a share
    (share order ≥ 1, with an author) whose descendants d number at least ``min_descendants`` and are at least
    ``min_fraction`` of its cascade's other mentions. Descendants are counted by walking up from every
    mention to its ancestors. Only cascades of at least ``min_descendants + 2`` mentions can hold one.
    Returns ``diffusion.triggers.REIGNITION_COLUMNS`` in the order of the cascades' mentions.
    """
    cond, params = _roots_condition(f)
    return store.query(
        f"""WITH RECURSIVE roots AS (SELECT source, id FROM mentions WHERE coalesce(depth, 0) = 0 AND {cond}),
            sizes AS (
                SELECT m.source, m.cascade_id, count(*) AS n FROM roots r JOIN mentions m
                       ON m.source = r.source AND m.cascade_id = r.id
                GROUP BY ALL HAVING count(*) >= ?),
            members AS MATERIALIZED (
                SELECT row_number() OVER () AS k, m.source, m.id, m.parent_resolved, m.cascade_id, m.depth,
                       m.created_at, m.author_id, m.author_name, m.author_followers, s.n
                FROM mentions m JOIN sizes s ON m.source = s.source AND m.cascade_id = s.cascade_id),
            -- Each mention's parent as a row number: the walk below joins integers, not strings.
            links AS MATERIALIZED (
                SELECT c.k, p.k AS parent FROM members c
                JOIN members p ON p.source = c.source AND p.id = c.parent_resolved),
            -- Every (mention, ancestor) pair; the step bound only guards against a cycle of links.
            up(ancestor, step) AS (
                SELECT parent, 1 FROM links
                UNION ALL
                SELECT l.parent, u.step + 1 FROM up u JOIN links l ON l.k = u.ancestor WHERE u.step < 10000),
            below AS (SELECT ancestor AS k, count(*) AS descendants FROM up GROUP BY ALL)
            SELECT m.source, m.author_id::VARCHAR AS author_id, m.author_name, m.author_followers::DOUBLE AS followers,
                   b.descendants, b.descendants / (m.n - 1) AS fraction, m.cascade_id AS cascade
            FROM below b JOIN members m ON m.k = b.k
            WHERE m.depth >= 1 AND m.author_id IS NOT NULL
              AND b.descendants >= ? AND b.descendants / (m.n - 1) >= ?  -- as the stage computes it
            ORDER BY m.source, m.cascade_id, m.depth, m.created_at, m.id""",  # noqa: S608 - whitelisted names
        [*params, int(min_descendants) + 2, int(min_descendants), float(min_fraction)],
    )


def forecast_history(store: Store, settle: pd.Timedelta, cascades: int) -> pd.DataFrame:
    """The links, times and sharers of the ``cascades`` latest finished cascades, for learning growth forecasts.

    Finished: the original post is at least ``settle`` older than the newest mention. Latest: by the time of
    the original post (the most recent behaviour of the sources and their accounts).
    """
    cutoff = store.scalar("SELECT max(created_at) FROM mentions")
    if cutoff is None:
        return pd.DataFrame(columns=list(LINK_COLUMNS))
    cutoff = cutoff - pd.Timedelta(settle).to_pytimedelta()
    cols = ", ".join(f"m.{c}" for c in LINK_COLUMNS)
    return store.query(
        f"""WITH roots AS (
                SELECT source, id FROM mentions WHERE depth = 0 AND created_at <= ?
                ORDER BY created_at DESC, source, id LIMIT ?)
            SELECT {cols} FROM roots r JOIN mentions m ON m.source = r.source AND m.cascade_id = r.id
            ORDER BY m.source, m.cascade_id, m.depth, m.created_at, m.id""",  # noqa: S608 - fixed column names
        [cutoff, int(cascades)],
    )


def newest_mention(store: Store) -> pd.Timestamp | None:
    """The time of the newest mention (UTC), the "now" of a store that is not collecting any more."""
    value = store.scalar("SELECT max(created_at) FROM mentions")
    return None if value is None else pd.Timestamp(value).tz_localize("UTC")


# -- crisis -------------------------------------------------------------------------------------------


def hourly_labels(store: Store, f: Filters, *, history_days: int = 35) -> pd.DataFrame:
    """Mentions per hour and sentiment label, from ``history_days`` before the window to its end.

    Pre-aggregated rows (``created_at``, ``sentiment_label``, ``count``) are what crisis detection reads,
    so it needs no mention-level data and costs the same at any store size.
    """
    start, end = f.window
    g = Filters(start=(f.start - dt.timedelta(days=history_days)) if f.start else None, end=f.end,
                brands=f.brands, sources=f.sources, langs=f.langs)
    cond, params = where(g)
    return store.query(
        f"""SELECT date_trunc('hour', created_at) AS created_at, sentiment_label, count(*) AS count
            FROM mentions WHERE {cond} AND sentiment_label IS NOT NULL
            GROUP BY ALL ORDER BY created_at""",  # noqa: S608
        params,
    )


# -- sources ------------------------------------------------------------------------------------------


def sources_summary(store: Store) -> pd.DataFrame:
    """Per source: the collectors' own status (last run, its state, totals) beside the mentions stored.

    The run columns are ``viralscope.collecting.source_status``; this adds the first and last mention and
    when a mention of the source was last stored (a source fed by imports has no runs but has these).
    """
    from viralscope.collecting import source_status

    stored = store.query(
        """SELECT source, count(*) AS mentions, min(created_at) AS first_mention, max(created_at) AS last_mention,
                  max(first_seen_at) AS last_stored
           FROM mentions GROUP BY source"""
    )
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
    return store.query(
        """SELECT started_at, finished_at, source, query, status, mentions_new, mentions_updated, pages, errors,
                  last_error, rate_limit
           FROM collector_runs ORDER BY started_at DESC LIMIT ?""",
        [int(limit)],
    )


# -- configuration ------------------------------------------------------------------------------------


def config(store: Store):
    """The configuration in force for this store (file, environment, or what the demo world saved)."""
    from viralscope.config import load_config

    return load_config(store=store)


def hourly_negatives(store: Store, f: Filters) -> pd.DataFrame:
    """Negative and all scored mentions per hour in the window: ``t``, ``negative``, ``total``."""
    cond, params = where(Filters(start=f.start, end=f.end, brands=f.brands, sources=f.sources, langs=f.langs))
    return store.query(
        f"""SELECT date_trunc('hour', created_at) AS t, count(*) FILTER (WHERE sentiment_label = 'negative') AS negative,
                   count(*) AS total
            FROM mentions WHERE {cond} AND sentiment_label IS NOT NULL GROUP BY ALL ORDER BY t""",  # noqa: S608
        params,
    )


def data_span(store: Store, f: Filters) -> tuple[dt.date, dt.date] | None:
    """The first and last day holding mentions that match ``f`` at any date (what an empty view offers)."""
    cond, params = where(f, dates=False)
    a, b = store.query(f"SELECT min(created_at) AS a, max(created_at) AS b FROM mentions WHERE {cond}",  # noqa: S608
                       params).iloc[0]
    return None if pd.isna(a) else (pd.Timestamp(a).date(), pd.Timestamp(b).date())
