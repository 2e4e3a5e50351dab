"""The reads of the store that the dashboard, the command line, the alerts and the reports share.

Every read is written once here and takes a :class:`Scope` — which mentions (brand, window, sources,
languages, sentiment labels) — that renders its own SQL condition. ``db`` is anything with the store's
``query`` and ``scalar`` (a :class:`viralscope.store.Store`, or one of its readers for several reads on one
connection). Times go in as aware UTC timestamps (:func:`viralscope.core.times.to_db` makes the query
parameters) and come out as aware UTC columns (``Store.query`` converts them). Counts that a pandas function
of ``metrics`` also computes sit next to a parity test in ``tests/test_store_query.py``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import pandas as pd

from viralscope.core.times import to_db, utc

#: A null in the store (no brand, no language detected) as a scope value.
NONE = "__none__"
#: The label of a mention the sentiment stage has not seen, as a scope value and in count rows.
UNSCORED = "unscored"


def _tuple(values) -> tuple:
    if values is None:
        return ()
    if isinstance(values, str):
        return (values,)
    return tuple(values)


@dataclass(frozen=True)
class Scope:
    """Which mentions a read is about: ``brands`` (a name, several, or () for all), the half-open window
    ``[start, end)`` (aware UTC; None for unbounded), ``sources``, ``langs`` and sentiment ``labels``
    (``"unscored"`` for a mention without one). :data:`NONE` in a list stands for a null value."""

    brands: tuple[str, ...] = ()
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    sources: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()

    def __post_init__(self):
        for name in ("brands", "sources", "langs", "labels"):
            object.__setattr__(self, name, _tuple(getattr(self, name)))
        for name in ("start", "end"):
            value = getattr(self, name)
            object.__setattr__(self, name, None if value is None else utc(value))

    def between(self, start, end) -> Scope:
        """The same scope over ``[start, end)``."""
        return dataclasses.replace(self, start=start, end=end)

    def where(self, alias: str = "", *, time_column: str = "created_at", dates: bool = True) -> tuple[str, list]:
        """The SQL condition (with ``?`` parameters) selecting the mentions of this scope.

        ``alias`` qualifies the columns (``"r"`` gives ``r.brand``); ``time_column`` is the column the window
        applies to; ``dates=False`` leaves the window out.
        """
        p = f"{alias}." if alias else ""
        parts: list[str] = []
        params: list = []
        if dates:
            for op, value in ((">=", self.start), ("<", self.end)):
                if value is not None:
                    parts.append(f"{p}{time_column} {op} ?")
                    params.append(to_db(value))
        for column, values, null in ((f"{p}brand", self.brands, NONE), (f"{p}source", self.sources, NONE),
                                     (f"{p}lang", self.langs, NONE), (f"{p}sentiment_label", self.labels, UNSCORED)):
            if values:
                named = [v for v in values if v != null]
                ors = []
                if named:
                    ors.append(f"{column} IN ({', '.join('?' * len(named))})")
                    params.extend(named)
                if null in values:
                    ors.append(f"{column} IS NULL")
                parts.append("(" + " OR ".join(ors) + ")")
        return (" AND ".join(parts) or "TRUE"), params


# -- the store as a whole ------------------------------------------------------------------------------


def has_brand(db, name: str) -> bool:
    """Whether any mention carries brand ``name``."""
    return bool(db.scalar("SELECT count(*) FROM mentions WHERE brand = ?", [name]))


def newest(db, scope: Scope = Scope()) -> pd.Timestamp | None:
    """The time of the newest mention of ``scope`` (UTC), None when it holds none."""
    cond, params = scope.where()
    value = db.scalar(f"SELECT max(created_at) FROM mentions WHERE {cond}", params)  # noqa: S608 - rendered by Scope
    return None if value is None else utc(value)


def span(db, scope: Scope = Scope()) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The first and last mention time of ``scope`` (UTC), None when it holds none."""
    cond, params = scope.where()
    a, b = db.query(f"SELECT min(created_at) AS a, max(created_at) AS b FROM mentions WHERE {cond}",  # noqa: S608
                    params).iloc[0]
    return None if pd.isna(a) else (utc(a), utc(b))


