"""The dashboard's Reports page: launches anywhere, previews the chosen week, offers every format."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from tests import dashboard_browser as web
from tests import dashboard_world
from tests.dashboard_server import serving
from tests.test_reports_safety import ALLOWED_TAGS, _Page
from viralscope import reports
from viralscope.store import Store

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "dashboard" / "views" / "reports_page.py")
APP = ROOT / "dashboard" / "app.py"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("world") / "world.duckdb", lock_timeout=30)
    store.ensure()
    return dashboard_world.build(store, 1_500, hostile=True)


def run(db: Path, monkeypatch, query: dict | None = None, path: str = PAGE) -> AppTest:
    monkeypatch.setenv("VIRALSCOPE_DB", str(db))
    at = AppTest.from_file(path, default_timeout=120)
    if query:
        at.query_params.update(query)
    return at.run()


def test_the_page_offers_the_last_complete_week(demo_store, monkeypatch):
    store, _truth, _config = demo_store
    at = run(store.path, monkeypatch)
    assert not at.exception, at.exception
    week = at.selectbox(key="report_week")
    assert week.value == "2026-W13"  # the demo's 90 days end on Saturday 2026-04-04: W14 is not complete
    assert [b.proto.label for b in at.get("download_button")][:3] == ["HTML page", "Excel (a sheet per table)",
                                                                       "CSV (zip, a file per table)"]


def test_the_preview_and_files_are_the_chosen_week(demo_store, monkeypatch):
    store, _truth, _config = demo_store
    at = run(store.path, monkeypatch, {"week": "2026-W06"})
    assert not at.exception, at.exception
    assert at.selectbox(key="report_week").value == "2026-W06"
    bundle = reports.download_bundle(store, "2026-W06")
    assert "Weekly report 2026-W06: Lumio" in bundle["html"]
    book = load_workbook(io.BytesIO(bundle["xlsx"]))
    assert book.sheetnames[:3] == ["Summary", "About", "Key numbers"]
    assert "2026-W06/kpis.csv" in zipfile.ZipFile(io.BytesIO(bundle["csv"])).namelist()


def test_the_week_and_authors_choice_go_into_the_link(demo_store, monkeypatch):
    store, _truth, _config = demo_store
    at = run(store.path, monkeypatch)
    at.selectbox(key="report_week").set_value("2026-W07").run()
    at.toggle(key="report_authors").set_value(True).run()
    assert not at.exception
    assert at.query_params.get("week") in ("2026-W07", ["2026-W07"])
    assert at.query_params.get("authors") in ("1", ["1"])


def test_hostile_world_preview_has_nothing_executable(hostile, monkeypatch):
    at = run(hostile.path, monkeypatch, {"lang": "ko"})
    assert not at.exception, at.exception
    week = at.selectbox(key="report_week").value
    bundle = reports.download_bundle(hostile, week, True)
    page = _Page()
    page.feed(bundle["html"])
    assert set(page.tags) <= ALLOWED_TAGS
    assert not any(name.startswith("on") for _t, name, _v in page.attrs)


def test_empty_store_shows_how_to_start(store, monkeypatch):
    at = run(store.path, monkeypatch)
    assert not at.exception and not at.get("download_button")


def test_navigation_reaches_the_page(hostile, monkeypatch):
    monkeypatch.setenv("VIRALSCOPE_DB", str(hostile.path))
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    at.switch_page("views/reports_page.py").run()
    assert not at.exception and at.selectbox(key="report_week").value


@pytest.mark.browser
@pytest.mark.skipif(web.why_not() is not None, reason=web.why_not() or "")
def test_in_a_browser_the_preview_runs_nothing_and_fetches_nothing(tmp_path_factory):
    """Chromium opens the Reports page of a hostile world: nothing runs in the page or in the preview frame,
    no dialog opens, and nothing is requested outside the dashboard."""
    store = Store(tmp_path_factory.mktemp("browser") / "hostile.duckdb", lock_timeout=30)
    dashboard_world.demo(store, 3_000, hostile=True)
    with serving(store.path) as base, web.browser(base) as (page, watch):
        page.goto(f"{base}/sources")  # the first load of a server settles on its default route
        web.settle(page, 120)
        page.goto(f"{base}/reports?authors=1")
        web.settle(page, 120)
        page.wait_for_timeout(1500)
        frames = [f for f in page.frames if f != page.main_frame]
        assert len(frames) == 1 and frames[0].evaluate("() => document.title").startswith("Weekly report")
        for frame in page.frames:
            assert frame.evaluate("() => window.__pwned === undefined"), frame.url
        live = "() => document.querySelectorAll('script, img, iframe, object, embed, [onerror], [onload]').length"
        assert frames[0].evaluate(live) == 0  # the report itself: none of these at all
        assert web.problems(page)["live_markup"] == 0
        assert watch.dialogs == [] and watch.page_errors == [] and watch.outside_requests == []
