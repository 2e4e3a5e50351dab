"""The shape every source has (scrapy's spider, reduced): settings in, raw pages out, a pure ``parse``.

A source is built from its ``[sources.<name>]`` settings and the environment (``from_settings``), checks
once that its credentials can do what the query needs (``ready``), plans the API searches a Boolean query
needs (``plan``), and for each one ``fetch(search, since, until, state=…)`` yields ``Page`` objects: the raw
payload and the state to resume from once that page is stored. ``parse(payload)`` turns a payload into
``Mention`` objects with no HTTP inside, so recorded payloads test it directly. Nothing here touches the
store; ``viralscope.collecting`` composes sources with it.

One bad item never costs the page: ``parse`` builds each item on its own (``each``) and returns the ones
it could build, listing the others in ``Parsed.skipped`` with their id and why; ``fetch`` does the same for
an item it cannot fetch (one video whose comments are turned off) in ``Page.skipped``.

A source object may live for many runs (a long-running loop keeps one per source): it keeps its HTTP
session and its login (``collectors.sessions``) between them.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import ClassVar

from collectors.http import (
    HttpPolicy,
    PoliteSession,
    RateLimitHeaders,
    as_clock,
    make_session,
    rebase,
    request,
)
from collectors.query import Query, Syntax
from collectors.sessions import SessionCache
from viralscope.core.contract import Mention
from viralscope.core.errors import ConfigError, NotConfigured, RateLimited
from viralscope.core.settings import secret


@dataclass(frozen=True)
class Skipped:
    """An item left out, and why (an unreadable timestamp, a video whose comments are turned off)."""

    item: str
    why: str

    def __str__(self) -> str:
        return f"{self.item}: {self.why}"


class Parsed(list):
    """What ``parse`` returns: the mentions it could build, and ``skipped``, the items it could not."""

    def __init__(self, mentions=(), skipped=()):
        super().__init__(mentions)
        self.skipped: list[Skipped] = list(skipped)


class Expired(Exception):
    """The API refused a login token (expired or revoked): renew the login and ask again."""


class Paced(RateLimited):
    """Not an error: the source spreads a budget (a daily quota) over time, and this run's share is spent.

    The run stops cleanly; its cursor is kept and the next run goes on from there.
    """


@dataclass
class Page:
    """One unit of progress: a raw payload and where to resume once it is stored (None: search finished)."""

    payload: object
    state: dict | None
    note: str = ""  # e.g. "window 2026-01-01..2026-01-02 page 3", for progress
    counters: dict = field(default_factory=dict)  # cursor key -> value to store with this page (quota spent)
    skipped: list[Skipped] = field(default_factory=list)  # items of this page that could not be fetched


class Source:
    """Base of every source; subclasses set the class attributes and write ``fetch`` and ``parse``."""

    name: ClassVar[str]
    default_base: ClassVar[str]
    #: Environment variables that must be set; the source is skipped, naming the first missing one.
    credentials: ClassVar[tuple[str, ...]] = ()
    rate_limits: ClassVar[RateLimitHeaders | None] = None
    #: The documented limits, as a policy; ``[sources.<name>]`` may change any field.
    policy: ClassVar[HttpPolicy] = HttpPolicy()
    syntax: ClassVar[Syntax]
    #: Keys of ``[sources.<name>]`` this source reads besides the policy (anything else is a typo).
    options: ClassVar[dict[str, object]] = {}

    def __init__(self, settings: dict | None = None, *, base_url: str | None = None,
                 session: PoliteSession | None = None, clock=None, sessions: SessionCache | None = None):
        settings = dict(settings or {})
        where = f"[sources.{self.name}]"
        known = {"enabled", "query", "base_url", "since", "overlap", "thread_context", *self.options,
                 *HttpPolicy.__dataclass_fields__}
        unknown = sorted(set(settings) - known)
        if unknown:
            raise ConfigError(f"{where}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(known))})")
        self.settings = {**self.options, **settings}
        self.base_url = base_url or settings.get("base_url") or None
        self.secrets = {var: secret(var) for var in self.credentials}
        missing = [var for var, value in self.secrets.items() if not value]
        if missing:
            raise NotConfigured(f"{self.name}: skipped: set {missing[0]} in the environment")
        #: The time, as the API sees it (injected in tests that replay recorded days or simulate one).
        self.clock = as_clock(clock)
        self.session = session or make_session(
            type(self).policy.updated(settings, where), self.rate_limits, secrets=self.secrets.values(),
            clock=self.clock,
        )
        for value in self.secrets.values():
            self.session.add_secret(value)
        #: Where login sessions outlive this object (the next process reads them).
        self.sessions = sessions if sessions is not None else SessionCache.default()
        #: Running totals kept in the store across runs (see ``counter_keys``), loaded before fetching.
        self.counters: dict[str, str | None] = {}
        #: What the run should say besides its counts (a search it could not do, and what to set), per run.
        self.notes: list[str] = []

    def counter_keys(self) -> list[str]:
        """Cursor keys of running totals this source needs from earlier runs (e.g. today's quota spent)."""
        return [self.revisit_key] if "revisit_for" in self.settings else []

    @classmethod
    def from_settings(cls, settings: dict | None = None, **kwargs) -> Source:
        return cls(settings, **kwargs)

    def relevant(self, text: str) -> bool:
        """Whether a post found by the search matches the query locally (set by the composition).

        Sources that fetch more for a post (a comment tree, reposts) ask this first, so they spend no
        requests on posts the local match will drop anyway.
        """
        return True

    def url(self, default_url: str) -> str:
        """A URL of the source's API, moved to ``base_url`` when one is given."""
        return rebase(default_url, self.base_url)

    @property
    def host(self) -> str:
        return self.url(self.default_base).split("://", 1)[-1].rstrip("/")

    # -- the steps -----------------------------------------------------------------------------------

    def ready(self, query: Query) -> None:
        """Check once that the credentials can do what ``query`` needs (at most a request or two).

        Raises ``NotConfigured`` saying what to set when they cannot; may add to ``notes`` what will be left
        out. A source object that lives across runs checks only the first time.
        """

    def span(self, search: str, since: dt.datetime, until: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """The time span a search covers this run (a revisit of recent posts covers its own window)."""
        if search != self.REVISIT:
            return since, until
        # A revisit keeps what it finds from the window's posts on, up to the moment it is fetched — which
        # is later than "now" at its start (a revisit takes a while): the span ends well beyond the run.
        now = self.clock.now()
        return now - self.duration("revisit_for"), now + dt.timedelta(hours=1)

    def plan(self, query: Query) -> list[str]:
        """The API searches that together find every mention ``query`` matches (each resumes on its own),
        then the revisit of recent matching posts when the source has one."""
        revisit = "revisit_for" in self.settings and self.duration("revisit_for").total_seconds() > 0
        return self.searches(query) + ([self.REVISIT] if revisit else [])

    def searches(self, query: Query) -> list[str]:
        return query.compile(self.syntax)

    def fetch(self, search: str, since: dt.datetime, until: dt.datetime, *,
              state: dict | None = None) -> Iterator[Page]:
        raise NotImplementedError

    @staticmethod
    def parse(payload) -> list[Mention]:
        raise NotImplementedError

    def paginate(self, key: str, token, step) -> Iterator[Page]:
        """Pages of a cursor-paged listing: ``step(token) -> (payload, next token or None, note)``.

        Ends when there is no next token or the API hands the same one back (a loop, not progress); the
        state to resume from is ``{key: next token}``.
        """
        while True:
            payload, nxt, note = step(token)
            done = not nxt or nxt == token
            yield Page(payload, None if done else {key: nxt}, note, counters=dict(self.counters))
            if done:
                return
            token = nxt

    def rate_limit_state(self) -> dict:
        state = self.session.rate_limit
        return state.as_dict() if state else {}

    def duration(self, key: str) -> dt.timedelta:
        """A duration setting of ``[sources.<name>]`` (``15m``, ``24h`` or seconds)."""
        return parse_duration(self.settings[key], f"[sources.{self.name}].{key}")

    # -- revisits ------------------------------------------------------------------------------------

    #: The search that revisits recent posts (planned when ``revisit_for`` is more than zero).
    REVISIT = "revisit:"

    @property
    def revisit_key(self) -> str:
        return f"revisit:{self.host}"

    def revisits(self) -> Revisits:
        """The recent matching posts whose reshares (and replies) are looked for again, from ``counters``."""
        return Revisits.loads(self.counters.get(self.revisit_key))

    def keep_revisits(self, revisits: Revisits) -> dict:
        """Store ``revisits`` with the next page (the counters that page carries)."""
        self.counters[self.revisit_key] = revisits.dumps(self.clock.now() - self.duration("revisit_for"),
                                                         int(self.settings["revisit_max"]))
        return dict(self.counters)

    # -- signed requests -----------------------------------------------------------------------------

    def _auth(self) -> dict:
        """The Authorization header of a signed-in source (logging in or renewing the login as needed)."""
        raise NotImplementedError

    def _relogin(self) -> None:
        """The login was refused mid-run (revoked, or expired early): renew it before asking again."""
        raise NotImplementedError

    def signed(self, url: str, params: dict, *, what: str, check=None, expired=None):
        """A GET with the login's header; when ``expired(Refusal)`` says the login was refused, renew it and
        ask once more."""
        try:
            return request(self.session, "GET", url, params=params, headers=self._auth(), what=what, check=check,
                           refused=expired).body
        except Expired:
            self._relogin()
            return request(self.session, "GET", url, params=params, headers=self._auth(), what=what,
                           check=check).body


class Revisits:
    """Recent matching posts and the counts last seen on them (reshares, replies), kept between runs.

    A search finds a post once, when it is new; its reshares (a Bluesky repost, a Mastodon boost) and, on
    Reddit and YouTube, its comments keep coming for hours and are not searchable themselves. So each
    matching post is kept here for ``revisit_for`` (the newest ``revisit_max`` of them), and a revisit
    asks for the current counts of all of them in as few requests as the API allows, then fetches the
    reshares or replies of those whose counts grew — only the new ones.

    Stored as JSON with the source's cursors (``revisit:<host>``): ``{"checked": iso, "posts": {id: {"at":
    iso, "n": {count: value}}}}``.
    """

    def __init__(self, posts: dict | None = None, checked: str | None = None):
        self.posts: dict[str, dict] = posts or {}
        self.checked = checked

    @classmethod
    def loads(cls, text: str | None) -> Revisits:
        try:
            raw = json.loads(text) if text else {}
        except ValueError:
            raw = {}
        return cls(raw.get("posts") or {}, raw.get("checked"))

    def dumps(self, oldest: dt.datetime, limit: int) -> str:
        kept = [(pid, p) for pid, p in self.posts.items() if utc(p["at"]) >= oldest]
        kept.sort(key=lambda item: item[1]["at"], reverse=True)
        self.posts = dict(kept[:limit])
        return json.dumps({"checked": self.checked, "posts": self.posts}, sort_keys=True)

    def watch(self, pid: str, at: dt.datetime, counts: dict[str, int | None]) -> None:
        """Remember a matching post with its counts now (a later, higher count is kept)."""
        seen = self.posts.setdefault(str(pid), {"at": iso(at), "n": {}})
        for name, value in counts.items():
            seen["n"][name] = max(int(value or 0), int(seen["n"].get(name) or 0))

    def due(self, now: dt.datetime, every: dt.timedelta) -> bool:
        return self.checked is None or now - utc(self.checked) >= every

    def grown(self, pid: str, counts: dict[str, int | None]) -> dict[str, int]:
        """How much each count of ``pid`` grew since last seen (only the counts that grew)."""
        seen = (self.posts.get(str(pid)) or {}).get("n", {})
        return {name: int(value or 0) - int(seen.get(name) or 0)
                for name, value in counts.items() if int(value or 0) > int(seen.get(name) or 0)}


# -- helpers the sources share -----------------------------------------------------------------------------


def each(items, build, ident) -> Parsed:
    """``build(item)`` for every item (it returns a Mention, a list of them, or None), on its own.

    An item whose fields are not what the API documents (a timestamp that does not parse, a missing id) is
    skipped and listed with ``ident(item)`` and why, instead of failing the page.
    """
    out = Parsed()
    for item in items:
        try:
            built = build(item)
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            try:
                name = str(ident(item))
            except (KeyError, TypeError, ValueError, AttributeError):
                name = "an item without an id"
            out.skipped.append(Skipped(name, _why(exc)))
            continue
        if isinstance(built, Mention):
            out.append(built)
        elif built:
            out.extend(built)
    return out


def _why(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"no {exc.args[0]!r} field"
    text = " ".join(str(exc).split())[:160]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def merge(*parsed: list[Mention]) -> Parsed:
    """Mentions of several ``Parsed`` lists, the first copy of each id kept, their skipped items together."""
    out = Parsed()
    seen = set()
    for part in parsed:
        for m in part:
            if m.id not in seen:
                seen.add(m.id)
                out.append(m)
        out.skipped.extend(getattr(part, "skipped", ()))
    return out


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


def utc(value) -> dt.datetime | None:
    """A timestamp from an API (ISO 8601 with Z or offset, or Unix seconds) as an aware UTC datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value, dt.UTC)
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    text = str(value).strip().replace("Z", "+00:00")
    parsed = dt.datetime.fromisoformat(text)
    return parsed.astimezone(dt.UTC) if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def iso(value: dt.datetime) -> str:
    """RFC 3339 in UTC with a Z, the form every API here accepts."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Text(HTMLParser):
    _BREAKS: ClassVar[set[str]] = {"p", "br", "div", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "tr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_to_text(markup: str | None) -> str:
    """Plain text of an HTML fragment (APIs send comments as HTML); the result is never rendered as HTML."""
    if not markup:
        return ""
    if "<" not in markup and "&" not in markup:
        return markup.strip()
    p = _Text()
    p.feed(markup)
    p.close()
    text = html.unescape("".join(p.parts))
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\s*\n\s*", "\n", text).strip()


def as_int(value) -> int | None:
    try:
        return None if value is None else max(0, int(value))
    except (TypeError, ValueError):
        return None
