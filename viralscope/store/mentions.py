"""The mentions and business days of the store, written: one transaction per batch, cascades kept linked.

A mention is identified by ``(source, id)``. A new one is inserted with its cascade already resolved; a copy
already stored updates its engagement counts (:data:`COUNTS`) to the copy's values where the copy has them
and fills the fields that were empty (:data:`FILLED`); everything else keeps the first copy's value.
Links are resolved over the stored and the new mentions together (``viralscope.core.links``), so a parent
that arrives late re-links the children that were waiting for it. Cursors a collector saves with a page
are written in the same transaction as the page.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from viralscope.core.links import resolve_links
from viralscope.store import ENGAGEMENT_COLUMNS, Store

#: Engagement counts a later copy of a mention updates.
COUNTS = [*ENGAGEMENT_COLUMNS, "author_followers"]
#: Fields a later copy fills when the stored one is empty.
FILLED = ["author_id", "author_name", "parent_id", "url", "lang", "media", "brand", "extra"]
#: The columns of a mention as written (the contract's, in the table's order).
COLUMNS = [
    "source", "id", "created_at", "text", "author_id", "author_name", "author_followers", "parent_id", "kind",
    "url", "lang", "likes", "shares", "replies", "media", "brand", "extra",
]


def upsert(store: Store, staged: pd.DataFrame, *, cursors: dict[tuple[str, str], str] | None = None) -> dict:
    """Write one batch of normalized mentions (one row per ``(source, id)``, :data:`COLUMNS`) and the
    collector's ``cursors`` in one transaction; ``inserted``, ``updated``, ``unchanged`` and ``links`` (how
    many of the batch's mentions carry each link flag)."""
    out = {"inserted": 0, "updated": 0, "unchanged": 0, "links": {}}
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    staged = staged[COLUMNS]
    with store.write() as con:
        if len(staged):
            con.register("staged", staged)
            # Stored roots that this batch gives a parent (the only stored links an update can change).
            con.execute(
                "CREATE TEMP TABLE filled AS SELECT s.source, s.id FROM staged s JOIN mentions m "
                "ON m.source = s.source AND m.id = s.id WHERE m.parent_id IS NULL AND s.parent_id IS NOT NULL"
            )
            out["updated"] = _update_existing(con, now)
            con.execute(
                "CREATE TEMP TABLE is_new AS SELECT s.source, s.id FROM staged s "
                "ANTI JOIN mentions m ON m.source = s.source AND m.id = s.id"
            )
            out["inserted"] = con.execute("SELECT count(*) FROM is_new").fetchone()[0]
            if out["inserted"] or out["updated"]:
                # Links are resolved over the stored and the new mentions together, so new rows are
                # inserted with their cascade already built and stored rows change only where they must.
                con.register("links", _resolve_sources(con, staged))
                con.execute(
                    f"""INSERT INTO mentions ({", ".join(COLUMNS)}, parent_resolved, cascade_id, depth, link_flag,
                                              first_seen_at, updated_at)
                        SELECT {", ".join("s." + c for c in COLUMNS)}, l.parent_resolved, l.cascade_id, l.depth,
                               l.link_flag, ?, ?
                        FROM staged s
                        SEMI JOIN is_new n ON n.source = s.source AND n.id = s.id
                        JOIN links l ON l.source = s.source AND l.id = s.id
                        -- In time order: each block of the table then covers a short span of time, and a
                        -- query of a window skips the blocks outside it (DuckDB's min/max per row group).
                        ORDER BY s.created_at, s.source, s.id""",  # noqa: S608
                    [now, now],
                )
                _apply_links(con)
                con.unregister("links")
            out["unchanged"] = len(staged) - out["inserted"] - out["updated"]
            out["links"] = _link_counts(con)
            con.unregister("staged")
            con.execute("DROP TABLE is_new")
            con.execute("DROP TABLE filled")
        for (source, key), value in (cursors or {}).items():
            con.execute("DELETE FROM cursors WHERE source = ? AND key = ?", [source, key])
            con.execute("INSERT INTO cursors VALUES (?, ?, ?, ?)", [source, key, value, now])
    return out


def read_cursor(store: Store, source: str, key: str) -> str | None:
    """The cursor a collector saved with its last page (None before the first page)."""
    return store.scalar("SELECT value FROM cursors WHERE source = ? AND key = ?", [source, key])


