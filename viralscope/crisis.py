"""Crisis detection, once for every face: the Overview's crisis KPI, ``alerts check``, the Crisis page and the
weekly report's incidents all call :func:`detect` (and :func:`drivers` for what drives an incident).

For a scope (brand, window) and ``now``, :func:`detect` reads the hourly mentions per sentiment label once —
from ``CRISIS_HISTORY_DAYS`` before the window up to the earlier of the window's end and ``now`` — and runs
``metrics.detect_crises`` (negative-mention crises) and :func:`volume_spikes` (mention-volume spikes) on them
with the ``[alerts.negative]`` / ``[alerts.volume]`` settings of the brand (:func:`detection_settings`). So the
same brand and window give the same incidents wherever they are shown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

import metrics
from metrics.response import QUESTION_PATTERN
from viralscope.core.results import finite, na
from viralscope.core.times import times, utc
from viralscope.store import query
from viralscope.store.query import Scope

#: Days of history before a window that crisis detection reads (its baseline plus the first week).
CRISIS_HISTORY_DAYS = 35
#: Texts of the week before an incident that its emerging terms are compared with, at most (sampled alike).
DRIVER_SAMPLE = 20_000
#: What :func:`detect` can look for.
KINDS = ("negative", "volume")


def detection_settings(config, kind: str, brand: str | None) -> dict:
    """The detector settings of ``[alerts.<kind>]`` for ``brand`` (none without a configuration)."""
    return dict(config.detection(kind, brand).settings) if config is not None else {}


def hourly(db, scope: Scope, *, threads: bool = False) -> pd.DataFrame:
    """Hourly mentions per label of ``scope`` — what ``metrics.detect_crises`` needs, counted in SQL (and,
    summed over labels, what :func:`volume_spikes` needs); with ``threads``, the negatives' largest cascade per
    hour too (see ``viralscope.store.query.label_counts``)."""
    return query.label_counts(db, scope, width="1 hour", threads=threads)


def volume_spikes(hourly: pd.DataFrame, *, now=None, **settings) -> pd.DataFrame:
    """``metrics.detect_spikes`` over all the mentions of ``hourly`` (rows of :func:`hourly`), each spike with
    the share of its mentions that are negative (``negative_share``; None where nothing is scored)."""
    if hourly.empty:
        return metrics.detect_spikes(pd.Series([], dtype=float, index=pd.DatetimeIndex([], tz="UTC")), **settings)
    t = times(hourly["created_at"])
    counts = hourly["count"].astype(float).groupby(t).sum()
    found = metrics.detect_spikes(counts, now=now, **settings)
    scored = hourly[hourly["sentiment_label"] != query.UNSCORED]
    scored_t = times(scored["created_at"])
    shares = []
    for row in found.itertuples():
        inside = scored[(scored_t >= row.start) & (scored_t < row.end)]
        n = float(inside["count"].sum())
        shares.append(float(inside.loc[inside["sentiment_label"] == "negative", "count"].sum()) / n if n else None)
    found["negative_share"] = pd.Series(shares, index=found.index, dtype=object)
    return found


def unjudged(series: pd.DataFrame) -> dict | None:
    """The hours of a crisis series (``metrics.detect_crises(..., with_series=True)``, one row per hour, indexed
    or keyed by hour) that hold negative mentions but could not be judged: the detector had no expectation for
    them because too little history came before (a brand whose first mentions are a burst). Returns
    ``{"start", "end", "negatives"}`` — the first such hour, the end of the last, their negatives — or None.

    A page that says "no incident" over such hours says it of hours it never scored; this lets it say so.
    """
    if series is None or series.empty or "expected_negative" not in series:
        return None
    hours = series.index if isinstance(series.index, pd.DatetimeIndex) else times(series.iloc[:, 0])
    blind = series["expected_negative"].isna().to_numpy() & (series["negative"].fillna(0).to_numpy() > 0)
    if not blind.any():
        return None
    when = pd.DatetimeIndex(hours)[blind]
    return {"start": when.min(), "end": when.max() + pd.Timedelta(hours=1),
            "negatives": int(series["negative"].to_numpy()[blind].sum())}


@dataclass
class Detection:
    """What :func:`detect` found in one read of the hourly counts.

    ``crises`` and ``spikes`` hold every incident detection found from the start of the read (None for a kind
    not asked for); :meth:`inside` keeps those overlapping a period. ``series`` is the crisis detector's hourly
    series (observed and expected negatives) when asked for.
    """

    scope: Scope
    now: pd.Timestamp
    hourly: pd.DataFrame
    crises: pd.DataFrame | None = None
    series: pd.DataFrame | None = None
    spikes: pd.DataFrame | None = None

    @property
    def scored(self) -> bool:
        """Whether any mention read is labelled (crises mean nothing before the sentiment stage has run)."""
        return bool((self.hourly["sentiment_label"] != query.UNSCORED).any())

    def inside(self, found: pd.DataFrame, start=None, end=None) -> pd.DataFrame:
        """The incidents of ``found`` overlapping ``[start, end)`` (default: the scope's window), attrs kept."""
        start = self.scope.start if start is None else utc(start)
        end = self.scope.end if end is None else utc(end)
        if not len(found):
            return found
        keep = pd.Series(True, index=found.index)
        if start is not None:
            keep &= found["end"] > start
        if end is not None:
            keep &= found["start"] < end
        out = found[keep].reset_index(drop=True)
        out.attrs.update(found.attrs)
        return out


def detect(db, config, scope: Scope, brand: str | None, *, now=None, kinds=KINDS,
           with_series: bool = False) -> Detection:
    """The negative-mention crises and volume spikes of ``scope`` (its brands, sources, languages; its window
    ``[start, end)``), as known at ``now``.

    Reads the hourly counts of ``scope`` (its label filter left out: detection compares negatives with all
    mentions) from ``CRISIS_HISTORY_DAYS`` before its start up to ``min(end, now)`` and runs the detectors of
    ``kinds`` with ``brand``'s settings, "now" being that end (the default ``now`` is the window's end).
    """
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kinds {sorted(unknown)}")
    until = scope.end if now is None else (utc(now) if scope.end is None else min(scope.end, utc(now)))
    since = None if scope.start is None else scope.start - pd.Timedelta(days=CRISIS_HISTORY_DAYS)
    read = Scope(brands=scope.brands, sources=scope.sources, langs=scope.langs, start=since, end=until)
    # The largest thread of each hour lets a crisis spread over many threads be reported in its first hour.
    counts = hourly(db, read, threads="negative" in kinds)
    found = Detection(scope=scope, now=until, hourly=counts)
    if "negative" in kinds:
        settings = detection_settings(config, "negative", brand)
        if with_series:
            found.crises, found.series = metrics.detect_crises(counts, now=until, drivers=False, with_series=True,
                                                               **settings)
        else:
            found.crises = metrics.detect_crises(counts, now=until, drivers=False, **settings)
    if "volume" in kinds:
        found.spikes = volume_spikes(counts, now=until, **detection_settings(config, "volume", brand))
    return found


def drivers(db, scope: Scope, start, end, *, label: str | None = "negative", top: int = 5) -> dict:
    """The cascades, original posts and emerging terms behind an incident ``[start, end)`` of ``scope``.

    ``label`` "negative" for a crisis, None for a volume spike (all mentions). Returns
    ``metrics.incident_drivers``'s dict, with ``posts`` the original post of each driving cascade (author,
    text, link, time) even when it was written before the incident.
    """
    start, end = utc(start), utc(end)
    rows = query.incident_mentions(db, scope, start, end, label=label, sample=DRIVER_SAMPLE)
    if rows.empty:
        return {"cascades": [], "posts": [], "terms": []}
    found = metrics.incident_drivers(rows, start, end, label=label, top=top)
    keys = [c["cascade_id"] for c in found["cascades"]]
    if keys:
        by_id = {r["id"]: r for _, r in query.posts(db, keys).iterrows()}
        found["posts"] = [{**metrics.post_summary(by_id[k], k), **_reach(by_id[k])} for k in keys if k in by_id]
    return found


def _reach(row) -> dict:
    """Who wrote a driving post and how far it could go: its source and author id (for a pseudonym), the
    author's followers and the post's shares as the source reported them (None when it did not)."""
    def text(value):
        return None if value is None or pd.isna(value) else str(value)

    def count(value):
        value = finite(value)
        return None if value is None else int(value)

    return {"source": text(row.get("source")), "author_id": text(row.get("author_id")),
            "followers": count(row.get("author_followers")), "shares": count(row.get("shares"))}


def responses(db, scope: Scope, incidents: pd.DataFrame, accounts, *, final_after: str, now=None) -> list[dict]:
    """How the brand's own ``accounts`` answered each incident: ``metrics.response_summary`` of the complaints
    and questions of ``scope`` written during it (``[start, end)``, found with their first brand reply by
    ``query.first_brand_replies``), as known at ``now`` (default: the newest mention of the store).

    One result per incident, in order: ``answer_rate`` (answered within ``final_after``, of the items at least
    that old), ``estimate`` (median minutes to the first reply among the answered), ``n``, ``n_answered``,
    ``n_pending``; or n/a with the reason (no complaint or question, none old enough, none answered). The
    Overview's response KPIs are the same statistics over the whole window.
    """
    if not len(incidents):
        return []
    accounts = list(accounts)
    if not accounts:
        raise ValueError("responses need the brand's own accounts")
    end = utc(now) if now is not None else query.newest(db)
    return [answered(db, scope.between(row.start, row.end), accounts, now=end, final_after=final_after)
            for row in incidents.itertuples()]


def answered(db, scope: Scope, accounts, *, now, final_after: str) -> dict:
    """``metrics.response_summary`` of the complaints and questions of ``scope`` with their first reply by one of
    ``accounts`` (``query.first_brand_replies``), as known at ``now``; n/a ``no_items`` when there are none. The
    Overview's response KPIs (over the window) and each incident's answers (over its span) are this."""
    items = query.first_brand_replies(db, scope, accounts, now, QUESTION_PATTERN)
    return metrics.response_summary(items, now=now, final_after=final_after) if len(items) else na("no_items")


#: The columns of :func:`alert_history`.
HISTORY_COLUMNS = ["sent_at", "kind", "brand", "competitor", "severity", "start", "end", "target", "state"]


def alert_history(db) -> pd.DataFrame:
    """Every alert the ``alerts_sent`` ledger holds, newest first: when it was sent (``sent_at``), what
    (``kind`` "negative" for a crisis or "volume" for a spike, ``brand``, ``competitor``, ``severity``, the
    incident's ``start`` and ``end``), where (``target``: "webhook" or "email", the kind of target only —
    the ledger keeps no address or credential) and its ``state`` ("sent", "sending" while a check delivers it,
    "uncertain" when a check stopped while sending it)."""
    rows = []
    for rec in query.alerts_sent(db).itertuples(index=False):
        try:
            facts = json.loads(rec.payload) if rec.payload else {}
        except ValueError:
            facts = {}
        facts = facts if isinstance(facts, dict) else {}
        rows.append({"sent_at": rec.sent_at, "kind": facts.get("kind", "negative"), "brand": facts.get("brand"),
                     "competitor": bool(facts.get("competitor")), "severity": facts.get("severity"),
                     "start": _time_of(facts, "start"), "end": _time_of(facts, "end"), "target": rec.target,
                     "state": facts.get("state")})
    out = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    for col in ("sent_at", "start", "end"):
        out[col] = times(out[col])
    return out.iloc[::-1].reset_index(drop=True)


def _time_of(facts: dict, key: str) -> pd.Timestamp | None:
    try:
        return utc(facts[key])
    except (KeyError, TypeError, ValueError):
        return None
