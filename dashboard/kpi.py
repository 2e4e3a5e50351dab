"""KPI cards for the Overview: the metrics stage's KPIs (``viralscope.kpis``) and volume counts from SQL.

Every card is a dict with ``key, label, value, ci_low, ci_high, unit, status (ok|n/a), reason, window,
baseline, n, definition`` — the shape ``viralscope.kpis`` returns — so the page renders both the same way —
plus its scope: ``brand`` (the one brand it is about, None for all brands in view) and ``brands`` (the brands
a volume count covers, empty for all), and ``own_brand`` on the KPIs of the configured brand's own business data.
"""

from __future__ import annotations

from dashboard import queries
from dashboard.filters import Filters
from viralscope import kpi_registry, kpis
from viralscope.config import configured_brand
from viralscope.core.results import na
from viralscope.store import Store


def volume_kpis(store: Store, f: Filters, lang: str) -> list[dict]:
    """Counts of the window and of the equally long baseline before it (no model, no interval needed)."""
    with store.reader() as reader:  # one connection for both counts
        now, before = queries.totals(reader, f), {"mentions": queries.count_mentions(reader, f.baseline())}
    window, baseline = f.window, f.baseline().window

    def card(key: str, value: int, n: int, *, with_baseline: bool = True) -> dict:
        return {"key": key, "label": kpi_registry.label(key, lang), "value": value, "ci_low": None,
                "ci_high": None, "unit": kpi_registry.REGISTRY[key].unit, "status": "ok", "reason": None,
                "window": window, "baseline": baseline if with_baseline else None, "n": n,
                "definition": kpi_registry.definition(key, lang), "brand": None, "brands": list(f.brands)}

    return [
        card("mentions", now["mentions"], now["mentions"], with_baseline=False),
        card("baseline_mentions", before["mentions"], before["mentions"]),
        authors(card("authors", now["authors"], now["with_author"], with_baseline=False), now["mentions"], lang),
        card("reshares", now["shares"] + now["quotes"], now["mentions"], with_baseline=False),
        card("roots", now["roots"], now["mentions"], with_baseline=False),
    ]


def authors(card: dict, mentions: int, lang: str) -> dict:
    """Distinct authors is unknown, not 1, when the mentions carry no author id or name (an import without them)."""
    if mentions and not card["n"]:
        why = na("no_author_ids")
        card.update(status="n/a", value=None, reason=kpi_registry.reason(why, lang),
                    reason_code=why["reason_code"], reason_params=why["reason_params"])
    return card


#: The Overview's headline KPIs, in this order (the others go below them), and its response-time cards.
RESPONSE, HEADLINE = kpi_registry.RESPONSE, kpi_registry.OVERVIEW


def metric_args(f: Filters, config) -> tuple:
    """What the metric KPIs depend on: the window, its baseline, the brand (None: the configured brand) and
    the configuration (``queries.config``).

    The KPIs read neither the source, language nor sentiment filters, and the configured brand chosen by
    name is the default scope: such changes reuse the computed KPIs instead of recomputing them.
    """
    brand = f.brands[0] if len(f.brands) == 1 else None
    if brand is not None and config is not None and config.brand and brand == config.brand.name:
        brand = None
    return f.window, f.baseline().window, brand, config


def metric_kpis(store: Store, window, baseline, brand: str | None, config) -> list[dict]:
    """The metrics stage's KPIs of ``window`` against ``baseline`` (see :func:`metric_args`), headline first."""
    result = kpis.compute(store, config, window, baseline=baseline, brand=brand)
    own = configured_brand(config)
    brand = None if result.get("scope") == kpis.ALL_MENTIONS else result.get("brand")
    cards = {key: dict(k, brand=brand, brands=[],
                       own_brand=own if kpi_registry.REGISTRY[key].own_data else None)
             for key, k in result.get("kpis", {}).items()}
    return [cards.pop(k) for k in HEADLINE if k in cards] + list(cards.values())
