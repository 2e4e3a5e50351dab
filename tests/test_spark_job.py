"""``spark analyze`` on the demo world equals ``analyze`` + ``export``; the faces read its output in place."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from diffusion.cascades import CASCADE_COLUMNS, cascade_metrics
from tests.spark_world import NO_PYSPARK, WINDOW
from viralscope import tables
from viralscope.cli import main
from viralscope.store import Store

pytestmark = pytest.mark.spark


def _parquet(path, pattern="*.parquet") -> pd.DataFrame:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return con.execute(f"SELECT * FROM read_parquet('{path}/{pattern}')").df()  # noqa: S608 - a test's own path


def _plain(series: pd.Series) -> list:
    return [None if pd.isna(v) else (v.item() if isinstance(v, np.generic) else v) for v in series.astype(object)]


def _same(left: pd.Series, right: pd.Series) -> np.ndarray:
    return np.array([a == b for a, b in zip(_plain(left), _plain(right), strict=True)], dtype=bool)


def test_every_mention_equals_the_local_export(demo):
    local = tables.mentions(demo["store"])
    spark_rows = _parquet(demo["output"] / "mentions", "*/*.parquet")
    assert len(spark_rows) == len(local) == demo["summary"].mentions
    both = local.merge(spark_rows, on=["source", "id"], suffixes=("_local", "_spark"), validate="one_to_one")
    assert len(both) == len(local)
    np.testing.assert_allclose(both["sentiment_compound_spark"], both["sentiment_compound_local"], rtol=0, atol=1e-9)
    for column in ("sentiment_label", "lang", "cascade_id", "depth", "link_flag", "text", "created_at", "parent_id",
                   "kind", "likes", "shares", "replies", "author_followers", "media", "brand", "author_id"):
        left, right = both[f"{column}_local"], both[f"{column}_spark"]
        if column == "created_at":
            left = left.dt.tz_convert("UTC").dt.tz_localize(None)
        assert _same(left, right).all(), (column, both.loc[~_same(left, right), [f"{column}_local", f"{column}_spark"]].head())
    # Extra attributes ride along as the store keeps them (one JSON object per mention).
    extras = spark_rows.set_index(["source", "id"])["extra"].map(json.loads)
    assert set(extras.iloc[0]) == {"topic", "tone", "surprise"}


def test_every_cascade_equals_the_local_export(demo):
    local = cascade_metrics(demo["store"].mentions())
    spark_rows = _parquet(demo["output"] / "cascades")
    assert demo["summary"].big_cascades > 0  # some cascades took the distributed path, the rest applyInPandas
    assert len(spark_rows) == len(local) == demo["summary"].cascades
    both = local.merge(spark_rows, on=["source", "cascade_id"], suffixes=("_local", "_spark"), validate="one_to_one")
    assert len(both) == len(local)
    for column in CASCADE_COLUMNS[2:]:
        left, right = both[f"{column}_local"], both[f"{column}_spark"]
        if column in ("started_at", "last_at"):
            left = left.dt.tz_convert("UTC").dt.tz_localize(None)
        if pd.api.types.is_float_dtype(right):
            np.testing.assert_allclose(right.astype(float), left.astype(float), rtol=1e-12, atol=0, err_msg=column)
        else:
            assert _same(left, right).all(), (column, both.loc[~_same(left, right)].head())


def test_daily_counts_add_up_to_the_mentions(demo):
    daily = _parquet(demo["output"] / "daily")
    local = demo["store"].query(
        """SELECT CAST(created_at AS DATE) AS day, brand, source, lang, sentiment_label, count(*) AS mentions
           FROM mentions GROUP BY ALL""")
    local["day"] = local["day"].dt.tz_localize(None)
    keys = ["day", "brand", "source", "lang", "sentiment_label"]
    both = local.merge(daily, on=keys, how="outer", suffixes=("_local", "_spark"))
    assert (both["mentions_local"] == both["mentions_spark"]).all()


def _cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_metrics_over_the_output_equal_metrics_over_the_store(demo):
    over = {}
    for name, db in (("store", demo["store"].path), ("spark", demo["output"])):
        result = _cli("--db", str(db), "--config", str(demo["config"]), "metrics", "--window", WINDOW)
        assert result.exit_code == 0, result.output
        over[name] = json.loads(result.output)
    assert over["spark"] == over["store"]
    shown = [k for k, v in over["spark"]["kpis"].items() if v["status"] == "ok"]
    # The comparison means something: sentiment, cascades and the business data all reach the KPIs.
    assert {"mention_lift", "net_sentiment", "mean_max_share_depth", "conversion_change"} <= set(shown)


def test_report_and_export_run_over_the_output(demo, tmp_path):
    out = tmp_path / "week.html"
    result = _cli("--db", str(demo["output"]), "--config", str(demo["config"]), "report", "--week", "2026-W05",
                  "--format", "html", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Lumio" in out.read_text(encoding="utf-8")
    exported = tmp_path / "cascades.csv"
    result = _cli("--db", str(demo["output"]), "export", "cascades", "--format", "csv", "--out", str(exported))
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(exported)) == demo["summary"].cascades


def test_writing_to_the_output_fails_with_one_line(demo):
    before = sorted(p.name for p in (demo["output"] / "meta").iterdir())
    result = CliRunner().invoke(main, ["--db", str(demo["output"]), "import", str(demo["jsonl"])])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "read-only" in lines[0] and str(demo["output"]) in lines[0]
    assert sorted(p.name for p in (demo["output"] / "meta").iterdir()) == before


def test_the_output_store_has_the_store_tables_columns_and_types(demo, tmp_path):
    plain = Store(tmp_path / "empty.duckdb")
    plain.ensure()
    spec = "SELECT table_name, column_name, data_type FROM information_schema.columns ORDER BY ALL"
    output = Store(demo["output"])
    assert type(output).__name__ == "OutputStore"
    assert output.query(spec).equals(plain.query(spec))
    assert output.count_mentions() == demo["summary"].mentions
    assert len(output.conversions()) == demo["summary"].conversions


def test_an_unfinished_run_is_refused(demo, tmp_path):
    half = tmp_path / "half"
    (half / "mentions").mkdir(parents=True)
    result = CliRunner().invoke(main, ["--db", str(half), "metrics", "--window", WINDOW])
    assert result.exit_code == 1
    assert "incomplete output" in result.output and "meta/" in result.output


def test_spark_submit_entry_point_has_the_command():
    run = subprocess.run([sys.executable, "-m", "viralscope.spark", "analyze", "--help"], capture_output=True, text=True)
    assert run.returncode == 0
    assert "--input" in run.stdout and "--master" in run.stdout


def test_the_command_default_is_the_library_default():
    pytest.importorskip("pyspark", reason=NO_PYSPARK)
    from viralscope.commands import spark as command
    from viralscope.spark import cascades

    assert command._BIG_CASCADE == cascades.BIG_CASCADE


@pytest.mark.parametrize("page", ["overview", "mentions", "sentiment", "diffusion", "crisis", "sources"])
def test_every_dashboard_page_runs_over_the_output(demo, page, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.test_dashboard_pages import WHOLE, page_file

    monkeypatch.setenv("VIRALSCOPE_DB", str(demo["output"]))
    monkeypatch.setenv("VIRALSCOPE_CONFIG", str(demo["config"]))
    at = AppTest.from_file(page_file(page), default_timeout=120)
    at.query_params.update(WHOLE)
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
