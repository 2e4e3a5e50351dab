"""The read path over a Spark output, without Spark: Parquet laid out as the job lays it out, read in place.

These run where Java is missing too; ``test_spark_job.py`` runs the same faces over a real job's output.
"""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from viralscope import ingest
from viralscope.cli import main
from viralscope.core.errors import StoreError
from viralscope.store import Store
from viralscope.store.parquet import OutputStore

ROWS = [
    {"id": str(i), "source": "x", "created_at": f"2026-01-{5 + i % 14:02d}T{i % 24:02d}:00:00Z",
     "text": "love it" if i % 3 else "awful", "parent_id": str(i - 1) if i % 4 else None, "likes": i,
     "brand": "Lumio", "campaign": "spring" if i % 2 else None}
    for i in range(1, 200)
]


@pytest.fixture
def pair(tmp_path):
    """A store with scored, linked mentions, and the same tables written as a Spark output directory."""
    store = Store(tmp_path / "store.duckdb")
    ingest.write_mentions(store, pd.DataFrame(ROWS), origin="rows")
    from viralscope import scoring

    scoring.score_store(store)
    out = tmp_path / "out"
    out.mkdir()
    with duckdb.connect(str(store.path), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        mentions = f"COPY (SELECT *, CAST(created_at AS DATE) AS day FROM mentions) TO '{out / 'mentions'}' "  # noqa: S608
        con.execute(mentions + "(FORMAT parquet, PARTITION_BY (day))")
        (out / "meta").mkdir()
        meta = f"COPY (SELECT * FROM meta UNION ALL SELECT 'pseudonym_key', '\"{'ab' * 32}\"') "  # noqa: S608
        con.execute(meta + f"TO '{out / 'meta' / 'part-0.parquet'}' (FORMAT parquet)")
    return store, out


def test_a_directory_opens_as_the_output_store(pair):
    store, out = pair
    opened = Store(out)
    assert isinstance(opened, OutputStore)
    sql = "SELECT source, id, sentiment_label, cascade_id, depth, created_at FROM mentions ORDER BY id"
    assert opened.query(sql).equals(store.query(sql))
    assert opened.conversions().empty  # no conversions/ dataset: the store's empty table


def test_metrics_and_export_read_it_in_place(pair, tmp_path):
    store, out = pair
    results = []
    for db in (store.path, out):
        run = CliRunner().invoke(main, ["--db", str(db), "metrics", "--window", "2026-01-12..2026-01-19"])
        assert run.exit_code == 0, run.output
        results.append(json.loads(run.output))
    assert results[0] == results[1]
    exported = tmp_path / "m.jsonl"
    run = CliRunner().invoke(main, ["--db", str(out), "export", "mentions", "--format", "jsonl", "--out", str(exported)])
    assert run.exit_code == 0, run.output  # pseudonyms use the output's own key: no write needed
    assert len(exported.read_text(encoding="utf-8").splitlines()) == len(ROWS)


def test_writes_fail_and_leave_it_unchanged(pair):
    _, out = pair
    opened = Store(out)
    before = opened.version()
    with pytest.raises(StoreError, match="read-only"):
        opened.set_meta("config", {"brand": {"name": "x"}})
    with pytest.raises(StoreError, match="read-only"):
        ingest.write_mentions(opened, pd.DataFrame(ROWS[:1]), origin="more")
    assert opened.version() == before and opened.count_mentions() == len(ROWS)


def test_a_new_run_changes_the_version(pair):
    _, out = pair
    opened = Store(out)
    before = opened.version()
    (out / "meta" / "part-0.parquet").rename(out / "meta" / "part-1.parquet")
    assert opened.version() != before


@pytest.mark.parametrize("layout", ["empty", "no_meta"])
def test_a_directory_that_is_not_a_finished_output_is_refused(tmp_path, layout):
    if layout == "no_meta":
        (tmp_path / "mentions").mkdir()
    with pytest.raises(StoreError) as caught:
        Store(tmp_path).count_mentions()
    assert ("incomplete output" if layout == "no_meta" else "not a store file") in str(caught.value)
