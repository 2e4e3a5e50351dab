"""The KPIs of a window, computed once for the CLI, the dashboard and the weekly report alike.

``compute(store, config, window, baseline=None, brand=None)`` counts what SQL can count in DuckDB (mentions
per hour and label, cascade sizes, followers, the daily business table), hands those small frames to the
pure functions of ``metrics`` and returns a JSON-able dict. Each KPI says what it is computed from: its
window, baseline, n and a one-line definition; a KPI that cannot be computed is ``"n/a"`` with the reason,
never NaN or infinity.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd

import metrics
from metrics._common import default_baseline, interval, utc
from metrics.lift import HISTORY_DAYS, MIN_REFERENCE_DAYS
from metrics.response import QUESTION_PATTERN
from viralscope.errors import InputError, Problem

#: Days of history before a window that crisis detection reads (its baseline plus the first week).
CRISIS_HISTORY_DAYS = 35
NOT_SCORED = "the mentions are not scored for sentiment yet (run viralscope analyze)"
#: KPIs that mean nothing before the sentiment stage has labelled the mentions.
UNSCORED_NA = ("positive_mention_lift", "negative_mention_lift", "net_sentiment", "perception_change",
               "amplification_asymmetry", "crisis_incidents")
DEFAULT_CPM = 5.0

DEFINITIONS = {
    "mention_lift": ("Mention lift", "change",
                     "mentions per day in the window ÷ mentions per day in the baseline − 1; 95% interval from "
                     "Poisson counting plus the day-to-day variation and autocorrelation of the baseline's days (and "
                     "of the 28 days before a baseline shorter than 14 days); n/a from a base under 10 mentions"),
    "positive_mention_lift": ("Positive mention lift", "change",
                              "the mention lift of mentions labelled positive"),
    "negative_mention_lift": ("Negative mention lift", "change",
                              "the mention lift of mentions labelled negative"),
    "net_sentiment": ("Net sentiment", "score",
                      "(positive − negative) ÷ (positive + negative) in the window; Wilson interval"),
    "perception_change": ("Net sentiment change", "points",
                          "net sentiment in the window − net sentiment in the baseline; Newcombe interval"),
    "share_of_voice": ("Share of voice", "share",
                       "the brand's mentions ÷ all tracked brands' mentions in the window; Wilson interval"),
    "mean_max_share_depth": ("Mean maximum share depth", "hops",
                             "mean over cascades rooted in the window with ≥ 2 mentions of their deepest share order "
                             "(what a dashboard's \"average share depth\" usually means); bootstrap interval over "
                             "cascades"),
    "mean_share_order": ("Mean share order", "hops",
                         "mean order of every share of the cascades rooted in the window (1 = a direct reshare of the "
                         "original post); bootstrap interval resampling whole cascades"),
    "amplification_asymmetry": ("Amplification asymmetry", "ratio",
                                "mean cascade size of negative-rooted ÷ positive-rooted posts in the window, the "
                                "brand's own accounts left out of the size and of the roots; bootstrap interval"),
    "conversion_change": ("Conversion rate change", "change",
                          "conversion rate in the window ÷ its counterfactual rate (fitted on the baseline with "
                          "day of week and trend, leaving out days of configured campaigns) − 1; interval from "
                          "the day-to-day variation of the rate, allowing for autocorrelated days"),
    "cac_change": ("CAC change", "change", "(spend ÷ new customers) in the window ÷ the same in the baseline "
                   "(without days of configured campaigns) − 1; interval allowing for autocorrelated days"),
    "incremental_conversions": ("Incremental conversions", "count",
                                "conversions in the window − counterfactual sessions × counterfactual rate (both "
                                "fitted on the baseline with day of week and trend, leaving out days of configured "
                                "campaigns): the campaign's extra traffic counts as well as its better rate"),
    "viral_roi": ("Viral ROI", "change",
                  "(incremental conversions × value per conversion − campaign cost in the window) ÷ that cost; the "
                  "cost is prorated to the window's days inside the campaign; the interval of the incremental "
                  "conversions carried through"),
    "earned_media_value": ("Earned media value (estimate)", "currency",
                           "estimated impressions (followers of each mention's author) × CPM ÷ 1000"),
    "response_answer_rate": ("Answer rate", "share",
                             "share of complaints and questions old enough to be final with a brand account's "
                             "reply in their thread within that time; Wilson interval"),
    "response_time_median": ("Median response time (answered)", "minutes",
                             "median time from a complaint or question to the first brand-account reply in its "
                             "thread, among those answered; bootstrap interval"),
    "response_time_p90": ("Response time P90 (answered)", "minutes",
                          "time within which 90% of the answered complaints and questions had their first brand "
                          "reply; bootstrap interval"),
    "answered_within_1h": ("Answered within 1 hour", "share",
                           "share of all complaints and questions with a brand reply within 60 minutes; Wilson "
                           "interval"),
    "crisis_incidents": ("Crisis incidents", "count",
                         "incidents in the window: hours whose negative mentions (count or share) are far and "
                         "significantly above the seasonal baseline"),
}


# -- windows -----------------------------------------------------------------------------------------


def parse_period(text: str, what: str = "--window") -> tuple[pd.Timestamp, pd.Timestamp]:
    """``START..END`` (ISO dates or datetimes; naive means UTC) as a half-open UTC interval."""
    parts = str(text).split("..")
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        raise InputError(Problem(what, None, None, f"{text!r} is not START..END (e.g. 2026-02-02..2026-02-16)"))
    bounds = []
    for part in parts:
        try:
            bounds.append(utc(dt.datetime.fromisoformat(part.strip())))
        except ValueError:
            raise InputError(Problem(what, None, None, f"{part.strip()!r} is not an ISO date or datetime")) from None
    return interval(tuple(bounds), what)


def _period(p) -> dict | None:
    return None if p is None else {"start": p[0].isoformat(), "end": p[1].isoformat()}


# -- JSON ----------------------------------------------------------------------------------------------


def jsonable(obj):
    """Plain JSON types only: NaN and infinity become None, times become ISO strings."""
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | np.ndarray):
        return [jsonable(v) for v in obj]
    if isinstance(obj, pd.Timestamp | dt.datetime | dt.date):
        return obj.isoformat()
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return float(obj) if math.isfinite(obj) else None
    if obj is None or isinstance(obj, str):
        return obj
    if obj is pd.NA or obj is pd.NaT:
        return None
    return str(obj)


def _display(value, lo, hi, unit: str, currency: str = "") -> str:
    def fmt(x):
        if unit == "change":
            return f"{x * 100:+.1f}%"
        if unit == "share":
            return f"{x * 100:.1f}%"
        if unit in ("score", "points"):
            return f"{x:+.2f}"
        if unit == "ratio":
            return f"{x:.2f}×"
        if unit == "hops":
            return f"{x:.2f}"
        if unit == "minutes":
            return f"{x:.0f} min"
        if unit == "currency":
            return f"{x:,.0f} {currency}".strip()
        return f"{x:,.0f}"

    if value is None:
        return "n/a"
    text = fmt(value)
    if lo is not None and hi is not None:
        text += f" (95% CI {fmt(lo)} to {fmt(hi)})"
    return text


def _kpi(key, result: dict, *, window, baseline, n, value_key="estimate", lo_key="ci_low", hi_key="ci_high",
         currency="", extra_definition="") -> dict:
    label, unit, definition = DEFINITIONS[key]
    status = result.get("status", "n/a")
    value = result.get(value_key) if status == "ok" else None
    lo = result.get(lo_key) if status == "ok" and lo_key else None
    hi = result.get(hi_key) if status == "ok" and hi_key else None
    if status == "ok" and value is None:
        status = "n/a"
    details = {k: v for k, v in result.items() if k not in ("estimate", "ci_low", "ci_high", "status", "reason")}
    out = {
        "key": key, "label": label, "value": value, "ci_low": lo, "ci_high": hi, "unit": unit,
        "status": status, "reason": None if status == "ok" else (result.get("reason") or "not computable"),
        "window": _period(window), "baseline": _period(baseline), "n": n,
        "definition": definition + extra_definition, "display": _display(value, lo, hi, unit, currency),
        "details": details,
    }
    return jsonable(out)


# -- scope ---------------------------------------------------------------------------------------------


def scope(store, config, brand: str | None) -> tuple[str, list, str | None, str]:
    """SQL condition for the mentions the KPIs are about, its parameters, the brand and a description."""
    if brand:
        return "brand = ?", [brand], brand, f"mentions of {brand}"
    name = config.brand.name if config is not None and config.brand else None
    if name and store.scalar("SELECT count(*) FROM mentions WHERE brand = ?", [name]):
        return "brand = ?", [name], name, f"mentions of {name}"
    return "TRUE", [], name, "all mentions"


def _hourly_labels(store, cond, params, start, end, origin) -> pd.DataFrame:
    """Mentions per bin and label; bins of an hour (or a minute when a bound is not on the hour grid)."""
    width = "1 hour"
    bounds = [b for b in (start, end)]
    if any(((b - origin) % pd.Timedelta(hours=1)) != pd.Timedelta(0) for b in bounds):
        width = "1 minute"
    return store.query(
        f"""SELECT time_bucket(INTERVAL '{width}', created_at, ?::TIMESTAMP) AS created_at,
                   coalesce(sentiment_label, 'unscored') AS sentiment_label, count(*) AS count
            FROM mentions WHERE created_at >= ? AND created_at < ? AND {cond}
            GROUP BY ALL ORDER BY 1""",  # noqa: S608 - cond is one of the fixed conditions of scope
        [_naive(origin), _naive(start), _naive(end), *params],
    )


def _naive(ts: pd.Timestamp) -> dt.datetime:
    """DuckDB's TIMESTAMP column holds UTC without a zone: compare with naive UTC datetimes."""
    return ts.tz_convert("UTC").tz_localize(None).to_pydatetime()


