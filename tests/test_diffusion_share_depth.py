"""Share depth (mean maximum depth, mean share order) and the share-order distribution."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from diffusion import cascade_metrics, share_depth
from diffusion.share_depth import mean_max_depth, share_order_distribution, share_orders_by_period
from viralscope.core.errors import InputError
from viralscope.core.links import resolve_links

T0 = pd.Timestamp("2026-02-02 00:00", tz="UTC")


def _forest():
    # Cascade A (day 0): depth 3; B (day 0): depth 1; C (day 1): depth 2; D (day 1): a lone post.
    rows = [
        ("A", None, 0), ("a1", "A", 1), ("a2", "a1", 2), ("a3", "a2", 3), ("a4", "A", 4),
        ("B", None, 5), ("b1", "B", 6), ("b2", "B", 7),
        ("C", None, 24 * 60), ("c1", "C", 24 * 60 + 1), ("c2", "c1", 24 * 60 + 2),
        ("D", None, 24 * 60 + 3),
    ]
    return pd.DataFrame({"id": [r[0] for r in rows], "parent_id": [r[1] for r in rows],
                         "created_at": [T0 + pd.Timedelta(minutes=r[2]) for r in rows]})


def test_average_share_depth_over_cascades_that_spread():
    c = cascade_metrics(_forest())
    r = mean_max_depth(c)
    depths = np.array([3, 1, 2])
    assert r["estimate"] == pytest.approx(depths.mean()) and r["n"] == 3 and r["singletons"] == 1
    assert 1 <= r["ci_low"] < r["estimate"] < r["ci_high"] <= 3


def test_bootstrap_interval_covers_like_it_should():
    # Depths drawn from a known distribution: the 95% interval covers the true mean about 95% of the time.
    rng = np.random.default_rng(0)
    probs = np.array([0.55, 0.25, 0.1, 0.05, 0.03, 0.02])
    truth = float(probs @ np.arange(1, 7))
    covered = 0
    for i in range(200):
        d = rng.choice(np.arange(1, 7), size=120, p=probs)
        c = pd.DataFrame({"size": 2, "depth": d, "started_at": T0})
        r = mean_max_depth(c, n_boot=500, seed=i)
        covered += r["ci_low"] <= truth <= r["ci_high"]
    assert 0.88 <= covered / 200 <= 0.99


def test_mean_share_order_weighs_every_share_and_resamples_cascades():
    c = pd.DataFrame({"shares": [1, 1, 1, 9], "share_order_sum": [1, 1, 1, 36]})
    r = share_depth.mean_share_order(c)
    assert r["estimate"] == pytest.approx(39 / 12) and r["n"] == 12 and r["cascades"] == 4
    assert mean_max_depth(pd.DataFrame({"size": [2, 2, 2, 10], "depth": [1, 1, 1, 4]}))["estimate"] == 1.75
    # Whole cascades are resampled: the interval reaches from all-shallow to mostly-deep samples.
    assert r["ci_low"] < 1.5 and r["ci_high"] > 3.5
    assert share_depth.mean_share_order(pd.DataFrame({"shares": [0], "share_order_sum": [0]}))["reason"] == (
        "no shares of posts in the window")


def test_mean_max_share_depth_ignores_singletons():
    r = mean_max_depth(pd.DataFrame({"size": [1, 1, 4, 10], "depth": [0, 0, 1, 5]}))
    assert r["estimate"] == 3 and r["n"] == 2
    assert mean_max_depth(pd.DataFrame({"size": [1], "depth": [0]}))["status"] == "n/a"


def test_average_share_depth_in_a_window():
    c = cascade_metrics(_forest())
    first_day = mean_max_depth(c, window=("2026-02-02", "2026-02-03"))
    assert first_day["estimate"] == pytest.approx(2.0) and first_day["n"] == 2
    second_day = mean_max_depth(c, window=(T0 + pd.Timedelta(days=1), T0 + pd.Timedelta(days=2)))
    assert second_day["estimate"] == 2.0 and second_day["n"] == 1 and second_day["ci_low"] is None
    nothing = mean_max_depth(c, window=("2027-01-01", "2027-01-02"))
    assert nothing["estimate"] is None and nothing["n"] == 0


@pytest.mark.parametrize("window", [("2026-02-03", "2026-02-02"), ("yesterday", "today"), ("2026-02-02",)])
def test_bad_windows(window):
    with pytest.raises(InputError, match="window"):
        mean_max_depth(cascade_metrics(_forest()), window=window)


def test_average_share_depth_needs_cascade_columns():
    with pytest.raises(InputError, match="depth"):
        mean_max_depth(pd.DataFrame({"size": [2], "started_at": [T0]}))


def test_share_order_distribution_counts_and_intervals():
    d = share_order_distribution(_forest())
    # Shares by depth: 1: a1 a4 b1 b2 c1 (5); 2: a2 c2 (2); 3+: a3 (1).
    assert d["order"].tolist() == ["1st", "2nd", "3rd+"]
    assert d["shares"].tolist() == [5, 2, 1]
    assert d["fraction"].sum() == pytest.approx(1.0)
    assert (d["ci_low"] <= d["fraction"]).all() and (d["fraction"] <= d["ci_high"]).all()
    # Wilson interval for 5 of 8, by hand.
    z, p, n = stats.norm.ppf(0.975), 5 / 8, 8
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert d.loc[0, "ci_low"] == pytest.approx(centre - half) and d.loc[0, "ci_high"] == pytest.approx(centre + half)


def test_share_order_distribution_from_store_depths_and_windows():
    m = _forest()
    links = resolve_links(m)
    stored = m.assign(depth=links["depth"], cascade_id=links["cascade_id"], parent_resolved=links["parent_resolved"])
    pd.testing.assert_frame_equal(share_order_distribution(stored), share_order_distribution(m))
    day2 = share_order_distribution(stored, window=("2026-02-03", "2026-02-04"))
    assert day2["shares"].tolist() == [1, 1, 0]
    empty = share_order_distribution(stored, window=("2026-03-01", "2026-03-02"))
    assert empty["shares"].sum() == 0 and empty["fraction"].isna().all()


def test_share_orders_by_period():
    daily = share_orders_by_period(_forest(), "1D")
    assert daily.index.tolist() == [T0, T0 + pd.Timedelta(days=1)]
    assert daily[["1st", "2nd", "3rd+", "shares"]].values.tolist() == [[4, 1, 1, 6], [1, 1, 0, 2]]
    assert daily["mean_order"].tolist() == pytest.approx([(1 + 2 + 3 + 1 + 1 + 1) / 6, 1.5])
    weekly = share_orders_by_period(_forest(), "W-SUN")  # weeks from Monday (2026-02-02 is one)
    assert weekly["shares"].tolist() == [8]


def test_mean_share_order_counts_every_share_from_the_depth_counts():
    from diffusion.share_depth import mean_share_order

    c = cascade_metrics(_forest())
    r = mean_share_order(c)
    # Shares: A 1,2,3,1; B 1,1; C 1,2 → 12 / 8. The mean maximum depth of the same cascades is 2.
    assert r["estimate"] == pytest.approx(1.5) and r["n"] == 8 and r["cascades"] == 3
    assert mean_max_depth(c)["estimate"] == pytest.approx(2.0)
    assert r["ci_low"] <= 1.5 <= r["ci_high"]
    assert mean_share_order(c, window=("2026-02-03", "2026-02-04"))["estimate"] == pytest.approx(1.5)  # C alone
