"""The report as one self-contained HTML page (jinja2 with autoescape; inline CSS and SVG; no script).

Mention text is hostile: it reaches the page only through jinja2's autoescape, never through ``Markup``;
links are drawn only for ``http(s)`` URLs. A Content-Security-Policy in the page forbids scripts and every
network fetch, so even a browser that found something executable would not run it or call out.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from viralscope import kpi_registry
from viralscope.core import __version__
from viralscope.core.times import utc
from viralscope.reports import charts, text
from viralscope.reports.build import WeeklyReport

__all__ = ["cell", "day", "kpi_display", "kpi_view", "render_html", "share_orders"]

COLORS = {"positive": "#2e7d32", "neutral": "#9e9e9e", "negative": "#c62828", "unscored": "#5c6bc0",
          "this": "#1565c0", "previous": "#90a4ae"}
#: Columns shown as percentages, signed scores, plain ratios and p-values.
PERCENT = {"share", "largest_fraction", "conversion_rate", "prevalence", "negative_share"}
SIGNED = {"net_sentiment", "sentiment_compound", "effect", "ci_low", "ci_high"}
RATIO = {"structural_virality", "auc", "auc_ci_low", "auc_ci_high", "ratio", "odds_ratio", "z",
         "descendants_per_1k_followers"}
PVALUE = {"p_value", "p_holm"}
#: The columns each HTML table shows (XLSX and CSV carry every column).
SHOWN = {
    "volume": ["date", "period", "mentions", "positive", "neutral", "negative", "unscored", "net_sentiment"],
    "cascades": ["rank", "source", "started_at", "size", "depth", "max_breadth", "structural_virality",
                 "depth_counts", "author_name", "author_followers", "sentiment_label", "text"],
    "trigger_accounts": ["rank", "source", "author_name", "followers", "reignitions", "descendants_triggered",
                         "largest_fraction", "cascades", "descendants_per_1k_followers"],
    "trigger_traits": ["trait", "description", "effect", "ci_low", "ci_high", "odds_ratio", "prevalence",
                       "p_holm", "significant"],
    "incidents": ["start", "end", "peak", "severity", "ratio", "channel", "driving_cascades", "emerging_terms",
                  "alerted_to", "first_alert_at"],
    "conversions": ["date", "period", "sessions", "conversions", "conversion_rate", "revenue", "spend",
                    "new_customers"],
    "themes": ["rank", "label", "terms", "documents", "share", "z"],
    "notable_mentions": ["tone", "rank", "created_at", "source", "author_name", "reach", "likes", "shares",
                         "replies", "sentiment_compound", "text", "url"],
}
#: Tables laid out to the page's width (``table-layout: fixed``): each column's share of the width, in %.
#: The text column takes what is left and wraps; its text is cut to ``FIT_TEXT`` characters here (the
#: XLSX and CSV carry the full cell).
FIT = {
    "cascades": {"rank": 4.5, "source": 5.5, "started_at": 8.5, "size": 5, "depth": 5, "max_breadth": 6,
                 "structural_virality": 6.5, "depth_counts": 11, "author_name": 9.5, "author_followers": 7.5,
                 "sentiment_label": 7},
    "notable_mentions": {"tone": 6.5, "rank": 4.5, "created_at": 8.5, "source": 5.5, "author_name": 9.5,
                         "reach": 7, "likes": 5, "shares": 5.5, "replies": 5.5, "sentiment_compound": 6.5, "url": 4},
    "incidents": {"start": 9, "end": 9, "peak": 9, "severity": 6, "ratio": 6, "channel": 6, "driving_cascades": 20,
                  "emerging_terms": 16, "alerted_to": 10, "first_alert_at": 9},
}
FIT_TEXT = 200
#: Data columns whose words are translated (periods, tones, channels, kinds).
WORDS = {"period", "tone", "sentiment_label", "channel", "kind"}
#: A link is drawn only for these; quotes and brackets in one are escaped like any attribute value.
_SAFE_URL = re.compile(r"^https?://[^\s/]+\S*$", re.I)


_WEEKDAYS_KO = "월화수목금토일"


def _missing(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float | np.floating) and not math.isfinite(v)


def day(d, lang: str = "en", *, year: bool = True) -> str:
    """A date with its weekday: ``Mon 2026-03-02`` / ``2026-03-02 (월)`` (``Mon 02`` / ``02 (월)`` without year)."""
    text = d.strftime("%Y-%m-%d" if year else "%d")
    return f"{text} ({_WEEKDAYS_KO[d.weekday()]})" if lang == "ko" else f"{d.strftime('%a')} {text}"


def cell(v, column: str = "", lang: str = "en") -> str:
    """A value as the page shows it (text stays text: the template escapes it)."""
    if _missing(v):
        return "—"
    if isinstance(v, pd.Timestamp | dt.datetime):
        ts = utc(v)
        return ts.strftime("%Y-%m-%d %H:%M")
    if isinstance(v, dt.date):
        return day(v, lang)
    if isinstance(v, bool | np.bool_):
        return text.value("yes" if v else "no", lang)
    if isinstance(v, int | np.integer):
        return f"{int(v):,}"
    if isinstance(v, float | np.floating):
        v = float(v)
        if column in PERCENT:
            return f"{v:.1%}"
        if column in SIGNED:
            return f"{v:+.2f}"
        if column in RATIO:
            return f"{v:.2f}"
        if column in PVALUE:
            return f"{v:.2g}"
        return f"{v:,.0f}" if v == int(v) else f"{v:,.2f}"
    if column in WORDS:
        return text.value(str(v), lang)
    return str(v)


def order_counts(v) -> list[tuple[int, int]] | None:
    """A cascade's mentions per share order (``{"1": 136, "2": 138}``, or its JSON text) as sorted ``(order,
    count)`` pairs; None when ``v`` is not such a mapping."""
    try:
        counts = json.loads(v) if isinstance(v, str) else v
        return sorted((int(d), n) for d, n in counts.items())
    except (TypeError, ValueError, AttributeError):
        return None


def share_orders(v, shown: int = 6, lang: str = "en") -> str:
    """``{"1": 136, "2": 138, …}`` as ``1st 136 · 2nd 138 · …`` (``1차 136 · 2차 138 · …``), the first ``shown``."""
    items = order_counts(v)
    if items is None:
        return cell(v)
    suffix = {1: "st", 2: "nd", 3: "rd"}

    def order(d: int) -> str:
        return f"{d}차" if lang == "ko" else f"{d}{suffix.get(d if d < 20 else d % 10, 'th')}"

    out = " · ".join(f"{order(d)} {n:,}" for d, n in items[:shown])
    return out + (" · …" if len(items) > shown else "")


def safe_url(v) -> str | None:
    """The URL if it is a plain http(s) link, else None (never ``javascript:``, ``data:`` or the like)."""
    return v if isinstance(v, str) and _SAFE_URL.match(v) else None


def _cut(v, limit: int):
    return v[: limit - 1] + "…" if isinstance(v, str) and len(v) > limit else v


def _rows(df: pd.DataFrame, name: str, lang: str) -> dict:
    columns = [c for c in SHOWN.get(name, list(df.columns)) if c in df.columns]
    fit = FIT.get(name)
    widths = None
    if fit is not None:
        rest = max(10.0, 100.0 - sum(fit.get(c, 0) for c in columns))
        widths = [fit.get(c, rest) for c in columns]
    if name == "trigger_traits" and "description" in df.columns:
        df = df.assign(description=[text.trait_description(tr, d, lang)
                                     for tr, d in zip(df["trait"], df["description"], strict=True)])
    rows = [[(c, _cut(row[c], FIT_TEXT) if fit is not None and c == "text" else row[c]) for c in columns]
            for _, row in df.iterrows()]
    return {"columns": columns, "headers": [text.header(c, lang, short=True) for c in columns], "rows": rows,
            "widths": widths}


def kpi_display(k: dict, lang: str = "en") -> str:
    """A KPI's value and 95% interval as the report writes it: the CLI's ``display`` in English, except that a
    duration goes through ``kpi_registry.format_value``'s hours and days (``4.1 h``, ``4.1시간``)."""
    if k["status"] != "ok" or k["value"] is None:
        return text.t("na", lang)
    if lang == "en" and k["unit"] != "minutes":
        return k["display"]
    currency = k.get("currency") or ""

    def fmt(v):
        return kpi_registry.format_value(v, k["unit"], lang, currency=currency, compact_style=k["unit"] == "minutes")

    shown = fmt(k["value"])
    if k["ci_low"] is not None and k["ci_high"] is not None:
        shown += f" ({text.t('ci', lang)} {fmt(k['ci_low'])} {text.t('to', lang)} {fmt(k['ci_high'])})"
    return shown


