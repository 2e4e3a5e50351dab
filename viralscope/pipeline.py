"""``viralscope analyze``: bring a store up to date — score, rebuild cascades, refresh the week's KPIs.

Each step is one stage's library function; this module only runs them in order and says what they did:

1. sentiment: :func:`viralscope.scoring.score_store` scores every mention without a label (analysts'
   corrections are kept);
2. cascades: :func:`viralscope.store.mentions.relink` resolves every source's parent links again (imports keep
   them resolved, so this repairs stores written by other means) and the cascades are counted;
3. metrics: :func:`viralscope.kpis.compute` for the last seven days of mentions against the seven before,
   the numbers the Overview and the weekly report start from.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd

from viralscope import kpi_registry, kpis, scoring
from viralscope.config import configured_brand
from viralscope.scoring import ScoreSummary
from viralscope.store import Store, query
from viralscope.store import mentions as store_mentions

__all__ = ["HEADLINE", "Analysis", "analyze", "last_week"]

#: The KPIs ``analyze`` reports, in this order (``kpi_registry.SUMMARY``).
HEADLINE = kpi_registry.SUMMARY


@dataclass
class Analysis:
    """What :func:`analyze` did."""

    scoring: ScoreSummary
    relinked: int
    mentions: int
    cascades: int
    spread: int
    deepest: int
    window: tuple[pd.Timestamp, pd.Timestamp] | None
    kpis: dict = field(default_factory=dict)
    seconds: float = 0.0
    brand: str | None = None

    def lines(self) -> list[str]:
        """A short human summary, one line per stage."""
        out = [self.scoring.line()]
        out.append(f"cascades: {self.cascades:,} in {self.mentions:,} mentions, {self.spread:,} spread "
                   f"(2 or more mentions), deepest {self.deepest} hops; "
                   + (f"{self.relinked:,} mentions relinked" if self.relinked else "links were up to date"))
        if self.window is None:
            out.append("metrics: no mentions yet")
        else:
            start, end = self.window
            last = end - pd.Timedelta(days=1)  # the window is half-open: its last day is the one before ``end``
            whose = f"{self.brand}'s" if self.brand else "the"
            out.append(f"metrics for {start:%Y-%m-%d}..{last:%Y-%m-%d} ({whose} last 7 days with mentions) "
                       "against the 7 days before:")
            for key in HEADLINE:
                kpi = self.kpis.get(key)
                if kpi is not None:
                    value = kpi["display"] if kpi["status"] == "ok" else f"n/a ({kpi['reason']})"
                    out.append(f"  {kpi['label']}: {value}")
        out.append(f"done in {self.seconds:.1f} s")
        return out


def last_week(store: Store, brand: str | None = None) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The seven days that end with the day of the newest mention of ``brand`` (of any brand when it has none
    or is None), as a half-open UTC interval: the KPIs are the brand's, so its own latest week, not a week in
    which only competitors were talked about."""
    newest = (query.newest(store, query.Scope(brands=(brand,))) if brand else None) or query.newest(store)
    if newest is None:
        return None
    end = newest.floor("D") + pd.Timedelta(days=1)
    return end - pd.Timedelta(days=7), end


def analyze(store: Store, config=None, *, rescore: bool = False, progress=None) -> Analysis:
    """Score, relink and compute the last week's KPIs of ``store``; ``progress(done, total)`` while scoring."""
    started = time.perf_counter()
    store.ensure()
    scored = scoring.score_store(store, rescore=rescore, progress=progress)
    relinked = store_mentions.relink(store)
    mentions, cascades, spread, deepest = query.cascade_counts(store)
    brand = configured_brand(config)
    window = last_week(store, brand)
    found = kpis.compute(store, config, window)["kpis"] if window is not None else {}
    return Analysis(scoring=scored, relinked=relinked, mentions=int(mentions), cascades=int(cascades),
                    spread=int(spread), deepest=int(deepest), window=window, kpis=found,
                    seconds=time.perf_counter() - started, brand=brand)
