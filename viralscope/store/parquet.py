"""A read-only store over the Parquet datasets ``spark analyze`` writes, read in place by DuckDB.

``viralscope --db DIR metrics …`` (and ``report``, ``export``, the dashboard with ``VIRALSCOPE_DB=DIR``) opens
``DIR`` as :class:`OutputStore` (``Store(DIR)`` does, for any directory). Nothing is copied: each read opens
an in-memory DuckDB whose tables are the store's own (same DDL), and replaces ``mentions``, ``conversions``
and ``meta`` with views over ``DIR/mentions/**/*.parquet`` and the others, cast to the store's column types.
Every query the faces run against a store therefore runs here unchanged; DuckDB skips the row groups a time
window cannot touch, since the job writes each day's mentions sorted by time.

Writes fail with one line: the output belongs to the job, and a second writer would make it disagree with its
input. Analysts' corrections, alert bookkeeping and trained models need a store file.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from viralscope.core.errors import StoreError
from viralscope.store import DDL, Store

__all__ = ["OutputStore", "VIEWS"]

#: Store tables that the job's datasets replace, and the Parquet files of each (relative to the output).
VIEWS = {
    "mentions": "mentions/**/*.parquet",
    "conversions": "conversions/*.parquet",
    "meta": "meta/*.parquet",
}


class OutputStore(Store):
    """The output directory of ``spark analyze`` as a read-only store (see the module docstring)."""

    def __repr__(self) -> str:
        return f"OutputStore({str(self.path)!r})"

    def _missing(self) -> str | None:
        if not (self.path / "mentions").is_dir():
            return f"{self.path}: a directory, not a store file nor the output of viralscope spark analyze"
        if not any((self.path / "meta").glob("*.parquet")):
            return f"{self.path}: incomplete output of viralscope spark analyze (no meta/: the run did not finish)"
        return None

    def ensure(self) -> None:
        if self._ready:
            return
        problem = self._missing()
        if problem:
            raise StoreError(problem)
        self._ready = True

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        if not read_only:
            raise StoreError(
                f"{self.path}: the output of viralscope spark analyze is read-only (run the job again to change "
                "it, or import its mentions into a store file)"
            )
        self.ensure()
        con = duckdb.connect(":memory:")
        con.execute("SET TimeZone = 'UTC'")
        for ddl in DDL:
            con.execute(ddl)
        for table, pattern in VIEWS.items():
            files = str(self.path / pattern).replace("'", "''")
            if not any(self.path.glob(pattern)):
                continue
            columns = con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position", [table]).fetchall()
            select = ", ".join(f'CAST("{name}" AS {kind}) AS "{name}"' for name, kind in columns)
            con.execute(f"DROP TABLE {table}")
            # Names from the store's own DDL; the path is a quoted literal (a view cannot take parameters).
            sql = f"CREATE VIEW {table} AS SELECT {select} FROM read_parquet('{files}', hive_partitioning = false)"  # noqa: S608
            con.execute(sql)
        return con

    def version(self) -> str:
        """The names of the run's ``meta/`` files: a new run writes new ones (a cache key; nothing is opened)."""
        try:
            return ",".join(sorted(os.listdir(self.path / "meta"))) or "empty"
        except FileNotFoundError:
            return "empty"

    @property
    def version_path(self) -> Path:
        return self.path / "meta"
