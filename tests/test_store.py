"""The store: idempotent upserts, updates in place, and a writer and a reader in two processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from viralscope import ingest
from viralscope.core.errors import StoreBusy
from viralscope.store import Store

HEADER = "id,source,created_at,text,parent_id,likes,shares,replies,author_followers\n"


def _write(path, rows):
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def _table(store):
    df = store.query("SELECT * EXCLUDE (first_seen_at, updated_at) FROM mentions ORDER BY source, id")
    return df.astype(object).where(df.notna(), None).to_dict("records")


def test_importing_twice_leaves_the_store_unchanged(store, tmp_path):
    path = _write(tmp_path / "m.csv", ["1,x,2026-01-05T10:00:00Z,root,,1,0,0,10\n", "2,x,2026-01-05T10:01:00Z,r,1,0,0,0,5\n"])
    first = ingest.import_file(store, path)
    before = _table(store)
    version = store.version()
    again = ingest.import_file(store, path)
    assert (first.inserted, again.inserted, again.updated, again.unchanged) == (2, 0, 0, 2)
    assert _table(store) == before
    assert store.count_mentions() == 2
    assert store.version() != version  # a write happened (and committed nothing new)


def test_a_later_copy_updates_engagement_in_place(store, tmp_path):
    ingest.import_file(store, _write(tmp_path / "a.csv", ["1,x,2026-01-05T10:00:00Z,root,,1,2,3,10\n"]))
    later = ingest.import_file(store, _write(tmp_path / "b.csv", ["1,x,2026-01-05T10:00:00Z,edited?,,7,8,,11\n"]))
    assert (later.inserted, later.updated) == (0, 1)
    row = store.query("SELECT * FROM mentions").iloc[0]
    assert (row.likes, row.shares, row.replies, row.author_followers) == (7, 8, 3, 11)  # blank keeps the old count
    assert row.text == "root"  # content is the first copy's
    assert store.count_mentions() == 1


def test_the_same_id_in_two_sources_is_two_mentions(store, tmp_path):
    ingest.import_file(store, _write(tmp_path / "a.csv", ["1,x,2026-01-05T10:00:00Z,a,,,,,\n", "1,y,2026-01-05T10:00:00Z,b,,,,,\n"]))
    assert store.count_mentions() == 2


def test_a_late_parent_relinks_its_waiting_children(store, tmp_path):
    ingest.import_file(store, _write(tmp_path / "a.csv", ["2,x,2026-01-05T10:01:00Z,child,1,,,,\n"]))
    assert store.query("SELECT link_flag, cascade_id FROM mentions").iloc[0].tolist() == ["missing_parent", "2"]
    ingest.import_file(store, _write(tmp_path / "b.csv", ["1,x,2026-01-05T10:00:00Z,root,,,,,\n"]))
    rows = store.query("SELECT id, cascade_id, depth, link_flag FROM mentions ORDER BY id").to_dict("records")
    assert [(r["id"], r["cascade_id"], r["depth"], r["link_flag"]) for r in rows] == [("1", "1", 0, None), ("2", "1", 1, None)]


def test_write_mentions_from_code_with_cursor(store):
    df = pd.DataFrame({"id": ["a", "b"], "created_at": ["2026-01-05T00:00:00Z", 1767571300], "text": ["x", "y"],
                       "parent_id": [None, "a"]})
    summary = ingest.write_mentions(store, df, origin="tests", source="hackernews", cursors={("hackernews", "q"): "p2"})
    assert summary.inserted == 2
    assert ingest.read_cursor(store, "hackernews", "q") == "p2"
    assert store.query("SELECT max(depth) AS d FROM mentions").d.iloc[0] == 1


def test_a_failed_write_rolls_back(store, tmp_path):
    ingest.import_file(store, _write(tmp_path / "a.csv", ["1,x,2026-01-05T10:00:00Z,a,,,,,\n"]))
    before = _table(store)
    with pytest.raises(RuntimeError), store.write() as con:
        con.execute("DELETE FROM mentions")
        raise RuntimeError("killed mid-write")
    assert _table(store) == before


def test_a_held_store_gives_up_with_store_busy(tmp_path):
    path = tmp_path / "held.duckdb"
    Store(path).ensure()
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('held', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(StoreBusy):
            Store(path, lock_timeout=0.3).count_mentions()
    finally:
        holder.kill()
        holder.wait()


WRITER = textwrap.dedent(
    """
    import sys
    import pandas as pd
    from viralscope import ingest
    from viralscope.store import Store

    store = Store(sys.argv[1], lock_timeout=60)
    for batch in range(int(sys.argv[2])):
        ids = [f"b{batch}-{i}" for i in range(100)]
        df = pd.DataFrame({
            "id": ids, "source": "x", "text": f"batch {batch}",
            "created_at": pd.Timestamp("2026-01-05", tz="UTC") + pd.to_timedelta(range(100), unit="s"),
            "parent_id": [None] + ids[:-1],
        })
        ingest.write_mentions(store, df, origin="writer")
    print("done", flush=True)
    """
)


def test_a_writer_and_a_reader_in_two_processes(tmp_path):
    """One process writes batches of 100 linked mentions in a loop while this one reads: no lock error ever
    surfaces, and every read sees whole batches with their cascades built."""
    path = tmp_path / "shared.duckdb"
    store = Store(path, lock_timeout=60)
    store.ensure()
    batches = 40
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(batches)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    reads = []
    while writer.poll() is None:
        seen = store.query(
            "SELECT text, count(*) AS n, count(depth) AS linked, max(depth) AS deepest FROM mentions GROUP BY text"
        )
        reads.append(seen)
    out, err = writer.communicate()
    assert writer.returncode == 0, err
    assert out.strip() == "done"
    assert len(reads) > 5, len(reads)
    for seen in reads:
        assert (seen["n"] == 100).all()
        assert (seen["linked"] == 100).all()
        assert (seen["deepest"] == 99).all()
    assert store.count_mentions() == batches * 100


def test_mentions_are_stored_in_time_order_and_a_reader_shares_one_connection(store):
    times = pd.date_range("2026-01-01", periods=500, freq="min").to_numpy()[::-1]  # newest first
    rows = pd.DataFrame({"source": "x", "id": [f"m{i}" for i in range(500)], "created_at": times,
                         "text": "hello", "kind": "post"})
    ingest.write_mentions(store, rows.sample(frac=1, random_state=1), origin="test")
    stored = store.query("SELECT created_at FROM mentions ORDER BY rowid")["created_at"]
    assert stored.is_monotonic_increasing and len(stored) == 500
    with store.reader() as reader:
        first = reader.query("SELECT min(created_at) AS t FROM mentions")["t"].iat[0]
        assert str(first.tz) == "UTC" and reader.scalar("SELECT count(*) FROM mentions") == 500
