"""RSS and Atom news feeds, read with feedparser; only entries that match the query are kept.

Each feed in ``feeds = [...]`` is its own search. Feeds are fetched with ``If-None-Match`` /
``If-Modified-Since`` from the last answer (kept in the store), so an unchanged feed costs one 304.
A feed has no search: the query is applied locally to title and summary. An entry with no date at all is
skipped (a time is never invented). Links other than http(s) are dropped.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
from collections.abc import Iterator

import feedparser

from collectors.base import Page, Parsed, Source, each, html_to_text
from collectors.http import HttpPolicy, request
from collectors.query import Query
from viralscope.core.contract import Mention
from viralscope.core.errors import ConfigError

__all__ = ["RSS"]


class RSS(Source):
    name = "rss"
    default_base = ""  # every feed has its own address; --base-url moves each one
    policy = HttpPolicy(min_interval=1.0)
    options = {"feeds": []}

    @property
    def host(self) -> str:
        return "feeds"

    def searches(self, query: Query) -> list[str]:
        feeds = [str(f) for f in self.settings["feeds"]]
        if not feeds:
            raise ConfigError("rss: no feeds; list them in [sources.rss] feeds = [\"https://…\"]")
        for f in feeds:
            if not f.startswith(("http://", "https://")):
                raise ConfigError(f"[sources.rss].feeds: {f!r} is not an http(s) address")
        return feeds

    def counter_keys(self) -> list[str]:
        return [f"validators:{f}" for f in self.settings["feeds"]]

    def fetch(self, search: str, since: dt.datetime, until: dt.datetime, *,
              state: dict | None = None) -> Iterator[Page]:
        key = f"validators:{search}"
        validators = json.loads(self.counters.get(key) or "{}")
        headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}
        if validators.get("etag"):
            headers["If-None-Match"] = validators["etag"]
        if validators.get("modified"):
            headers["If-Modified-Since"] = validators["modified"]
        got = request(self.session, "GET", self.url(search), headers=headers, what=f"rss {search}", decode="bytes")
        if got.status == 304:
            yield Page({"feed": search, "body": b""}, None, "not modified")
            return
        fresh = {k: v for k, v in (("etag", got.headers.get("ETag")), ("modified", got.headers.get("Last-Modified"))) if v}
        self.counters[key] = json.dumps(fresh, sort_keys=True)
        yield Page({"feed": search, "body": got.body}, None, "feed", counters={key: self.counters[key]})

    @staticmethod
    def parse(payload) -> Parsed:
        if not payload.get("body"):
            return Parsed()
        # Bytes, never a string: feedparser would treat a string that looks like a URL as one to fetch.
        parsed = feedparser.parse(bytes(payload["body"]), response_headers={"content-location": payload["feed"]})
        feed = parsed.get("feed", {})
        # An entry with no date at all is left out without a word: a time is never invented, and feeds
        # routinely carry undated entries (pages, ads).
        dated = [e for e in parsed.get("entries", []) if e.get("published_parsed") or e.get("updated_parsed")]
        return each(dated, lambda e: _entry(e, feed, payload["feed"]),
                    lambda e: f"entry {e.get('id') or e.get('link') or e.get('title')}")


def _entry(e, feed, address: str) -> Mention:
    created = dt.datetime.fromtimestamp(calendar.timegm(e.get("published_parsed") or e.get("updated_parsed")), dt.UTC)
    link = e.get("link") if str(e.get("link", "")).startswith(("http://", "https://")) else None
    ident = e.get("id") or link or hashlib.sha1(f"{e.get('title')}|{created}".encode()).hexdigest()
    summary = html_to_text(e.get("summary") or "")
    title = html_to_text(e.get("title") or "")
    media = any(str(x.get("type", "")).startswith(("image/", "video/"))
                for x in e.get("enclosures", []) + e.get("media_content", []))
    return Mention(
        id=str(ident), source="rss", created_at=created,
        text=title + ("\n\n" + summary if summary and summary != title else ""),
        author_id=e.get("author") or feed.get("title"), author_name=e.get("author") or feed.get("title"),
        kind="post", url=link, lang=(e.get("language") or feed.get("language") or None),
        media=media or None, extra={"feed": address, "feed_title": feed.get("title")},
    )
