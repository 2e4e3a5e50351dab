"""Collecting: sources → local query match → the store, one page per transaction with its cursor.

For every API search a source plans, the cursor ``(source, "<host>|<search>")`` holds JSON::

    {"since": "...", "until": "...", "state": {...source's own...} | null, "complete": true | false}

Each page's mentions and the cursor that follows it are written in one transaction
(``ingest.write_mentions(..., cursors=...)``), so a run killed at any point leaves the store at a page
boundary, and the next run resumes from the page after the last one stored. Mentions are upserted by
``(source, id)``, so a page fetched twice (a retry, a resumed run, an overlap) changes nothing but
engagement counts.

Which span a run covers: an unfinished span is resumed (unless another span is asked for); after a finished
one, the next run starts ``overlap`` before its end (late-indexed posts) and runs to now; the first run
starts ``since`` ago (default 7 days). Every run is recorded in ``collector_runs`` for the Sources page.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from collectors import source as make_source
from collectors.base import Source
from collectors.query import BrandMatcher, Document, Query, parse_query
from viralscope import ingest
from viralscope.contract import Mention
from viralscope.errors import (
    CollectorError,
    ConfigError,
    NotConfigured,
    QueryError,
    RateLimited,
    ViralscopeError,
)
from viralscope.store import Store

log = logging.getLogger(__name__)

DEFAULT_LOOKBACK = "7d"
DEFAULT_OVERLAP = "10m"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str | int | float, what: str = "duration") -> dt.timedelta:
    """``15m``, ``2h``, ``7d``, ``1w`` or a number of seconds."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        return dt.timedelta(seconds=float(text))
    m = _DURATION.match(str(text))
    if not m:
        raise ConfigError(f"{what}: {text!r} is not a duration (e.g. 15m, 2h, 7d)")
    return dt.timedelta(seconds=float(m.group(1)) * _UNITS[m.group(2)])


def parse_time(text: str | dt.datetime | dt.date, what: str, *, now: dt.datetime | None = None) -> dt.datetime:
    """An ISO date or datetime (naive means UTC), or a duration ago (``7d``), as an aware UTC datetime."""
    if isinstance(text, dt.datetime):
        return text.astimezone(dt.UTC) if text.tzinfo else text.replace(tzinfo=dt.UTC)
    if isinstance(text, dt.date):
        return dt.datetime(text.year, text.month, text.day, tzinfo=dt.UTC)
    if _DURATION.match(str(text)):
        return (now or _now()) - parse_duration(text, what)
    try:
        value = dt.datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(f"{what}: {text!r} is not a date or time (YYYY-MM-DD[THH:MM[:SS]] or e.g. 7d)") from None
    return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).isoformat()


@dataclass
class RunResult:
    """What one source's run did (also one row of ``collector_runs``)."""

    source: str
    query: str = ""
    status: str = "ok"  # ok | partial | rate_limited | failed | skipped
    new: int = 0
    updated: int = 0
    kept: int = 0  # mentions written (new, updated or unchanged)
    dropped: int = 0  # returned by the API but not matching the query locally (or outside the span)
    pages: int = 0
    errors: int = 0
    message: str = ""
    rate_limit: dict = field(default_factory=dict)
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def line(self) -> str:
        head = f"{self.source}: {self.status}"
        if self.status == "skipped":
            return self.message if self.message.startswith(head) else f"{head}: {self.message}"
        text = (f"{head}: {self.kept:,} mentions ({self.new:,} new, {self.updated:,} updated) from "
                f"{self.pages:,} pages; {self.dropped:,} not matching dropped")
        if self.errors:
            text += f"; {self.errors:,} retried errors"
        return text + (f"; {self.message}" if self.message else "")


