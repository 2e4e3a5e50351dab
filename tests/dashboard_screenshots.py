"""Screenshots of the main pages for the README: ``python -m tests.dashboard_screenshots [--out DIR]``.

Builds the demo world and brings it up to date as ``viralscope analyze`` does (the sentiment stage's own
scores, never the tests' stand-in labels, which say nothing about the texts), serves it with
``viralscope dashboard`` and has headless Chromium photograph each page (PNG, 1440 wide, the whole page).
On the Diffusion page the buttons of "Why it spread" are pressed first, so the picture shows the trait
effects and the growth forecasts.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests import dashboard_browser as web
from tests import dashboard_world
from tests.dashboard_server import serving
from viralscope.pipeline import analyze
from viralscope.store import Store

SHOTS = {  # file name -> (page, query string, buttons to press first)
    "overview": ("overview", "", ()),
    "mentions": ("mentions", "sort=shares", ()),
    "sentiment": ("sentiment", "", ()),
    "diffusion": ("diffusion", "", ("Measure which content traits made posts spread",
                                    "Forecast the growth of active cascades")),
    "crisis": ("crisis", "", ()),
    "sources": ("sources", "", ()),
    "overview-ko": ("overview", "lang=ko", ()),
}
TRAITS_HEADING = "Content traits that made posts spread"


def build(db: Path, scale: int) -> str:
    store = Store(db)
    dashboard_world.demo(store, scale, scored=False)
    analyze(store)  # what ``viralscope analyze`` does: score, relink, the week's KPIs
    return "demo world, analyzed"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.dashboard_screenshots")
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--scale", type=int, default=40_000)
    args = parser.parse_args()
    reason = web.why_not()
    if reason:
        sys.exit(f"cannot take screenshots: {reason}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "shots.duckdb"
        what = build(db, args.scale)
        with serving(db) as base, web.browser(base) as (page, _watch):
            page.set_viewport_size({"width": 1440, "height": 900})
            for name, (route, query, buttons) in SHOTS.items():
                web.open_page(page, base, route, query)
                for label in buttons:
                    page.get_by_role("button", name=label).click()
                    web.settle(page, timeout=300)
                if buttons:  # show what the buttons computed, from the section's first chart
                    page.get_by_text(TRAITS_HEADING, exact=True).scroll_into_view_if_needed()
                    web.settle(page)
                page.screenshot(path=str(out / f"{name}.png"), full_page=True)
                print(f"{out / name}.png ({what})")


if __name__ == "__main__":
    main()
