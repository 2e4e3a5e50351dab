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
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from collectors import source as make_source
from collectors.base import Paced, Skipped, Source, parse_duration, utc
from collectors.query import BrandMatcher, Document, Query, parse_query
from viralscope import ingest
from viralscope.core.contract import Mention
from viralscope.core.errors import (
    CollectorError,
    ConfigError,
    InputError,
    NotConfigured,
    QueryError,
    RateLimited,
    ViralscopeError,
)
from viralscope.store import Store, runs

log = logging.getLogger(__name__)

DEFAULT_LOOKBACK = "7d"
DEFAULT_OVERLAP = "10m"


def parse_time(text: str | dt.datetime | dt.date, what: str, *, now: dt.datetime | None = None) -> dt.datetime:
    """An ISO date or datetime (naive means UTC), or a duration ago (``7d``), as an aware UTC datetime."""
    if isinstance(text, dt.datetime):
        return text.astimezone(dt.UTC) if text.tzinfo else text.replace(tzinfo=dt.UTC)
    if isinstance(text, dt.date):
        return dt.datetime(text.year, text.month, text.day, tzinfo=dt.UTC)
    if isinstance(text, str) and _is_duration(text):
        return (now or _now()) - parse_duration(text, what)
    try:
        value = dt.datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(f"{what}: {text!r} is not a date or time (YYYY-MM-DD[THH:MM[:SS]] or e.g. 7d)") from None
    return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _is_duration(text: str) -> bool:
    try:
        parse_duration(text)
    except ConfigError:
        return False
    return True


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).isoformat()


@dataclass
class RunResult:
    """What one source's run did (also one row of ``collector_runs``)."""

    source: str
    query: str = ""
    status: str = "ok"  # ok | partial | waiting | rate_limited | failed | skipped | interrupted
    new: int = 0
    updated: int = 0
    kept: int = 0  # mentions written (new, updated or unchanged)
    dropped: int = 0  # returned by the API but not matching the query locally (or outside the span)
    pages: int = 0
    errors: int = 0
    message: str = ""
    rate_limit: dict = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)  # items left out, each with its id and why
    notes: list[str] = field(default_factory=list)  # what the source could not do, and what to set
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    started_at: dt.datetime | None = field(default=None, repr=False)
    recorded: bool = field(default=False, repr=False)  # its row is in collector_runs (as running)

    @property
    def counted_errors(self) -> int:
        """Errors as ``collector_runs`` and the heartbeat count them: the retried ones, plus the run itself when it
        ended failed or rate limited."""
        return self.errors + (1 if self.status in ("failed", "rate_limited") else 0)

    def line(self) -> str:
        head = f"{self.source}: {self.status}"
        if self.status == "skipped":
            return self.message if self.message.startswith(head) else f"{head}: {self.message}"
        text = (f"{head}: {self.kept:,} mentions ({self.new:,} new, {self.updated:,} updated) from "
                f"{self.pages:,} pages; {self.dropped:,} not matching dropped")
        if self.errors:
            text += f"; {self.errors:,} retried errors"
        return text + (f"; {self.detail()}" if self.detail() else "")

    def detail(self) -> str:
        """The notes, the error and the skipped items in one line (``collector_runs.last_error``)."""
        parts = [*self.notes, self.message] if self.message else list(self.notes)
        if self.skipped:
            shown = "; ".join(str(s) for s in self.skipped[:SHOW_SKIPPED])
            more = len(self.skipped) - SHOW_SKIPPED
            parts.append(f"{len(self.skipped):,} items skipped ({shown}{f'; and {more:,} more' if more > 0 else ''})")
        return "; ".join(parts)


#: How many skipped items a run's summary names (the count is always complete; the log has every one).
SHOW_SKIPPED = 3
#: A page whose payload cannot be read at all is fetched again by this many runs, then left out.
PAGE_ATTEMPTS = 3


