"""The diffusion commands: export cascades / accounts, forecast fit / predict."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from diffusion.accounts import ACCOUNT_COLUMNS
from diffusion.cascades import CASCADE_COLUMNS
from diffusion.forecast import PREDICTION_COLUMNS
from tests.test_diffusion_forecast import synthetic_cascades
from viralscope import ingest
from viralscope.cli import main
from viralscope.store import Store


def _import(store: Store, frame: pd.DataFrame, path) -> Store:
    rows = frame.assign(created_at=pd.to_datetime(frame["created_at"], utc=True).dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    if "text" not in rows:
        rows["text"] = "RT"
    path.write_text("".join(json.dumps({k: v for k, v in r.items() if v is not None and v == v}) + "\n"
                            for r in rows.to_dict("records")), encoding="utf-8")
    ingest.import_file(store, path)
    return store


def _run(store: Store, *args):
    return CliRunner().invoke(main, ["--db", str(store.path), *args], catch_exceptions=False)


@pytest.fixture
def small_store(store, tmp_path):
    frame = pd.DataFrame([
        {"id": "p", "source": "x", "created_at": "2026-01-05T09:00:00Z", "text": "Our new lamp", "author_id": "brand",
         "author_name": "=HYPERLINK(\"http://evil.example\")", "author_followers": 5000, "kind": "post"},
        {"id": "a", "source": "x", "created_at": "2026-01-05T09:05:00Z", "text": "RT", "author_id": "fan",
         "parent_id": "p", "kind": "share"},
        {"id": "b", "source": "x", "created_at": "2026-01-05T09:07:00Z", "text": "RT", "author_id": "fan2",
         "parent_id": "a", "kind": "share"},
        {"id": "q", "source": "x", "created_at": "2026-01-06T09:00:00Z", "text": "+1 lamp", "author_id": "fan",
         "kind": "post"},
    ])
    return _import(store, frame, tmp_path / "small.jsonl")


def test_export_cascades_csv_jsonl_xlsx(small_store, tmp_path):
    out = tmp_path / "cascades.csv"
    result = _run(small_store, "export", "cascades", "--format", "csv", "--out", str(out), "--include-authors")
    assert result.exit_code == 0 and "wrote 2 cascades" in result.output
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == CASCADE_COLUMNS
    assert (rows[0]["cascade_id"], rows[0]["size"], rows[0]["depth"]) == ("p", "3", "2")
    assert json.loads(rows[0]["depth_counts"]) == {"1": 1, "2": 1}
    assert rows[0]["author_name"].startswith("'=")  # hostile names are inert in a spreadsheet
    assert rows[1]["structural_virality"] == ""  # null for a lone post

    jsonl = tmp_path / "cascades.jsonl"
    assert _run(small_store, "export", "cascades", "--format", "jsonl", "--out", str(jsonl)).exit_code == 0
    first = json.loads(jsonl.read_text(encoding="utf-8").splitlines()[0])
    assert first["structural_virality"] == pytest.approx(4 / 3) and first["started_at"] == "2026-01-05T09:00:00Z"

    xlsx = tmp_path / "cascades.xlsx"
    assert _run(small_store, "export", "cascades", "--format", "xlsx", "--out", str(xlsx)).exit_code == 0
    sheet = load_workbook(xlsx)["cascades"]
    assert [c.value for c in sheet[1]] == CASCADE_COLUMNS


def test_export_accounts(small_store, tmp_path):
    out = tmp_path / "accounts.csv"
    result = _run(small_store, "export", "accounts", "--format", "csv", "--out", str(out), "--include-authors")
    assert result.exit_code == 0 and "wrote 3 accounts" in result.output
    table = pd.read_csv(out)
    assert list(table.columns) == ACCOUNT_COLUMNS
    brand = table.set_index("author_id").loc["brand"]
    assert (brand["posts"], brand["reach"], brand["largest_cascade"]) == (1, 2, 3)


@pytest.mark.parametrize("table", ["cascades", "accounts"])
def test_exports_pseudonymise_authors_by_default(small_store, tmp_path, table):
    out = tmp_path / f"{table}.csv"
    assert _run(small_store, "export", table, "--format", "csv", "--out", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "fan" not in text and "evil.example" not in text
    authors = pd.read_csv(out)["author_id"].dropna()
    assert len(authors) and authors.map(lambda a: a != "brand").all()
    # The same author gets the same pseudonym in every export of the store, so tables still join.
    again = tmp_path / f"{table}2.csv"
    assert _run(small_store, "export", table, "--format", "csv", "--out", str(again)).exit_code == 0
    assert again.read_text(encoding="utf-8") == text


def test_export_from_an_empty_store(store, tmp_path):
    out = tmp_path / "c.csv"
    assert _run(store, "export", "cascades", "--format", "csv", "--out", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").strip().split(",") == CASCADE_COLUMNS


def test_forecast_fit_then_predict_on_another_store(store, tmp_path):
    frame = synthetic_cascades(n=90, seed=1, start=pd.Timestamp("2026-01-01", tz="UTC"))
    _import(store, frame, tmp_path / "a.jsonl")
    # Posts of the last 72 hours (before the newest mention) may still be spreading: not learnt from.
    settled = (frame.loc[frame["parent_id"].isna(), "created_at"] <= frame["created_at"].max() - pd.Timedelta("72h")).sum()
    assert 30 <= settled < 90
    model = tmp_path / "model.json"
    fit = _run(store, "forecast", "fit", "--observe-minutes", "60", "--out", str(model), "--folds", "3")
    assert fit.exit_code == 0, fit.output
    assert "doubling AUC" in fit.output and "time-ordered" in fit.output and "in 3 blocks" in fit.output
    assert f"of {settled} in 3 blocks" in fit.output

    other = Store(tmp_path / "other.duckdb")
    other.ensure()
    _import(other, synthetic_cascades(n=12, seed=2), tmp_path / "b.jsonl")
    out = tmp_path / "forecast.csv"
    predicted = _run(other, "forecast", "predict", "--model", str(model), "--observe-minutes", "60", "--out", str(out))
    assert predicted.exit_code == 0, predicted.output
    assert "wrote 12 forecasts" in predicted.output and "doubling AUC" in predicted.output
    table = pd.read_csv(out)
    assert list(table.columns) == PREDICTION_COLUMNS
    assert (table["predicted_size"] >= table["observed_size"]).all() and table["p_double"].between(0, 1).all()

    wrong = _run(other, "forecast", "predict", "--model", str(model), "--observe-minutes", "30", "--out", str(out))
    assert wrong.exit_code == 1 and "fitted on the first 60 minutes, not 30" in wrong.output


def test_forecast_errors(small_store, tmp_path):
    few = _run(small_store, "forecast", "fit", "--observe-minutes", "60", "--out", str(tmp_path / "m.json"),
               "--settle", "0s")
    assert few.exit_code == 1 and "at least 30 completed cascades" in few.output
    bad = _run(small_store, "forecast", "fit", "--observe-minutes", "60", "--out", str(tmp_path / "m.json"),
               "--settle", "soon")
    assert bad.exit_code == 2 and "not a duration" in bad.output
    missing = _run(small_store, "forecast", "predict", "--model", str(tmp_path / "nope.json"), "--observe-minutes",
                   "60", "--out", str(tmp_path / "f.csv"))
    assert missing.exit_code == 1 and "model file not found" in missing.output
    zero = _run(small_store, "forecast", "fit", "--observe-minutes", "0", "--out", str(tmp_path / "m.json"))
    assert zero.exit_code == 2
