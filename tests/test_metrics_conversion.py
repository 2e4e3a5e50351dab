"""Conversion change: honest intervals on simulated campaigns, CAC change, viral ROI, and the n/a cases."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from metrics import cac_change, conversion_change, viral_roi
from tests.synthetic import campaign

N_CAMPAIGNS = 200


def _run(lift: float, seed: int):
    rng = np.random.default_rng(seed)
    results, noise = [], []
    for _ in range(N_CAMPAIGNS):
        daily, window, baseline, ratio = campaign(rng, lift)
        results.append(conversion_change(daily, window, baseline))
        noise.append(ratio)
    return results, np.array(noise)


def test_intervals_cover_the_true_lift_in_at_least_90_percent_of_campaigns():
    results, noise = _run(0.15, seed=20260105)
    assert all(r["status"] == "ok" for r in results)
    cover = np.mean([r["ci_low"] <= 0.15 <= r["ci_high"] for r in results])
    assert np.median(noise) > 1.5  # the simulated day-to-day noise is well above binomial
    assert cover >= 0.90, cover
    assert cover <= 0.995, cover  # and the intervals are not uselessly wide


def test_without_a_true_lift_at_most_10_percent_are_significant():
    results, _ = _run(0.0, seed=20260106)
    significant = np.mean([r["p_value"] < 0.05 for r in results])
    excludes_zero = np.mean([not (r["ci_low"] <= 0 <= r["ci_high"]) for r in results])
    assert significant <= 0.10, significant
    assert excludes_zero == pytest.approx(significant, abs=0.02)


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
    assert r["incremental_conversions"] == pytest.approx(r["conversions_window"] - r["counterfactual_conversions"])
    assert r["incremental_ci_low"] < r["incremental_conversions"] < r["incremental_ci_high"]


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


def test_viral_roi_carries_the_interval_through():
    dates = pd.date_range("2026-01-05", periods=42, freq="D")
    rng = np.random.default_rng(1)
    rate = 0.03 * np.exp(rng.normal(0, 0.1, 42)) * np.where(np.arange(42) >= 28, 1.2, 1.0)
    daily = pd.DataFrame({"date": dates, "sessions": 5000, "conversions": rng.binomial(5000, rate)})
    change = conversion_change(daily, ("2026-02-02", "2026-02-16"))
    r = viral_roi(change, cost=5000, value_per_conversion=40)
    inc = change["incremental_conversions"], change["incremental_ci_low"], change["incremental_ci_high"]
    assert r["estimate"] == pytest.approx((inc[0] * 40 - 5000) / 5000)
    assert r["ci_low"] == pytest.approx((inc[1] * 40 - 5000) / 5000)
    assert r["ci_high"] == pytest.approx((inc[2] * 40 - 5000) / 5000)
    assert viral_roi({"status": "n/a", "reason": "no days"}, cost=1, value_per_conversion=1)["reason"] == (
        "conversion change is n/a: no days")
    assert viral_roi(change, cost=0, value_per_conversion=40)["status"] == "n/a"
