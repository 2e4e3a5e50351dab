"""The KPI cards name their scope, show direction only when the interval says so, explain themselves in plain
words with the formula one click away, write every unit in both languages, and keep the brand's own business
figures to the brand (AppTest of the Overview on the demo world, and the pure functions behind it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

from viralscope import kpi_registry, kpis
from viralscope.core import reasons

OVERVIEW = str(Path(__file__).resolve().parents[1] / "dashboard" / "views" / "overview_page.py")
RED, GREEN, GRAY = MetricProto.MetricColor.RED, MetricProto.MetricColor.GREEN, MetricProto.MetricColor.GRAY
UP, DOWN, NONE = MetricProto.MetricDirection.UP, MetricProto.MetricDirection.DOWN, MetricProto.MetricDirection.NONE
#: Words a marketer should not meet before asking how a number is computed.
JARGON = ("poisson", "interval", "bootstrap", "wilson", "newcombe", "autocorrelat", "counterfactual", "÷",
          "dispersion", "구간", "포아송", "부트스트랩", "반사실", "자기상관")


# -- pure functions ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lo", "hi", "expected"), [
    (-0.065, 0.461, "flat"), (0.03, 0.20, "up"), (-0.20, -0.03, "down"), (None, 0.2, None), (-0.1, None, None),
    (float("nan"), 0.3, None), (0.0, 0.2, "flat"),
])
def test_a_change_is_clear_only_when_its_interval_excludes_zero(lo, hi, expected):
    assert kpi_registry.verdict(lo, hi) == expected


def test_whether_a_clear_change_is_good_news_comes_from_the_registry():
    assert kpi_registry.judge("mention_lift", 0.03, 0.2) == ("up", True)
    assert kpi_registry.judge("negative_mention_lift", 0.03, 0.2) == ("up", False)
    assert kpi_registry.judge("cac_change", -0.2, -0.03) == ("down", True)
    assert kpi_registry.judge("perception_change", -0.5, -0.1) == ("down", False)
    assert kpi_registry.judge("mention_lift", -0.065, 0.461) == ("flat", None)
    assert kpi_registry.judge("share_of_voice", 0.4, 0.6) == (None, None)  # a level, not a change
    changes = {k for k, v in kpi_registry.REGISTRY.items() if v.unit in ("change", "points")}
    assert changes <= set(kpi_registry.BETTER) and set(kpi_registry.BETTER.values()) == {"up", "down"}
    assert kpi_registry.verdict_text("flat", "ko") == "뚜렷한 변화 없음"
    assert kpi_registry.verdict_text("up", "en", "viral_roi") == "clearly above zero"


def test_durations_past_90_minutes_are_hours_in_every_face():
    fv = kpi_registry.format_value
    assert fv(166, "minutes") == "2.8 h" and fv(166, "minutes", compact_style=True) == "2.8 h"
    assert fv(166, "minutes", "ko") == "2.8시간" and fv(45, "minutes", "ko") == "45분" and fv(89, "min") == "89 min"
    assert kpi_registry.display(166.0, 60.0, 200.0, "minutes") == "2.8 h (95% CI 60 min to 3.3 h)"


def test_money_carries_its_currency_and_numbers_their_separators():
    fv = kpi_registry.format_value
    assert fv(185_234, "currency", currency="USD", compact_style=True) == "185K USD"
    assert fv(185_234, "currency", "ko", currency="USD", compact_style=True) == "18.5만 USD"
    assert fv(185_234, "currency", "ko", currency="KRW") == "185,234 KRW"
    assert fv(922.7, "currency", currency="USD", compact_style=True) == "923 USD"
    assert fv(7_591_320_263.1724, "ratio") == "7,591,320,263.17×" and fv(12_345.6, "hops") == "12,345.60"


def test_help_is_plain_and_the_formula_stays_in_the_definition():
    for key, k in kpi_registry.REGISTRY.items():
        for lang in kpi_registry.LANGUAGES:
            text = k.help[lang]
            assert not [w for w in JARGON if w in text.lower()], (key, lang, text)
            assert len(text) <= 200 and k.definition[lang] and k.definition[lang] != text, (key, lang)


def test_the_own_brand_reason_reads_in_both_languages():
    params = {"own": "Lumio", "brand": "Kandela"}
    assert "Lumio's own" in reasons.text("own_brand_only", params) and "Kandela" in reasons.text("own_brand_only", params)
    assert reasons.text("own_brand_only", params, "ko").startswith("Lumio의 자체")
    for key in kpi_registry.OWN_DATA:
        assert kpi_registry.REGISTRY[key].own_data and "own_brand_only" in kpi_registry.REGISTRY[key].reasons


# -- the Overview on the demo world ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from tests import dashboard_world
    from viralscope.store import Store

    store = Store(tmp_path_factory.mktemp("demo") / "demo.duckdb", lock_timeout=30)
    return dashboard_world.demo(store, 3_000, hostile=True)


def overview(demo, monkeypatch, **query) -> AppTest:
    monkeypatch.setenv("VIRALSCOPE_DB", str(demo.path))
    at = AppTest.from_file(OVERVIEW, default_timeout=180)
    at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    return at


def cards(at: AppTest, lang: str = "en") -> dict:
    """``label -> (metric, caption)``: every card's caption opens with its scope, in the order of the cards."""
    from dashboard import i18n

    openers = tuple(i18n.t(k, lang).split("{")[0] for k in ("common.scope_brand", "common.scope_brands",
                                                                    "common.scope_all"))
    captions = [str(c.value) for c in at.caption if str(c.value).startswith(openers)]
    assert len(captions) == len(at.metric)
    return {m.label.replace("\\", ""): (m, c) for m, c in zip(at.metric, captions, strict=True)}


