"""Coverage of the counterfactual intervals on simulated campaigns, bigger than the tests' (figures for
docs/metrics.md):

    python -m bench.sim_conversion              # 1,000 campaigns per case (a few minutes on two cores)
    python -m bench.sim_conversion --n 200      # quicker

Each case draws campaigns with ``tests.synthetic.ar1_campaign_arrays`` (AR(1) day noise on sessions and rate,
weekly seasonality, trend, overdispersed sessions, binomial conversions) and breaks one more assumption: a
heavy-tailed day noise, a short or a long baseline, a correlation beyond the tests' 0.8, a long-memory noise
(AR(1) at ρ = 0.97, nearly a random walk), or a level shift that starts in the window without any campaign.
It reports, for the conversion rate change and the incremental conversions, the share of 95% intervals that
cover the truth with a lift (+15% rate, +10% sessions) and the share called significant (p < 0.05) without
one, with the median interval width.
"""

from __future__ import annotations

import argparse

import numpy as np

from metrics.conversion import incremental_arrays, rate_change_arrays
from tests.synthetic import ar1_campaign_arrays
from tests.test_metrics_autocorrelation import batch

CASES = {
    "ρ = 0": {"rho": 0.0},
    "ρ = 0.5": {"rho": 0.5},
    "ρ = 0.8": {"rho": 0.8},
    "ρ = 0.9": {"rho": 0.9},
    "ρ = 0.97 (near random walk)": {"rho": 0.97},
    "ρ = 0.5, Student t(4) days": {"rho": 0.5, "heavy_tails": True},
    "ρ = 0.8, Student t(4) days": {"rho": 0.8, "heavy_tails": True},
    "ρ = 0.5, 14-day baseline": {"rho": 0.5, "baseline_days": 14},
    "ρ = 0.8, 56-day baseline": {"rho": 0.8, "baseline_days": 56},
    "ρ = 0.5, level shift +10% in the window": {"rho": 0.5, "shift": 0.10},
}


def run_case(n: int, seed: int, rho: float, shift: float = 0.0, **settings) -> dict:
    out = {}
    for lifted in (True, False):
        lifts = {"rate_lift": 0.15, "sessions_lift": 0.10} if lifted else {"rate_lift": 0.0, "sessions_lift": 0.0}
        rng = np.random.default_rng(seed + lifted)
        rates, incs, truth_rate, truth_inc = [], [], [], []
        for start in range(0, n, 250):
            k = min(250, n - start)
            a = ar1_campaign_arrays(rng, k, rho, **lifts, **settings)
            if shift:  # something else moved the rate in the window: not the campaign, and not in the model
                days = a["baseline_days"]
                a["conversions"][:, days:] = rng.binomial(a["sessions"][:, days:],
                                                          np.clip(a["conversions"][:, days:] / a["sessions"][:, days:]
                                                                  * (1 + shift), 0, 1))
            args = batch(a)
            rates.append(rate_change_arrays(*args))
            incs.append(incremental_arrays(*args))
            truth_rate.append(a["rate_lift"])
            truth_inc.append(a["incremental"])
        rate = {key: np.concatenate([r[key] for r in rates]) for key in ("ci_low", "ci_high", "p_value")}
        inc = {key: np.concatenate([r[key] for r in incs]) for key in ("ci_low", "ci_high", "p_value")}
        t_rate, t_inc = np.concatenate(truth_rate), np.concatenate(truth_inc)
        tag = "lift" if lifted else "none"
        out[f"rate_cover_{tag}"] = float(np.mean((rate["ci_low"] <= t_rate) & (t_rate <= rate["ci_high"])))
        out[f"inc_cover_{tag}"] = float(np.mean((inc["ci_low"] <= t_inc) & (t_inc <= inc["ci_high"])))
        out[f"rate_significant_{tag}"] = float(np.mean(rate["p_value"] < 0.05))
        out[f"inc_significant_{tag}"] = float(np.mean(inc["p_value"] < 0.05))
        out[f"rate_width_{tag}"] = float(np.median(rate["ci_high"] - rate["ci_low"]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sim_conversion")
    parser.add_argument("--n", type=int, default=1000, help="campaigns per case and per lift (default 1000)")
    args = parser.parse_args()
    print(f"{args.n} campaigns per case; coverage of 95% intervals with a lift / share significant without one")
    print("| case | rate change: coverage | rate: false significance | rate: median width | incremental: coverage "
          "| incremental: false significance |")
    print("|---|---|---|---|---|---|")
    for i, (name, case) in enumerate(CASES.items()):
        r = run_case(args.n, 20260300 + 10 * i, **case)
        print(f"| {name} | {r['rate_cover_lift']:.1%} | {r['rate_significant_none']:.1%} | {r['rate_width_lift']:.2f} "
              f"| {r['inc_cover_lift']:.1%} | {r['inc_significant_none']:.1%} |", flush=True)


if __name__ == "__main__":
    main()
