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
parent that arrives late re-links the children that were waiting for it. The write itself, in SQL, is
:mod:`viralscope.store.mentions`; this module reads, checks and merges the rows it is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from viralscope import readers
from viralscope.core import contract
from viralscope.core.contract import Mention
from viralscope.core.errors import InputError, Problem
from viralscope.core.links import choose_parents
from viralscope.store import Store
from viralscope.store import mentions as stored
from viralscope.store.mentions import COLUMNS, COUNTS


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
        clean = pd.DataFrame(columns=COLUMNS)
    else:
        clean = contract.normalize(mentions, file=origin, source=source)
    return _write(store, clean, origin=origin, cursors=cursors)


def read_cursor(store: Store, source: str, key: str) -> str | None:
    """The cursor a collector saved with its last page (None before the first page)."""
    return stored.read_cursor(store, source, key)


def _dedupe(clean: pd.DataFrame) -> tuple[pd.DataFrame, int, int]:
    """One row per (source, id): first copy's content, last copy's counts, chosen parent."""
    key = ["source", "id"]
    repeated = clean.duplicated(key, keep=False)
    if not repeated.any():
        return clean, 0, 0
    dupes = clean[repeated]
    first = clean.drop_duplicates(key, keep="first").set_index(key)
    last_counts = dupes.groupby(key, sort=False)[COUNTS].last()
    first.loc[last_counts.index, COUNTS] = last_counts
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
    store.ensure()
    done = stored.upsert(store, clean, cursors=cursors)
    return ImportSummary(origin=origin, rows=len(clean) + duplicates, duplicates=duplicates, several_parents=several,
                         inserted=done["inserted"], updated=done["updated"], unchanged=done["unchanged"],
                         links=done["links"])


# -- daily business data -----------------------------------------------------------------------------

CONVERSION_REQUIRED = ("date", "sessions", "conversions")
CONVERSION_OPTIONAL_INT = ("new_customers",)
CONVERSION_OPTIONAL_FLOAT = ("revenue", "spend")


def import_conversions(store: Store, path: str | Path) -> ImportSummary:
    """Import daily ``date, sessions, conversions[, revenue, spend, new_customers]`` (a date replaces its row)."""
    raw, lines = readers.read_rows(path)
    return write_conversions(store, raw, origin=str(path), lines=lines)


def write_conversions(store: Store, raw: pd.DataFrame, *, origin: str, lines=None) -> ImportSummary:
    clean = normalize_conversions(raw, origin, lines)
    store.ensure()
    return ImportSummary(origin=origin, rows=len(clean), **stored.upsert_conversions(store, clean))


def normalize_conversions(raw: pd.DataFrame, origin: str, lines) -> pd.DataFrame:
    n = len(raw)
    lines = np.arange(1, n + 1) if lines is None else np.asarray(lines)
    raw = raw.reset_index(drop=True)
    raw.columns = [str(c).strip() for c in raw.columns]
    header_line = 1 if origin.lower().endswith(".csv") else None
    missing = [c for c in CONVERSION_REQUIRED if c not in raw.columns]
    if missing:
        raise InputError([Problem(origin, header_line, c, "required column is missing") for c in missing])
    problems = contract._Problems(origin, lines)
    text = contract.text_of(raw["date"])
    dates = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    problems.add(dates.isna().to_numpy(), "date", lambda i: f"{contract.quote_value(text.iat[i])} is not a date (YYYY-MM-DD)")
    repeated = dates.notna() & dates.duplicated(keep="first")
    problems.add(repeated.to_numpy(), "date", lambda i: f"{text.iat[i]} appears more than once")
    out = pd.DataFrame({"date": dates.dt.date})
    for name in CONVERSION_REQUIRED[1:]:
        values = contract.parse_ints(raw[name], name, problems)
        problems.add(pd.isna(values), name, "is empty")
        out[name] = values
    for name in CONVERSION_OPTIONAL_INT:
        out[name] = contract.parse_ints(raw[name], name, problems) if name in raw.columns else pd.array([None] * n, "Int64")
    for name in CONVERSION_OPTIONAL_FLOAT:
        out[name] = _parse_amounts(raw[name], name, problems) if name in raw.columns else np.full(n, np.nan)
    over = (out["conversions"].fillna(0) > out["sessions"].fillna(np.iinfo(np.int64).max)).to_numpy(dtype=bool)
    problems.add(over, "conversions", lambda i: f"{out['conversions'].iat[i]} is more than sessions ({out['sessions'].iat[i]})")
    problems.raise_if_any()
    return out.sort_values("date").reset_index(drop=True)


def _parse_amounts(values: pd.Series, field: str, problems) -> np.ndarray:
    obj = values.astype(object)
    text = contract.text_of(obj)
    blank = text.isna().to_numpy()
    numbers = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~blank & ~np.isfinite(numbers)
    problems.add(bad, field, lambda i: f"{contract.quote_value(obj.iat[i])} is not a number")
    negative = np.isfinite(numbers) & (numbers < 0)
    problems.add(negative, field, lambda i: f"{numbers[i]} is negative")
    return numbers
