"""Exports: contract columns, round trip, and hostile cells that a spreadsheet must never run."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from viralscope import ingest
from viralscope.cli import main
from viralscope.export import neutralize, write_table
from viralscope.tables import MENTION_EXPORT_COLUMNS

HOSTILE = [
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
    "<script>alert(1)</script>",
]


@pytest.fixture
def hostile_store(store, tmp_path):
    path = tmp_path / "hostile.jsonl"
    rows = [
        {"id": f"h{i}", "source": "x", "created_at": "2026-01-05T10:00:00Z", "text": text, "author_name": text,
         "campaign_note": text}
        for i, text in enumerate(HOSTILE)
    ]
    rows.append({"id": "plain", "source": "x", "created_at": "2026-01-05T10:00:00Z", "text": "fine", "likes": 3,
                 "parent_id": "h0"})
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    ingest.import_file(store, path)
    return store


def _export(store, fmt, out, *flags):
    args = ["--db", str(store.path), "export", "mentions", "--format", fmt, "--out", str(out), *flags]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return out


def test_neutralize():
    assert neutralize("=1+1") == "'=1+1"
    assert neutralize("fine") == "fine"
    assert neutralize("-") == "'-"
    assert neutralize(5) == 5


def test_csv_export_is_formula_safe_and_has_contract_columns(hostile_store, tmp_path):
    out = _export(hostile_store, "csv", tmp_path / "m.csv")
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[: len(MENTION_EXPORT_COLUMNS)] == MENTION_EXPORT_COLUMNS
    assert "campaign_note" in rows[0]  # unknown columns come back as columns
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    by_id = {r["id"]: r for r in rows}
    assert by_id["h0"]["text"] == "'" + HOSTILE[0]
    assert by_id["plain"]["cascade_id"] == "h0" and by_id["plain"]["depth"] == "1"


def test_xlsx_export_has_no_formula_cells(hostile_store, tmp_path):
    out = _export(hostile_store, "xlsx", tmp_path / "m.xlsx")
    sheet = load_workbook(out)["mentions"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    texts = set()
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.value
        texts.add(row[header.index("text")].value)
    # Exact text, typed as strings (XML turns a carriage return into a line feed, so that one is left out).
    assert set(HOSTILE) - {"\r=1+1"} <= texts


def test_jsonl_export_round_trips(hostile_store, tmp_path):
    # Authors as collected: a pseudonymised export imports back with the pseudonyms instead.
    out = _export(hostile_store, "jsonl", tmp_path / "m.jsonl", "--include-authors")
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["text"] for r in rows} >= set(HOSTILE)
    from viralscope.store import Store

    again = Store(tmp_path / "again.duckdb")
    summary = ingest.import_file(again, out)
    assert summary.inserted == len(rows)
    original = _export(hostile_store, "jsonl", tmp_path / "a.jsonl", "--include-authors").read_text(encoding="utf-8")
    assert _export(again, "jsonl", tmp_path / "b.jsonl", "--include-authors").read_text(encoding="utf-8") == original


def test_write_table_is_atomic(tmp_path):
    import pandas as pd

    out = tmp_path / "t.jsonl"
    out.write_text("old")
    unserialisable = pd.DataFrame({"a": [1, 2], "b": ["fine", object()]})
    with pytest.raises(TypeError):
        write_table(unserialisable, "jsonl", out)
    assert out.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.jsonl"]  # no temporary file left behind


def test_xlsx_sizes_columns_and_formats_numbers(tmp_path):
    import pandas as pd

    df = pd.DataFrame({"mentions_new": [21387, 5], "share": [0.1234, 0.5], "revenue": [185000.5, 12.0],
                       "text": ["a long sentence about the lamp that reads well", "short"]})
    sheet = load_workbook(write_table(df, "xlsx", tmp_path / "t.xlsx"))["data"]
    widths = {c: sheet.column_dimensions[c].width for c in "ABCD"}
    assert widths["A"] >= len("mentions_new") + 2 and widths["D"] >= len(df["text"][0]) and widths["C"] < widths["D"]
    assert sheet["A2"].number_format == "#,##0" and sheet["A2"].value == 21387  # a number, shown with separators
    assert sheet["B2"].number_format == "0.000" and sheet["C2"].number_format == "#,##0.00"
    assert sheet.freeze_panes == "A2"
