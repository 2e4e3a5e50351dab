"""Bad rows land in ``rejected/`` with file, line and the local import's reason; the rest is processed."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from viralscope import ingest
from viralscope.cli import main
from viralscope.core.errors import InputError
from viralscope.spark import read
from viralscope.store import Store

pytestmark = pytest.mark.spark

GOOD = {"source": "x", "created_at": "2026-01-05T10:00:00Z", "text": "I love my Lumio lamp"}


def _rows(path) -> pd.DataFrame:
    con = duckdb.connect()
    return con.execute(f"SELECT * FROM read_parquet('{path}')").df()  # noqa: S608 - a test's own path


def _local_reasons(path) -> dict[int, str]:
    """Line → the local import's reasons for the same file (it refuses the whole file, naming each line)."""
    try:
        ingest.import_file(Store(path.parent / "local.duckdb"), path)
    except InputError as exc:
        out: dict[int, list[str]] = {}
        for p in exc.problems:
            out.setdefault(p.line, []).append(f"{p.field}: {p.why}" if p.field else p.why)
        return {line: "; ".join(why) for line, why in out.items()}
    raise AssertionError("the local import accepted a bad file")


def _lines(records: list) -> str:
    return "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records) + "\n"


def _analyze(spark, path, out, **options):
    from viralscope.spark import job

    return job.analyze(spark, str(path), str(out), **options)


def test_bad_json_lines_are_rejected_with_the_local_reasons(spark, tmp_path):
    records = [
        {**GOOD, "id": "1"},
        {**GOOD, "id": "2", "created_at": "yesterday"},
        {**GOOD, "id": "3", "likes": -2, "kind": "retweet"},
        '{"id": "4", "source": "x", "text": "cut off',
        "[1, 2, 3]",
        "",
        {**GOOD, "id": "5", "parent_id": "1", "likes": "7"},
        {**GOOD, "text": "no id here"},
        {**GOOD, "id": "6", "url": "javascript:alert(1)", "author_followers": 2.5},
        {**GOOD, "id": "7", "text": "nul \u0000 inside"},
    ]
    path = tmp_path / "mentions.jsonl"
    path.write_text(_lines(records), encoding="utf-8")
    # The JSON syntax errors stop the local reader before the contract is checked: compare those apart.
    syntax = {4: records[3], 5: records[4]}
    contract_only = tmp_path / "contract" / "mentions.jsonl"
    contract_only.parent.mkdir()
    contract_only.write_text(_lines([r if i + 1 not in syntax else {**GOOD, "id": f"ok{i}"}
                                     for i, r in enumerate(records)]), encoding="utf-8")
    expected = _local_reasons(contract_only)

    summary = _analyze(spark, path, tmp_path / "out")
    rejected = _rows(tmp_path / "out" / "rejected" / "*.parquet").set_index("line")
    assert set(rejected.index) == {2, 3, 4, 5, 8, 9, 10}
    assert (rejected["file"] == str(path)).all()
    for line in (2, 3, 8, 9, 10):
        assert rejected.loc[line, "reason"] == expected[line], line
    assert rejected.loc[4, "reason"].startswith("is truncated")
    assert rejected.loc[5, "reason"] == "is a JSON list, not an object"
    assert json.loads(rejected.loc[2, "raw"])["created_at"] == "yesterday"
    # The rest is processed: ids 1 and 5 (a reply to 1), and nothing else.
    assert summary.rejected == 7 and summary.mentions == 2 and summary.rows == 9
    mentions = _rows(tmp_path / "out" / "mentions" / "*" / "*.parquet").set_index("id")
    assert sorted(mentions.index) == ["1", "5"]
    assert mentions.loc["5", "cascade_id"] == "1" and mentions.loc["5", "likes"] == 7


def test_line_numbers_survive_files_split_into_many_blocks(spark, tmp_path):
    bad = {17, 404, 1999}
    records = [{**GOOD, "id": str(i), "created_at": "not a date" if i in bad else GOOD["created_at"]}
               for i in range(1, 2001)]
    path = tmp_path / "big.jsonl"
    path.write_text(_lines(records), encoding="utf-8")
    spark.conf.set("spark.sql.files.maxPartitionBytes", "8192")  # about 30 blocks of one file
    try:
        _analyze(spark, path, tmp_path / "out")
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    rejected = _rows(tmp_path / "out" / "rejected" / "*.parquet")
    assert sorted(rejected["line"]) == sorted(bad)
    assert all(json.loads(raw)["id"] == str(line) for line, raw in zip(rejected["line"], rejected["raw"], strict=True))