# -- the KPIs ------------------------------------------------------------------------------------------


def compute(store, config, window, baseline=None, brand: str | None = None, *, now=None) -> dict:
    """Every KPI of ``window`` against ``baseline`` (default: the equally long period just before).

    ``window``/``baseline`` are ``(start, end)`` pairs or ``"START..END"`` strings. ``brand`` restricts the
    mentions to one tracked brand (default: the configured brand when mentions carry it, else all).
    """
    window = parse_period(window) if isinstance(window, str) else interval(window)
    if baseline is None:
        baseline = default_baseline(window)
    else:
        baseline = parse_period(baseline, "--baseline") if isinstance(baseline, str) else interval(baseline, "baseline")
    store.ensure()
    with store.reader() as reader:
        return _compute(reader, config, window, baseline, brand, now)


def _compute(store, config, window, baseline, brand, now) -> dict:
    cond, params, brand_name, described = scope(store, config, brand)
    start, end = min(window[0], baseline[0]), max(window[1], baseline[1])
    if baseline[1] - baseline[0] < pd.Timedelta(days=MIN_REFERENCE_DAYS):
        start = min(start, baseline[0] - pd.Timedelta(days=HISTORY_DAYS))  # a short baseline's day-to-day variation
    labels = _hourly_labels(store, cond, params, start, end, window[0])
    ctx = {"window": window, "baseline": baseline}

    def n_of(period):
        if labels.empty:
            return 0
        t = labels["created_at"]
        return int(labels.loc[(t >= period[0]) & (t < period[1]), "count"].sum())

    nw, nb = n_of(window), n_of(baseline)
    n_pair = {"window": nw, "baseline": nb}
    kpis = {}
    for key, label in (("mention_lift", None), ("positive_mention_lift", "positive"),
                       ("negative_mention_lift", "negative")):
        r = metrics.mention_lift(labels, window, baseline, label=label) if not labels.empty else \
            _empty("no mentions in the window or the baseline")
        kpis[key] = _kpi(key, r, n={"window": r.get("n_window", nw), "baseline": r.get("n_baseline", nb)}, **ctx)

    r = metrics.net_sentiment(labels, window) if not labels.empty else _empty("no mentions in the window")
    kpis["net_sentiment"] = _kpi("net_sentiment", r, window=window, baseline=None, n=r.get("n", 0))
    r = metrics.perception_change(labels, window, baseline) if not labels.empty else _empty("no mentions")
    kpis["perception_change"] = _kpi("perception_change", r, n={"window": r.get("n_window", 0),
                                                                "baseline": r.get("n_baseline", 0)}, **ctx)
    kpis["share_of_voice"] = _share_of_voice(store, config, brand_name, window)
    kpis.update(_cascade_kpis(store, config, brand_name, cond, params, window))
    kpis.update(_business_kpis(store, config, window, baseline))
    kpis["earned_media_value"] = _earned_media(store, config, cond, params, window)
    kpis.update(_response_kpis(store, config, brand_name, cond, params, window, now))
    kpis["crisis_incidents"] = _crisis_kpi(store, config, brand_name, cond, params, window, now)
    if not labels.empty and not (labels["sentiment_label"] != "unscored").any():
        # Without labels, "no positive mentions" would be true but misleading: say what is missing.
        for key in UNSCORED_NA:
            kpis[key] = _kpi(key, _empty(NOT_SCORED), window=window, n=0,
                             baseline=kpis[key]["baseline"] and baseline)
    return jsonable({
        "window": _period(window), "baseline": _period(baseline), "brand": brand_name, "scope": described,
        "n": n_pair, "kpis": kpis,
    })


