"""Stand-ins for the sources' APIs that behave as the real services do, over a world that unfolds on a clock.

Each stand-in holds items (posts, replies, reshares) with the time they were posted, serves only what
exists at the clock's "now" (after the service's indexing delay), pages and filters as its documentation
says, refuses what the real service refuses (with its documented error bodies), and counts every request
against each documented rate limit — at most ``limit`` requests in any ``seconds``-long span, a stricter
test than the services' own fixed windows. A request over a limit is answered 429, as the service would,
and recorded in ``violations``: a test that sees one fails.

Served through ``tests.mockserver.MockServer`` on 127.0.0.1, so the collectors' real HTTP code runs. The
clock is shared with the collectors (``FakeClock``): a collector that waits moves it on, so a day of
one-minute cycles runs in seconds.

What each stand-in does that the collectors must cope with:

- Mastodon: keyword search answers an anonymous or app-only request with no statuses and no error; search
  drops statuses the user has filtered *after* applying ``limit`` (a short page is not the end); search and
  tag timelines leave boosts out; ``verify_credentials`` answers 422 to an app-only token.
- Bluesky: 30 logins per 5 minutes and 100 a day; access tokens last two hours, then every call answers
  400 ``ExpiredToken``; ``refreshSession`` rotates the refresh token; search filters on ``sortAt``.
- YouTube: 403 ``commentsDisabled`` / 404 ``videoNotFound`` per video; a daily quota in units.
- X: a ``next_token`` must come back with the same query, ``start_time`` and ``end_time``; a query
  over 512 characters is refused.
- Reddit: a User-Agent not in Reddit's form is throttled; search finds posts only.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import email.utils
import itertools
import json
import random
import re
from collections import deque
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from collectors.http import Clock
from tests.mockserver import AlgoliaHN, Reply, Request

LUMIO = "Lumio"
NOISE = ["Lumination festival photos", "new desk lamp day", "brightness at night", "smart home hub review"]
WORDS = ["lamp", "app", "update", "colour", "support", "great", "broken", "again", "light", "local"]


class FakeClock(Clock):
    """A clock whose sleeps move time on at once (shared by the collectors and the stand-ins)."""

    def __init__(self, start: dt.datetime):
        self.t = start.timestamp()
        self.slept = 0.0

    def time(self) -> float:
        return self.t

    def monotonic(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.t += seconds
            self.slept += seconds

    def wait_until(self, t: float) -> None:
        self.t = max(self.t, t)


@dataclass
class Limit:
    """A documented limit: at most ``limit`` requests in any ``seconds``-long span."""

    name: str
    limit: int
    seconds: float
    times: deque = field(default_factory=deque)
    peak: int = 0  # the most requests seen in one span
    over: list = field(default_factory=list)  # times of requests beyond the limit

    def _expire(self, now: float) -> None:
        while self.times and self.times[0] <= now - self.seconds:
            self.times.popleft()

    def hit(self, now: float) -> bool:
        self._expire(now)
        if len(self.times) >= self.limit:
            self.over.append(now)
            return False
        self.times.append(now)
        self.peak = max(self.peak, len(self.times))
        return True

    def used(self, now: float) -> int:
        self._expire(now)
        return len(self.times)

    def reset(self, now: float) -> float:
        """When a request can be made again without passing the limit (Unix seconds)."""
        self._expire(now)
        return self.times[0] + self.seconds if len(self.times) >= self.limit else now


class Service:
    """What every stand-in shares: the clock, its limits, what it served, and the ids it must end up giving."""

    name = ""

    def __init__(self, clock: FakeClock):
        self.clock = clock
        self.limits: list[Limit] = []
        self.served = 0

    @property
    def now(self) -> float:
        return self.clock.t

    def take(self, *limits: Limit) -> Reply | None:
        """Count a request against ``limits``; a 429 reply when one is spent (and the request is recorded)."""
        self.served += 1
        for lim in limits:
            if not lim.hit(self.now):
                return Reply(429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                             {"Retry-After": str(max(1, int(lim.reset(self.now) - self.now)))})
        return None

    @property
    def violations(self) -> list[tuple[str, float]]:
        return [(lim.name, t) for lim in self.limits for t in lim.over]

    def figures(self) -> dict:
        """Per limit: the most requests seen in one span, against the limit."""
        return {lim.name: (lim.peak, lim.limit) for lim in self.limits}


def iso_z(t: float, ms: bool = False) -> str:
    stamp = dt.datetime.fromtimestamp(t, dt.UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z" if ms else stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_t(text: str) -> float:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def words_in(query: str, text: str) -> bool:
    """Every word of the query (quotes and case ignored) occurs in the text."""
    low = text.lower()
    return all(w.strip('"').lower() in low for w in query.split() if w not in ("AND",))


def any_branch(query: str, text: str, sep: str) -> bool:
    return any(words_in(part.strip("() "), text) for part in query.split(sep))


def sentence(rng: random.Random, brand: bool) -> str:
    words = rng.choices(WORDS, k=rng.randrange(4, 10))
    if brand:
        words.insert(rng.randrange(len(words) + 1), LUMIO)
        return " ".join(words)
    return rng.choice(NOISE) + " " + " ".join(words)


def times(rng: random.Random, n: int, start: float, span: float) -> list[float]:
    return sorted(start + rng.random() * span for _ in range(n))


# -- Hacker News (Algolia) -----------------------------------------------------------------------------


class HackerNewsStandin(Service):
    """Algolia's HN search over items that appear ``delay`` seconds after they are posted (indexing)."""

    name = "hackernews"

    def __init__(self, clock, items: list[dict], delay: float = 90):
        super().__init__(clock)
        self.items, self.delay = items, delay
        self.hourly = Limit("10,000 requests per hour per address", 10_000, 3600)
        self.limits = [self.hourly]

    def routes(self) -> dict:
        return {"/api/v1/search_by_date": self.search}

    def search(self, req: Request):
        refused = self.take(self.hourly)
        if refused:
            return refused
        return AlgoliaHN([h for h in self.items if h["created_at_i"] + self.delay <= self.now])(req)

    def expected(self, host: str) -> set[str]:
        return {h["objectID"] for h in self.items if h["created_at_i"] + self.delay <= self.now}


# -- Mastodon ------------------------------------------------------------------------------------------