def kpi_view(kpis: dict, lang: str = "en") -> dict[str, dict]:
    """Each KPI in the report's language: label, what is shown, why n/a, what it was computed from, definition."""
    out = {}
    for key, k in kpis.items():
        known = key in kpi_registry.REGISTRY
        periods = []
        if k.get("window"):
            periods.append(f"{text.t('window', lang)} {k['window']['start'][:10]}..{k['window']['end'][:10]}")
        if k.get("baseline"):
            periods.append(f"{text.t('baseline', lang)} {k['baseline']['start'][:10]}..{k['baseline']['end'][:10]}")
        source = ", ".join(periods) + ("; " if periods else "") + f"n = {kpi_registry.n_text(k['n'], lang, na='n/a')}"
        reason = kpi_registry.reason(k, lang) if k["status"] != "ok" else None
        definition = k["definition"]
        if lang != "en" and known:
            definition = kpi_registry.definition(key, lang)
        out[key] = {"key": key, "status": k["status"], "label": kpi_registry.label(key, lang) if known else k["label"],
                    "shown": kpi_display(k, lang), "reason": reason, "source": source, "definition": definition}
    return out


def _charts(report: WeeklyReport) -> dict:
    lang = report.lang
    out = {}
    vol = report.tables["volume"]
    split_labels = (text.value("previous week", lang), text.value("this week", lang))
    if len(vol):
        labels = [day(d, lang, year=False) for d in vol["date"]]
        split = int((vol["period"] == "previous week").sum())
        scored = vol["positive"].notna().any()
        if scored:
            parts = [p for p in ("positive", "neutral", "negative", "unscored")
                     if p != "unscored" or vol["unscored"].sum() > 0]
            series = [(text.value(p, lang), [0.0 if _missing(x) else float(x) for x in vol[p]], COLORS[p])
                      for p in parts]
        else:
            series = [(text.t("series_unscored", lang), [float(x) for x in vol["mentions"]], COLORS["unscored"])]
        out["volume"] = charts.bars(text.t("chart_volume", lang), labels, series, split=split,
                                    split_labels=split_labels, y_title=text.t("axis_mentions", lang))
        if scored:
            net = [None if _missing(x) else float(x) for x in vol["net_sentiment"]]
            out["net_sentiment"] = charts.line(text.t("chart_net", lang), labels,
                                               [(text.t("series_net", lang), net, COLORS["this"])], lo=-1.0, hi=1.0,
                                               split=split, split_labels=split_labels,
                                               y_title=text.t("axis_net", lang))
    conv = report.tables["conversions"]
    if len(conv):
        labels = [day(d, lang, year=False) for d in conv["date"]]
        rate = [None if _missing(x) else float(x) for x in conv["conversion_rate"]]
        split = int((conv["period"] == "previous week").sum())
        out["conversions"] = charts.line(text.t("chart_conversion", lang), labels,
                                         [(text.t("series_conversion", lang), rate, COLORS["this"])], percent=True,
                                         split=split, split_labels=split_labels, y_title=text.t("axis_rate", lang))
    return out