def _empty(reason: str) -> dict:
    return {"status": "n/a", "reason": reason, "estimate": None}


def _share_of_voice(store, config, brand_name, window) -> dict:
    tracked = [b.name for b in config.brands] if config is not None else []
    if not brand_name or len(tracked) < 2:
        r = _empty("share of voice needs a brand and at least one competitor in the configuration")
        return _kpi("share_of_voice", r, window=window, baseline=None, n=0)
    marks = ", ".join("?" for _ in tracked)
    counts = store.query(
        f"""SELECT min(created_at) AS created_at, brand, count(*) AS count FROM mentions
            WHERE created_at >= ? AND created_at < ? AND brand IN ({marks})
            GROUP BY brand, date_trunc('day', created_at)""",  # noqa: S608 - placeholders only
        [_naive(window[0]), _naive(window[1]), *tracked],
    )
    r = metrics.share_of_voice(counts, brand_name, window, brands=tracked)
    return _kpi("share_of_voice", r, window=window, baseline=None, n=r.get("n", 0))


def _account_match(accounts, prefix: str = "") -> tuple[str, list]:
    """SQL true for a mention written by one of ``accounts`` (author id or name, ``@`` and case ignored)."""
    if not accounts:
        return "false", []
    pattern = "^@?(" + "|".join(re.escape(str(a).strip().lstrip("@").lower()) for a in accounts) + ")$"
    return (f"coalesce(regexp_full_match({prefix}author_id, ?, 'i') OR regexp_full_match({prefix}author_name, ?, 'i'), "
            "false)"), [pattern, pattern]