@dataclass
class Filter:
    """The local half of a query: which parsed mentions are kept, and which brand each is tagged with."""

    query: Query
    brands: BrandMatcher | None = None
    brand: str | None = None  # tag every kept mention with this name instead
    thread_context: bool = False  # keep replies in the thread of a kept mention even when they do not match
    kept_brand: dict = field(default_factory=dict)  # id -> brand of mentions kept in this run

    def apply(self, mentions: list[Mention], since: dt.datetime, until: dt.datetime) -> tuple[list[Mention], int]:
        from collectors.base import utc

        inside = [m for m in mentions if since <= utc(m.created_at) < until]
        outside = {m.id: m for m in mentions if not since <= utc(m.created_at) < until}
        kept: dict[str, Mention] = {}
        pending = []
        for m in inside:
            doc = Document(m.text)
            if self.query.matches(doc):
                self._tag(m, doc)
                kept[m.id] = m
                self.kept_brand[m.id] = m.brand
            else:
                pending.append(m)
        # An earlier post that the page brought along as the parent of a kept one (X's includes, a thread's
        # ancestors) is the root of its cascade: kept if it matches, whatever the span.
        frontier = [m.parent_id for m in kept.values()]
        while frontier:
            parent = outside.pop(frontier.pop(), None)
            if parent is not None:
                doc = Document(parent.text)
                if self.query.matches(doc):
                    self._tag(parent, doc)
                    kept[parent.id] = parent
                    self.kept_brand[parent.id] = parent.brand
                    frontier.append(parent.parent_id)
        # A reshare carries its original's words; with thread_context a reply carries its thread's topic.
        follows = ("share", "reply", "quote") if self.thread_context else ("share",)
        changed = True
        while changed:
            changed = False
            for m in list(pending):
                if m.kind in follows and m.parent_id in self.kept_brand:
                    m.brand = m.brand or self.brand or self.kept_brand[m.parent_id]
                    if m.kind != "share":
                        m.extra = {**m.extra, "matched": "thread"}
                    kept[m.id] = m
                    self.kept_brand[m.id] = m.brand
                    pending.remove(m)
                    changed = True
        return list(kept.values()), len(mentions) - len(kept)

    def _tag(self, m: Mention, doc: Document) -> None:
        if self.brand:
            m.brand = self.brand
            return
        if self.brands is None:
            return
        names = self.brands.tag(doc)
        if names:
            m.brand = names[0]
            if len(names) > 1:
                m.extra = {**m.extra, "brands": names}


def cursor_key(src: Source, search: str) -> str:
    return f"{src.host}|{search}"


def collect(
    store: Store,
    src: Source,
    query: str | Query,
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int | None = None,
    brands: BrandMatcher | None = None,
    brand: str | None = None,
    progress: Callable[[str, int], None] | None = None,
    now: dt.datetime | None = None,
) -> RunResult:
    """Collect one source for ``query``; returns what happened (and records it in ``collector_runs``).

    Errors a retry cannot mend end the run with status ``failed`` (or ``rate_limited``); what was stored
    before stays, with its cursor, so the next run resumes there.
    """
    q = query if isinstance(query, Query) else parse_query(query)
    result = RunResult(src.name, q.text)
    _start_run(store, result)
    settings = src.settings
    filt = Filter(q, brands, brand, bool(settings.get("thread_context", False)))
    now = now or _now()
    src.relevant = q.matches
    src.counters = {k: ingest.read_cursor(store, src.name, k) for k in src.counter_keys()}
    loaded = dict(src.counters)
    try:
        searches = src.plan(q)
        for search in searches:
            done = _collect_search(store, src, search, filt, result, since=since, until=until, limit=limit,
                                   progress=progress, now=now)
            if not done:
                break
    except RateLimited as exc:
        result.status, result.message = "rate_limited", str(exc)
    except (CollectorError, QueryError, ConfigError) as exc:
        result.status, result.message = "failed", str(exc)
    except ViralscopeError as exc:  # e.g. the API sent something the contract refuses
        result.status, result.message = "failed", str(exc)
    except KeyboardInterrupt:
        result.status, result.message = "interrupted", "stopped by the user; the next run resumes from here"
        raise
    except Exception as exc:  # an answer shaped unlike the API's documentation, or a bug: keep other sources going
        log.exception("%s: unexpected error", src.name)
        result.status = "failed"
        result.message = src.session.redact(
            f"{src.name}: unexpected {type(exc).__name__}: {exc} (an API change or a bug; please report it)"
        )
    finally:
        if src.counters != loaded:
            # Units spent on requests whose page was not stored (a failure mid-page) still count.
            ingest.write_mentions(store, [], origin=src.name,
                                  cursors={(src.name, k): v for k, v in src.counters.items() if v is not None})
        result.errors += src.session.retried
        result.rate_limit = src.rate_limit_state()
        _finish_run(store, result)
    return result


