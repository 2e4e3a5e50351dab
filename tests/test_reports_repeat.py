"""The same week's report built twice is the same report, apart from the time it was generated."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from viralscope import reports

WEEK = "2026-W06"
FIRST, SECOND = pd.Timestamp("2026-03-02 07:00:01", tz="UTC"), pd.Timestamp("2026-03-09 07:00:59", tz="UTC")


@pytest.fixture(scope="module")
def twice(demo_store, tmp_path_factory):
    store, _truth, config = demo_store
    out = tmp_path_factory.mktemp("twice")
    files = []
    for i, now in enumerate((FIRST, SECOND)):
        built = reports.build(store, config, WEEK, now=now)
        files.append({fmt: reports.render(built, fmt, out / f"{i}.{fmt}") for fmt in ("html", "xlsx", "csv")})
    return files


def _stamp(ts: pd.Timestamp) -> str:
    return ts.strftime("%Y-%m-%d %H:%M:%S UTC")


def test_html_differs_only_in_the_generation_time(twice):
    a, b = (f["html"].read_text(encoding="utf-8") for f in twice)
    assert _stamp(FIRST) in a and _stamp(SECOND) in b and a != b
    assert a.replace(_stamp(FIRST), "T") == b.replace(_stamp(SECOND), "T")


def _workbook(path):
    book = load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book.worksheets}


def test_xlsx_differs_only_in_the_generation_time(twice):
    a, b = (_workbook(f["xlsx"]) for f in twice)
    assert list(a) == list(b)
    for sheet in a:
        if sheet == "About":
            continue
        assert a[sheet] == b[sheet], sheet
    diff = [(x, y) for x, y in zip(a["About"], b["About"], strict=True) if x != y]
    assert diff == [(["Generated (UTC)", FIRST.tz_localize(None).to_pydatetime()],
                     ["Generated (UTC)", SECOND.tz_localize(None).to_pydatetime()])]


def test_csv_zip_differs_only_in_the_generation_time(twice):
    with zipfile.ZipFile(twice[0]["csv"]) as za, zipfile.ZipFile(twice[1]["csv"]) as zb:
        assert za.namelist() == zb.namelist()
        for name in za.namelist():
            x, y = za.read(name).decode(), zb.read(name).decode()
            if name.endswith("/about.csv"):
                assert str(FIRST) in x and str(SECOND) in y
                x, y = x.replace(str(FIRST), "T"), y.replace(str(SECOND), "T")
            assert x == y, name
            assert za.getinfo(name).date_time == zb.getinfo(name).date_time
