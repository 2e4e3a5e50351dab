"""Conversion rate change, incremental conversions, CAC change, viral ROI, and the n/a cases."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from metrics import cac_change, conversion_change, incremental_conversions, prorated_cost, viral_roi
from tests.synthetic import campaign
from viralscope.core.errors import InputError

N_CAMPAIGNS = 200  # coverage on autocorrelated days: tests/test_metrics_autocorrelation.py


def test_a_pooled_two_proportion_z_test_would_be_overconfident_on_the_same_data():
    """The reason for the design: the binomial interval misses the truth far too often here."""
    rng = np.random.default_rng(20260107)
    cover = []
    for _ in range(N_CAMPAIGNS):
        daily, window, baseline, _ = campaign(rng, 0.15)
        w = daily[(daily.date >= window[0]) & (daily.date < window[1])]
        b = daily[(daily.date >= baseline[0]) & (daily.date < baseline[1])]
        p1, p0 = w.conversions.sum() / w.sessions.sum(), b.conversions.sum() / b.sessions.sum()
        se = np.sqrt(p1 * (1 - p1) / w.sessions.sum() + p0 * (1 - p0) / b.sessions.sum())
        cover.append((p1 - p0 - 1.96 * se) / p0 <= 0.15 <= (p1 - p0 + 1.96 * se) / p0)
    assert np.mean(cover) < 0.6


def test_a_known_lift_with_little_noise_is_recovered():
    dates = pd.date_range("2026-01-05", periods=42, freq="D")
    sessions = np.full(42, 100_000)
    rate = 0.02 * np.where(np.arange(42) >= 28, 1.3, 1.0) * np.array([1, 1.1, 1, 0.9, 1, 1.2, 1.3] * 6)
    daily = pd.DataFrame({"date": dates, "sessions": sessions, "conversions": np.round(sessions * rate)})
    r = conversion_change(daily, ("2026-02-02", "2026-02-16"), ("2026-01-05", "2026-02-02"))
    assert r["model"] == "log rate ~ trend + day of week"
    assert r["estimate"] == pytest.approx(0.3, abs=0.01)
    assert r["ci_low"] < 0.3 < r["ci_high"]
    inc = incremental_conversions(daily, ("2026-02-02", "2026-02-16"), ("2026-01-05", "2026-02-02"))
    assert inc["estimate"] == pytest.approx(inc["conversions_window"] - inc["counterfactual_conversions"])
    assert inc["ci_low"] < inc["estimate"] < inc["ci_high"]
    # Sessions did not change, so the incremental conversions are the rate's: 30% over the counterfactual.
    assert inc["conversions_change"] == pytest.approx(0.3, abs=0.01) and abs(inc["sessions_change"]) < 0.01


@pytest.mark.parametrize(
    "rows, window, baseline, reason",
    [
        ([], ("2026-02-01", "2026-02-08"), None, "no days with sessions in the window"),
        ([("2026-02-02", 0, 0)], ("2026-02-01", "2026-02-08"), None, "no days with sessions in the window"),
        ([("2026-02-02", 100, 3)], ("2026-02-01", "2026-02-08"), None, "the baseline has 0 days"),
        ([("2026-02-02", 100, 3), ("2026-01-30", 100, 2)], ("2026-02-01", "2026-02-08"), None, "the baseline has 1 days"),
        ([("2026-02-02", 100, 3)] + [(f"2026-01-2{i}", 100, 0) for i in range(5, 9)],
         ("2026-02-01", "2026-02-08"), None, "no conversions in the baseline"),
    ],
)
def test_missing_data_gives_na_with_a_reason_never_nan(rows, window, baseline, reason):
    daily = pd.DataFrame(rows, columns=["date", "sessions", "conversions"])
    r = conversion_change(daily, window, baseline)
    assert r["status"] == "n/a" and r["reason"].startswith(reason)
    assert r["estimate"] is None
    json.dumps(r, allow_nan=False)


@pytest.mark.parametrize("baseline_days, model", [
    (4, "log rate ~ level"), (10, "log rate ~ level"), (14, "log rate ~ day of week"),
    (21, "log rate ~ trend + day of week"), (28, "log rate ~ trend + day of week"),
])
def test_the_model_grows_with_the_baseline(baseline_days, model):
    dates = pd.date_range("2026-01-01", periods=baseline_days + 7, freq="D")
    rng = np.random.default_rng(baseline_days)
    daily = pd.DataFrame({"date": dates, "sessions": 1000, "conversions": rng.poisson(30, len(dates))})
    r = conversion_change(daily, (dates[baseline_days], dates[-1] + pd.Timedelta(days=1)), (dates[0], dates[baseline_days]))
    assert r["model"] == model and r["status"] == "ok" and r["n_days_baseline"] == baseline_days


def test_cac_change_and_its_na_cases():
    daily = pd.DataFrame({"date": pd.date_range("2026-01-01", periods=6, freq="D"), "spend": 100.0,
                          "new_customers": [10, 12, 9, 5, 6, 4]})
    r = cac_change(daily, ("2026-01-04", "2026-01-07"))
    assert r["cac_baseline"] == pytest.approx(300 / 31) and r["cac_window"] == pytest.approx(20.0)
    assert r["ci_low"] < r["estimate"] < r["ci_high"]
    zero = daily.assign(new_customers=0)
    assert cac_change(zero, ("2026-01-04", "2026-01-07"))["reason"] == "no new customers in the window"
    assert cac_change(daily.assign(spend=0.0), ("2026-01-04", "2026-01-07"))["reason"] == "no spend recorded in the window"


def test_viral_roi_carries_the_incremental_interval_through():
    dates = pd.date_range("2026-01-05", periods=42, freq="D")
    rng = np.random.default_rng(1)
    lifted = np.arange(42) >= 28
    sessions = np.round(5000 * np.where(lifted, 1.15, 1.0)).astype(int)
    rate = 0.03 * np.exp(rng.normal(0, 0.1, 42)) * np.where(lifted, 1.2, 1.0)
    daily = pd.DataFrame({"date": dates, "sessions": sessions, "conversions": rng.binomial(sessions, rate)})
    inc = incremental_conversions(daily, ("2026-02-02", "2026-02-16"))
    r = viral_roi(inc, cost=5000, value_per_conversion=40)
    assert r["estimate"] == pytest.approx((inc["estimate"] * 40 - 5000) / 5000)
    assert r["ci_low"] == pytest.approx((inc["ci_low"] * 40 - 5000) / 5000)
    assert r["ci_high"] == pytest.approx((inc["ci_high"] * 40 - 5000) / 5000)
    # The campaign's extra traffic earns: more incremental conversions than the rate change alone gives.
    rate_only = conversion_change(daily, ("2026-02-02", "2026-02-16"))
    assert inc["estimate"] > rate_only["conversions_window"] - rate_only["counterfactual_conversions"] + 100
    assert viral_roi({"status": "n/a", "reason": "no days"}, cost=1, value_per_conversion=1)["reason"] == (
        "incremental conversions are n/a: no days")
    with pytest.raises(InputError, match="takes the result of incremental_conversions"):
        viral_roi(rate_only, cost=5000, value_per_conversion=40)


@pytest.mark.parametrize("cost, revenue, reason", [
    (None, None, "no campaign cost is configured"),
    (0.0, None, "the campaign's cost in the window is zero"),
    (1.0, 100_000.0, "the campaign's cost in the window (1) is below 1% of the window's revenue (100,000)"),
    (999.0, 100_000.0, "the campaign's cost in the window (999) is below 1% of the window's revenue"),
])
def test_an_implausible_cost_is_na_with_the_reason(cost, revenue, reason):
    inc = {"status": "ok", "estimate": 300.0, "ci_low": 100.0, "ci_high": 500.0}
    r = viral_roi(inc, cost=cost, value_per_conversion=50, window_revenue=revenue)
    assert r["status"] == "n/a" and r["reason"].startswith(reason) and r["estimate"] is None
    assert viral_roi(inc, cost=1000.0, value_per_conversion=50, window_revenue=100_000.0)["status"] == "ok"


@pytest.mark.parametrize("window, share", [
    (("2026-02-02", "2026-02-16"), 1.0), (("2026-02-09", "2026-02-23"), 0.5), (("2026-01-01", "2026-03-01"), 1.0),
    (("2026-02-16", "2026-02-20"), 0.0), (("2026-02-15T12:00", "2026-02-16"), 1 / 28),
])
def test_the_cost_is_prorated_to_the_window_days_inside_the_campaign(window, share):
    cost, got = prorated_cost(14_000.0, ("2026-02-02", "2026-02-16"), window)
    assert got == pytest.approx(share) and cost == pytest.approx(14_000.0 * share)
