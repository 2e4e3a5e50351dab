"""The store: one embedded DuckDB file that every stage reads from and the writers write to.

The trap this module exists for: DuckDB lets one process hold a database file read-write and then refuses
every other process, readers included ("Could not set lock on file"). A collector on a schedule and an open
dashboard are two processes. So no connection is ever kept: every read and every write opens the file,
does its work in one transaction and closes it, and an open that meets the lock waits and tries again
(up to ``lock_timeout`` seconds, then ``StoreBusy``). A write is one transaction, so a reader sees a batch
entirely or not at all, and a process killed mid-write leaves the store as it was before that write.

After each committed write, a small sidecar file ``<db>.version`` is replaced atomically; readers use it as
a cheap cache key (the dashboard never needs to open the database to know nothing changed).
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from viralscope.core.errors import StoreBusy, StoreError
from viralscope.core.times import times

SCHEMA_VERSION = 1

#: Columns of the mention contract that an importer or collector provides, in export order.
INPUT_COLUMNS = [
    "id", "source", "created_at", "text", "author_id", "author_name", "author_followers", "parent_id",
    "kind", "url", "lang", "likes", "shares", "replies", "media", "brand",
]
#: Columns that later stages compute (exports include them, empty until a stage fills them).
COMPUTED_COLUMNS = ["sentiment_compound", "sentiment_label", "cascade_id", "depth"]
ENGAGEMENT_COLUMNS = ["likes", "shares", "replies"]

DDL = [
    """CREATE TABLE IF NOT EXISTS mentions (
        source VARCHAR NOT NULL,
        id VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,           -- UTC
        text VARCHAR NOT NULL,
        author_id VARCHAR,
        author_name VARCHAR,
        author_followers BIGINT,
        parent_id VARCHAR,                       -- as given; the link actually used is parent_resolved
        kind VARCHAR NOT NULL,
        url VARCHAR,
        lang VARCHAR,                            -- given, or detected by sentiment
        likes BIGINT,
        shares BIGINT,
        replies BIGINT,
        media BOOLEAN,
        brand VARCHAR,
        extra VARCHAR,                           -- JSON object of columns the contract does not name
        sentiment_compound DOUBLE,
        sentiment_label VARCHAR,
        sentiment_scored BOOLEAN,                -- false: a language we cannot score (label neutral)
        sentiment_model VARCHAR,
        parent_resolved VARCHAR,                 -- parent after cleaning dirty links (null for a root)
        cascade_id VARCHAR,
        depth INTEGER,
        link_flag VARCHAR,                       -- self_loop | cycle_broken | missing_parent | null
        first_seen_at TIMESTAMP NOT NULL,
        updated_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS conversions (
        date DATE NOT NULL,
        sessions BIGINT NOT NULL,
        conversions BIGINT NOT NULL,
        revenue DOUBLE,
        spend DOUBLE,
        new_customers BIGINT
    )""",
    """CREATE TABLE IF NOT EXISTS meta (key VARCHAR NOT NULL, value VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS cursors (
        source VARCHAR NOT NULL, key VARCHAR NOT NULL, value VARCHAR, updated_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS collector_runs (
        run_id VARCHAR NOT NULL, source VARCHAR NOT NULL, query VARCHAR, started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP, status VARCHAR, mentions_new BIGINT, mentions_updated BIGINT,
        pages BIGINT, errors BIGINT, last_error VARCHAR, rate_limit VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS models (
        name VARCHAR NOT NULL, version INTEGER NOT NULL, created_at TIMESTAMP NOT NULL,
        active BOOLEAN NOT NULL, metrics VARCHAR, blob BLOB NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS sentiment_labels (
        source VARCHAR NOT NULL, id VARCHAR NOT NULL, label VARCHAR NOT NULL, labelled_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS alerts_sent (
        incident_key VARCHAR NOT NULL, target VARCHAR NOT NULL, sent_at TIMESTAMP NOT NULL, payload VARCHAR
    )""",
    # One row per cycle of ``viralscope watch`` (its heartbeat; see viralscope.watch).
    """CREATE TABLE IF NOT EXISTS watch_cycles (
        cycle_id VARCHAR NOT NULL, started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP NOT NULL, status VARCHAR,
        sources VARCHAR, mentions_new BIGINT, scored BIGINT, checked BOOLEAN, incidents BIGINT,
        alerts_sent BIGINT, problems VARCHAR, message VARCHAR, pid INTEGER, host VARCHAR
    )""",
]


def _is_lock_conflict(exc: Exception) -> bool:
    """True for the errors that mean "another holder of the file; try again shortly"."""
    text = str(exc)
    return (
        "Could not set lock" in text
        or "Conflicting lock" in text
        # Same process, another thread holding the file with the other read_only setting.
        or "different configuration" in text
    )


class Store:
    """The DuckDB store at ``path``. Cheap to create; holds no connection.

    A directory written by ``viralscope spark analyze`` opens as a read-only store over its Parquet
    datasets (:class:`viralscope.store.parquet.OutputStore`), so every face runs on it unchanged.
    """

    def __new__(cls, path: str | os.PathLike | None = None, **_options):
        if cls is Store and path is not None and Path(path).is_dir():
            from viralscope.store.parquet import OutputStore

            cls = OutputStore
        return super().__new__(cls)

    def __init__(self, path: str | os.PathLike, *, lock_timeout: float = 60.0, ensured: bool = False):
        """``ensured``: another process made the tables and may hold a connection meanwhile, so this one
        must not wait for a read-write open to check them."""
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self._write_lock = threading.Lock()
        self._ready = ensured

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # -- connections ---------------------------------------------------------------------------------

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.005
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=read_only)
                con.execute("SET TimeZone = 'UTC'")
                return con
            except (duckdb.IOException, duckdb.ConnectionException) as exc:
                if not _is_lock_conflict(exc):
                    raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        f"{self.path}: another process held the store for more than {self.lock_timeout:g} s"
                    ) from exc
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 0.25)

    def ensure(self) -> None:
        """Create the file and the tables if they do not exist yet."""
        if self._ready:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.write() as con:
            for ddl in DDL:
                con.execute(ddl)
            con.execute(
                "INSERT INTO meta SELECT 'schema_version', ? WHERE NOT EXISTS "
                "(SELECT 1 FROM meta WHERE key = 'schema_version')",
                [str(SCHEMA_VERSION)],
            )
        self._ready = True

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short read-only connection. Keep the block short: a writer waits while it is open."""
        if not self.path.exists():
            self.ensure()
        con = self._connect(read_only=True)
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def reader(self) -> Iterator[Reader]:
        """``query``/``scalar`` like the store's, over one read-only connection held for the block.

        Opening the file costs tens of milliseconds; a computation of a dozen queries (the KPIs, a page's
        counts) shares one connection instead. Keep the block short: a writer waits while it is open.
        """
        with self.read() as con:
            yield Reader(con)

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write transaction: committed entirely when the block ends, rolled back if it raises."""
        with self._write_lock:
            con = self._connect(read_only=False)
            try:
                con.execute("BEGIN TRANSACTION")
                try:
                    yield con
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
            finally:
                con.close()
            self._bump_version()

    def _bump_version(self) -> None:
        tmp = self.path.with_name(f".{self.path.name}.version.{uuid.uuid4().hex}")
        tmp.write_text(uuid.uuid4().hex)
        os.replace(tmp, self.version_path)

    @property
    def version_path(self) -> Path:
        return self.path.with_name(self.path.name + ".version")

    def version(self) -> str:
        """A token that changes after every committed write (a cache key; no database open)."""
        try:
            return self.version_path.read_text()
        except FileNotFoundError:
            return "empty"

    # -- reading -------------------------------------------------------------------------------------

    def query(self, sql: str, params: list | dict | None = None) -> pd.DataFrame:
        """Run one read-only query and return its result; times come back as UTC-aware timestamps."""
        with self.reader() as reader:
            return reader.query(sql, params)

    def scalar(self, sql: str, params: list | dict | None = None):
        with self.reader() as reader:
            return reader.scalar(sql, params)

    def count_mentions(self) -> int:
        return int(self.scalar("SELECT count(*) FROM mentions"))

    def is_empty(self) -> bool:
        return not self.path.exists() or self.count_mentions() == 0

    def mentions(self, columns: list[str] | None = None, where: str = "", params: list | None = None):
        """Mentions as a DataFrame ordered by time; ``where`` is a SQL condition with ``?`` parameters."""
        cols = ", ".join(columns) if columns else "*"
        clause = f"WHERE {where}" if where else ""
        return self.query(f"SELECT {cols} FROM mentions {clause} ORDER BY created_at, source, id", params)  # noqa: S608

    def conversions(self) -> pd.DataFrame:
        return self.query("SELECT * FROM conversions ORDER BY date")

    def get_meta(self, key: str, default=None):
        value = self.scalar("SELECT value FROM meta WHERE key = ?", [key])
        return default if value is None else json.loads(value)

    # -- writing -------------------------------------------------------------------------------------

    def claim_meta(self, key: str, value):
        """The value stored under ``key``, storing ``value`` first when there is none — atomically: two
        processes racing both get the first one. A read-only store answers what it holds."""
        saved = self.get_meta(key)
        if saved is not None:
            return saved
        with self.write() as con:
            con.execute("INSERT INTO meta SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = ?)",
                        [key, json.dumps(value, default=str), key])
            return json.loads(con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()[0])

    def set_meta(self, key: str, value, con: duckdb.DuckDBPyConnection | None = None) -> None:
        def run(c):
            c.execute("DELETE FROM meta WHERE key = ?", [key])
            c.execute("INSERT INTO meta VALUES (?, ?)", [key, json.dumps(value, default=str)])

        if con is not None:
            run(con)
        else:
            self.ensure()
            with self.write() as c:
                run(c)


class Reader:
    """The store's ``query`` and ``scalar`` over one open read-only connection (see :meth:`Store.reader`)."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def query(self, sql: str, params: list | dict | None = None) -> pd.DataFrame:
        return _utc(self.con.execute(sql, params or []).df())

    def scalar(self, sql: str, params: list | dict | None = None):
        row = self.con.execute(sql, params or []).fetchone()
        return None if row is None else row[0]


def _utc(df: pd.DataFrame) -> pd.DataFrame:
    """DuckDB's naive ``TIMESTAMP`` columns as the aware UTC columns every DataFrame of the project holds."""
    for col in df.columns:
        if pd.api.types.is_datetime64_dtype(df[col]) and getattr(df[col].dt, "tz", None) is None:
            df[col] = times(df[col])
    return df
