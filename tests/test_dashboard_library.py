"""The dashboard's library: filters and the URL, SQL aggregates, tree collapse, safety, formatting, strings."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from dashboard import fmt, i18n, queries, tree
from dashboard.filters import NONE, Filters, default_period, from_query, to_query
from dashboard.safety import md, plot_text, safe_url
from tests import dashboard_world
from viralscope.store import Store

SPAN = (dt.date(2026, 1, 5), dt.date(2026, 4, 4))


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("lib") / "w.duckdb", lock_timeout=30)
    store.ensure()
    return dashboard_world.build(store, 2_000, hostile=True)


# -- filters ------------------------------------------------------------------------------------------


def test_filters_round_trip_through_the_query_string():
    f = Filters(dt.date(2026, 2, 1), dt.date(2026, 2, 14), ("Lumio", NONE), ("x",), ("ko",), ("negative",))
    options = {"brand": ["Lumio", NONE], "source": ["x"], "language": ["ko"]}
    assert from_query(to_query(f, span=SPAN), span=SPAN, options=options) == f


def test_defaults_make_a_short_link():
    assert to_query(Filters(*default_period(SPAN)), span=SPAN) == {}
    # The whole span is not the default: its link names both dates.
    assert to_query(Filters(*SPAN), span=SPAN) == {"from": ["2026-01-05"], "to": ["2026-04-04"]}
    assert from_query(to_query(Filters(*SPAN), span=SPAN), span=SPAN) == Filters(*SPAN)


def test_the_default_period_is_the_last_28_days_when_a_baseline_fits():
    assert default_period(SPAN) == (dt.date(2026, 3, 8), dt.date(2026, 4, 4))
    short = (dt.date(2026, 1, 5), dt.date(2026, 1, 31))
    assert default_period(short) == short
    assert from_query({}, span=SPAN) == Filters(*default_period(SPAN))


LAST_28 = (dt.date(2026, 3, 8), dt.date(2026, 4, 4))


@pytest.mark.parametrize(("params", "expected"), [
    ({"from": ["2025-01-01"], "to": ["2030-01-01"]}, SPAN),                       # clamped to the data
    ({"from": ["2026-03-01"], "to": ["2026-02-01"]}, LAST_28),                    # reversed: the default
    ({"from": ["garbage"]}, LAST_28),
    ({"from": ["2026-02-01"]}, (dt.date(2026, 2, 1), SPAN[1])),
    ({"to": ["2026-02-01"]}, (SPAN[0], dt.date(2026, 2, 1))),
])
def test_bad_dates_fall_back(params, expected):
    f = from_query(params, span=SPAN)
    assert (f.start, f.end) == expected


def test_window_is_half_open_and_baseline_is_the_period_before():
    f = Filters(dt.date(2026, 2, 1), dt.date(2026, 2, 7))
    assert f.window == (pd.Timestamp("2026-02-01", tz="UTC"), pd.Timestamp("2026-02-08", tz="UTC"))
    assert f.baseline().window == (pd.Timestamp("2026-01-25", tz="UTC"), pd.Timestamp("2026-02-01", tz="UTC"))


def test_where_counts_match_pandas(world):
    everything = world.mentions()
    f = Filters(dt.date(2026, 2, 1), dt.date(2026, 2, 28), brands=("Lumio", "Glowly"), sources=("x", "reddit"),
                langs=("ko",), sentiments=("negative", "unscored"))
    cond, params = f.scope().where()
    got = world.scalar(f"SELECT count(*) FROM mentions WHERE {cond}", params)  # noqa: S608
    t = everything["created_at"]
    expect = everything[(t >= "2026-02-01") & (t < "2026-03-01") & everything["brand"].isin(["Lumio", "Glowly"])
                        & everything["source"].isin(["x", "reddit"]) & (everything["lang"] == "ko")
                        & (everything["sentiment_label"].isna() | (everything["sentiment_label"] == "negative"))]
    assert got == len(expect) > 0


def test_null_values_can_be_selected(world):
    with world.write() as con:
        con.execute("UPDATE mentions SET brand = NULL WHERE id IN ('m1', 'm2')")
    cond, params = Filters(brands=(NONE,)).scope().where()
    assert world.scalar(f"SELECT count(*) FROM mentions WHERE {cond}", params) == 2  # noqa: S608
    assert None in [v for v, _ in queries.overview(world)["brand"]]


# -- queries ------------------------------------------------------------------------------------------


def test_volume_adds_up_to_the_total(world):
    f = Filters(*SPAN)
    by_brand = queries.volume(world, f, "brand", "day")
    assert by_brand["n"].sum() == world.count_mentions()
    assert queries.totals(world, f)["mentions"] == world.count_mentions()
    assert queries.bucket_for(Filters(dt.date(2026, 1, 5), dt.date(2026, 1, 6))) == "hour"
    assert queries.bucket_for(Filters(dt.date(2025, 1, 5), dt.date(2026, 1, 6))) == "week"


def test_mentions_pages_do_not_overlap_and_cover_everything(world):
    f = Filters(dt.date(2026, 3, 1), dt.date(2026, 3, 10))
    n = queries.count_mentions(world, f)
    pages = [queries.mentions_page(world, f, sort="likes", limit=37, offset=o) for o in range(0, n, 37)]
    keys = pd.concat(pages)[["source", "id"]].apply(tuple, axis=1)
    assert len(keys) == n == keys.nunique()
    likes = pd.concat(pages)["likes"].tolist()
    assert likes == sorted(likes, reverse=True)


def test_search_is_literal(world):
    assert queries.count_mentions(world, Filters(), "100%") == 0  # % is not a wildcard
    assert queries.count_mentions(world, Filters(), "__pwned") > 0  # neither is _
    with pytest.raises(ValueError):
        queries.mentions_page(world, Filters(), sort="text; DROP TABLE mentions")


def test_top_cascades_match_an_independent_count(world):
    top = queries.top_cascades(world, Filters(), "size", 10)
    m = world.mentions(["source", "id", "cascade_id", "depth"])
    sizes = m.groupby(["source", "cascade_id"]).size().sort_values(ascending=False)
    assert top["size"].tolist() == sizes.head(10).tolist()
    first = top.iloc[0]
    part = m[(m["source"] == first["source"]) & (m["cascade_id"] == first["cascade_id"])]
    assert first["depth"] == part["depth"].max()
    assert first["max_breadth"] == part.groupby("depth").size().max()


def test_share_orders_count_every_mention(world):
    orders = queries.share_orders(world, Filters())
    assert orders["n"].sum() == world.count_mentions()


def test_sources_summary_and_runs(world):
    summary = queries.sources_summary(world).set_index("source")
    assert summary.loc["reddit", "last_status"] == "rate_limited"
    assert summary.loc["bluesky", "runs"] == 0 and summary.loc["bluesky", "mentions"] > 0
    assert summary["mentions"].sum() == world.count_mentions()
    assert len(queries.recent_runs(world)) == 2


# -- tree ---------------------------------------------------------------------------------------------


def _random_tree(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    parent = [None] + [f"n{rng.integers(0, i)}" for i in range(1, n)]
    g = nx.DiGraph([(p, f"n{i}") for i, p in enumerate(parent) if p])
    depth = nx.shortest_path_length(g, "n0") if n > 1 else {"n0": 0}
    return pd.DataFrame({"id": [f"n{i}" for i in range(n)], "parent": parent,
                         "depth": [depth[f"n{i}"] for i in range(n)]})


@pytest.mark.parametrize("seed", range(5))
def test_subtree_sizes_match_networkx(seed):
    nodes = _random_tree(300, seed)
    g = nx.DiGraph([(p, c) for c, p in zip(nodes["id"], nodes["parent"], strict=True) if p])
    expect = [len(nx.descendants(g, v)) + 1 for v in nodes["id"]]
    assert tree.subtree_sizes(nodes).tolist() == expect


def test_a_huge_tree_collapses_to_a_connected_tree_with_totals():
    nodes = _random_tree(5_000, 1)
    lay = tree.layout(nodes, max_nodes=200)
    assert lay.collapsed and lay.total == 5_000 and lay.shown == 200
    shown = lay.nodes[~lay.nodes["hidden"]]
    ids = set(shown["id"])
    assert all(p in ids for p in shown["parent"] if isinstance(p, str))  # every kept node's parent is kept
    hidden = lay.nodes[lay.nodes["hidden"]]
    assert shown["id"].iloc[0] == "n0"
    # The grey nodes account for every mention not drawn.
    assert hidden["subtree"].sum() == 5_000 - 200


def test_small_tree_is_drawn_whole():
    lay = tree.layout(_random_tree(30, 2))
    assert not lay.collapsed and lay.shown == 30 and len(lay.edges) == 29


# -- safety and formatting ------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "ok"), [
    ("https://example.com/a?b=c", True), ("HTTP://EXAMPLE.COM", True), ("javascript:alert(1)", False),
    (" JAVASCRIPT:alert(1)", False), ("data:text/html,<script>", False), ("vbscript:x", False),
    ('https://example.com/"><script>', False), ("//evil.example", False), (None, False), (3, False),
    ("https://exa mple.com", False),
])
def test_only_plain_http_links(url, ok):
    assert (safe_url(url) is not None) == ok


def test_markdown_and_plot_escaping():
    assert md("**x** $y$ :red[z] <b>") == r"\*\*x\*\* \$y\$ \:red\[z\] \<b\>"
    assert plot_text("<a href='javascript:x'>y</a>") == "&lt;a href='javascript:x'&gt;y&lt;/a&gt;"
    assert plot_text("x" * 100).endswith("…")


def test_numbers_and_dates_by_locale():
    assert fmt.number(1234567) == "1,234,567"
    assert fmt.compact(1_234_567, "en") == "1.2M"
    assert fmt.compact(1_234_567, "ko") == "123만"
    assert fmt.compact(250_000_000, "ko") == "2.5억"
    assert fmt.date(dt.date(2026, 1, 5), "en") == "Jan 5, 2026"
    assert fmt.date(dt.date(2026, 1, 5), "ko") == "2026년 1월 5일"
    assert fmt.percent(0.215, signed=True) == "+21.5%"
    assert fmt.minutes(45, "ko") == "45분" and fmt.minutes(150, "en") == "2.5 h"
    assert fmt.number(float("nan")) == "—" and fmt.number(None) == "—"


def test_a_kpi_card_names_each_count_it_is_computed_from(tmp_path):
    from dashboard.components import n_text
    from tests import metrics_world
    from viralscope import kpis

    n = {"days_window": 28, "days_baseline": 20, "sessions_window": 619739}
    assert n_text(n, "en") == "days in window 28; days in baseline 20; sessions in window 619,739"
    assert n_text(n, "ko") == "기간 일수 28; 비교 기간 일수 20; 기간 세션 수 619,739"
    assert n_text(1244, "en") == "1,244"
    # Every count the KPIs report has a name in both languages.
    store = Store(tmp_path / "kpis.duckdb")
    metrics_world.build(store, days=35)
    found = kpis.compute(store, metrics_world.config(), "2026-02-02..2026-02-09")["kpis"]
    keys = {k for card in found.values() if isinstance(card["n"], dict) for k in card["n"]}
    assert {"window", "days_window", "negative"} <= keys
    assert all(f"n.{k}" in i18n.STRINGS for k in keys), keys - {k[2:] for k in i18n.STRINGS}


def test_every_string_has_both_languages():
    missing = [k for k, v in i18n.STRINGS.items()
               if not v.get("ko") or (not v.get("en") and not k.endswith(".def_ko"))]
    assert not missing
    # Placeholders are the same in both languages.
    import string

    names = lambda s: sorted(f for _, f, _, _ in string.Formatter().parse(s) if f)  # noqa: E731
    assert [k for k, v in i18n.STRINGS.items() if v["en"] and names(v["en"]) != names(v["ko"])] == []


def test_ready_made_periods():
    from viralscope.config import Campaign

    camp = Campaign("Glow", dt.date(2026, 2, 2), dt.date(2026, 2, 16))
    late = Campaign("Late", dt.date(2027, 1, 1), dt.date(2027, 2, 1))
    from dashboard.filters import presets

    p = presets(SPAN, [camp, late])
    assert p["all"] == SPAN
    assert p["last7"] == (dt.date(2026, 3, 29), dt.date(2026, 4, 4))
    assert p["campaign:Glow"] == (dt.date(2026, 2, 2), dt.date(2026, 2, 15))  # half-open end
    assert "campaign:Late" not in p and "last90" not in presets((dt.date(2026, 1, 1), dt.date(2026, 1, 31)))


@pytest.mark.parametrize("order", ["size", "depth", "breadth", "recent"])
@pytest.mark.parametrize("f", [
    Filters(),
    Filters(dt.date(2026, 2, 1), dt.date(2026, 3, 1), brands=("Glowly",)),
    Filters(langs=("ko",), sources=("bluesky",), sentiments=("negative",)),
])
def test_ranking_the_candidates_equals_ranking_everything(world, order, f):
    pool = queries.cascade_candidates(world, order, pool=300)
    best = queries.rank_cascades(pool, f, order, 10)
    everything = queries.top_cascades(world, f, order, 10)
    if len(best) == 10:  # enough candidates matched: the in-memory ranking is exact
        pd.testing.assert_frame_equal(best.reset_index(drop=True), everything.reset_index(drop=True),
                                      check_dtype=False)
    else:
        assert len(pool) == 300  # the page falls back to top_cascades only when the pool was cut


def test_one_scan_volume_splits_like_two(world):
    f = Filters(*SPAN)
    both = queries.volume_by_brand_and_source(world, f, "day")
    for by in ("brand", "source"):
        split = queries.split_volume(both, by).sort_values(["t", "group"]).reset_index(drop=True)
        direct = queries.volume(world, f, by, "day").sort_values(["t", "group"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(split, direct, check_dtype=False)
    authors = world.scalar("SELECT count(DISTINCT (source, coalesce(author_id, author_name, ''))) FROM mentions")
    assert queries.totals(world, f)["authors"] == authors
