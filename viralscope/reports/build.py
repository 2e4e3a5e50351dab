"""The weekly report as data: every table built once, then rendered to HTML, XLSX, CSV or PDF unchanged.

The KPIs come from ``kpis.compute`` for the ISO week against the week before, the same call the CLI
(``viralscope metrics``) and the dashboard make, so the report's numbers are theirs. The other tables are
counted in the store (SQL) and handed to the stage functions (``diffusion``, ``metrics``). A section whose
stage has not run, or whose stage is not installed, says so instead of showing empty numbers.

Every table is ordered completely (ties broken by id), so the same week built twice from the same store
is the same report; only ``generated_at`` differs.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

import diffusion
from viralscope import crisis, kpi_registry, kpis, privacy
from viralscope.core import __version__
from viralscope.core.errors import InsufficientData
from viralscope.core.times import times, utc
from viralscope.reports import text
from viralscope.reports.summary import summary_table
from viralscope.reports.week import iso_week, week_label
from viralscope.store import Store, query
from viralscope.store.query import Scope

__all__ = ["SECTIONS", "Section", "WeeklyReport", "build", "last_week_with_data"]

#: Rows of the ranked tables.
TOP_CASCADES = 10
TOP_ACCOUNTS = 15
TOP_NOTABLE = 10
TOP_TRAITS = 20
#: Characters of mention text shown in a table cell (the rest is cut with "…").
TEXT_LIMIT = 400
NOT_BUILT = "cascades are not built yet (import or analyze the mentions)"


@dataclass(frozen=True)
class Section:
    """One part of the report: its tables, and whether it could be computed (``status`` "ok" or "n/a")."""

    key: str
    title: str
    tables: tuple[str, ...]
    status: str = "ok"
    reason: str | None = None
    kpis: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


#: The sections in report order: key, title, the tables they hold, the KPIs they show.
SECTIONS = (
    ("kpis", "Key numbers", ("kpis",), ()),
    ("volume", "Mention volume and sentiment", ("volume",),
     ("mention_lift", "positive_mention_lift", "negative_mention_lift", "net_sentiment", "perception_change")),
    ("cascades", "Top cascades", ("cascades",), ("mean_max_share_depth", "mean_share_order",
                                                 "amplification_asymmetry")),
    ("triggers", "Viral triggers", ("trigger_accounts", "trigger_model", "trigger_traits"), ()),
    ("incidents", "Incidents and response times", ("incidents",),
     ("crisis_incidents", "response_answer_rate", "response_time_median", "response_time_p90",
      "answered_within_1h")),
    ("business", "Conversions and viral ROI", ("conversions",),
     ("conversion_change", "cac_change", "incremental_conversions", "viral_roi", "earned_media_value")),
    ("themes", "Emerging themes", ("themes",), ()),
    ("notable", "Notable mentions", ("notable_mentions",), ()),
)


@dataclass
class WeeklyReport:
    """Everything the report shows, as data. ``tables`` maps a table name to its DataFrame."""

    week: str
    window: tuple[pd.Timestamp, pd.Timestamp]
    baseline: tuple[pd.Timestamp, pd.Timestamp]
    brand: str | None
    scope: str
    generated_at: pd.Timestamp
    authors: str
    kpis: dict
    sections: list[Section]
    tables: dict[str, pd.DataFrame]
    trait_summary: dict | None = None
    store_path: str = ""
    requested_brand: str | None = None
    notes: list[str] = field(default_factory=list)
    #: The language of the report's words (``en`` or ``ko``); the numbers are the same in both.
    lang: str = "en"
    #: The KPIs that compare the week with the week before but are n/a, so not ranked in the summary.
    unranked: list[str] = field(default_factory=list)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def about(self) -> pd.DataFrame:
        """The report's own facts (what, when, from what) as a two-column table."""
        rows = [
            ("report", "viralscope weekly report"),
            ("week", self.week),
            ("window_start_utc", self.window[0]),
            ("window_end_utc", self.window[1]),
            ("baseline_start_utc", self.baseline[0]),
            ("baseline_end_utc", self.baseline[1]),
            ("brand", self.brand),
            ("scope", self.scope),
            ("mentions_window", self.kpis["n"]["window"]),
            ("mentions_baseline", self.kpis["n"]["baseline"]),
            ("authors", self.authors),
            ("generated_at_utc", self.generated_at),
            ("viralscope_version", __version__),
            ("language", self.lang),
        ]
        for s in self.sections:
            rows.append((f"section_{s.key}", "ok" if s.status == "ok" else f"n/a: {s.reason}"))
        for note in self.notes:
            rows.append(("note", note))
        return pd.DataFrame(rows, columns=["field", "value"])

    def all_tables(self) -> dict[str, pd.DataFrame]:
        """The executive summary and ``about`` first, then every table in section order: what the XLSX sheets
        and CSV files hold."""
        out = {"summary": self.tables["summary"], "about": self.about()}
        for s in self.sections:
            for name in s.tables:
                out[name] = self.tables[name]
        return out


