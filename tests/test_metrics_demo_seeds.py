"""On demo worlds of three seeds, the business and response KPIs recover what the generator did.

The truth comes from the generator (``World.truth``): the campaign's true incremental conversions and ROI
(its counterfactual sessions and conversions, with each day's noise), and what happened to Lumio's
complaints and questions by the world's own labels and links (``truth["response"]["by_day"]``). The KPIs
read only the store, labelled as a perfect sentiment stage would (each mention's template tone).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from viralscope import kpis
from viralscope.config import parse_config
from viralscope.demo import build_world
from viralscope.demo.install import install

SEEDS = (3, 11, 29)


@pytest.fixture(scope="module", params=SEEDS, ids=lambda s: f"seed={s}")
def world(request, tmp_path_factory):
    from viralscope.store import Store

    store = Store(tmp_path_factory.mktemp(f"seed{request.param}") / "demo.duckdb", lock_timeout=30)
    built = build_world(scale=12_000, seed=request.param)
    install(store, built)
    with store.write() as con:
        con.execute("UPDATE mentions SET sentiment_label = json_extract_string(extra, '$.tone')")
    truth = built.truth
    window = f"{truth['campaign']['start']}..{truth['campaign']['end']}"
    return truth, kpis.compute(store, parse_config(built.config, "demo"), window)["kpis"]


def test_viral_roi_covers_the_true_roi(world):
    truth, k = world
    true_roi = truth["conversions"]["campaign_roi"]
    roi = k["viral_roi"]
    assert roi["status"] == "ok", roi["reason"]
    assert roi["ci_low"] <= true_roi <= roi["ci_high"], (true_roi, roi["display"])
    inc = k["incremental_conversions"]
    true_inc = truth["conversions"]["campaign_incremental_conversions"]
    assert inc["ci_low"] <= true_inc <= inc["ci_high"], (true_inc, inc["display"])


def test_answer_rate_and_median_time_match_what_the_brand_did(world):
    truth, k = world
    start, end = pd.Timestamp(truth["campaign"]["start"]), pd.Timestamp(truth["campaign"]["end"])
    days = [v for d, v in truth["response"]["by_day"].items() if start <= pd.Timestamp(d) < end]
    true_rate = sum(v["answered"] for v in days) / sum(v["items"] for v in days)
    true_median = float(np.median(np.concatenate([v["minutes"] for v in days])))
    rate, median = k["response_answer_rate"], k["response_time_median"]
    assert abs(rate["value"] - true_rate) <= 0.05, (rate["value"], true_rate)
    assert abs(median["value"] / true_median - 1) <= 0.20, (median["value"], true_median)
