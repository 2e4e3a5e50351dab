"""Reddit: search listings (newest first) and the comment trees of matching posts, with OAuth.

Application-only OAuth (client credentials): ``POST /api/v1/access_token`` on www.reddit.com, then the API
on oauth.reddit.com with the bearer token. Posts are ``t3_`` and comments ``t1_`` fullnames, which are
also what a comment's ``parent_id`` names, so links need no translation. A crosspost is a share of the
post in ``crosspost_parent``. Search cannot filter by time: pages are read newest first until they reach
``since``; the state to resume from is the listing's ``after``.

Limits: 100 requests a minute per client id (``X-Ratelimit-Used/Remaining/Reset``, the reset in seconds),
so one request every 0.6 s. Reddit serves at most about 1,000 items of one listing; "more comments"
stubs are not expanded (their count is kept on the post as ``more_comments``).
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator

from collectors.base import Page, Source, as_int, utc
from collectors.http import BadBody, HttpPolicy, RateLimitHeaders, request
from collectors.query import Syntax
from viralscope.contract import Mention
from viralscope.errors import AuthFailed

__all__ = ["Reddit"]

WWW = "https://www.reddit.com"
OAUTH = "https://oauth.reddit.com"


class Reddit(Source):
    name = "reddit"
    default_base = OAUTH
    credentials = ("REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET")
    rate_limits = RateLimitHeaders("x-ratelimit-remaining", "x-ratelimit-reset", "seconds", used="x-ratelimit-used")
    policy = HttpPolicy(min_interval=0.6, reserve=1)
    syntax = Syntax("reddit", boolean=True, and_=" AND ", or_=" OR ", not_="NOT ", max_length=512)
    #: subreddits: search only these (empty: all of Reddit); comment_trees: at most this many per page.
    options = {"subreddits": [], "page_size": 100, "comment_trees": 25, "comment_limit": 500}

    _token: str | None = None

    def __init__(self, settings=None, **kwargs):
        super().__init__(settings, **kwargs)
        # The Basic authorization header carries id:secret in base64; that form is as secret as the secret.
        pair = f"{self.secrets['REDDIT_CLIENT_ID']}:{self.secrets['REDDIT_CLIENT_SECRET']}".encode()
        self.session.add_secret(base64.b64encode(pair).decode())

    def _auth(self) -> dict:
        if self._token is None:
            got = request(
                self.session, "POST", self.url(f"{WWW}/api/v1/access_token"), what="reddit login",
                auth=(self.secrets["REDDIT_CLIENT_ID"], self.secrets["REDDIT_CLIENT_SECRET"]),
                data={"grant_type": "client_credentials"},
            ).body
            token = got.get("access_token") if isinstance(got, dict) else None
            if not token:
                raise AuthFailed(f"reddit login: no access token in the answer ({got.get('error', 'no reason given')})")
            self._token = token
            self.session.add_secret(token)
        return {"Authorization": f"bearer {self._token}"}

    def _get(self, path: str, params: dict, check=None):
        return request(self.session, "GET", self.url(f"{OAUTH}{path}"), params={**params, "raw_json": 1},
                       headers=self._auth(), what=self.name, check=check).body

    def fetch(self, search: str, since: dt.datetime, until: dt.datetime, *,
              state: dict | None = None) -> Iterator[Page]:
        subs = self.settings["subreddits"]
        path = f"/r/{'+'.join(subs)}/search" if subs else "/search"

        def step(after):
            params = {"q": search, "sort": "new", "t": "all", "type": "link", "limit": self.settings["page_size"]}
            if subs:
                params["restrict_sr"] = "on"
            if after:
                params["after"] = after
            listing = self._get(path, params, check=_listing)
            posts = [c["data"] for c in listing["data"]["children"] if c.get("kind") == "t3"]
            threads = {}
            wanted = [p for p in posts if since <= utc(p["created_utc"]) < until and p.get("num_comments")
                      and self.relevant(_post_text(p))]
            wanted.sort(key=lambda p: -int(p.get("num_comments") or 0))
            for p in wanted[: int(self.settings["comment_trees"])]:
                threads[p["name"]] = self._get(
                    f"/comments/{p['id']}", {"sort": "new", "limit": self.settings["comment_limit"]}, check=_thread
                )
            older = any(utc(p["created_utc"]) < since for p in posts)
            nxt = None if older or not posts else listing["data"].get("after")
            return {"listing": listing, "threads": threads}, nxt, f"{len(posts)} posts, {len(threads)} threads"

        return self.paginate("after", (state or {}).get("after"), step)

    @staticmethod
    def parse(payload) -> list[Mention]:
        out: dict[str, Mention] = {}
        for child in payload["listing"]["data"]["children"]:
            if child.get("kind") == "t3":
                m = _post(child["data"])
                out[m.id] = m
        for name, thread in (payload.get("threads") or {}).items():
            if len(thread) > 1:
                for m in _comments(thread[1]["data"]["children"]):
                    out.setdefault(m.id, m)
                more = sum(int(c["data"].get("count") or 0) for c in _walk(thread[1]["data"]["children"])
                           if c.get("kind") == "more")
                if more and name in out:
                    out[name].extra = {**out[name].extra, "more_comments": more}
        return list(out.values())


def _listing(body) -> None:
    if not isinstance(body, dict) or body.get("kind") != "Listing" or "children" not in body.get("data", {}):
        raise BadBody("not a listing")


def _thread(body) -> None:
    if not isinstance(body, list) or not body or not isinstance(body[0], dict):
        raise BadBody("not a comment thread")


def _author(data) -> tuple[str | None, str | None]:
    name = data.get("author")
    if name in (None, "[deleted]"):
        return None, None
    return data.get("author_fullname") or name, name


def _post_text(p: dict) -> str:
    body = p.get("selftext") or ""
    return (p.get("title") or "") + ("\n\n" + body if body else "")


def _post(p: dict) -> Mention:
    author_id, author_name = _author(p)
    parent = p.get("crosspost_parent")
    media = bool(p.get("is_video") or p.get("is_gallery") or p.get("post_hint") in ("image", "hosted:video", "rich:video"))
    extra = {"subreddit": p.get("subreddit")}
    if p.get("url") and not p.get("is_self"):
        extra["link"] = p["url"]
    return Mention(
        id=p["name"], source="reddit", created_at=utc(p["created_utc"]), text=_post_text(p),
        author_id=author_id, author_name=author_name, parent_id=parent, kind="share" if parent else "post",
        url=WWW + p["permalink"] if p.get("permalink") else None, likes=as_int(p.get("score")),
        shares=as_int(p.get("num_crossposts")), replies=as_int(p.get("num_comments")), media=media, extra=extra,
    )


def _walk(children):
    for c in children:
        yield c
        replies = c.get("data", {}).get("replies")
        if isinstance(replies, dict):
            yield from _walk(replies["data"]["children"])


def _comments(children) -> Iterator[Mention]:
    for c in _walk(children):
        if c.get("kind") != "t1":
            continue
        d = c["data"]
        if d.get("body") in ("[deleted]", "[removed]"):
            continue
        author_id, author_name = _author(d)
        yield Mention(
            id=d["name"], source="reddit", created_at=utc(d["created_utc"]), text=d.get("body") or "",
            author_id=author_id, author_name=author_name, parent_id=d.get("parent_id"), kind="reply",
            url=WWW + d["permalink"] if d.get("permalink") else None, likes=as_int(d.get("score")),
            extra={"subreddit": d.get("subreddit")},
        )
