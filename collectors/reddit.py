"""Reddit: search listings (newest first) and the comment trees of matching posts, with OAuth.

Application-only OAuth (client credentials): ``POST /api/v1/access_token`` on www.reddit.com, then the API
on oauth.reddit.com with the bearer token. Posts are ``t3_`` and comments ``t1_`` fullnames, which are
also what a comment's ``parent_id`` names, so links need no translation. A crosspost is a share of the
post in ``crosspost_parent``. Search cannot filter by time: pages are read newest first until they reach
``since``; the state to resume from is the listing's ``after``.

The token (valid a day) is kept between runs in the session cache (``collectors.sessions``) and asked
for again only when it has expired or is refused.

Reddit asks every client to say who it is in a User-Agent of the form ``<platform>:<app ID>:<version
string> (by /u/<reddit username>)`` and throttles or blocks the others; the source builds one from
``username`` (``linux:viralscope:v0.1.0 (by /u/yourname)``), or takes ``user_agent`` whole, and is skipped,
saying what to set, when it has neither.

Search finds posts, not comments: comments are read from the comment trees of matching posts, and since
comments keep coming after a post is found, matching posts are revisited for ``revisit_for`` (every
``revisit_every``): ``/api/info`` reads the comment counts of 100 posts a request, and only posts with new
comments have their tree read again.

Limits: 100 requests a minute per client id, averaged over 10 minutes (``X-Ratelimit-Used/Remaining/
Reset``, the reset in seconds), so one request every 0.6 s. Reddit serves at most about 1,000 items of
one listing; "more comments" stubs are not expanded (their count is kept on the post as
``more_comments``).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import sys
from collections.abc import Iterator

from collectors.base import Expired, Page, Parsed, Source, as_int, each, iso, merge, utc
from collectors.http import BadBody, HttpPolicy, RateLimitHeaders, Refusal, request
from collectors.query import Syntax
from collectors.sessions import session_key
from viralscope.core import __version__
from viralscope.core.contract import Mention
from viralscope.core.errors import AuthFailed, ConfigError, NotConfigured

__all__ = ["Reddit"]

WWW = "https://www.reddit.com"
OAUTH = "https://oauth.reddit.com"
#: Reddit's required form: <platform>:<app ID>:<version string> (by /u/<reddit username>)
USER_AGENT = re.compile(r"^[^:\s]+:[^:\s]+:[^:\s]+ \(by /u/[A-Za-z0-9_-]{3,20}\)$")
USER_AGENT_FORM = "<platform>:<app ID>:<version string> (by /u/<reddit username>)"
#: Ask for a new token when the kept one has less than this left.
RENEW_BEFORE = dt.timedelta(minutes=10)
#: ``/api/info`` takes at most this many fullnames.
INFO_IDS = 100


class Reddit(Source):
    name = "reddit"
    default_base = OAUTH
    credentials = ("REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET")
    rate_limits = RateLimitHeaders("x-ratelimit-remaining", "x-ratelimit-reset", "seconds", used="x-ratelimit-used")
    policy = HttpPolicy(min_interval=0.6, reserve=1)
    syntax = Syntax("reddit", boolean=True, and_=" AND ", or_=" OR ", not_="NOT ", max_length=512)
    #: subreddits: search only these (empty: all of Reddit); comment_trees: at most this many per page.
    #: username: your Reddit account, named in the User-Agent Reddit requires (or give user_agent whole);
    #: revisit_*: how long, how often and how many matching posts are asked again for new comments.
    options = {"subreddits": [], "page_size": 100, "comment_trees": 25, "comment_limit": 500, "username": "",
               "revisit_for": "24h", "revisit_every": "5m", "revisit_max": 100}

    def __init__(self, settings=None, **kwargs):
        settings = dict(settings or {})
        agent = settings.get("user_agent")
        if agent is None and settings.get("username"):
            name = str(settings["username"]).strip().removeprefix("/").removeprefix("u/")
            settings["user_agent"] = f"{sys.platform}:viralscope:v{__version__} (by /u/{name})"
        elif agent is not None and not USER_AGENT.match(str(agent)):
            raise ConfigError(f"[sources.reddit].user_agent: {agent!r} is not in the form Reddit requires, "
                              f"{USER_AGENT_FORM}, e.g. \"linux:com.example.listening:v1.0 (by /u/yourname)\"")
        super().__init__(settings, **kwargs)
        if "user_agent" not in settings:
            raise NotConfigured("reddit: skipped: Reddit requires a User-Agent naming your Reddit account: set "
                                "username = \"yourname\" in [sources.reddit] (or user_agent = "
                                f"\"{USER_AGENT_FORM}\")")
        # The Basic authorization header carries id:secret in base64; that form is as secret as the secret.
        pair = f"{self.secrets['REDDIT_CLIENT_ID']}:{self.secrets['REDDIT_CLIENT_SECRET']}".encode()
        self.session.add_secret(base64.b64encode(pair).decode())
        self._token: dict | None = None
        self._key = session_key(self.name, self.host, self.secrets["REDDIT_CLIENT_ID"])
        #: Tokens this object asked for (a long-running loop should show one a day).
        self.logins = 0

    def _auth(self) -> dict:
        t = self._token or self.sessions.get(self._key)
        if t and (not t.get("access_token") or utc(t.get("expires_at") or "1970-01-01") <= self.clock.now() + RENEW_BEFORE):
            t = None
        if t is None:
            t = self._login()
        self._token = t
        self.session.add_secret(t["access_token"])
        return {"Authorization": f"bearer {t['access_token']}"}

    def _login(self) -> dict:
        got = request(
            self.session, "POST", self.url(f"{WWW}/api/v1/access_token"), what="reddit login",
            auth=(self.secrets["REDDIT_CLIENT_ID"], self.secrets["REDDIT_CLIENT_SECRET"]),
            data={"grant_type": "client_credentials"},
        ).body
        token = got.get("access_token") if isinstance(got, dict) else None
        if not token:
            why = got.get("error", "no reason given") if isinstance(got, dict) else "no reason given"
            raise AuthFailed(f"reddit login: no access token in the answer ({why})")
        self.logins += 1
        lifetime = dt.timedelta(seconds=int(as_int(got.get("expires_in")) or 3600))
        t = {"access_token": token, "expires_at": iso(self.clock.now() + lifetime)}
        self.session.add_secret(token)
        self.sessions.put(self._key, t)
        return t

    def _relogin(self) -> None:
        # The kept token was refused (revoked, or expired early): ask for a new one.
        self._token = None
        self.sessions.drop(self._key)

    def _get(self, path: str, params: dict, check=None):
        return self.signed(self.url(f"{OAUTH}{path}"), {**params, "raw_json": 1}, what=self.name, check=check,
                           expired=_refused)

    def fetch(self, search: str, since: dt.datetime, until: dt.datetime, *,
              state: dict | None = None) -> Iterator[Page]:
        if search == self.REVISIT:
            yield from self._revisit()
            return
        subs = self.settings["subreddits"]
        path = f"/r/{'+'.join(subs)}/search" if subs else "/search"

        def step(after):
            params = {"q": search, "sort": "new", "t": "all", "type": "link", "limit": self.settings["page_size"]}
            if subs:
                params["restrict_sr"] = "on"
            if after:
                params["after"] = after
            listing = self._get(path, params, check=_listing)
            posts = [c["data"] for c in listing["data"]["children"] if c.get("kind") == "t3" and isinstance(c.get("data"), dict)]
            revisits = self.revisits()
            wanted = [p for p in posts if _inside(p, since, until) and "name" in p and self.relevant(_post_text(p))]
            threads = self._trees([p for p in wanted if p.get("num_comments")])
            for p in wanted:
                _watch(revisits, p, threads)
            self.keep_revisits(revisits)
            older = any((_created(p) or until) < since for p in posts)
            nxt = None if older or not posts else listing["data"].get("after")
            return {"listing": listing, "threads": threads}, nxt, f"{len(posts)} posts, {len(threads)} threads"

        yield from self.paginate("after", (state or {}).get("after"), step)

    def _trees(self, posts: list[dict]) -> dict:
        """The comment trees of the most commented of ``posts``."""
        posts = sorted(posts, key=lambda p: -(as_int(p.get("num_comments")) or 0))
        return {p["name"]: self._get(f"/comments/{p['id']}", {"sort": "new", "limit": self.settings["comment_limit"]},
                                     check=_thread)
                for p in posts[: int(self.settings["comment_trees"])]}

    def _revisit(self) -> Iterator[Page]:
        """Matching posts of the last ``revisit_for``: their counts now, and the trees of those with new
        comments."""
        revisits = self.revisits()
        now = self.clock.now()
        if not revisits.posts or not revisits.due(now, self.duration("revisit_every")):
            return
        names = list(revisits.posts)
        children = []
        for i in range(0, len(names), INFO_IDS):
            got = self._get("/api/info", {"id": ",".join(names[i: i + INFO_IDS])}, check=_listing)
            children += [c for c in got["data"]["children"] if c.get("kind") == "t3" and isinstance(c.get("data"), dict)]
        posts = [c["data"] for c in children]
        grown = [p for p in posts if revisits.grown(p.get("name"), {"comments": as_int(p.get("num_comments"))})]
        threads = self._trees(grown)
        for p in posts:
            if _created(p) is not None:
                _watch(revisits, p, threads)
        revisits.checked = iso(now)
        counters = self.keep_revisits(revisits)
        listing = {"kind": "Listing", "data": {"children": children}}
        yield Page({"listing": listing, "threads": threads}, None,
                   f"revisited {len(posts)} posts, {len(threads)} with new comments", counters=counters)

    @staticmethod
    def parse(payload) -> Parsed:
        children = [c for c in payload["listing"]["data"]["children"] if c.get("kind") == "t3"]
        posts = each(children, lambda c: _post(c["data"]), lambda c: c["data"]["name"])
        named = {m.id: m for m in posts}
        comments = []
        for name, thread in (payload.get("threads") or {}).items():
            if len(thread) > 1:
                comments += [c for c in _walk(thread[1]["data"]["children"]) if c.get("kind") == "t1"]
                more = sum(int(c["data"].get("count") or 0) for c in _walk(thread[1]["data"]["children"])
                           if c.get("kind") == "more")
                if more and name in named:
                    named[name].extra = {**named[name].extra, "more_comments": more}
        return merge(posts, each(comments, _comment, lambda c: c["data"]["name"]))


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


def _watch(revisits, p: dict, trees: dict) -> None:
    """Keep a matching post to revisit, with its comment count if its tree was read (otherwise none seen yet,
    so a revisit reads it)."""
    revisits.watch(p["name"], _created(p), {"comments": as_int(p.get("num_comments")) if p["name"] in trees else 0})


def _refused(why: Refusal):
    return Expired() if why.status == 401 else None


def _created(p: dict) -> dt.datetime | None:
    try:
        return utc(p.get("created_utc"))
    except (TypeError, ValueError):
        return None


def _inside(p: dict, since, until) -> bool:
    t = _created(p)
    return t is not None and since <= t < until


def _comment(c: dict) -> Mention | None:
    d = c["data"]
    if d.get("body") in ("[deleted]", "[removed]"):
        return None
    author_id, author_name = _author(d)
    return Mention(
        id=d["name"], source="reddit", created_at=utc(d["created_utc"]), text=d.get("body") or "",
        author_id=author_id, author_name=author_name, parent_id=d.get("parent_id"), kind="reply",
        url=WWW + d["permalink"] if d.get("permalink") else None, likes=as_int(d.get("score")),
        extra={"subreddit": d.get("subreddit")},
    )