class MastodonStandin(Service):
    """A Mastodon instance: search (signed-in users only), tag timelines, statuses, contexts, boosts."""

    name = "mastodon"
    USER_TOKEN, APP_TOKEN = "masto-user-token", "masto-app-token"

    def __init__(self, clock, statuses: list[dict], accounts: dict[str, dict], *, delay: float = 5):
        super().__init__(clock)
        self.statuses = {s["id"]: s for s in statuses}
        self.accounts, self.delay = accounts, delay
        self.window = Limit("300 requests per 5 minutes", 300, 300)
        self.limits = [self.window]
        self.replies_to, self.boosts_of, self.by_account = {}, {}, {}
        for st in statuses:
            self.replies_to.setdefault(st.get("in_reply_to_id"), []).append(st)
            self.boosts_of.setdefault(st.get("_reblog"), []).append(st)
            self.by_account.setdefault(st["account_key"], []).append(st)

    # -- the world ----------------------------------------------------------------------------------

    @staticmethod
    def status_id(t: float, seq: int) -> str:
        return str((int(t * 1000) << 16) | (seq & 0xFFFF))  # Mastodon's ids: milliseconds, then a sequence

    def visible(self, s: dict) -> bool:
        return s["_at"] + self.delay <= self.now and not s.get("_deleted")

    def view(self, s: dict) -> dict:
        """A status as the API shows it now (counts of what exists now; private fields removed)."""
        out = {k: v for k, v in s.items() if not k.startswith("_")}
        out["account"] = self.accounts[s["account_key"]]
        out["replies_count"] = sum(1 for o in self.replies_to.get(s["id"], []) if self.visible(o))
        out["reblogs_count"] = sum(1 for o in self.boosts_of.get(s["id"], []) if self.visible(o))
        if s.get("_reblog"):
            out["reblog"] = self.view(self.statuses[s["_reblog"]])
        if s.get("quote_value"):
            out["quote"] = {"state": "accepted", "quoted_status": self.view(self.statuses[s["quote_value"]])}
        return out

    def _listing(self, candidates, req: Request) -> list[dict]:
        limit = min(int(req.query.get("limit", 20)), 40)
        below = [s for s in candidates if "max_id" not in req.query or int(s["id"]) < int(req.query["max_id"])]
        page = sorted(below, key=lambda s: -int(s["id"]))[:limit]
        # As Mastodon does: statuses the user filtered (muted authors) are dropped after the limit.
        return [self.view(s) for s in page if not s.get("_filtered")]

    def _token(self, req: Request) -> str | None:
        auth = req.headers.get("authorization", "")
        return auth.split(" ", 1)[1] if auth.startswith("Bearer ") else None

    def _reply(self, body, status: int = 200) -> Reply:
        used = self.window.used(self.now)
        return Reply(status, body, {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": str(max(0, 300 - used)),
                                    "X-RateLimit-Reset": iso_z(self.window.reset(self.now) if used >= 300
                                                               else self.now + 300, ms=True)})

    # -- the API ------------------------------------------------------------------------------------

    def routes(self) -> dict:
        return {
            "/api/v2/search": self.search,
            "/api/v1/statuses": self.many,
            r"/api/v1/timelines/tag/[^/]+": self.tag,
            r"/api/v1/statuses/\d+": self.status,
            r"/api/v1/statuses/\d+/context": self.context,
            r"/api/v1/statuses/\d+/reblogged_by": self.reblogged_by,
            r"/api/v1/accounts/[^/]+/statuses": self.account_statuses,
            "/api/v1/accounts/verify_credentials": self.verify,
        }

    def search(self, req: Request):
        refused = self.take(self.window)
        if refused:
            return refused
        if self._token(req) != self.USER_TOKEN:
            # SearchService full-text searches statuses only for a signed-in account: no error, no statuses.
            return self._reply({"accounts": [], "statuses": [], "hashtags": []})
        found = [s for s in self.statuses.values() if self.visible(s) and not s.get("_reblog")
                 and words_in(req.query["q"], s["_text"])]
        return self._reply({"accounts": [], "statuses": self._listing(found, req), "hashtags": []})

    def tag(self, req: Request):
        refused = self.take(self.window)
        if refused:
            return refused
        tag = req.path.rsplit("/", 1)[1].lower()
        found = [s for s in self.statuses.values() if self.visible(s) and not s.get("_reblog")
                 and tag in [t["name"].lower() for t in s.get("tags", [])]]
        return self._reply(self._listing(found, req))

    def _status_or_404(self, req: Request):
        sid = req.path.split("/")[4]
        s = self.statuses.get(sid)
        return s if s is not None and self.visible(s) else None

    def status(self, req: Request):
        refused = self.take(self.window)
        if refused:
            return refused
        s = self._status_or_404(req)
        return self._reply(self.view(s)) if s else self._reply({"error": "Record not found"}, 404)

    def many(self, req: Request):
        """``GET /api/v1/statuses?id[]=…``: the ones that exist, in no particular order."""
        refused = self.take(self.window)
        if refused:
            return refused
        ids = req.params.get("id[]", [])
        found = [self.statuses[i] for i in ids if i in self.statuses and self.visible(self.statuses[i])]
        return self._reply([self.view(s) for s in sorted(found, key=lambda s: s["id"][::-1])])

    def context(self, req: Request):
        refused = self.take(self.window)
        if refused:
            return refused
        s = self._status_or_404(req)
        if s is None:
            return self._reply({"error": "Record not found"}, 404)
        ancestors, parent = [], s.get("in_reply_to_id")
        while parent and parent in self.statuses:
            ancestors.insert(0, self.view(self.statuses[parent]))
            parent = self.statuses[parent].get("in_reply_to_id")
        below, frontier = [], [s["id"]]
        while frontier:
            pid = frontier.pop()
            kids = [o for o in self.replies_to.get(pid, []) if self.visible(o)]
            below += kids
            frontier += [k["id"] for k in kids]
        descendants = [self.view(o) for o in sorted(below, key=lambda o: int(o["id"])) if not o.get("_filtered")]
        return self._reply({"ancestors": ancestors, "descendants": descendants})

    def reblogged_by(self, req: Request):
        refused = self.take(self.window)
        if refused:
            return refused
        s = self._status_or_404(req)
        if s is None:
            return self._reply({"error": "Record not found"}, 404)
        boosts = sorted((o for o in self.boosts_of.get(s["id"], []) if self.visible(o)), key=lambda o: -int(o["id"]))
        limit = min(int(req.query.get("limit", 40)), 80)
        return self._reply([self.accounts[o["account_key"]] for o in boosts[:limit]])

    def account_statuses(self, req: Request):
        refused = self.take(self.window)
        if refused:
            return refused
        acct = req.path.split("/")[4]
        mine = [s for s in self.by_account.get(acct, []) if self.visible(s)
                and not (req.query.get("exclude_replies") == "true" and s.get("in_reply_to_id"))]
        return self._reply(self._listing(mine, req))

    def verify(self, req: Request):
        refused = self.take(self.window)
        if refused:
            return refused
        token = self._token(req)
        if token == self.USER_TOKEN:
            return self._reply({"id": "1", "username": "listener", "acct": "listener"})
        if token == self.APP_TOKEN:
            return self._reply({"error": "This method requires an authenticated user"}, 422)
        return self._reply({"error": "The access token is invalid"}, 401)

    def expected(self, host: str) -> set[str]:
        """Matching statuses the user may see, and the boosts of matching posts."""
        out = set()
        for s in self.statuses.values():
            if not self.visible(s) or s.get("_filtered"):
                continue
            if s.get("_reblog"):
                original = self.statuses[s["_reblog"]]
                if LUMIO.lower() in original["_text"].lower() and not original.get("_filtered"):
                    out.add(f"{host}:{s['id']}")
            elif LUMIO.lower() in s["_text"].lower():
                out.add(f"{host}:{s['id']}")
        return out


_SEQ = itertools.count()


