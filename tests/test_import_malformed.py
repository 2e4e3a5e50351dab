"""Malformed input: each file gets a one-line error naming file, line and field, and the store is unchanged."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from viralscope import ingest
from viralscope.cli import main
from viralscope.core.errors import InputError

HEADER = "id,source,created_at,text,parent_id,likes,kind\n"
GOOD = "g1,x,2026-01-05T10:00:00Z,hello,,1,post\n"

# (case, file name, content, expected line, expected field, words in the reason)
CASES = [
    ("wrong encoding", "m.csv", (HEADER + "1,x,2026-01-05,caf\xe9 bad,,1,post\n").encode("latin-1"), 2, "text", "UTF-8"),
    ("utf16", "m.csv", (HEADER + GOOD).encode("utf-16"), 1, None, "UTF-16"),
    ("missing required column", "m.csv", b"id,source,text\n1,x,hi\n", 1, "created_at", "missing"),
    ("bad date", "m.csv", (HEADER + "1,x,yesterday,hi,,1,post\n").encode(), 2, "created_at", "'yesterday' is not a date"),
    ("negative count", "m.csv", (HEADER + "1,x,2026-01-05,hi,,-3,post\n").encode(), 2, "likes", "negative"),
    ("non-integer count", "m.csv", (HEADER + "1,x,2026-01-05,hi,,2.5,post\n").encode(), 2, "likes", "whole number"),
    ("word count", "m.csv", (HEADER + "1,x,2026-01-05,hi,,many,post\n").encode(), 2, "likes", "whole number"),
    ("unknown kind", "m.csv", (HEADER + "1,x,2026-01-05,hi,,1,retweet\n").encode(), 2, "kind", "unknown kind"),
    ("empty id", "m.csv", (HEADER + GOOD + " ,x,2026-01-05,hi,,1,post\n").encode(), 3, "id", "empty"),
    ("NUL byte", "m.csv", (HEADER + "1,x,2026-01-05,h\x00i,,1,post\n").encode(), 2, "text", "NUL"),
    ("10 MB field", "m.csv", (HEADER + "1,x,2026-01-05," + "a" * 10_000_000 + ",,1,post\n").encode(), 2, "text",
     "limit"),
    ("unbalanced quotes", "m.csv", (HEADER + GOOD + '2,x,2026-01-05,"never closed,,1,post\n').encode(), 3, "text",
     "unbalanced"),
    ("too few fields", "m.csv", (HEADER + "1,x,2026-01-05\n").encode(), 2, "text", "fields"),
    ("truncated JSON Lines", "m.jsonl",
     b'{"id": "1", "source": "x", "created_at": "2026-01-05", "text": "hi"}\n{"id": "2", "source": "x", "crea',
     2, None, "truncated"),
    ("JSON line not an object", "m.jsonl",
     b'{"id": "1", "source": "x", "created_at": "2026-01-05", "text": "hi"}\n["2", "x"]\n', 2, None, "not an object"),
    ("JSON null text", "m.jsonl",
     b'{"id": "1", "source": "x", "created_at": "2026-01-05", "text": null}\n', 1, "text", "missing"),
    ("good row then bad row", "m.csv", (HEADER + GOOD + "2,x,2026-01-05,hi,,1,post\n3,x,2026-02-30,hi,,1,post\n").encode(),
     4, "created_at", "not a date"),
    ("empty file", "m.csv", b"", None, None, "empty"),
    ("javascript url", "m.jsonl",
     b'{"id": "1", "source": "x", "created_at": "2026-01-05", "text": "hi", "url": "javascript:alert(1)"}\n', 1,
     "url", "http"),
    ("unix milliseconds", "m.csv", (HEADER + "1,x,1767600000000,hi,,1,post\n").encode(), 2, "created_at", "out of range"),
]


def _snapshot(store):
    df = store.query("SELECT * EXCLUDE (first_seen_at, updated_at) FROM mentions ORDER BY source, id")
    return df.astype(object).where(df.notna(), None).to_dict("records")


@pytest.fixture
def seeded(store, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(HEADER + GOOD + "g2,x,2026-01-05T11:00:00Z,reply,g1,0,reply\n")
    ingest.import_file(store, good)
    return store


@pytest.mark.parametrize("case,name,content,line,field,words", CASES, ids=[c[0] for c in CASES])
def test_malformed_file_is_rejected_whole(seeded, tmp_path, case, name, content, line, field, words):
    path = tmp_path / name
    path.write_bytes(content)
    before = _snapshot(seeded)
    with pytest.raises(InputError) as info:
        ingest.import_file(seeded, path)
    problem = info.value.first
    assert problem.file == str(path)
    assert problem.line == line
    assert problem.field == field
    assert words in problem.why
    message = str(info.value)
    assert "\n" not in message and str(path) in message
    assert _snapshot(seeded) == before


def test_cli_prints_one_line_and_exits_non_zero(seeded, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "1,x,yesterday,hi,,1,post\n")
    result = CliRunner().invoke(main, ["--db", str(seeded.path), "import", str(path)])
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {path}:2: created_at: 'yesterday' is not a date (ISO 8601 or Unix seconds)"


def test_many_bad_rows_report_first_few_and_the_count(store, tmp_path):
    path = tmp_path / "many.csv"
    path.write_text(HEADER + "".join(f"{i},x,nope,hi,,1,post\n" for i in range(120)))
    with pytest.raises(InputError) as info:
        ingest.import_file(store, path)
    assert info.value.total == 120
    assert "(and 117 more, 120 problems in all)" in str(info.value)
    assert [p.line for p in info.value.problems[:3]] == [2, 3, 4]


def test_header_only_imports_nothing_and_succeeds(store, tmp_path):
    path = tmp_path / "header.csv"
    path.write_text(HEADER)
    summary = ingest.import_file(store, path)
    assert (summary.rows, summary.inserted) == (0, 0)
    assert store.count_mentions() == 0


def test_cycles_are_broken_and_counted(store, tmp_path):
    path = tmp_path / "cycle.csv"
    path.write_text(
        HEADER
        + "a,x,2026-01-05T10:00:00Z,a,c,,\n"
        + "b,x,2026-01-05T10:01:00Z,b,a,,\n"
        + "c,x,2026-01-05T10:02:00Z,c,b,,\n"
        + "d,x,2026-01-05T10:03:00Z,d,c,,\n"
    )
    summary = ingest.import_file(store, path)
    assert summary.links == {"cycle_broken": 1}
    rows = store.query("SELECT id, cascade_id, depth, link_flag FROM mentions ORDER BY id").to_dict("records")
    assert [(r["id"], r["cascade_id"], r["depth"]) for r in rows] == [("a", "a", 0), ("b", "a", 1), ("c", "a", 2), ("d", "a", 3)]
    assert rows[0]["link_flag"] == "cycle_broken"
