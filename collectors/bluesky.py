"""Bluesky: ``app.bsky.feed.searchPosts`` with cursor, replies, quotes, and the reposts of matching posts.

Signs in with an app password (``com.atproto.server.createSession`` on bsky.social, whose PDS proxies
``app.bsky.*`` to the AppView). Logins are scarce — 30 per 5 minutes and 300 a day per account in the
documentation, 100 a day on the bsky.social entryway in practice, and a 429 past either lasts until its
window resets — so the session is kept (``collectors.sessions``): in memory for as long as the source
object lives, and in the session cache for the next run. Its access token (a JWT of about two hours) is
renewed with ``refreshSession`` a few minutes before it expires, or when an answer says ``ExpiredToken``;
only a refused refresh (its token expired or revoked) leads to a new login.

Search filters ``since``/``until`` on a post's ``sortAt`` — the earlier of ``indexedAt`` and the
client-set ``record.createdAt`` — so a mention is dated by the same time (a post whose client clock ran
ahead is dated when it was indexed; the claimed time is kept as ``record_created_at``).

A post replies to ``record.reply.parent``; it quotes a post when it embeds one (``app.bsky.embed.record``,
or ``recordWithMedia`` with pictures) whose URI names an ``app.bsky.feed.post``. An embedded feed
generator, list, starter pack or labeler is not a quote: the post stays a post, the embedded record's URI
kept as ``embed``.

Reposts are not searchable: for the most reposted matching posts of each page, ``getRepostedBy`` names the
newest reposters and each one's ``getAuthorFeed`` holds the repost with its time (``reason`` =
``reasonRepost``); a repost not found on the first page of that feed is left out rather than given an
invented time. Reposts keep coming after a post has been found, so matching posts are revisited for
``revisit_for`` (default a day): ``getPosts`` reads the current counts of 25 posts a request, and only
posts with new reposts are looked up again (see ``collectors.base.Revisits``).

Limits: the AppView allows 3,000 requests per 5 minutes (``ratelimit-limit/remaining/reset``, the reset
in Unix seconds), so the pace is one request per 0.2 s.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator

from collectors.base import Expired, Page, Parsed, Source, as_int, each, iso, merge, utc
from collectors.http import BadBody, HttpPolicy, RateLimitHeaders, Refusal, request
from collectors.query import Syntax
from collectors.sessions import session_key
from viralscope.core.contract import Mention
from viralscope.core.errors import AuthFailed, RateLimited

__all__ = ["Bluesky"]

REPOST = "app.bsky.feed.defs#reasonRepost"
POST = "app.bsky.feed.post"
#: Renew the access token when it has less than this left (a page of work never outlasts it).
REFRESH_BEFORE = dt.timedelta(minutes=10)
#: ``getPosts`` takes at most this many URIs.
GET_POSTS = 25


class Bluesky(Source):
    name = "bluesky"
    default_base = "https://bsky.social"
    credentials = ("BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD")
    rate_limits = RateLimitHeaders("ratelimit-remaining", "ratelimit-reset", "epoch", limit="ratelimit-limit")
    policy = HttpPolicy(min_interval=0.2, reserve=2)
    syntax = Syntax("bluesky", exclude=False, max_searches=6)
    #: reposts_of: look up reposters of this many of each page's most reposted matching posts;
    #: reposters: at most this many reposters of one post; revisit_for / revisit_every / revisit_max: how
    #: long, how often and how many recent matching posts are asked again for new reposts.
    options = {"page_size": 100, "lang": "", "reposts_of": 5, "reposters": 25, "revisit_for": "24h",
               "revisit_every": "1m", "revisit_max": 100}

    def __init__(self, settings=None, **kwargs):
        super().__init__(settings, **kwargs)
        self._session: dict | None = None
        self._key = session_key(self.name, self.host, self.secrets["BLUESKY_HANDLE"])
        #: Logins and refreshes this object made (a long-running loop should show few logins).
        self.logins = self.refreshes = 0

    # -- the session ---------------------------------------------------------------------------------

    def _auth(self) -> dict:
        s = self._session or self._cached()
        if s and _expires(s["accessJwt"], self.clock.now() + REFRESH_BEFORE):
            s = self._refresh(s)
        if not s:
            s = self._login()
        return {"Authorization": f"Bearer {s['accessJwt']}"}

    def _cached(self) -> dict | None:
        s = self.sessions.get(self._key)
        if s and s.get("accessJwt") and s.get("refreshJwt"):
            self._keep(s, store=False)
            return s
        return None

    def _keep(self, got: dict, *, store: bool = True) -> dict:
        s = {"accessJwt": got["accessJwt"], "refreshJwt": got["refreshJwt"], "did": got.get("did")}
        self.session.add_secret(s["accessJwt"])
        self.session.add_secret(s["refreshJwt"])
        self._session = s
        if store:
            self.sessions.put(self._key, s)
        return s

    def _login(self) -> dict:
        try:
            got = request(
                self.session, "POST", self.url(f"{self.default_base}/xrpc/com.atproto.server.createSession"),
                json={"identifier": self.secrets["BLUESKY_HANDLE"], "password": self.secrets["BLUESKY_APP_PASSWORD"]},
                what="bluesky login",
            ).body
        except RateLimited as exc:
            raise RateLimited(f"{exc} (logins are limited to 30 per 5 minutes and a few hundred a day per "
                              "account; the session is kept between runs so this should be rare)") from None
        self.logins += 1
        if not isinstance(got, dict) or not got.get("accessJwt") or not got.get("refreshJwt"):
            raise AuthFailed("bluesky login: no session in the answer")
        return self._keep(got)

    def _refresh(self, s: dict) -> dict | None:
        """A renewed session, or None when the refresh token is refused (expired or revoked): log in again."""
        self._session = None
        try:
            got = request(self.session, "POST", self.url(f"{self.default_base}/xrpc/com.atproto.server.refreshSession"),
                          headers={"Authorization": f"Bearer {s['refreshJwt']}"}, what="bluesky session refresh",
                          refused=_expired).body
        except (Expired, AuthFailed):
            self.sessions.drop(self._key)
            return None
        self.refreshes += 1
        if not isinstance(got, dict) or not got.get("accessJwt") or not got.get("refreshJwt"):
            self.sessions.drop(self._key)
            return None
        return self._keep(got)

    def _relogin(self) -> None:
        # Refused before its expiry (another process refreshed it, a clock ahead of ours): refresh, else log in.
        s, self._session = self._session, None
        if s is None or not self._refresh(s):
            self._login()

    def _xrpc(self, method: str, params: dict, check):
        return self.signed(self.url(f"{self.default_base}/xrpc/{method}"), params, what=self.name, check=check,
                           expired=_expired)

    # -- fetching ------------------------------------------------------------------------------------

    def fetch(self, search: str, since: dt.datetime, until: dt.datetime, *,
              state: dict | None = None) -> Iterator[Page]:
        if search == self.REVISIT:
            yield from self._revisit()
            return

        def step(cursor):
            params = {"q": search, "sort": "latest", "since": iso(since), "until": iso(until),
                      "limit": self.settings["page_size"]}
            if self.settings["lang"]:
                params["lang"] = self.settings["lang"]
            if cursor:
                params["cursor"] = cursor
            found = self._xrpc("app.bsky.feed.searchPosts", params, _has("posts"))
            nxt = found.get("cursor") if found["posts"] else None
            revisits = self.revisits()
            matching = [p for p in found["posts"] if isinstance(p, dict) and isinstance(p.get("uri"), str)
                        and self.relevant(_text(p))]
            reposts = self._reposts({p["uri"]: as_int(p.get("repostCount")) or 0 for p in matching})
            for p in matching:
                _watch(revisits, p, reposts)
            self.keep_revisits(revisits)
            return {"search": found, "reposts": reposts}, nxt, f"{len(found['posts'])} posts"

        yield from self.paginate("cursor", (state or {}).get("cursor"), step)

    def _revisit(self) -> Iterator[Page]:
        """Matching posts of the last ``revisit_for``: their counts now, and the reposts that are new."""
        revisits = self.revisits()
        now = self.clock.now()
        if not revisits.posts or not revisits.due(now, self.duration("revisit_every")):
            return
        uris = list(revisits.posts)
        posts = []
        for i in range(0, len(uris), GET_POSTS):
            posts += self._xrpc("app.bsky.feed.getPosts", {"uris": uris[i: i + GET_POSTS]}, _has("posts"))["posts"]
        grown = {p["uri"]: revisits.grown(p["uri"], {"reposts": as_int(p.get("repostCount"))}).get("reposts", 0)
                 for p in posts if isinstance(p, dict) and isinstance(p.get("uri"), str)}
        reposts = self._reposts({uri: n for uri, n in grown.items() if n})
        for p in posts:
            if isinstance(p, dict) and p.get("uri") in revisits.posts:
                _watch(revisits, p, reposts)
        revisits.checked = iso(now)
        counters = self.keep_revisits(revisits)
        yield Page({"search": {"posts": posts}, "reposts": reposts}, None,
                   f"revisited {len(posts)} posts, {len(reposts)} with new reposts", counters=counters)

    def _reposts(self, wanted: dict[str, int]) -> dict:
        """Reposters of the most reposted of ``wanted`` (uri -> how many reposts to look for), newest first,
        and the first page of each one's feed."""
        top = sorted((uri for uri, n in wanted.items() if n), key=lambda uri: -wanted[uri])
        out = {}
        for uri in top[: int(self.settings["reposts_of"])]:
            many = min(wanted[uri], int(self.settings["reposters"]))
            by = self._xrpc("app.bsky.feed.getRepostedBy", {"uri": uri, "limit": min(100, max(1, many))},
                            _has("repostedBy"))
            feeds = {}
            for actor in by["repostedBy"][:many]:
                feeds[actor["did"]] = self._xrpc("app.bsky.feed.getAuthorFeed",
                                                 {"actor": actor["did"], "limit": 50, "filter": "posts_no_replies"},
                                                 _has("feed"))
            out[uri] = {"repostedBy": by, "feeds": feeds}
        return out

    @staticmethod
    def parse(payload) -> Parsed:
        posts = each(payload["search"]["posts"], _post, lambda p: p["uri"])
        reposts = []
        for target, found in (payload.get("reposts") or {}).items():
            for did, feed in found["feeds"].items():
                for item in feed.get("feed", []):
                    reason = item.get("reason") or {}
                    if reason.get("$type") == REPOST and item["post"]["uri"] == target and reason["by"]["did"] == did:
                        reposts.append((target, reason))
                        break
        return merge(posts, each(reposts, lambda tr: _repost(*tr), lambda tr: f"repost of {tr[0]}"))


