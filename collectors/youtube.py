"""YouTube Data API v3: videos found by search terms (or named in the settings) and their comment threads.

``search.list`` (type=video, newest first, ``publishedAfter/Before``) finds videos; ``videos.list`` gives
their full description and counts; ``commentThreads.list`` gives top-level comments (replies to the video)
with up to five replies each, and ``comments.list?parentId=`` the rest of a thread's replies (each reply
names its top-level comment in ``parentId``). Videos named in ``videos = [...]`` are followed directly.

One video can refuse its comments — 403 ``commentsDisabled`` (turned off by its owner) or 404
``videoNotFound`` (deleted or private) — without anything being wrong with the key: that video's comments
are left out and listed with the run, the rest of the page goes on, and a followed video in that state is
asked again a day later rather than every run.

Comments keep coming after a video is found, so matching videos are revisited for ``revisit_for``
(every ``revisit_every``): one ``videos.list`` call reads the comment counts of 50 videos, and only videos
with new comments have their newest thread page read again.

Quota-aware: every project has a daily quota (10,000 units by default, reset at midnight Pacific time);
a search costs 100 units and every other call here 1. Units spent are counted in the store with each page
(cursor ``quota:<Pacific date>``); a call that would pass ``daily_quota`` stops the run with
``RateLimited``, resuming the next day. Spending is also spread over the day: a page starts only while
the units spent stay within an even share of the day so far plus ``quota_ahead`` (default 2 hours' share),
so a loop running every minute searches every quarter of an hour or so instead of spending the day's quota
by mid-morning; the run ends as ``waiting`` and the next one goes on. The key travels in the
``X-Goog-Api-Key`` header, never in a URL.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from collectors.base import Paced, Page, Parsed, Skipped, Source, as_int, each, iso, merge, utc
from collectors.http import BadBody, HttpPolicy, Refusal, request
from collectors.query import Query, Syntax
from viralscope.core.contract import Mention
from viralscope.core.errors import RateLimited

__all__ = ["YouTube"]

API = "https://www.googleapis.com/youtube/v3"
PACIFIC = ZoneInfo("America/Los_Angeles")
COST = {"search": 100, "videos": 1, "commentThreads": 1, "comments": 1}
#: Why one video's comments cannot be read (commentThreads.list's documented errors), in words.
UNAVAILABLE = {"commentsDisabled": "comments turned off", "videoNotFound": "video not found (deleted or private)",
               "forbidden": "comments not readable with this key", "channelNotFound": "channel not found"}
#: A followed video whose comments were unavailable is asked again after this long.
RECHECK_UNAVAILABLE = dt.timedelta(days=1)
#: ``videos.list`` takes at most this many ids.
VIDEOS_PER_CALL = 50


class _Unavailable(Exception):
    """One video's comments cannot be read (turned off, deleted): not the key's fault."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


