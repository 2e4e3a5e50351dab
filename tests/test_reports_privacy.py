"""Authors are pseudonymised by default in reports and exports; ``--include-authors`` shows them."""

from __future__ import annotations

import json
import zipfile

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from viralscope import ingest, privacy
from viralscope.cli import main
from viralscope.store import Store


def _text_of(path) -> str:
    if path.suffix == ".xlsx":
        book = load_workbook(path)
        return "\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row)
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            return "\n".join(zf.read(n).decode() for n in zf.namelist())
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("suffix, fmt", [(".html", "html"), (".xlsx", "xlsx"), (".zip", "csv")])
def test_reports_name_no_author_by_default(hostile_store, tmp_path, suffix, fmt):
    store, _config = hostile_store
    out = tmp_path / f"r{suffix}"
    res = CliRunner().invoke(main, ["--db", str(store.path), "report", "--week", "2026-W06", "--format", fmt,
                                    "--out", str(out)])
    assert res.exit_code == 0, res.output
    text = _text_of(out)
    assert "evil_" not in text and "example.com/evil" not in text and "anon-" in text
    assert "pseudonymised" in text
    res = CliRunner().invoke(main, ["--db", str(store.path), "report", "--week", "2026-W06", "--format", fmt,
                                    "--out", str(out), "--include-authors"])
    text = _text_of(out)
    assert "anon-" not in text and "included as collected" in text
    assert ("evil_" in text) == (fmt != "html")  # the page shows author names, the tables ids too


def _export(store, *args, env=None):
    res = CliRunner().invoke(main, ["--db", str(store.path), "export", *args], env=env)
    assert res.exit_code == 0, res.output
    return res


@pytest.fixture
def people(store):
    rows = [
        {"id": "1", "source": "x", "created_at": "2026-01-05T10:00:00Z", "text": "love it", "author_id": "alice",
         "author_name": "Alice A", "url": "https://x.com/alice/status/1", "handle": "alice.bsky.social",
         "subreddit": "lamps"},
        {"id": "2", "source": "x", "created_at": "2026-01-05T11:00:00Z", "text": "thanks!", "author_id": "lumio_care",
         "author_name": "Lumio Care", "parent_id": "1", "url": "https://x.com/lumio_care/status/2"},
        {"id": "3", "source": "reddit", "created_at": "2026-01-05T12:00:00Z", "text": "meh", "author_id": "alice"},
    ]
    ingest.write_mentions(store, pd.DataFrame(rows), origin="people.jsonl")
    return store


