"""What the store remembers of collection and of the watcher: cursors, collector runs, watch cycles."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from viralscope.store import Store

#: The columns a run's ending sets, in the order :func:`finish_runs` takes them.
ENDING = ("finished_at", "status", "mentions_new", "mentions_updated", "pages", "errors", "last_error", "rate_limit")


def cursors(store: Store, source: str | None = None) -> list[tuple[str, str, str]]:
    """``(source, key, value)`` of every saved cursor (of one source when given)."""
    with store.read() as con:
        if source is None:
            return con.execute("SELECT source, key, value FROM cursors").fetchall()
        return con.execute("SELECT source, key, value FROM cursors WHERE source = ?", [source]).fetchall()


def mark_running(store: Store, run_id: str, source: str, query: str, started_at: dt.datetime) -> None:
    """Record a run as running; a run of the same source still marked running was killed and says so."""
    with store.write() as con:
        con.execute("UPDATE collector_runs SET status = 'interrupted' WHERE source = ? AND status = 'running'",
                    [source])
        con.execute(
            "INSERT INTO collector_runs (run_id, source, query, started_at, status, mentions_new, mentions_updated,"
            " pages, errors) VALUES (?, ?, ?, ?, 'running', 0, 0, 0, 0)",
            [run_id, source, query, started_at],
        )


def finish_runs(store: Store, saved: dict[tuple[str, str], str], fresh: list[tuple], ended: list[tuple],
                *, at: dt.datetime) -> None:
    """In one transaction: the ``saved`` cursors (``(source, key) -> value``), the runs never recorded
    (``fresh``: the :data:`ENDING` values, then run_id, source, query, started_at) and the endings of runs
    recorded as running (``ended``: the :data:`ENDING` values, then run_id)."""
    with store.write() as con:
        if saved:
            rows = [(source, key, value, at) for (source, key), value in saved.items()]
            pairs = " OR ".join(["(source = ? AND key = ?)"] * len(rows))
            con.execute(f"DELETE FROM cursors WHERE {pairs}", [v for r in rows for v in r[:2]])  # noqa: S608
            con.execute(f"INSERT INTO cursors VALUES {', '.join(['(?, ?, ?, ?)'] * len(rows))}",  # noqa: S608
                        [v for r in rows for v in r])
        if fresh:
            con.execute(
                f"""INSERT INTO collector_runs ({", ".join(ENDING)}, run_id, source, query, started_at)
                   VALUES """ + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(fresh)),  # noqa: S608
                [v for row in fresh for v in row],
            )
        for row in ended:
            con.execute(
                f"UPDATE collector_runs SET {', '.join(c + ' = ?' for c in ENDING)} WHERE run_id = ?",  # noqa: S608
                list(row),
            )


def record_skip(store: Store, run_id: str, source: str, query: str, message: str, *, at: dt.datetime) -> None:
    """A source that could not start: one finished run with status ``skipped`` and the reason."""
    with store.write() as con:
        con.execute(
            "INSERT INTO collector_runs (run_id, source, query, started_at, finished_at, status, mentions_new,"
            " mentions_updated, pages, errors, last_error) VALUES (?, ?, ?, ?, ?, 'skipped', 0, 0, 0, 0, ?)",
            [run_id, source, query, at, at, message],
        )


def record_cycle(store: Store, row: list, *, keep_after: dt.datetime) -> None:
    """One watch cycle's heartbeat (the 14 columns of ``watch_cycles``); cycles that finished before
    ``keep_after`` are dropped in the same write."""
    with store.write() as con:
        con.execute("INSERT INTO watch_cycles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
        con.execute("DELETE FROM watch_cycles WHERE finished_at < ?", [keep_after])


def last_cycle(store: Store, *, since: dt.datetime) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """The last watch cycle (one row) and ``cycles``, ``sent`` (alerts) of those that finished after
    ``since`` (naive UTC); ``(None, None)`` on a store written before the watcher existed."""
    with store.reader() as r:
        if not r.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = 'watch_cycles'"):
            return None, None
        last = r.query("SELECT * FROM watch_cycles ORDER BY finished_at DESC LIMIT 1")
        day = r.query(
            "SELECT count(*) AS cycles, coalesce(sum(alerts_sent), 0) AS sent FROM watch_cycles WHERE finished_at >= ?",
            [since],
        )
    return last, day


def source_status(store: Store) -> pd.DataFrame:
    """Per source: its last run (when, status, error, rate-limit state), and totals over all runs.

    Columns: ``source, last_started_at, last_finished_at, last_status, last_error, last_rate_limit (JSON),
    last_new, last_updated, runs, mentions_new, errors, mentions_stored``. Aggregated in the database.
    """
    return store.query(
        """
        WITH ranked AS (
            SELECT *, row_number() OVER (PARTITION BY source ORDER BY started_at DESC, run_id) AS r
            FROM collector_runs
        ), totals AS (
            SELECT source, count(*) AS runs, sum(mentions_new) AS mentions_new, sum(errors) AS errors
            FROM collector_runs GROUP BY source
        ), stored AS (
            SELECT source, count(*) AS mentions_stored FROM mentions GROUP BY source
        )
        SELECT l.source, l.started_at AS last_started_at, l.finished_at AS last_finished_at,
               l.status AS last_status, l.last_error, l.rate_limit AS last_rate_limit,
               l.mentions_new AS last_new, l.mentions_updated AS last_updated,
               t.runs, t.mentions_new, t.errors, coalesce(s.mentions_stored, 0) AS mentions_stored
        FROM ranked l JOIN totals t USING (source) LEFT JOIN stored s USING (source)
        WHERE l.r = 1
        ORDER BY l.source
        """
    )