def _watch(revisits, p: dict, looked_up: dict) -> None:
    """Keep a matching post to revisit, with its repost count if its reposts were looked up (otherwise none
    seen yet, so a revisit looks them up)."""
    try:
        at = _sort_at(p)
    except (ValueError, TypeError):
        return  # parse lists it as skipped
    revisits.watch(p["uri"], at, {"reposts": as_int(p.get("repostCount")) if p["uri"] in looked_up else 0})


def _expired(why: Refusal):
    if why.status == 400 and {"ExpiredToken", "InvalidToken"} & set(why.codes):
        return Expired()
    if why.status == 401 and {"ExpiredToken", "InvalidToken", "AuthMissing", "AuthenticationRequired"} & set(why.codes):
        return Expired()
    return None


def _expires(jwt: str, by: dt.datetime) -> bool:
    """Whether a JWT expires before ``by`` (False when its expiry cannot be read: the server will say)."""
    try:
        part = jwt.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        return dt.datetime.fromtimestamp(float(claims["exp"]), dt.UTC) <= by
    except (IndexError, ValueError, KeyError, TypeError):
        return False


def _has(key: str):
    def check(body):
        if not isinstance(body, dict) or not isinstance(body.get(key), list):
            raise BadBody(f"no {key} in the answer")

    return check