@dataclass
class Filter:
    """The local half of a query: which parsed mentions are kept, and which brand each is tagged with."""

    query: Query
    brands: BrandMatcher | None = None
    brand: str | None = None  # tag every kept mention with this name instead
    thread_context: bool = False  # keep replies in the thread of a kept mention even when they do not match
    kept_brand: dict = field(default_factory=dict)  # id -> brand of mentions kept in this run

    def apply(self, mentions: list[Mention], since: dt.datetime, until: dt.datetime) -> tuple[list[Mention], int]:
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
    written: dict | None = None,
    finished: list | None = None,
) -> RunResult:
    """Collect one source for ``query``; returns what happened (and records it in ``collector_runs``).

    ``written`` (kept by a long-running caller between runs of the same source) remembers what was written:
    a mention read again exactly as it was written (the overlap re-reads the last minutes every run) is not
    written again, which would change nothing but hold the store's lock.

    Errors a retry cannot mend end the run with status ``failed`` (or ``rate_limited``); what was stored
    before stays, with its cursor, so the next run resumes there. Credentials that cannot do what the query
    needs end it as ``skipped``, saying what to set; a source pacing a daily budget ends it as ``waiting``.
    One bad item is left out and listed (``RunResult.skipped``); the rest of its page is stored.
    """
    q = query if isinstance(query, Query) else parse_query(query)
    result = RunResult(src.name, q.text)
    settings = src.settings
    filt = Filter(q, brands, brand, bool(settings.get("thread_context", False)))
    now = now or src.clock.now()
    src.relevant = q.matches
    src.notes = []
    cursors = _begin(store, result)
    src.counters = {k: cursors.get(k) for k in src.counter_keys()}
    loaded = dict(src.counters)
    retried_before = src.session.retried  # a kept session counts across runs; this run's share is the difference
    run = _Run(store, src, filt, result, progress, written)
    try:
        src.ready(q)
        for search in src.plan(q):
            done = run.search(search, cursors.get(cursor_key(src, search)), since=since, until=until, limit=limit,
                              now=now)
            if not done:
                break
    except NotConfigured as exc:  # found out by asking (a Mastodon app token): say what to set, once
        result.status, result.message = "skipped", str(exc)
    except Paced as exc:
        result.status, result.message = "waiting", str(exc)
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
        # Cursors of pages that kept nothing, and units spent on requests whose page was not stored (a
        # failure mid-page), are written with the run's record, in one transaction.
        counters = {(src.name, k): v for k, v in src.counters.items() if v is not None and v != loaded.get(k)}
        result.notes = list(dict.fromkeys(src.notes))
        result.errors += src.session.retried - retried_before
        result.rate_limit = src.rate_limit_state()
        for item in result.skipped:
            log.warning("%s: skipped %s", src.name, item)
        ending = (result, {**run.pending, **counters})
        if finished is None:
            _finish_runs(store, [ending])
        else:
            finished.append(ending)
    return result


#: How many written mentions a long-running caller remembers per source (a few runs' overlap, with room).
REMEMBER_WRITTEN = 20_000


