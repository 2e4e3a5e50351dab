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

from viralscope.core import __version__
from viralscope.core.times import utc
from viralscope.reports import charts
from viralscope.reports.build import WeeklyReport, n_text

__all__ = ["render_html"]

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
HEADERS = {
    "author_name": "author", "author_followers": "followers", "sentiment_label": "sentiment",
    "sentiment_compound": "score", "started_at": "started (UTC)", "created_at": "time (UTC)",
    "start": "start (UTC)", "end": "end (UTC)", "peak": "peak (UTC)", "first_alert_at": "first alert (UTC)",
    "descendants_per_1k_followers": "descendants / 1k followers", "depth_counts": "mentions per share order",
    "max_breadth": "max breadth", "structural_virality": "structural virality", "p_holm": "p (Holm)",
    "url": "link",
}
#: A link is drawn only for these; quotes and brackets in one are escaped like any attribute value.
_SAFE_URL = re.compile(r"^https?://[^\s/]+\S*$", re.I)


def _missing(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float | np.floating) and not math.isfinite(v)


def cell(v, column: str = "") -> str:
    """A value as the page shows it (text stays text: the template escapes it)."""
    if _missing(v):
        return "—"
    if isinstance(v, pd.Timestamp | dt.datetime):
        ts = utc(v)
        return ts.strftime("%Y-%m-%d %H:%M")
    if isinstance(v, dt.date):
        return v.strftime("%a %Y-%m-%d")
    if isinstance(v, bool | np.bool_):
        return "yes" if v else "no"
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
    return str(v)


def share_orders(v, shown: int = 6) -> str:
    """``{"1": 136, "2": 138, …}`` as ``1st 136 · 2nd 138 · …`` (the first ``shown`` share orders)."""
    try:
        counts = json.loads(v) if isinstance(v, str) else dict(v)
    except (TypeError, ValueError):
        return cell(v)
    items = sorted(((int(d), n) for d, n in counts.items()), key=lambda t: t[0])
    suffix = {1: "st", 2: "nd", 3: "rd"}
    text = " · ".join(f"{d}{suffix.get(d if d < 20 else d % 10, 'th')} {n:,}" for d, n in items[:shown])
    return text + (" · …" if len(items) > shown else "")


def safe_url(v) -> str | None:
    """The URL if it is a plain http(s) link, else None (never ``javascript:``, ``data:`` or the like)."""
    return v if isinstance(v, str) and _SAFE_URL.match(v) else None


def _rows(df: pd.DataFrame, name: str) -> dict:
    columns = [c for c in SHOWN.get(name, list(df.columns)) if c in df.columns]
    return {"columns": columns, "headers": [HEADERS.get(c, c.replace("_", " ")) for c in columns],
            "rows": [[(c, row[c]) for c in columns] for _, row in df.iterrows()]}


def _charts(report: WeeklyReport) -> dict:
    out = {}
    vol = report.tables["volume"]
    if len(vol):
        labels = [d.strftime("%a %d") for d in vol["date"]]
        split = int((vol["period"] == "previous week").sum())
        scored = vol["positive"].notna().any()
        if scored:
            parts = [p for p in ("positive", "neutral", "negative", "unscored")
                     if p != "unscored" or vol["unscored"].sum() > 0]
            series = [(p, [0.0 if _missing(x) else float(x) for x in vol[p]], COLORS[p]) for p in parts]
        else:
            series = [("mentions (not scored for sentiment)", [float(x) for x in vol["mentions"]], COLORS["unscored"])]
        out["volume"] = charts.bars("Mentions per day by sentiment", labels, series, split=split)
        if scored:
            net = [None if _missing(x) else float(x) for x in vol["net_sentiment"]]
            out["net_sentiment"] = charts.line("Net sentiment per day", labels,
                                               [("net sentiment", net, COLORS["this"])], lo=-1.0, hi=1.0,
                                               split=split)
    conv = report.tables["conversions"]
    if len(conv):
        labels = [d.strftime("%a %d") for d in conv["date"]]
        rate = [None if _missing(x) else float(x) for x in conv["conversion_rate"]]
        split = int((conv["period"] == "previous week").sum())
        out["conversions"] = charts.line("Conversion rate per day", labels,
                                         [("conversion rate", rate, COLORS["this"])], percent=True, split=split)
    return out


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("viralscope.reports", "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["cell"] = cell
    env.filters["safe_url"] = safe_url
    env.filters["share_orders"] = share_orders
    env.filters["n_text"] = n_text
    return env


def render_html(report: WeeklyReport) -> str:
    """The report as a self-contained HTML page (a string)."""
    k = report.kpis["kpis"]
    tables = {name: _rows(df, name) for name, df in report.tables.items() if name != "kpis"}
    return _environment().get_template("weekly.html.j2").render(
        r=report, kpis=k, tables=tables, charts=_charts(report),
        generated=report.generated_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        window=f"{report.window[0]:%Y-%m-%d} to {report.window[1] - pd.Timedelta(days=1):%Y-%m-%d}",
        baseline=f"{report.baseline[0]:%Y-%m-%d} to {report.baseline[1] - pd.Timedelta(days=1):%Y-%m-%d}",
        trait=report.trait_summary, version=__version__,
    )
