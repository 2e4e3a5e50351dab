"""Conversion rate change and incremental conversions on days that are not independent.

The campaigns of ``tests.synthetic.ar1_campaign_arrays`` break what a simple interval assumes: AR(1) day noise
(ρ = 0, 0.5, 0.8) on sessions and rate, weekly seasonality, a trend, sessions far more variable than Poisson.
Hundreds of campaigns run at once through the same array code the public functions use (a test below holds
the two equal), so the simulation takes seconds. The bigger version is ``python -m bench.sim_conversion``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics import conversion_change, incremental_conversions
from metrics.conversion import incremental_arrays, model_design, rate_change_arrays
from tests.synthetic import ar1_campaign_arrays

N_CAMPAIGNS = 200


def batch(a: dict):
    """The arrays of every campaign, its designs stacked (every campaign has the same days, not weekdays)."""
    k = a["baseline_days"]
    designs = []
    for row in a["dates"]:
        dates = pd.Series(pd.DatetimeIndex(row, tz="UTC"))
        designs.append(model_design(dates[:k], dates[k:].reset_index(drop=True), dates[0]))
    _, tb, _, tw, _ = designs[0]
    Xb, Xw = np.stack([d[2] for d in designs]), np.stack([d[4] for d in designs])
    s, c = a["sessions"].astype(float), a["conversions"].astype(float)
    return (c[:, :k], s[:, :k], c[:, k:], s[:, k:], Xb, tb, Xw, tw)


@pytest.fixture(scope="module", params=[0.0, 0.5, 0.8], ids=lambda r: f"rho={r}")
def simulated(request):
    rho = request.param
    seed = int(rho * 10)
    lifted = ar1_campaign_arrays(np.random.default_rng(20260100 + seed), N_CAMPAIGNS, rho)
    flat = ar1_campaign_arrays(np.random.default_rng(20260200 + seed), N_CAMPAIGNS, rho, rate_lift=0.0,
                               sessions_lift=0.0)
    out = {}
    for name, a in (("lifted", lifted), ("flat", flat)):
        args = batch(a)
        out[name] = (a, rate_change_arrays(*args), incremental_arrays(*args))
    return rho, out


def test_rate_change_intervals_cover_the_true_lift(simulated):
    rho, out = simulated
    a, rate, _ = out["lifted"]
    cover = np.mean((rate["ci_low"] <= a["rate_lift"]) & (a["rate_lift"] <= rate["ci_high"]))
    assert cover >= 0.90, (rho, cover)


def test_incremental_conversion_intervals_cover_the_truth(simulated):
    rho, out = simulated
    a, _, inc = out["lifted"]
    cover = np.mean((inc["ci_low"] <= a["incremental"]) & (a["incremental"] <= inc["ci_high"]))
    assert cover >= 0.90, (rho, cover)


def test_without_an_effect_at_most_10_percent_are_significant(simulated):
    rho, out = simulated
    a, rate, inc = out["flat"]
    for name, r, truth in (("rate", rate, 0.0), ("incremental", inc, a["incremental"])):
        assert np.mean(r["p_value"] < 0.05) <= 0.10, (rho, name)
        assert np.mean((r["ci_low"] <= truth) & (truth <= r["ci_high"])) >= 0.90, (rho, name)


def test_independent_day_intervals_would_undercover_here():
    """The reason for the model: at ρ = 0.8, treating days as independent (every ρ but 0 ruled out) covers
    far too rarely on the same campaigns."""
    a = ar1_campaign_arrays(np.random.default_rng(20260108), N_CAMPAIGNS, 0.8)
    args = batch(a)
    naive = rate_change_arrays(*args, grid=np.array([0.0]))
    robust = rate_change_arrays(*args)
    cover = lambda r: np.mean((r["ci_low"] <= 0.15) & (0.15 <= r["ci_high"]))  # noqa: E731
    assert cover(naive) < 0.8 < 0.9 <= cover(robust)


def test_the_public_functions_compute_what_the_arrays_do():
    a = ar1_campaign_arrays(np.random.default_rng(5), 3, 0.5)
    args = batch(a)
    rate, inc = rate_change_arrays(*args), incremental_arrays(*args)
    k = a["baseline_days"]
    for i in range(3):
        dates = pd.DatetimeIndex(a["dates"][i])
        daily = pd.DataFrame({"date": dates, "sessions": a["sessions"][i], "conversions": a["conversions"][i]})
        window, baseline = (dates[k], dates[-1] + pd.Timedelta(days=1)), (dates[0], dates[k])
        r, q = conversion_change(daily, window, baseline), incremental_conversions(daily, window, baseline)
        for key in ("estimate", "ci_low", "ci_high", "p_value"):
            assert r[key] == pytest.approx(rate[key][i], rel=1e-9), key
            assert q[key] == pytest.approx(inc[key][i], rel=1e-9), key
