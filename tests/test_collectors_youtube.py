"""YouTube: search, video details, comment threads and their replies; the daily quota counted in the store."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from collectors.youtube import YouTube
from tests.mockserver import FAST, MockServer, Status, fixture
from tests.standins import COMMENTS_DISABLED, FakeClock, YouTubeStandin, iso_z
from viralscope import collecting, ingest

SINCE = dt.datetime(2026, 1, 12, tzinfo=dt.UTC)
UNTIL = dt.datetime(2026, 1, 13, tzinfo=dt.UTC)
KEY = "AIzaSy-test-key-0000"
#: Fast retries, and the quota not spread over the day (these tests replay a recorded day at any hour).
YT = {**FAST, "quota_ahead": "24h"}
V1, V3, T1 = "k3Lum1oGl0w", "Kr4Lum10Unb", "UgzQ1lumioTopA4AaABAg"


@pytest.fixture
def key(monkeypatch):
    monkeypatch.setenv("YOUTUBE_API_KEY", KEY)


def videos(req):
    known = {v["id"]: v for f in (f"videos_{V1},Fst1v4lVl0g", f"videos_{V3}") for v in fixture("youtube", f)["items"]}
    items = [known[i] for i in req.query["id"].split(",") if i in known]
    return {"kind": "youtube#videoListResponse", "items": items, "pageInfo": {"totalResults": len(items)}}


def routes():
    return {
        "/youtube/v3/search": lambda req: fixture("youtube", "search_page2" if req.query.get("pageToken") else "search_page1"),
        "/youtube/v3/videos": videos,
        "/youtube/v3/commentThreads": lambda req: fixture("youtube", f"comment_threads_{req.query['videoId']}"),
        "/youtube/v3/comments": lambda req: fixture("youtube", f"comments_{req.query['parentId']}"),
    }


def payload():
    return {"videos": fixture("youtube", f"videos_{V1},Fst1v4lVl0g"),
            "threads": {V1: {"pages": [fixture("youtube", f"comment_threads_{V1}")],
                             "replies": {T1: fixture("youtube", f"comments_{T1}")}}}}


def test_parse_videos_threads_and_replies():
    got = {m.id: m for m in YouTube.parse(payload())}
    video = got[V1]
    assert (video.kind, video.likes, video.replies, video.media, video.extra["views"]) == ("post", 2210, 3, True, 48210)
    assert video.text.startswith("Lumio Glow review: the best local-API lamp?\n\nI tested")
    assert video.url == f"https://www.youtube.com/watch?v={V1}"
    top = got[T1]
    assert (top.kind, top.parent_id, top.replies, top.author_id) == ("reply", V1, 7, "UCdana")
    assert top.url == f"https://www.youtube.com/watch?v={V1}&lc={T1}"
    replies = [m for m in got.values() if m.parent_id == T1]
    assert len(replies) == 7  # five inline, two more from comments.list, none twice
    assert got[f"{T1}.A0"].author_name == "@LumioOfficial"


def test_collect_through_local_server(store, key):
    with MockServer(routes()) as server:
        result = collecting.collect(store, YouTube(YT, base_url=server.url), "lumio OR 루미오", since=SINCE, until=UNTIL)
    assert result.status == "ok", result.message
    ids = set(store.query("SELECT id FROM mentions")["id"])
    assert ids == {V1, V3, T1, f"{T1}.A0", f"{T1}.A4", f"{T1}.A5", "UgyKr1topC4AaABAg", "UgyKr1topC4AaABAg.B0"}
    searches = [r for r in server.requests if r.path.endswith("/search")]
    assert len(searches) == 2 and searches[0].query["q"] == "lumio|루미오"  # one search for both words
    assert searches[0].query["publishedAfter"] == "2026-01-12T00:00:00Z"
    assert searches[1].query["pageToken"] == "CAIQAA"
    # No comments fetched for the festival video: it does not match.
    assert {r.query.get("videoId") for r in server.requests if r.path.endswith("commentThreads")} == {V1, V3}
    assert all(r.headers["x-goog-api-key"] == KEY and KEY not in r.path for r in server.requests)
    day = YouTube(FAST).counter_keys()[0]
    assert ingest.read_cursor(store, "youtube", day) == "205"  # 2 searches × 100 + 5 calls × 1
    limits = json.loads(store.query("SELECT rate_limit FROM collector_runs")["rate_limit"][0])
    assert limits == {"quota": 10000, "quota_used": 205}
    depth = store.query("SELECT id, depth FROM mentions").set_index("id")["depth"]
    assert depth[f"{T1}.A5"] == 2 and depth[T1] == 1


def test_quota_stops_before_it_is_passed_and_resumes(store, key):
    with MockServer(routes()) as server:
        first = collecting.collect(store, YouTube({**YT, "daily_quota": 150}, base_url=server.url), "lumio OR 루미오",
                                   since=SINCE, until=UNTIL)
        assert first.status == "waiting" and "daily quota (150 units, 103 spent)" in first.message
        assert len([r for r in server.requests if r.path.endswith("/search")]) == 1
        assert store.count_mentions() == 5  # the first page: the review, its matching comments
        second = collecting.collect(store, YouTube({**YT, "daily_quota": 1000}, base_url=server.url), "lumio OR 루미오",
                                    since=SINCE, until=UNTIL)
    assert second.status == "ok" and store.count_mentions() == 8
    assert [r.query.get("pageToken") for r in server.requests if r.path.endswith("/search")] == [None, "CAIQAA"]
    assert ingest.read_cursor(store, "youtube", YouTube(FAST).counter_keys()[0]) == "205"


def test_quota_exceeded_answer_is_rate_limited(store, key):
    with MockServer(routes()) as server:
        server.inject("/youtube/v3/search", Status(403, body=fixture("youtube", "quota_exceeded")))
        result = collecting.collect(store, YouTube(YT, base_url=server.url), "lumio", since=SINCE, until=UNTIL)
    assert result.status == "rate_limited" and "quotaExceeded" in result.message


def test_follow_named_videos(store, key):
    with MockServer(routes()) as server:
        src = YouTube({**YT, "videos": [V1]}, base_url=server.url)
        assert src.plan(__import__("collectors").parse_query("lumio")) == ["lumio", f"video:{V1}", "revisit:"]
        payloads = list(src.fetch(f"video:{V1}", SINCE, UNTIL))
    got = {m.id for p in payloads for m in YouTube.parse(p.payload)}
    assert {V1, T1, "UgwQ2notbrandB4AaABAg", f"{T1}.A6"} <= got


# -- one video's comments refused; the quota spread over the day (on tests.standins.YouTubeStandin) ------

NOW = dt.datetime(2026, 1, 12, 18, tzinfo=dt.UTC)  # 10:00 in California


def video(vid: str, t: float, title: str, **flags) -> dict:
    return {"kind": "youtube#video", "id": vid, "_at": t, **flags,
            "snippet": {"publishedAt": iso_z(t), "channelId": "UCx", "channelTitle": "Chan", "title": title, "description": ""}}


def comment(cid: str, vid: str, t: float, text: str) -> dict:
    return {"id": cid, "_video": vid, "_at": t, "text": text, "author": "@viewer"}


def world(clock):
    t = clock.t - 3 * 3600
    videos = [video("vidOpen00001", t, "Lumio lamp review"), video("vidClosed0002", t + 60, "Lumio unboxing", _comments_disabled=True),
              video("vidGone000003", t + 120, "Lumio teardown", _gone=True)]
    comments = [comment("UgxOpen1", "vidOpen00001", t + 600, "my Lumio flickers"),
                comment("UgxOpen2", "vidOpen00001", t + 700, "Lumio support fixed mine")]
    return YouTubeStandin(clock, videos, comments, key=KEY)


def youtube(server, clock, **settings):
    return YouTube({**YT, "min_interval": 0, "revisit_for": 0, **settings}, base_url=server.url, clock=clock)


def test_one_followed_video_without_comments_is_skipped_and_named_not_the_source(store, key):
    clock = FakeClock(NOW)
    service = world(clock)
    with MockServer(service.routes()) as server:
        src = youtube(server, clock, videos=["vidOpen00001", "vidClosed0002", "vidGone000003"])
        first = collecting.collect(store, src, "lumio")
        asked = [r.query["videoId"] for r in server.requests if r.path.endswith("commentThreads")]
        clock.sleep(3600)
        second = collecting.collect(store, src, "lumio")
        asked_again = [r.query["videoId"] for r in server.requests if r.path.endswith("commentThreads")][len(asked):]
    assert first.status == "ok", first.message
    assert {s.item: s.why for s in first.skipped} == {
        "video vidClosed0002": "comments turned off (HTTP 403 commentsDisabled); asked again in a day",
        "video vidGone000003": "video not found (deleted or private) (HTTP 404 videoNotFound); asked again in a day"}
    assert {"UgxOpen1", "UgxOpen2", "vidOpen00001", "vidClosed0002"} <= set(store.query("SELECT id FROM mentions")["id"])
    cursors = store.query("SELECT key, value FROM cursors WHERE key LIKE '%|video:%'")
    assert all(json.loads(v)["complete"] for v in cursors["value"])  # every followed video's cursor moved on
    assert second.status == "ok" and set(asked_again) == {"vidOpen00001"}  # the refused ones wait a day
    assert "refused the credentials" not in first.line()


def test_a_found_video_whose_comments_are_refused_leaves_the_rest_of_the_page(store, key):
    clock = FakeClock(NOW)
    service = world(clock)
    service.videos["vidClosed0002"]["_comments_disabled"] = False
    service.comments.append(comment("UgxClosed1", "vidClosed0002", clock.t - 3000, "Lumio"))
    service.on_video["vidClosed0002"] = [service.comments[-1]]
    with MockServer(service.routes()) as server:
        server.inject("/youtube/v3/commentThreads", Status(403, body=COMMENTS_DISABLED))  # turned off meanwhile
        result = collecting.collect(store, youtube(server, clock), "lumio", since=NOW - dt.timedelta(hours=4), until=NOW)
    assert result.status == "ok"
    assert [(s.item, s.why) for s in result.skipped] == [("video vidClosed0002", "comments turned off (HTTP 403 commentsDisabled)")]
    assert {"vidOpen00001", "vidClosed0002", "UgxOpen1", "UgxOpen2"} == set(store.query("SELECT id FROM mentions")["id"])


def test_the_daily_quota_is_spread_over_the_day(store, key):
    clock = FakeClock(dt.datetime(2026, 1, 12, 8, tzinfo=dt.UTC))  # midnight in California: the quota resets
    service = world(clock)
    with MockServer(service.routes()) as server:
        src = youtube(server, clock, quota_ahead="2h")
        statuses, searched = [], []
        for minute in range(6 * 60):
            clock.wait_until(dt.datetime(2026, 1, 12, 8, tzinfo=dt.UTC).timestamp() + 60 * minute)
            before = len(server.requests)
            statuses.append(collecting.collect(store, src, "lumio").status)
            spent = service.spent.get(service.day(), 0)
            assert spent <= 10_000 * (minute / 60 + 2) / 24 + 10  # an even share plus two hours' (a page's extras over)
            if any(r.path.endswith("/search") for r in server.requests[before:]):
                searched.append(minute)
    assert service.violations == [] and set(statuses) == {"ok", "waiting"}
    assert searched[:8] == list(range(8))  # two hours' share at once: the first eight searches in eight minutes…
    gaps = [b - a for a, b in zip(searched[8:], searched[9:], strict=False)]
    assert gaps and max(gaps) <= 16  # …then one about every quarter of an hour, all day
