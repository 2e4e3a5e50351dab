"""A real browser over every page of the demo world with hostile mentions added: nothing breaks, nothing runs.

Headless Chromium (Debian's package, driven by Playwright through ``executable_path``) opens each page of a
dashboard started with ``viralscope dashboard`` on a free port. Screenshots are kept under
``test-artifacts/browser/``. Skips with the reason when Chromium or Playwright is missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import dashboard_browser as web
from tests import dashboard_world
from tests.dashboard_server import serving
from viralscope.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.skipif(web.why_not() is not None, reason=web.why_not() or "")]

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "browser"
#: The demo world's whole span: the hostile mentions are spread over it, and a first visit shows only its
#: last 28 days.
WHOLE = "from=2026-01-05&to=2026-04-04"


@pytest.fixture(scope="module")
def hostile_dashboard(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("browser") / "hostile.duckdb", lock_timeout=30)
    dashboard_world.demo(store, 3_000, hostile=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with serving(store.path, log=ARTIFACTS / "server.log") as base:
        yield base


def _check(page, watch, name: str) -> None:
    found = web.problems(page)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert found["pwned"] is None, f"{name}: mention text ran"
    assert watch.dialogs == [], f"{name}: a dialog opened: {watch.dialogs}"
    assert found["exceptions"] == 0 and not found["traceback"], f"{name}: an exception is shown"
    assert found["live_markup"] == 0, f"{name}: live markup from mention text"
    assert found["js_links"] == [], f"{name}: non-http links {found['js_links']}"
    assert watch.page_errors == [], f"{name}: uncaught errors {watch.page_errors}"
    assert watch.outside_requests == [], f"{name}: requests outside the dashboard {watch.outside_requests}"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_page_in_a_real_browser(hostile_dashboard, lang):
    with web.browser(hostile_dashboard) as (page, watch):
        for name in web.ROUTES:
            web.open_page(page, hostile_dashboard, name, WHOLE + ("&lang=ko" if lang == "ko" else ""))
            _check(page, watch, f"{name}-{lang}")
            title = page.locator("h1").first.inner_text()
            assert title, f"{name}: no title"


def test_hostile_mentions_shown_as_text(hostile_dashboard):
    """The hostile mentions themselves, found by search, selected, and opened in full: still only text."""
    with web.browser(hostile_dashboard) as (page, watch):
        web.open_page(page, hostile_dashboard, "mentions", f"q=%3Cscript%3Ewindow&{WHOLE}")
        grid = page.locator("[data-testid=stDataFrame]").first
        box = grid.bounding_box()
        # The row-selection checkbox of the first row: the grid is a canvas, so click by position (the
        # canvas may still be laying out on the first try).
        for _ in range(5):
            page.mouse.move(box["x"] + 18, box["y"] + 35 + 17)
            page.wait_for_timeout(300)
            page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
            web.settle(page)
            if page.locator("[data-testid=stText]").count():
                break
        _check(page, watch, "mentions-hostile-selected")
        # The selected mention in full, shown literally as the text it is.
        assert page.locator("[data-testid=stText]").first.inner_text() == dashboard_world.HOSTILE_TEXTS[0]
        # The brand filter offers the hostile brand: its option is plain text.
        page.locator("[data-testid=stMultiSelect]").first.click()
        page.wait_for_selector("[role=option]")
        options = page.locator("[role=option]").all_inner_texts()
        assert dashboard_world.HOSTILE_BRAND in options
        _check(page, watch, "brand-options")
        page.keyboard.press("Escape")
        web.open_page(page, hostile_dashboard, "diffusion", f"rank=size&{WHOLE}")
        for chart in page.locator(".js-plotly-plot").all()[:3]:  # hover labels carry author names
            b = chart.bounding_box()
            if b:
                page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
        _check(page, watch, "diffusion-hover")


@pytest.mark.parametrize("name", [n for n in web.ROUTES if web.ROUTES[n]])
def test_a_shared_link_opens_its_page_on_a_first_visit(hostile_dashboard, name):
    """A link to a page is a first visit for whoever receives it: the page opens, with no "Page not found"
    (Streamlit gave one on a first visit while a ``pages/`` folder sat beside the app; the pages live in
    ``dashboard/views``)."""
    with web.browser(hostile_dashboard) as (page, _watch):
        web.open_page(page, hostile_dashboard, name, "lang=ko")
        shown = page.evaluate("document.body.innerText")
        assert "Page not found" not in shown and "does not seem to exist" not in shown, name
        assert page.locator("h1").first.inner_text()