def _rows(path):
    return {r["id"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def test_export_mentions_pseudonymises_authors(people, tmp_path):
    cfg = tmp_path / "viralscope.toml"
    cfg.write_text('[brand]\nname = "Lumio"\naccounts = ["lumio_care"]\n')
    out = tmp_path / "m.jsonl"
    CliRunner().invoke(main, ["--db", str(people.path), "--config", str(cfg), "export", "mentions", "--format",
                              "jsonl", "--out", str(out)])
    rows = _rows(out)
    alice_x, alice_reddit = rows["1"]["author_id"], rows["3"]["author_id"]
    assert alice_x.startswith("anon-") and rows["1"]["author_name"] == alice_x
    assert alice_reddit.startswith("anon-") and alice_reddit != alice_x  # keyed on source and author
    assert rows["1"]["url"] is None and rows["1"]["handle"].startswith("anon-") and rows["1"]["subreddit"] == "lamps"
    assert (rows["2"]["author_id"], rows["2"]["author_name"]) == ("lumio_care", "Lumio Care")  # a brand account
    assert "alice" not in out.read_text().lower()
    # The same store gives the same pseudonyms next time (its key is kept in the store, never exported).
    again = tmp_path / "again.jsonl"
    _export(people, "mentions", "--format", "jsonl", "--out", str(again))
    assert _rows(again)["1"]["author_id"] == alice_x
    key = people.get_meta(privacy.META_KEY)
    assert len(key) == 64 and key not in out.read_text()
    _export(people, "mentions", "--format", "jsonl", "--out", str(out), "--include-authors")
    rows = _rows(out)
    assert rows["1"]["author_id"] == "alice" and rows["1"]["url"] == "https://x.com/alice/status/1"


def test_a_key_from_the_environment_gives_the_same_pseudonyms_in_every_store(people, tmp_path):
    other = Store(tmp_path / "other.duckdb")
    ingest.write_mentions(other, people.mentions(["id", "source", "created_at", "text", "author_id"]), origin="copy")
    env = {privacy.KEY_ENV: "team-wide secret"}
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    _export(people, "mentions", "--format", "jsonl", "--out", str(a), env=env)
    _export(other, "mentions", "--format", "jsonl", "--out", str(b), env=env)
    assert _rows(a)["1"]["author_id"] == _rows(b)["1"]["author_id"] != "alice"
    assert other.get_meta(privacy.META_KEY) is None  # the environment's key is used, none is made
    _export(other, "mentions", "--format", "jsonl", "--out", str(b))
    assert _rows(b)["1"]["author_id"] != _rows(a)["1"]["author_id"]  # another key, other pseudonyms


def test_pseudonymizer_is_keyed_and_keeps_missing_values():
    p, q = privacy.Pseudonymizer(b"k1", ["@Brand"]), privacy.Pseudonymizer(b"k2")
    assert p.one("x", "bob") == p.one("x", "bob") != q.one("x", "bob")
    assert p.one("x", "brand") == "brand" and p.one("x", None) is None
    s = p.series(pd.Series(["x", "x", None]), pd.Series(["bob", None, "bob"]))
    assert s.iloc[0] == p.one("x", "bob") and pd.isna(s.iloc[1]) and s.iloc[2] == p.one(None, "bob")
    assert "k1" not in repr(p)


def test_export_alerts_joins_incidents_and_what_was_sent(hostile_store, tmp_path):
    store, _config = hostile_store
    from viralscope import tables
    from viralscope.config import load_config

    config = load_config(None, store=store)
    detected = tables.alerts(store, config)
    assert len(detected) >= 1 and detected["detected"].all() and detected["sent_to"].isna().all()
    first = detected.iloc[0]
    facts = {"start": first["start"].isoformat(), "end": first["end"].isoformat(), "peak": first["peak"].isoformat(),
             "severity": first["severity"], "negatives": 9, "expected": 1, "brand": detected["brand"].iat[0],
             "subject": "=HYPERLINK(\"http://evil.example\")"}
    gone = dict(facts, start="2025-12-01T00:00:00+00:00", end="2025-12-01T03:00:00+00:00",
                peak="2025-12-01T01:00:00+00:00")
    with store.write() as con:
        con.execute("INSERT INTO alerts_sent VALUES ('k1', 'email', '2026-02-03 10:00:00', ?)", [json.dumps(facts)])
        con.execute("INSERT INTO alerts_sent VALUES ('k1', 'webhook', '2026-02-03 10:00:05', ?)", [json.dumps(facts)])
        con.execute("INSERT INTO alerts_sent VALUES ('k0', 'email', '2025-12-01 02:00:00', ?)", [json.dumps(gone)])
    try:
        out = tmp_path / "alerts.csv"
        _export(store, "alerts", "--format", "csv", "--out", str(out))
        table = pd.read_csv(out)
        assert list(table.columns) == tables.ALERT_COLUMNS
        assert len(table) == len(detected) + 1
        sent = table[table["sent_to"].notna()]
        assert list(sent["sent_to"]) == ["email", "email, webhook"]
        assert list(sent["detected"]) == [False, True]  # the old alert's incident is not in the data
        assert sent["subject"].str.startswith("'=").all()  # formula-neutralised
    finally:
        with store.write() as con:
            con.execute("DELETE FROM alerts_sent")
