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

import numpy as np
import pandas as pd

import diffusion
import metrics
from metrics.lift import HISTORY_DAYS, MIN_REFERENCE_DAYS
from viralscope import crisis, kpi_registry
from viralscope.config import MetricsSection, configured_brand
from viralscope.core import reasons
from viralscope.core.errors import InputError, Problem
from viralscope.core.results import na
from viralscope.core.times import default_baseline, interval, utc
from viralscope.store import query
from viralscope.store.query import Scope

NOT_SCORED = reasons.text("not_scored")
#: KPIs that mean nothing before the sentiment stage has labelled the mentions.
UNSCORED_NA = ("positive_mention_lift", "negative_mention_lift", "net_sentiment", "perception_change",
               "amplification_asymmetry", "crisis_incidents")
DEFAULT_CPM = MetricsSection.cpm

#: ``key -> (label, unit, definition)`` of every KPI, in English (``viralscope.kpi_registry`` holds the rest).
DEFINITIONS = kpi_registry.definitions()
#: The ``scope`` of KPIs computed over every mention (no brand in the configuration or in the mentions).
ALL_MENTIONS = "all mentions"


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
    return kpi_registry.display(value, lo, hi, unit, currency)


def _kpi(key, result: dict, *, window, baseline, n, value_key="estimate", lo_key="ci_low", hi_key="ci_high",
         currency="", extra_definition="") -> dict:
    label, unit, definition = DEFINITIONS[key]
    status = result.get("status", "n/a")
    value = result.get(value_key) if status == "ok" else None
    lo = result.get(lo_key) if status == "ok" and lo_key else None
    hi = result.get(hi_key) if status == "ok" and hi_key else None
    if status == "ok" and value is None:
        status = "n/a"
    details = {k: v for k, v in result.items()
               if k not in ("estimate", "ci_low", "ci_high", "status", "reason", "reason_code", "reason_params")}
    code, params = None, None
    if status != "ok":
        why = reasons.of(result)
        code, params = (why["code"], why["params"]) if isinstance(why, dict) else (None, None)
    out = {
        "key": key, "label": label, "value": value, "ci_low": lo, "ci_high": hi, "unit": unit,
        "status": status, "reason": None if status == "ok" else (result.get("reason") or reasons.text("not_computable")),
        "reason_code": code, "reason_params": params,
        "window": _period(window), "baseline": _period(baseline), "n": n,
        "definition": definition + extra_definition, "display": _display(value, lo, hi, unit, currency),
        "currency": currency or None, "details": details,
    }
    return jsonable(out)


# -- scope ---------------------------------------------------------------------------------------------


def scope(store, config, brand: str | None) -> tuple[Scope, str | None, str]:
    """The mentions the KPIs are about (a :class:`Scope` without a window), the brand and a description."""
    if brand:
        return Scope(brands=(brand,)), brand, f"mentions of {brand}"
    name = configured_brand(config)
    if name and query.has_brand(store, name):
        return Scope(brands=(name,)), name, f"mentions of {name}"
    return Scope(), name, ALL_MENTIONS


def _hourly_labels(store, scope: Scope, start, end, origin) -> pd.DataFrame:
    """Mentions per bin and label; bins of an hour (or a minute when a bound is not on the hour grid)."""
    width = "1 hour"
    if any(((b - origin) % pd.Timedelta(hours=1)) != pd.Timedelta(0) for b in (start, end)):
        width = "1 minute"
    return query.label_counts(store, scope.between(start, end), width=width, origin=origin)


# -- the KPIs ------------------------------------------------------------------------------------------


def periods(window, baseline=None) -> tuple[tuple[pd.Timestamp, pd.Timestamp], tuple[pd.Timestamp, pd.Timestamp]]:
    """``window`` and ``baseline`` as UTC intervals, from ``(start, end)`` pairs or ``"START..END"`` strings;
    the baseline defaults to the equally long period just before the window."""
    window = parse_period(window) if isinstance(window, str) else interval(window)
    if baseline is None:
        baseline = default_baseline(window)
    else:
        baseline = parse_period(baseline, "--baseline") if isinstance(baseline, str) else interval(baseline, "baseline")
    return window, baseline


def compute(store, config, window, baseline=None, brand: str | None = None, *, now=None) -> dict:
    """Every KPI of ``window`` against ``baseline`` (default: the equally long period just before).

    ``window``/``baseline`` are ``(start, end)`` pairs or ``"START..END"`` strings. ``brand`` restricts the
    mentions to one tracked brand (default: the configured brand when mentions carry it, else all).
    """
    window, baseline = periods(window, baseline)
    store.ensure()
    with store.reader() as reader:
        return _compute(reader, config, window, baseline, brand, now)


