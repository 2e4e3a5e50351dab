"""On the demo world, every number the weekly report shows is the number ``viralscope metrics`` prints."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from viralscope import kpis, reports
from viralscope.cli import main
from viralscope.config import load_config
from viralscope.reports.build import n_text
from viralscope.reports.html import kpi_display

#: The XLSX's readable column names of the KPI sheet, back to the fields they hold.
READABLE = {"Key": "key", "Value": "value", "95% interval low": "ci_low", "95% interval high": "ci_high",
            "As shown": "display"}

#: The campaign's first week and the week of the demo crisis (incidents and response times in play).
WEEKS = {"2026-W06": "2026-02-02..2026-02-09", "2026-W11": "2026-03-09..2026-03-16"}


class _KpiRows(HTMLParser):
    """The text of each cell of the rows ``<tr id="kpi-…">`` of the Key numbers table."""

    def __init__(self):
        super().__init__()
        self.rows, self._row, self._cell = {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and (a.get("id") or "").startswith("kpi-"):
            self._row = a["id"][4:]
            self.rows[self._row] = []
        elif tag == "td" and self._row:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._row and self._cell is not None:
            self.rows[self._row].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module", params=sorted(WEEKS))
def built(request, demo_store, tmp_path_factory):
    store, _truth, _config = demo_store
    week = request.param
    out = tmp_path_factory.mktemp(week)
    result = CliRunner().invoke(main, ["--db", str(store.path), "metrics", "--window", WEEKS[week]])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    files = {}
    for fmt, name in (("html", "r.html"), ("xlsx", "r.xlsx"), ("csv", "r.zip")):
        res = CliRunner().invoke(main, ["--db", str(store.path), "report", "--week", week, "--format", fmt,
                                        "--out", str(out / name)])
        assert res.exit_code == 0, res.output
        files[fmt] = out / name
    report = reports.build(store, load_config(None, store=store), week)  # the configuration the CLI used
    return week, printed, report, files


def _none(v):
    """Missing cells come back from pandas as NaN."""
    return None if v is None or v != v else v


def test_the_report_kpis_are_the_printed_kpis(built):
    _week, printed, report, _files = built
    table = report.tables["kpis"].set_index("key")
    assert list(table.index) == list(printed["kpis"])
    assert report.kpis["n"] == printed["n"] and report.brand == printed["brand"]
    for key, k in printed["kpis"].items():
        row = table.loc[key]
        for field in ("value", "ci_low", "ci_high"):
            mine = None if row[field] != row[field] else float(row[field])
            assert mine == k[field], (key, field, mine, k[field])
        assert (row["display"], row["status"], _none(row["reason"])) == (k["display"], k["status"], k["reason"]), key
        assert row["n"] == n_text(k["n"])


def test_the_html_shows_the_printed_kpis(built):
    _week, printed, _report, files = built
    parser = _KpiRows()
    parser.feed(files["html"].read_text(encoding="utf-8"))
    assert list(parser.rows) == list(printed["kpis"])
    for key, k in printed["kpis"].items():
        label, shown, source = parser.rows[key]
        assert label == k["label"]
        # Durations go through kpi_registry.format_value's hours ("2.8 h"); every other KPI reads as printed.
        expected = kpi_display(k) if k["unit"] == "minutes" else k["display"]
        assert shown == (expected if k["status"] == "ok" else f"n/a: {k['reason']}"), key
        assert f"n = {n_text(k['n'])}" in source


def test_the_xlsx_and_csv_hold_the_printed_kpis(built):
    _week, printed, _report, files = built
    sheet = load_workbook(files["xlsx"])["Key numbers"]
    # Readable headers: "Value", "95% interval low", … (the CSV keeps the field names).
    header = [READABLE.get(c.value, c.value) for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    with zipfile.ZipFile(files["csv"]) as zf:
        name = next(n for n in zf.namelist() if n.endswith("/kpis.csv"))
        csv_rows = {r["key"]: r for r in csv.DictReader(io.StringIO(zf.read(name).decode("utf-8")))}
    for key, k in printed["kpis"].items():
        for field in ("value", "ci_low", "ci_high"):
            # openpyxl writes 16 significant digits ("%.16g"; Excel shows 15): equal to that precision.
            assert (rows[key][field] is None) == (k[field] is None), (key, field)
            if k[field] is not None:
                assert float(f"{rows[key][field]:.16g}") == float(f"{k[field]:.16g}"), (key, field)
            assert (float(csv_rows[key][field]) if csv_rows[key][field] else None) == k[field], (key, field)
        # The XLSX shows the printed text; the CSV carries the numbers as numbers, not a text it would have to guard.
        shown = kpi_display(k) if k["unit"] == "minutes" else k["display"]
        assert rows[key]["display"] == shown and "display" not in csv_rows[key]


def test_the_tables_agree_with_the_kpis(built, demo_store):
    week, printed, report, _files = built
    store, _truth, config = demo_store
    volume = report.tables["volume"]
    this = volume[volume["period"] == "this week"]
    before = volume[volume["period"] == "previous week"]
    assert int(this["mentions"].sum()) == printed["n"]["window"]
    assert int(before["mentions"].sum()) == printed["n"]["baseline"]
    lift = printed["kpis"]["positive_mention_lift"]["details"]
    assert int(this["positive"].sum()) == lift["n_window"] and int(before["positive"].sum()) == lift["n_baseline"]
    crisis = printed["kpis"]["crisis_incidents"]
    assert len(report.tables["incidents"]) == crisis["value"]
    assert [i.isoformat() for i in report.tables["incidents"]["start"]] == \
        [i["start"] for i in crisis["details"]["incidents"]]
    found = kpis.themes(store, config, WEEKS[week])
    assert list(report.tables["themes"]["label"]) == [t["label"] for t in found["themes"]]
    conv = report.tables["conversions"]
    details = printed["kpis"]["conversion_change"]["details"]
    assert int(conv.loc[conv["period"] == "this week", "sessions"].sum()) == details["sessions_window"]
    assert int(conv.loc[conv["period"] == "this week", "conversions"].sum()) == details["conversions_window"]


def test_the_crisis_week_shows_the_demo_crisis(demo_store):
    import pandas as pd

    store, truth, config = demo_store
    start = pd.Timestamp(truth["crisis"]["start"])
    report = reports.build(store, config, reports.week_label(start))
    incidents = report.tables["incidents"]
    near = incidents[(incidents["start"] - start).abs() <= pd.Timedelta(hours=1)]
    assert len(near) == 1
    trigger = f"{truth['crisis']['trigger']['source']}:{truth['crisis']['trigger']['root_id']}"
    assert trigger in near["driving_cascades"].iat[0]
    negative = report.tables["notable_mentions"].query("tone == 'negative'")
    assert len(negative) == 10 and negative["reach"].is_monotonic_decreasing


#: The KPIs whose definition changed with the robust intervals, incremental conversions, the response split
#: and the two share depths: the dashboard, ``viralscope metrics`` and the weekly report show the same ones.
CHANGED = ("mention_lift", "positive_mention_lift", "negative_mention_lift", "conversion_change", "cac_change",
           "incremental_conversions", "viral_roi", "response_answer_rate", "response_time_median",
           "response_time_p90", "answered_within_1h", "amplification_asymmetry", "mean_max_share_depth",
           "mean_share_order")


def test_the_dashboard_shows_the_printed_kpis(built, demo_store, monkeypatch):
    """The Overview's cards, rendered, against the JSON ``viralscope metrics`` printed for the same week."""
    import datetime as dt
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from dashboard import i18n, kpi
    from dashboard.components import format_value, md
    from dashboard.filters import Filters

    week, printed, report, _files = built
    store, _truth, config = demo_store
    start, end = (dt.date.fromisoformat(x) for x in WEEKS[week].split(".."))
    f = Filters(start=start, end=end - dt.timedelta(days=1))
    cards = {c["key"]: c for c in kpi.metric_kpis(store, *kpi.metric_args(f, load_config(None, store=store)))}
    table = report.tables["kpis"].set_index("key")
    for key in CHANGED:
        for field in ("value", "ci_low", "ci_high", "status", "reason", "display", "n", "definition"):
            assert cards[key][field] == printed["kpis"][key][field], (key, field)
        assert table.loc[key, "display"] == printed["kpis"][key]["display"]
    monkeypatch.setenv("VIRALSCOPE_DB", str(store.path))
    page = Path(__file__).resolve().parents[1] / "dashboard" / "views" / "overview_page.py"
    at = AppTest.from_file(str(page), default_timeout=180)
    at.query_params.update({"from": start.isoformat(), "to": (end - dt.timedelta(days=1)).isoformat()})
    at.run()
    assert not at.exception, at.exception
    shown = {m.label: m.value for m in at.metric}
    for key in CHANGED:
        k = printed["kpis"][key]
        label = md(i18n.t(f"kpi.{key}.label", "en"))
        assert shown[label] == format_value(k["value"] if k["status"] == "ok" else None, k["unit"], "en"), key
    _cards_say_what_the_cli_and_the_report_say(at, printed, table, files=_files)


