"""docs/screenshots holds every page of both worlds in both languages, as ``make screenshots`` names them."""

from pathlib import Path

from dashboard import i18n
from tests.dashboard_screenshots import PAGES, WORLDS

DOCS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def test_every_page_world_and_language_has_its_screenshot():
    wanted = {f"{w}-{p}-{lang}.png" for w in WORLDS for p in PAGES for lang in i18n.LANGUAGES}
    assert wanted <= {p.name for p in DOCS.glob("*.png")}, sorted(wanted - {p.name for p in DOCS.glob("*.png")})


def test_the_readme_shows_a_screenshot_that_exists():
    readme = (DOCS.parents[1] / "README.md").read_text(encoding="utf-8")
    shown = [line.split("](", 1)[1].split(")", 1)[0] for line in readme.splitlines() if line.startswith("![")]
    assert shown and all((DOCS.parents[1] / s).exists() for s in shown), shown