def _compute(store, config, window, baseline, brand, now) -> dict:
    where, brand_name, described = scope(store, config, brand)
    start, end = min(window[0], baseline[0]), max(window[1], baseline[1])
    if baseline[1] - baseline[0] < pd.Timedelta(days=MIN_REFERENCE_DAYS):
        start = min(start, baseline[0] - pd.Timedelta(days=HISTORY_DAYS))  # a short baseline's day-to-day variation
    labels = _hourly_labels(store, where, start, end, window[0])
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
            _empty("no_mentions_window_or_baseline")
        kpis[key] = _kpi(key, r, n={"window": r.get("n_window", nw), "baseline": r.get("n_baseline", nb)}, **ctx)

    r = metrics.net_sentiment(labels, window) if not labels.empty else _empty("no_mentions_window")
    kpis["net_sentiment"] = _kpi("net_sentiment", r, window=window, baseline=None, n=r.get("n", 0))
    r = metrics.perception_change(labels, window, baseline) if not labels.empty else _empty("no_mentions")
    kpis["perception_change"] = _kpi("perception_change", r, n={"window": r.get("n_window", 0),
                                                                "baseline": r.get("n_baseline", 0)}, **ctx)
    kpis["share_of_voice"] = _share_of_voice(store, config, brand_name, window)
    kpis.update(_cascade_kpis(store, config, brand_name, where, window))
    own = configured_brand(config)
    if own and brand_name and brand_name != own:  # the business data are the configured brand's, not another's
        kpis.update({key: _kpi(key, _empty("own_brand_only", own=own, brand=brand_name), n=None, **ctx)
                     for key in kpi_registry.OWN_DATA})
    else:
        kpis.update(_business_kpis(store, config, window, baseline))
    kpis["earned_media_value"] = _earned_media(store, config, where, window)
    kpis.update(_response_kpis(store, config, brand_name, where, window, now))
    kpis["crisis_incidents"] = _crisis_kpi(store, config, brand_name, where, window, now)
    if not labels.empty and not (labels["sentiment_label"] != query.UNSCORED).any():
        # Without labels, "no positive mentions" would be true but misleading: say what is missing.
        for key in UNSCORED_NA:
            kpis[key] = _kpi(key, _empty("not_scored"), window=window, n=0,
                             baseline=kpis[key]["baseline"] and baseline)
    return jsonable({
        "window": _period(window), "baseline": _period(baseline), "brand": brand_name, "scope": described,
        "n": n_pair, "kpis": kpis,
    })


def _empty(code: str, **params) -> dict:
    return na(code, params)


def _reason_of(r: dict) -> dict:
    """The reason fields of an n/a result, to carry over to another result (``not computable`` when none)."""
    if r.get("reason_code"):
        return {k: r.get(k) for k in ("reason", "reason_code", "reason_params")}
    if r.get("reason"):
        return {"reason": r["reason"], "reason_code": None, "reason_params": None}
    return {k: v for k, v in na("not_computable").items() if k.startswith("reason")}


def _left_out(r: dict, days: int) -> None:
    """Say of an n/a business result that ``days`` baseline days of a configured campaign were left out."""
    r.update({k: v for k, v in na("baseline_campaign_days", {"why": reasons.of(r), "days": days}).items()
              if k.startswith("reason")})


def _crisis_history(attrs: dict) -> dict:
    """Crisis detection's n/a for too little history, from the numbers its result carries."""
    note = attrs.get("note")
    if note is None:
        return _empty("crisis_no_history")
    days, needed = attrs.get("history_days"), attrs.get("history_needed")
    r = _empty("crisis_history", days=days, needed=needed)
    return r if r["reason"] == f"crisis detection: {note}" else _empty("crisis_note", note=note)


def _share_of_voice(store, config, brand_name, window) -> dict:
    tracked = [b.name for b in config.brands] if config is not None else []
    if not brand_name or len(tracked) < 2:
        r = _empty("sov_unconfigured")
        return _kpi("share_of_voice", r, window=window, baseline=None, n=0)
    counts = query.daily_brand_counts(store, window[0], window[1], tracked)
    r = metrics.share_of_voice(counts, brand_name, window, brands=tracked)
    return _kpi("share_of_voice", r, window=window, baseline=None, n=r.get("n", 0))


def _cascade_kpis(store, config, brand_name, where: Scope, window) -> dict:
    built = query.cascades_built(store)
    accounts = list(config.accounts_of(brand_name)) if config is not None else []
    cascades = query.rooted_cascades(store, where.between(*window), accounts)
    if not built:
        depth = order = asym = _empty("cascades_not_built")
    elif cascades.empty:
        depth = order = asym = _empty("no_roots_window")
    else:
        # Depth is about the whole tree (every member), the asymmetry about the people a post reached.
        depth = diffusion.mean_max_depth(cascades.assign(size=cascades["members"]))
        order = diffusion.mean_share_order(cascades)
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
    daily = query.conversions(store, min(window[0], baseline[0]).floor("D"), max(window[1], baseline[1]))
    daily, left_out = _without_campaign_baseline(daily, config, window, baseline)
    note = f"; {left_out} baseline days of configured campaigns left out" if left_out else ""
    out = {}
    if daily.empty:
        change = _empty("no_conversion_data")
    else:
        change = dict(metrics.conversion_change(daily, window, baseline), baseline_days_left_out=left_out)
    cac = _empty("no_spend_data") if daily.empty or "spend" not in daily else \
        dict(metrics.cac_change(daily, window, baseline), baseline_days_left_out=left_out)
    if left_out:
        for r in (change, cac):
            if r.get("status") != "ok" and "baseline" in str(r.get("reason")):
                _left_out(r, left_out)
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
    if left_out and inc.get("status") != "ok" and "baseline" in str(inc.get("reason")) and \
            inc.get("reason_code") != "baseline_campaign_days":
        _left_out(inc, left_out)
    days_n = {"days_window": inc.get("n_days_window", 0), "days_baseline": inc.get("n_days_baseline", 0)}
    out["incremental_conversions"] = _kpi("incremental_conversions", inc, window=window, baseline=baseline,
                                          extra_definition=note, n=days_n)
    campaign = _campaign(config, window)
    note = ""
    if campaign is None:
        roi = _empty("no_campaign")
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


