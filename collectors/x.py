"""X (Twitter) API v2 recent search: posts of the last seven days, with what they reply to, quote or repost.

``GET /2/tweets/search/recent`` with ``start_time``/``end_time``, ``next_token`` paging, and the expansions
that bring the referenced posts and their authors along (``includes.tweets``, ``includes.users``).
``referenced_tweets`` says how a post links to another: ``replied_to`` (reply), ``quoted`` (quote) or
``retweeted`` (share); referenced posts present in ``includes`` are mentions too, so a cascade has its
root even when the original was posted before the span. ``conversation_id`` is kept as an extra attribute.

Bearer token (app-only) from ``X_BEARER_TOKEN``. Limits (``x-rate-limit-limit/remaining/reset``, the reset
in Unix seconds): recent search allows 450 requests per 15 minutes on Pro and 60 on Basic, so the pace
is one request every 2 s (set ``min_interval = 15`` on Basic). Queries may be 512 characters long
(``max_query_length = 4096`` on Pro). ``end_time`` must be at least 10 s in the past, and ``start_time``
no more than 7 days back: the span is clipped to what the endpoint serves.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

from collectors.base import Page, Source, as_int, iso, utc
from collectors.http import BadBody, HttpPolicy, RateLimitHeaders, request
from collectors.query import Query, Syntax
from viralscope.contract import Mention

__all__ = ["X"]

TWEET_FIELDS = "created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,public_metrics,lang,attachments,entities"
KINDS = {"retweeted": "share", "quoted": "quote", "replied_to": "reply"}


class X(Source):
    name = "x"
    default_base = "https://api.x.com"
    credentials = ("X_BEARER_TOKEN",)
    rate_limits = RateLimitHeaders("x-rate-limit-remaining", "x-rate-limit-reset", "epoch", limit="x-rate-limit-limit")
    policy = HttpPolicy(min_interval=2.0, reserve=1)
    syntax = Syntax("x", boolean=True, and_=" ", or_=" OR ", not_="-", max_length=512)
    options = {"page_size": 100, "max_query_length": 512}

    def plan(self, query: Query) -> list[str]:
        syntax = dataclasses.replace(self.syntax, max_length=int(self.settings["max_query_length"]))
        return query.compile(syntax)

    def fetch(self, search: str, since: dt.datetime, until: dt.datetime, *,
              state: dict | None = None) -> Iterator[Page]:
        now = self.clock()
        start = max(since, now - dt.timedelta(days=7) + dt.timedelta(minutes=1))
        end = min(until, now - dt.timedelta(seconds=15))
        if start >= end:
            return
        url = self.url(f"{self.default_base}/2/tweets/search/recent")

        def step(token):
            params = {
                "query": search, "start_time": iso(start), "end_time": iso(end),
                "max_results": self.settings["page_size"], "tweet.fields": TWEET_FIELDS,
                "expansions": "author_id,referenced_tweets.id,referenced_tweets.id.author_id,attachments.media_keys",
                "user.fields": "username,name,public_metrics", "media.fields": "type",
            }
            if token:
                params["next_token"] = token
            body = request(self.session, "GET", url, params=params, what=self.name, check=_search_result,
                           headers={"Authorization": f"Bearer {self.secrets['X_BEARER_TOKEN']}"}).body
            meta = body.get("meta") or {}
            return body, meta.get("next_token"), f"{meta.get('result_count', 0)} posts"

        yield from self.paginate("next_token", (state or {}).get("next_token"), step)

    @staticmethod
    def parse(payload) -> list[Mention]:
        includes = payload.get("includes") or {}
        users = {u["id"]: u for u in includes.get("users", [])}
        out: dict[str, Mention] = {}
        for t in payload.get("data", []) + includes.get("tweets", []):
            if "created_at" not in t or t["id"] in out:
                continue  # a referenced post without its fields (deleted, or not expanded): not a mention
            out[t["id"]] = _tweet(t, users)
        return list(out.values())


def _search_result(body) -> None:
    if not isinstance(body, dict) or "meta" not in body:
        raise BadBody("no meta in the search result")
    if "errors" in body and "data" not in body and body.get("meta", {}).get("result_count", 0):
        raise BadBody("errors instead of data")


def _tweet(t: dict, users: dict) -> Mention:
    refs = {r["type"]: r["id"] for r in t.get("referenced_tweets", [])}
    kind, parent = "post", None
    for ref_type in ("retweeted", "replied_to", "quoted"):
        if ref_type in refs:
            kind, parent = KINDS[ref_type], refs[ref_type]
            break
    user = users.get(t.get("author_id"), {})
    metrics = t.get("public_metrics") or {}
    extra = {"conversation_id": t.get("conversation_id")}
    if kind == "reply" and "quoted" in refs:
        extra["quoted"] = refs["quoted"]
    if "impression_count" in metrics:
        extra["impressions"] = as_int(metrics["impression_count"])
    username = user.get("username")
    return Mention(
        id=t["id"], source="x", created_at=utc(t["created_at"]), text=t.get("text") or "",
        author_id=t.get("author_id"), author_name=username,
        author_followers=as_int((user.get("public_metrics") or {}).get("followers_count")),
        parent_id=parent, kind=kind, url=f"https://x.com/{username or 'i'}/status/{t['id']}", lang=t.get("lang"),
        likes=as_int(metrics.get("like_count")), shares=as_int(metrics.get("retweet_count")),
        replies=as_int(metrics.get("reply_count")), media=bool((t.get("attachments") or {}).get("media_keys")),
        extra=extra,
    )