def _text(p: dict) -> str:
    return str((p.get("record") or {}).get("text") or "")


def _web_url(uri: str, handle: str | None) -> str | None:
    # at://did:plc:xyz/app.bsky.feed.post/3lb2xyz → https://bsky.app/profile/<handle>/post/3lb2xyz
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3:
        return None
    return f"https://bsky.app/profile/{handle or parts[0]}/post/{parts[2]}"


def _embedded(embed: dict | None) -> str | None:
    """The URI of the record a post embeds (a post, or a feed, list, starter pack…), if any."""
    if not embed:
        return None
    kind = embed.get("$type", "")
    if kind == "app.bsky.embed.record":
        return (embed.get("record") or {}).get("uri")
    if kind == "app.bsky.embed.recordWithMedia":
        return ((embed.get("record") or {}).get("record") or {}).get("uri")
    return None


def _is_post(uri: str | None) -> bool:
    parts = (uri or "").removeprefix("at://").split("/")
    return len(parts) == 3 and parts[1] == POST


def _has_media(embed: dict | None) -> bool:
    if not embed:
        return False
    kind = embed.get("$type", "")
    if kind in ("app.bsky.embed.images", "app.bsky.embed.video"):
        return True
    return kind == "app.bsky.embed.recordWithMedia"


def _sort_at(p: dict) -> dt.datetime:
    """When search places the post: the earlier of ``indexedAt`` and the client-set ``createdAt``."""
    times = [t for t in (utc((p.get("record") or {}).get("createdAt")), utc(p.get("indexedAt"))) if t is not None]
    if not times:
        raise ValueError("neither createdAt nor indexedAt")
    return min(times)