#: Units a card writes as the CLI's ``display`` does; money (185K USD) is compact on a card.
EXACT_UNITS = ("change", "share", "score", "points", "ratio", "hops")


def _cards_say_what_the_cli_and_the_report_say(at, printed, table, files) -> None:
    """Every KPI of the week, as the card, the CLI JSON and the report write it: the same number, interval,
    n and reason (each from the KPI registry, so the card's words can only differ where its style is compact)."""
    from dashboard.safety import md
    from viralscope import kpi_registry

    shown = {m.label: m.value for m in at.metric}
    captions = [str(c.value) for c in at.caption]
    parser = _KpiRows()
    parser.feed(files["html"].read_text(encoding="utf-8"))
    for key, k in printed["kpis"].items():
        card = shown[md(kpi_registry.label(key, "en"))]
        assert k["label"] == kpi_registry.label(key) and k["unit"] == kpi_registry.REGISTRY[key].unit, key
        assert table.loc[key, "display"] == k["display"] and parser.rows[key][0] == k["label"], key
        value = k["value"] if k["status"] == "ok" else None
        currency = k["display"].removeprefix(f"{value:,.0f}").strip() if k["unit"] == "currency" and value else ""
        assert k["display"] == kpi_registry.display(value, k["ci_low"], k["ci_high"], k["unit"], currency), key
        if value is None:
            assert card == "n/a" and k["display"] == "n/a", key
            assert parser.rows[key][1] == f"n/a: {k['reason']}", key
            assert any(md(k["reason"]) in c for c in captions), key
            continue
        head = k["display"].split(" (95% CI ")[0]
        if k["unit"] in EXACT_UNITS or (k["unit"] == "count" and float(value).is_integer()):
            assert card == head, (key, card, head)
        else:
            assert card == kpi_registry.format_value(value, k["unit"], compact_style=True,
                                                     currency=k.get("currency") or ""), key
        if k["ci_low"] is not None and k["ci_high"] is not None and k["unit"] in EXACT_UNITS:
            low, high = k["display"].split(" (95% CI ")[1].rstrip(")").split(" to ")
            assert any(f"{low} … {high}" in c for c in captions), key
        n = n_text(k["n"])
        assert f"n = {n}" in parser.rows[key][2] and any(n in c for c in captions), key
