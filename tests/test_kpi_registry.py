"""The KPI registry and the n/a reason table: every KPI and every reason in both languages, every reason a
stage emits in the table, and Korean pages that say why a number is missing in Korean."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from viralscope import kpi_registry, kpis, pipeline
from viralscope.core import reasons
from viralscope.core.results import na

ROOT = Path(__file__).resolve().parents[1]
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def reason_words(lang: str = "en") -> list[str]:
    """The fixed words of every reason in ``lang`` (each template's text around its parameters)."""
    parts = set()
    for entry in reasons.REASONS.values():
        parts |= {p.strip(" :()") for p in re.split(r"\{[^}]*\}", entry[lang])}
    return sorted((p for p in parts if len(p) >= (10 if lang == "en" else 6)), key=len, reverse=True)


def test_every_kpi_has_its_texts_in_english_and_korean():
    assert set(kpis.DEFINITIONS) == set(kpi_registry.METRIC_KEYS)
    for key, k in kpi_registry.REGISTRY.items():
        assert k.key == key and k.unit
        for field in ("label", "help", "definition"):
            texts = getattr(k, field)
            assert texts["en"].strip() and texts["ko"].strip(), (key, field)
            assert HANGUL.search(texts["ko"]), (key, field, "the Korean text is not Korean")
        for code in k.reasons:
            assert code in reasons.REASONS, (key, code)
        assert kpi_registry.format_value(1.0, k.unit) not in ("", "n/a"), key


def test_every_reason_has_english_and_korean_text_with_the_same_parameters():
    for code, entry in reasons.REASONS.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", code), code
        assert entry["en"].strip() and entry["ko"].strip(), code
        assert HANGUL.search(entry["ko"]), code
        assert _fields(entry["en"]) == _fields(entry["ko"]), code


#: How a stage or service emits a reason: ``na("code"``, ``_empty("code"``, ``_status(out, "code")``.
_EMITS = re.compile(r"""\b(?:na|_empty|InsufficientData\.of)\(\s*f?["']([a-z0-9_{}]+)["']|_status\(out, ["']([a-z0-9_]+)["']\)""")


def test_every_reason_emitted_is_in_the_table():
    found = set()
    for folder in ("metrics", "diffusion", "viralscope", "dashboard"):
        for path in (ROOT / folder).rglob("*.py"):
            for m in _EMITS.finditer(path.read_text(encoding="utf-8")):
                code = m.group(1) or m.group(2)
                if "{" in code:  # f"no_spend_{name}" for the window and the baseline
                    found |= {code.replace("{name}", p) for p in ("window", "baseline")}
                else:
                    found.add(code)
    assert len(found) > 30, found
    assert found <= set(reasons.REASONS), found - set(reasons.REASONS)
    # And every reason of the table is either emitted or one a KPI lists.
    listed = {c for k in kpi_registry.REGISTRY.values() for c in k.reasons}
    assert set(reasons.REASONS) <= found | listed | {"no_incremental"}, set(reasons.REASONS) - found - listed


def test_a_reason_keeps_its_english_text_and_says_it_in_korean():
    r = na("base_too_small", {"n": 6.0, "minimum": 10})
    assert r["reason"] == "base too small: 6 mentions in the baseline, fewer than 10"
    assert r["reason_code"] == "base_too_small"
    assert reasons.translate(r, "ko") == "기준이 너무 작습니다: 비교 기간 멘션 6건으로 10건보다 적습니다"
    nested = na("incremental_na", {"why": reasons.of(na("no_session_days_window"))})
    assert nested["reason"] == "incremental conversions are n/a: no days with sessions in the window"
    assert reasons.translate(nested, "ko") == "증분 전환을 계산할 수 없습니다: 기간에 세션이 있는 날이 없습니다"
    # A result from elsewhere without a code keeps its text.
    assert reasons.translate({"reason": "no days"}, "ko") == "no days"


def test_the_kpi_json_carries_the_reason_code(tmp_path):
    from tests import metrics_world
    from viralscope.store import Store

    store = Store(tmp_path / "kpis.duckdb")
    metrics_world.build(store, days=35)
    found = kpis.compute(store, None, "2026-02-02..2026-02-09")["kpis"]
    missing = [k for k in found.values() if k["status"] != "ok"]
    assert missing
    for k in found.values():
        assert (k["reason_code"] is None) == (k["status"] == "ok"), k["key"]
        if k["reason_code"]:
            assert reasons.text(k["reason_code"], k["reason_params"]) == k["reason"], k["key"]
            assert HANGUL.search(kpi_registry.reason(k, "ko")), k["key"]
            assert k["reason_code"] in kpi_registry.REGISTRY[k["key"]].reasons, k["key"]


def test_the_headlines_come_from_the_registry():
    from dashboard import kpi

    assert pipeline.HEADLINE == kpi_registry.SUMMARY
    assert kpi.HEADLINE == kpi_registry.OVERVIEW and kpi.RESPONSE == kpi_registry.RESPONSE
    assert set(kpi_registry.SUMMARY + kpi_registry.OVERVIEW) <= set(kpi_registry.METRIC_KEYS)


def test_numbers_are_written_once():
    from dashboard import components, fmt

    assert fmt.number is kpi_registry.number and fmt.minutes is kpi_registry.minutes
    assert components.format_value(185_234.0, "currency", "ko") == "18.5만"
    assert components.format_value(166.0, "minutes", "en") == "2.8 h"
    assert kpi_registry.display(166.0, 60.0, 200.0, "minutes") == "2.8 h (95% CI 60 min to 3.3 h)"
    assert kpi_registry.display(185_234.0, None, None, "currency", "USD") == "185,234 USD"
    assert kpi_registry.display(0.168, 0.021, 0.33, "change") == "+16.8% (95% CI +2.1% to +33.0%)"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from tests import dashboard_world
    from viralscope.store import Store

    store = Store(tmp_path_factory.mktemp("demo") / "demo.duckdb", lock_timeout=30)
    return dashboard_world.demo(store, 2_000, scored=False)


@pytest.mark.parametrize("query", [{}, {"from": "2026-01-05", "to": "2026-04-04"}], ids=["first view", "all data"])
def test_the_korean_overview_says_no_reason_in_english(demo, monkeypatch, query):
    """The demo store as installed (before analyze), so that many KPIs are n/a: their reasons in Korean."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("VIRALSCOPE_DB", str(demo.path))
    at = AppTest.from_file(str(ROOT / "dashboard" / "views" / "overview_page.py"), default_timeout=180)
    at.query_params.update({"lang": "ko", **query})
    at.run()
    assert not at.exception, at.exception
    captions = [str(c.value) for c in at.caption]
    korean = reason_words("ko")
    assert any(k in c for c in captions for k in korean), captions  # n/a cards are shown, with their reason
    english = reason_words("en")
    assert not [(e, c) for c in captions for e in english if e in c]