def test_cards_name_their_brand_window_and_baseline(demo, monkeypatch):
    at = overview(demo, monkeypatch)
    shown = cards(at)
    heads = [str(s.value) for s in at.subheader]
    assert "Key figures of Lumio" in heads and "Volume — All brands in view" in heads
    lift, caption = shown["Mention lift"]
    assert caption.startswith("Brand: Lumio") and "Window: " in caption and "Baseline: " in caption
    assert shown["Mentions"][1].startswith("All brands in view")
    # One brand chosen in the filter: the KPIs and the counts say it is that brand.
    at = overview(demo, monkeypatch, brand="Kandela")
    shown = cards(at)
    assert shown["Mention lift"][1].startswith("Brand: Kandela") and shown["Mentions"][1].startswith("Brand: Kandela")
    assert "Key figures of Kandela" in [str(s.value) for s in at.subheader]


def _interval(caption: str) -> tuple[str, str]:
    line = next(x for x in caption.split("\n") if x.startswith(("95% interval: ", "95% 구간: ")))
    low, high = line.split(": ", 1)[1].strip().split(" … ")
    return low, high


def _signed(text: str) -> float:
    return float(text.rstrip("%×").replace(",", ""))


def test_direction_and_colour_only_when_the_interval_excludes_zero(demo, monkeypatch):
    shown = cards(overview(demo, monkeypatch))
    metric, caption = shown["Mention lift"]
    low, high = map(_signed, _interval(caption))
    assert low < 0 < high, "the demo's default window has a lift whose interval holds 0"
    assert metric.delta == "no clear change" and metric.proto.color == GRAY and metric.proto.direction == NONE
    metric, caption = shown["Negative mention lift"]
    assert _signed(_interval(caption)[0]) > 0, "the demo's default window has more complaints, clearly"
    assert metric.delta == "clear rise" and metric.proto.color == RED and metric.proto.direction == UP
    metric, caption = shown["Net sentiment change"]
    assert _signed(_interval(caption)[1]) < 0
    assert metric.delta == "clear fall" and metric.proto.color == RED and metric.proto.direction == DOWN
    assert shown["Incremental conversions"][0].delta in ("clearly above zero", "clearly below zero",
                                                         "not clearly different from zero")
    # Levels (not changes) carry no verdict.
    assert not shown["Share of voice"][0].delta and not shown["Mentions"][0].delta


def test_help_first_formula_one_click_away(demo, monkeypatch):
    at = overview(demo, monkeypatch)
    metric = cards(at)["Mention lift"][0]
    assert metric.proto.help and not [w for w in JARGON if w in metric.proto.help.lower()], metric.proto.help
    popovers = [b for b in _blocks(at.main) if b.type == "popover"]
    assert {b.proto.popover.label for b in popovers} == {"How it is computed"}
    inside = [str(m.value) for b in popovers for m in _elements(b) if m.type == "markdown"]
    assert len(popovers) == len(at.metric) and any("Poisson" in d for d in inside)


def _blocks(node):
    for child in getattr(node, "children", {}).values():
        if hasattr(child, "children"):
            yield child
            yield from _blocks(child)


def _elements(node):
    for child in getattr(node, "children", {}).values():
        yield from (_elements(child) if hasattr(child, "children") else (child,))


def test_units_on_the_cards_in_both_languages(demo, monkeypatch):
    shown = cards(overview(demo, monkeypatch))
    assert shown["Earned media value (estimate)"][0].value.endswith(" USD")
    assert shown["Response time P90 (answered)"][0].value.endswith(" h")
    shown = cards(overview(demo, monkeypatch, lang="ko"), "ko")
    assert shown["언드 미디어 가치 (추정)"][0].value.endswith(" USD")
    assert shown["응답 시간 P90 (응답된 건)"][0].value.endswith("시간")
    assert shown["멘션 증가율"][0].delta == "뚜렷한 변화 없음"
    assert shown["멘션 수"][1].startswith("보기의 모든 브랜드")


def test_a_competitor_gets_no_business_figures_of_the_brand(demo, monkeypatch):
    own = cards(overview(demo, monkeypatch))
    assert own["Conversion rate change"][0].value not in ("n/a", "")
    assert "From Lumio's own business data" in own["Conversion rate change"][1]
    shown = cards(overview(demo, monkeypatch, brand="Kandela"))
    for label in ("Conversion rate change", "CAC change", "Incremental conversions", "Viral ROI"):
        metric, caption = shown[label]
        assert metric.value == "n/a" and "Lumio's own conversion" in caption and "Kandela" in caption, label
    assert shown["Mention lift"][0].value != "n/a"  # the mention-based KPIs are Kandela's own
    ko = cards(overview(demo, monkeypatch, brand="Kandela", lang="ko"), "ko")
    assert "Lumio의 자체 전환" in ko["전환율 변화"][1]


def test_the_cli_json_says_it_too(demo):
    from viralscope.config import load_config

    config = load_config(store=demo)
    window = ("2026-03-08", "2026-04-05")
    found = kpis.compute(demo, config, "..".join(window))["kpis"]
    assert found["response_time_p90"]["display"].split(" (")[0].endswith(" h")
    assert found["earned_media_value"]["currency"] == "USD" and found["earned_media_value"]["display"].endswith("USD")
    other = kpis.compute(demo, config, "..".join(window), brand="Kandela")["kpis"]
    assert other["conversion_change"]["status"] == "n/a" and other["conversion_change"]["reason_code"] == "own_brand_only"
    assert other["viral_roi"]["reason_code"] == "own_brand_only"
