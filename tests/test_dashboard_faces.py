"""Small things a user sees on their own data: unknown authors, escaped text, raw values, separators, captions."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import fmt, i18n
from viralscope import ingest
from viralscope.store import Store

ROOT = Path(__file__).resolve().parents[1]
N = 1_200


@pytest.fixture(scope="module")
def no_authors(tmp_path_factory) -> Store:
    """An import without author ids or names, whose text came HTML-escaped (as some exports send it)."""
    store = Store(tmp_path_factory.mktemp("faces") / "faces.duckdb", lock_timeout=30)
    store.ensure()
    start = pd.Timestamp("2026-03-01", tz="UTC")
    rows = pd.DataFrame({"id": [f"m{i}" for i in range(N)], "source": "x", "brand": "Lumio",
                         "created_at": [start + pd.Timedelta(minutes=30 * i) for i in range(N)],
                         "text": [f"Salt &amp; pepper lamp &lt;3 #{i}" for i in range(N)]})
    ingest.write_mentions(store, rows, origin="test")
    return store


def _run(store: Store, page: str, monkeypatch, query: dict | None = None) -> AppTest:
    monkeypatch.setenv("VIRALSCOPE_DB", str(store.path))
    at = AppTest.from_file(str(ROOT / "dashboard" / "views" / f"{page}_page.py"), default_timeout=60)
    if query:
        at.query_params.update(query)
    return at.run()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_distinct_authors_is_na_with_why_when_no_mention_has_an_author(no_authors, monkeypatch, lang):
    at = _run(no_authors, "overview", monkeypatch, {"lang": lang})
    assert not at.exception, [e.value for e in at.exception]
    card = next(m for m in at.metric if m.label == i18n.t("kpi.authors.label", lang))
    assert card.value == i18n.t("common.na", lang)
    assert any(i18n.t("kpi.authors.na", lang) in c.value for c in at.caption)


def test_mention_text_reads_as_written_and_stays_text(no_authors, monkeypatch):
    at = _run(no_authors, "mentions", monkeypatch)
    assert not at.exception
    text = at.dataframe[0].value["text"]
    assert text.str.startswith("Salt & pepper lamp <3 #").all()
    # Decoded once: a literal "&amp;" written by the author ("&amp;amp;" escaped) stays "&amp;".
    from dashboard.components import plain

    assert plain("a &amp;amp; b") == "a &amp; b" and plain("<b>x</b>") == "<b>x</b>" and plain(None) is None


def _detail(lang: str) -> None:
    import pandas as pd

    from dashboard import components

    row = pd.Series({"text": "Tom &amp; Jerry", "created_at": pd.Timestamp("2026-03-14 16:23:00", tz="UTC"),
                     "source": "x", "author_name": "A &amp; B", "kind": "post", "brand": "Lumio",
                     "sentiment_label": "negative", "sentiment_compound": -0.7351, "cascade_id": "c1", "depth": 12345,
                     "url": "https://x.example/1"})
    components.mention_detail(row, lang)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_detail_panel_shows_formatted_values_under_named_headers(lang):
    at = AppTest.from_function(_detail, args=(lang,)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.text[0].value == "Tom & Jerry"
    table = at.dataframe[0]
    facts = dict(zip(table.value["field"], table.value["value"], strict=True))
    assert facts[i18n.t("col.created_at", lang)] == fmt.datetime(pd.Timestamp("2026-03-14 16:23", tz="UTC"), lang)
    assert facts[i18n.t("col.sentiment_compound", lang)] == "-0.74"
    assert facts[i18n.t("col.sentiment_label", lang)] == i18n.t("sentiment.negative", lang)
    assert facts[i18n.t("col.depth", lang)] == "12,345" and facts[i18n.t("col.author_name", lang)] == "A & B"
    headers = {c["label"] if isinstance(c, dict) else c for c in _column_labels(table)}
    assert {i18n.t("mentions.field", lang), i18n.t("mentions.value", lang)} <= headers


def _column_labels(table) -> list:
    config = json.loads(table.proto.columns) if table.proto.columns else {}
    return [c.get("label") for c in config.values()]


def test_counts_in_the_sources_table_have_thousands_separators(no_authors, monkeypatch):
    at = _run(no_authors, "sources", monkeypatch)
    assert not at.exception
    summary = at.dataframe[0]
    assert int(summary.value["mentions"].iloc[0]) == N
    config = json.loads(summary.proto.columns)
    assert config["mentions"]["type_config"]["format"] == "localized", config["mentions"]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_forecast_caption_says_utc_once(lang):
    now = fmt.datetime(pd.Timestamp("2026-03-14 23:59", tz="UTC"), lang)
    text = i18n.t("diffusion.forecasts_note", lang, since=now, now=now, m=30, k=500, quality="AUC 0.7")
    assert "UTC (UTC)" not in text and "UTC(UTC)" not in text and text.count("UTC") == 2


def test_overview_is_also_at_its_own_address(tmp_path):
    """"/overview" opens the Overview (the default page is served at the root, and used to be only there)."""
    from tests import dashboard_browser as web
    from tests import dashboard_world
    from tests.dashboard_server import serving

    if web.why_not():
        pytest.skip(web.why_not())
    store = Store(tmp_path / "small.duckdb", lock_timeout=30)
    store.ensure()
    dashboard_world.build(store, 300, runs=False)
    with serving(store.path) as base, web.browser(base) as (page, _watch):
        for path in ("", "overview", "overview?lang=ko"):
            page.goto(f"{base}/{path}")
            web.settle(page)
            body = page.locator("body").inner_text()
            assert "Page not found" not in body, path
            assert page.locator("h1").first.inner_text() == ("개요" if "ko" in path else "Overview"), path
