"""Every way mentions and business data get into the store: files, collectors, the demo world.

A write is all or nothing: rows are read and checked completely first (``InputError`` before anything is
written), then upserted, linked into cascades and — for collectors — stamped with their cursors in one
transaction. A mention is identified by ``(source, id)``:

- a new one is inserted;
- a copy already stored updates its engagement counts (``likes``, ``shares``, ``replies``,
  ``author_followers``) to the copy's values where the copy has them, and fills fields that were empty;
  everything else keeps the first copy's value (so re-importing the same file changes nothing);
- the same mention twice in one input counts as one: the last copy's counts, the first copy's content,
  and the parent chosen by ``viralscope.core.links.choose_parents``.

After the upsert, cascades are rebuilt for every source the batch touched (``viralscope.core.links``), so a
parent that arrives late re-links the children that were waiting for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from viralscope import readers
from viralscope.core import contract
from viralscope.core.contract import Mention
from viralscope.core.errors import InputError, Problem
from viralscope.core.links import choose_parents, resolve_links
from viralscope.store import ENGAGEMENT_COLUMNS, Store

_COUNTS = [*ENGAGEMENT_COLUMNS, "author_followers"]
_FILLED = ["author_id", "author_name", "parent_id", "url", "lang", "media", "brand", "extra"]
_COLUMNS = [
    "source", "id", "created_at", "text", "author_id", "author_name", "author_followers", "parent_id", "kind",
    "url", "lang", "likes", "shares", "replies", "media", "brand", "extra",
]


@dataclass
class ImportSummary:
    """What a write did, for the one-line report the CLI prints."""

    origin: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    several_parents: int = 0
    links: dict = field(default_factory=dict)  # link_flag -> count among this batch's mentions

    def line(self) -> str:
        parts = [
            f"{self.origin}: {self.rows:,} rows → {self.inserted:,} new, {self.updated:,} updated, "
            f"{self.unchanged:,} unchanged"
        ]
        if self.duplicates:
            parts.append(f"{self.duplicates:,} repeated rows merged")
        if self.several_parents:
            parts.append(f"{self.several_parents:,} with several parents (earliest kept)")
        names = {"self_loop": "self-loops dropped", "cycle_broken": "cycles broken",
                 "missing_parent": "parents not in the store (children start their own cascades)"}
        parts += [f"{count:,} {names[flag]}" for flag, count in sorted(self.links.items()) if count]
        return "; ".join(parts)


# -- mentions ----------------------------------------------------------------------------------------


def import_file(store: Store, path: str | Path, *, fmt: str | None = None, source: str | None = None) -> ImportSummary:
    """Import a CSV or JSON Lines file of mentions (see the mention contract)."""
    raw, lines = readers.read_rows(path, fmt)
    clean = contract.normalize(raw, file=str(path), lines=lines, source=source)
    return _write(store, clean, origin=str(path))


def write_mentions(
    store: Store,
    mentions: pd.DataFrame | list[Mention],
    *,
    origin: str,
    source: str | None = None,
    cursors: dict[tuple[str, str], str] | None = None,
) -> ImportSummary:
    """Write mentions from code (collectors, the demo world), with optional cursors in the same transaction.

    ``origin`` names the producer in errors (``hackernews:3: created_at: …`` means its third mention).
    """
    if isinstance(mentions, list):
        mentions = pd.DataFrame([m.as_row() for m in mentions]) if mentions else pd.DataFrame(columns=["id"])
    if mentions.empty:
        clean = pd.DataFrame(columns=_COLUMNS)
    else:
        clean = contract.normalize(mentions, file=origin, source=source)
    return _write(store, clean, origin=origin, cursors=cursors)


def read_cursor(store: Store, source: str, key: str) -> str | None:
    """The cursor a collector saved with its last page (None before the first page)."""
    return store.scalar("SELECT value FROM cursors WHERE source = ? AND key = ?", [source, key])


def _dedupe(clean: pd.DataFrame) -> tuple[pd.DataFrame, int, int]:
    """One row per (source, id): first copy's content, last copy's counts, chosen parent."""
    key = ["source", "id"]
    repeated = clean.duplicated(key, keep=False)
    if not repeated.any():
        return clean, 0, 0
    dupes = clean[repeated]
    first = clean.drop_duplicates(key, keep="first").set_index(key)
    last_counts = dupes.groupby(key, sort=False)[_COUNTS].last()
    first.loc[last_counts.index, _COUNTS] = last_counts
    several = 0
    for source, rows in dupes.groupby("source", sort=False):
        distinct = rows.dropna(subset=["parent_id"]).groupby("id")["parent_id"].nunique()
        several += int((distinct > 1).sum())
        times = clean[clean["source"] == source].drop_duplicates("id").set_index("id")["created_at"]
        chosen = choose_parents(rows, times=times)
        first.loc[[(source, i) for i in chosen.index], "parent_id"] = chosen.to_numpy()
    out = first.reset_index()[clean.columns]
    return out, len(clean) - len(out), several


def _write(store: Store, clean: pd.DataFrame, *, origin: str, cursors=None) -> ImportSummary:
    clean, duplicates, several = _dedupe(clean)
    summary = ImportSummary(origin=origin, rows=len(clean) + duplicates, duplicates=duplicates,
                            several_parents=several)
    store.ensure()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    staged = clean[_COLUMNS]
    with store.write() as con:
        if len(staged):
            con.register("staged", staged)
            # Stored roots that this batch gives a parent (the only stored links an update can change).
            con.execute(
                "CREATE TEMP TABLE filled AS SELECT s.source, s.id FROM staged s JOIN mentions m "
                "ON m.source = s.source AND m.id = s.id WHERE m.parent_id IS NULL AND s.parent_id IS NOT NULL"
            )
            summary.updated = _update_existing(con, now)
            con.execute(
                "CREATE TEMP TABLE is_new AS SELECT s.source, s.id FROM staged s "
                "ANTI JOIN mentions m ON m.source = s.source AND m.id = s.id"
            )
            summary.inserted = con.execute("SELECT count(*) FROM is_new").fetchone()[0]
            if summary.inserted or summary.updated:
                # Links are resolved over the stored and the new mentions together, so new rows are
                # inserted with their cascade already built and stored rows change only where they must.
                con.register("links", _resolve_sources(con, staged))
                con.execute(
                    f"""INSERT INTO mentions ({", ".join(_COLUMNS)}, parent_resolved, cascade_id, depth, link_flag,
                                              first_seen_at, updated_at)
                        SELECT {", ".join("s." + c for c in _COLUMNS)}, l.parent_resolved, l.cascade_id, l.depth,
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
            summary.unchanged = len(staged) - summary.inserted - summary.updated
            summary.links = _link_counts(con)
            con.unregister("staged")
            con.execute("DROP TABLE is_new")
            con.execute("DROP TABLE filled")
        for (source, key), value in (cursors or {}).items():
            con.execute("DELETE FROM cursors WHERE source = ? AND key = ?", [source, key])
            con.execute("INSERT INTO cursors VALUES (?, ?, ?, ?)", [source, key, value, now])
    return summary


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
    counts = ", ".join(f"{c} = coalesce(s.{c}, m.{c})" for c in _COUNTS)
    fills = ", ".join(f"{c} = coalesce(m.{c}, s.{c})" for c in _FILLED)
    changed = " OR ".join(
        [f"(s.{c} IS NOT NULL AND s.{c} IS DISTINCT FROM m.{c})" for c in _COUNTS]
        + [f"(m.{c} IS NULL AND s.{c} IS NOT NULL)" for c in _FILLED]
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


# -- daily business data -----------------------------------------------------------------------------

CONVERSION_REQUIRED = ("date", "sessions", "conversions")
CONVERSION_OPTIONAL_INT = ("new_customers",)
CONVERSION_OPTIONAL_FLOAT = ("revenue", "spend")


def import_conversions(store: Store, path: str | Path) -> ImportSummary:
    """Import daily ``date, sessions, conversions[, revenue, spend, new_customers]`` (a date replaces its row)."""
    raw, lines = readers.read_rows(path)
    return write_conversions(store, raw, origin=str(path), lines=lines)


def write_conversions(store: Store, raw: pd.DataFrame, *, origin: str, lines=None) -> ImportSummary:
    clean = _normalize_conversions(raw, origin, lines)
    store.ensure()
    summary = ImportSummary(origin=origin, rows=len(clean))
    with store.write() as con:
        con.register("staged", clean)
        summary.unchanged = con.execute(
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
    summary.updated = existing - summary.unchanged
    summary.inserted = len(clean) - existing
    return summary


def _normalize_conversions(raw: pd.DataFrame, origin: str, lines) -> pd.DataFrame:
    n = len(raw)
    lines = np.arange(1, n + 1) if lines is None else np.asarray(lines)
    raw = raw.reset_index(drop=True)
    raw.columns = [str(c).strip() for c in raw.columns]
    header_line = 1 if origin.lower().endswith(".csv") else None
    missing = [c for c in CONVERSION_REQUIRED if c not in raw.columns]
    if missing:
        raise InputError([Problem(origin, header_line, c, "required column is missing") for c in missing])
    problems = contract._Problems(origin, lines)
    text = contract._as_str(raw["date"])
    dates = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    problems.add(dates.isna().to_numpy(), "date", lambda i: f"{contract._quote(text.iat[i])} is not a date (YYYY-MM-DD)")
    repeated = dates.notna() & dates.duplicated(keep="first")
    problems.add(repeated.to_numpy(), "date", lambda i: f"{text.iat[i]} appears more than once")
    out = pd.DataFrame({"date": dates.dt.date})
    for name in CONVERSION_REQUIRED[1:]:
        values = contract._parse_ints(raw[name], name, problems)
        problems.add(pd.isna(values), name, "is empty")
        out[name] = values
    for name in CONVERSION_OPTIONAL_INT:
        out[name] = contract._parse_ints(raw[name], name, problems) if name in raw.columns else pd.array([None] * n, "Int64")
    for name in CONVERSION_OPTIONAL_FLOAT:
        out[name] = _parse_amounts(raw[name], name, problems) if name in raw.columns else np.full(n, np.nan)
    over = (out["conversions"].fillna(0) > out["sessions"].fillna(np.iinfo(np.int64).max)).to_numpy(dtype=bool)
    problems.add(over, "conversions", lambda i: f"{out['conversions'].iat[i]} is more than sessions ({out['sessions'].iat[i]})")
    problems.raise_if_any()
    return out.sort_values("date").reset_index(drop=True)


def _parse_amounts(values: pd.Series, field: str, problems) -> np.ndarray:
    obj = values.astype(object)
    text = contract._as_str(obj)
    blank = text.isna().to_numpy()
    numbers = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~blank & ~np.isfinite(numbers)
    problems.add(bad, field, lambda i: f"{contract._quote(obj.iat[i])} is not a number")
    negative = np.isfinite(numbers) & (numbers < 0)
    problems.add(negative, field, lambda i: f"{numbers[i]} is negative")
    return numbers
