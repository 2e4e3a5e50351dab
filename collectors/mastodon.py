"""Mastodon on any instance: status search, hashtag timelines, the replies and the boosts of matching posts.

``/api/v2/search?type=statuses`` searches the text of posts only for a signed-in account: Mastodon's search
service returns no statuses at all to an anonymous request or an app-only token (no user), with no error.
So keyword search needs ``MASTODON_ACCESS_TOKEN``, a token of a user account (``read`` scope); the source
checks that once (``/api/v1/accounts/verify_credentials`` answers 422 to an app-only token) and, without
one, says what to set and reads only the hashtag timelines (``/api/v1/timelines/tag/:hashtag``, public on
most instances), or is skipped when no ``hashtags`` are listed. Even signed in, search covers the posts the
instance has indexed and that their authors let be searched (Mastodon ≥ 4.2 with search enabled).

Both listings are newest first, paged with ``max_id``. A page may hold fewer statuses than asked for while
more follow (the server drops filtered statuses after applying the limit), so only an empty page, or one
reaching back past the span, ends the paging.

Replies point at their parent with ``in_reply_to_id``; a quote (Mastodon ≥ 4.5) carries the quoted post in
``quote.quoted_status`` and, when it also replies, keeps its reply link (the quoted post is kept as
``quoted``). Search and tag timelines leave boosts out, so for the most boosted matching posts of each page
``/api/v1/statuses/:id/reblogged_by`` names the newest boosters and each one's
``/api/v1/accounts/:id/statuses`` holds the boost (a status whose ``reblog`` is the post) with its time; a
boost not among a booster's 40 latest statuses is left out rather than given an invented time. Boosts and
replies keep coming after a post is found, so matching posts are revisited for ``revisit_for`` (every
``revisit_every``; ``/api/v1/statuses?id[]=`` reads 20 a request on Mastodon ≥ 4.3, older instances one a
request) and only posts whose counts grew are looked up again.
Only boosts the instance knows of are seen: the boosts by its own users and by accounts it federates with.

Status ids belong to the instance that serves them, so a mention's id is ``<instance>:<id>`` and the global
ActivityPub ``uri`` is kept as an extra attribute.

Limits: 300 requests per 5 minutes per account or address (``X-RateLimit-Limit/Remaining/Reset``, the reset
a timestamp), so one request a second.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from collectors.base import Page, Parsed, Source, as_int, each, html_to_text, iso, utc
from collectors.http import BadBody, HttpPolicy, RateLimitHeaders, Refusal, request
from collectors.query import Query, Syntax
from viralscope.core.contract import Mention
from viralscope.core.errors import NotConfigured
from viralscope.core.settings import secret

__all__ = ["Mastodon"]

NEEDS_USER = ("keyword search needs the access token of a user account, since Mastodon searches posts only "
              "for a signed-in user: set MASTODON_ACCESS_TOKEN (a token with the read scope, from Preferences → "
              "Development on your instance)")


class _Gone(Exception):
    """A status that is no longer there (deleted, or no longer visible): stop revisiting it."""


class _NoBatch(Exception):
    """An instance older than Mastodon 4.3: one status a request."""


#: ``GET /api/v1/statuses?id[]=`` reads this many statuses a request.
STATUSES_PER_CALL = 20


class Mastodon(Source):
    name = "mastodon"
    default_base = "https://mastodon.social"
    rate_limits = RateLimitHeaders("x-ratelimit-remaining", "x-ratelimit-reset", "iso", limit="x-ratelimit-limit")
    policy = HttpPolicy(min_interval=1.0, reserve=1)
    syntax = Syntax("mastodon", exclude=False, max_searches=6)
    #: hashtags: also read these tag timelines; contexts: fetch the replies of at most this many posts a page;
    #: boosts_of: look up the boosters of this many of each page's most boosted matching posts; boosters: at
    #: most this many boosters of one post; revisit_*: how long, how often and how many matching posts are
    #: asked again for new boosts and replies.
    options = {"hashtags": [], "page_size": 40, "contexts": 10, "boosts_of": 10, "boosters": 20,
               "revisit_for": "24h", "revisit_every": "5m", "revisit_max": 50}

    def __init__(self, settings=None, **kwargs):
        super().__init__(settings, **kwargs)
        self.token = secret("MASTODON_ACCESS_TOKEN")
        self.session.add_secret(self.token)
        #: Whether the token can search posts: None until checked (once per source object).
        self.searchable: bool | None = None if self.token else False
        #: Whether the instance reads several statuses a request (Mastodon ≥ 4.3): None until tried.
        self.batch: bool | None = None
        self.why_not = f"mastodon: {NEEDS_USER}"
        if not self.token and not self.settings["hashtags"]:
            raise NotConfigured(f"mastodon: skipped: {NEEDS_USER}; or list hashtags = [\"…\"] in "
                                "[sources.mastodon] to read public tag timelines")

    @property
    def instance(self) -> str:
        return self.host

    # -- what the token can do -----------------------------------------------------------------------

    def ready(self, query: Query) -> None:
        if self.searchable is None:
            self.searchable = self._user_token()
        if self.searchable:
            return
        if not self.settings["hashtags"]:
            raise NotConfigured(f"{self.why_not}; or list hashtags = [\"…\"] in [sources.mastodon]")
        self.notes.append(f"{self.why_not} (only the hashtag timelines were read)")

    def _user_token(self) -> bool:
        """False when the token has no user (an app-only token); True when it has one or cannot be told."""
        def refused(why: Refusal):
            if why.status == 422:  # "This method requires an authenticated user"
                return _AppOnly()
            if why.status in (403, 404):  # a token without the accounts scope; not Mastodon: search will tell
                return _Unknown()
            return None

        try:
            self._get("/api/v1/accounts/verify_credentials", {}, None, refused=refused)
        except _AppOnly:
            self.why_not = ("mastodon: MASTODON_ACCESS_TOKEN is an app token with no user, and Mastodon searches "
                            f"posts only for a signed-in user; {NEEDS_USER.split(': ', 1)[1]}")
            return False
        except _Unknown:
            return True
        return True

    # -- fetching ------------------------------------------------------------------------------------

    def searches(self, query: Query) -> list[str]:
        keywords = super().searches(query) if self.searchable is not False else []
        return keywords + [f"#{t.lstrip('#')}" for t in self.settings["hashtags"]]

    def _get(self, path: str, params: dict, check, refused=None):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return request(self.session, "GET", self.url(f"{self.default_base}{path}"), params=params,
                       headers=headers, what=self.name, check=check, refused=refused).body

    def fetch(self, search: str, since: dt.datetime, until: dt.datetime, *,
              state: dict | None = None) -> Iterator[Page]:
        if search == self.REVISIT:
            yield from self._revisit()
            return
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
            statuses = [s for s in statuses if isinstance(s, dict)]
            revisits = self.revisits()
            inside = [s for s in statuses if _inside(s, since, until)]
            matching = [s for s in inside if self.relevant(html_to_text(s.get("content")))]
            contexts = self._contexts([s["id"] for s in matching if as_int(s.get("replies_count"))])
            boosts = self._boosts({s["id"]: as_int(s.get("reblogs_count")) or 0 for s in matching})
            for s in matching:
                _watch(revisits, s, contexts, boosts)
            self.keep_revisits(revisits)
            ids = [int(s["id"]) for s in statuses if str(s.get("id", "")).isdigit()]
            oldest = min(ids, default=None)
            # Only an empty page ends the listing: the server drops filtered statuses after the limit.
            reached = any(_created(s) is not None and _created(s) < since for s in statuses)
            done = oldest is None or reached
            payload = {"instance": self.instance, "response": response, "contexts": contexts, "boosts": boosts}
            return payload, None if done else str(oldest), f"{len(statuses)} statuses"

        yield from self.paginate("max_id", (state or {}).get("max_id"), step)

    def _contexts(self, ids: list[str]) -> dict:
        return {sid: self._get(f"/api/v1/statuses/{sid}/context", {}, _context)
                for sid in ids[: int(self.settings["contexts"])]}

    def _statuses(self, ids: list[str]) -> list[dict]:
        """The statuses ``ids`` as they are now: 20 a request (Mastodon ≥ 4.3), else one a request."""
        def old(why: Refusal):
            return _NoBatch() if why.status in (404, 405, 422) else None

        if self.batch is not False:
            try:
                out = []
                for i in range(0, len(ids), STATUSES_PER_CALL):
                    out += self._get("/api/v1/statuses", {"id[]": ids[i: i + STATUSES_PER_CALL]}, _status_list,
                                     refused=old)
                self.batch = True
                return [s for s in out if isinstance(s, dict) and "id" in s]
            except _NoBatch:
                self.batch = False

        def gone(why: Refusal):
            return _Gone() if why.status in (404, 410) else None

        out = []
        for sid in ids:
            try:
                out.append(self._get(f"/api/v1/statuses/{sid}", {}, _status, refused=gone))
            except _Gone:
                continue
        return out

    def _boosts(self, wanted: dict[str, int]) -> dict:
        """Boosters of the most boosted of ``wanted`` (id -> how many boosts to look for), newest first, and
        each one's latest statuses (where the boost is, with its time)."""
        top = sorted((sid for sid, n in wanted.items() if n), key=lambda sid: -wanted[sid])
        out = {}
        for sid in top[: int(self.settings["boosts_of"])]:
            many = min(wanted[sid], int(self.settings["boosters"]))
            by = self._get(f"/api/v1/statuses/{sid}/reblogged_by", {"limit": min(80, max(1, many))}, _account_list)
            statuses = {}
            for account in by[:many]:
                statuses[account["id"]] = self._get(f"/api/v1/accounts/{account['id']}/statuses",
                                                    {"limit": 40, "exclude_replies": "true"}, _status_list)
            out[sid] = {"by": by, "statuses": statuses}
        return out

    def _revisit(self) -> Iterator[Page]:
        """Matching posts of the last ``revisit_for``: their counts now, new boosts and new replies."""
        revisits = self.revisits()
        now = self.clock.now()
        if not revisits.posts or not revisits.due(now, self.duration("revisit_every")):
            return
        statuses, more_boosts, more_replies = [], {}, []
        found = {s["id"]: s for s in self._statuses(list(revisits.posts))}
        for sid in list(revisits.posts):
            s = found.get(sid)
            if s is None:  # deleted, or no longer visible
                revisits.posts.pop(sid, None)
                continue
            grown = revisits.grown(sid, {"boosts": as_int(s.get("reblogs_count")),
                                         "replies": as_int(s.get("replies_count"))})
            if grown.get("boosts"):
                more_boosts[sid] = grown["boosts"]
            if grown.get("replies"):
                more_replies.append(sid)
            statuses.append(s)
        contexts = self._contexts(more_replies)
        boosts = self._boosts(more_boosts)
        for s in statuses:
            if _created(s) is not None:
                _watch(revisits, s, contexts, boosts)
        revisits.checked = iso(now)
        counters = self.keep_revisits(revisits)
        yield Page({"instance": self.instance, "response": statuses, "contexts": contexts, "boosts": boosts}, None,
                   f"revisited {len(statuses)} posts", counters=counters)

    @staticmethod
    def parse(payload) -> Parsed:
        host = payload["instance"]
        response = payload["response"]
        statuses = list(response["statuses"] if isinstance(response, dict) else response)
        for ctx in (payload.get("contexts") or {}).values():
            statuses += ctx.get("ancestors", []) + ctx.get("descendants", [])
        for target, found in (payload.get("boosts") or {}).items():
            for listed in (found.get("statuses") or {}).values():
                statuses += [s for s in listed if isinstance(s, dict) and (s.get("reblog") or {}).get("id") == target]
        parsed = each(statuses, lambda s: list(_mentions(s, host)), lambda s: f"status {s['id']}")
        out: dict[str, Mention] = {}
        for m in parsed:
            out.setdefault(m.id, m)
        return Parsed(out.values(), parsed.skipped)