def _cascade_kpis(store, config, brand_name, cond, params, window) -> dict:
    built = store.scalar("SELECT count(*) FROM mentions WHERE cascade_id IS NOT NULL") or 0
    accounts = list(config.accounts_of(brand_name)) if config is not None else []
    own, own_params = _account_match(accounts, "m.")
    root_own, root_params = _account_match(accounts)
    cascades = store.query(
        f"""WITH roots AS (
                SELECT source, id, sentiment_label, {root_own} AS by_brand FROM mentions
                WHERE coalesce(depth, 0) = 0 AND created_at >= ? AND created_at < ? AND {cond})
            SELECT r.sentiment_label, r.by_brand, count(m.id) AS members,
                   count(m.id) FILTER (WHERE NOT {own}) AS size, coalesce(max(m.depth), 0) AS depth,
                   count(m.id) FILTER (WHERE m.depth >= 1) AS shares,
                   coalesce(sum(m.depth) FILTER (WHERE m.depth >= 1), 0) AS share_order_sum
            FROM roots r JOIN mentions m ON m.source = r.source AND m.cascade_id = r.id
            GROUP BY r.source, r.id, r.sentiment_label, r.by_brand""",  # noqa: S608 - cond is fixed by scope
        [*root_params, _naive(window[0]), _naive(window[1]), *params, *own_params],
    )
    if not built:
        depth = order = asym = _empty("cascades are not built yet (import or analyze the mentions)")
    elif cascades.empty:
        depth = order = asym = _empty("no original posts in the window")
    else:
        # Depth is about the whole tree (every member), the asymmetry about the people a post reached.
        depth = metrics.mean_max_share_depth(cascades.assign(size=cascades["members"]))
        order = metrics.mean_share_order(cascades)
        asym = metrics.amplification_asymmetry(cascades)
    note = f" ({len(accounts)} brand accounts configured)" if accounts else " (no brand accounts configured)"
    return {
        "mean_max_share_depth": _kpi("mean_max_share_depth", depth, window=window, baseline=None,
                                     n=int(depth.get("n") or 0)),
        "mean_share_order": _kpi("mean_share_order", order, window=window, baseline=None,
                                 n={"shares": int(order.get("n") or 0), "cascades": int(order.get("cascades") or 0)}),
        "amplification_asymmetry": _kpi(
            "amplification_asymmetry", asym, window=window, baseline=None, extra_definition=note,
            n={"negative": asym.get("n_negative", 0), "positive": asym.get("n_positive", 0)}),
    }


def _campaign(config, window):
    """The one configured campaign that overlaps the window most (None when none does)."""
    best, overlap = None, pd.Timedelta(0)
    for c in (config.campaigns if config is not None else ()):
        a, b = max(utc(c.start), window[0]), min(utc(c.end), window[1])
        if b - a > overlap:
            best, overlap = c, b - a
    return best


def _without_campaign_baseline(daily: pd.DataFrame, config, window, baseline) -> tuple[pd.DataFrame, int]:
    """``daily`` without the baseline days that a configured campaign covers, and how many were left out.

    The counterfactual of the window is "no campaign": a baseline holding a campaign's lifted days (and the
    trend they bend) would make an ordinary period after it look like a change. Days of the window stay.
    """
    if daily.empty or config is None or not config.campaigns:
        return daily, 0
    dates = daily["date"]
    covered = np.zeros(len(daily), bool)
    for c in config.campaigns:
        a, b = max(utc(c.start), baseline[0]), min(utc(c.end), baseline[1])
        if a < b:
            covered |= ((dates >= a) & (dates < b)).to_numpy()
    covered &= ~((dates >= window[0]) & (dates < window[1])).to_numpy()
    return daily[~covered], int(covered.sum())


