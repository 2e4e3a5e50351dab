"""The executive summary: the five KPIs that moved most against the week before, one sentence each.

Which KPIs can move: those that *are* a comparison of the week with the week before (or with what the week
before predicts), each with a 95% interval around "no change": the three mention lifts, the net sentiment
change, the conversion rate change, the CAC change and the incremental conversions. Levels (net sentiment,
share of voice, response times, …) are not compared with the week before by their KPI, so they are not
ranked; neither is viral ROI (a return on cost, whose zero is break-even, not "no change"). A KPI that is
n/a is never ranked.

How they are ranked ("moved most"):

1. first the changes whose 95% interval excludes no change (a clear change), then the others;
2. within each group by the standardized change ``|z|``: the estimate divided by its standard error, the
   standard error read off the interval as ``(high − low) / (2 × 1.96)``. Relative changes (lifts, CAC and
   conversion rate changes) are taken on the log scale, ``log(1 + x)``, where their intervals are symmetric;
   differences (net sentiment change, incremental conversions) as they are;
3. ties by the order of the KPIs in the registry.

So a +300% lift on six mentions with an interval from −40% to +900% ranks below a +12% lift on thousands of
mentions whose interval is +8% to +16%: "moved most" means most surely, then most.
"""

from __future__ import annotations

import math

import pandas as pd

from viralscope import kpi_registry
from viralscope.core.results import finite
from viralscope.reports.text import t

__all__ = ["CANDIDATES", "TOP", "rank", "sentence", "summary_table"]

#: How many KPIs the summary names.
TOP = 5
#: The KPIs that compare the week with the week before, and the scale their change is standardized on.
CANDIDATES = {"mention_lift": "log", "positive_mention_lift": "log", "negative_mention_lift": "log",
              "perception_change": "linear", "conversion_change": "log", "cac_change": "log",
              "incremental_conversions": "linear"}
Z95 = 1.959963984540054

SUMMARY_COLUMNS = ["rank", "kpi", "label", "sentence", "value", "ci_low", "ci_high", "unit", "clear", "z"]

#: What moved, by KPI and language: (rose, fell) templates over ``{brand}`` and ``{size}``.
_MOVES = {
    "mention_lift": {"en": ("Mentions{of} rose {size}", "Mentions{of} fell {size}"),
                     "ko": ("{brand}멘션이 {size} 늘었습니다", "{brand}멘션이 {size} 줄었습니다")},
    "positive_mention_lift": {"en": ("Positive mentions{of} rose {size}", "Positive mentions{of} fell {size}"),
                              "ko": ("{brand}긍정 멘션이 {size} 늘었습니다", "{brand}긍정 멘션이 {size} 줄었습니다")},
    "negative_mention_lift": {"en": ("Negative mentions{of} rose {size}", "Negative mentions{of} fell {size}"),
                              "ko": ("{brand}부정 멘션이 {size} 늘었습니다", "{brand}부정 멘션이 {size} 줄었습니다")},
    "perception_change": {"en": ("Net sentiment{about} rose by {size}", "Net sentiment{about} fell by {size}"),
                          "ko": ("{brand}순 감성이 {size} 올랐습니다", "{brand}순 감성이 {size} 내렸습니다")},
    "conversion_change": {"en": ("The conversion rate was {size} above the rate the week before predicts",
                                 "The conversion rate was {size} below the rate the week before predicts"),
                          "ko": ("전환율이 지난주로 예측한 전환율보다 {size} 높았습니다",
                                 "전환율이 지난주로 예측한 전환율보다 {size} 낮았습니다")},
    "cac_change": {"en": ("The cost of a new customer rose {size}", "The cost of a new customer fell {size}"),
                   "ko": ("신규 고객 한 명을 얻는 비용이 {size} 올랐습니다", "신규 고객 한 명을 얻는 비용이 {size} 내렸습니다")},
    "incremental_conversions": {
        "en": ("The week brought {size} more conversions than an ordinary week would have",
               "The week brought {size} fewer conversions than an ordinary week would have"),
        "ko": ("평소 같은 주보다 전환이 {size}건 더 많았습니다", "평소 같은 주보다 전환이 {size}건 더 적었습니다")},
}
_LEVEL = {"en": "{label} did not change", "ko": "{label}: 변화가 없었습니다"}
#: What ``kpi_registry.verdict`` of a change's interval says in a sentence.
_VERDICT = {"up": {"en": "a clear rise", "ko": "뚜렷한 증가"}, "down": {"en": "a clear fall", "ko": "뚜렷한 감소"},
            "flat": {"en": "no clear change", "ko": "뚜렷한 변화 없음"}}


