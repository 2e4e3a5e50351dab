"""``viralscope watch``: collect, score, detect and alert in one long-running loop, with a heartbeat.

A cycle composes what the separate commands do, in the order data flows:

1. collect every configured source from its own cursor (``collecting.Collection``: sources and their logins
   are kept between cycles; a source that fails or is rate limited ends its own run, the others go on, and
   it is tried again next cycle from where it stopped);
2. score what is unscored (``scoring.score_store``); links are resolved as the mentions are written
   (``ingest``), for the new mentions and the cascades they join only;
3. detect and deliver (``alerts.check(..., notify=True, drivers="sent")``): negative crises of the brand,
   volume spikes of the brand and its competitors, each incident sent once to the webhook and e-mail of
   ``[alerts]``; the drivers of an incident (posts, terms) are read only when its alert is sent;
4. record the cycle in ``watch_cycles``: start, end, per source what was stored, its status, last error and
   lag (how far behind now its collected span ends), incidents open and alerts sent.

The first cycle of a source with no cursor reaches ``backfill`` back (its ``[sources.<name>] since`` when the
flag is not given), so detection has a baseline; later cycles fetch what is new. Detection is skipped in a
cycle that stored and scored nothing, unless the hour turned or an alert is waiting to be sent again: with
the same counts and a later ``now``, the detectors can only find less.

Every write is one short transaction (the dashboard reads between them). ``kill -9`` at any point leaves
the store at a page boundary with its cursor, an alert either unsent or claimed (never sent twice; see
``alerts``); a restart resumes from the cursors. ``stop()`` (SIGTERM, SIGINT) lets the write under way
finish, records the cycle and returns.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field, replace

import pandas as pd

from collectors.base import parse_duration
from collectors.http import as_clock
from viralscope import alerts, collecting, scoring
from viralscope.collecting import RunResult
from viralscope.core.errors import ViralscopeError
from viralscope.core.times import to_db
from viralscope.store import Store, runs

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_BACKFILL", "DEFAULT_EVERY", "Cycle", "Stopped", "Watcher", "coverage", "health"]

DEFAULT_EVERY = "1m"
DEFAULT_BACKFILL = "14d"
#: Heartbeats older than this are pruned by the cycle that writes a new one.
KEEP_CYCLES = dt.timedelta(days=30)


class Stopped(KeyboardInterrupt):
    """Raised at a safe point (after a page is stored) once a stop was asked for."""


@dataclass
class Cycle:
    """What one cycle did (one row of ``watch_cycles``)."""

    cycle_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    status: str = "ok"  # ok | stopped | failed
    runs: list[RunResult] = field(default_factory=list)
    lag: dict = field(default_factory=dict)  # source -> seconds behind now (None: nothing collected yet)
    covered: dict = field(default_factory=dict)  # source -> the end of its collected span
    scored: int = 0
    checked: bool = False
    incidents: int = 0
    sent: int = 0
    problems: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def new(self) -> int:
        return sum(r.new for r in self.runs)

    def sources(self) -> dict:
        """Per source: status, mentions new/updated, errors, last error, lag (JSON-able)."""
        out = {}
        for r in self.runs:
            out[r.source] = {"status": r.status, "new": r.new, "updated": r.updated, "errors": r.counted_errors,
                             "error": r.detail() or None, "lag_seconds": self.lag.get(r.source),
                             "covered_until": _iso(self.covered.get(r.source))}
        for name, lag in self.lag.items():
            out.setdefault(name, {"status": None, "new": 0, "updated": 0, "errors": 0, "error": None,
                                  "lag_seconds": lag, "covered_until": _iso(self.covered.get(name))})
        return out

    def line(self) -> str:
        seconds = (self.finished_at - self.started_at).total_seconds() if self.finished_at and self.started_at else 0
        parts = [f"{r.source} {r.status} {r.new} new" for r in self.runs]
        lagging = [f"{k} {v / 60:.0f} min behind" for k, v in self.lag.items() if v is not None and v > 3600]
        text = (f"cycle {self.status}: {', '.join(parts) or 'no sources'}; {self.scored} scored; "
                + (f"{self.incidents} incidents, {self.sent} alerts sent" if self.checked else "detection skipped")
                + f"; {seconds:.1f} s")
        return text + (f"; {', '.join(lagging)}" if lagging else "")


def _iso(t) -> str | None:
    return None if t is None else t.isoformat()


def coverage(store: Store, names: list[str]) -> dict[str, dt.datetime | None]:
    """Per source, up to when every one of its searches is collected: the earliest end of a finished span,
    or the start of an unfinished one (None before the first page)."""
    out: dict[str, dt.datetime | None] = dict.fromkeys(names)
    for source, _, value in runs.cursors(store):
        try:
            c = json.loads(value)
            t = collecting.parse_time(c["until"] if c.get("complete") else c["since"], "cursor")
        except (TypeError, ValueError, KeyError, ViralscopeError):
            continue  # a running total, not a span
        if source in out:
            out[source] = t if out[source] is None else min(out[source], t)
    return out


class Watcher:
    """The loop of ``viralscope watch``; ``cycle()`` runs one cycle, ``run()`` cycles until stopped."""

    def __init__(self, store: Store, config, *, every: float = 60.0, backfill: str | None = None,
                 base_urls: dict | None = None, clock=None, sessions=None, target_list=None):
        self.store, self.every, self.target_list = store, float(every), target_list
        self.clock = as_clock(clock)  # the time as the sources see it (a simulation's, in tests)
        self.config = _with_backfill(config, backfill)
        self.collection = collecting.Collection(store, self.config, base_urls=base_urls, clock=clock,
                                                sessions=sessions, progress=self._page_stored)
        self.names = list(self.collection.names)
        self._stop = threading.Event()
        self._last_check: dt.datetime | None = None
        self._retry_delivery = False
        self.cycles = 0

    # -- stopping ------------------------------------------------------------------------------------

    def stop(self) -> None:
        """Ask the loop to end: the write under way finishes, the cycle is recorded, ``run`` returns."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def _page_stored(self, note: str, kept: int) -> None:
        if self._stop.is_set():  # a page and its cursor were just committed: a safe point to end the run
            raise Stopped

    # -- one cycle -----------------------------------------------------------------------------------

    def cycle(self) -> Cycle:
        c = Cycle(started_at=self._now())
        try:
            c.runs = self.collection.run()
            for r in c.runs:
                if r.status in ("failed", "rate_limited"):
                    log.warning("%s: %s", r.source, r.line())
            self._checkpoint()
            c.scored = scoring.score_store(self.store).mentions
            self._checkpoint()
            self._detect(c)
        except Stopped:
            c.status, c.message = "stopped", "stopped by a signal; the next start resumes from the cursors"
        except ViralscopeError as exc:  # the store busy for too long, a model that cannot load: try next cycle
            c.status, c.message = "failed", str(exc)
            log.error("cycle failed: %s", exc)
        covered = coverage(self.store, self.names)
        now = self.clock.now()
        c.finished_at = now.replace(tzinfo=None)
        c.covered = covered
        c.lag = {name: (None if t is None else max(0.0, (now - t).total_seconds())) for name, t in covered.items()}
        self._record(c)
        self.cycles += 1
        return c

    def _now(self) -> dt.datetime:
        return self.clock.now().replace(tzinfo=None)

    def _checkpoint(self) -> None:
        if self._stop.is_set():
            raise Stopped

    def _detect(self, c: Cycle) -> None:
        now = self.clock.now()
        hour = now.replace(minute=0, second=0, microsecond=0)
        fresh = c.scored or any(r.new or r.updated for r in c.runs)
        if not (fresh or self._retry_delivery or self._last_check is None or self._last_check < hour):
            return
        report = alerts.check(self.store, self.config, now=now, notify=True, target_list=self.target_list,
                              drivers="sent")
        self._last_check = now
        c.checked = True
        c.incidents = len(report["incidents"]) + len(report["volume_spikes"]) + len(report["competitor_spikes"])
        c.sent = sum(1 for d in report["deliveries"] if d["ok"])
        c.problems = list(report["delivery_problems"])
        self._retry_delivery = any(not d["ok"] for d in report["deliveries"])
        for d in report["deliveries"]:
            if d["ok"]:
                log.info("alert sent to %s: %s", d["target"], d["incident_key"])
        for problem in c.problems:
            log.warning("alerts: %s", problem)

    def _record(self, c: Cycle) -> None:
        self.store.ensure()
        runs.record_cycle(
            self.store,
            [c.cycle_id, c.started_at, c.finished_at, c.status, json.dumps(c.sources(), sort_keys=True),
             c.new, c.scored, c.checked, c.incidents, c.sent, json.dumps(c.problems) if c.problems else None,
             c.message or None, os.getpid(), socket.gethostname()],
            keep_after=c.finished_at - KEEP_CYCLES,
        )

    # -- the loop ------------------------------------------------------------------------------------

    def run(self, *, once: bool = False, on_cycle=None) -> int:
        """Cycle every ``every`` seconds (from one cycle's start to the next) until stopped; returns the number
        of cycles. ``on_cycle(cycle)`` is called after each one is recorded."""
        while True:
            started = time.monotonic()
            c = self.cycle()
            if on_cycle is not None:
                on_cycle(c)
            if once or self._stop.is_set():
                return self.cycles
            if self._stop.wait(max(0.0, self.every - (time.monotonic() - started))):
                return self.cycles