def cascades_built(db) -> bool:
    """Whether the cascades have been linked (any mention has a ``cascade_id``)."""
    return bool(db.scalar("SELECT count(*) FROM mentions WHERE cascade_id IS NOT NULL"))


def cascade_counts(db) -> tuple[int, int, int, int]:
    """Mentions in cascades, cascades, cascades of two or more mentions, and the deepest share order."""
    row = db.query(
        """SELECT coalesce(sum(n), 0) AS mentions, count(*) AS cascades, count(*) FILTER (WHERE n >= 2) AS spread,
                  coalesce(max(d), 0) AS deepest
           FROM (SELECT source, cascade_id, count(*) AS n, max(depth) AS d FROM mentions GROUP BY 1, 2)"""
    ).iloc[0]
    return int(row["mentions"]), int(row["cascades"]), int(row["spread"]), int(row["deepest"])


def alerts_sent(db) -> pd.DataFrame:
    """Every row of ``alerts_sent`` (``incident_key``, ``target``, ``sent_at``, ``payload``), oldest first."""
    return db.query("SELECT incident_key, target, sent_at, payload FROM alerts_sent ORDER BY sent_at, target")


def conversions(db, start, end) -> pd.DataFrame:
    """The daily business rows (``conversions``) of ``[start, end)``, by date."""
    return db.query("SELECT * FROM conversions WHERE date >= ? AND date < ? ORDER BY date", [to_db(start), to_db(end)])


# -- counts --------------------------------------------------------------------------------------------


def label_counts(db, scope: Scope, *, width: str = "1 hour", origin=None, threads: bool = False) -> pd.DataFrame:
    """Mentions of ``scope`` per time bin and sentiment label: ``created_at`` (the bin's start), ``sentiment_label``
    (``"unscored"`` for a mention without one), ``count``; by time.

    Bins are ``width`` long (``"1 hour"``, ``"1 minute"``, ``"1 day"``) on the grid through ``origin`` (default:
    midnight UTC). What ``metrics.hourly_counts`` computes from mention rows; the input of crisis detection,
    ``volume_spikes``, the lifts and net sentiment. With ``threads``, the negative rows also carry
    ``largest_cascade``: the negative mentions of the bin's largest cascade (a mention without one is its own),
    what ``metrics.spikes.largest_thread`` computes from rows — it lets ``metrics.detect_crises`` report a burst
    spread over many threads in its first hour.
    """
    if width not in ("1 minute", "1 hour", "1 day"):
        raise ValueError(f"unknown bin width {width!r}")
    cond, params = scope.where()
    # On the midnight grid date_trunc is the same bin and cheaper than time_bucket.
    bucket, origin_params = (f"date_trunc('{width[2:]}', created_at)", []) if origin is None else \
        (f"time_bucket(INTERVAL '{width}', created_at, ?::TIMESTAMP)", [to_db(origin)])
    counts = f"""SELECT {bucket} AS created_at, coalesce(sentiment_label, '{UNSCORED}') AS sentiment_label,
                        count(*) AS count
                 FROM mentions WHERE {cond} GROUP BY ALL"""  # noqa: S608 - width is checked, cond rendered by Scope
    if not threads:
        return db.query(f"{counts} ORDER BY 1, 2", [*origin_params, *params])  # noqa: S608 - as above
    return db.query(
        f"""WITH counts AS ({counts}),
                 threads AS (SELECT created_at, max(n) AS largest_cascade FROM (
                     SELECT {bucket} AS created_at, source, coalesce(cascade_id, id), count(*) AS n
                     FROM mentions WHERE {cond} AND sentiment_label = 'negative' GROUP BY ALL) GROUP BY ALL)
            SELECT c.*, CASE WHEN c.sentiment_label = 'negative' THEN coalesce(t.largest_cascade, 0) END
                   AS largest_cascade
            FROM counts c LEFT JOIN threads t ON c.created_at = t.created_at ORDER BY 1, 2""",  # noqa: S608
        [*origin_params, *params, *origin_params, *params],
    )