def _watch(revisits, s: dict, contexts: dict, boosts: dict) -> None:
    """Keep a matching status to revisit, with the counts whose items were fetched (the others count as none
    seen yet, so a revisit fetches them)."""
    revisits.watch(s["id"], _created(s), {"boosts": as_int(s.get("reblogs_count")) if s["id"] in boosts else 0,
                                          "replies": as_int(s.get("replies_count")) if s["id"] in contexts else 0})


class _AppOnly(Exception):
    pass


class _Unknown(Exception):
    pass


def _created(s: dict) -> dt.datetime | None:
    try:
        return utc(s.get("created_at"))
    except (TypeError, ValueError):
        return None


def _inside(s: dict, since, until) -> bool:
    t = _created(s)
    return t is not None and since <= t < until and "id" in s


def _status(body) -> None:
    if not isinstance(body, dict) or "id" not in body:
        raise BadBody("not a status")


def _status_list(body) -> None:
    if not isinstance(body, list):
        raise BadBody("not a list of statuses")


def _account_list(body) -> None:
    if not isinstance(body, list) or not all(isinstance(a, dict) and "id" in a for a in body):
        raise BadBody("not a list of accounts")


def _search_result(body) -> None:
    if not isinstance(body, dict) or not isinstance(body.get("statuses"), list):
        raise BadBody("no statuses in the search result")