def masto_status(t: float, account: str, text: str, **kw) -> dict:
    """A status as a Mastodon instance holds it (``_``-fields are the stand-in's own: ``_reblog`` is the id
    of the boosted status, ``quote_value`` of the quoted one, ``_filtered`` a muted author)."""
    sid = MastodonStandin.status_id(t, next(_SEQ))
    s = {"id": sid, "created_at": iso_z(t, ms=True), "in_reply_to_id": None, "sensitive": False,
         "spoiler_text": "", "visibility": "public", "language": "en", "uri": f"https://masto.example/s/{sid}",
         "url": f"https://masto.example/@u/{sid}", "favourites_count": 0, "content": f"<p>{text}</p>",
         "reblog": None, "media_attachments": [], "tags": [], "_at": t, "account_key": account, "_text": text}
    s.update(kw)
    return s


def masto_accounts(n: int = 40, rng: random.Random | None = None) -> dict[str, dict]:
    rng = rng or random.Random(0)
    return {str(i): {"id": str(i), "username": f"u{i}", "acct": f"u{i}" if i % 3 else f"u{i}@remote.example",
                     "display_name": f"User {i}", "followers_count": rng.randrange(0, 5000)} for i in range(1, n + 1)}


def mastodon_world(rng: random.Random, start: float, span: float, *, history: float = 6 * 3600,
                   n_posts: int = 160) -> tuple[list[dict], dict]:
    """Posts (a third naming the brand, some tagged), replies, quotes (one also a reply), filtered posts
    (a muted author) and boosts that arrive from seconds to three hours after their post."""
    accounts = masto_accounts(40, rng)
    statuses: list[dict] = []

    def status(t, account, text, **kw):
        s = masto_status(t, account, text, **kw)
        statuses.append(s)
        return s

    for t in times(rng, n_posts, start - history, span + history):
        brand = rng.random() < 0.35
        text = sentence(rng, brand)
        tags = [{"name": "lumio"}] if brand and rng.random() < 0.3 else []
        filtered = rng.random() < 0.06  # by an account the user muted: never shown to them, nor its thread
        post = status(t, str(rng.randrange(1, 41)), text, tags=tags, _filtered=filtered)
        if filtered:
            continue
        if brand and rng.random() < 0.4:  # boosts come later
            for _ in range(rng.randrange(1, 4)):
                bt = t + rng.expovariate(1 / 2400)
                if bt < start + span:
                    status(bt, str(rng.randrange(1, 41)), "", content="", _reblog=post["id"])
        if rng.random() < 0.3:  # a reply, naming the brand or not
            rt = t + rng.expovariate(1 / 1200)
            if rt < start + span:
                status(rt, str(rng.randrange(1, 41)), sentence(rng, rng.random() < 0.5), in_reply_to_id=post["id"])
        if brand and rng.random() < 0.1:  # a quote that is also a reply
            qt = t + rng.expovariate(1 / 1800)
            if qt < start + span:
                status(qt, str(rng.randrange(1, 41)), sentence(rng, True), in_reply_to_id=post["id"], quote_value=post["id"])
    statuses.sort(key=lambda s: s["_at"])
    return statuses, accounts


# -- Bluesky -------------------------------------------------------------------------------------------


def _b64(obj) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