def daily_brand_counts(db, start, end, brands) -> pd.DataFrame:
    """Mentions per day of each of ``brands`` in ``[start, end)``: ``created_at`` (the day's first), ``brand``,
    ``count`` — what ``metrics.share_of_voice`` reads. Days run from ``start``, as the metric counts them."""
    scope = Scope(brands=tuple(brands), start=start, end=end)
    cond, params = scope.where()
    return db.query(
        f"""SELECT min(created_at) AS created_at, brand, count(*) AS count FROM mentions
            WHERE {cond} GROUP BY brand, time_bucket(INTERVAL '1 day', created_at, ?::TIMESTAMP)""",  # noqa: S608
        [*params, to_db(start)],
    )


def followers(db, scope: Scope) -> pd.DataFrame:
    """The summed author followers and the number of mentions of ``scope`` (one row: ``author_followers``,
    ``count``) — what ``metrics.earned_media_value`` reads."""
    cond, params = scope.where()
    return db.query(
        f"""SELECT coalesce(sum(author_followers), 0) AS author_followers, count(*) AS count FROM mentions
            WHERE {cond}""",  # noqa: S608 - rendered by Scope
        params,
    )


def sample_texts(db, scope: Scope, limit: int) -> list[str]:
    """At most ``limit`` texts of ``scope``: a reproducible sample (the same rows for the same data, hash order)."""
    cond, params = scope.where()
    return db.query(
        f"""SELECT text FROM mentions WHERE {cond}
            ORDER BY hash(source || ':' || id) LIMIT {int(limit)}""",  # noqa: S608 - rendered by Scope, int
        params,
    )["text"].tolist()


# -- accounts, cascades, replies -----------------------------------------------------------------------


def account_match(accounts, prefix: str = "") -> tuple[str, list]:
    """SQL true for a mention written by one of ``accounts`` (author id or name, ``@`` and case ignored)."""
    if not accounts:
        return "false", []
    pattern = "^@?(" + "|".join(re.escape(str(a).strip().lstrip("@").lower()) for a in accounts) + ")$"
    return (f"coalesce(regexp_full_match({prefix}author_id, ?, 'i') OR regexp_full_match({prefix}author_name, ?, 'i'), "
            "false)"), [pattern, pattern]


def rooted_cascades(db, scope: Scope, accounts) -> pd.DataFrame:
    """One row per cascade whose original post is in ``scope``: the root's ``sentiment_label`` and ``by_brand``
    (written by one of ``accounts``), ``members``, ``size`` (members not by the brand), ``depth``, ``shares`` and
    ``share_order_sum`` — what the share-depth and amplification KPIs read."""
    cond, params = scope.where()
    own, own_params = account_match(accounts, "m.")
    root_own, root_params = account_match(accounts)
    return db.query(
        f"""WITH roots AS (
                SELECT source, id, sentiment_label, {root_own} AS by_brand FROM mentions
                WHERE coalesce(depth, 0) = 0 AND {cond})
            SELECT r.sentiment_label, r.by_brand, count(m.id) AS members,
                   count(m.id) FILTER (WHERE NOT {own}) AS size, coalesce(max(m.depth), 0) AS depth,
                   count(m.id) FILTER (WHERE m.depth >= 1) AS shares,
                   coalesce(sum(m.depth) FILTER (WHERE m.depth >= 1), 0) AS share_order_sum
            FROM roots r JOIN mentions m ON m.source = r.source AND m.cascade_id = r.id
            GROUP BY r.source, r.id, r.sentiment_label, r.by_brand""",  # noqa: S608 - rendered by Scope
        [*root_params, *params, *own_params],
    )