def _context(body) -> None:
    if not isinstance(body, dict) or "descendants" not in body:
        raise BadBody("not a status context")


def _mentions(s: dict, host: str) -> Iterator[Mention]:
    """The status, and the original it boosts or quotes (both are posts we have seen in full)."""
    boosted = s.get("reblog")
    quote = s.get("quote")
    quoted = quote.get("quoted_status") if isinstance(quote, dict) else None
    if boosted:
        yield _mention(boosted, host)
        yield _mention(s, host, kind="share", parent=boosted["id"])  # a boost has no words of its own
        return
    parent = s.get("in_reply_to_id")
    if quoted:
        yield _mention(quoted, host)
        if not parent:
            yield _mention(s, host, kind="quote", parent=quoted["id"])
            return
    extra = {"quoted": f"{host}:{quoted['id']}"} if quoted else {}
    yield _mention(s, host, kind="reply" if parent else "post", parent=parent, extra=extra)


def _mention(s: dict, host: str, *, kind: str = "post", parent=None, extra=None) -> Mention:
    acct = s.get("account") or {}
    body = html_to_text(s.get("content"))
    if s.get("spoiler_text"):
        body = f"{s['spoiler_text']}\n\n{body}"
    created = utc(s["created_at"])
    if created is None:
        raise ValueError("no created_at")
    return Mention(
        id=f"{host}:{s['id']}", source="mastodon", created_at=created, text=body,
        author_id=acct.get("acct") and (acct["acct"] if "@" in acct["acct"] else f"{acct['acct']}@{host}"),
        author_name=acct.get("display_name") or acct.get("username"),
        author_followers=as_int(acct.get("followers_count")),
        parent_id=f"{host}:{parent}" if parent else None, kind=kind, url=s.get("url") or s.get("uri"),
        lang=s.get("language"), likes=as_int(s.get("favourites_count")), shares=as_int(s.get("reblogs_count")),
        replies=as_int(s.get("replies_count")), media=bool(s.get("media_attachments")),
        extra={"uri": s.get("uri"), **(extra or {})},
    )