def test_csv_with_a_broken_row_and_a_multiline_value(spark, tmp_path):
    path = tmp_path / "mentions.csv"
    path.write_text(
        "id,source,created_at,text,likes\n"
        "1,x,2026-01-05T10:00:00Z,\"two\nlines\",3\n"
        "2,x,2026-01-05T11:00:00Z,too,many,fields\n"
        "3,x,2026-01-05T12:00:00Z,fine,\n"
        "4,x,2026-13-45,bad date,1\n",
        encoding="utf-8",
    )
    _analyze(spark, path, tmp_path / "out")
    rejected = _rows(tmp_path / "out" / "rejected" / "*.parquet").set_index("line")
    assert sorted(rejected.index) == [4, 6]
    assert rejected.loc[4, "reason"] == "has 6 fields, the header has 5 (a comma inside an unquoted value?)"
    assert rejected.loc[6, "reason"].startswith("created_at: '2026-13-45' is not a date")
    mentions = _rows(tmp_path / "out" / "mentions" / "*" / "*.parquet").set_index("id")
    assert mentions.loc["1", "text"] == "two\nlines" and sorted(mentions.index) == ["1", "3"]


def test_parquet_input_keeps_its_types_and_numbers_rows(spark, tmp_path):
    frame = pd.DataFrame({
        "id": [101, 102, 103],
        "source": ["x", "x", "x"],
        "created_at": pd.to_datetime(["2026-01-05 10:00", "2026-01-05 11:00", None], utc=True),
        "text": ["great lamp", "awful lamp", "no time"],
        "likes": pd.array([1, None, 3], dtype="Int64"),
        "campaign": ["a", None, "b"],
    })
    path = tmp_path / "mentions.parquet"
    frame.to_parquet(path)
    _analyze(spark, path, tmp_path / "out")
    rejected = _rows(tmp_path / "out" / "rejected" / "*.parquet")
    assert rejected[["line", "reason"]].values.tolist() == [[3, "created_at: is empty"]]
    mentions = _rows(tmp_path / "out" / "mentions" / "*" / "*.parquet").set_index("id").sort_index()
    assert list(mentions.index) == ["101", "102"]
    assert mentions["sentiment_label"].tolist() == ["positive", "negative"]
    assert json.loads(mentions.loc["101", "extra"]) == {"campaign": "a"} and pd.isna(mentions.loc["102", "extra"])


def test_files_of_one_input_merge_repeated_ids_in_path_order(spark, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_text(_lines([{**GOOD, "id": "1", "likes": 1, "text": "first copy"}]), encoding="utf-8")
    (folder / "b.jsonl").write_text(_lines([{**GOOD, "id": "1", "likes": 9, "text": "second copy"},
                                            {**GOOD, "id": "2", "parent_id": "1"}]), encoding="utf-8")
    summary = _analyze(spark, folder, tmp_path / "out")
    assert summary.duplicates == 1 and summary.mentions == 2
    mentions = _rows(tmp_path / "out" / "mentions" / "*" / "*.parquet").set_index("id")
    assert mentions.loc["1", "text"] == "first copy" and mentions.loc["1", "likes"] == 9


def test_command_prints_a_summary_and_a_bad_conversions_file_stops_it(spark, tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text(_lines([{**GOOD, "id": "1"}, "not json"]), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["spark", "analyze", "--input", str(path), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 rows → 1 mentions" in result.output and "1 rows rejected" in result.output
    bad = tmp_path / "conversions.csv"
    bad.write_text("date,sessions,conversions\n2026-01-05,100,500\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["spark", "analyze", "--input", str(path), "--output", str(tmp_path / "o2"),
                                       "--conversions", str(bad)])
    assert result.exit_code == 1
    assert result.output.strip() == f"error: {bad}:2: conversions: 500 is more than sessions (100)"
    assert not (tmp_path / "o2").exists()


def test_format_comes_from_the_file_names():
    assert read.detect_format("in/", None, ["in/a.jsonl.gz", "in/b.ndjson"]) == "jsonl"
    assert read.detect_format("x.parquet", None, []) == "parquet"
    with pytest.raises(Exception, match="--format"):
        read.detect_format("in/", None, ["in/a.csv", "in/b.jsonl"])