def _resolve_sources(con, staged: pd.DataFrame) -> pd.DataFrame:
    """Resolved links of the mentions whose links this batch can change: its new mentions, and the stored
    cascades that a new mention or a newly given parent joins to something else.

    Resolving a mention needs only its chain of parents (``viralscope.core.links``): a stored mention whose chain
    holds no new mention and no newly given parent keeps its links. The chains that do are those of the
    cascades rooted at a stored mention that waited for a new parent, or that was a root and is given one;
    a cycle the batch closes lies inside them. Every other parent reached is an *anchor*: its stored
    cascade and depth continue the chain. So the cost grows with the batch and the cascades it touches, not
    with the store (``relink`` resolves everything, and a test checks both agree).
    """
    frames = []
    for source in staged["source"].unique():
        rows = con.execute(
            """WITH heads AS (
                   SELECT DISTINCT m.cascade_id FROM mentions m
                   WHERE m.source = $1 AND (
                       m.parent_id IN (SELECT id FROM is_new WHERE source = $1)
                       OR m.id IN (SELECT id FROM filled WHERE source = $1)))
               SELECT id, parent_id, created_at FROM mentions
               WHERE source = $1 AND cascade_id IN (SELECT cascade_id FROM heads)
               UNION ALL
               SELECT s.id, s.parent_id, s.created_at FROM staged s
               SEMI JOIN is_new n ON n.source = s.source AND n.id = s.id WHERE s.source = $1""",
            [source],
        ).df()
        outside = rows["parent_id"].dropna()
        outside = outside[~outside.isin(rows["id"])].unique()
        anchors = con.execute(
            "SELECT id, coalesce(cascade_id, id) AS cascade_id, coalesce(depth, 0) AS depth, created_at FROM mentions "
            "WHERE source = ? AND id IN (SELECT unnest(?))",
            [source, list(outside)],
        ).df() if len(outside) else pd.DataFrame(columns=["id", "cascade_id", "depth", "created_at"])
        frame = pd.concat([rows, anchors[["id", "created_at"]].assign(parent_id=None)], ignore_index=True)
        links = resolve_links(frame).iloc[: len(rows)].copy()
        if len(anchors):
            at = anchors.set_index("id")
            via = links["cascade_id"].isin(at.index)
            links.loc[via, "depth"] += at.loc[links.loc[via, "cascade_id"], "depth"].to_numpy(np.int64)
            links.loc[via, "cascade_id"] = at.loc[links.loc[via, "cascade_id"], "cascade_id"].to_numpy(object)
        frames.append(links.assign(source=source))
    return pd.concat(frames, ignore_index=True)


def _apply_links(con) -> int:
    """Write the registered ``links`` into the stored mentions whose links differ; how many changed."""
    return con.execute(
        """UPDATE mentions AS m SET parent_resolved = l.parent_resolved, cascade_id = l.cascade_id,
               depth = l.depth, link_flag = l.link_flag
           FROM links l
           WHERE m.source = l.source AND m.id = l.id AND (
               m.parent_resolved IS DISTINCT FROM l.parent_resolved
               OR m.cascade_id IS DISTINCT FROM l.cascade_id
               OR m.depth IS DISTINCT FROM l.depth OR m.link_flag IS DISTINCT FROM l.link_flag)"""
    ).fetchone()[0]


def relink(store: Store) -> int:
    """Resolve the parent links of every stored mention again; returns how many mentions' links changed.

    Imports keep links resolved as they write, so on a store written only by them this changes nothing; it
    repairs a store whose mentions were written by other means (or by an older resolver) in one transaction.
    """
    store.ensure()
    with store.write() as con:
        sources = [row[0] for row in con.execute("SELECT DISTINCT source FROM mentions ORDER BY 1").fetchall()]
        frames = [
            resolve_links(con.execute("SELECT id, parent_id, created_at FROM mentions WHERE source = ?",
                                      [source]).df()).assign(source=source)
            for source in sources
        ]
        if not frames:
            return 0
        con.register("links", pd.concat(frames, ignore_index=True))
        changed = _apply_links(con)
        con.unregister("links")
    return int(changed)


def _update_existing(con, now) -> int:
    counts = ", ".join(f"{c} = coalesce(s.{c}, m.{c})" for c in COUNTS)
    fills = ", ".join(f"{c} = coalesce(m.{c}, s.{c})" for c in FILLED)
    changed = " OR ".join(
        [f"(s.{c} IS NOT NULL AND s.{c} IS DISTINCT FROM m.{c})" for c in COUNTS]
        + [f"(m.{c} IS NULL AND s.{c} IS NOT NULL)" for c in FILLED]
    )
    return con.execute(
        f"""UPDATE mentions AS m SET {counts}, {fills}, updated_at = ?
            FROM staged s WHERE m.source = s.source AND m.id = s.id AND ({changed})""",  # noqa: S608
        [now],
    ).fetchone()[0]


def _link_counts(con) -> dict:
    """How many of this batch's mentions carry each link flag."""
    rows = con.execute(
        """SELECT m.link_flag, count(*) FROM mentions m JOIN staged s ON m.source = s.source AND m.id = s.id
           WHERE m.link_flag IS NOT NULL GROUP BY 1"""
    ).fetchall()
    return dict(rows)


def upsert_conversions(store: Store, clean: pd.DataFrame) -> dict:
    """Write daily business rows (a date replaces its row); ``inserted``, ``updated``, ``unchanged``."""
    with store.write() as con:
        con.register("staged", clean)
        unchanged = con.execute(
            """SELECT count(*) FROM staged s JOIN conversions c ON c.date = s.date
               WHERE c.sessions = s.sessions AND c.conversions = s.conversions
                 AND c.revenue IS NOT DISTINCT FROM s.revenue AND c.spend IS NOT DISTINCT FROM s.spend
                 AND c.new_customers IS NOT DISTINCT FROM s.new_customers"""
        ).fetchone()[0]
        existing = con.execute("SELECT count(*) FROM staged s JOIN conversions c ON c.date = s.date").fetchone()[0]
        con.execute("DELETE FROM conversions WHERE date IN (SELECT date FROM staged)")
        con.execute(
            "INSERT INTO conversions SELECT date, sessions, conversions, revenue, spend, new_customers FROM staged"
        )
        con.unregister("staged")
    return {"inserted": len(clean) - existing, "updated": existing - unchanged, "unchanged": unchanged}
