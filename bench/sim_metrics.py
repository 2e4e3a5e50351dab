"""Coverage of the other KPIs' intervals on simulations that break their assumptions (figures for
docs/metrics.md):

    python -m bench.sim_metrics            # 500 runs per case (a minute or two)

- mention lift: daily log counts AR(1) (ρ = 0, 0.6, 0.8) with a weekly pattern and Poisson counts on top, no
  change; a one-day window against the same weekday a week before (the 28 days before it measure the
  variation), and a week against the week before; then a viral burst (one day at 4×) in the reference days;
- CAC change: AR(1) daily new customers (ρ = 0.5, 0.8), no change in the cost per customer;
- answer rate and median time among the answered: the brand's answer probability and speed drift from day
  to day (a beta-distributed daily answer rate, a log-normal daily speed factor), which Wilson's interval and
  the bootstrap of independent items do not assume;
- mean share order: shares clustered in cascades of heavy-tailed sizes (Pareto tail index 1.3 and 2.5).
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

import metrics
from tests.synthetic import ar1


def _daily(counts, start="2026-01-01", column="count"):
    return pd.DataFrame({"created_at": pd.date_range(start, periods=len(counts), freq="D", tz="UTC"), column: counts})


def lift(n: int, rho: float, burst: bool = False) -> tuple[float, float]:
    rng = np.random.default_rng(int(rho * 100) + burst)
    weekly = np.log([1.0, 1.05, 1.1, 1.0, 0.95, 0.8, 0.75])
    noise = ar1(rng, (n, 63), rho, np.full(n, 0.25))
    mu = 150 * np.exp(weekly[np.arange(63) % 7] + noise)
    if burst:
        mu[:, 40] *= 4  # a viral day among the reference days of the day-vs-day comparison
    counts = rng.poisson(mu)
    day = week = 0
    for i in range(n):
        df = _daily(counts[i])
        d = metrics.mention_lift(df, ("2026-03-04", "2026-03-05"), ("2026-02-25", "2026-02-26"))
        w = metrics.mention_lift(df, ("2026-02-26", "2026-03-05"), ("2026-02-19", "2026-02-26"))
        day += d["ci_low"] <= 0 <= d["ci_high"]
        week += w["ci_low"] <= 0 <= w["ci_high"]
    return day / n, week / n


def cac(n: int, rho: float) -> float:
    rng = np.random.default_rng(7 + int(rho * 10))
    noise = ar1(rng, (n, 28), rho, np.full(n, 0.2))
    customers = rng.poisson(80 * np.exp(noise))
    hits = 0
    for i in range(n):
        daily = pd.DataFrame({"date": pd.date_range("2026-01-01", periods=28, freq="D"), "spend": 500.0,
                              "new_customers": customers[i]})
        r = metrics.cac_change(daily, ("2026-01-15", "2026-01-29"))
        hits += r["ci_low"] <= 0 <= r["ci_high"]
    return hits / n


def response(n: int, spread: float) -> tuple[float, float]:
    """Items over 14 days; each day's answer rate ~ Beta around 0.5 (``spread`` = its s.d.) and speed factor
    log-normal (s.d. ``spread``); truth: the mean answer probability and the median of the delay law."""
    rng = np.random.default_rng(int(spread * 100))
    rate_hits = median_hits = 0
    k = 0.25 / max(spread, 1e-6) ** 2 - 1  # beta concentration for mean 0.5 and s.d. spread
    for _ in range(n):
        days = 14
        per_day = rng.poisson(25, days)
        p_day = rng.beta(0.5 * k, 0.5 * k, days) if spread > 0 else np.full(days, 0.5)
        speed = np.exp(rng.normal(0, spread, days))
        created, replied = [], []
        t0 = pd.Timestamp("2026-01-01")
        for d in range(days):
            for _ in range(per_day[d]):
                c = t0 + pd.Timedelta(days=d, minutes=float(rng.uniform(0, 1440)))
                created.append(c)
                answered = rng.random() < p_day[d]
                delay = 50 * speed[d] * np.exp(rng.normal(0, 0.9))
                replied.append(c + pd.Timedelta(minutes=float(delay)) if answered and delay < 2880 else pd.NaT)
        items = pd.DataFrame({"created_at": created, "replied_at": replied, "complaint": True, "question": False})
        r = metrics.response_summary(items, now=t0 + pd.Timedelta(days=30))
        true_rate = 0.5 * 0.9999  # delays beyond 48 h are about 1 in 10,000
        rate_hits += r["answer_rate_ci_low"] <= true_rate <= r["answer_rate_ci_high"]
        # True median among the answered: of 50 × speed × exp(N(0, 0.9)) pooled over days (by simulation).
        pooled = 50 * np.exp(rng.normal(0, spread, 200_000) + rng.normal(0, 0.9, 200_000))
        median_hits += r["ci_low"] <= np.median(pooled) <= r["ci_high"]
    return rate_hits / n, median_hits / n


def share_order(n: int, alpha: float) -> float:
    rng = np.random.default_rng(5)
    hits = 0
    # Cascades of Pareto sizes whose shares are deeper in bigger cascades: each share's order is
    # 1 + Poisson(log size); the truth is the population ratio, estimated from 400,000 cascades.
    def draw(k):
        size = np.minimum(np.floor(rng.pareto(alpha, k) + 1).astype(int), 5000)
        shares = size - 1
        depth_sum = shares + rng.poisson(np.log1p(shares) * shares)
        return shares, depth_sum
    s, d = draw(400_000)
    truth = d.sum() / s.sum()
    for _ in range(n):
        s, d = draw(300)
        r = metrics.mean_share_order(pd.DataFrame({"shares": s, "share_order_sum": d}), n_boot=1000)
        hits += r["ci_low"] <= truth <= r["ci_high"]
    return hits / n


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sim_metrics")
    parser.add_argument("--n", type=int, default=500)
    n = parser.parse_args().n
    for rho in (0.0, 0.6, 0.8):
        day, week = lift(n, rho)
        print(f"mention lift, no change, ρ = {rho}: day vs same weekday covers 0 in {day:.1%}, week vs week {week:.1%}",
              flush=True)
    day, week = lift(n, 0.6, burst=True)
    print(f"mention lift, ρ = 0.6, a 4× viral day in the reference days: day vs day {day:.1%}", flush=True)
    for rho in (0.5, 0.8):
        print(f"CAC change, no change, ρ = {rho}: covers 0 in {cac(n, rho):.1%}", flush=True)
    for spread in (0.0, 0.15, 0.3):
        rate, median = response(max(n // 5, 50), spread)
        print(f"response, day-to-day spread {spread}: answer rate covered {rate:.1%}, median among answered {median:.1%}",
              flush=True)
    for alpha in (1.3, 2.5):
        print(f"mean share order, Pareto({alpha}) cascade sizes, 300 cascades: covered "
              f"{share_order(max(n // 5, 50), alpha):.1%}", flush=True)


if __name__ == "__main__":
    main()