class YouTube(Source):
    name = "youtube"
    default_base = "https://www.googleapis.com"
    credentials = ("YOUTUBE_API_KEY",)
    policy = HttpPolicy(min_interval=0.1)
    syntax = Syntax("youtube", or_="|", exclude=True, max_searches=4)
    #: videos: follow these video ids too; comment_pages: pages of 100 threads per video and page of search;
    #: reply_threads: fetch the full replies of at most this many threads per video; quota_ahead: how far
    #: ahead of an even spread over the day spending may run ("24h": no spreading); revisit_*: how long,
    #: how often and how many matching videos are asked again for new comments.
    options = {"daily_quota": 10000, "videos": [], "page_size": 50, "comment_pages": 1, "reply_threads": 10,
               "region": "", "lang": "", "quota_ahead": "2h", "revisit_for": "24h", "revisit_every": "15m",
               "revisit_max": 50}

    def __init__(self, settings=None, **kwargs):
        super().__init__(settings, **kwargs)
        self._skipped: list[Skipped] = []  # videos of the page being fetched whose comments are unavailable

    def searches(self, query: Query) -> list[str]:
        branches = query.branches()
        if all(len(b.positive) == 1 and not b.negative for b in branches):
            # "a|b|c" is one search (100 units) instead of three.
            searches = ["|".join(super().searches(query))]
        else:
            searches = super().searches(query)
        return searches + [f"video:{v}" for v in self.settings["videos"]]

    # -- quota ---------------------------------------------------------------------------------------

    def _today(self) -> dt.datetime:
        """Midnight of the current Pacific day (when the quota resets)."""
        return self.clock.now().astimezone(PACIFIC).replace(hour=0, minute=0, second=0, microsecond=0)

    def _day(self) -> str:
        return self._today().date().isoformat()

    @property
    def unavailable_key(self) -> str:
        return f"unavailable:{self.host}"

    def counter_keys(self) -> list[str]:
        return [f"quota:{self._day()}", self.unavailable_key, *super().counter_keys()]

    def _spend(self, call: str, *, starts_page: bool = False) -> None:
        key = f"quota:{self._day()}"
        used = int(self.counters.get(key) or 0)
        limit = int(self.settings["daily_quota"])
        if used + COST[call] > limit:
            tomorrow = self._today() + dt.timedelta(days=1)
            why = (f"youtube: the daily quota ({limit:,} units, {used:,} spent) would be passed by {call}.list; it "
                   f"resets {tomorrow.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC")
            # Known before the page starts: the run waits for the reset. Mid-page: the page is cut short.
            raise Paced(why) if starts_page else RateLimited(why)
        if starts_page:
            self._pace(used, COST[call], limit)
        self.counters[key] = str(used + COST[call])

    def _pace(self, used: int, cost: int, limit: int) -> None:
        """Start a page only while spending stays within an even share of the day plus ``quota_ahead``."""
        day = dt.timedelta(days=1)
        ahead = self.duration("quota_ahead")
        elapsed = self.clock.now() - self._today()
        allowed = limit * min(1.0, (elapsed + ahead) / day)
        if used + cost <= allowed:
            return
        at = self._today() + day * ((used + cost) / limit) - ahead
        raise Paced(f"youtube: waiting: {used:,} of {limit:,} quota units spent today, spread over the day; the "
                    f"next call after {at.astimezone(dt.UTC):%H:%M} UTC")

    def rate_limit_state(self) -> dict:
        key = f"quota:{self._day()}"
        return {"quota": int(self.settings["daily_quota"]), "quota_used": int(self.counters.get(key) or 0)}

    def _get(self, call: str, params: dict, check=None, *, starts_page: bool = False):
        self._spend(call, starts_page=starts_page)

        def refused(why: Refusal):
            if call in ("commentThreads", "comments") and why.status in (403, 404):
                for code in why.codes:
                    if code in UNAVAILABLE:
                        return _Unavailable(f"{UNAVAILABLE[code]} (HTTP {why.status} {code})")
            return None

        return request(self.session, "GET", self.url(f"{API}/{call}"), params=params,
                       headers={"X-Goog-Api-Key": self.secrets["YOUTUBE_API_KEY"]}, what=f"youtube {call}",
                       check=check or _items, refused=refused).body

    # -- fetching ------------------------------------------------------------------------------------

    def fetch(self, search: str, since: dt.datetime, until: dt.datetime, *,
              state: dict | None = None) -> Iterator[Page]:
        if search.startswith("video:"):
            yield from self._follow(search.removeprefix("video:"), since, state)
            return
        if search == self.REVISIT:
            yield from self._revisit()
            return

        def step(token):
            params = {"part": "snippet", "q": search, "type": "video", "order": "date",
                      "publishedAfter": iso(since), "publishedBefore": iso(until),
                      "maxResults": self.settings["page_size"]}
            for opt, name in (("region", "regionCode"), ("lang", "relevanceLanguage")):
                if self.settings[opt]:
                    params[name] = self.settings[opt]
            if token:
                params["pageToken"] = token
            found = self._get("search", params, starts_page=True)
            ids = [i["id"]["videoId"] for i in found["items"]
                   if isinstance(i, dict) and (i.get("id") or {}).get("kind") == "youtube#video"]
            videos = self._get("videos", {"part": "snippet,statistics", "id": ",".join(ids)}) if ids else {"items": []}
            revisits = self.revisits()
            threads, skipped = {}, []
            for v in videos["items"]:
                if not self._watch(revisits, v):
                    continue
                if int((v.get("statistics") or {}).get("commentCount") or 0):
                    try:
                        threads[v["id"]] = self._threads(v["id"], pages=int(self.settings["comment_pages"]),
                                                         since=since)
                    except _Unavailable as exc:
                        skipped.append(Skipped(f"video {v['id']}", exc.why))
            self.keep_revisits(revisits)
            self._skipped = skipped
            nxt = found.get("nextPageToken") if found["items"] else None
            return {"videos": videos, "threads": threads}, nxt, f"{len(ids)} videos"

        for page in self.paginate("pageToken", (state or {}).get("pageToken"), step):
            page.skipped, self._skipped = self._skipped, []
            yield page

    def _watch(self, revisits, v: dict) -> bool:
        """Keep a matching video to revisit for new comments; False when it does not match."""
        sn = v.get("snippet") or {}
        if not self.relevant(_video_text(sn)):
            return False
        try:
            at = utc(sn.get("publishedAt"))
        except ValueError:
            return True  # parse lists it as skipped; its comments are still worth reading
        if at is not None:
            revisits.watch(v["id"], at, {"comments": as_int((v.get("statistics") or {}).get("commentCount"))})
        return True

    def _unavailable(self) -> dict:
        try:
            return json.loads(self.counters.get(self.unavailable_key) or "{}")
        except ValueError:
            return {}

    def _follow(self, video: str, since, state) -> Iterator[Page]:
        """One named video: itself, then its comment threads page by page, newest first, back to ``since``."""
        token = (state or {}).get("pageToken")
        now = self.clock.now()
        marked = self._unavailable()
        if video in marked and now - utc(marked[video]["at"]) < RECHECK_UNAVAILABLE:
            return  # listed when found; asked again a day later
        first = {"videos": None}
        if not token:
            first["videos"] = self._get("videos", {"part": "snippet,statistics", "id": video}, starts_page=True)

        def step(token):
            videos, first["videos"] = first["videos"] or {"items": []}, None  # the video itself on the first page
            params = {"part": "snippet,replies", "videoId": video, "maxResults": 100, "order": "time",
                      "textFormat": "plainText"}
            if token:
                params["pageToken"] = token
            try:
                page = self._get("commentThreads", params, starts_page=not videos["items"])
            except _Unavailable as exc:
                marked[video] = {"at": iso(now), "why": exc.why}
                self.counters[self.unavailable_key] = json.dumps(marked, sort_keys=True)
                self._skipped = [Skipped(f"video {video}", f"{exc.why}; asked again in a day")]
                return {"videos": videos, "threads": {}}, None, f"video {video}: {exc.why}"
            if marked.pop(video, None) is not None:
                self.counters[self.unavailable_key] = json.dumps(marked, sort_keys=True)
            oldest = min((_published(t) for t in page["items"] if _published(t) is not None), default=None)
            nxt = None if oldest is None or oldest < since else page.get("nextPageToken")
            payload = {"videos": videos, "threads": {video: {"pages": [page], "replies": self._replies(page["items"])}}}
            return payload, nxt, f"video {video}: {len(page['items'])} threads"

        for page in self.paginate("pageToken", token, step):
            page.skipped, self._skipped = self._skipped, []
            yield page

    def _threads(self, video: str, *, pages: int, since) -> dict:
        out, token = [], None
        for _ in range(pages):
            params = {"part": "snippet,replies", "videoId": video, "maxResults": 100, "order": "time",
                      "textFormat": "plainText"}
            if token:
                params["pageToken"] = token
            page = self._get("commentThreads", params)
            out.append(page)
            token = page.get("nextPageToken")
            oldest = min((_published(t) for t in page["items"] if _published(t) is not None), default=None)
            if not token or oldest is None or oldest < since:
                break
        return {"pages": out, "replies": self._replies([t for p in out for t in p["items"]])}

    def _replies(self, threads: list[dict]) -> dict:
        """The full replies of threads holding more than the five ``commentThreads`` includes."""
        out = {}
        partial = [t for t in threads if isinstance(t, dict) and int((t.get("snippet") or {}).get("totalReplyCount") or 0)
                   > len((t.get("replies") or {}).get("comments", []))]
        for t in partial[: int(self.settings["reply_threads"])]:
            out[t["id"]] = self._get("comments", {"part": "snippet", "parentId": t["id"], "maxResults": 100,
                                                  "textFormat": "plainText"})
        return out

    def _revisit(self) -> Iterator[Page]:
        """Matching videos of the last ``revisit_for``: their counts now, and the newest threads of those with
        new comments."""
        revisits = self.revisits()
        now = self.clock.now()
        if not revisits.posts or not revisits.due(now, self.duration("revisit_every")):
            return
        ids = list(revisits.posts)
        items = []
        for i in range(0, len(ids), VIDEOS_PER_CALL):
            items += self._get("videos", {"part": "snippet,statistics", "id": ",".join(ids[i: i + VIDEOS_PER_CALL])},
                               starts_page=i == 0)["items"]
        threads, skipped = {}, []
        for v in items:
            counts = {"comments": as_int((v.get("statistics") or {}).get("commentCount"))}
            if revisits.grown(v["id"], counts):
                try:
                    threads[v["id"]] = self._threads(v["id"], pages=1, since=now - self.duration("revisit_for"))
                except _Unavailable as exc:
                    skipped.append(Skipped(f"video {v['id']}", exc.why))
            self._watch(revisits, v)
        revisits.checked = iso(now)
        counters = self.keep_revisits(revisits)
        yield Page({"videos": {"items": items}, "threads": threads}, None,
                   f"revisited {len(items)} videos, {len(threads)} with new comments", counters=counters,
                   skipped=skipped)

    @staticmethod
    def parse(payload) -> Parsed:
        videos = each(payload["videos"]["items"], _video, lambda v: f"video {v['id']}")
        comments = []
        for video, found in (payload.get("threads") or {}).items():
            for page in found["pages"]:
                for t in page["items"]:
                    comments.append((video, t))
            for listing in (found.get("replies") or {}).values():
                comments += [(video, {"reply": r}) for r in listing["items"]]
        return merge(videos, each(comments, lambda vt: _thread(*vt), lambda vt: f"comment {_comment_id(vt[1])}"))


