"""YouTube Data API v3: videos found by search terms (or named in the settings) and their comment threads.

``search.list`` (type=video, newest first, ``publishedAfter/Before``) finds videos; ``videos.list`` gives
their full description and counts; ``commentThreads.list`` gives top-level comments (replies to the video)
with up to five replies each, and ``comments.list?parentId=`` the rest of a thread's replies (each reply
names its top-level comment in ``parentId``). Videos named in ``videos = [...]`` are followed directly.

Quota-aware: every project has a daily quota (10,000 units by default, reset at midnight Pacific time);
a search costs 100 units and every other call here 1. Units spent are counted in the store with each page
(cursor ``quota:<Pacific date>``), and a call that would pass ``daily_quota`` stops the run with
``RateLimited``, resuming the next day. The key travels in the ``X-Goog-Api-Key`` header, never in a URL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from collectors.base import Page, Source, as_int, iso, utc
from collectors.http import BadBody, HttpPolicy, request
from collectors.query import Query, Syntax
from viralscope.contract import Mention
from viralscope.errors import RateLimited

__all__ = ["YouTube"]

API = "https://www.googleapis.com/youtube/v3"
PACIFIC = ZoneInfo("America/Los_Angeles")
COST = {"search": 100, "videos": 1, "commentThreads": 1, "comments": 1}


class YouTube(Source):
    name = "youtube"
    default_base = "https://www.googleapis.com"
    credentials = ("YOUTUBE_API_KEY",)
    policy = HttpPolicy(min_interval=0.1)
    syntax = Syntax("youtube", or_="|", exclude=True, max_searches=4)
    #: videos: follow these video ids too; comment_pages: pages of 100 threads per video and page of search;
    #: reply_threads: fetch the full replies of at most this many threads per video.
    options = {"daily_quota": 10000, "videos": [], "page_size": 50, "comment_pages": 1, "reply_threads": 10,
               "region": "", "lang": ""}

    def plan(self, query: Query) -> list[str]:
        branches = query.branches()
        if all(len(b.positive) == 1 and not b.negative for b in branches):
            # "a|b|c" is one search (100 units) instead of three.
            searches = ["|".join(super().plan(query))]
        else:
            searches = super().plan(query)
        return searches + [f"video:{v}" for v in self.settings["videos"]]

    # -- quota ---------------------------------------------------------------------------------------

    def _day(self) -> str:
        return dt.datetime.now(PACIFIC).date().isoformat()

    def counter_keys(self) -> list[str]:
        return [f"quota:{self._day()}"]

    def _spend(self, call: str) -> None:
        key = f"quota:{self._day()}"
        used = int(self.counters.get(key) or 0)
        limit = int(self.settings["daily_quota"])
        if used + COST[call] > limit:
            tomorrow = dt.datetime.now(PACIFIC).replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
            raise RateLimited(f"youtube: the daily quota ({limit:,} units, {used:,} spent) would be passed by "
                              f"{call}.list; it resets {tomorrow.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC")
        self.counters[key] = str(used + COST[call])

    def rate_limit_state(self) -> dict:
        key = f"quota:{self._day()}"
        return {"quota": int(self.settings["daily_quota"]), "quota_used": int(self.counters.get(key) or 0)}

    def _get(self, call: str, params: dict, check=None):
        self._spend(call)
        return request(self.session, "GET", self.url(f"{API}/{call}"), params=params,
                       headers={"X-Goog-Api-Key": self.secrets["YOUTUBE_API_KEY"]}, what=f"youtube {call}",
                       check=check or _items).body

    # -- fetching ------------------------------------------------------------------------------------

    def fetch(self, search: str, since: dt.datetime, until: dt.datetime, *,
              state: dict | None = None) -> Iterator[Page]:
        if search.startswith("video:"):
            yield from self._follow(search.removeprefix("video:"), since, state)
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
            found = self._get("search", params)
            ids = [i["id"]["videoId"] for i in found["items"] if i.get("id", {}).get("kind") == "youtube#video"]
            videos = self._get("videos", {"part": "snippet,statistics", "id": ",".join(ids)}) if ids else {"items": []}
            threads = {}
            for v in videos["items"]:
                if int(v.get("statistics", {}).get("commentCount") or 0) and self.relevant(_video_text(v["snippet"])):
                    threads[v["id"]] = self._threads(v["id"], pages=int(self.settings["comment_pages"]), since=since)
            nxt = found.get("nextPageToken") if found["items"] else None
            return {"videos": videos, "threads": threads}, nxt, f"{len(ids)} videos"

        yield from self.paginate("pageToken", (state or {}).get("pageToken"), step)

    def _follow(self, video: str, since, state) -> Iterator[Page]:
        """One named video: itself, then its comment threads page by page, newest first, back to ``since``."""
        token = (state or {}).get("pageToken")
        first = {"videos": self._get("videos", {"part": "snippet,statistics", "id": video}) if not token else None}

        def step(token):
            params = {"part": "snippet,replies", "videoId": video, "maxResults": 100, "order": "time",
                      "textFormat": "plainText"}
            if token:
                params["pageToken"] = token
            page = self._get("commentThreads", params)
            videos, first["videos"] = first["videos"] or {"items": []}, None  # the video itself on the first page
            oldest = min((utc(t["snippet"]["topLevelComment"]["snippet"]["publishedAt"]) for t in page["items"]),
                         default=None)
            nxt = None if oldest is None or oldest < since else page.get("nextPageToken")
            payload = {"videos": videos, "threads": {video: {"pages": [page], "replies": self._replies(page["items"])}}}
            return payload, nxt, f"video {video}: {len(page['items'])} threads"

        return self.paginate("pageToken", token, step)

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
            oldest = min((utc(t["snippet"]["topLevelComment"]["snippet"]["publishedAt"]) for t in page["items"]),
                         default=None)
            if not token or oldest is None or oldest < since:
                break
        return {"pages": out, "replies": self._replies([t for p in out for t in p["items"]])}

    def _replies(self, threads: list[dict]) -> dict:
        """The full replies of threads holding more than the five ``commentThreads`` includes."""
        out = {}
        partial = [t for t in threads
                   if int(t["snippet"].get("totalReplyCount") or 0) > len((t.get("replies") or {}).get("comments", []))]
        for t in partial[: int(self.settings["reply_threads"])]:
            out[t["id"]] = self._get("comments", {"part": "snippet", "parentId": t["id"], "maxResults": 100,
                                                  "textFormat": "plainText"})
        return out

    @staticmethod
    def parse(payload) -> list[Mention]:
        out: dict[str, Mention] = {}
        for v in payload["videos"]["items"]:
            out[v["id"]] = _video(v)
        for video, found in (payload.get("threads") or {}).items():
            for page in found["pages"]:
                for t in page["items"]:
                    top = t["snippet"]["topLevelComment"]
                    m = _comment(top, video, parent=video, replies=t["snippet"].get("totalReplyCount"))
                    out.setdefault(m.id, m)
                    for r in (t.get("replies") or {}).get("comments", []):
                        m = _comment(r, video, parent=r["snippet"].get("parentId") or top["id"])
                        out.setdefault(m.id, m)
            for listing in (found.get("replies") or {}).values():
                for r in listing["items"]:
                    m = _comment(r, video, parent=r["snippet"]["parentId"])
                    out.setdefault(m.id, m)
        return list(out.values())


def _items(body) -> None:
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise BadBody("no items in the answer")


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


def _comment(c: dict, video: str, *, parent: str, replies=None) -> Mention:
    sn = c["snippet"]
    return Mention(
        id=c["id"], source="youtube", created_at=utc(sn["publishedAt"]), text=sn.get("textDisplay") or "",
        author_id=(sn.get("authorChannelId") or {}).get("value"), author_name=sn.get("authorDisplayName"),
        parent_id=parent, kind="reply", url=f"https://www.youtube.com/watch?v={video}&lc={c['id']}",
        likes=as_int(sn.get("likeCount")), replies=as_int(replies), extra={"video_id": video},
    )