class BlueskyStandin(Service):
    """bsky.social's PDS (sessions) and the AppView behind it (search, reposts, feeds, posts)."""

    name = "bluesky"
    ACCESS_LIFETIME = 2 * 3600
    REFRESH_LIFETIME = 90 * 86400

    def __init__(self, clock, posts: list[dict], reposts: list[dict], *, handle: str, password: str,
                 delay: float = 10):
        super().__init__(clock)
        self.posts = {p["uri"]: p for p in posts}
        self.reposts, self.delay = reposts, delay
        self.handle, self.password = handle, password
        self.appview = Limit("3,000 requests per 5 minutes", 3000, 300)
        self.logins_5m = Limit("createSession: 30 per 5 minutes per account", 30, 300)
        self.logins_day = Limit("createSession: 100 per day per account (bsky.social entryway)", 100, 86400)
        self.limits = [self.appview, self.logins_5m, self.logins_day]
        self.reposts_of, self.replies_to, self.by_author, self.reposts_by = {}, {}, {}, {}
        for r in reposts:
            self.reposts_of.setdefault(r["subject"], []).append(r)
            self.reposts_by.setdefault(r["by"]["did"], []).append(r)
        for p in posts:
            parent = ((p["record"].get("reply") or {}).get("parent") or {}).get("uri")
            self.replies_to.setdefault(parent, []).append(p)
            self.by_author.setdefault(p["author"]["did"], []).append(p)
        self.access: dict[str, float] = {}  # token -> expiry
        self.refresh: dict[str, float] = {}
        self.logins = self.refreshes = self.expired_answers = 0
        self.serial = itertools.count(1)

    def visible(self, item: dict) -> bool:
        return item["_indexed"] + self.delay <= self.now

    def sort_at(self, p: dict) -> float:
        return min(parse_t(p["record"]["createdAt"]), p["_indexed"])

    def view(self, p: dict) -> dict:
        out = {k: v for k, v in p.items() if not k.startswith("_")}
        out["indexedAt"] = iso_z(p["_indexed"], ms=True)
        out["repostCount"] = sum(1 for r in self.reposts_of.get(p["uri"], []) if self.visible(r))
        out["replyCount"] = sum(1 for o in self.replies_to.get(p["uri"], []) if self.visible(o))
        out.setdefault("likeCount", 0)
        out.setdefault("quoteCount", 0)
        return out

    # -- sessions -----------------------------------------------------------------------------------

    def _issue(self) -> dict:
        n = next(self.serial)
        access = f"{_b64({'typ': 'at+jwt'})}.{_b64({'exp': self.now + self.ACCESS_LIFETIME, 'n': n})}.sig{n}"
        refresh = f"{_b64({'typ': 'refresh+jwt'})}.{_b64({'exp': self.now + self.REFRESH_LIFETIME, 'n': n})}.rsig{n}"
        self.access[access] = self.now + self.ACCESS_LIFETIME
        self.refresh[refresh] = self.now + self.REFRESH_LIFETIME
        return {"accessJwt": access, "refreshJwt": refresh, "handle": self.handle, "did": "did:plc:listener",
                "active": True}

    def expire_access_tokens(self) -> None:
        """Every access token given so far stops working now (as if revoked or expired early)."""
        for token in self.access:
            self.access[token] = self.now - 1

    def _bearer(self, req: Request) -> str | None:
        auth = req.headers.get("authorization", "")
        return auth.split(" ", 1)[1] if auth.startswith("Bearer ") else None

    def _reply(self, body, status: int = 200, limit: Limit | None = None) -> Reply:
        lim = limit or self.appview
        used = lim.used(self.now)
        return Reply(status, body, {"ratelimit-limit": str(lim.limit), "ratelimit-remaining": str(max(0, lim.limit - used)),
                                    "ratelimit-reset": str(int(lim.reset(self.now) if used >= lim.limit else self.now + lim.seconds)),
                                    "ratelimit-policy": f"{lim.limit};w={int(lim.seconds)}"})

    def create_session(self, req: Request):
        for lim in (self.logins_5m, self.logins_day):
            if not lim.hit(self.now):
                return self._reply({"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, 429, lim)
        self.served += 1
        body = req.json() or {}
        if body.get("identifier") != self.handle or body.get("password") != self.password:
            return self._reply({"error": "AuthenticationRequired", "message": "Invalid identifier or password"}, 401)
        self.logins += 1
        return self._reply(self._issue(), limit=self.logins_5m)

    def refresh_session(self, req: Request):
        refused = self.take(self.appview)
        if refused:
            return refused
        token = self._bearer(req)
        if token not in self.refresh:
            return self._reply({"error": "InvalidToken", "message": "Token could not be verified"}, 400)
        if self.refresh.pop(token) <= self.now:
            return self._reply({"error": "ExpiredToken", "message": "Token has expired"}, 400)
        self.refreshes += 1
        return self._reply(self._issue())

    def _authorized(self, req: Request) -> Reply | None:
        refused = self.take(self.appview)
        if refused:
            return refused
        token = self._bearer(req)
        if token not in self.access:
            return self._reply({"error": "AuthMissing", "message": "Authentication Required"}, 401)
        if self.access[token] <= self.now:
            self.expired_answers += 1
            return self._reply({"error": "ExpiredToken", "message": "Token has expired"}, 400)
        return None

    # -- the AppView --------------------------------------------------------------------------------

    def routes(self) -> dict:
        return {
            "/xrpc/com.atproto.server.createSession": self.create_session,
            "/xrpc/com.atproto.server.refreshSession": self.refresh_session,
            "/xrpc/app.bsky.feed.searchPosts": self.search,
            "/xrpc/app.bsky.feed.getRepostedBy": self.reposted_by,
            "/xrpc/app.bsky.feed.getAuthorFeed": self.author_feed,
            "/xrpc/app.bsky.feed.getPosts": self.get_posts,
        }

    def search(self, req: Request):
        refused = self._authorized(req)
        if refused:
            return refused
        q = req.query
        since = parse_t(q["since"]) if "since" in q else float("-inf")
        until = parse_t(q["until"]) if "until" in q else float("inf")
        found = [p for p in self.posts.values() if self.visible(p) and words_in(q["q"], p["record"]["text"])
                 and since <= self.sort_at(p) < until]  # since/until apply to sortAt
        found.sort(key=lambda p: (-self.sort_at(p), p["uri"]))
        offset, limit = int(q.get("cursor", 0)), int(q.get("limit", 25))
        page = found[offset: offset + limit]
        body = {"posts": [self.view(p) for p in page]}
        if offset + limit < len(found):
            body["cursor"] = str(offset + limit)
        return self._reply(body)

    def reposted_by(self, req: Request):
        refused = self._authorized(req)
        if refused:
            return refused
        mine = sorted((r for r in self.reposts_of.get(req.query["uri"], []) if self.visible(r)), key=lambda r: -r["_indexed"])
        return self._reply({"uri": req.query["uri"], "repostedBy": [r["by"] for r in mine[: int(req.query.get("limit", 50))]]})

    def author_feed(self, req: Request):
        refused = self._authorized(req)
        if refused:
            return refused
        actor = req.query["actor"]
        items = [(r["_indexed"], {"post": self.view(self.posts[r["subject"]]),
                                  "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": r["by"],
                                             "uri": r["uri"], "indexedAt": iso_z(r["_indexed"], ms=True)}})
                 for r in self.reposts_by.get(actor, []) if self.visible(r)]
        items += [(p["_indexed"], {"post": self.view(p)}) for p in self.by_author.get(actor, [])
                  if self.visible(p) and not p["record"].get("reply")]
        items.sort(key=lambda it: -it[0])
        return self._reply({"feed": [it[1] for it in items[: int(req.query.get("limit", 50))]]})

    def get_posts(self, req: Request):
        refused = self._authorized(req)
        if refused:
            return refused
        uris = req.params.get("uris", [])
        if len(uris) > 25:
            return self._reply({"error": "InvalidRequest", "message": "uris must not have more than 25 elements"}, 400)
        return self._reply({"posts": [self.view(self.posts[u]) for u in uris if u in self.posts and self.visible(self.posts[u])]})

    def expected(self, host: str) -> set[str]:
        matching = {u for u, p in self.posts.items() if self.visible(p) and LUMIO.lower() in p["record"]["text"].lower()}
        return matching | {r["uri"] for r in self.reposts if r["subject"] in matching and self.visible(r)}


_RKEYS = itertools.count()


def bsky_person(i: int) -> dict:
    return {"did": f"did:plc:person{i:04d}", "handle": f"p{i}.bsky.social", "displayName": f"P {i}"}


def bsky_post(t: float, author: dict, text: str, *, ahead: float = 0, **record_extra) -> dict:
    """A post indexed at ``t`` whose client set ``createdAt`` ``ahead`` seconds later."""
    rkey = f"3m{next(_RKEYS):06d}"
    return {"uri": f"at://{author['did']}/app.bsky.feed.post/{rkey}", "cid": f"bafy{rkey}", "author": author,
            "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": iso_z(t + ahead, ms=True),
                       "langs": ["en"], **record_extra}, "_indexed": t}


def bsky_repost(t: float, by: dict, subject: dict) -> dict:
    return {"subject": subject["uri"], "by": by, "_indexed": t,
            "uri": f"at://{by['did']}/app.bsky.feed.repost/r{next(_RKEYS):06d}"}


def bluesky_world(rng: random.Random, start: float, span: float, *, history: float = 6 * 3600,
                  n_posts: int = 160) -> tuple[list[dict], list[dict]]:
    """Posts (a third naming the brand), replies, quotes of posts, posts embedding a feed or a list, posts
    whose client clock ran 20 minutes ahead, and reposts from seconds to three hours after their post."""
    people = [bsky_person(i) for i in range(40)]
    posts: list[dict] = []
    reposts: list[dict] = []
    serial = itertools.count()

    def post(t, author, text, **record_extra):
        p = bsky_post(t, author, text, ahead=1200 if rng.random() < 0.05 else 0, **record_extra)  # a clock ahead
        posts.append(p)
        return p

    for t in times(rng, n_posts, start - history, span + history):
        brand = rng.random() < 0.35
        extra = {}
        if rng.random() < 0.05:
            kind = rng.choice(["app.bsky.feed.generator", "app.bsky.graph.list", "app.bsky.graph.starterpack"])
            extra["embed"] = {"$type": "app.bsky.embed.record",
                              "record": {"uri": f"at://did:plc:curator/{kind}/abc{next(serial)}", "cid": "bafyx"}}
        p = post(t, rng.choice(people), sentence(rng, brand), **extra)
        if brand and rng.random() < 0.45:
            for who in rng.sample(people, rng.randrange(1, 4)):
                rt = t + rng.expovariate(1 / 2400)
                if rt < start + span and who["did"] != p["author"]["did"]:
                    reposts.append(bsky_repost(rt, who, p))
        if rng.random() < 0.3:
            rt = t + rng.expovariate(1 / 1200)
            if rt < start + span:
                post(rt, rng.choice(people), sentence(rng, rng.random() < 0.5),
                     reply={"root": {"uri": p["uri"], "cid": p["cid"]}, "parent": {"uri": p["uri"], "cid": p["cid"]}})
        if brand and rng.random() < 0.1:
            qt = t + rng.expovariate(1 / 1800)
            if qt < start + span:
                post(qt, rng.choice(people), sentence(rng, True),
                     embed={"$type": "app.bsky.embed.record", "record": {"uri": p["uri"], "cid": p["cid"]}})
    return posts, reposts