def _post(p: dict) -> Mention:
    record = p.get("record") or {}
    author = p.get("author") or {}
    parent = ((record.get("reply") or {}).get("parent") or {}).get("uri")
    embedded = _embedded(record.get("embed"))
    quoted = embedded if _is_post(embedded) else None
    kind = "reply" if parent else "quote" if quoted else "post"
    langs = record.get("langs") or []
    created = _sort_at(p)
    extra = {"handle": author.get("handle"), **({"quotes": as_int(p["quoteCount"])} if "quoteCount" in p else {}),
             **({"quoted": quoted} if quoted and parent else {}),
             **({"embed": embedded} if embedded and not quoted else {})}
    claimed = utc(record.get("createdAt"))
    if claimed is not None and claimed != created:
        extra["record_created_at"] = claimed.isoformat()
    return Mention(
        id=p["uri"], source="bluesky", created_at=created, text=record.get("text") or "", author_id=author.get("did"),
        author_name=author.get("displayName") or author.get("handle"), parent_id=parent or quoted, kind=kind,
        url=_web_url(p["uri"], author.get("handle")), lang=langs[0] if langs else None,
        likes=as_int(p.get("likeCount")), shares=as_int(p.get("repostCount")), replies=as_int(p.get("replyCount")),
        media=_has_media(record.get("embed")), extra=extra,
    )


def _repost(target: str, reason: dict) -> Mention:
    by = reason["by"]
    rid = reason.get("uri") or f"at://{by['did']}/app.bsky.feed.repost?subject={target}"
    return Mention(
        id=rid, source="bluesky", created_at=utc(reason["indexedAt"]), text="", author_id=by["did"],
        author_name=by.get("displayName") or by.get("handle"), parent_id=target, kind="share",
        extra={"handle": by.get("handle")},
    )
