"""Screenshots of the main pages for the README: ``python -m tests.dashboard_screenshots [--out DIR]``.

Builds the demo world (scored by the sentiment stage when it is installed; never with the tests'
stand-in labels, which say nothing about the texts), serves it with ``viralscope dashboard`` and has headless Chromium photograph each page (PNG, 1440
wide, the whole page).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests import dashboard_browser as web
from tests import dashboard_world
from tests.dashboard_server import serving
from viralscope.store import Store

SHOTS = {  # file name -> (page, query string)
    "overview": ("overview", ""),
    "mentions": ("mentions", "sort=shares"),
    "sentiment": ("sentiment", ""),
    "diffusion": ("diffusion", ""),
    "crisis": ("crisis", ""),
    "sources": ("sources", ""),
    "overview-ko": ("overview", "lang=ko"),
}


def build(db: Path, scale: int) -> str:
    store = Store(db)
    dashboard_world.demo(store, scale, stand_in=False)
    return "demo world"


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
            for name, (route, query) in SHOTS.items():
                web.open_page(page, base, route, query)
                page.screenshot(path=str(out / f"{name}.png"), full_page=True)
                print(f"{out / name}.png ({what})")


if __name__ == "__main__":
    main()
