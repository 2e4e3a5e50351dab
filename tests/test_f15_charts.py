"""Charts and the Diffusion, Mentions, Sources pages as a user reads them: gaps drawn as gaps, lone points
visible, one colour per brand under every filter, titled axes, readable log ticks, campaign bands inside the
data, a cascade opened from a link, formatted details, counts with separators, sources named in Korean."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts, components, fmt, i18n, theme
from dashboard.tree import layout
from tests import dashboard_world
from viralscope import ingest
from viralscope.store import Store

ROOT = Path(__file__).resolve().parents[1]
BRANDS = ["Lumio", "Kandela", "Novalux"]


def _weeks(*days: str) -> pd.Series:
    return pd.Series(pd.to_datetime(list(days), utc=True))


def _volume(groups: dict[str, list[tuple[str, int]]]) -> pd.DataFrame:
    rows = [(pd.Timestamp(t, tz="UTC"), g, n) for g, points in groups.items() for t, n in points]
    return pd.DataFrame(rows, columns=["t", "group", "n"])


def _figures(lang: str = "en") -> dict:
    """One figure of every kind the dashboard draws, on small frames."""
    vol = _volume({"Lumio": [("2026-03-02", 5), ("2026-03-03", 7)], "Kandela": [("2026-03-03", 2)]})
    series = pd.DataFrame({"t": pd.to_datetime(["2026-03-02", "2026-03-02", "2026-03-03"], utc=True),
                           "group": ["Lumio", "Lumio", "Lumio"], "label": ["negative", "positive", "neutral"],
                           "n": [4, 6, 9]})
    mix = pd.DataFrame({"group": ["Lumio", "Lumio", "Kandela"], "label": ["negative", "positive", "neutral"],
                        "n": [3, 5, 2]})
    orders = pd.DataFrame({"depth": [0, 1, 2, 3], "n": [10, 5_000, 300, 2]})
    nodes = pd.DataFrame({"id": ["a", "b", "c"], "parent": [None, "a", "a"], "depth": [0, 1, 1],
                          "created_at": pd.to_datetime(["2026-03-02"] * 3, utc=True), "author_name": ["p", "q", "r"],
                          "sentiment_label": ["negative", "positive", None]})
    crisis = pd.DataFrame({"t": pd.date_range("2026-03-02", periods=5, freq="h", tz="UTC"), "negative": [1, 2, 9, 3, 1],
                           "expected_negative": [1.0, 1.5, 2.0, 1.5, 1.0]})
    effects = pd.DataFrame({"trait": ["has_media", "hour_night"], "effect": [0.5, -0.1], "ci_low": [0.2, -0.4],
                            "ci_high": [0.8, 0.2], "odds_ratio": [1.6, 0.9], "p_holm": [0.01, 0.5],
                            "significant": [True, False]})
    return {
        "volume": charts.volume(vol, lang, by="brand", bucket="day", title="v"),
        "sentiment_share": charts.sentiment_share(series, lang, by="brand", bucket="day", title="s", min_n=1),
        "sentiment_stack": charts.sentiment_stack(series, lang, bucket="day", title="s"),
        "sentiment_mix": charts.sentiment_mix(mix, lang, by="brand", title="m"),
        "share_orders": charts.share_orders(orders, lang, title="o"),
        "cascade_tree": charts.cascade_tree(layout(nodes), lang, title="t"),
        "crisis_series": charts.crisis_series(crisis, None, lang, title="c"),
        "trait_effects": charts.trait_effects(effects, lang, title="e"),
    }


# -- gaps and points ------------------------------------------------------------------------------------


def test_a_fifteen_month_empty_stretch_is_a_gap_and_a_quiet_week_is_zero():
    # Two bursts 15 months apart (as the SemEval threads), and inside the first a week with no mention.
    df = _volume({"Lumio": [("2025-01-06", 30), ("2025-01-13", 20), ("2025-01-27", 12), ("2026-04-06", 40),
                            ("2026-04-13", 8)]})
    fig = charts.volume(df, "en", by="brand", bucket="week", title="x")
    x, y = list(fig.data[0].x), list(fig.data[0].y)
    at = {pd.Timestamp(t): v for t, v in zip(x, y, strict=True)}
    assert at[pd.Timestamp("2025-01-20", tz="UTC")] == 0  # a quiet week inside a burst: a true zero
    stretch = [v for t, v in at.items() if pd.Timestamp("2025-02-03", tz="UTC") <= t < pd.Timestamp("2026-04-06",
                                                                                                       tz="UTC")]
    assert len(stretch) > 55 and all(v is None for v in stretch)  # 15 months drawn as a gap
    assert fig.data[0].connectgaps is False


def test_a_stacked_chart_does_not_draw_zeros_across_a_gap():
    # Plotly's stacking turns a missing value into 0: each stretch with data is stacked on its own.
    df = _volume({"x": [("2025-01-06", 3), ("2025-01-13", 4), ("2026-04-06", 5)], "rss": [("2025-01-13", 2)]})
    fig = charts.volume(df, "en", by="source", bucket="week", title="x", stacked=True)
    gap = (pd.Timestamp("2025-01-14", tz="UTC"), pd.Timestamp("2026-04-05", tz="UTC"))
    assert all(not (gap[0] < pd.Timestamp(t) < gap[1]) for tr in fig.data for t in tr.x)
    assert len({tr.stackgroup for tr in fig.data}) == 2
    assert [tr.name for tr in fig.data if tr.showlegend] == ["X", i18n.t("sources.name.rss", "en")]


def test_time_grid_rule():
    grid, covered = charts.time_grid(_weeks("2026-01-05", "2026-01-12", "2026-03-30"), "week")
    assert len(grid) == 13 and covered[0] and covered[1] and covered[-1] and not covered[2:-1].any()
    grid, covered = charts.time_grid(_weeks("2026-01-05", "2026-02-02"), "week")  # 3 empty weeks: quiet
    assert covered.all()


def test_a_series_of_one_point_is_drawn_with_a_marker():
    df = _volume({"Lumio": [(f"2026-03-{d:02d}", 5 + d) for d in range(1, 29)] * 1,
                  "Kandela": [("2026-03-10", 3)]})
    fig = charts.volume(df, "en", by="brand", bucket="day", title="x")
    lone = next(tr for tr in fig.data if tr.name == "Kandela")
    assert "markers" in lone.mode
    # A long series marks only points with no neighbour.
    long = _volume({"Lumio": [(str(d.date()), 3) for d in pd.date_range("2026-01-01", periods=60)]
                    + [("2026-03-20", 4)]})
    tr = charts.volume(long, "en", by="brand", bucket="day", title="x").data[0]
    sizes = list(tr.marker.size)
    assert "markers" in tr.mode and sizes[-1] > 0 and sizes[10] == 0


def test_a_share_left_out_is_a_gap_not_a_line():
    t = pd.to_datetime(["2026-03-02", "2026-03-03", "2026-03-04"], utc=True)
    series = pd.DataFrame({"t": t, "group": "Lumio", "label": "negative", "n": [10, 1, 10]})
    fig = charts.sentiment_share(series, "en", by="brand", bucket="day", title="s", min_n=5)
    assert list(fig.data[0].y) == [1.0, None, 1.0]


# -- colours and legends -----------------------------------------------------------------------------------


def test_a_brand_has_the_same_colour_with_and_without_a_filter():
    full = _volume({b: [("2026-03-02", 10 * (3 - i))] for i, b in enumerate(BRANDS)})
    full.attrs["names"] = BRANDS
    one = full[full["group"] == "Novalux"]  # a filter on one competitor (attrs follow the frame)
    color = {tr.name: tr.line.color for tr in charts.volume(full, "en", by="brand", bucket="day", title="x").data}
    alone = charts.volume(one, "en", by="brand", bucket="day", title="x")
    assert alone.data[0].line.color == color["Novalux"] != color["Lumio"]
    assert color["Lumio"] == theme.PALETTE[0]
    # Without the list, the colour is still the brand's own (not its place among the series drawn).
    bare = one.copy()
    bare.attrs = {}
    assert charts.volume(bare, "en", by="brand", bucket="day", title="x").data[0].line.color == theme.color_for(
        "Novalux")


def test_the_legend_shows_with_one_series_and_sits_under_the_axis():
    one = _volume({"Novalux": [("2026-03-02", 3), ("2026-03-03", 4)]})
    fig = charts.volume(one, "en", by="brand", bucket="day", title="x")
    assert fig.layout.showlegend is True
    mix = _figures()["sentiment_mix"]
    assert mix.layout.legend.yref == "container" and mix.layout.legend.y == 0
    assert mix.layout.margin.b >= 60 and mix.layout.yaxis.automargin


def test_the_cascade_tree_has_a_colour_legend():
    tree = _figures()["cascade_tree"]
    named = {tr.name for tr in tree.data if tr.showlegend is not False and tr.name}
    assert {i18n.t("sentiment.negative", "en"), i18n.t("sentiment.positive", "en"),
            i18n.t("sentiment.unscored", "en")} <= named
    assert tree.layout.showlegend is True
    colours = {tr.name: tr.marker.color for tr in tree.data if tr.name}
    assert colours[i18n.t("sentiment.negative", "en")] == theme.SENTIMENT["negative"]


# -- axes and bands ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_chart_titles_its_axes(lang):
    for name, fig in _figures(lang).items():
        for axis in (fig.layout.xaxis, fig.layout.yaxis):
            if axis.visible is False:
                continue
            assert axis.title.text, (name, axis)
    ko = _figures("ko")["volume"]
    assert ko.layout.yaxis.title.text == i18n.t("chart.mentions.day", "ko") != i18n.t("chart.mentions.day", "en")


def test_log_axis_reads_powers_of_ten_with_separators():
    fig = _figures()["share_orders"]
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis.dtick == 1 and fig.layout.yaxis.tickformat == ",d"


def test_a_campaign_outside_the_window_does_not_stretch_the_axis():
    df = _volume({"Lumio": [("2026-03-02", 5), ("2026-03-09", 7)]})
    bands = [("Old", pd.Timestamp("2025-06-01"), pd.Timestamp("2025-07-01")),
             ("Overlap", pd.Timestamp("2026-02-01"), pd.Timestamp("2026-03-05"))]
    fig = charts.volume(df, "en", by="brand", bucket="day", title="x", bands=bands)
    assert len(fig.layout.shapes) == 1
    band = fig.layout.shapes[0]
    lo, hi = pd.Timestamp("2026-03-02", tz="UTC"), pd.Timestamp("2026-03-10", tz="UTC")
    assert lo <= pd.Timestamp(band.x0) and pd.Timestamp(band.x1) <= hi


# -- pages ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("f15_world") / "world.duckdb", lock_timeout=30)
    store.ensure()
    return dashboard_world.build(store, 1_500)


def _run(path: Path, db: Path, monkeypatch, query: dict | None = None) -> AppTest:
    monkeypatch.setenv("VIRALSCOPE_DB", str(db))
    at = AppTest.from_file(str(path), default_timeout=90)
    if query:
        at.query_params.update(query)
    return at.run()


def _page(name: str) -> Path:
    return ROOT / "dashboard" / "views" / f"{name}_page.py"


def _facts(table) -> dict:
    return dict(zip(table.value["field"], table.value["value"], strict=True))


@pytest.mark.parametrize("with_source", [True, False])
def test_a_link_to_a_cascade_opens_its_tree_and_details(world, monkeypatch, with_source):
    # An early cascade: the first view shows the last 28 days, so it is not among the view's top cascades.
    early = world.query("""SELECT source, cascade_id, count(*) AS n FROM mentions
                           WHERE cascade_id IN (SELECT id FROM mentions WHERE parent_resolved IS NULL
                                                AND created_at < TIMESTAMPTZ '2026-01-20')
                           GROUP BY ALL HAVING count(*) >= 2 ORDER BY n DESC, cascade_id LIMIT 1""")
    source, cascade, size = early["source"].iloc[0], early["cascade_id"].iloc[0], int(early["n"].iloc[0])
    query = {"cascade": cascade, **({"source": source} if with_source else {})}
    at = _run(_page("diffusion"), world.path, monkeypatch, query)
    assert not at.exception, [e.value for e in at.exception]
    facts = _facts(next(d for d in at.dataframe if "field" in d.value))
    assert facts[i18n.t("col.cascade_id", "en")] == cascade and facts[i18n.t("col.size", "en")] == f"{size:,}"
    assert any(c.value.startswith(f"{size:,} mentions") for c in at.caption)
    assert at.selectbox(key="d_cascade").value == 0 and at.query_params.get("cascade") == cascade


def test_clicking_a_row_of_top_cascades_opens_its_tree(world, monkeypatch):
    at = _run(_page("diffusion"), world.path, monkeypatch, {"from": "2026-01-05", "to": "2026-04-04"})
    table = next(d for d in at.dataframe if "max_depth" in d.value)
    third = table.value.iloc[2]
    at.session_state["cascades_table"] = {"selection": {"rows": [2], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="d_cascade").value == 2
    facts = _facts(next(d for d in at.dataframe if "field" in d.value))
    assert facts[i18n.t("col.size", "en")] == fmt.number(third["size"], "en")


def _mention(lang: str) -> None:
    import pandas as pd

    from dashboard import components

    row = pd.Series({"text": "hi", "created_at": pd.Timestamp("2026-03-14 16:23:00", tz="UTC"), "source": "rss",
                     "author_name": "a", "kind": "reply", "brand": "Lumio", "sentiment_label": "negative",
                     "sentiment_compound": -0.7351, "likes": 21_387, "shares": 3, "replies": 0, "lang": "ko",
                     "cascade_id": "c1", "depth": 2, "url": None})
    components.mention_detail(row, lang)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_mention_detail_names_kinds_sources_and_formats_counts(lang):
    at = AppTest.from_function(_mention, args=(lang,)).run()
    assert not at.exception
    facts = _facts(at.dataframe[0])
    assert facts[i18n.t("col.likes", lang)] == "21,387"
    assert facts[i18n.t("col.kind", lang)] == i18n.t("sources.kind.reply", lang)
    assert facts[i18n.t("col.source", lang)] == i18n.t("sources.name.rss", lang)
    assert facts[i18n.t("col.lang", lang)] == i18n.language_name("ko", lang)
    assert facts[i18n.t("col.created_at", lang)].endswith("16:23 UTC") and "+00:00" not in facts[
        i18n.t("col.created_at", lang)]
    if lang == "ko":
        assert facts[i18n.t("col.kind", lang)] == "답글" and facts[i18n.t("col.source", lang)] == "RSS 피드"


def test_the_mentions_table_keeps_to_the_columns_that_fit(world, monkeypatch):
    at = _run(_page("mentions"), world.path, monkeypatch, {"from": "2026-01-05", "to": "2026-04-04"})
    table = at.dataframe[0]
    # Ten columns at most, the text at medium width: they fit a 1,440-pixel window with the sidebar open.
    assert list(table.value.columns)[-1] == "link" and len(table.value.columns) <= 10
    config = json.loads(table.proto.columns)
    assert all(config[c]["width"] == "small" for c in ("likes", "shares", "link", "author_name", "source"))
    assert config["text"]["width"] == "medium"


def _float_counts() -> None:
    import numpy as np
    import pandas as pd

    from dashboard import components

    components.table(pd.DataFrame({"source": ["x", "rss"], "collected_new": [21_387.0, np.nan],
                                   "ratio": [1.25, 2.5]}), "en")


def test_counts_made_float_by_a_missing_value_keep_their_separators():
    at = AppTest.from_function(_float_counts).run()
    config = json.loads(at.dataframe[0].proto.columns)
    assert config["collected_new"]["type_config"]["format"] == "localized"
    assert "ratio" not in config or config["ratio"].get("type_config", {}).get("format") != "localized"


@pytest.fixture(scope="module")
def kinds(tmp_path_factory) -> Store:
    """Mentions of generic sources (an RSS feed, a news import) and of a platform with a proper name."""
    store = Store(tmp_path_factory.mktemp("f15_kinds") / "kinds.duckdb", lock_timeout=30)
    store.ensure()
    start = pd.Timestamp("2026-03-01", tz="UTC")
    n = 1_500
    rows = pd.DataFrame({"id": [f"m{i}" for i in range(n)], "source": ["rss", "news", "youtube"] * (n // 3),
                         "brand": "Lumio", "created_at": [start + pd.Timedelta(minutes=20 * i) for i in range(n)],
                         "text": [f"lamp {i}" for i in range(n)]})
    ingest.write_mentions(store, rows, origin="test")
    return store


def test_sources_are_named_in_korean_on_the_korean_page(kinds, monkeypatch):
    at = _run(_page("sources"), kinds.path, monkeypatch, {"lang": "ko"})
    assert not at.exception, [e.value for e in at.exception]
    names = set(at.dataframe[0].value["source"])
    assert names == {"RSS 피드", "뉴스", "YouTube"}
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert {tr["name"] for tr in chart["data"]} == {"RSS 피드", "뉴스", "YouTube"}
    at = _run(_page("sources"), kinds.path, monkeypatch, {"lang": "en"})
    assert set(at.dataframe[0].value["source"]) == {"RSS feeds", "News", "YouTube"}


def test_source_names_keep_unknown_sources_and_brands_as_they_are():
    assert charts.source_name("acme_forum_export", "ko") == "acme_forum_export"
    assert charts.source_name("YouTube", "ko") == "YouTube" and charts.source_name("forum", "ko") == "포럼"
    assert components._fact("brand", "News", "ko") == "News"  # a brand named like a kind stays a brand


def _corrections(lang: str) -> None:
    import pandas as pd

    from dashboard import components

    rows = pd.DataFrame({"text": ["a", "b"], "sentiment_label": ["negative", "neutral"],
                         "correction": ["positive", None]})
    components.mentions_table(rows, lang, key="t", widths={"text": "medium"})


def test_a_corrected_label_reads_in_the_interface_language():
    at = AppTest.from_function(_corrections, args=("ko",)).run()
    assert list(at.dataframe[0].value["correction"])[0] == i18n.t("sentiment.positive", "ko")
    assert json.loads(at.dataframe[0].proto.columns)["text"]["width"] == "medium"


def test_the_reads_carry_the_full_list_of_brands_whatever_the_filter(world, monkeypatch):
    import datetime as dt

    from dashboard import queries
    from dashboard.filters import Filters

    monkeypatch.delenv("VIRALSCOPE_CONFIG", raising=False)
    span = (dt.date(2026, 1, 5), dt.date(2026, 4, 4))
    every = queries.split_volume(queries.volume_by_brand_and_source(world, Filters(*span), "week"), "brand")
    one = queries.split_volume(queries.volume_by_brand_and_source(world, Filters(*span, brands=("Glowly",)), "week"),
                               "brand")
    assert set(one["group"].dropna()) == {"Glowly"}
    assert one.attrs["names"] == every.attrs["names"] and set(dashboard_world.BRANDS) <= set(every.attrs["names"])
    colour = {tr.name: tr.line.color for tr in charts.volume(every, "en", by="brand", bucket="week", title="").data}
    alone = charts.volume(one, "en", by="brand", bucket="week", title="")
    assert alone.data[0].line.color == colour["Glowly"]
    assert queries.sentiment_series(world, Filters(*span, brands=("Glowly",)), "brand", "week").attrs["names"] == \
        every.attrs["names"]