def _business_kpis(store, config, window, baseline) -> dict:
    daily = store.query(
        "SELECT * FROM conversions WHERE date >= ? AND date < ? ORDER BY date",
        [_naive(min(window[0], baseline[0]).floor("D")), _naive(max(window[1], baseline[1]))],
    )
    daily, left_out = _without_campaign_baseline(daily, config, window, baseline)
    note = f"; {left_out} baseline days of configured campaigns left out" if left_out else ""
    out = {}
    if daily.empty:
        change = _empty("no conversion data (import-conversions) in the window or the baseline")
    else:
        change = dict(metrics.conversion_change(daily, window, baseline), baseline_days_left_out=left_out)
    cac = _empty("no spend or new-customer data") if daily.empty or "spend" not in daily else \
        dict(metrics.cac_change(daily, window, baseline), baseline_days_left_out=left_out)
    why = f" ({left_out} baseline days fall in a configured campaign and were left out: choose a baseline before it)"
    if left_out:
        for r in (change, cac):
            if r.get("status") != "ok" and "baseline" in str(r.get("reason")):
                r["reason"] += why
    out["conversion_change"] = _kpi(
        "conversion_change", change, window=window, baseline=baseline, extra_definition=note,
        n={"days_window": change.get("n_days_window", 0), "days_baseline": change.get("n_days_baseline", 0),
           "sessions_window": change.get("sessions_window", 0)},
    )
    out["cac_change"] = _kpi("cac_change", cac, window=window, baseline=baseline, extra_definition=note,
                             n={"new_customers_window": cac.get("new_customers_window", 0),
                                "new_customers_baseline": cac.get("new_customers_baseline", 0)})
    inc = change if daily.empty else dict(metrics.incremental_conversions(daily, window, baseline),
                                          baseline_days_left_out=left_out)
    if left_out and inc.get("status") != "ok" and "baseline" in str(inc.get("reason")) and why not in inc["reason"]:
        inc["reason"] += why
    days_n = {"days_window": inc.get("n_days_window", 0), "days_baseline": inc.get("n_days_baseline", 0)}
    out["incremental_conversions"] = _kpi("incremental_conversions", inc, window=window, baseline=baseline,
                                          extra_definition=note, n=days_n)
    campaign = _campaign(config, window)
    note = ""
    if campaign is None:
        roi = _empty("no configured campaign overlaps the window")
    else:
        cost, share = metrics.prorated_cost(campaign.cost, (campaign.start, campaign.end), window)
        vpc, note = campaign.value_per_conversion, f"; campaign {campaign.name}"
        if cost is not None and share < 1:
            note += (f"; cost {cost:,.0f} {campaign.currency} = {share:.0%} of the campaign's {campaign.cost:,.0f} "
                     "(the window's share of its days)")
        if vpc is None and not daily.empty and daily["revenue"].notna().any():
            b = daily[(daily["date"] >= baseline[0]) & (daily["date"] < baseline[1])]
            if b["conversions"].sum() > 0 and b["revenue"].notna().any():
                vpc = float(b["revenue"].sum() / b["conversions"].sum())
                note += f"; value per conversion = baseline revenue per conversion ({vpc:.2f})"
        roi = metrics.viral_roi(inc, cost=cost, value_per_conversion=vpc)
        roi["campaign"] = campaign.name
        roi["campaign_share_in_window"] = share
    out["viral_roi"] = _kpi("viral_roi", roi, window=window, baseline=baseline, n=days_n, extra_definition=note,
                            currency=campaign.currency if campaign else "")
    return out


def _earned_media(store, config, cond, params, window) -> dict:
    row = store.query(
        f"""SELECT coalesce(sum(author_followers), 0) AS author_followers, count(*) AS count FROM mentions
            WHERE created_at >= ? AND created_at < ? AND {cond}""",  # noqa: S608 - cond is fixed by scope
        [_naive(window[0]), _naive(window[1]), *params],
    )
    settings = (config.raw.get("metrics", {}) if config is not None else {}) or {}
    cpm = float(settings.get("cpm", DEFAULT_CPM))
    currency = str(settings.get("currency", "USD"))
    r = metrics.earned_media_value(row, cpm=cpm, reach_rate=float(settings.get("reach_rate", 1.0)))
    return _kpi("earned_media_value", r, window=window, baseline=None, n=int(row["count"].iat[0]),
                currency=currency, extra_definition=f" (CPM {cpm:g} {currency}, configurable as [metrics] cpm)")


