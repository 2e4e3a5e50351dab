"""Daily business data of the demo brand: sessions, conversions, revenue, spend, new customers.

The conversion rate has a day-of-week pattern, a slight trend and day-to-day noise well above binomial
(log-normal, sd ``RATE_NOISE_SD``), as real shops have; the campaign multiplies it by ``1 + rate_lift`` and the
sessions by ``1 + sessions_lift``. The truth holds, for every day, the counterfactual rate (before noise), the
counterfactual sessions and conversions (what the day would have had without the campaign, its noise
included), and for the campaign its true incremental conversions — Σ over its days of counterfactual
conversions × ((1 + sessions_lift)(1 + rate_lift) − 1) — and its true ROI, so that a test can check an
estimate against it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

BASE_SESSIONS = 20_000
SESSIONS_WEEKDAY = np.array([1.0, 1.02, 1.03, 1.0, 0.95, 0.85, 0.9])
SESSIONS_TREND = 0.002
BASE_RATE = 0.030
RATE_WEEKDAY = np.array([1.0, 1.03, 1.04, 1.02, 0.97, 0.9, 0.94])
RATE_TREND = 0.0008
RATE_NOISE_SD = 0.10
SESSION_NOISE_SD = 0.06
ORDER_VALUE = 58.0
BASE_SPEND = 2_500.0
NEW_CUSTOMER_SHARE = 0.62


def daily_business(
    rng: np.random.Generator,
    start: dt.date,
    days: int,
    *,
    campaign: tuple[int, int],
    campaign_cost: float,
    rate_lift: float,
    sessions_lift: float,
    dip_day: int | None = None,
    dip: float = 0.0,
    value_per_conversion: float | None = None,
) -> tuple[pd.DataFrame, dict]:
    """The conversions table and its truth. ``campaign`` and ``dip_day`` are day offsets from ``start``."""
    day = np.arange(days)
    weekday = (start.weekday() + day) % 7
    in_campaign = (day >= campaign[0]) & (day < campaign[1])
    expected_sessions = BASE_SESSIONS * SESSIONS_WEEKDAY[weekday] * np.exp(SESSIONS_TREND * day)
    # The same day's traffic without the campaign (its noise included): what the campaign is measured against.
    counterfactual_sessions = expected_sessions * rng.lognormal(-SESSION_NOISE_SD**2 / 2, SESSION_NOISE_SD, days)
    sessions = np.round(counterfactual_sessions * np.where(in_campaign, 1 + sessions_lift, 1.0)).astype(np.int64)

    counterfactual = BASE_RATE * RATE_WEEKDAY[weekday] * (1 + RATE_TREND * day)
    effect = np.where(in_campaign, 1 + rate_lift, 1.0)
    if dip_day is not None:
        effect = effect * np.where(day == dip_day, 1 - dip, 1.0)
    rate_noise = rng.lognormal(-RATE_NOISE_SD**2 / 2, RATE_NOISE_SD, days)
    rate = counterfactual * effect * rate_noise
    # Conversions the day would have had without the campaign (the crisis dip is part of the world, not of the
    # campaign): counterfactual sessions × counterfactual rate, both with that day's noise.
    no_campaign = counterfactual_sessions * counterfactual * rate_noise * np.where(day == dip_day, 1 - dip, 1.0)
    incremental = float((no_campaign[in_campaign]).sum() * ((1 + sessions_lift) * (1 + rate_lift) - 1))
    conversions = rng.binomial(sessions, np.clip(rate, 0, 1))
    revenue = np.round(conversions * ORDER_VALUE * rng.lognormal(-0.05**2 / 2, 0.05, days), 2)
    per_day_cost = campaign_cost / max(1, campaign[1] - campaign[0])
    spend = BASE_SPEND * SESSIONS_WEEKDAY[weekday] * rng.lognormal(-0.08**2 / 2, 0.08, days)
    spend = np.round(spend + np.where(in_campaign, per_day_cost, 0.0), 2)
    new_customers = rng.binomial(conversions, NEW_CUSTOMER_SHARE)

    dates = [start + dt.timedelta(days=int(d)) for d in day]
    table = pd.DataFrame(
        {
            "date": dates, "sessions": sessions, "conversions": conversions, "revenue": revenue,
            "spend": spend, "new_customers": new_customers,
        }
    )
    truth = {
        "rate_lift": rate_lift,
        "sessions_lift": sessions_lift,
        "base_rate": BASE_RATE,
        "rate_weekday_factors": RATE_WEEKDAY.tolist(),
        "rate_trend_per_day": RATE_TREND,
        "rate_noise_sd": RATE_NOISE_SD,
        "binomial_sd_of_rate": float(np.sqrt(BASE_RATE * (1 - BASE_RATE) / BASE_SESSIONS) / BASE_RATE),
        "counterfactual_rate": {d.isoformat(): round(float(r), 6) for d, r in zip(dates, counterfactual, strict=True)},
        "counterfactual_sessions": {d.isoformat(): round(float(x), 1)
                                    for d, x in zip(dates, counterfactual_sessions, strict=True)},
        "counterfactual_conversions": {d.isoformat(): round(float(x), 2) for d, x in zip(dates, no_campaign, strict=True)},
        "campaign_incremental_conversions": round(incremental, 2),
        "campaign_roi": round((incremental * value_per_conversion - campaign_cost) / campaign_cost, 4)
        if campaign_cost and value_per_conversion is not None else None,
        "crisis_dip": {"date": dates[dip_day].isoformat(), "rate_drop": dip} if dip_day is not None else None,
        "campaign_cost_per_day": per_day_cost,
        "order_value": ORDER_VALUE,
    }
    return table, truth
