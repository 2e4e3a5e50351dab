"""Bluesky: signed-in search with cursor, replies, quotes (with and without media), reposts of top posts.

Sessions are tested on ``tests.standins.BlueskyStandin``, which limits logins (30 per 5 minutes, 100 a
day), expires access tokens after two hours with 400 ``ExpiredToken``, and rotates refresh tokens.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat

import pytest

from collectors.bluesky import Bluesky
from collectors.sessions import SessionCache
from tests.mockserver import FAST, MockServer, Reply, Status, fixture
from tests.standins import BlueskyStandin, FakeClock, bsky_person, bsky_post, bsky_repost
from viralscope import collecting
from viralscope.core.errors import NotConfigured

SINCE = dt.datetime(2026, 1, 12, tzinfo=dt.UTC)
UNTIL = dt.datetime(2026, 1, 13, tzinfo=dt.UTC)
TOP = "at://did:plc:lum1obrand0fficial22xyza/app.bsky.feed.post/3mbq2lumiotop"
PASSWORD = "abcd-efgh-ijkl-mnop"


@pytest.fixture
def creds(monkeypatch):
    monkeypatch.setenv("BLUESKY_HANDLE", "collector.bsky.social")
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", PASSWORD)


def routes():
    def search(req):
        page = "search_page2" if req.query.get("cursor") == "100" else "search_page1"
        return Reply(200, fixture("bluesky", page),
                     {"ratelimit-limit": "3000", "ratelimit-remaining": "2990", "ratelimit-reset": "1768212000",
                      "ratelimit-policy": "3000;w=300"})

    def feed(req):
        who = "sam" if "sam9" in req.query["actor"] else "rin"
        return fixture("bluesky", f"author_feed_{who}")

    return {
        "/xrpc/com.atproto.server.createSession": lambda req: fixture("bluesky", "create_session"),
        "/xrpc/app.bsky.feed.searchPosts": search,
        "/xrpc/app.bsky.feed.getRepostedBy": lambda req: fixture("bluesky", "reposted_by_top"),
        "/xrpc/app.bsky.feed.getAuthorFeed": feed,
    }


def test_parse_search_page():
    got = {m.id: m for m in Bluesky.parse({"search": fixture("bluesky", "search_page2")})}
    top = got[TOP]
    assert (top.kind, top.likes, top.shares, top.replies, top.media) == ("post", 820, 131, 44, True)
    assert top.url == "https://bsky.app/profile/lumio.com/post/3mbq2lumiotop"
    assert top.extra == {"handle": "lumio.com", "quotes": 12}
    reply = got["at://did:plc:4anna7lq2kz6d3xsmmwh5rbq/app.bsky.feed.post/3mbq3annareply"]
    assert (reply.kind, reply.parent_id) == ("reply", TOP)
    assert reply.created_at == dt.datetime(2026, 1, 12, 9, 14, 21, 512000, tzinfo=dt.UTC)
    answer = got["at://did:plc:lum1obrand0fficial22xyza/app.bsky.feed.post/3mbq3lumioans"]
    assert answer.parent_id == reply.id


def test_parse_quotes_and_reposts():
    payload = {"search": fixture("bluesky", "search_page1"),
               "reposts": {TOP: {"repostedBy": fixture("bluesky", "reposted_by_top"),
                                 "feeds": {"did:plc:sam9reposter3aa1bb2cc3dd": fixture("bluesky", "author_feed_sam"),
                                           "did:plc:rin4reposter8zz9yy0xx1ww": fixture("bluesky", "author_feed_rin")}}}}
    got = {m.id: m for m in Bluesky.parse(payload)}
    quote = got["at://did:plc:j1ho5kor7eanu2ser00abcd/app.bsky.feed.post/3mbq4jihoquote"]
    assert (quote.kind, quote.parent_id, quote.lang) == ("quote", TOP, "ko")
    with_media = got["at://did:plc:sam9reposter3aa1bb2cc3dd/app.bsky.feed.post/3mbq5samqmedia"]
    assert (with_media.kind, with_media.parent_id, with_media.media) == ("quote", TOP, True)
    repost = got["at://did:plc:sam9reposter3aa1bb2cc3dd/app.bsky.feed.repost/3mbq2samrepost"]
    assert (repost.kind, repost.parent_id, repost.text) == ("share", TOP, "")
    assert repost.created_at == dt.datetime(2026, 1, 12, 9, 45, 10, tzinfo=dt.UTC)
    shares = [m.author_id for m in got.values() if m.kind == "share"]
    assert shares == ["did:plc:sam9reposter3aa1bb2cc3dd"]  # Rin's repost has no time to be found: left out


def test_collect_through_local_server(store, creds):
    with MockServer(routes()) as server:
        result = collecting.collect(store, Bluesky(FAST, base_url=server.url), "lumio OR 루미오", since=SINCE, until=UNTIL)
    assert result.status == "ok", result.message
    rows = store.query("SELECT id, kind, parent_id, depth, cascade_id FROM mentions").set_index("id")
    assert len(rows) == 6  # 5 matching posts + Sam's repost; the Lumination post is dropped
    assert (rows["cascade_id"] == TOP).all()
    assert rows.loc["at://did:plc:lum1obrand0fficial22xyza/app.bsky.feed.post/3mbq3lumioans", "depth"] == 2
    login = server.requests[0]
    assert login.json() == {"identifier": "collector.bsky.social", "password": PASSWORD}
    searches = [r for r in server.requests if r.path.endswith("searchPosts")]
    assert searches[0].query == {"q": "lumio", "sort": "latest", "since": "2026-01-12T00:00:00Z",
                                 "until": "2026-01-13T00:00:00Z", "limit": "100"}
    assert searches[1].query["cursor"] == "100"
    auth = {r.headers.get("authorization") for r in server.requests[1:]}
    assert auth == {"Bearer eyJ0eXAiOiJhdCtqd3QiLCJhbGciOiJFUzI1NksifQ.test-access"}
    # Reposters were looked up once per search, for the top post only (page 1's most reposted post does not match).
    assert [r.query["uri"] for r in server.requests if r.path.endswith("getRepostedBy")] == [TOP, TOP]


def test_missing_password_skips(monkeypatch):
    monkeypatch.setenv("BLUESKY_HANDLE", "someone.bsky.social")
    with pytest.raises(NotConfigured, match="BLUESKY_APP_PASSWORD"):
        Bluesky(FAST)


def test_an_embedded_feed_list_or_starter_pack_is_not_a_quote():
    got = {m.id.rsplit("/", 1)[1]: m for m in Bluesky.parse({"search": fixture("bluesky", "embeds")})}
    for rkey, collection in (("3mem1feed", "app.bsky.feed.generator"), ("3mem2list", "app.bsky.graph.list"),
                             ("3mem3pack", "app.bsky.graph.starterpack")):
        m = got[rkey]
        assert (m.kind, m.parent_id) == ("post", None), rkey
        assert collection in m.extra["embed"]
    quote = got["3mem4quote"]
    assert (quote.kind, quote.parent_id, quote.media) == ("quote", TOP, True)


# -- sessions, on a stand-in that limits logins and expires tokens --------------------------------------

NOW = dt.datetime(2026, 1, 12, 12, tzinfo=dt.UTC)
HANDLE = "collector.bsky.social"


def standin(clock, posts=(), reposts=()):
    return BlueskyStandin(clock, list(posts), list(reposts), handle=HANDLE, password=PASSWORD)


def bluesky(server, clock, sessions, **settings):
    return Bluesky({**FAST, "min_interval": 0, **settings}, base_url=server.url, clock=clock, sessions=sessions)


def run(store, src):
    result = collecting.collect(store, src, "lumio")
    assert result.status == "ok", result.message
    return result


def test_separate_runs_log_in_once_and_keep_the_session_in_a_private_file(store, creds, tmp_path, caplog):
    clock = FakeClock(NOW)
    service = standin(clock, [bsky_post(clock.t - 60, bsky_person(1), "Lumio lamp")])
    cache = tmp_path / "cache" / "sessions.json"
    with MockServer(service.routes()) as server:
        for _ in range(3):  # three cron runs: three processes, three source objects, one cache file
            run(store, bluesky(server, clock, SessionCache(cache)))
            clock.sleep(900)
    assert service.logins == 1
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o600 and stat.S_IMODE(os.stat(cache.parent).st_mode) == 0o700
    text = cache.read_text()
    assert PASSWORD not in text and HANDLE not in text  # tokens only, under a hashed key
    tokens = [t for entry in json.loads(text).values() for t in (entry["accessJwt"], entry["refreshJwt"])]
    logged = caplog.text + json.dumps(store.query("SELECT * FROM collector_runs").to_dict("records"), default=str)
    assert not any(t in logged for t in tokens)


def test_a_cache_others_can_read_is_not_used(creds, tmp_path):
    cache = tmp_path / "sessions.json"
    cache.write_text(json.dumps({"k": {"accessJwt": "a", "refreshJwt": "r"}}))
    cache.chmod(0o644)
    assert SessionCache(cache).get("k") is None
    SessionCache(cache).put("k2", {"accessJwt": "b", "refreshJwt": "s"})
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o600 and SessionCache(cache).get("k2") is not None


def test_a_long_running_source_refreshes_before_the_token_expires(store, creds):
    clock = FakeClock(NOW)
    service = standin(clock)
    with MockServer(service.routes()) as server:
        src = bluesky(server, clock, SessionCache(None))
        for _ in range(6 * 60):  # six hours of one-minute cycles, one source object
            run(store, src)
            clock.sleep(60)
    assert (service.logins, service.expired_answers) == (1, 0)
    assert service.refreshes == 3  # access tokens last two hours; renewed ten minutes before


def test_an_expired_token_is_refreshed_not_reported(store, creds):
    clock = FakeClock(NOW)
    service = standin(clock, [bsky_post(clock.t - 60, bsky_person(1), "Lumio lamp")])
    with MockServer(service.routes()) as server:
        src = bluesky(server, clock, SessionCache(None))
        run(store, src)
        service.expire_access_tokens()  # revoked, or expired before its time
        result = run(store, src)
    assert service.expired_answers == 1 and service.refreshes == 1 and service.logins == 1
    assert result.errors == 0


def test_the_login_is_retried_like_any_request(store, creds):
    clock = FakeClock(NOW)
    service = standin(clock)
    with MockServer(service.routes()) as server:
        server.inject("/xrpc/com.atproto.server.createSession", Status(503), Status(502))
        run(store, bluesky(server, clock, SessionCache(None)))
    assert [r.path for r in server.requests].count("/xrpc/com.atproto.server.createSession") == 3
    assert service.logins == 1


def test_a_spent_login_limit_stops_the_run_without_a_storm(store, creds):
    clock = FakeClock(NOW)
    service = standin(clock)
    for _ in range(30):
        service.logins_5m.hit(clock.t)  # someone else spent this account's logins of the last 5 minutes
    with MockServer(service.routes()) as server:
        result = collecting.collect(store, bluesky(server, clock, SessionCache(None), max_wait=60), "lumio")
    assert result.status == "rate_limited" and "logins are limited" in result.message
    assert PASSWORD not in result.message
    assert len(server.requests) == 1  # the reset is 5 minutes away, more than max_wait: no retrying into it


def test_posts_are_dated_when_search_places_them_not_by_the_client_clock(store, creds):
    clock = FakeClock(NOW)
    ahead = bsky_post(clock.t + 30, bsky_person(2), "Lumio lamp, posted from a phone 20 minutes fast", ahead=1200)
    service = standin(clock, [ahead])
    with MockServer(service.routes()) as server:
        src = bluesky(server, clock, SessionCache(None))
        for _ in range(30):  # a one-minute loop for half an hour
            clock.sleep(60)
            run(store, src)
    row = store.query("SELECT created_at, extra FROM mentions").iloc[0]
    assert row["created_at"] == dt.datetime.fromtimestamp(int(ahead["_indexed"] * 1000) / 1000, dt.UTC)
    assert json.loads(row["extra"])["record_created_at"].startswith("2026-01-12T12:20:30")


def test_reposts_are_collected_as_they_come(store, creds):
    clock = FakeClock(NOW)
    post = bsky_post(clock.t - 120, bsky_person(3), "Lumio Glow is out")
    later = [bsky_repost(clock.t + 600 * i, bsky_person(10 + i), post) for i in range(4)]  # over the next half hour
    service = standin(clock, [post], later)
    with MockServer(service.routes()) as server:
        src = bluesky(server, clock, SessionCache(None))
        for _ in range(40):
            run(store, src)
            clock.sleep(60)
    shares = store.query("SELECT id, parent_id FROM mentions WHERE kind = 'share'")
    assert set(shares["id"]) == {r["uri"] for r in later} and (shares["parent_id"] == post["uri"]).all()
