"""Bluesky: ``app.bsky.feed.searchPosts`` with cursor, replies, quotes, and the reposts of top posts.

Signs in with an app password (``com.atproto.server.createSession`` on bsky.social, whose PDS proxies
``app.bsky.*`` to the AppView). A post replies to ``record.reply.parent``; a quote embeds the quoted post
(``app.bsky.embed.record``, or ``recordWithMedia`` when it also has pictures). Reposts are not searchable:
for the most reposted matching posts of each page, ``getRepostedBy`` names the reposters and each one's
``getAuthorFeed`` holds the repost with its time (``reason`` = ``reasonRepost``); a repost not found on
the first page of that feed is left out rather than given an invented time.

Limits: the AppView allows 3,000 requests per 5 minutes (``ratelimit-limit/remaining/reset``, the reset
in Unix seconds), so the pace is one request per 0.2 s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from collectors.base import Page, Source, as_int, iso, utc
from collectors.http import BadBody, HttpPolicy, RateLimitHeaders, request
from collectors.query import Syntax
from viralscope.contract import Mention
from viralscope.errors import AuthFailed

__all__ = ["Bluesky"]

REPOST = "app.bsky.feed.defs#reasonRepost"


class Bluesky(Source):
    name = "bluesky"
    default_base = "https://bsky.social"
    credentials = ("BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD")
    rate_limits = RateLimitHeaders("ratelimit-remaining", "ratelimit-reset", "epoch", limit="ratelimit-limit")
    policy = HttpPolicy(min_interval=0.2, reserve=2)
    syntax = Syntax("bluesky", exclude=False, max_searches=6)
    #: reposts_of: look up reposters of this many of each page's most reposted matching posts;
    #: reposters: at most this many reposters of one post.
    options = {"page_size": 100, "lang": "", "reposts_of": 5, "reposters": 25}

    _jwt: str | None = None

    def _auth(self) -> dict:
        if self._jwt is None:
            got = request(
                self.session, "POST", self.url(f"{self.default_base}/xrpc/com.atproto.server.createSession"),
                json={"identifier": self.secrets["BLUESKY_HANDLE"], "password": self.secrets["BLUESKY_APP_PASSWORD"]},
                what="bluesky login",
            ).body
            if not isinstance(got, dict) or not got.get("accessJwt"):
                raise AuthFailed("bluesky login: no session in the answer")
            self._jwt = got["accessJwt"]
            self.session.add_secret(self._jwt)
            self.session.add_secret(got.get("refreshJwt"))
        return {"Authorization": f"Bearer {self._jwt}"}

    def _xrpc(self, method: str, params: dict, check):
        return request(self.session, "GET", self.url(f"{self.default_base}/xrpc/{method}"), params=params,
                       headers=self._auth(), what=self.name, check=check).body

    def fetch(self, search: str, since: dt.datetime, until: dt.datetime, *,
              state: dict | None = None) -> Iterator[Page]:
        def step(cursor):
            params = {"q": search, "sort": "latest", "since": iso(since), "until": iso(until),
                      "limit": self.settings["page_size"]}
            if self.settings["lang"]:
                params["lang"] = self.settings["lang"]
            if cursor:
                params["cursor"] = cursor
            found = self._xrpc("app.bsky.feed.searchPosts", params, _has("posts"))
            nxt = found.get("cursor") if found["posts"] else None
            return {"search": found, "reposts": self._reposts(found["posts"])}, nxt, f"{len(found['posts'])} posts"

        return self.paginate("cursor", (state or {}).get("cursor"), step)

    def _reposts(self, posts: list[dict]) -> dict:
        """Reposters of the most reposted matching posts, and the first page of each one's feed."""
        top = [p for p in posts if p.get("repostCount") and self.relevant((p.get("record") or {}).get("text", ""))]
        top.sort(key=lambda p: -int(p["repostCount"]))
        out = {}
        for p in top[: int(self.settings["reposts_of"])]:
            by = self._xrpc("app.bsky.feed.getRepostedBy",
                            {"uri": p["uri"], "limit": min(100, int(self.settings["reposters"]))}, _has("repostedBy"))
            feeds = {}
            for actor in by["repostedBy"][: int(self.settings["reposters"])]:
                feeds[actor["did"]] = self._xrpc("app.bsky.feed.getAuthorFeed",
                                                 {"actor": actor["did"], "limit": 50, "filter": "posts_no_replies"},
                                                 _has("feed"))
            out[p["uri"]] = {"repostedBy": by, "feeds": feeds}
        return out

    @staticmethod
    def parse(payload) -> list[Mention]:
        out: dict[str, Mention] = {}
        for p in payload["search"]["posts"]:
            m = _post(p)
            out[m.id] = m
        for target, found in (payload.get("reposts") or {}).items():
            for did, feed in found["feeds"].items():
                for item in feed.get("feed", []):
                    reason = item.get("reason") or {}
                    if reason.get("$type") == REPOST and item["post"]["uri"] == target and reason["by"]["did"] == did:
                        m = _repost(target, reason)
                        out.setdefault(m.id, m)
                        break
        return list(out.values())