# -- Reddit --------------------------------------------------------------------------------------------


REDDIT_UA = re.compile(r"^[^:\s]+:[^:\s]+:[^:\s]+ \(by /u/[A-Za-z0-9_-]{3,20}\)$")


class RedditStandin(Service):
    """Reddit's OAuth API: a client-credentials token, search (posts only), comment trees, /api/info."""

    name = "reddit"

    def __init__(self, clock, posts: list[dict], comments: list[dict], *, client: tuple[str, str], delay: float = 30):
        super().__init__(clock)
        self.posts = {p["name"]: p for p in posts}
        self.comments, self.client, self.delay = comments, client, delay
        self.window = Limit("100 requests a minute per client, averaged over 10 minutes", 1000, 600)
        self.limits = [self.window]
        self.tokens: dict[str, float] = {}
        self.logins = 0
        self.bad_agents: list[str] = []
        self.on_post, self.replies_to = {}, {}
        for c in comments:
            self.on_post.setdefault(c["link_id"], []).append(c)
            self.replies_to.setdefault(c["parent_id"], []).append(c)

    def visible(self, item: dict) -> bool:
        return item["created_utc"] + self.delay <= self.now

    def _reply(self, body, status: int = 200) -> Reply:
        used = self.window.used(self.now)
        return Reply(status, body, {"x-ratelimit-used": str(used), "x-ratelimit-remaining": f"{1000 - used:.1f}",
                                    "x-ratelimit-reset": str(int(max(1, self.window.reset(self.now) - self.now)
                                                                 if used >= 1000 else 600))})

    def _checked(self, req: Request, *, token: bool = True) -> Reply | None:
        if not REDDIT_UA.match(req.headers.get("user-agent", "")):
            self.bad_agents.append(req.headers.get("user-agent", ""))
            return Reply(429, "<html><body>Too Many Requests</body></html>", {"Content-Type": "text/html"})
        refused = self.take(self.window)
        if refused:
            return refused
        if token:
            auth = req.headers.get("authorization", "")
            if not auth.startswith("bearer ") or self.tokens.get(auth[7:], 0) <= self.now:
                return self._reply({"message": "Unauthorized", "error": 401}, 401)
        return None

    def view(self, p: dict) -> dict:
        out = {k: v for k, v in p.items() if not k.startswith("_")}
        out["num_comments"] = sum(1 for c in self.on_post.get(p["name"], []) if self.visible(c))
        return out

    def routes(self) -> dict:
        return {"/api/v1/access_token": self.token, "/search": self.search, r"/comments/\w+": self.tree,
                "/api/info": self.info}

    def token(self, req: Request):
        refused = self._checked(req, token=False)
        if refused:
            return refused
        auth = req.headers.get("authorization", "")
        sent = base64.b64decode(auth.split(" ", 1)[1]).decode() if auth.startswith("Basic ") else ""
        if sent != f"{self.client[0]}:{self.client[1]}":
            return self._reply({"message": "Unauthorized", "error": 401}, 401)
        self.logins += 1
        token = f"reddit-token-{self.logins}"
        self.tokens[token] = self.now + 86400
        return self._reply({"access_token": token, "token_type": "bearer", "expires_in": 86400, "scope": "*"})

    def search(self, req: Request):
        refused = self._checked(req)
        if refused:
            return refused
        found = sorted((p for p in self.posts.values() if self.visible(p)
                        and any_branch(req.query["q"], p["title"] + " " + p["selftext"], " OR ")),
                       key=lambda p: (-p["created_utc"], p["name"]))
        if req.query.get("after"):
            names = [p["name"] for p in found]
            found = found[names.index(req.query["after"]) + 1:] if req.query["after"] in names else []
        limit = int(req.query.get("limit", 25))
        page = found[:limit]
        after = page[-1]["name"] if len(found) > limit else None
        return self._reply({"kind": "Listing", "data": {"after": after, "children": [{"kind": "t3", "data": self.view(p)} for p in page]}})

    def _node(self, c: dict) -> dict:
        kids = [self._node(k) for k in self.replies_to.get(c["name"], []) if self.visible(k)]
        data = {k: v for k, v in c.items() if not k.startswith("_")}
        data["replies"] = {"kind": "Listing", "data": {"children": kids}} if kids else ""
        return {"kind": "t1", "data": data}

    def tree(self, req: Request):
        refused = self._checked(req)
        if refused:
            return refused
        name = "t3_" + req.path.rsplit("/", 1)[1]
        p = self.posts.get(name)
        if p is None or not self.visible(p):
            return self._reply({"message": "Not Found", "error": 404}, 404)
        top = [self._node(c) for c in self.replies_to.get(name, []) if self.visible(c)]
        top.sort(key=lambda n: -n["data"]["created_utc"])
        return self._reply([{"kind": "Listing", "data": {"children": [{"kind": "t3", "data": self.view(p)}]}},
                            {"kind": "Listing", "data": {"children": top}}])

    def info(self, req: Request):
        refused = self._checked(req)
        if refused:
            return refused
        names = [n for n in req.query.get("id", "").split(",") if n]
        if len(names) > 100:
            return self._reply({"message": "Bad Request", "error": 400}, 400)
        found = [self.view(self.posts[n]) for n in names if n in self.posts and self.visible(self.posts[n])]
        return self._reply({"kind": "Listing", "data": {"after": None, "children": [{"kind": "t3", "data": p} for p in found]}})

    def expected(self, host: str) -> set[str]:
        matching = {n for n, p in self.posts.items() if self.visible(p) and LUMIO.lower() in (p["title"] + p["selftext"]).lower()}
        return matching | {c["name"] for c in self.comments if c["link_id"] in matching and self.visible(c)
                           and LUMIO.lower() in c["body"].lower()}


def reddit_world(rng: random.Random, start: float, span: float, *, history: float = 6 * 3600,
                 n_posts: int = 90) -> tuple[list[dict], list[dict]]:
    """Posts (half naming the brand) and comment threads that grow for hours after their post."""
    posts, comments = [], []
    serial = itertools.count(1000)
    for t in times(rng, n_posts, start - history, span + history):
        brand = rng.random() < 0.5
        pid = f"p{next(serial):x}"
        post = {"name": f"t3_{pid}", "id": pid, "title": sentence(rng, brand), "selftext": "", "created_utc": float(int(t)),
                "subreddit": "smarthome", "author": f"user{rng.randrange(50)}", "author_fullname": f"t2_u{rng.randrange(50)}",
                "permalink": f"/r/smarthome/comments/{pid}/x/", "is_self": True, "score": rng.randrange(1, 300),
                "num_crossposts": 0}
        posts.append(post)
        parents = [post["name"]]
        for _ in range(rng.randrange(0, 6) if brand else rng.randrange(0, 3)):
            ct = t + rng.expovariate(1 / 3000)
            if ct >= start + span:
                continue
            cid = f"c{next(serial):x}"
            comments.append({"name": f"t1_{cid}", "id": cid, "body": sentence(rng, rng.random() < 0.5),
                             "created_utc": float(int(ct)), "parent_id": rng.choice(parents), "link_id": post["name"],
                             "author": f"user{rng.randrange(50)}", "subreddit": "smarthome",
                             "permalink": f"/r/smarthome/comments/{pid}/x/{cid}/", "score": 1})
            parents.append(f"t1_{cid}")
    comments.sort(key=lambda c: c["created_utc"])
    return posts, comments


