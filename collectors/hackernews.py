"""Hacker News through the Algolia search API: stories and comments, comments linked to their parent.

``/api/v1/search_by_date`` with ``numericFilters=created_at_i>=lo,created_at_i<hi`` and ``page``. Algolia
serves at most 1,000 hits of one query (``nbPages × hitsPerPage`` stops there while ``nbHits`` keeps
counting), so a window holding more is cut in two until every piece fits. The state to resume from is
the list of windows still to do and the next page of the first one.

Public API, no credentials; the documented limit is 10,000 requests an hour from one address, so the pace
is one request every 0.4 s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from urllib.parse import parse_qs

from collectors.base import Page, Parsed, Source, as_int, each, html_to_text, utc
from collectors.http import BadBody, HttpPolicy, request
from collectors.query import Syntax
from viralscope.core.contract import Mention

__all__ = ["HackerNews"]

ITEM_URL = "https://news.ycombinator.com/item?id={}"


class HackerNews(Source):
    name = "hackernews"
    default_base = "https://hn.algolia.com"
    policy = HttpPolicy(min_interval=0.4)
    # advancedSyntax: quoted phrases and -exclusions; no OR, so one search per alternative.
    syntax = Syntax("hackernews", exclude=True, max_searches=8)
    #: max_hits: how many hits of one query Algolia lets through (its paginationLimitedTo).
    options = {"hits_per_page": 100, "tags": "(story,comment,poll)", "max_hits": 1000}

    def fetch(self, search: str, since: dt.datetime, until: dt.datetime, *,
              state: dict | None = None) -> Iterator[Page]:
        if state:
            pending, page = [list(w) for w in state["pending"]], int(state["page"])
        else:
            pending, page = [[int(since.timestamp()), int(until.timestamp())]], 0
        per_page = int(self.settings["hits_per_page"])
        url = self.url(f"{self.default_base}/api/v1/search_by_date")
        while pending:
            lo, hi = pending[0]
            params = {
                "query": search, "tags": self.settings["tags"], "advancedSyntax": "true",
                "typoTolerance": "false", "hitsPerPage": per_page, "page": page,
                "numericFilters": f"created_at_i>={lo},created_at_i<{hi}",
            }
            body = request(self.session, "GET", url, params=params, what=self.name,
                           check=_expect_page(page, params["numericFilters"])).body
            reachable = min(int(self.settings["max_hits"]),
                            int(body.get("nbPages", 0)) * int(body.get("hitsPerPage", per_page)))
            if page == 0 and int(body.get("nbHits", 0)) > reachable and hi - lo > 1:
                mid = lo + (hi - lo) // 2
                pending[0:1] = [[lo, mid], [mid, hi]]
                continue
            page += 1
            if page >= int(body.get("nbPages", 0)) or not body.get("hits"):
                pending.pop(0)
                page = 0
            note = f"{utc(lo):%Y-%m-%d %H:%M}..{utc(hi):%Y-%m-%d %H:%M} page {body.get('page')}"
            yield Page(body, {"pending": pending, "page": page} if pending else None, note)

    @staticmethod
    def parse(payload) -> Parsed:
        return each(payload.get("hits", []), _hit, lambda hit: f"item {hit['objectID']}")


def _hit(hit: dict) -> Mention | None:
    tags = set(hit.get("_tags") or [])
    oid = str(hit["objectID"])
    created = utc(hit.get("created_at_i") or hit.get("created_at"))
    author = hit.get("author")
    extra = {}
    if "comment" in tags:
        kind, parent = "reply", hit.get("parent_id")
        text = html_to_text(hit.get("comment_text"))
        if hit.get("story_id") is not None:
            extra["story_id"] = str(hit["story_id"])
    elif tags & {"story", "poll", "job"}:
        kind, parent = "post", None
        body = html_to_text(hit.get("story_text"))
        text = (hit.get("title") or "") + ("\n\n" + body if body else "")
        if hit.get("url"):
            extra["link"] = hit["url"]
    else:
        return None  # poll options and other parts are not mentions
    return Mention(
        id=oid, source="hackernews", created_at=created, text=text, author_id=author, author_name=author,
        parent_id=str(parent) if parent is not None else None, kind=kind, url=ITEM_URL.format(oid),
        likes=as_int(hit.get("points")), replies=as_int(hit.get("num_comments")), extra=extra,
    )


def _expect_page(page: int, filters: str):
    """Refuse an answer to another request (a stale cache replaying an earlier page)."""

    def check(body):
        if not isinstance(body, dict) or not isinstance(body.get("hits"), list):
            raise BadBody("no hits list")
        if int(body.get("page", -1)) != page:
            raise BadBody(f"asked for page {page}, got page {body.get('page')}")
        echoed = parse_qs(str(body.get("params", ""))).get("numericFilters")
        if echoed and echoed[0] != filters:
            raise BadBody(f"asked for {filters}, got {echoed[0]}")

    return check