def _collect_search(store, src: Source, search: str, filt: Filter, result: RunResult, *, since, until, limit,
                    progress, now) -> bool:
    """One API search, page by page. False when the run must stop here (the limit was reached)."""
    key = cursor_key(src, search)
    stored = ingest.read_cursor(store, src.name, key)
    stored = json.loads(stored) if stored else None
    explicit = since is not None or until is not None
    state = None
    if stored and not stored.get("complete") and (
        not explicit or (since and until and _iso(since) == stored["since"] and _iso(until) == stored["until"])
    ):
        span_since, span_until = parse_time(stored["since"], "cursor"), parse_time(stored["until"], "cursor")
        state = stored.get("state")
    else:
        overlap = parse_duration(src.settings.get("overlap", DEFAULT_OVERLAP), f"[sources.{src.name}].overlap")
        if since is not None:
            span_since = since
        elif stored and stored.get("complete"):
            span_since = parse_time(stored["until"], "cursor") - overlap
        else:
            span_since = parse_time(src.settings.get("since", DEFAULT_LOOKBACK), f"[sources.{src.name}].since", now=now)
        span_until = min(until, now) if until is not None else now
    if span_since >= span_until:
        return True

    def cursor(page_state) -> dict:
        value = {"since": _iso(span_since), "until": _iso(span_until), "state": page_state,
                 "complete": page_state is None}
        return {(src.name, key): json.dumps(value, sort_keys=True)}

    last_state = state
    for page in src.fetch(search, span_since, span_until, state=state):
        mentions = src.parse(page.payload)
        kept, dropped = filt.apply(mentions, span_since, span_until)
        result.dropped += dropped
        stop = limit is not None and result.kept + len(kept) >= limit
        counters = {(src.name, k): v for k, v in page.counters.items()}
        if stop:
            # Store exactly up to the limit with the cursor *before* this page: the next run fetches it again.
            kept = kept[: limit - result.kept]
            summary = ingest.write_mentions(store, kept, origin=src.name, cursors={**cursor(last_state), **counters})
        else:
            summary = ingest.write_mentions(store, kept, origin=src.name, cursors={**cursor(page.state), **counters})
        result.pages += 1
        result.kept += len(kept)
        result.new += summary.inserted
        result.updated += summary.updated
        if progress:
            progress(page.note, len(kept))
        if stop:
            result.status, result.message = "partial", f"stopped at --limit {limit}; the next run continues"
            return False
        last_state = page.state
    return True


# -- collector_runs ------------------------------------------------------------------------------------