# -- YouTube -------------------------------------------------------------------------------------------

PACIFIC = ZoneInfo("America/Los_Angeles")
YT_COST = {"search": 100, "videos": 1, "commentThreads": 1, "comments": 1}


def youtube_error(status: int, reason: str, message: str, domain: str = "youtube.commentThread") -> dict:
    """An error body as the YouTube Data API writes it."""
    return {"error": {"code": status, "message": message,
                      "errors": [{"message": message, "domain": domain, "reason": reason,
                                  "location": "videoId", "locationType": "parameter"}]}}


COMMENTS_DISABLED = youtube_error(
    403, "commentsDisabled", "The video identified by the <code><a href=\"/youtube/v3/docs/commentThreads/list#videoId\">"
    "videoId</a></code> parameter has disabled comments.")
VIDEO_NOT_FOUND = youtube_error(
    404, "videoNotFound", "The video identified by the <code><a href=\"/youtube/v3/docs/commentThreads/list#videoId\">"
    "videoId</a></code> parameter could not be found.")
QUOTA_EXCEEDED = {"error": {"code": 403, "message": "The request cannot be completed because you have exceeded your "
                            "<a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
                            "errors": [{"message": "quota", "domain": "youtube.quota", "reason": "quotaExceeded"}]}}


class YouTubeStandin(Service):
    """The YouTube Data API: search, videos, commentThreads (refusing per video), comments; a daily quota."""

    name = "youtube"

    def __init__(self, clock, videos: list[dict], comments: list[dict], *, key: str, quota: int = 10_000,
                 delay: float = 120):
        super().__init__(clock)
        self.videos = {v["id"]: v for v in videos}
        self.comments, self.key, self.quota, self.delay = comments, key, quota, delay
        self.spent: dict[str, int] = {}  # Pacific date -> units
        self.limits = []
        self.quota_refusals: list[float] = []
        self.on_video, self.replies_to = {}, {}
        for c in comments:
            self.on_video.setdefault(c["_video"], []).append(c)
            self.replies_to.setdefault(c.get("_parent"), []).append(c)

    def day(self) -> str:
        return dt.datetime.fromtimestamp(self.now, dt.UTC).astimezone(PACIFIC).date().isoformat()

    @property
    def violations(self) -> list[tuple[str, float]]:
        return [("10,000 units a day", t) for t in self.quota_refusals]

    def figures(self) -> dict:
        return {"units per Pacific day": (max(self.spent.values(), default=0), self.quota)}

    def visible(self, item: dict) -> bool:
        return item["_at"] + self.delay <= self.now

    def _charge(self, req: Request, call: str) -> Reply | None:
        self.served += 1
        if req.headers.get("x-goog-api-key") != self.key:
            return Reply(400, youtube_error(400, "keyInvalid", "API key not valid. Please pass a valid API key.", "global"))
        used = self.spent.get(self.day(), 0)
        if used + YT_COST[call] > self.quota:
            self.quota_refusals.append(self.now)
            return Reply(403, QUOTA_EXCEEDED)
        self.spent[self.day()] = used + YT_COST[call]
        return None

    def view(self, v: dict) -> dict:
        out = {k: val for k, val in v.items() if not k.startswith("_")}
        out["statistics"] = {"viewCount": "100", "likeCount": "5"}
        if not v.get("_comments_disabled"):  # the API leaves the count out when comments are turned off
            n = sum(1 for c in self.on_video.get(v["id"], []) if self.visible(c))
            out["statistics"]["commentCount"] = str(n)
        return out

    def routes(self) -> dict:
        return {"/youtube/v3/search": self.search, "/youtube/v3/videos": self.video_list,
                "/youtube/v3/commentThreads": self.threads, "/youtube/v3/comments": self.replies}

    def search(self, req: Request):
        refused = self._charge(req, "search")
        if refused:
            return refused
        q = req.query
        lo, hi = parse_t(q["publishedAfter"]), parse_t(q["publishedBefore"])
        found = sorted((v for v in self.videos.values() if self.visible(v) and lo <= v["_at"] < hi
                        and any_branch(q["q"], v["snippet"]["title"] + " " + v["snippet"]["description"], "|")),
                       key=lambda v: -v["_at"])
        offset, limit = int((q.get("pageToken") or "p0")[1:]), int(q.get("maxResults", 5))
        body = {"kind": "youtube#searchListResponse",
                "items": [{"kind": "youtube#searchResult", "id": {"kind": "youtube#video", "videoId": v["id"]},
                           "snippet": v["snippet"]} for v in found[offset: offset + limit]]}
        if offset + limit < len(found):
            body["nextPageToken"] = f"p{offset + limit}"
        return Reply(200, body)

    def video_list(self, req: Request):
        refused = self._charge(req, "videos")
        if refused:
            return refused
        ids = req.query.get("id", "").split(",")
        return Reply(200, {"kind": "youtube#videoListResponse",
                           "items": [self.view(self.videos[i]) for i in ids if i in self.videos and self.visible(self.videos[i])
                                     and not self.videos[i].get("_gone")]})

    def _comment(self, c: dict) -> dict:
        sn = {"videoId": c["_video"], "textDisplay": c["text"], "textOriginal": c["text"],
              "authorDisplayName": c["author"], "authorChannelId": {"value": c["author"]}, "likeCount": 0,
              "publishedAt": iso_z(c["_at"]), "updatedAt": iso_z(c["_at"])}
        if c.get("_parent"):
            sn["parentId"] = c["_parent"]
        return {"kind": "youtube#comment", "id": c["id"], "snippet": sn}

    def threads(self, req: Request):
        refused = self._charge(req, "commentThreads")
        if refused:
            return refused
        v = self.videos.get(req.query.get("videoId"))
        if v is None or v.get("_gone"):
            return Reply(404, VIDEO_NOT_FOUND)
        if v.get("_comments_disabled"):
            return Reply(403, COMMENTS_DISABLED)
        tops = sorted((c for c in self.on_video.get(v["id"], []) if not c.get("_parent") and self.visible(c)),
                      key=lambda c: -c["_at"])
        offset = int((req.query.get("pageToken") or "p0")[1:])
        limit = int(req.query.get("maxResults", 20))
        items = []
        for c in tops[offset: offset + limit]:
            replies = [r for r in self.replies_to.get(c["id"], []) if self.visible(r)]
            thread = {"kind": "youtube#commentThread", "id": c["id"],
                      "snippet": {"videoId": v["id"], "topLevelComment": self._comment(c), "totalReplyCount": len(replies),
                                  "canReply": True, "isPublic": True}}
            if replies:
                thread["replies"] = {"comments": [self._comment(r) for r in replies[:5]]}
            items.append(thread)
        body = {"kind": "youtube#commentThreadListResponse", "items": items}
        if offset + limit < len(tops):
            body["nextPageToken"] = f"p{offset + limit}"
        return Reply(200, body)

    def replies(self, req: Request):
        refused = self._charge(req, "comments")
        if refused:
            return refused
        got = [self._comment(r) for r in self.replies_to.get(req.query["parentId"], []) if self.visible(r)]
        return Reply(200, {"kind": "youtube#commentListResponse", "items": got})

    def expected(self, host: str) -> set[str]:
        matching = {i for i, v in self.videos.items() if self.visible(v) and not v.get("_gone")
                    and LUMIO.lower() in (v["snippet"]["title"] + v["snippet"]["description"]).lower()}
        readable = {i for i in matching if not self.videos[i].get("_comments_disabled")}
        return matching | {c["id"] for c in self.comments if c["_video"] in readable and self.visible(c)
                           and LUMIO.lower() in c["text"].lower()}