def _earned_media(store, config, where: Scope, window) -> dict:
    row = query.followers(store, where.between(*window))
    settings = config.metrics if config is not None else MetricsSection()
    cpm, currency = settings.cpm, settings.currency
    r = metrics.earned_media_value(row, cpm=cpm, reach_rate=settings.reach_rate)
    return _kpi("earned_media_value", r, window=window, baseline=None, n=int(row["count"].iat[0]),
                currency=currency, extra_definition=f" (CPM {cpm:g} {currency}, configurable as [metrics] cpm)")


def response_final_after(config) -> str:
    """How old a complaint or question must be to count (``[metrics] response_final_hours``, default 48)."""
    hours = (config.metrics if config is not None else MetricsSection()).response_final_hours
    return f"{hours:g}h"


def no_accounts(config, brand_name: str | None) -> dict:
    """Why the answers of ``brand_name`` are n/a when it has no accounts in the configuration: a competitor's
    complaints wait for the competitor's replies, the brand's for its own."""
    competitor = config is not None and brand_name in {b.name for b in config.competitors}
    return _empty("no_competitor_accounts", brand=brand_name) if competitor else _empty("no_brand_accounts_config")


def _response_kpis(store, config, brand_name, where: Scope, window, now) -> dict:
    # The accounts of the brand in scope: a competitor's complaints wait for the competitor's replies.
    accounts = list(config.accounts_of(brand_name)) if config is not None else []
    final_after = response_final_after(config)
    if not accounts:
        r = no_accounts(config, brand_name)
    else:
        last = query.newest(store)
        end = utc(now) if now is not None else (last if last is not None else window[1])
        r = crisis.answered(store, where.between(*window), accounts, now=end, final_after=final_after)
    n = {"final": int(r.get("n") or 0), "answered": int(r.get("n_answered") or 0)}
    note = f" (items at least {final_after} old; [metrics] response_final_hours)"

    def part(estimate, lo, hi):
        if r.get(estimate) is None or not n["final"]:
            return dict(r, estimate=None, status="n/a", **_reason_of(r))
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


def _crisis_kpi(store, config, brand_name, where: Scope, window, now) -> dict:
    found = crisis.detect(store, config, where.between(*window), brand_name, now=now, kinds=("negative",),
                          with_series=True)
    if found.hourly.empty:
        r = _empty("no_mentions_history")
        return _kpi("crisis_incidents", r, window=window, baseline=None, n=0)
    incidents, series = found.crises, found.series
    scored = series[(series.index >= window[0]) & series["expected_negative"].notna()]
    if scored.empty:
        r = _crisis_history(incidents.attrs)
        return _kpi("crisis_incidents", r, window=window, baseline=None, n=0)
    inside = found.inside(incidents)
    r = {"status": "ok", "estimate": float(len(inside)), "hours_scored": int(len(scored)),
         "incidents": [{k: row[k] for k in ("start", "end", "peak", "severity", "ratio", "channel")}
                       for _, row in inside.iterrows()]}
    return _kpi("crisis_incidents", r, window=window, baseline=None, n=int(scored["negative"].sum()),
                lo_key=None, hi_key=None)


#: Texts read per period for emerging themes; a larger period is sampled (reproducibly) down to this.
THEME_SAMPLE = 20_000


def themes(store, config, window, baseline=None, brand: str | None = None, *, top_terms: int = 30) -> dict:
    """Emerging themes of a window against its baseline (see ``metrics.emerging_themes``), JSON-able."""
    window, baseline = periods(window, baseline)
    store.ensure()
    texts = {}
    with store.reader() as reader:
        where, brand_name, described = scope(reader, config, brand)
        for name, period in (("window", window), ("baseline", baseline)):
            # Reproducible sample: the same rows every time for the same data (hash order, not random).
            texts[name] = query.sample_texts(reader, where.between(*period), THEME_SAMPLE)
    found = metrics.emerging_themes(texts["window"], texts["baseline"], top_terms=top_terms)
    return jsonable({
        "window": _period(window), "baseline": _period(baseline), "brand": brand_name, "scope": described,
        "n": {"window": len(texts["window"]), "baseline": len(texts["baseline"])},
        "sampled": any(len(t) >= THEME_SAMPLE for t in texts.values()),
        "themes": found.to_dict("records"),
    })
