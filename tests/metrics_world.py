"""A small store world for the KPI and alert tests: mentions with labels, threads, brand replies, conversions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from viralscope import ingest
from viralscope.config import parse_config

CONFIG = {
    "brand": {"name": "Lumio", "accounts": ["lumio_care"]},
    "competitors": [{"name": "Brightly"}],
    "campaigns": [{"name": "Glow", "start": "2026-02-02", "end": "2026-02-16", "cost": 2000.0,
                   "value_per_conversion": 40.0}],
}


def config(**alerts):
    raw = dict(CONFIG)
    if alerts:
        raw["alerts"] = alerts
    return parse_config(raw, "test.toml")


def label(store, labels: pd.DataFrame) -> None:
    """Set sentiment labels as the sentiment stage would (columns source, id, sentiment_label)."""
    with store.write() as con:
        con.register("labels", labels)
        con.execute("""UPDATE mentions SET sentiment_label = labels.sentiment_label FROM labels
                       WHERE mentions.source = labels.source AND mentions.id = labels.id""")
        con.unregister("labels")


def build(store, *, seed: int = 1, days: int = 42, start: str = "2026-01-05", crisis_at: str | None = None,
          campaign_lift: float = 0.5) -> dict:
    """Mentions of Lumio and Brightly, hourly with a daily cycle; a campaign doubling positive Lumio mentions
    from 2026-02-02 to 2026-02-16; brand replies to some complaints; optional 6-hour burst of negatives."""
    rng = np.random.default_rng(seed)
    hours = pd.date_range(start, periods=24 * days, freq="h")
    rows, labels = [], []
    campaign = (hours >= "2026-02-02") & (hours < "2026-02-16")
    for i, h in enumerate(hours):
        base = 6 * (1 + 0.6 * np.sin(2 * np.pi * (h.hour - 9) / 24))
        for brand, scale in (("Lumio", 1.0), ("Brightly", 0.6)):
            pos_mult = 1 + campaign_lift if (brand == "Lumio" and campaign[i]) else 1.0
            for lab, rate in (("positive", 0.4 * pos_mult), ("neutral", 0.45), ("negative", 0.15)):
                for k in range(rng.poisson(base * scale * rate)):
                    mid = f"{brand[0]}{i}-{lab[:3]}{k}"
                    t = h + pd.Timedelta(minutes=int(rng.integers(0, 60)))
                    rows.append({"id": mid, "source": "demo", "created_at": t, "text": f"{lab} words about {brand}",
                                 "author_name": f"user{rng.integers(0, 500)}", "author_followers": int(rng.integers(0, 1000)),
                                 "brand": brand, "kind": "post"})
                    labels.append({"source": "demo", "id": mid, "sentiment_label": lab})
                    if lab == "negative" and brand == "Lumio" and rng.random() < 0.7:
                        rid = f"reply-{mid}"
                        rows.append({"id": rid, "source": "demo", "parent_id": mid, "kind": "reply",
                                     "created_at": t + pd.Timedelta(minutes=int(rng.integers(5, 120))),
                                     "text": "Sorry to hear that, we are on it", "author_name": "lumio_care",
                                     "author_followers": 20000, "brand": "Lumio"})
                        labels.append({"source": "demo", "id": rid, "sentiment_label": "neutral"})
    if crisis_at is not None:
        t0 = pd.Timestamp(crisis_at)
        for j in range(6 * 30):
            mid = f"crisis{j}"
            rows.append({"id": mid, "source": "demo", "created_at": t0 + pd.Timedelta(minutes=2 * j),
                         "text": "my Lumio battery exploded, refund now", "author_name": f"angry{j}",
                         "brand": "Lumio", "kind": "share" if j else "post", "parent_id": None if j == 0 else "crisis0"})
            labels.append({"source": "demo", "id": mid, "sentiment_label": "negative"})
    ingest.write_mentions(store, pd.DataFrame(rows), origin="test")
    label(store, pd.DataFrame(labels))
    dates = pd.date_range(start, periods=days, freq="D")
    sessions = rng.poisson(5000, days)
    rate = 0.03 * np.exp(rng.normal(0, 0.1, days)) * np.where((dates >= "2026-02-02") & (dates < "2026-02-16"), 1.25, 1)
    conv = pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "sessions": sessions,
                         "conversions": rng.binomial(sessions, rate), "spend": 500.0,
                         "new_customers": rng.poisson(80, days)})
    ingest.write_conversions(store, conv, origin="conversions.csv")
    return {"mentions": len(rows)}
