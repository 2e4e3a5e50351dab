"""``report --week last`` follows the data, not the wall clock: the newest complete week that holds mentions."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from viralscope import ingest, reports
from viralscope.cli import main
from viralscope.core.errors import InsufficientData


def _mentions(store, *times: str, brand: str = "Lumio") -> None:
    rows = pd.DataFrame({"id": [f"{brand}{i}" for i in range(len(times))], "source": "x", "brand": brand,
                         "created_at": [pd.Timestamp(t, tz="UTC") for t in times], "text": "lumio lamp"})
    ingest.write_mentions(store, rows, origin="test")


def _run(store, *args):
    return CliRunner().invoke(main, ["--db", str(store.path), *args])


def test_last_is_the_newest_complete_week_with_data(store, tmp_path):
    # 2016-W32 holds data, W33..W36 none, and the newest mention falls on Monday of W37 (not complete).
    _mentions(store, "2016-08-09 10:00", "2016-08-10 12:00", "2016-09-12 08:00")
    res = _run(store, "report", "--week", "last", "--out", str(tmp_path / "r-{week}.html"))
    assert res.exit_code == 0, res.output
    assert (tmp_path / "r-2016-W32.html").exists()
    assert "2016-W32" in res.output and "last complete week with data" in res.output
    assert reports.last_week_with_data(store) == ("2016-W32", True)


def test_only_an_incomplete_week_is_taken_and_said(store):
    _mentions(store, "2016-09-12 08:00", "2016-09-13 08:00")
    assert reports.last_week_with_data(store) == ("2016-W37", False)


def test_last_follows_the_brand_asked_for(store):
    _mentions(store, "2016-08-09 10:00", "2016-09-12 08:00")
    _mentions(store, "2016-08-30 10:00", "2016-09-20 08:00", brand="Other")
    assert reports.last_week_with_data(store, brand="Lumio") == ("2016-W32", True)
    assert reports.last_week_with_data(store, brand="Other") == ("2016-W35", True)


def test_last_on_an_empty_store_is_one_line_and_exit_1(store, tmp_path):
    res = _run(store, "report", "--week", "last", "--out", str(tmp_path / "r.html"))
    assert res.exit_code == 1 and len(res.output.strip().splitlines()) == 1, res.output
    assert "no mentions" in res.output
    assert not (tmp_path / "r.html").exists()
    with pytest.raises(InsufficientData):
        reports.last_week_with_data(store)