def _stamp() -> dt.datetime:
    """When a run starts or ends, to the microsecond (runs in the same second must still be ordered)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _start_run(store: Store, result: RunResult) -> None:
    store.ensure()
    with store.write() as con:
        # A run of this source still marked running was killed: say so rather than leave it running forever.
        con.execute(
            "UPDATE collector_runs SET status = 'interrupted' WHERE source = ? AND status = 'running'",
            [result.source],
        )
        con.execute(
            "INSERT INTO collector_runs (run_id, source, query, started_at, status, mentions_new, mentions_updated,"
            " pages, errors) VALUES (?, ?, ?, ?, 'running', 0, 0, 0, 0)",
            [result.run_id, result.source, result.query, _stamp()],
        )


def _finish_run(store: Store, result: RunResult) -> None:
    with store.write() as con:
        con.execute(
            """UPDATE collector_runs SET finished_at = ?, status = ?, mentions_new = ?, mentions_updated = ?,
                   pages = ?, errors = ?, last_error = ?, rate_limit = ? WHERE run_id = ?""",
            [
                _stamp(), result.status, result.new, result.updated, result.pages,
                result.errors + (1 if result.status in ("failed", "rate_limited") else 0),
                result.message or None, json.dumps(result.rate_limit) if result.rate_limit else None,
                result.run_id,
            ],
        )


def record_skip(store: Store, name: str, message: str, query: str = "") -> RunResult:
    """A source that could not start (no credentials): one row so the Sources page says why."""
    result = RunResult(name, query, status="skipped", message=message)
    store.ensure()
    with store.write() as con:
        now = _stamp()
        con.execute(
            "INSERT INTO collector_runs (run_id, source, query, started_at, finished_at, status, mentions_new,"
            " mentions_updated, pages, errors, last_error) VALUES (?, ?, ?, ?, ?, 'skipped', 0, 0, 0, 0, ?)",
            [result.run_id, name, query, now, now, message],
        )
    return result


# -- from the configuration ----------------------------------------------------------------------------


def default_query(config) -> str | None:
    """The OR of the tracked brands' queries (brand and competitors)."""
    parts = [b.query or f'"{b.name}"' for b in config.brands]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else " OR ".join(f"({p})" for p in parts)


def collect_source(
    store: Store,
    name: str,
    config,
    *,
    query: str | None = None,
    base_url: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int | None = None,
    brand: str | None = None,
    progress=None,
) -> RunResult:
    """Build source ``name`` from ``[sources.<name>]`` and collect; no credentials → a skipped result."""
    settings = dict(config.sources.get(name) or {})
    text = query or settings.get("query") or default_query(config)
    if not text:
        raise ConfigError(f"{name}: no query: give --query, [sources.{name}].query or a [brand] query")
    q = parse_query(text)  # before anything else: a malformed query is the user's first thing to fix
    brands = BrandMatcher.from_config(config) if config.brands else None
    try:
        src = make_source(name, settings, base_url=base_url)
    except NotConfigured as exc:
        return record_skip(store, name, str(exc), text)
    return collect(store, src, q, since=since, until=until, limit=limit, brands=brands, brand=brand,
                   progress=progress)


def configured_sources(config) -> list[str]:
    """The sources the configuration enables, in its order."""
    out = []
    for name, table in config.sources.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{config.origin}: [sources.{name}] must be a table")
        if table.get("enabled", True):
            out.append(name)
    return out


# -- for the Sources page ------------------------------------------------------------------------------


def source_status(store: Store) -> pd.DataFrame:
    """Per source: its last run (when, status, error, rate-limit state), and totals over all runs.

    Columns: ``source, last_started_at, last_finished_at, last_status, last_error, last_rate_limit (JSON),
    last_new, last_updated, runs, mentions_new, errors, mentions_stored``. Aggregated in the database.
    """
    store.ensure()
    return store.query(
        """
        WITH ranked AS (
            SELECT *, row_number() OVER (PARTITION BY source ORDER BY started_at DESC, run_id) AS r
            FROM collector_runs
        ), totals AS (
            SELECT source, count(*) AS runs, sum(mentions_new) AS mentions_new, sum(errors) AS errors
            FROM collector_runs GROUP BY source
        ), stored AS (
            SELECT source, count(*) AS mentions_stored FROM mentions GROUP BY source
        )
        SELECT l.source, l.started_at AS last_started_at, l.finished_at AS last_finished_at,
               l.status AS last_status, l.last_error, l.rate_limit AS last_rate_limit,
               l.mentions_new AS last_new, l.mentions_updated AS last_updated,
               t.runs, t.mentions_new, t.errors, coalesce(s.mentions_stored, 0) AS mentions_stored
        FROM ranked l JOIN totals t USING (source) LEFT JOIN stored s USING (source)
        WHERE l.r = 1
        ORDER BY l.source
        """
    )