def _with_backfill(config, backfill: str | None):
    """The configuration with each source's first-run span (``since``) set to ``backfill``; without the flag,
    a source's own ``since`` stays and the others get the default backfill."""
    if backfill is not None:
        parse_duration(backfill, "--backfill")
    sources = {}
    for name, table in config.sources.items():
        table = dict(table) if isinstance(table, dict) else table
        if isinstance(table, dict) and (backfill is not None or "since" not in table):
            table["since"] = backfill or DEFAULT_BACKFILL
        sources[name] = table
    return replace(config, sources=sources)


# -- for the Sources page ------------------------------------------------------------------------------


def health(store: Store, *, now: dt.datetime | None = None) -> dict:
    """The watcher's last cycle and its per-source state, for the Sources page.

    Returns ``last`` (None when ``watch`` never ran on this store: started_at, finished_at, status, seconds
    since it finished, incidents, alerts_sent, message), ``sources`` (a DataFrame: source, status, lag in
    minutes, covered_until, new, errors, last_error — from the last cycle), ``alerts_sent_24h`` and
    ``cycles_24h``. Reads a handful of rows; a store written before ``watch`` existed has no such table.
    """
    now = now or dt.datetime.now(dt.UTC)
    last, day = runs.last_cycle(store, since=to_db(now - dt.timedelta(days=1)))
    if last is None or last.empty:
        return {"last": None, "sources": pd.DataFrame(), "alerts_sent_24h": 0, "cycles_24h": 0}
    row = last.iloc[0]
    rows = []
    for name, s in sorted(json.loads(row["sources"] or "{}").items()):
        lag = s.get("lag_seconds")
        rows.append({"source": name, "status": s.get("status"),
                     "lag_minutes": None if lag is None else round(lag / 60, 1),
                     "covered_until": pd.Timestamp(s["covered_until"]) if s.get("covered_until") else pd.NaT,
                     "new": s.get("new", 0), "errors": s.get("errors", 0), "last_error": s.get("error")})
    finished = pd.Timestamp(row["finished_at"])
    return {
        "last": {"started_at": pd.Timestamp(row["started_at"]), "finished_at": finished, "status": row["status"],
                 "seconds_ago": max(0.0, (pd.Timestamp(now) - finished).total_seconds()),
                 "incidents": int(row["incidents"]), "alerts_sent": int(row["alerts_sent"]),
                 "message": row["message"], "problems": json.loads(row["problems"]) if row["problems"] else []},
        "sources": pd.DataFrame(rows),
        "alerts_sent_24h": int(day["sent"].iat[0]),
        "cycles_24h": int(day["cycles"].iat[0]),
    }