class _Run:
    """One run of one source: its searches page by page, and the cursors waiting to be written."""

    def __init__(self, store: Store, src: Source, filt: Filter, result: RunResult, progress, written=None):
        self.store, self.src, self.filt, self.result, self.progress = store, src, filt, result, progress
        self.pending: dict = {}  # cursors of pages that kept nothing: written with the next write, or the run's end
        self.written = written

    def _fresh(self, kept: list[Mention]) -> list[Mention]:
        """The mentions not written before exactly as they are now."""
        if self.written is None:
            return kept
        return [m for m in kept if self.written.get(m.id) != _fingerprint(m)]

    def _remember(self, kept: list[Mention]) -> None:
        if self.written is None:
            return
        for m in kept:
            self.written.pop(m.id, None)
            self.written[m.id] = _fingerprint(m)
        while len(self.written) > REMEMBER_WRITTEN:
            del self.written[next(iter(self.written))]

    def write(self, kept: list[Mention], cursors: dict):
        """``kept`` with ``cursors`` (and the ones waiting) in one transaction; a mention the contract refuses
        is left out and listed, not the page."""
        kept = self._fresh(kept)
        if not kept:
            self.pending.update(cursors)
            return None
        if not self.result.recorded:
            _mark_running(self.store, self.result)
        cursors = {**self.pending, **cursors}
        try:
            summary = ingest.write_mentions(self.store, kept, origin=self.src.name, cursors=cursors)
        except InputError as exc:
            bad = {p.line for p in exc.problems if p.line}
            if not bad or exc.total > len(exc.problems):
                raise
            for p in exc.problems:
                self.result.skipped.append(Skipped(kept[p.line - 1].id, f"{p.field}: {p.why}" if p.field else p.why))
            kept = [m for i, m in enumerate(kept, 1) if i not in bad]
            summary = ingest.write_mentions(self.store, kept, origin=self.src.name, cursors=cursors)
        self.pending = {}
        self._remember(kept)
        return summary

    def search(self, search: str, stored: str | None, *, since, until, limit, now) -> bool:
        """One API search, page by page. False when the run must stop here (the limit was reached)."""
        src, result = self.src, self.result
        key = cursor_key(src, search)
        stored = json.loads(stored) if stored else None
        explicit = since is not None or until is not None
        state = None
        attempts = 0
        if stored and not stored.get("complete") and (
            not explicit or (since and until and _iso(since) == stored["since"] and _iso(until) == stored["until"])
        ):
            span_since, span_until = parse_time(stored["since"], "cursor"), parse_time(stored["until"], "cursor")
            state = stored.get("state")
            attempts = int(stored.get("attempts") or 0)
        else:
            overlap = parse_duration(src.settings.get("overlap", DEFAULT_OVERLAP), f"[sources.{src.name}].overlap")
            if since is not None:
                span_since = since
            elif stored and stored.get("complete"):
                span_since = parse_time(stored["until"], "cursor") - overlap
            else:
                span_since = parse_time(src.settings.get("since", DEFAULT_LOOKBACK), f"[sources.{src.name}].since",
                                        now=now)
            span_until = min(until, now) if until is not None else now
            span_since, span_until = src.span(search, span_since, span_until)
        if span_since >= span_until:
            return True

        def cursor(page_state, tries: int = 0) -> dict:
            value = {"since": _iso(span_since), "until": _iso(span_until), "state": page_state,
                     "complete": page_state is None}
            if tries:
                value["attempts"] = tries
            return {(src.name, key): json.dumps(value, sort_keys=True)}

        last_state = state
        for page in src.fetch(search, span_since, span_until, state=state):
            counters = {(src.name, k): v for k, v in page.counters.items()}
            result.skipped.extend(page.skipped)
            try:
                mentions = src.parse(page.payload)
            except Exception as exc:  # a payload unlike the API's documentation, not one bad item
                attempts += 1
                why = src.session.redact(f"unreadable page ({type(exc).__name__}: {exc})")
                if attempts < PAGE_ATTEMPTS:
                    at = last_state if last_state is not None else {}  # {}: the span's start, not its end
                    self.write([], {**cursor(at, attempts), **counters})
                    raise CollectorError(f"{src.name}: {page.note or 'a page'}: {why}; tried {attempts} of "
                                         f"{PAGE_ATTEMPTS} times, then it is left out") from None
                result.skipped.append(Skipped(f"page {page.note}".strip(), f"{why}; left out after {attempts} runs"))
                mentions = []
            attempts = 0
            result.skipped.extend(getattr(mentions, "skipped", ()))
            timeless = [m for m in mentions if utc(m.created_at) is None]
            result.skipped.extend(Skipped(m.id, "no time") for m in timeless)
            mentions = [m for m in mentions if utc(m.created_at) is not None]
            kept, dropped = self.filt.apply(mentions, span_since, span_until)
            result.dropped += dropped
            stop = limit is not None and result.kept + len(kept) >= limit
            if stop:
                # Store exactly up to the limit with the cursor *before* this page: the next run fetches it again.
                kept = kept[: limit - result.kept]
                summary = self.write(kept, {**cursor(last_state), **counters})
            else:
                summary = self.write(kept, {**cursor(page.state), **counters})
            result.pages += 1
            result.kept += len(kept)
            if summary is not None:
                result.new += summary.inserted
                result.updated += summary.updated
            if self.progress:
                self.progress(page.note, len(kept))
            if stop:
                result.status, result.message = "partial", f"stopped at --limit {limit}; the next run continues"
                return False
            last_state = page.state
        return True


# -- collector_runs ------------------------------------------------------------------------------------


