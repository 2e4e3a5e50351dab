"""The Diffusion page's "why it spread" section and the Sentiment page's corrections, through AppTest."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from streamlit.runtime.state.common import user_key_from_element_id

import diffusion
from dashboard import analysis, charts, components, queries
from dashboard.filters import Filters, default_period
from diffusion.forecast import describe_quality
from tests import dashboard_world
from tests.test_dashboard_pages import page_file, run
from viralscope.core.errors import InsufficientData
from viralscope.store import Store


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Store:
    """The demo world (real texts, scored), large enough for the trait model and the forecasts."""
    store = Store(tmp_path_factory.mktemp("why_demo") / "demo.duckdb", lock_timeout=30)
    return dashboard_world.demo(store, 3_000, hostile=True)


@pytest.fixture(scope="module")
def noise(tmp_path_factory) -> Store:
    """Generated mentions whose texts are random words: no trait can predict which post spreads."""
    store = Store(tmp_path_factory.mktemp("why_noise") / "noise.duckdb", lock_timeout=30)
    store.ensure()
    return dashboard_world.build(store, 1_500, hostile=True)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("why_tiny") / "tiny.duckdb", lock_timeout=30)
    store.ensure()
    return dashboard_world.build(store, 8, runs=False)  # fewer than 10 posts


def whole_span(store: Store) -> Filters:
    info = queries.overview(store)
    return Filters(start=info["first"], end=info["last"])


def first_view(store: Store) -> Filters:
    """What a first visit shows (the default period)."""
    info = queries.overview(store)
    return Filters(*default_period((info["first"], info["last"])))


def texts(at) -> str:
    return "\n".join(str(e.value) for kind in ("caption", "info", "warning", "text", "markdown")
                     for e in getattr(at, kind))


def test_trigger_accounts_are_those_of_the_diffusion_stage(demo, monkeypatch):
    at = run(page_file("diffusion"), demo.path, monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    shown = table_with(at, "descendants_triggered")
    # The stage's own answer on every mention of the cascades rooted in the view.
    members = queries.window_members(demo, first_view(demo))
    expected = diffusion.trigger_accounts(members, min_descendants=analysis.MIN_DESCENDANTS,
                                          min_fraction=analysis.MIN_FRACTION)
    assert len(expected) > 0
    assert list(shown["author_name"]) == list(expected["author_name"].head(len(shown)))
    assert list(shown["descendants_triggered"]) == list(expected["descendants_triggered"].head(len(shown)))
    assert len(shown) == min(15, len(expected))
    # Platforms without follower counts show a dash, not "None".
    element = next(d for d in at.dataframe if "descendants_triggered" in d.value.columns)
    assert element.proto.placeholder == "—"
    assert "at least 5 mentions descend from it" in texts(at)
    # Nothing heavy before it is asked for.
    assert "trait_effects" not in chart_keys(at)
    assert table_with(at, "p_double") is None


@pytest.mark.parametrize("view", ["whole", "first", "brand"])
def test_reignitions_found_in_sql_equal_the_diffusion_stage(demo, view):
    """``queries.reignitions`` (a walk in SQL) and ``diffusion.trigger_accounts`` give the same table."""
    f = {"whole": whole_span, "first": first_view}.get(view, lambda s: Filters(
        start=whole_span(s).start, end=whole_span(s).end, brands=("Kandela",)))(demo)
    members = queries.window_members(demo, f)
    expected = diffusion.trigger_accounts(members, min_descendants=analysis.MIN_DESCENDANTS,
                                          min_fraction=analysis.MIN_FRACTION)
    assert len(expected) > 0
    found = analysis.trigger_accounts(demo, f)
    pd.testing.assert_frame_equal(found, expected)


def test_reignitions_at_the_threshold_and_down_a_chain(tmp_path):
    """A share with exactly 25% of the others below it counts, through a chain as through a star."""
    from viralscope import ingest

    def m(id_, parent, author):
        return {"id": id_, "source": "x", "created_at": "2026-01-05T10:00:00Z", "text": "t", "kind": "share",
                "parent_id": parent, "author_id": author, "author_followers": 100}

    rows = [dict(m("p", None, "brand"), kind="post"), m("a", "p", "fan"), m("c", "p", "celeb")]
    rows += [m(f"a{i}", "a", f"u{i}") for i in range(5)]  # a star of 5 below a
    rows += [m(f"c{i}", "c" if i == 0 else f"c{i - 1}", f"v{i}") for i in range(5)]  # a chain of 5 below c
    rows += [m(f"o{i}", "p", f"w{i}") for i in range(8)]  # 21 mentions: 5 of the 20 others is exactly 25%
    store = Store(tmp_path / "s.duckdb")
    ingest.write_mentions(store, pd.DataFrame(rows), origin="test")
    f = Filters(start=dt.date(2026, 1, 5), end=dt.date(2026, 1, 5))
    found = analysis.trigger_accounts(store, f)
    assert found[["author_id", "descendants_triggered", "largest_fraction"]].values.tolist() == [
        ["celeb", 5, 0.25], ["fan", 5, 0.25]]
    expected = diffusion.trigger_accounts(queries.window_members(store, f), min_descendants=5, min_fraction=0.25)
    pd.testing.assert_frame_equal(found, expected)


def test_traits_and_forecasts_on_request(demo, monkeypatch):
    at = run(page_file("diffusion"), demo.path, monkeypatch)
    assert not at.metric
    at.button(key="d_traits_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    report = analysis.content_traits(demo, first_view(demo))
    assert report.reliable  # the demo world's viral posts carry media and surprise wording
    auc = next(m for m in at.metric if "AUC" in m.label)
    assert auc.value == f"{report.auc:.2f}"
    assert f"95% interval {report.auc_ci[0]:.2f} … {report.auc_ci[1]:.2f}" in texts(at)
    summary = components.trait_summary(report, "en")
    assert summary in texts(at) and summary.startswith("Traits predict going viral")
    clearest = report.effects[report.effects["significant"]].head(5)
    assert all(charts.trait_name(r.trait, r.description, "en") in summary for r in clearest.itertuples())
    assert not any("No reliable trigger" in w.value for w in at.warning)
    assert "trait_effects" in chart_keys(at)
    # One point per trait, with its interval; the clear effects in their own series.
    spec = json.loads(next(e for e in at.get("plotly_chart")
                           if user_key_from_element_id(e.proto.id) == "trait_effects").proto.spec)
    points = [(x, lo) for trace in spec["data"] for x, lo in zip(trace["x"], trace["error_x"]["arrayminus"],
                                                                  strict=True)]
    assert len(points) == len(report.effects)
    assert sorted(round(x, 6) for x, _ in points) == sorted(round(x, 6) for x in report.effects["effect"])
    clear = [t for t in spec["data"] if t["name"].startswith("Clear effect")]
    assert sum(len(t["x"]) for t in clear) == int(report.effects["significant"].sum())

    at.button(key="d_forecasts_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    table = table_with(at, "p_double")
    assert len(table) > 0
    assert list(table["p_double"]) == sorted(table["p_double"], reverse=True)
    assert (table["predicted_size"] >= table["observed_size"] - 1e-9).all()
    assert "doubling AUC" in texts(at) and "time-ordered: learned from older cascades" in texts(at)
    # Asked for once, they follow the view for the rest of the session.
    at.multiselect(key="f_source").set_value(["x"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "trait_effects" in chart_keys(at) and table_with(at, "p_double") is not None
    assert not [b for b in at.button if b.key in ("d_traits_button", "d_forecasts_button")]


def table_with(at, column: str):
    """The first table on the page with ``column`` (st.dataframe keeps no key unless it is selectable)."""
    return next((d.value for d in at.dataframe if column in d.value.columns), None)


def chart_keys(at) -> list[str]:
    """The keys of the plotly charts on the page."""
    return [user_key_from_element_id(e.proto.id) for e in at.get("plotly_chart")]


def test_unreliable_traits_say_so(noise, monkeypatch):
    report = analysis.content_traits(noise, whole_span(noise))
    assert not isinstance(report, InsufficientData) and not report.reliable
    at = run(page_file("diffusion"), noise.path, monkeypatch)
    at.button(key="d_traits_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("No reliable trigger found" in w.value for w in at.warning)


def test_too_little_data_says_why(tiny, monkeypatch):
    at = run(page_file("diffusion"), tiny.path, monkeypatch)
    at.button(key="d_traits_button").click().run()
    at.button(key="d_forecasts_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    info = [i.value for i in at.info]
    assert any("Not enough data here" in i and "original posts" in i for i in info), info
    assert any("Not enough data here" in i and "completed cascades" in i for i in info), info


def test_a_narrow_window_has_no_active_cascade(demo, monkeypatch):
    found = analysis.forecasts(demo, Filters(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 2)))
    assert isinstance(found, InsufficientData)


def test_korean_why_section(demo, monkeypatch):
    at = run(page_file("diffusion"), demo.path, monkeypatch, {"lang": "ko"})
    at.button(key="d_traits_button").click().run()
    assert not at.exception
    assert any("트리거 계정" in s.value for s in at.subheader)
    assert any(m.label == "AUC (교차 검증)" for m in at.metric)
    assert "특성이 바이럴 여부를 예측합니다" in texts(at) and "(영어)" not in texts(at)


def test_forecast_quality_reads_the_same_in_english_and_is_korean_in_korean():
    quality = {"n_cascades": 1043, "observe_minutes": 60.0, "auc": 0.891, "auc_ci": [0.871, 0.911],
               "accuracy": 0.826, "base_rate": 0.4, "median_relative_error": 0.189, "folds": 5,
               "validation": "time-ordered", "n_train_first": 1043, "n_cascades_fitted": 2086}
    assert components.forecast_quality(quality, "en") == describe_quality(quality)
    korean = components.forecast_quality(quality, "ko")
    assert "정확도 0.83" in korean and "1,043" in korean and "19%" in korean and "2,086" in korean
    assert "n/a" in components.forecast_quality({**quality, "auc": None}, "en")


def test_sentiment_correction_is_saved_and_shown(noise, monkeypatch):
    at = run(page_file("sentiment"), noise.path, monkeypatch)
    assert not at.exception
    rows = table_with(at, "correction")
    first = queries.mentions_page(noise, whole_span(noise), sort="sentiment_compound", descending=False, limit=1)
    source, mid, before = first["source"][0], first["id"][0], first["sentiment_label"][0]
    assert rows["text"][0] == first["text"][0]
    assert before == "negative"
    at.session_state["sentiment_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.radio(key="s_label").set_value("positive")
    next(b for b in at.button if b.label == "Save correction").click().run()
    assert not at.exception, [e.value for e in at.exception]
    stored = noise.query("SELECT label FROM sentiment_labels WHERE source = ? AND id = ?", [source, mid])
    assert list(stored["label"]) == ["positive"]
    assert noise.scalar("SELECT sentiment_label FROM mentions WHERE source = ? AND id = ?", [source, mid]) == "positive"
    assert any("now labelled Positive" in s.value for s in at.success)
    rows = table_with(at, "correction")
    assert rows["correction"][0] == "Positive"  # the label as the interface names it
