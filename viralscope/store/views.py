"""The explorer's reads: small aggregates of the mentions in a :class:`~viralscope.store.query.Scope`,
computed inside DuckDB (what the dashboard shows; ``dashboard.queries`` caches them per store version).

Each function returns at most a few thousand rows (a time series, a top-N, one page of a table) whatever the
size of the store, so a page costs about the same with ten thousand and with a million mentions. ``db`` is the
store (each call one short read-only connection, so a collector can write between two of them) or a reader.
Column and order names that go into SQL come from the whitelists below.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from viralscope.core.times import times, to_db, utc
from viralscope.store.query import Scope

#: Columns the Mentions explorer can sort by (whitelist: the name goes into SQL).
SORTABLE = ("created_at", "likes", "shares", "replies", "author_followers", "sentiment_compound", "depth")
#: Dimensions a chart can be split by -> SQL expression (whitelist).
DIMENSIONS = {"brand": "brand", "source": "source", "lang": "lang", "kind": "kind"}
#: Orders of the top-cascades table (whitelist).
CASCADE_ORDERS = {"size": "size DESC", "depth": "depth DESC, size DESC", "breadth": "max_breadth DESC, size DESC",
                  "recent": "last_at DESC, size DESC"}


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


def overview(db, days: int) -> dict:
    """What is in the store: its size, first and last day, the newest ``days`` days holding data (newest
    first) and the values each list filter offers."""
    span = db.query("SELECT count(*) AS n, min(created_at) AS first, max(created_at) AS last FROM mentions")
    n = int(span["n"].iloc[0])
    out = {"n": n, "first": None, "last": None, "days": [], "brand": [], "source": [], "language": []}
    if n == 0:
        return out
    out["first"], out["last"] = span["first"].iloc[0].date(), span["last"].iloc[0].date()
    newest = db.query("SELECT DISTINCT CAST(created_at AS DATE) AS d FROM mentions ORDER BY d DESC LIMIT ?",
                       [int(days)])
    out["days"] = [pd.Timestamp(d).date() for d in newest["d"]]
    values = db.query(
        """SELECT 'brand' AS key, brand AS value, count(*) AS n FROM mentions GROUP BY brand
           UNION ALL SELECT 'source', source, count(*) FROM mentions GROUP BY source
           UNION ALL SELECT 'language', lang, count(*) FROM mentions GROUP BY lang
           ORDER BY key, n DESC"""
    )
    for key, rows in values.groupby("key", sort=False):
        out[key] = [(v if isinstance(v, str) else None, int(c)) for v, c in zip(rows["value"], rows["n"], strict=True)]
    return out


def stage_status(db) -> dict:
    """Which later stages have run: mentions scored, cascades linked, business data, collector runs."""
    row = db.query(
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


def totals(db, scope: Scope) -> dict:
    """Counts of the mentions in the filters: all, authors, and by kind; roots = cascades started."""
    cond, params = scope.where()
    row = db.query(
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


def volume(db, scope: Scope, by: str | None = "brand", *, bucket: str) -> pd.DataFrame:
    """Mentions per time bucket and group: columns ``t``, ``group``, ``n``."""
    cond, params = scope.where()
    return db.query(
        f"""SELECT {_bucket_sql(bucket)} AS t, {_dim(by)} AS "group", count(*) AS n
            FROM mentions WHERE {cond} GROUP BY ALL ORDER BY t, "group" """,  # noqa: S608
        params,
    )


def volume_by_brand_and_source(db, scope: Scope, *, bucket: str) -> pd.DataFrame:
    """Mentions per time bucket, brand and source in one scan: ``t``, ``brand``, ``source``, ``n``."""
    cond, params = scope.where()
    return db.query(
        f"""SELECT {_bucket_sql(bucket)} AS t, brand, source, count(*) AS n
            FROM mentions WHERE {cond} GROUP BY ALL ORDER BY t""",  # noqa: S608
        params,
    )


def _search(search: str | None) -> tuple[str, list]:
    if not search or not search.strip():
        return "TRUE", []
    term = search.strip()
    pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return ("(text ILIKE ? ESCAPE '\\' OR author_name ILIKE ? ESCAPE '\\')", [pattern, pattern])


def count_mentions(db, scope: Scope, search: str | None = None) -> int:
    cond, params = scope.where()
    s_cond, s_params = _search(search)
    return int(db.scalar(f"SELECT count(*) FROM mentions WHERE {cond} AND {s_cond}", params + s_params))  # noqa: S608


def mentions_page(db, scope: Scope, *, search: str | None = None, sort: str = "created_at",
                  descending: bool = True, limit: int = 50, offset: int = 0) -> pd.DataFrame:
    """One page of mentions, sorted in the database (ties broken by source and id, so pages never overlap)."""
    if sort not in SORTABLE:
        raise ValueError(f"cannot sort by {sort!r}")
    cond, params = scope.where()
    s_cond, s_params = _search(search)
    direction = "DESC" if descending else "ASC"
    return db.query(
        f"""SELECT created_at, source, id, author_name, author_followers, kind, brand, lang, text,
                   sentiment_label, sentiment_compound, sentiment_scored, likes, shares, replies,
                   cascade_id, depth, url
            FROM mentions WHERE {cond} AND {s_cond}
            ORDER BY {sort} {direction} NULLS LAST, source, id
            LIMIT ? OFFSET ?""",  # noqa: S608
        params + s_params + [int(limit), int(offset)],
    )


def corrections(db, keys: list[tuple[str, str]]) -> pd.DataFrame:
    """The latest label a person gave each of ``keys`` (``source``, ``id``), if any."""
    if not keys:
        return pd.DataFrame(columns=["source", "id", "label", "labelled_at"])
    frame = pd.DataFrame(keys, columns=["source", "id"])
    with db.read() as con:
        con.register("wanted", frame)
        out = con.execute(
            """SELECT l.source, l.id, arg_max(l.label, l.labelled_at) AS label, max(l.labelled_at) AS labelled_at
               FROM sentiment_labels l SEMI JOIN wanted w ON w.source = l.source AND w.id = l.id
               GROUP BY l.source, l.id"""
        ).df()
    out["labelled_at"] = times(out["labelled_at"])
    return out


# -- sentiment ----------------------------------------------------------------------------------------


def sentiment_series(db, scope: Scope, by: str | None = None, *, bucket: str) -> pd.DataFrame:
    """Scored mentions per time bucket, group and label: ``t``, ``group``, ``label``, ``n``."""
    cond, params = scope.where()
    return db.query(
        f"""SELECT {_bucket_sql(bucket)} AS t, {_dim(by)} AS "group", sentiment_label AS label, count(*) AS n
            FROM mentions WHERE {cond} AND sentiment_label IS NOT NULL
            GROUP BY ALL ORDER BY t""",  # noqa: S608
        params,
    )


def sentiment_breakdown(db, scope: Scope, by: str) -> pd.DataFrame:
    """Mentions per group and label (``unscored`` for mentions the sentiment stage has not seen)."""
    cond, params = scope.where()
    return db.query(
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


def cascade_candidates(db, order: str = "size", pool: int = 5_000) -> pd.DataFrame:
    """The ``pool`` best cascades of the whole store by ``order``, with their root (see :func:`top_cascades`).

    It does not depend on the filters, so it is computed once per store version; a change of the filters
    ranks it in memory (:func:`rank_cascades`) instead of aggregating every mention again.
    """
    ranking = _ranking(order)
    cap = f"ORDER BY {ranking}, source, cascade_id LIMIT {int(pool)}"
    return db.query(_CASCADES_SQL.format(cap=cap, cond="TRUE", ranking=ranking, limit=""))


#: An in-memory database for filtering frames with the filters' SQL; each use takes its own cursor.
_MEMORY = duckdb.connect()


def rank_cascades(candidates: pd.DataFrame, scope: Scope, order: str = "size", limit: int = 25) -> pd.DataFrame:
    """The best ``limit`` of ``candidates`` whose root is in ``scope`` (an in-memory DuckDB; the store is not read).

    If the candidates are the top P cascades of the store and at least ``limit`` of them match, these are
    the top ``limit`` of all matching cascades (every other cascade ranks below all P). Callers fall back
    to :func:`top_cascades` when fewer match.
    """
    ranking = _ranking(order)
    cond, params = scope.where(time_column="started_at")
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
        if len(out):
            out[col] = times(out[col])
    return out


def top_cascades(db, scope: Scope, order: str = "size", limit: int = 25) -> pd.DataFrame:
    """The largest (or deepest, broadest, latest) cascades whose root matches the filters.

    Columns: ``source``, ``cascade_id``, ``size``, ``depth``, ``max_breadth``, ``started_at``, ``last_at``,
    and the root's ``author_name``, ``brand``, ``lang``, ``sentiment_label``, ``text``, ``url``. Only
    cascades of two or more mentions: they are aggregated from the mentions that are not roots.
    """
    ranking = _ranking(order)
    cond, params = scope.where("r")
    return db.query(
        _CASCADES_SQL.format(cap="", cond=cond, ranking=ranking, limit="LIMIT ?"),
        params + [int(limit)],
    )


def share_orders(db, scope: Scope) -> pd.DataFrame:
    """Mentions by share order (depth in their cascade, 0 = original post): ``depth``, ``n``."""
    cond, params = scope.where()
    return db.query(
        f"""SELECT depth, count(*) AS n FROM mentions WHERE {cond} AND depth IS NOT NULL
            GROUP BY depth ORDER BY depth""",  # noqa: S608
        params,
    )


def cascade_nodes(db, source: str, cascade_id: str, limit: int = 200_000) -> pd.DataFrame:
    """The mentions of one cascade (no text): ``id``, ``parent``, ``depth``, ``created_at``, author, kind."""
    return db.query(
        """SELECT id, parent_resolved AS parent, depth, created_at, author_name, author_followers, kind,
                  sentiment_label
           FROM mentions WHERE source = ? AND cascade_id = ? ORDER BY depth, created_at, id LIMIT ?""",
        [source, cascade_id, int(limit)],
    )


def cascade_mentions(db, keys: list[tuple[str, str]], limit: int = 500_000) -> pd.DataFrame:
    """Every mention of the given cascades with the columns the diffusion stage reads."""
    if not keys:
        return pd.DataFrame(columns=["source", "id", "parent_id", "created_at", "cascade_id"])
    frame = pd.DataFrame(keys, columns=["source", "cascade_id"])
    with db.read() as con:
        con.register("wanted", frame)
        out = con.execute(
            """SELECT m.source, m.id, m.parent_resolved AS parent_id, m.created_at, m.cascade_id, m.depth,
                      m.author_id, m.author_name, m.author_followers
               FROM mentions m SEMI JOIN wanted w ON w.source = m.source AND w.cascade_id = m.cascade_id
               LIMIT ?""",
            [int(limit)],
        ).df()
    if len(out):
        out["created_at"] = times(out["created_at"])
    return out


#: The columns of a mention the "why it spread" analyses read (whitelist: the names go into SQL).
MEMBER_COLUMNS = ("source", "id", "parent_id", "parent_resolved", "cascade_id", "depth", "created_at", "author_id",
                  "author_name", "author_followers", "kind", "brand", "media", "sentiment_compound", "text")
#: What the forecasts read: links, times and who shared (no text).
LINK_COLUMNS = ("source", "id", "parent_id", "parent_resolved", "cascade_id", "depth", "created_at", "author_id",
                "author_followers", "kind")


def reignitions(db, scope: Scope, *, min_descendants: int, min_fraction: float) -> pd.DataFrame:
    """The shares that re-ignited the cascades whose original post is in ``scope`` (those of
    ``query.members_of_roots``), found in the database.

    What ``diffusion.trigger_accounts`` finds over those cascades' mentions, without reading them out: a share
    (share order ≥ 1, with an author) whose descendants d number at least ``min_descendants`` and are at least
    ``min_fraction`` of its cascade's other mentions. Descendants are counted by walking up from every
    mention to its ancestors. Only cascades of at least ``min_descendants + 2`` mentions can hold one.
    Returns ``diffusion.triggers.REIGNITION_COLUMNS`` in the order of the cascades' mentions.
    """
    cond, params = scope.where()
    return db.query(
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


def forecast_history(db, settle: pd.Timedelta, cascades: int) -> pd.DataFrame:
    """The links, times and sharers of the ``cascades`` latest finished cascades, for learning growth forecasts.

    Finished: the original post is at least ``settle`` older than the newest mention. Latest: by the time of
    the original post (the most recent behaviour of the sources and their accounts).
    """
    cutoff = db.scalar("SELECT max(created_at) FROM mentions")
    if cutoff is None:
        return pd.DataFrame(columns=list(LINK_COLUMNS))
    cutoff = to_db(utc(cutoff) - pd.Timedelta(settle))
    cols = ", ".join(f"m.{c}" for c in LINK_COLUMNS)
    return db.query(
        f"""WITH roots AS (
                SELECT source, id FROM mentions WHERE depth = 0 AND created_at <= ?
                ORDER BY created_at DESC, source, id LIMIT ?)
            SELECT {cols} FROM roots r JOIN mentions m ON m.source = r.source AND m.cascade_id = r.id
            ORDER BY m.source, m.cascade_id, m.depth, m.created_at, m.id""",  # noqa: S608 - fixed column names
        [cutoff, int(cascades)],
    )


# -- sources ------------------------------------------------------------------------------------------


def mentions_per_source(db) -> pd.DataFrame:
    """Per source: ``mentions``, ``first_mention``, ``last_mention`` and ``last_stored`` (when a mention of the
    source was last stored)."""
    return db.query(
        """SELECT source, count(*) AS mentions, min(created_at) AS first_mention, max(created_at) AS last_mention,
                  max(first_seen_at) AS last_stored
           FROM mentions GROUP BY source"""
    )


def recent_runs(db, limit: int = 50) -> pd.DataFrame:
    return db.query(
        """SELECT started_at, finished_at, source, query, status, mentions_new, mentions_updated, pages, errors,
                  last_error, rate_limit
           FROM collector_runs ORDER BY started_at DESC LIMIT ?""",
        [int(limit)],
    )