def first_brand_replies(store, accounts, cond: str, params, window, end) -> pd.DataFrame:
    """The window's complaints and questions with their first brand reply, found in SQL.

    What ``metrics.response_times`` does over a frame of mentions, done where the mentions are: an item is a
    negative mention or a question (``metrics.response.QUESTION_PATTERN``) by someone other than the brand,
    not a bare reshare, created in ``window``; its reply is the earliest non-reshare mention by a brand account
    (``accounts``: ids or names, ``@`` and case ignored) that descends from it and is created after it and no
    later than ``end``. Returns ``created_at, replied_at (NaT when unanswered), complaint, question`` for
    ``metrics.response_summary``.
    """
    (brand, account_params), (brand_m, _) = _account_match(accounts), _account_match(accounts, "m.")
    return store.query(
        f"""WITH RECURSIVE items AS MATERIALIZED (
                SELECT source, id, cascade_id, created_at, question, sentiment_label = 'negative' AS complaint
                FROM (SELECT source, id, cascade_id, created_at, sentiment_label,
                             coalesce(regexp_matches(text, ?, 'i'), false) AS question
                      FROM mentions
                      WHERE created_at >= ? AND created_at < ? AND {cond} AND kind <> 'share'
                        AND NOT {brand})
                WHERE sentiment_label = 'negative' OR question),
            -- Only the threads holding an item can hold its answer, and an answer and the replies between
            -- it and the item come after the item, so after the window's start.
            thread AS MATERIALIZED (
                SELECT m.source, m.id, m.created_at, m.parent_resolved,
                       m.kind <> 'share' AND {brand_m} AS by_brand
                FROM mentions m SEMI JOIN items i ON m.source = i.source AND m.cascade_id = i.cascade_id
                WHERE m.created_at >= ? AND m.created_at <= ?),
            -- Every ancestor of every brand reply (the step bound only guards against a cycle of links).
            up(source, ancestor, replied, step) AS (
                SELECT source, parent_resolved, created_at, 1 FROM thread
                WHERE by_brand AND parent_resolved IS NOT NULL
                UNION ALL
                SELECT u.source, t.parent_resolved, u.replied, u.step + 1
                FROM up u JOIN thread t ON t.source = u.source AND t.id = u.ancestor
                WHERE t.parent_resolved IS NOT NULL AND u.step < 10000)
            SELECT i.created_at, min(u.replied) AS replied_at, i.complaint, i.question
            FROM items i LEFT JOIN up u ON u.source = i.source AND u.ancestor = i.id AND u.replied > i.created_at
            GROUP BY i.source, i.id, i.created_at, i.complaint, i.question""",  # noqa: S608 - fixed conditions
        [QUESTION_PATTERN, _naive(window[0]), _naive(window[1]), *params, *account_params, *account_params,
         _naive(window[0]), _naive(end)],
    )


def response_final_after(config) -> str:
    """How old a complaint or question must be to count (``[metrics] response_final_hours``, default 48)."""
    settings = (config.raw.get("metrics", {}) if config is not None else {}) or {}
    hours = settings.get("response_final_hours", 48)
    if isinstance(hours, bool) or not isinstance(hours, int | float) or hours <= 0:
        raise InputError(Problem(config.origin, None, "metrics.response_final_hours",
                                 f"{hours!r} is not a positive number of hours"))
    return f"{float(hours):g}h"


def _response_kpis(store, config, brand_name, cond, params, window, now) -> dict:
    # The accounts of the brand in scope: a competitor's complaints wait for the competitor's replies.
    accounts = list(config.accounts_of(brand_name)) if config is not None else []
    competitor = config is not None and brand_name in {b.name for b in config.competitors}
    final_after = response_final_after(config)
    if not accounts:
        r = _empty(f"no accounts of {brand_name} are configured ([[competitors]] accounts)" if competitor
                   else "no brand accounts are configured ([brand] accounts)")
    else:
        last = store.scalar("SELECT max(created_at) FROM mentions")
        end = utc(now) if now is not None else (utc(last) if last is not None else window[1])
        items = first_brand_replies(store, accounts, cond, params, window, end)
        r = metrics.response_summary(items, now=end, final_after=final_after) if len(items) else \
            _empty("no complaints or questions in the window")
    n = {"final": int(r.get("n") or 0), "answered": int(r.get("n_answered") or 0)}
    note = f" (items at least {final_after} old; [metrics] response_final_hours)"

    def part(estimate, lo, hi, **missing):
        if r.get(estimate) is None or not n["final"]:
            reason = r.get("reason") or "not computable"
            return dict(r, estimate=None, status="n/a", reason=missing.get("reason", reason))
        return dict(r, estimate=r[estimate], ci_low=r.get(lo), ci_high=r.get(hi), status="ok", reason=None)

    return {
        "response_answer_rate": _kpi("response_answer_rate", part("answer_rate", "answer_rate_ci_low",
                                                                  "answer_rate_ci_high"),
                                     window=window, baseline=None, n=n["final"], extra_definition=note),
        "response_time_median": _kpi("response_time_median", r, window=window, baseline=None, n=n,
                                     extra_definition=note),
        "response_time_p90": _kpi("response_time_p90", part("p90_minutes", "p90_ci_low", "p90_ci_high"),
                                  window=window, baseline=None, n=n, extra_definition=note),
        "answered_within_1h": _kpi("answered_within_1h", part("share_within", "share_within_ci_low",
                                                              "share_within_ci_high"),
                                   window=window, baseline=None, n=n["final"], extra_definition=note),
    }