# -- the store, read once ------------------------------------------------------------------------------


class _Ctx:
    """What every section needs: the store reader, the scope (without a window), the window and baseline."""

    def __init__(self, reader, config, window, baseline, where: Scope, brand):
        self.reader, self.config = reader, config
        self.window, self.baseline = window, baseline
        self.where, self.brand = where, brand

    @property
    def week(self) -> Scope:
        """The scope over the report's week."""
        return self.where.between(*self.window)


def _cut(text, limit: int = TEXT_LIMIT):
    if not isinstance(text, str):
        return text
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _empty(columns) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


# -- sections ------------------------------------------------------------------------------------------

KPI_COLUMNS = ["key", "label", "display", "value", "ci_low", "ci_high", "unit", "status", "reason", "n",
               "window", "baseline", "definition"]


def n_text(n) -> str:
    """A KPI's n in words: ``3,044`` or ``window 3,044; baseline 1,484`` (as the dashboard's cards say it)."""
    return kpi_registry.n_text(n, na="n/a")


def _period_text(p) -> str | None:
    if not p:
        return None
    a, b = utc(p["start"]), utc(p["end"])
    return f"{a:%Y-%m-%d %H:%M}..{b:%Y-%m-%d %H:%M} UTC"


def kpi_table(result: dict) -> pd.DataFrame:
    """One row per KPI of ``kpis.compute``, values exactly as computed (no rounding)."""
    rows = []
    for key, k in result["kpis"].items():
        rows.append({
            "key": key, "label": k["label"], "display": k["display"], "value": k["value"], "ci_low": k["ci_low"],
            "ci_high": k["ci_high"], "unit": k["unit"], "status": k["status"], "reason": k["reason"],
            "n": n_text(k["n"]), "window": _period_text(k["window"]), "baseline": _period_text(k["baseline"]),
            "definition": k["definition"],
        })
    df = pd.DataFrame(rows, columns=KPI_COLUMNS)
    for col in ("value", "ci_low", "ci_high"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    return df


VOLUME_COLUMNS = ["date", "period", "mentions", "positive", "neutral", "negative", "unscored", "net_sentiment"]


def _volume(ctx: _Ctx) -> tuple[pd.DataFrame, Section]:
    counts = query.label_counts(ctx.reader, ctx.where.between(ctx.baseline[0], ctx.window[1]), width="1 day")
    days = pd.date_range(ctx.baseline[0], ctx.window[1], freq="D", inclusive="left")
    wide = counts.pivot_table(index="created_at", columns="sentiment_label", values="count", aggfunc="sum",
                              fill_value=0) \
        if len(counts) else pd.DataFrame(index=pd.DatetimeIndex([], tz="UTC"))
    wide = wide.reindex(days, fill_value=0)
    scored = any(c in wide.columns and wide[c].sum() > 0 for c in ("positive", "neutral", "negative"))
    df = pd.DataFrame({
        "date": [d.date() for d in days],
        "period": np.where(days >= ctx.window[0], "this week", "previous week"),
    })
    labels = ("positive", "neutral", "negative", "unscored")
    for lab in labels:
        df[lab] = wide[lab].to_numpy(dtype="int64") if lab in wide.columns else np.zeros(len(days), "int64")
    df["mentions"] = df[list(labels)].sum(axis=1)
    pos, neg = df["positive"].to_numpy(float), df["negative"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        df["net_sentiment"] = np.where(pos + neg > 0, (pos - neg) / (pos + neg), np.nan)
    if not scored:
        for lab in ("positive", "neutral", "negative", "net_sentiment"):
            df[lab] = pd.Series([None] * len(df), dtype="Int64" if lab != "net_sentiment" else float)
    notes = () if scored or not df["mentions"].sum() else (kpis.NOT_SCORED,)
    return df[VOLUME_COLUMNS], Section("volume", "", (), notes=notes)


CASCADE_COLUMNS = ["rank", "source", "cascade_id", "started_at", "size", "depth", "max_breadth",
                   "structural_virality", "depth_counts", "last_at", "author_id", "author_name",
                   "author_followers", "sentiment_label", "text"]
_MEMBER_COLUMNS = ("source", "id", "parent_id", "parent_resolved", "cascade_id", "depth", "created_at", "author_id",
                   "author_name", "author_followers", "kind", "brand", "text", "media", "sentiment_label",
                   "sentiment_compound", "url")


def _window_members(ctx: _Ctx) -> pd.DataFrame:
    """Every mention of the cascades whose original post falls in the window (as the KPIs count them)."""
    return query.members_of_roots(ctx.reader, ctx.week, _MEMBER_COLUMNS)


def _cascades(ctx: _Ctx, members: pd.DataFrame, built: bool) -> tuple[pd.DataFrame, Section]:
    if not built:
        return _empty(CASCADE_COLUMNS), Section("cascades", "", (), "n/a", NOT_BUILT)
    if members.empty:
        return _empty(CASCADE_COLUMNS), Section("cascades", "", (), "n/a", "no original posts in the window")
    sizes = members.groupby(["source", "cascade_id"], sort=False).size().rename("size").reset_index()
    sizes = sizes[sizes["size"] >= 2].sort_values(["size", "source", "cascade_id"], ascending=[False, True, True])
    top = sizes.head(TOP_CASCADES)
    if top.empty:
        return _empty(CASCADE_COLUMNS), Section(
            "cascades", "", (), "n/a", "no original post of the window was shared or answered")
    keys = set(zip(top["source"], top["cascade_id"], strict=True))
    chosen = members[[k in keys for k in zip(members["source"], members["cascade_id"], strict=True)]]
    per = diffusion.cascade_metrics(chosen)
    roots = chosen[chosen["depth"] == 0]  # a root is its own cascade_id
    root_columns = ["sentiment_label", "text", *(c for c in ("author_id", "author_name", "author_followers")
                                                  if c not in per.columns)]
    per = per.merge(roots[["source", "cascade_id", *root_columns]], on=["source", "cascade_id"], how="left")
    per = per.sort_values(["size", "started_at", "source", "cascade_id"], ascending=[False, True, True, True])
    per = per.reset_index(drop=True)
    per["rank"] = np.arange(1, len(per) + 1)
    per["text"] = per["text"].map(_cut)
    if "depth_counts" in per.columns:
        per["depth_counts"] = per["depth_counts"].map(
            lambda v: v if isinstance(v, str) or v is None else json.dumps(v, sort_keys=True))
    return per.reindex(columns=CASCADE_COLUMNS), Section("cascades", "", ())


ACCOUNT_COLUMNS = ["rank", "source", "author_id", "author_name", "followers", "reignitions",
                   "descendants_triggered", "largest_fraction", "cascades", "descendants_per_1k_followers"]
MODEL_COLUMNS = ["auc", "auc_ci_low", "auc_ci_high", "reliable", "message", "n_posts", "n_viral", "threshold",
                 "folds", "dropped"]
TRAIT_COLUMNS = ["trait", "description", "effect", "ci_low", "ci_high", "odds_ratio", "prevalence", "p_value",
                 "p_holm", "significant"]


def _triggers(ctx: _Ctx, members: pd.DataFrame, built: bool) -> tuple[dict, Section, dict | None]:
    empty = {"trigger_accounts": _empty(ACCOUNT_COLUMNS), "trigger_model": _empty(MODEL_COLUMNS),
             "trigger_traits": _empty(TRAIT_COLUMNS)}
    if not built:
        return empty, Section("triggers", "", (), "n/a", NOT_BUILT), None
    if members.empty:
        return empty, Section("triggers", "", (), "n/a", "no original posts in the window"), None
    notes = []
    accounts = diffusion.trigger_accounts(members).head(TOP_ACCOUNTS).reset_index(drop=True)
    accounts.insert(0, "rank", np.arange(1, len(accounts) + 1))
    if accounts.empty:
        notes.append("no reshare re-ignited a cascade rooted in this week")
    out = dict(empty, trigger_accounts=accounts.reindex(columns=ACCOUNT_COLUMNS))
    themes = dict(ctx.config.themes) if ctx.config is not None else None
    summary = None
    try:
        report = diffusion.trait_model(members, themes=themes or None)
    except InsufficientData as exc:
        notes.append(f"no trait model: {exc.reason}")
    else:
        summary = report.to_dict()
        out["trigger_model"] = pd.DataFrame([{
            "auc": report.auc, "auc_ci_low": report.auc_ci[0], "auc_ci_high": report.auc_ci[1],
            "reliable": bool(report.reliable), "message": report.message, "n_posts": report.n_posts,
            "n_viral": report.n_viral, "threshold": report.threshold, "folds": report.folds,
            "dropped": ", ".join(report.dropped) or None,
        }], columns=MODEL_COLUMNS)
        effects = report.effects.assign(_size=report.effects["effect"].abs())
        effects = effects.sort_values(["significant", "_size", "trait"], ascending=[False, False, True], kind="stable")
        out["trigger_traits"] = effects.head(TOP_TRAITS).reindex(columns=TRAIT_COLUMNS).reset_index(drop=True)
    return out, Section("triggers", "", (), notes=tuple(notes)), summary


INCIDENT_COLUMNS = ["start", "end", "peak", "severity", "ratio", "channel", "driving_cascades",
                    "emerging_terms", "alerted_to", "first_alert_at"]


def _found_incidents(result: dict) -> list[dict]:
    k = result["kpis"]["crisis_incidents"]
    return (k["details"].get("incidents") or []) if k["status"] == "ok" else []


def _drivers(reader, where: Scope, incidents: list[dict]) -> list[dict]:
    """The cascades and emerging terms of each incident (``viralscope.crisis.drivers``, as the alerts name them)."""
    return [crisis.drivers(reader, where, inc["start"], inc["end"]) for inc in incidents]


def _incidents(ctx: _Ctx, result: dict, drivers: list[dict]) -> tuple[pd.DataFrame, Section]:
    k = result["kpis"]["crisis_incidents"]
    if k["status"] != "ok":
        return _empty(INCIDENT_COLUMNS), Section("incidents", "", (), "n/a", k["reason"])
    sent = query.alerts_sent(ctx.reader)
    rows = []
    for inc, found in zip(_found_incidents(result), drivers, strict=True):
        start, end = utc(inc["start"]), utc(inc["end"])
        targets, first = [], None
        for rec in sent.itertuples(index=False):
            try:
                p = json.loads(rec.payload)
                hit = (p.get("brand") == ctx.brand and p.get("kind", "negative") == "negative"
                       and utc(p["start"]) < end and start < utc(p["end"]))
            except (ValueError, KeyError, TypeError):
                hit = False
            if hit:
                targets.append(rec.target)
                first = rec.sent_at if first is None else min(first, rec.sent_at)
        rows.append({
            "start": start, "end": end, "peak": utc(inc["peak"]), "severity": inc["severity"], "ratio": inc["ratio"],
            "channel": inc["channel"],
            "driving_cascades": "; ".join(f"{c['cascade_id']} ({c['negatives']} negative, {c['share']:.0%})"
                                          for c in found["cascades"][:3]) or None,
            "emerging_terms": ", ".join(t["term"] for t in found["terms"][:8]) or None,
            "alerted_to": ", ".join(sorted(set(targets))) or None,
            "first_alert_at": first,
        })
    df = pd.DataFrame(rows, columns=INCIDENT_COLUMNS)
    for col in ("start", "end", "peak", "first_alert_at"):
        df[col] = times(df[col])
    notes = () if rows else ("no incident in this week",)
    return df, Section("incidents", "", (), notes=notes)


CONVERSION_COLUMNS = ["date", "period", "sessions", "conversions", "conversion_rate", "revenue", "spend",
                      "new_customers"]


def _business(ctx: _Ctx) -> tuple[pd.DataFrame, Section]:
    daily = query.conversions(ctx.reader, ctx.baseline[0], ctx.window[1])
    if daily.empty:
        return _empty(CONVERSION_COLUMNS), Section(
            "business", "", (), "n/a", "no conversion data (import-conversions) in this week or the week before")
    dates = times(daily["date"])
    df = daily.assign(
        date=[d.date() for d in dates],
        period=np.where(dates >= ctx.window[0], "this week", "previous week"),
        conversion_rate=np.where(daily["sessions"] > 0, daily["conversions"] / daily["sessions"].where(
            daily["sessions"] > 0), np.nan),
    )
    return df.reindex(columns=CONVERSION_COLUMNS), Section("business", "", ())


THEME_COLUMNS = ["rank", "label", "terms", "documents", "share", "z"]


def _themes(store, config, window, baseline, brand) -> tuple[pd.DataFrame, Section]:
    found = kpis.themes(store, config, window, baseline, brand)
    df = pd.DataFrame(found["themes"])
    notes = []
    if found["sampled"]:
        notes.append(f"counted on a reproducible sample of {kpis.THEME_SAMPLE:,} mentions per week")
    if df.empty:
        reason = "no mentions in this week" if not found["n"]["window"] else None
        if reason:
            return _empty(THEME_COLUMNS), Section("themes", "", (), "n/a", reason)
        return _empty(THEME_COLUMNS), Section("themes", "", (), notes=("no term rose clearly above the week before",))
    df["rank"] = np.arange(1, len(df) + 1)
    df["terms"] = df["terms"].map(lambda t: ", ".join(t) if isinstance(t, list) else t)
    return df.reindex(columns=THEME_COLUMNS), Section("themes", "", (), notes=tuple(notes))


NOTABLE_COLUMNS = ["tone", "rank", "created_at", "source", "id", "author_id", "author_name", "reach", "likes",
                   "shares", "replies", "sentiment_compound", "kind", "text", "url"]


def _notable(ctx: _Ctx, result: dict) -> tuple[pd.DataFrame, Section]:
    if not result["n"]["window"]:
        return _empty(NOTABLE_COLUMNS), Section("notable", "", (), "n/a", "no mentions in this week")
    if result["kpis"]["net_sentiment"]["reason"] == kpis.NOT_SCORED:
        return _empty(NOTABLE_COLUMNS), Section("notable", "", (), "n/a", kpis.NOT_SCORED)
    accounts = [privacy.account_key(a) for a in privacy.brand_accounts(ctx.config)]
    frames = []
    for tone in ("positive", "negative"):
        df = query.notable(ctx.reader, ctx.week, tone, accounts, TOP_NOTABLE)
        df.insert(0, "rank", np.arange(1, len(df) + 1))
        df.insert(0, "tone", tone)
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    df["text"] = df["text"].map(_cut)
    notes = () if len(df) else ("no positive or negative post, reply or quote in this week",)
    return df.reindex(columns=NOTABLE_COLUMNS), Section("notable", "", (), notes=notes)


# -- the report ----------------------------------------------------------------------------------------


class _Inline:
    """The executor interface, running each call at once in this process."""

    def submit(self, fn, *args):
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # handed back through the future, as a pool would
            future.set_exception(exc)
        return future

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _pool(parallel: bool):
    """One worker process for the emerging themes (seconds of tokenizing at a million mentions, holding the
    GIL much of the time, and independent of everything else), or inline calls. The worker is spawned, not
    forked: a fork of a process with other threads (DuckDB's, a web server's) can deadlock in the child."""
    if not parallel or (os.cpu_count() or 1) < 2:
        return _Inline()
    return ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn"))


def _worker_store(path, lock_timeout) -> Store:
    # The parent has made the tables and holds a read connection meanwhile: ensure() would wait for a
    # read-write open that cannot come until the parent is done.
    return Store(path, lock_timeout=lock_timeout, ensured=True)


def _themes_job(path, lock_timeout, config, window, baseline, brand):
    return _themes(_worker_store(path, lock_timeout), config, window, baseline, brand)


def _drivers_job(path, lock_timeout, config, window, baseline, brand, incidents):
    # Queued behind the themes in the same worker, where the Korean tokenizer is already loaded.
    store = _worker_store(path, lock_timeout)
    with store.reader() as reader:
        where, _, _ = kpis.scope(reader, config, brand)
        return _drivers(reader, where, incidents)


def last_week_with_data(store, config=None, brand: str | None = None) -> tuple[str, bool]:
    """The ISO week ``--week last`` means, and whether it is complete: the newest week holding mentions in
    the report's scope that ends before the newest such mention's week begins.

    It follows the data, not the wall clock, so a store of last year's mentions reports its own last week.
    When every mention falls in one week, that week is taken and ``False`` says it may not be complete.
    Raises :class:`InsufficientData` when the scope holds no mention.
    """
    store.ensure()
    with store.reader() as reader:
        where, name, _ = kpis.scope(reader, config, brand)
        newest = query.newest(reader, where)
        if newest is None:
            of = f" of {name}" if brand else ""
            raise InsufficientData(f"no mentions{of} in {store.path}: nothing to report "
                                   "(import, collect or run 'viralscope demo' first)")
        before = query.newest(reader, where.between(None, iso_week(week_label(newest))[0]))
    return (week_label(before), True) if before is not None else (week_label(newest), False)


def build(store, config, week: str, *, brand: str | None = None, include_authors: bool = False,
          now=None, parallel: bool = False, lang: str = "en") -> WeeklyReport:
    """The weekly report of ISO ``week`` (``YYYY-Www`` or ``last``) against the week before.

    Authors are pseudonymised unless ``include_authors`` (see :mod:`viralscope.privacy`). ``now`` is the
    generation time shown in the report (default: the current time); it changes nothing else.
    ``parallel`` computes the themes in a spawned worker process meanwhile (on a machine with more than one
    core). The command line uses it; a script that does must guard its entry point with
    ``if __name__ == "__main__":``, as every use of ``multiprocessing`` must. ``lang`` (``en`` or ``ko``) is
    the language of the report's words: titles, headings, the summary's sentences, reasons, column names.
    """
    lang = text.lang_of(lang)
    if str(week).strip().lower() == "last":
        week = last_week_with_data(store, config, brand)[0]
    window = iso_week(week)
    baseline = (window[0] - pd.Timedelta(days=7), window[0])
    label = week_label(window[0])
    store.ensure()
    # Before any worker starts: this may write the store's pseudonym key (one short write).
    pseudonymizer = privacy.for_store(store, config, include_authors=include_authors)
    job = (str(store.path), store.lock_timeout, config, window, baseline, brand)
    done: dict[str, Section] = {}
    tables: dict[str, pd.DataFrame] = {}
    with _pool(parallel) as pool:
        themes_future = pool.submit(_themes_job, *job)
        result = kpis.compute(store, config, window, baseline, brand)
        drivers_future = pool.submit(_drivers_job, *job, _found_incidents(result))
        with store.reader() as reader:
            where, brand_name, _ = kpis.scope(reader, config, brand)
            ctx = _Ctx(reader, config, window, baseline, where, brand_name)
            tables["volume"], done["volume"] = _volume(ctx)
            built = query.cascades_built(reader)
            members = _window_members(ctx) if built else pd.DataFrame()
            tables["cascades"], done["cascades"] = _cascades(ctx, members, built)
            found, done["triggers"], trait_summary = _triggers(ctx, members, built)
            tables.update(found)
            del members
            tables["incidents"], done["incidents"] = _incidents(ctx, result, drivers_future.result())
            tables["conversions"], done["business"] = _business(ctx)
            tables["notable_mentions"], done["notable"] = _notable(ctx, result)
        tables["themes"], done["themes"] = themes_future.result()
    tables["kpis"] = kpi_table(result)
    tables["summary"], unranked = summary_table(result["kpis"], result["brand"], lang)
    for name in ("cascades", "trigger_accounts", "notable_mentions"):
        tables[name] = privacy.protect(tables[name], pseudonymizer)
    sections = []
    for key, _title, names, shown in SECTIONS:
        got = done.get(key, Section(key, "", names))
        sections.append(Section(key, text.section_title(key, lang), names, got.status, got.reason, shown,
                                got.notes))
    authors = "included as collected" if pseudonymizer is None else \
        f"pseudonymised (keyed hash; key from the {pseudonymizer.origin}; brand accounts in clear)"
    generated = utc(now) if now is not None else pd.Timestamp.now(tz="UTC").floor("s")
    return WeeklyReport(
        week=label, window=window, baseline=baseline, brand=result["brand"], scope=result["scope"],
        generated_at=generated, authors=authors, kpis=result, sections=sections, tables=tables,
        trait_summary=trait_summary, store_path=str(store.path), requested_brand=brand, lang=lang,
        unranked=unranked,
    )
