"""The sentiment columns of the store: what is left to score, the scores written back, analysts' labels."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from viralscope.store import Store

#: ``sentiment_model`` of a mention an analyst labelled by hand (never scored over).
MANUAL = "manual"


def unscored(store: Store, *, rescore: bool = False) -> pd.DataFrame:
    """``source, id, text, lang`` of every mention without a label (``rescore``: every mention), except those
    an analyst labelled."""
    where = "sentiment_model IS DISTINCT FROM ?" + ("" if rescore else " AND sentiment_label IS NULL")
    return store.query(f"SELECT source, id, text, lang FROM mentions WHERE {where}", [MANUAL])  # noqa: S608


def write_scores(store: Store, batch: pd.DataFrame) -> None:
    """Scores (``source, id, text, compound, label, scored, model, lang``) onto their mentions: only where the
    text is still the one scored, never over an analyst's label; a missing language is filled in."""
    with store.write() as con:
        con.register("scored_batch", batch)
        con.execute(
            """
            UPDATE mentions SET
                sentiment_compound = s.compound,
                sentiment_label = s.label,
                sentiment_scored = s.scored,
                sentiment_model = s.model,
                lang = coalesce(mentions.lang, s.lang)
            FROM scored_batch AS s
            WHERE mentions.source = s.source AND mentions.id = s.id AND mentions.text = s.text
              AND mentions.sentiment_model IS DISTINCT FROM ?
            """,
            [MANUAL],
        )
        con.unregister("scored_batch")


def set_label(store: Store, source: str, id: str, label: str) -> bool:
    """An analyst's label on one mention (replacing an earlier one); False when there is no such mention."""
    with store.write() as con:
        found = con.execute("SELECT count(*) FROM mentions WHERE source = ? AND id = ?", [source, id]).fetchone()[0]
        if not found:
            return False
        con.execute("DELETE FROM sentiment_labels WHERE source = ? AND id = ?", [source, id])
        con.execute(
            "INSERT INTO sentiment_labels VALUES (?, ?, ?, ?)",
            [source, id, label, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
        )
        con.execute(
            "UPDATE mentions SET sentiment_label = ?, sentiment_model = ?, sentiment_scored = true "
            "WHERE source = ? AND id = ?",
            [label, MANUAL, source, id],
        )
    return True


def clear_label(store: Store, source: str, id: str) -> bool:
    """Forget an analyst's label; the mention is scored again by the next run. False if there was none."""
    with store.write() as con:
        found = con.execute(
            "SELECT count(*) FROM sentiment_labels WHERE source = ? AND id = ?", [source, id]
        ).fetchone()[0]
        if not found:
            return False
        con.execute("DELETE FROM sentiment_labels WHERE source = ? AND id = ?", [source, id])
        con.execute(
            "UPDATE mentions SET sentiment_compound = NULL, sentiment_label = NULL, sentiment_scored = NULL, "
            "sentiment_model = NULL WHERE source = ? AND id = ? AND sentiment_model = ?",
            [source, id, MANUAL],
        )
    return True


def labels(store: Store) -> pd.DataFrame:
    """Every analyst's label with its mention's text and language: source, id, label, labelled_at, text, lang."""
    return store.query(
        "SELECT l.source, l.id, l.label, l.labelled_at, m.text, m.lang FROM sentiment_labels l "
        "JOIN mentions m ON m.source = l.source AND m.id = l.id ORDER BY l.labelled_at, l.source, l.id"
    )