def hourly_for_crises(store, cond: str = "TRUE", params=(), *, since, until, threads: bool = True) -> pd.DataFrame:
    """Hourly mentions per label in ``[since, until)`` — what ``metrics.detect_crises`` needs, counted in SQL
    (and, summed over labels, what ``volume_spikes`` needs). With ``threads``, the negative rows also carry
    ``largest_cascade``: the negative mentions of the hour's largest cascade (a mention without one is its own),
    which lets ``detect_crises`` report a burst of many threads in its first hour."""
    where = f"FROM mentions WHERE created_at >= ? AND created_at < ? AND {cond}"
    args = [_naive(since), _naive(until), *params]
    counts = f"""SELECT date_trunc('hour', created_at) AS created_at, coalesce(sentiment_label, 'unscored')
                        AS sentiment_label, count(*) AS count {where} GROUP BY ALL"""
    if not threads:
        return store.query(f"{counts} ORDER BY 1", args)  # noqa: S608 - cond is fixed by the caller
    return store.query(
        f"""WITH counts AS ({counts}),
                 threads AS (SELECT created_at, max(n) AS largest_cascade FROM (
                     SELECT date_trunc('hour', created_at) AS created_at, source, coalesce(cascade_id, id), count(*) AS n
                     {where} AND sentiment_label = 'negative' GROUP BY ALL) GROUP BY ALL)
            SELECT c.*, CASE WHEN c.sentiment_label = 'negative' THEN coalesce(t.largest_cascade, 0) END
                   AS largest_cascade
            FROM counts c LEFT JOIN threads t ON c.created_at = t.created_at ORDER BY 1""",  # noqa: S608 - as above
        args + args,
    )


def detection_settings(config, kind: str, brand: str | None) -> dict:
    """The detector settings of ``[alerts.<kind>]`` for ``brand`` (none without a configuration)."""
    return dict(config.detection(kind, brand).settings) if config is not None else {}


def volume_spikes(hourly: pd.DataFrame, *, now=None, **settings) -> pd.DataFrame:
    """``metrics.detect_spikes`` over all the mentions of ``hourly`` (rows of ``hourly_for_crises``), each spike
    with the share of its mentions that are negative (``negative_share``; None where nothing is scored)."""
    if hourly.empty:
        return metrics.detect_spikes(pd.Series([], dtype=float, index=pd.DatetimeIndex([], tz="UTC")), **settings)
    t = pd.to_datetime(hourly["created_at"], utc=True)
    counts = hourly["count"].astype(float).groupby(t).sum()
    found = metrics.detect_spikes(counts, now=now, **settings)
    scored = hourly[hourly["sentiment_label"] != "unscored"]
    shares = []
    for row in found.itertuples():
        inside = scored[(pd.to_datetime(scored["created_at"], utc=True) >= row.start)
                        & (pd.to_datetime(scored["created_at"], utc=True) < row.end)]
        n = float(inside["count"].sum())
        shares.append(float(inside.loc[inside["sentiment_label"] == "negative", "count"].sum()) / n if n else None)
    found["negative_share"] = pd.Series(shares, index=found.index, dtype=object)
    return found


#: Texts of the week before an incident that its emerging terms are compared with, at most (sampled alike).
DRIVER_SAMPLE = 20_000