def fit_css() -> str:
    """The column widths of the tables laid out to the page (``FIT``), as CSS rules (numbers only)."""
    rules = []
    for name, fit in FIT.items():
        columns = SHOWN[name]
        rest = max(10.0, 100.0 - sum(fit.get(c, 0) for c in columns))
        for i, c in enumerate(columns, start=1):
            rules.append(f"table.t-{name} col:nth-child({i}) {{ width: {fit.get(c, rest):.1f}%; }}")
    return "\n  ".join(rules)


def _environment(lang: str) -> Environment:
    env = Environment(loader=PackageLoader("viralscope.reports", "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["cell"] = lambda v, column="": cell(v, column, lang)
    env.filters["safe_url"] = safe_url
    env.filters["share_orders"] = lambda v: share_orders(v, lang=lang)
    env.filters["say"] = lambda v: text.say(v, lang)
    env.globals["t"] = lambda key, **kw: text.t(key, lang, **kw)
    return env


def render_html(report: WeeklyReport) -> str:
    """The report as a self-contained HTML page (a string), in the report's language."""
    lang = report.lang
    k = report.kpis["kpis"]
    tables = {name: _rows(df, name, lang) for name, df in report.tables.items() if name not in ("kpis", "summary")}
    incidents = report.section("incidents")
    if incidents.status != "ok" and "crisis_incidents" in k:
        incidents_reason = kpi_registry.reason(k["crisis_incidents"], lang)
    else:
        incidents_reason = None
    unranked = ", ".join(kpi_registry.label(key, lang) for key in report.unranked)
    return _environment(lang).get_template("weekly.html.j2").render(
        r=report, lang=lang, kpis=kpi_view(k, lang), tables=tables, charts=_charts(report),
        summary=list(report.tables["summary"]["sentence"]), unranked=unranked, incidents_reason=incidents_reason,
        scope=text.say(report.scope, lang), authors=text.say(report.authors, lang),
        generated=report.generated_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        window=f"{report.window[0]:%Y-%m-%d} {text.t('to', lang)} {report.window[1] - pd.Timedelta(days=1):%Y-%m-%d}",
        baseline=f"{report.baseline[0]:%Y-%m-%d} {text.t('to', lang)} "
                 f"{report.baseline[1] - pd.Timedelta(days=1):%Y-%m-%d}",
        trait=report.trait_summary, version=__version__, text_limit=FIT_TEXT, fit_css=Markup(fit_css()),
    )
