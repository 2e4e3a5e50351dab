"""Mention lift, net sentiment, perception change, share of voice, earned media, amplification."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from metrics import (
    amplification_asymmetry,
    earned_media_value,
    mention_lift,
    net_sentiment,
    perception_change,
    rate_ratio,
    share_of_voice,
)
from viralscope.core.errors import InputError


def _daily(counts, start="2026-01-01", label=None):
    df = pd.DataFrame({"created_at": pd.date_range(start, periods=len(counts), freq="D"), "count": counts})
    if label is not None:
        df["sentiment_label"] = label
    return df


def test_rate_ratio_matches_the_exact_conditional_binomial_interval():
    r = rate_ratio(30, 10, 15, 10)
    ci = stats.binomtest(30, 45).proportion_ci(method="exact")
    assert r["ci_low"] == pytest.approx(ci.low / (1 - ci.low))
    assert r["ci_high"] == pytest.approx(ci.high / (1 - ci.high))
    assert r["p_value"] == pytest.approx(stats.binomtest(30, 45, 0.5).pvalue, rel=1e-6)


def test_mention_lift_counts_mentions_per_day_and_labels():
    rows = pd.DataFrame({
        "created_at": ["2026-01-01 10:00"] * 4 + ["2026-01-02 09:00"] * 2 + ["2026-01-03 12:00"] * 6,
        "sentiment_label": ["positive", "negative", "neutral", "positive", "positive", "neutral"]
        + ["positive"] * 5 + ["negative"],
    })
    tiny = mention_lift(rows, ("2026-01-03", "2026-01-04"), ("2026-01-01", "2026-01-03"))
    assert tiny["n_window"] == 6 and tiny["n_baseline"] == 6
    assert tiny["status"] == "n/a" and tiny["reason"].startswith("base too small: 6 mentions")
    rows["count"] = 5  # each row stands for 5 mentions
    r = mention_lift(rows, ("2026-01-03", "2026-01-04"), ("2026-01-01", "2026-01-03"))
    assert r["estimate"] == pytest.approx(30 / 1 / (30 / 2) - 1)
    pos = mention_lift(rows, ("2026-01-03", "2026-01-04"), ("2026-01-01", "2026-01-03"), label="positive")
    assert pos["estimate"] == pytest.approx(25 / (15 / 2) - 1) and pos["label"] == "positive"


def test_mention_lift_widens_for_overdispersed_baselines():
    calm = mention_lift(_daily([100] * 7 + [150] * 7), ("2026-01-08", "2026-01-15"))
    wild = mention_lift(_daily([40, 160, 70, 130, 100, 20, 180] + [150] * 7), ("2026-01-08", "2026-01-15"))
    assert calm["estimate"] == pytest.approx(wild["estimate"]) == pytest.approx(0.5)
    assert calm["dispersion"] == 1 and wild["dispersion"] > 10
    assert wild["ci_high"] - wild["ci_low"] > 2 * (calm["ci_high"] - calm["ci_low"])
    assert calm["ci_low"] > 0 and wild["ci_low"] < 0.5 < wild["ci_high"]


def test_poisson_lift_intervals_cover_in_simulation():
    rng = np.random.default_rng(3)
    hits = 0
    for _ in range(300):
        counts = np.concatenate([rng.poisson(20, 14), rng.poisson(30, 14)])
        r = mention_lift(_daily(counts), ("2026-01-15", "2026-01-29"))
        hits += r["ci_low"] <= 0.5 <= r["ci_high"]
    assert hits / 300 >= 0.93


def test_a_short_baseline_reads_day_to_day_variation_from_the_days_before_it():
    rng = np.random.default_rng(4)
    counts = np.round(200 * np.exp(rng.normal(0, 0.3, 36))).astype(int)  # days vary far beyond Poisson
    df = _daily(counts)
    day = mention_lift(df, ("2026-02-05", "2026-02-06"), ("2026-01-29", "2026-01-30"))
    assert day["reference_days"] == 29 and day["dispersion"] > 5
    alone = mention_lift(df[df.created_at >= "2026-01-29"], ("2026-02-05", "2026-02-06"), ("2026-01-29", "2026-01-30"))
    assert alone["reference_days"] == 1 and alone["dispersion"] == 1  # nothing before it: counting noise only
    assert day["ci_high"] - day["ci_low"] > 2 * (alone["ci_high"] - alone["ci_low"])


def test_lift_intervals_cover_on_autocorrelated_overdispersed_days():
    """Daily log counts AR(1) (ρ = 0.6, s.d. 0.25) with a weekly pattern, Poisson counts on top, no change:
    same-weekday day-vs-day comparisons with a one-day baseline, and week-vs-week ones."""
    from tests.synthetic import ar1

    rng = np.random.default_rng(12)
    n = 150
    weekly = np.log([1.0, 1.05, 1.1, 1.0, 0.95, 0.8, 0.75])
    noise = ar1(rng, (n, 63), 0.6, np.full(n, 0.25))
    counts = rng.poisson(150 * np.exp(weekly[np.arange(63) % 7] + noise))
    day_hits = week_hits = 0
    for i in range(n):
        df = _daily(counts[i])
        day = mention_lift(df, ("2026-03-04", "2026-03-05"), ("2026-02-25", "2026-02-26"))
        week = mention_lift(df, ("2026-02-26", "2026-03-05"), ("2026-02-19", "2026-02-26"))
        day_hits += day["ci_low"] <= 0 <= day["ci_high"]
        week_hits += week["ci_low"] <= 0 <= week["ci_high"]
    assert day_hits / n >= 0.9 and week_hits / n >= 0.9, (day_hits / n, week_hits / n)


@pytest.mark.parametrize("baseline_counts", [[0] * 7, []])
def test_mention_lift_without_baseline_mentions_is_na_not_infinite(baseline_counts):
    df = _daily(baseline_counts + [5] * 7, start="2026-01-01" if baseline_counts else "2026-01-08")
    r = mention_lift(df, ("2026-01-08", "2026-01-15"))
    assert r["status"] == "n/a" and r["estimate"] is None and "baseline" in r["reason"]
    json.dumps(r, allow_nan=False)


def test_an_empty_window_is_a_lift_of_minus_100_percent():
    r = mention_lift(_daily([5] * 7 + [0] * 7), ("2026-01-08", "2026-01-15"))
    assert r["estimate"] == -1 and r["ci_low"] == -1 and r["ci_high"] < 0


def test_window_errors_name_the_problem():
    with pytest.raises(InputError, match="window: end"):
        mention_lift(_daily([1]), ("2026-01-02", "2026-01-01"))
    with pytest.raises(InputError, match="created_at: column missing"):
        mention_lift(pd.DataFrame({"x": [1]}), ("2026-01-01", "2026-01-02"))


def test_net_sentiment_and_perception_change():
    rows = pd.DataFrame({
        "created_at": ["2026-01-01"] * 3 + ["2026-01-02"] * 3,
        "sentiment_label": ["positive", "negative", "neutral"] * 2,
        "count": [30, 30, 40, 60, 20, 20],
    })
    ns = net_sentiment(rows, ("2026-01-02", "2026-01-03"))
    assert ns["estimate"] == pytest.approx(0.5) and ns["n"] == 80
    assert -1 <= ns["ci_low"] < 0.5 < ns["ci_high"] <= 1
    pc = perception_change(rows, ("2026-01-02", "2026-01-03"))
    assert pc["estimate"] == pytest.approx(0.5) and pc["net_baseline"] == 0
    assert pc["ci_low"] > 0
    only_neutral = rows.assign(sentiment_label="neutral")
    assert net_sentiment(only_neutral, ("2026-01-02", "2026-01-03"))["status"] == "n/a"
    assert perception_change(rows[rows.created_at == "2026-01-02"], ("2026-01-02", "2026-01-03"))["reason"] == (
        "no positive or negative mentions in the baseline")


def test_share_of_voice():
    rows = pd.DataFrame({"created_at": ["2026-01-01"] * 4, "brand": ["A", "B", "C", None], "count": [50, 30, 20, 99]})
    r = share_of_voice(rows, "A", ("2026-01-01", "2026-01-02"))
    assert r["estimate"] == pytest.approx(0.5) and r["n"] == 100
    assert r["shares"] == {"A": 0.5, "B": 0.3, "C": 0.2}
    assert share_of_voice(rows, "A", ("2026-01-01", "2026-01-02"), brands=["A"])["reason"].startswith("only one brand")
    assert share_of_voice(rows, "A", ("2026-02-01", "2026-02-02"))["status"] == "n/a"


def test_earned_media_value_is_a_labelled_estimate():
    r = earned_media_value(pd.DataFrame({"author_followers": [1000, -5, None]}), cpm=10)
    assert r["estimate"] == 10.0 and r["label"] == "estimate" and "CPM 10" in r["assumptions"]
    assert r["ci_low"] is None
    assert earned_media_value(pd.DataFrame({"author_followers": []}), cpm=10)["status"] == "n/a"


def test_amplification_asymmetry_from_mentions():
    mentions = pd.DataFrame({
        "id": ["n1", "a", "b", "c", "n2", "d", "p1", "e", "p2", "z"],
        "cascade_id": ["n1", "n1", "n1", "n1", "n2", "n2", "p1", "p1", "p2", "z"],
        "sentiment_label": ["negative", "x", "x", "x", "negative", "x", "positive", "x", "positive", "neutral"],
        "depth": [0, 1, 2, 1, 0, 1, 0, 1, 0, 0],
    })
    r = amplification_asymmetry(mentions)
    assert r["mean_negative"] == 3 and r["mean_positive"] == 1.5 and r["estimate"] == 2
    assert r["ci_low"] <= 2 <= r["ci_high"]
    assert amplification_asymmetry(mentions, seed=0) == r  # seeded: the same data, the same interval
    one_each = mentions[mentions.cascade_id.isin(["n1", "p1"])]
    assert amplification_asymmetry(one_each)["status"] == "n/a"


def test_amplification_leaves_the_brand_accounts_out():
    # The brand answers every complaint in its thread: counted, it would make complaints look amplified.
    mentions = pd.DataFrame({
        "id": ["n1", "b1", "n2", "b2", "x", "p1", "u", "p2", "v", "own", "w"],
        "cascade_id": ["n1", "n1", "n2", "n2", "n2", "p1", "p1", "p2", "p2", "own", "own"],
        "author_name": ["ann", "Lumio_Care", "bo", "lumio_care", "cy", "dee", "eve", "fay", "gus", "lumio", "hal"],
        "sentiment_label": ["negative", "neutral", "negative", "neutral", "x", "positive", "x", "positive", "x",
                            "positive", "x"],
        "depth": [0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1],
    })
    counted = amplification_asymmetry(mentions)  # no brand accounts named: the brand's posts count
    assert (counted["mean_negative"], counted["n_positive"]) == (2.5, 3)
    r = amplification_asymmetry(mentions, brand_accounts=["@lumio", "lumio_care"])
    assert (r["mean_negative"], r["mean_positive"], r["n_positive"]) == (1.5, 2.0, 2)  # the brand's own post is out
    assert r["estimate"] == pytest.approx(0.75)