def incident_drivers(store, cond: str, params, start, end, *, label: str | None = "negative", top: int = 5) -> dict:
    """The cascades, original posts and emerging terms behind an incident, read in SQL.

    ``label`` "negative" for a crisis, None for a volume spike (all mentions). Returns
    ``metrics.incident_drivers``'s dict, with ``posts`` the original post of each driving cascade (author,
    text, link, time) even when it was written before the incident.
    """
    start, end = utc(start), utc(end)
    which = "sentiment_label = ?" if label is not None else "TRUE"
    labels = [label] if label is not None else []
    # The incident's mentions, and a reproducible sample of the week before for the terms it is compared with.
    rows = store.query(
        f"""SELECT created_at, sentiment_label, source || ':' || cascade_id AS cascade_id, text FROM mentions
            WHERE {which} AND created_at >= ? AND created_at < ? AND {cond}
            UNION ALL
            (SELECT created_at, sentiment_label, source || ':' || cascade_id, text FROM mentions
             WHERE {which} AND created_at >= ? AND created_at < ? AND {cond}
             ORDER BY hash(source || ':' || id) LIMIT {DRIVER_SAMPLE})""",  # noqa: S608 - fixed conditions, int
        [*labels, _naive(start), _naive(end), *params,
         *labels, _naive(start - pd.Timedelta(days=7)), _naive(start), *params],
    )
    if rows.empty:
        return {"cascades": [], "posts": [], "terms": []}
    found = metrics.incident_drivers(rows, start, end, label=label, top=top)
    keys = [c["cascade_id"] for c in found["cascades"]]
    if keys:
        roots = store.query(
            f"""SELECT source || ':' || id AS id, author_name, text, url, created_at FROM mentions
                WHERE source || ':' || id IN ({", ".join("?" for _ in keys)})""",  # noqa: S608 - placeholders
            keys,
        )
        by_id = {r["id"]: r for _, r in roots.iterrows()}
        found["posts"] = [metrics.post_summary(by_id[k], k) for k in keys if k in by_id]
    return found


def _crisis_kpi(store, config, brand_name, cond, params, window, now) -> dict:
    until = window[1] if now is None else min(window[1], utc(now))
    hourly = hourly_for_crises(store, cond, params, since=window[0] - pd.Timedelta(days=CRISIS_HISTORY_DAYS),
                               until=until)
    if hourly.empty:
        r = _empty("no mentions before or in the window")
        return _kpi("crisis_incidents", r, window=window, baseline=None, n=0)
    incidents, series = metrics.detect_crises(hourly, now=until, drivers=False, with_series=True,
                                              **detection_settings(config, "negative", brand_name))
    scored = series[(series.index >= window[0]) & series["expected_negative"].notna()]
    if scored.empty:
        note = incidents.attrs.get("note") or "not enough history before the window"
        r = _empty(f"crisis detection: {note}")
        return _kpi("crisis_incidents", r, window=window, baseline=None, n=0)
    inside = incidents[(incidents["end"] > window[0]) & (incidents["start"] < window[1])] if len(incidents) else incidents
    r = {"status": "ok", "estimate": float(len(inside)), "hours_scored": int(len(scored)),
         "incidents": [{k: row[k] for k in ("start", "end", "peak", "severity", "ratio", "channel")}
                       for _, row in inside.iterrows()]}
    return _kpi("crisis_incidents", r, window=window, baseline=None, n=int(scored["negative"].sum()),
                lo_key=None, hi_key=None)


#: Texts read per period for emerging themes; a larger period is sampled (reproducibly) down to this.
THEME_SAMPLE = 20_000


def themes(store, config, window, baseline=None, brand: str | None = None, *, top_terms: int = 30) -> dict:
    """Emerging themes of a window against its baseline (see ``metrics.emerging_themes``), JSON-able."""
    window = parse_period(window) if isinstance(window, str) else interval(window)
    if baseline is None:
        baseline = default_baseline(window)
    else:
        baseline = parse_period(baseline, "--baseline") if isinstance(baseline, str) else interval(baseline, "baseline")
    store.ensure()
    texts = {}
    with store.reader() as reader:
        cond, params, brand_name, described = scope(reader, config, brand)
        for name, (a, b) in (("window", window), ("baseline", baseline)):
            # Reproducible sample: the same rows every time for the same data (hash order, not random).
            texts[name] = reader.query(
                f"""SELECT text FROM mentions WHERE created_at >= ? AND created_at < ? AND {cond}
                    ORDER BY hash(source || ':' || id) LIMIT {THEME_SAMPLE}""",  # noqa: S608 - fixed cond, int
                [_naive(a), _naive(b), *params],
            )["text"].tolist()
    found = metrics.emerging_themes(texts["window"], texts["baseline"], top_terms=top_terms)
    return jsonable({
        "window": _period(window), "baseline": _period(baseline), "brand": brand_name, "scope": described,
        "n": {"window": len(texts["window"]), "baseline": len(texts["baseline"])},
        "sampled": any(len(t) >= THEME_SAMPLE for t in texts.values()),
        "themes": found.to_dict("records"),
    })
