"""The shape every source has (scrapy's spider, reduced): settings in, raw pages out, a pure ``parse``.

A source is built from its ``[sources.<name>]`` settings and the environment (``from_settings``), plans the
API searches a Boolean query needs (``plan``), and for each one ``fetch(search, since, until, state=…)``
yields ``Page`` objects: the raw payload and the state to resume from once that page is stored.
``parse(payload)`` turns a payload into ``Mention`` objects with no HTTP inside, so recorded payloads test
it directly. Nothing here touches the store; ``viralscope.collecting`` composes sources with it.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import ClassVar

from collectors.http import HttpPolicy, PoliteSession, RateLimitHeaders, make_session, rebase
from collectors.query import Query, Syntax
from viralscope.contract import Mention
from viralscope.errors import ConfigError, NotConfigured
from viralscope.settings import secret


@dataclass
class Page:
    """One unit of progress: a raw payload and where to resume once it is stored (None: search finished)."""

    payload: object
    state: dict | None
    note: str = ""  # e.g. "window 2026-01-01..2026-01-02 page 3", for progress
    counters: dict = field(default_factory=dict)  # cursor key -> value to store with this page (quota spent)


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
                 session: PoliteSession | None = None, clock=None):
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
        self.session = session or make_session(
            type(self).policy.updated(settings, where), self.rate_limits, secrets=self.secrets.values()
        )
        for value in self.secrets.values():
            self.session.add_secret(value)
        #: The time now, as the API sees it (injected in tests that replay recorded days).
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        #: Running totals kept in the store across runs (see ``counter_keys``), loaded before fetching.
        self.counters: dict[str, str | None] = {}

    def counter_keys(self) -> list[str]:
        """Cursor keys of running totals this source needs from earlier runs (e.g. today's quota spent)."""
        return []

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

    # -- the three steps -------------------------------------------------------------------------------

    def plan(self, query: Query) -> list[str]:
        """The API searches that together find every mention ``query`` matches (each resumes on its own)."""
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


# -- helpers the sources share -----------------------------------------------------------------------------


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