def youtube_world(rng: random.Random, start: float, span: float, *, history: float = 6 * 3600,
                  n_videos: int = 40) -> tuple[list[dict], list[dict]]:
    """Videos (half naming the brand; one with comments turned off) and comments arriving for hours after."""
    videos, comments = [], []
    serial = itertools.count(1)
    for i, t in enumerate(times(rng, n_videos, start - history, span + history)):
        brand = rng.random() < 0.5
        vid = f"vid{next(serial):08d}"
        videos.append({"kind": "youtube#video", "id": vid, "_at": t, "_comments_disabled": i == 3,
                       "snippet": {"publishedAt": iso_z(t), "channelId": f"UC{rng.randrange(20)}", "channelTitle": "Chan",
                                   "title": sentence(rng, brand), "description": ""}})
        for _ in range(rng.randrange(0, 8) if i != 3 else 0):
            ct = t + rng.expovariate(1 / 4000)
            if ct >= start + span:
                continue
            cid = f"Ugx{next(serial):08d}"
            comments.append({"id": cid, "_video": vid, "_at": ct, "text": sentence(rng, rng.random() < 0.5),
                             "author": f"@a{rng.randrange(30)}"})
            if rng.random() < 0.3:
                rt = ct + rng.expovariate(1 / 1200)
                if rt < start + span:
                    comments.append({"id": f"{cid}.r{next(serial)}", "_video": vid, "_at": rt, "_parent": cid,
                                     "text": sentence(rng, rng.random() < 0.5), "author": f"@a{rng.randrange(30)}"})
    return videos, comments


# -- X -------------------------------------------------------------------------------------------------