def _has(key: str):
    def check(body):
        if not isinstance(body, dict) or not isinstance(body.get(key), list):
            raise BadBody(f"no {key} in the answer")

    return check


def _web_url(uri: str, handle: str | None) -> str | None:
    # at://did:plc:xyz/app.bsky.feed.post/3lb2xyz → https://bsky.app/profile/<handle>/post/3lb2xyz
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3:
        return None
    return f"https://bsky.app/profile/{handle or parts[0]}/post/{parts[2]}"


def _quoted(embed: dict | None) -> str | None:
    if not embed:
        return None
    kind = embed.get("$type", "")
    if kind == "app.bsky.embed.record":
        return (embed.get("record") or {}).get("uri")
    if kind == "app.bsky.embed.recordWithMedia":
        return ((embed.get("record") or {}).get("record") or {}).get("uri")
    return None


def _has_media(embed: dict | None) -> bool:
    if not embed:
        return False
    kind = embed.get("$type", "")
    if kind in ("app.bsky.embed.images", "app.bsky.embed.video"):
        return True
    return kind == "app.bsky.embed.recordWithMedia"


def _post(p: dict) -> Mention:
    record = p.get("record") or {}
    author = p.get("author") or {}
    parent = ((record.get("reply") or {}).get("parent") or {}).get("uri")
    quoted = _quoted(record.get("embed"))
    kind = "reply" if parent else "quote" if quoted else "post"
    langs = record.get("langs") or []
    return Mention(
        id=p["uri"], source="bluesky", created_at=utc(record.get("createdAt") or p.get("indexedAt")),
        text=record.get("text") or "", author_id=author.get("did"),
        author_name=author.get("displayName") or author.get("handle"), parent_id=parent or quoted, kind=kind,
        url=_web_url(p["uri"], author.get("handle")), lang=langs[0] if langs else None,
        likes=as_int(p.get("likeCount")), shares=as_int(p.get("repostCount")), replies=as_int(p.get("replyCount")),
        media=_has_media(record.get("embed")),
        extra={"handle": author.get("handle"), **({"quotes": as_int(p["quoteCount"])} if "quoteCount" in p else {}),
               **({"quoted": quoted} if quoted and parent else {})},
    )


def _repost(target: str, reason: dict) -> Mention:
    by = reason["by"]
    rid = reason.get("uri") or f"at://{by['did']}/app.bsky.feed.repost?subject={target}"
    return Mention(
        id=rid, source="bluesky", created_at=utc(reason["indexedAt"]), text="", author_id=by["did"],
        author_name=by.get("displayName") or by.get("handle"), parent_id=target, kind="share",
        extra={"handle": by.get("handle")},
    )
