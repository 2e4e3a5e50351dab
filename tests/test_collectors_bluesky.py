"""Bluesky: signed-in search with cursor, replies, quotes (with and without media), reposts of top posts."""

from __future__ import annotations

import datetime as dt

import pytest

from collectors.bluesky import Bluesky
from tests.mockserver import FAST, MockServer, Reply, fixture
from viralscope import collecting
from viralscope.errors import NotConfigured

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
