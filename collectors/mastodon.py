"""Mastodon on any instance: status search, hashtag timelines, and the replies under matching posts.

``/api/v2/search?type=statuses`` (full-text search of public posts needs Mastodon ≥ 4.2 with search
enabled; most instances answer it only with a token) and ``/api/v1/timelines/tag/:hashtag`` (public), both
newest first, paged with ``max_id``. Replies point at their parent with ``in_reply_to_id``; a boost carries
the original in ``reblog``; a quote (Mastodon ≥ 4.5) carries it in ``quote.quoted_status``. Status ids
belong to the instance that serves them, so a mention's id is ``<instance>:<id>`` and the global
ActivityPub ``uri`` is kept as an extra attribute.

Limits: 300 requests per 5 minutes (``X-RateLimit-Limit/Remaining/Reset``, the reset a timestamp), so
one request a second. ``MASTODON_ACCESS_TOKEN`` is optional.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from collectors.base import Page, Source, as_int, html_to_text, utc
from collectors.http import BadBody, HttpPolicy, RateLimitHeaders, request
from collectors.query import Query, Syntax
from viralscope.contract import Mention
from viralscope.settings import secret

__all__ = ["Mastodon"]


class Mastodon(Source):
    name = "mastodon"
    default_base = "https://mastodon.social"
    rate_limits = RateLimitHeaders("x-ratelimit-remaining", "x-ratelimit-reset", "iso", limit="x-ratelimit-limit")
    policy = HttpPolicy(min_interval=1.0, reserve=1)
    syntax = Syntax("mastodon", exclude=False, max_searches=6)
    #: hashtags: also read these tag timelines; contexts: fetch the replies of at most this many posts a page.
    options = {"hashtags": [], "page_size": 40, "contexts": 10}

    def __init__(self, settings=None, **kwargs):
        super().__init__(settings, **kwargs)
        self.token = secret("MASTODON_ACCESS_TOKEN")
        self.session.add_secret(self.token)

    @property
    def instance(self) -> str:
        return self.host

    def plan(self, query: Query) -> list[str]:
        return super().plan(query) + [f"#{t.lstrip('#')}" for t in self.settings["hashtags"]]

    def _get(self, path: str, params: dict, check):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return request(self.session, "GET", self.url(f"{self.default_base}{path}"), params=params,
                       headers=headers, what=self.name, check=check).body

    def fetch(self, search: str, since: dt.datetime, until: dt.datetime, *,
              state: dict | None = None) -> Iterator[Page]:
        limit = int(self.settings["page_size"])

        def step(max_id):
            params = {"limit": limit}
            if max_id:
                params["max_id"] = max_id
            if search.startswith("#"):
                statuses = response = self._get(f"/api/v1/timelines/tag/{search[1:]}", params, _status_list)
            else:
                response = self._get("/api/v2/search", {"q": search, "type": "statuses", "resolve": "false",
                                                        **params}, _search_result)
                statuses = response["statuses"]
            contexts = {}
            wanted = [s for s in statuses if since <= utc(s["created_at"]) < until and s.get("replies_count")
                      and self.relevant(html_to_text(s.get("content")))]
            for s in wanted[: int(self.settings["contexts"])]:
                contexts[s["id"]] = self._get(f"/api/v1/statuses/{s['id']}/context", {}, _context)
            oldest = min(statuses, key=lambda s: int(s["id"]), default=None)
            done = oldest is None or utc(oldest["created_at"]) < since or len(statuses) < limit
            payload = {"instance": self.instance, "response": response, "contexts": contexts}
            return payload, None if done else oldest["id"], f"{len(statuses)} statuses"

        return self.paginate("max_id", (state or {}).get("max_id"), step)

    @staticmethod
    def parse(payload) -> list[Mention]:
        host = payload["instance"]
        response = payload["response"]
        statuses = response["statuses"] if isinstance(response, dict) else response
        for ctx in (payload.get("contexts") or {}).values():
            statuses = statuses + ctx.get("ancestors", []) + ctx.get("descendants", [])
        out: dict[str, Mention] = {}
        for s in statuses:
            for m in _mentions(s, host):
                out.setdefault(m.id, m)
        return list(out.values())


def _status_list(body) -> None:
    if not isinstance(body, list):
        raise BadBody("not a list of statuses")


def _search_result(body) -> None:
    if not isinstance(body, dict) or not isinstance(body.get("statuses"), list):
        raise BadBody("no statuses in the search result")


def _context(body) -> None:
    if not isinstance(body, dict) or "descendants" not in body:
        raise BadBody("not a status context")


def _mentions(s: dict, host: str) -> Iterator[Mention]:
    """The status, and the original it boosts or quotes (both are posts we have seen in full)."""
    boosted = s.get("reblog")
    quoted = (s.get("quote") or {}).get("quoted_status") if isinstance(s.get("quote"), dict) else None
    if boosted:
        yield _mention(boosted, host)
        yield _mention(s, host, kind="share", parent=boosted["id"])  # a boost has no words of its own
        return
    if quoted:
        yield _mention(quoted, host)
        yield _mention(s, host, kind="quote", parent=quoted["id"])
        return
    parent = s.get("in_reply_to_id")
    yield _mention(s, host, kind="reply" if parent else "post", parent=parent)


def _mention(s: dict, host: str, *, kind: str = "post", parent=None) -> Mention:
    acct = s.get("account") or {}
    body = html_to_text(s.get("content"))
    if s.get("spoiler_text"):
        body = f"{s['spoiler_text']}\n\n{body}"
    return Mention(
        id=f"{host}:{s['id']}", source="mastodon", created_at=utc(s["created_at"]), text=body,
        author_id=acct.get("acct") and (acct["acct"] if "@" in acct["acct"] else f"{acct['acct']}@{host}"),
        author_name=acct.get("display_name") or acct.get("username"),
        author_followers=as_int(acct.get("followers_count")),
        parent_id=f"{host}:{parent}" if parent else None, kind=kind, url=s.get("url") or s.get("uri"),
        lang=s.get("language"), likes=as_int(s.get("favourites_count")), shares=as_int(s.get("reblogs_count")),
        replies=as_int(s.get("replies_count")), media=bool(s.get("media_attachments")),
        extra={"uri": s.get("uri")},
    )