class XStandin(Service):
    """X API v2 recent search: the last seven days, ``next_token`` tied to its request's query and times."""

    name = "x"
    INVALID = {"title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
               "type": "https://api.twitter.com/2/problems/invalid-request"}

    def __init__(self, clock, tweets: list[dict], users: dict[str, dict], *, bearer: str, delay: float = 20):
        super().__init__(clock)
        self.tweets = {t["id"]: t for t in tweets}
        self.users, self.bearer, self.delay = users, bearer, delay
        self.window = Limit("450 requests per 15 minutes per app", 450, 900)
        self.limits = [self.window]
        self.refused_tokens: list[dict] = []

    def visible(self, t: dict) -> bool:
        return t["_at"] + self.delay <= self.now

    def _reply(self, body, status: int = 200) -> Reply:
        used = self.window.used(self.now)
        return Reply(status, body, {"x-rate-limit-limit": "450", "x-rate-limit-remaining": str(max(0, 450 - used)),
                                    "x-rate-limit-reset": str(int(self.window.reset(self.now) if used >= 450 else self.now + 900))})

    def _invalid(self, message: str, parameter: str) -> Reply:
        return self._reply({"errors": [{"parameters": {parameter: ["…"]}, "message": message}], **self.INVALID}, 400)

    def routes(self) -> dict:
        return {"/2/tweets/search/recent": self.search}

    def view(self, t: dict) -> dict:
        return {k: v for k, v in t.items() if not k.startswith("_")}

    def search(self, req: Request):
        refused = self.take(self.window)
        if refused:
            return refused
        if req.headers.get("authorization") != f"Bearer {self.bearer}":
            return self._reply({"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}, 401)
        q = req.query
        if len(q["query"]) > 512:
            return self._invalid(f"The `query` parameter value [{q['query'][:20]}…] is too long.", "query")
        start, end = parse_t(q["start_time"]), parse_t(q["end_time"])
        if end > self.now - 10:
            return self._invalid("Invalid 'end_time':'…'. 'end_time' must be a minimum of 10 seconds prior to the "
                                 "request time.", "end_time")
        if start < self.now - 7 * 86400:
            return self._invalid("Invalid 'start_time':'…'. 'start_time' must be on or after seven days ago.", "start_time")
        offset = 0
        if q.get("next_token"):
            token = json.loads(base64.urlsafe_b64decode(q["next_token"].encode()))
            if [token["q"], token["s"], token["e"]] != [q["query"], q["start_time"], q["end_time"]]:
                self.refused_tokens.append(token)
                return self._invalid("The `next_token` query parameter value is invalid for this request.", "next_token")
            offset = token["o"]
        found = sorted((t for t in self.tweets.values() if self.visible(t) and start <= t["_at"] < end
                        and any_branch(q["query"], t["text"], " OR ")), key=lambda t: -t["_at"])
        limit = int(q.get("max_results", 10))
        page = found[offset: offset + limit]
        if not page:
            return self._reply({"meta": {"result_count": 0}})
        refs = {r["id"] for t in page for r in t.get("referenced_tweets", [])}
        body = {"data": [self.view(t) for t in page],
                "includes": {"users": [self.users[t["author_id"]] for t in page],
                             "tweets": [self.view(self.tweets[r]) for r in refs if r in self.tweets]},
                "meta": {"result_count": len(page), "newest_id": page[0]["id"], "oldest_id": page[-1]["id"]}}
        if offset + limit < len(found):
            body["meta"]["next_token"] = base64.urlsafe_b64encode(json.dumps(
                {"q": q["query"], "s": q["start_time"], "e": q["end_time"], "o": offset + limit}).encode()).decode()
        return self._reply(body)

    def expected(self, host: str) -> set[str]:
        return {i for i, t in self.tweets.items() if self.visible(t) and LUMIO.lower() in t["text"].lower()}


def x_world(rng: random.Random, start: float, span: float, *, history: float = 6 * 3600,
            n_posts: int = 160) -> tuple[list[dict], dict]:
    """Posts (a third naming the brand), their replies, quotes and retweets (``RT @user: …``)."""
    users = {str(i): {"id": str(i), "username": f"user{i}", "name": f"User {i}",
                      "public_metrics": {"followers_count": rng.randrange(0, 10_000)}} for i in range(1, 41)}
    tweets: list[dict] = []
    serial = itertools.count(1)

    def tweet(t, author, text, refs=()):
        tid = str(1878400000000000000 + next(serial))
        tw = {"id": tid, "text": text, "author_id": author, "created_at": iso_z(t, ms=True), "conversation_id": tid,
              "lang": "en", "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 0, "quote_count": 0},
              "_at": t}
        if refs:
            tw["referenced_tweets"] = [{"type": k, "id": i} for k, i in refs]
        tweets.append(tw)
        return tw

    for t in times(rng, n_posts, start - history, span + history):
        brand = rng.random() < 0.35
        author = str(rng.randrange(1, 41))
        p = tweet(t, author, sentence(rng, brand))
        if brand and rng.random() < 0.4:
            for _ in range(rng.randrange(1, 4)):
                rt = t + rng.expovariate(1 / 2400)
                if rt < start + span:
                    tweet(rt, str(rng.randrange(1, 41)), f"RT @{users[author]['username']}: {p['text']}"[:140],
                          [("retweeted", p["id"])])
        if rng.random() < 0.3:
            rt = t + rng.expovariate(1 / 1200)
            if rt < start + span:
                tweet(rt, str(rng.randrange(1, 41)), sentence(rng, rng.random() < 0.5), [("replied_to", p["id"])])
        if brand and rng.random() < 0.1:
            qt = t + rng.expovariate(1 / 1800)
            if qt < start + span:
                tweet(qt, str(rng.randrange(1, 41)), sentence(rng, True), [("quoted", p["id"])])
    return tweets, users


def http_date(t: float) -> str:
    return email.utils.formatdate(t, usegmt=True)


# -- a day of a watch-like loop --------------------------------------------------------------------------

#: The simulated day starts here: a Monday, 00:00 UTC (16:00 on Sunday, Pacific time).
DAY_START = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
SECRETS = {"BLUESKY_HANDLE": "listener.bsky.social", "BLUESKY_APP_PASSWORD": "pw-aaaa-bbbb-cccc",
           "MASTODON_ACCESS_TOKEN": MastodonStandin.USER_TOKEN, "REDDIT_CLIENT_ID": "reddit-client",
           "REDDIT_CLIENT_SECRET": "reddit-secret", "YOUTUBE_API_KEY": "yt-key-0000", "X_BEARER_TOKEN": "x-bearer-0000"}


class OneConnectionStore:
    """A ``Store`` that opens its file once: a process that has the store to itself, as the simulation does.

    The store opens DuckDB for each read or write so that other processes can use the file in between;
    that costs about 15 ms a time, or minutes over a simulated day. Here each read or write gets a cursor of
    the one open database instead (its own connection, closed after, as the store's would be). Everything
    else is the store's own code.
    """

    def __new__(cls, path):
        from viralscope.store import Store

        class _OneConnection(Store):
            _con = None

            def _connect(self, read_only):
                if self._con is None:
                    self._con = super()._connect(False)
                    self._con.execute("SET threads = 1")  # tiny queries: no use spreading them
                cursor = self._con.cursor()
                cursor.execute("SET TimeZone = 'UTC'")
                return cursor

            def close(self):
                if self._con is not None:
                    self._con.close()
                    self._con = None

        return _OneConnection(path)


@dataclass
class Day:
    """What a simulated day did: per source, the runs by status, the requests, the peaks against the limits."""

    services: dict
    runs: dict  # (source, status) -> count
    messages: list  # (cycle, source, status, message) of runs that were not ok
    stored: dict  # source -> set of stored ids
    expected: dict  # source -> set of ids the store must hold
    hosts: dict
    slept: float = 0.0

    @property
    def violations(self) -> list:
        return [(name, v) for name, s in self.services.items() for v in s.violations]


def build_services(clock: FakeClock, seed: int = 19) -> dict[str, Service]:
    rng = random.Random(seed)
    start, span = DAY_START.timestamp(), 24 * 3600 - 1800  # nothing is posted in the last half hour
    mastodon = MastodonStandin(clock, *mastodon_world(rng, start, span))
    bluesky = BlueskyStandin(clock, *bluesky_world(rng, start, span), handle=SECRETS["BLUESKY_HANDLE"],
                             password=SECRETS["BLUESKY_APP_PASSWORD"])
    reddit = RedditStandin(clock, *reddit_world(rng, start, span),
                           client=(SECRETS["REDDIT_CLIENT_ID"], SECRETS["REDDIT_CLIENT_SECRET"]))
    youtube = YouTubeStandin(clock, *youtube_world(rng, start, span), key=SECRETS["YOUTUBE_API_KEY"])
    x = XStandin(clock, *x_world(rng, start, span), bearer=SECRETS["X_BEARER_TOKEN"])
    from tests.mockserver import hn_world

    hn = HackerNewsStandin(clock, hn_world(150, start=int(start - 6 * 3600), span=int(span + 6 * 3600), seed=seed))
    return {s.name: s for s in (hn, reddit, mastodon, bluesky, youtube, x)}


def simulate_day(tmp, *, cycles: int = 1440, every: float = 60, restart_every: int = 360, seed: int = 19,
                 expire_at: int | None = 720, settings: dict | None = None) -> Day:
    """``cycles`` cycles of "collect every source", one every ``every`` seconds of the fake clock.

    A new process every ``restart_every`` cycles (a fresh ``Collection``, sessions read back from the cache
    file, as separate cron runs would); at cycle ``expire_at`` Bluesky stops honouring the access tokens
    it gave (an early expiry). Credentials must be in the environment (``SECRETS``).
    """
    from pathlib import Path

    from collectors.sessions import SessionCache
    from tests.mockserver import MockServer
    from viralscope import collecting
    from viralscope.config import parse_config

    clock = FakeClock(DAY_START)
    services = build_services(clock, seed)
    tmp = Path(tmp)
    store = OneConnectionStore(tmp / "day.duckdb")
    sessions = SessionCache(tmp / "cache" / "sessions.json")
    per_source = {
        "hackernews": {},
        "reddit": {"username": "viralscope_sim"},
        "mastodon": {"hashtags": ["lumio"]},
        "bluesky": {},
        "youtube": {},
        "x": {},
        **(settings or {}),
    }
    config = parse_config({"brand": {"name": "Lumio", "query": "lumio"},
                           "sources": per_source}, "simulation")
    runs: dict = {}
    messages: list = []
    with contextlib.ExitStack() as stack:
        servers = {name: stack.enter_context(MockServer(s.routes())) for name, s in services.items()}
        base_urls = {name: server.url for name, server in servers.items()}
        collection = None
        for i in range(cycles):
            clock.wait_until(DAY_START.timestamp() + every * i)
            if collection is None or i % restart_every == 0:
                collection = collecting.Collection(store, config, base_urls=base_urls, clock=clock, sessions=sessions)
            if i == expire_at:
                services["bluesky"].expire_access_tokens()
            for result in collection.run():
                runs[(result.source, result.status)] = runs.get((result.source, result.status), 0) + 1
                if result.status != "ok" or result.skipped:
                    messages.append((i, result.source, result.status, result.detail()))
        hosts = {name: url.split("://", 1)[1] for name, url in base_urls.items()}
        stored = {}
        for name in services:
            ids = store.query("SELECT id FROM mentions WHERE source = ?", [name])["id"]
            stored[name] = set(ids)
        expected = {name: s.expected(hosts[name]) for name, s in services.items()}
    store.close()
    return Day(services, runs, messages, stored, expected, hosts, clock.slept)
