"""The KPI composition over a store: every KPI with its interval, window, baseline, n and definition; n/a cases."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

import metrics
from tests import metrics_world as world
from viralscope import kpis
from viralscope.cli import main
from viralscope.config import parse_config

KEYS = {"key", "label", "value", "ci_low", "ci_high", "unit", "status", "reason", "window", "baseline", "n",
        "definition", "display"}
CAMPAIGN = "2026-02-02..2026-02-16"


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    from viralscope.store import Store

    store = Store(tmp_path_factory.mktemp("kpis") / "store.duckdb", lock_timeout=30)
    store.ensure()
    world.build(store, crisis_at="2026-02-10 03:00")
    return store


def test_every_kpi_is_reported_with_its_interval_window_baseline_and_n(filled):
    out = kpis.compute(filled, world.config(), CAMPAIGN)
    json.dumps(out, allow_nan=False)
    assert out["window"] == {"start": "2026-02-02T00:00:00+00:00", "end": "2026-02-16T00:00:00+00:00"}
    assert out["baseline"] == {"start": "2026-01-19T00:00:00+00:00", "end": "2026-02-02T00:00:00+00:00"}
    assert out["brand"] == "Lumio" and out["scope"] == "mentions of Lumio"
    assert set(out["kpis"]) == set(kpis.DEFINITIONS)
    for key, k in out["kpis"].items():
        assert KEYS <= set(k), key
        assert k["status"] in ("ok", "n/a")
        assert (k["reason"] is None) == (k["status"] == "ok"), key
        if k["status"] == "ok" and k["ci_low"] is not None:
            assert k["ci_low"] <= k["value"] <= k["ci_high"], key
    lift = out["kpis"]["positive_mention_lift"]
    assert lift["status"] == "ok" and lift["ci_low"] > 0  # the campaign raised positive mentions
    assert out["kpis"]["mention_lift"]["value"] > 0
    crisis = out["kpis"]["crisis_incidents"]
    assert crisis["value"] == 1
    assert crisis["details"]["incidents"][0]["start"] == "2026-02-10T03:00:00+00:00"
    assert out["kpis"]["conversion_change"]["status"] == "ok"
    assert out["kpis"]["viral_roi"]["details"]["campaign"] == "Glow"
    assert out["kpis"]["share_of_voice"]["value"] == pytest.approx(
        out["kpis"]["share_of_voice"]["details"]["shares"]["Lumio"])
    assert out["kpis"]["answered_within_1h"]["status"] == "ok"


def test_sql_aggregates_match_the_metrics_on_raw_rows(filled):
    """The KPIs (counted in SQL) and the metrics on every loaded row agree number for number."""
    out = kpis.compute(filled, world.config(), CAMPAIGN)["kpis"]
    raw = filled.mentions(["created_at", "sentiment_label"], where="brand = ?", params=["Lumio"])
    window, baseline = ("2026-02-02", "2026-02-16"), ("2026-01-19", "2026-02-02")
    for key, label in (("mention_lift", None), ("negative_mention_lift", "negative")):
        r = metrics.mention_lift(raw, window, baseline, label=label)
        assert out[key]["value"] == pytest.approx(r["estimate"])
        assert out[key]["n"] == {"window": r["n_window"], "baseline": r["n_baseline"]}
        assert out[key]["ci_low"] == pytest.approx(r["ci_low"], rel=1e-6)
    assert out["net_sentiment"]["value"] == pytest.approx(metrics.net_sentiment(raw, window)["estimate"])
    assert out["perception_change"]["value"] == pytest.approx(
        metrics.perception_change(raw, window, baseline)["estimate"])


def test_response_times_in_sql_match_the_metric_on_raw_rows(filled):
    """The SQL walk from brand replies up their threads finds what ``metrics.response_times`` finds."""
    out = kpis.compute(filled, world.config(), CAMPAIGN)["kpis"]
    raw = filled.mentions(["source", "id", "created_at", "parent_resolved", "author_id", "author_name", "brand",
                           "sentiment_label", "kind", "text"])
    ours = raw["brand"] == "Lumio"  # the KPIs are about Lumio's complaints and questions; replies may be any
    raw = raw.assign(
        id=raw["source"] + ":" + raw["id"],
        parent_resolved=(raw["source"] + ":" + raw["parent_resolved"]).where(raw["parent_resolved"].notna()),
        sentiment_label=raw["sentiment_label"].where(ours),
        question=raw["text"].map(metrics.is_question) & ours,
    ).drop(columns="text")
    last = filled.scalar("SELECT max(created_at) FROM mentions")
    r = metrics.response_times(raw, world.config().brand_accounts, ("2026-02-02", "2026-02-16"), now=last)
    assert r["n"] > 50 and 0 < r["n_answered"] < r["n"]
    median = out["response_time_median"]
    assert median["n"] == {"final": r["n"], "answered": r["n_answered"]}
    assert median["details"]["n_pending"] == r["n_pending"] > 0  # the world ends with the window
    assert median["value"] == pytest.approx(r["estimate"])
    assert (median["ci_low"], median["ci_high"]) == pytest.approx((r["ci_low"], r["ci_high"]))
    rate = out["response_answer_rate"]
    assert rate["value"] == pytest.approx(r["answer_rate"]) and rate["n"] == r["n"]
    assert (rate["ci_low"], rate["ci_high"]) == pytest.approx((r["answer_rate_ci_low"], r["answer_rate_ci_high"]))
    assert out["answered_within_1h"]["value"] == pytest.approx(r["share_within"])
    assert out["response_time_p90"]["value"] == pytest.approx(r["p90_minutes"])
    assert out["response_time_p90"]["ci_low"] == pytest.approx(r["p90_ci_low"])
    # The world's brand answers 70% of Lumio's complaints after 5 to 120 minutes (and no question).
    assert 0.4 < rate["value"] < 0.8 and 5 <= median["value"] <= 120


def test_response_times_walk_threads_and_ignore_reshares_and_other_brands(store):
    """Hand-made threads: a reply two levels down answers; a brand reshare does not; a reply after ``now`` waits."""
    from viralscope import ingest

    def m(id_, at, author, label, text="broken", parent=None, kind="post", brand="Lumio"):
        return {"id": id_, "source": "x", "created_at": pd.Timestamp(f"2026-01-01 {at}"), "author_name": author,
                "text": text, "parent_id": parent, "kind": kind, "brand": brand, "sentiment_label": label}

    rows = [
        m("c1", "10:00", "ann", "negative"), m("r1", "10:10", "bo", "neutral", "same", "c1", "reply"),
        m("b1", "10:40", "Lumio_Care", "neutral", "sorry", "r1", "reply"),  # 40 min, two levels down
        m("c2", "11:00", "cy", "negative"), m("s2", "11:05", "lumio_care", "negative", "broken", "c2", "share"),
        m("b2", "13:00", "@lumio_care", "neutral", "fixed", "c2", "reply"),  # 120 min; the reshare is no answer
        m("q3", "12:00", "dee", "neutral", "when does it ship?"),
        m("b3", "16:00", "lumio_care", "neutral", "soon", "q3", "reply"),  # after now: still waiting at 15:00
        m("x1", "10:30", "eve", "negative", "broken", "c1", "share"),  # a user's reshare is not an item
        m("c4", "12:00", "fay", "negative", brand="Brightly"),  # another brand's complaint
        m("b4", "12:10", "lumio_care", "neutral", "hi", "c4", "reply", brand="Brightly"),
        m("b5", "12:20", "brightly", "neutral", "on it", "c4", "reply", brand="Brightly"),
        m("c5", "12:30", "lumio_care", "negative", "our outage"),  # the brand's own post
    ]
    ingest.write_mentions(store, pd.DataFrame(rows).drop(columns="sentiment_label"), origin="test")
    world.label(store, pd.DataFrame(rows)[["source", "id", "sentiment_label"]])
    out = kpis.compute(store, world.config(), "2026-01-01..2026-01-02", now="2026-01-01 15:00")["kpis"]
    assert out["response_time_median"]["status"] == "n/a"  # nothing is 48 hours old at 15:00
    assert out["response_time_median"]["details"]["n_pending"] == 3
    # The answer at 16:00 is no answer at 15:00; two days later it is (and the item is final).
    early = kpis.compute(store, world.config(), "2026-01-01..2026-01-02", now="2026-01-03 15:00")["kpis"]
    assert early["response_answer_rate"]["value"] == pytest.approx(1.0)
    out = kpis.compute(store, world.config(), "2026-01-01..2026-01-02", now="2026-01-04 15:00")["kpis"]
    median = out["response_time_median"]
    assert median["n"] == {"final": 3, "answered": 3}
    assert (median["details"]["n_complaints"], median["details"]["n_questions"]) == (2, 1)
    assert median["value"] == 120.0  # 40, 120 and 240 minutes
    assert out["answered_within_1h"]["value"] == pytest.approx(1 / 3)
    assert out["response_time_p90"]["value"] == 240.0
    raw = store.mentions(["id", "created_at", "parent_resolved", "author_name", "sentiment_label", "kind", "text",
                          "brand"])
    raw = raw.assign(sentiment_label=raw["sentiment_label"].where(raw["brand"] == "Lumio"))
    r = metrics.response_times(raw, ["lumio_care"], ("2026-01-01", "2026-01-02"), now="2026-01-04 15:00")
    assert (r["n"], r["n_answered"], r["estimate"], r["share_within"]) == (3, 3, 120.0, 1 / 3)
    # A competitor's complaints wait for the competitor's own accounts, not for ours.
    theirs = kpis.compute(store, world.config(), "2026-01-01..2026-01-02", brand="Brightly",
                          now="2026-01-04 15:00")["kpis"]["response_time_median"]
    assert theirs["reason"] == "no accounts of Brightly are configured ([[competitors]] accounts)"
    config = parse_config({**world.CONFIG, "competitors": [{"name": "Brightly", "accounts": ["@Brightly"]}]}, "t")
    theirs = kpis.compute(store, config, "2026-01-01..2026-01-02", brand="Brightly",
                          now="2026-01-04 15:00")["kpis"]["response_time_median"]
    assert (theirs["n"], theirs["value"]) == ({"final": 1, "answered": 1}, 20.0)


def test_an_empty_store_gives_na_with_reasons_never_a_crash(store):
    out = kpis.compute(store, world.config(), "2026-02-02..2026-02-09")
    text = json.dumps(out, allow_nan=False)
    assert "NaN" not in text and "Infinity" not in text
    for key, k in out["kpis"].items():
        assert k["status"] == "n/a" and k["reason"], key
        assert k["value"] is None and k["display"] == "n/a", key


@pytest.mark.parametrize("window, baseline", [
    ("2026-02-10..2026-02-11", None),                       # a single day
    ("2026-02-10T06:30..2026-02-10T07:45", None),            # part of an hour
    ("2026-01-05..2026-01-12", None),                        # nothing before: no baseline
    ("2026-03-01..2026-03-08", "2026-02-01..2026-02-02"),    # an empty window after the data
])
def test_edge_windows_are_na_or_finite(filled, window, baseline):
    out = kpis.compute(filled, world.config(), window, baseline)
    json.dumps(out, allow_nan=False)
    for k in out["kpis"].values():
        assert k["status"] in ("ok", "n/a")
        if k["status"] == "n/a":
            assert k["reason"] and k["value"] is None


def test_no_baseline_mentions_means_na_lift(filled):
    k = kpis.compute(filled, world.config(), "2026-01-05..2026-01-12")["kpis"]
    assert k["mention_lift"]["status"] == "n/a"
    assert "baseline" in k["mention_lift"]["reason"]
    assert k["conversion_change"]["reason"].startswith("the baseline has 0 days")


def test_zero_sessions_are_na(store):
    from viralscope import ingest

    days = pd.date_range("2026-01-01", periods=20, freq="D").strftime("%Y-%m-%d")
    ingest.write_conversions(store, pd.DataFrame({"date": days, "sessions": 0, "conversions": 0}), origin="c.csv")
    k = kpis.compute(store, world.config(), "2026-01-11..2026-01-21")["kpis"]
    assert k["conversion_change"]["reason"] == "no days with sessions in the window"
    assert k["viral_roi"]["status"] == "n/a"


def test_parse_period():
    a, b = kpis.parse_period("2026-02-02..2026-02-16T12:00+09:00")
    assert a == pd.Timestamp("2026-02-02", tz="UTC") and b == pd.Timestamp("2026-02-16 03:00", tz="UTC")
    for bad in ("2026-02-02", "2026-02-16..2026-02-02", "yesterday..today", "..2026-01-01"):
        with pytest.raises(Exception, match="--window"):
            kpis.parse_period(bad)


def _toml(tmp_path):
    path = tmp_path / "viralscope.toml"
    path.write_text(
        '[brand]\nname = "Lumio"\naccounts = ["lumio_care"]\n[[competitors]]\nname = "Brightly"\n'
        '[[campaigns]]\nname = "Glow"\nstart = 2026-02-02\nend = 2026-02-16\ncost = 2000.0\n'
        'value_per_conversion = 40.0\n'
    )
    return str(path)


def test_cli_prints_every_kpi_as_json(filled, tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["--db", str(filled.path), "--config", _toml(tmp_path), "metrics",
                               "--window", CAMPAIGN, "--baseline", "2026-01-05..2026-02-02"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["baseline"]["start"] == "2026-01-05T00:00:00+00:00"
    assert out["kpis"]["conversion_change"]["n"]["days_baseline"] == 28
    assert out["kpis"]["conversion_change"]["details"]["model"] == "log rate ~ trend + day of week"
    res = runner.invoke(main, ["--db", str(filled.path), "--config", _toml(tmp_path), "metrics",
                               "--window", CAMPAIGN, "--brand", "Brightly"])
    assert res.exit_code == 0 and json.loads(res.output)["brand"] == "Brightly"


def test_cli_rejects_a_bad_window_in_one_line(filled, tmp_path):
    res = CliRunner().invoke(main, ["--db", str(filled.path), "metrics", "--window", "2026-02-16..2026-02-02"])
    assert res.exit_code == 1
    assert res.output.strip().startswith("error: --window: end") and len(res.output.strip().splitlines()) == 1


def test_without_configuration_the_kpis_cover_all_mentions(filled):
    from viralscope.config import Config

    out = kpis.compute(filled, Config(), CAMPAIGN)
    assert out["brand"] is None and out["scope"] == "all mentions"
    assert out["kpis"]["mention_lift"]["status"] == "ok"
    assert out["kpis"]["share_of_voice"]["reason"].startswith("share of voice needs a brand")
    assert out["kpis"]["response_time_median"]["reason"] == "no brand accounts are configured ([brand] accounts)"
    assert out["kpis"]["viral_roi"]["reason"] == "no configured campaign overlaps the window"


def test_themes_of_the_crisis_day(filled):
    out = kpis.themes(filled, world.config(), "2026-02-10..2026-02-11")
    json.dumps(out, allow_nan=False)
    assert out["n"]["window"] > 180 and not out["sampled"]
    top = out["themes"][0]
    assert {"battery", "exploded", "refund"} <= set(top["terms"])
    assert top["documents"] == 180


def test_unscored_mentions_say_so(store):
    from viralscope import ingest

    rows = pd.DataFrame({"id": [str(i) for i in range(40)], "source": "demo", "text": "Lumio lamp",
                         "created_at": pd.date_range("2026-01-01", periods=40, freq="6h").strftime("%Y-%m-%dT%H:%M:%SZ")})
    ingest.write_mentions(store, rows, origin="t")
    k = kpis.compute(store, world.config(), "2026-01-06..2026-01-11")["kpis"]
    assert k["mention_lift"]["status"] == "ok"
    for key in kpis.UNSCORED_NA:
        assert k[key]["reason"] == kpis.NOT_SCORED, key


def test_the_final_age_of_complaints_is_configurable(filled):
    raw = {**world.CONFIG, "metrics": {"response_final_hours": 24}}
    day = kpis.compute(filled, parse_config(raw, "t.toml"), CAMPAIGN)["kpis"]["response_answer_rate"]
    two = kpis.compute(filled, world.config(), CAMPAIGN)["kpis"]["response_answer_rate"]
    assert day["n"] > two["n"]  # the world ends with the window: fewer items wait at 24 hours than at 48
    assert "24h old" in day["definition"] and "48h old" in two["definition"]
    bad = parse_config({**world.CONFIG, "metrics": {"response_final_hours": "soon"}}, "t.toml")
    with pytest.raises(Exception, match="t.toml: metrics.response_final_hours"):
        kpis.compute(filled, bad, CAMPAIGN)