def _stamp() -> dt.datetime:
    """When a run starts or ends, to the microsecond (runs in the same second must still be ordered)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _begin(store: Store, result: RunResult) -> dict[str, str]:
    """Every cursor of the run's source. The run is recorded as running only when it first writes mentions
    (``_mark_running``): most runs of a one-minute loop find nothing new and cost the store one write."""
    store.ensure()
    result.started_at = _stamp()
    return {key: value for _, key, value in runs.cursors(store, result.source)}


def _mark_running(store: Store, result: RunResult) -> None:
    """Record the run as running before its first mentions are written (a killed run then shows as one)."""
    # A run of this source still marked running was killed: it says so rather than stay running forever.
    runs.mark_running(store, result.run_id, result.source, result.query, result.started_at)
    result.recorded = True


_FIELDS = [f for f in Mention.__dataclass_fields__ if f != "extra"]


def _fingerprint(m: Mention) -> str:
    """Everything the store would hold of ``m``, as text (equal text: writing it again changes nothing)."""
    return json.dumps([[getattr(m, f) for f in _FIELDS], m.extra], sort_keys=True, default=str)


def _finish_runs(store: Store, finished: list[tuple[RunResult, dict]]) -> None:
    """Record how runs ended, with the cursors still to write (pages that kept nothing), in one transaction.

    A long-running loop records a whole cycle's runs at once: one short write a minute rather than one per
    source, and the dashboard waits for the store's lock that much less.
    """
    cursors = {k: v for _, c in finished for k, v in (c or {}).items()}
    fresh = [r for r, _ in finished if not r.recorded]
    runs.finish_runs(
        store, cursors,
        [(*_ending(r), r.run_id, r.source, r.query, r.started_at or _stamp()) for r in fresh],
        [(*_ending(r), r.run_id) for r, _ in finished if r not in fresh],
        at=_stamp(),
    )
    for r in fresh:
        r.recorded = True


def _ending(r: RunResult) -> list:
    return [_stamp(), r.status, r.new, r.updated, r.pages, r.counted_errors,
            r.detail() or None, json.dumps(r.rate_limit) if r.rate_limit else None]


def record_skip(store: Store, name: str, message: str, query: str = "") -> RunResult:
    """A source that could not start (no credentials): one row so the Sources page says why."""
    result = RunResult(name, query, status="skipped", message=message)
    store.ensure()
    runs.record_skip(store, result.run_id, name, query, message, at=_stamp())
    return result


# -- from the configuration ----------------------------------------------------------------------------


def default_query(config) -> str | None:
    """The OR of the tracked brands' queries (brand and competitors)."""
    parts = [b.query or f'"{b.name}"' for b in config.brands]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else " OR ".join(f"({p})" for p in parts)


def _query_of(name: str, config, query: str | None) -> Query:
    settings = config.sources.get(name) or {}
    text = query or settings.get("query") or default_query(config)
    if not text:
        raise ConfigError(f"{name}: no query: give --query, [sources.{name}].query or a [brand] query")
    return parse_query(text)  # before anything else: a malformed query is the user's first thing to fix


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
    q = _query_of(name, config, query)
    brands = BrandMatcher.from_config(config) if config.brands else None
    try:
        src = make_source(name, dict(config.sources.get(name) or {}), base_url=base_url)
    except NotConfigured as exc:
        return record_skip(store, name, str(exc), q.text)
    return collect(store, src, q, since=since, until=until, limit=limit, brands=brands, brand=brand,
                   progress=progress)


class Collection:
    """Every configured source, each built once and kept from one cycle to the next.

    What a long-running loop calls once a cycle: ``run()`` collects each source from its own cursor. A kept
    source keeps its HTTP session and its login, refreshing the login before it expires, so a day of
    one-minute cycles logs in to Bluesky once rather than 1,440 times. A source that cannot run (missing
    credentials, or credentials that cannot do what the query needs) says what to set in the first cycle
    only, and is left out of the next ones.
    """

    def __init__(self, store: Store, config, *, names: list[str] | None = None, query: str | None = None,
                 base_urls: dict[str, str] | None = None, clock=None, sessions=None, progress=None):
        self.store, self.config, self.clock, self.sessions = store, config, clock, sessions
        self.names = list(names) if names is not None else configured_sources(config)
        self.queries = {name: _query_of(name, config, query) for name in self.names}
        self.brands = BrandMatcher.from_config(config) if config.brands else None
        self.base_urls = dict(base_urls or {})
        self.progress = progress
        self.sources: dict[str, Source] = {}
        self.written: dict[str, dict] = {}  # per source: what was written, so unchanged re-reads are not
        self.silenced: set[str] = set()  # said once what to set; not run again

    def source(self, name: str) -> Source:
        if name not in self.sources:
            self.sources[name] = make_source(name, dict(self.config.sources.get(name) or {}),
                                             base_url=self.base_urls.get(name), clock=self.clock,
                                             sessions=self.sessions)
        return self.sources[name]

    def run(self) -> list[RunResult]:
        """One cycle: every source still able to run, in configuration order; their records written at the end
        in one transaction (mentions and their cursors are written as each page arrives)."""
        out, finished = [], []
        try:
            for name in self.names:
                if name in self.silenced:
                    continue
                try:
                    src = self.source(name)
                except NotConfigured as exc:
                    self.silenced.add(name)
                    out.append(record_skip(self.store, name, str(exc), self.queries[name].text))
                    continue
                result = collect(self.store, src, self.queries[name], brands=self.brands, progress=self.progress,
                                 written=self.written.setdefault(name, {}), finished=finished)
                if result.status == "skipped":
                    self.silenced.add(name)
                out.append(result)
        finally:
            if finished:
                _finish_runs(self.store, finished)
        return out


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
    """Per source: its last run and totals over all runs (:func:`viralscope.store.runs.source_status`)."""
    store.ensure()
    return runs.source_status(store)
