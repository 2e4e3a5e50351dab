"""Screenshots of every page for docs/screenshots: ``python -m tests.dashboard_screenshots [--out DIR]``.

Two worlds, each in English and Korean:

- ``demo``: the demo world brought up to date as ``viralscope analyze`` does (the sentiment stage's own scores,
  never the tests' stand-in labels, which say nothing about the texts);
- ``semeval``: the SemEval-2017 Task 8 reply threads from ``../shared/eval/semeval2017`` imported as mentions
  (the largest news event as the brand, the next four as competitors, as tests/test_dashboard_semeval.py does),
  skipped with a message when that data is absent.

Each world is served with ``viralscope dashboard`` and headless Chromium photographs every page (PNG, 1440 wide,
the whole page) as ``<world>-<page>-<lang>.png``. On the Diffusion page the buttons of "Why it spread" are pressed
first, so the picture shows the trait effects and the growth forecasts; on the Crisis page, the one that finds
the posts driving the latest incident.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from dashboard import i18n
from tests import dashboard_browser as web
from tests import dashboard_world
from tests.dashboard_server import serving
from tests.evaldata import EVAL
from tests.semeval import semeval_world
from viralscope.pipeline import analyze
from viralscope.store import Store

PAGES = ("overview", "mentions", "sentiment", "diffusion", "crisis", "sources", "reports")
QUERIES = {"mentions": "sort=shares"}  # the page's first view otherwise
BUTTONS = {"diffusion": ("diffusion.traits_compute", "diffusion.forecasts_compute"),
           "crisis": ("crisis.find_drivers",)}  # pressed when the page has them
SCROLL_TO = {"diffusion": "diffusion.traits"}  # after the buttons, show what they computed


def demo(tmp: Path, scale: int) -> tuple[Path, dict]:
    store = Store(tmp / "demo.duckdb")
    dashboard_world.demo(store, scale, scored=False)
    analyze(store)  # what ``viralscope analyze`` does: score, relink, the week's KPIs
    return store.path, {}


def semeval(tmp: Path, scale: int) -> tuple[Path, dict] | None:
    if not (EVAL / "semeval2017").exists():
        return None
    store, config, _ = semeval_world(EVAL / "semeval2017" / "traindev", tmp / "semeval")
    return store.path, {"VIRALSCOPE_CONFIG": str(config)}


WORLDS = {"demo": demo, "semeval": semeval}


#: Streamlit scrolls inside its main section, so a "full page" screenshot shows one screen: the window is made
#: as tall as that section's content first (at most this many pixels).
TALLEST = 12_000


def whole_page(page) -> None:
    height = page.evaluate(
        """() => Math.max(...Array.from(document.querySelectorAll(
            '[data-testid=stMain], [data-testid=stAppViewContainer], [data-testid=stMainBlockContainer]'))
            .map(e => e.scrollHeight), 900)""")
    page.set_viewport_size({"width": 1440, "height": min(int(height) + 40, TALLEST)})
    web.settle(page)


def photograph(db: Path, env: dict, world: str, out: Path, langs: tuple[str, ...]) -> None:
    with serving(db, **env) as base, web.browser(base) as (page, watch):
        page.set_viewport_size({"width": 1440, "height": 900})
        for lang in langs:
            for name in PAGES:
                query = "&".join(q for q in (QUERIES.get(name, ""), f"lang={lang}") if q)
                web.open_page(page, base, name, query)
                for key in BUTTONS.get(name, ()):
                    button = page.get_by_role("button", name=i18n.t(key, lang))
                    if button.count():
                        button.first.click()
                        web.settle(page, timeout=300)
                if name in SCROLL_TO:
                    heading = page.get_by_text(i18n.t(SCROLL_TO[name], lang), exact=True)
                    if heading.count():
                        heading.first.scroll_into_view_if_needed()
                        web.settle(page)
                path = out / f"{world}-{name}-{lang}.png"
                whole_page(page)
                page.screenshot(path=str(path), full_page=True)
                page.set_viewport_size({"width": 1440, "height": 900})
                found = web.problems(page)
                trouble = {k: v for k, v in found.items() if v and k != "pwned"}
                print(f"{path}{'  PROBLEMS ' + str(trouble) if trouble else ''}")
        if watch.page_errors or watch.outside_requests:
            print(f"{world}: page errors {watch.page_errors}, outside requests {watch.outside_requests}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.dashboard_screenshots")
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--scale", type=int, default=40_000)
    parser.add_argument("--world", choices=sorted(WORLDS), action="append", help="default: every world")
    parser.add_argument("--lang", choices=sorted(i18n.LANGUAGES), action="append", help="default: every language")
    args = parser.parse_args()
    reason = web.why_not()
    if reason:
        sys.exit(f"cannot take screenshots: {reason}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    langs = tuple(args.lang or i18n.LANGUAGES)
    for world in args.world or WORLDS:
        with tempfile.TemporaryDirectory() as tmp:
            built = WORLDS[world](Path(tmp), args.scale)
            if built is None:
                print(f"{world}: skipped, its evaluation data is absent ({EVAL})")
                continue
            photograph(*built, world, out, langs)


if __name__ == "__main__":
    main()
