"""X (Twitter) API v2 recent search: posts of the last seven days, with what they reply to, quote or repost.

``GET /2/tweets/search/recent`` with ``start_time``/``end_time``, ``next_token`` paging, and the expansions
that bring the referenced posts and their authors along (``includes.tweets``, ``includes.users``).
``referenced_tweets`` says how a post links to another: ``replied_to`` (reply), ``quoted`` (quote) or
``retweeted`` (share); referenced posts present in ``includes`` are mentions too, so a cascade has its
root even when the original was posted before the span. ``conversation_id`` is kept as an extra attribute.

Bearer token (app-only) from ``X_BEARER_TOKEN``. Limits (``x-rate-limit-limit/remaining/reset``, the reset
in Unix seconds): recent search allows an app 450 requests per 15 minutes (60 on the older Basic tier), so
the pace is one request every 2 s (set ``min_interval = 15`` on Basic). Queries may be 512 characters long
on every self-serve tier (pay-per-use, Basic, Pro); only Enterprise allows 4,096
(``max_query_length = 4096``), and a longer query is refused with HTTP 400. ``end_time`` must be at least
10 s in the past, and ``start_time`` no more than 7 days back: the span is clipped to what the endpoint
serves.

A ``next_token`` belongs to the request that returned it: the next page must repeat the same query,
``start_time`` and ``end_time``. The state to resume from keeps all three, so a run resumed later (when
"now" has moved) asks for the page with the times the token was issued for; a token older than the
seven days the endpoint serves cannot be resumed, and the span starts again from its newest page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

from collectors.base import Page, Parsed, Source, as_int, each, iso, merge, utc
from collectors.http import BadBody, HttpPolicy, RateLimitHeaders, Refusal, request
from collectors.query import Query, Syntax
from viralscope.core.contract import Mention
from viralscope.core.errors import ConfigError

__all__ = ["X"]

TWEET_FIELDS = "created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,public_metrics,lang,attachments,entities"
KINDS = {"retweeted": "share", "quoted": "quote", "replied_to": "reply"}


class X(Source):
    name = "x"
    default_base = "https://api.x.com"
    credentials = ("X_BEARER_TOKEN",)
    rate_limits = RateLimitHeaders("x-rate-limit-remaining", "x-rate-limit-reset", "epoch", limit="x-rate-limit-limit")
    policy = HttpPolicy(min_interval=2.0, reserve=1)
    syntax = Syntax("x", boolean=True, and_=" ", or_=" OR ", not_="-", max_length=512,
                    length_hint="self-serve tiers (pay-per-use, Basic, Pro) allow 512; only Enterprise allows 4,096 "
                                "([sources.x].max_query_length = 4096)")
    options = {"page_size": 100, "max_query_length": 512}

    def searches(self, query: Query) -> list[str]:
        syntax = dataclasses.replace(self.syntax, max_length=int(self.settings["max_query_length"]))
        return query.compile(syntax)

    def _refused(self, search: str):
        def refused(why: Refusal):
            if why.status == 400 and len(search) > 512:
                return ConfigError(
                    f"x: the query is {len(search)} characters and X refused it ({why}); self-serve tiers "
                    "(pay-per-use, Basic, Pro) allow 512, only Enterprise 4,096: set [sources.x].max_query_length "
                    "= 512 unless this is an Enterprise account"
                )
            return None

        return refused

    def fetch(self, search: str, since: dt.datetime, until: dt.datetime, *,
              state: dict | None = None) -> Iterator[Page]:
        now = self.clock.now()
        oldest = now - dt.timedelta(days=7) + dt.timedelta(minutes=1)
        state = dict(state or {})
        if state.get("next_token") and state.get("start_time") and utc(state["start_time"]) >= oldest:
            start, end = utc(state["start_time"]), utc(state["end_time"])  # the times the token was issued for
        else:
            if state.get("next_token"):
                self.notes.append("x: a saved page token was older than the 7 days recent search serves; "
                                  "the span was read again from its newest page")
            state = {}
            start = max(since, oldest)
            end = min(until, now - dt.timedelta(seconds=15))
        if start >= end:
            return
        url = self.url(f"{self.default_base}/2/tweets/search/recent")
        times = {"start_time": iso(start), "end_time": iso(end)}

        def step(token):
            params = {
                "query": search, **times,
                "max_results": self.settings["page_size"], "tweet.fields": TWEET_FIELDS,
                "expansions": "author_id,referenced_tweets.id,referenced_tweets.id.author_id,attachments.media_keys",
                "user.fields": "username,name,public_metrics", "media.fields": "type",
            }
            if token:
                params["next_token"] = token
            body = request(self.session, "GET", url, params=params, what=self.name, check=_search_result,
                           refused=self._refused(search),
                           headers={"Authorization": f"Bearer {self.secrets['X_BEARER_TOKEN']}"}).body
            meta = body.get("meta") or {}
            return body, meta.get("next_token"), f"{meta.get('result_count', 0)} posts"

        for page in self.paginate("next_token", state.get("next_token"), step):
            if page.state is not None:
                page.state = {**page.state, **times}
            yield page

    @staticmethod
    def parse(payload) -> Parsed:
        includes = payload.get("includes") or {}
        users = {u["id"]: u for u in includes.get("users", []) if isinstance(u, dict) and "id" in u}
        # A referenced post without its fields (deleted, or not expanded) is not a mention.
        found = [t for t in payload.get("data", []) + includes.get("tweets", [])
                 if not isinstance(t, dict) or "created_at" in t]
        return merge(each(found, lambda t: _tweet(t, users), lambda t: f"post {t['id']}"))


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