def _items(body) -> None:
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise BadBody("no items in the answer")


def _published(thread: dict) -> dt.datetime | None:
    try:
        return utc(thread["snippet"]["topLevelComment"]["snippet"]["publishedAt"])
    except (KeyError, TypeError, ValueError):
        return None


def _comment_id(item: dict) -> str:
    return item["reply"]["id"] if "reply" in item else item["id"]


def _video_text(sn: dict) -> str:
    desc = sn.get("description") or ""
    return (sn.get("title") or "") + ("\n\n" + desc if desc else "")


def _video(v: dict) -> Mention:
    sn, stats = v["snippet"], v.get("statistics", {})
    return Mention(
        id=v["id"], source="youtube", created_at=utc(sn["publishedAt"]), text=_video_text(sn),
        author_id=sn.get("channelId"), author_name=sn.get("channelTitle"), kind="post",
        url=f"https://www.youtube.com/watch?v={v['id']}",
        lang=sn.get("defaultLanguage") or sn.get("defaultAudioLanguage"),
        likes=as_int(stats.get("likeCount")), replies=as_int(stats.get("commentCount")), media=True,
        extra={"views": as_int(stats.get("viewCount"))} if "viewCount" in stats else {},
    )


def _thread(video: str, t: dict) -> list[Mention]:
    """A thread's top-level comment and its inline replies, or one reply from ``comments.list``."""
    if "reply" in t:
        r = t["reply"]
        return [_comment(r, video, parent=r["snippet"]["parentId"])]
    top = t["snippet"]["topLevelComment"]
    out = [_comment(top, video, parent=video, replies=t["snippet"].get("totalReplyCount"))]
    for r in (t.get("replies") or {}).get("comments", []):
        out.append(_comment(r, video, parent=r["snippet"].get("parentId") or top["id"]))
    return out


def _comment(c: dict, video: str, *, parent: str, replies=None) -> Mention:
    sn = c["snippet"]
    return Mention(
        id=c["id"], source="youtube", created_at=utc(sn["publishedAt"]), text=sn.get("textDisplay") or "",
        author_id=(sn.get("authorChannelId") or {}).get("value"), author_name=sn.get("authorDisplayName"),
        parent_id=parent, kind="reply", url=f"https://www.youtube.com/watch?v={video}&lc={c['id']}",
        likes=as_int(sn.get("likeCount")), replies=as_int(replies), extra={"video_id": video},
    )