def first_brand_replies(db, scope: Scope, accounts, end, question_pattern: str) -> pd.DataFrame:
    """The complaints and questions of ``scope`` with their first brand reply, found in SQL.

    What ``metrics.response_times`` does over a frame of mentions, done where the mentions are: an item is a
    negative mention or a question (``question_pattern``, case ignored) by someone other than the brand, not a
    bare reshare, in ``scope``; its reply is the earliest non-reshare mention by a brand account (``accounts``:
    ids or names, ``@`` and case ignored) that descends from it and is created after it and no later than
    ``end``. Returns ``created_at, replied_at (NaT when unanswered), complaint, question`` for
    ``metrics.response_summary``.
    """
    cond, params = scope.where()
    (brand, account_params), (brand_m, _) = account_match(accounts), account_match(accounts, "m.")
    return db.query(
        f"""WITH RECURSIVE items AS MATERIALIZED (
                SELECT source, id, cascade_id, created_at, question, sentiment_label = 'negative' AS complaint
                FROM (SELECT source, id, cascade_id, created_at, sentiment_label,
                             coalesce(regexp_matches(text, ?, 'i'), false) AS question
                      FROM mentions
                      WHERE {cond} AND kind <> 'share' AND NOT {brand})
                WHERE sentiment_label = 'negative' OR question),
            -- Only the threads holding an item can hold its answer, and an answer and the replies between
            -- it and the item come after the item, so after the window's start.
            thread AS MATERIALIZED (
                SELECT m.source, m.id, m.created_at, m.parent_resolved,
                       m.kind <> 'share' AND {brand_m} AS by_brand
                FROM mentions m SEMI JOIN items i ON m.source = i.source AND m.cascade_id = i.cascade_id
                WHERE m.created_at >= ? AND m.created_at <= ?),
            -- Every ancestor of every brand reply (the step bound only guards against a cycle of links).
            up(source, ancestor, replied, step) AS (
                SELECT source, parent_resolved, created_at, 1 FROM thread
                WHERE by_brand AND parent_resolved IS NOT NULL
                UNION ALL
                SELECT u.source, t.parent_resolved, u.replied, u.step + 1
                FROM up u JOIN thread t ON t.source = u.source AND t.id = u.ancestor
                WHERE t.parent_resolved IS NOT NULL AND u.step < 10000)
            SELECT i.created_at, min(u.replied) AS replied_at, i.complaint, i.question
            FROM items i LEFT JOIN up u ON u.source = i.source AND u.ancestor = i.id AND u.replied > i.created_at
            GROUP BY i.source, i.id, i.created_at, i.complaint, i.question""",  # noqa: S608 - rendered conditions
        [question_pattern, *params, *account_params, *account_params, to_db(scope.start), to_db(end)],
    )


_NAME = re.compile(r"^[a-z_]+$")


def members_of_roots(db, scope: Scope, columns, *, root_text: bool = False) -> pd.DataFrame:
    """Every mention of the cascades whose original post (share order 0) is in ``scope``.

    A cascade is keyed by its original post (``cascade_id`` is the root's id within its source); its mentions
    are read whole, even those written after the window. ``columns`` are columns of ``mentions``;
    ``root_text`` adds the original post's ``text`` (null on the other mentions). Rows come by source,
    cascade, share order, time and id.
    """
    bad = [c for c in columns if not _NAME.match(c)]
    if bad:
        raise ValueError(f"not column names: {bad}")
    cond, params = scope.where()
    wanted = [*columns, *(["text"] if root_text and "text" not in columns else [])]
    select = ", ".join("CASE WHEN m.depth = 0 THEN m.text END AS text" if c == "text" and root_text else f"m.{c}"
                       for c in wanted)
    return db.query(
        f"""WITH roots AS (SELECT source, id FROM mentions WHERE coalesce(depth, 0) = 0 AND {cond})
            SELECT {select}
            FROM roots r JOIN mentions m ON m.source = r.source AND m.cascade_id = r.id
            ORDER BY m.source, m.cascade_id, m.depth, m.created_at, m.id""",  # noqa: S608 - checked names, Scope
        params,
    )