def standardized(value: float, lo: float, hi: float, scale: str) -> float:
    """The change in units of its standard error (read off the 95% interval), on ``scale`` (log or linear)."""
    if scale == "log" and min(value, lo, hi) > -1:
        value, lo, hi = math.log1p(value), math.log1p(lo), math.log1p(hi)
    se = (hi - lo) / (2 * Z95)
    if se <= 0:
        return math.inf if value else 0.0
    return value / se


def rank(kpis: dict) -> tuple[list[dict], list[str]]:
    """The candidate KPIs of ``kpis`` (the ``kpis`` of ``kpis.compute``) in summary order, each with ``clear``
    and ``z``; and the keys of the candidates that are n/a (not ranked)."""
    ranked, skipped = [], []
    order = list(kpis)
    for key, scale in CANDIDATES.items():
        k = kpis.get(key)
        if k is None:
            continue
        if k["status"] != "ok" or any(finite(k[f]) is None for f in ("value", "ci_low", "ci_high")):
            skipped.append(key)
            continue
        value, lo, hi = float(k["value"]), float(k["ci_low"]), float(k["ci_high"])
        ranked.append({"key": key, "value": value, "ci_low": lo, "ci_high": hi, "unit": k["unit"],
                       "clear": kpi_registry.verdict(lo, hi) in ("up", "down"), "z": standardized(value, lo, hi, scale)})
    ranked.sort(key=lambda r: (not r["clear"], -abs(r["z"]), order.index(r["key"])))
    return ranked, skipped


def _number(v: float, unit: str, lang: str, *, signed: bool = True) -> str:
    text = kpi_registry.format_value(v, unit, lang, compact_style=unit == "minutes")
    if not signed:
        text = text.lstrip("+-")
    return text.replace("-", "−")


def sentence(row: dict, brand: str | None, lang: str = "en") -> str:
    """One KPI's move in one sentence with its interval, e.g. ``Mentions of Lumio rose 16.8% (95% interval
    −6.5% to +46.1%: no clear change).``"""
    lang = "ko" if lang == "ko" else "en"
    key, value, unit = row["key"], row["value"], row["unit"]
    if value == 0:
        head = _LEVEL[lang].format(label=kpi_registry.label(key, lang))
    else:
        size = _number(value, unit, lang, signed=False)
        template = _MOVES[key][lang][0 if value > 0 else 1]
        head = template.format(size=size, of=f" of {brand}" if brand else "", about=f" about {brand}" if brand else "",
                               brand=f"{brand} " if brand else "")
    verdict = _VERDICT[kpi_registry.verdict(row["ci_low"], row["ci_high"])][lang]
    lo, hi = _number(row["ci_low"], unit, lang), _number(row["ci_high"], unit, lang)
    interval = f"{t('ci_interval', lang)} {lo} {t('to', lang)} {hi}"
    return f"{head} ({interval}: {verdict})."


def summary_table(kpis: dict, brand: str | None, lang: str = "en") -> tuple[pd.DataFrame, list[str]]:
    """The summary as a table (rank, KPI, sentence, value and interval, clear, z) and the n/a candidates."""
    ranked, skipped = rank(kpis)
    rows = [{"rank": i, "kpi": r["key"], "label": kpi_registry.label(r["key"], lang),
             "sentence": sentence(r, brand, lang), "value": r["value"], "ci_low": r["ci_low"],
             "ci_high": r["ci_high"], "unit": r["unit"], "clear": r["clear"], "z": r["z"]}
            for i, r in enumerate(ranked[:TOP], start=1)]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS), skipped