# -- incidents -----------------------------------------------------------------------------------------


def incident_mentions(db, scope: Scope, start, end, *, label: str | None = "negative", before_days: int = 7,
                      sample: int = 20_000) -> pd.DataFrame:
    """The mentions of an incident ``[start, end)`` and a sample of the ``before_days`` days before it, what
    ``metrics.incident_drivers`` reads: ``created_at``, ``sentiment_label``, ``cascade_id`` (qualified by its
    source, ``source:cascade_id``, since ids are unique within a source only), ``text``.

    ``label`` keeps the mentions with that sentiment label (None: all, for a volume spike). The days before are
    sampled reproducibly (hash order) down to ``sample`` rows; rows come by time, source and id, so the same
    data give the same drivers whatever order they were stored in.
    """
    start, end = utc(start), utc(end)
    labelled = dataclasses.replace(scope, labels=(label,) if label is not None else ())
    inside, in_params = labelled.between(start, end).where()
    before, b_params = labelled.between(start - pd.Timedelta(days=before_days), start).where()
    return db.query(
        f"""SELECT created_at, sentiment_label, cascade_id, text FROM (
                SELECT created_at, sentiment_label, source || ':' || cascade_id AS cascade_id, text, source, id
                FROM mentions WHERE {inside}
                UNION ALL
                (SELECT created_at, sentiment_label, source || ':' || cascade_id, text, source, id FROM mentions
                 WHERE {before} ORDER BY hash(source || ':' || id), source, id LIMIT {int(sample)}))
            ORDER BY created_at, source, id""",  # noqa: S608 - rendered by Scope, int
        [*in_params, *b_params],
    )


#: The columns of :func:`posts`.
POST_COLUMNS = ["id", "source", "author_id", "author_name", "text", "url", "created_at", "author_followers", "shares"]


def posts(db, keys) -> pd.DataFrame:
    """The mentions of ``keys`` (``source:id``): ``id`` (as given), ``source``, ``author_id``, ``author_name``,
    ``text``, ``url``, ``created_at`` and their reach: ``author_followers`` and ``shares`` (as the source
    reported them; null when it did not)."""
    keys = list(keys)
    if not keys:
        return pd.DataFrame(columns=POST_COLUMNS)
    return db.query(
        f"""SELECT source || ':' || id AS id, source, author_id, author_name, text, url, created_at,
                   author_followers, shares
            FROM mentions
            WHERE source || ':' || id IN ({", ".join("?" for _ in keys)})""",  # noqa: S608 - placeholders
        keys,
    )


# -- the weekly report ---------------------------------------------------------------------------------


def notable(db, scope: Scope, label: str, accounts, limit: int) -> pd.DataFrame:
    """The ``limit`` posts, replies and quotes of ``scope`` labelled ``label`` with the widest reach, by authors
    other than ``accounts`` (lower-case names without ``@``), ties broken by engagement, time, source and id."""
    cond, params = dataclasses.replace(scope, labels=(label,)).where()
    accounts = list(accounts) or [""]
    marks = ", ".join("?" for _ in accounts)
    return db.query(
        f"""SELECT created_at, source, id, author_id, author_name, coalesce(author_followers, 0) AS reach,
                   likes, shares, replies, sentiment_compound, kind, text, url
            FROM mentions
            WHERE {cond} AND kind <> 'share' AND length(trim(text)) > 0
              AND lower(ltrim(coalesce(author_id, ''), '@')) NOT IN ({marks})
              AND lower(ltrim(coalesce(author_name, ''), '@')) NOT IN ({marks})
            ORDER BY reach DESC, coalesce(likes, 0) + coalesce(shares, 0) + coalesce(replies, 0) DESC,
                     created_at, source, id
            LIMIT {int(limit)}""",  # noqa: S608 - rendered by Scope, placeholders, int
        [*params, *accounts, *accounts],
    )
