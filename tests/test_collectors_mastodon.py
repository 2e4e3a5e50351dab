"""Mastodon: status search and hashtag timelines on any instance, reply threads, quotes and boosts."""

from __future__ import annotations

import datetime as dt
import json

from collectors.mastodon import Mastodon
from tests.mockserver import FAST, MockServer, Reply, fixture
from viralscope import collecting

SINCE = dt.datetime(2026, 1, 12, tzinfo=dt.UTC)
UNTIL = dt.datetime(2026, 1, 13, tzinfo=dt.UTC)
POST = "115871260111200001"


def paged(statuses):
    """Newest first, ``limit`` at a time, below ``max_id``: how the API pages."""

    def answer(req):
        limit = int(req.query.get("limit", 20))
        below = [s for s in statuses if "max_id" not in req.query or int(s["id"]) < int(req.query["max_id"])]
        return sorted(below, key=lambda s: -int(s["id"]))[:limit]

    return answer


def routes():
    found = fixture("mastodon", "search_page1")["statuses"]
    search = paged(found)
    reset = "2026-01-12T18:05:00.000Z"
    return {
        "/api/v2/search": lambda req: Reply(200, {"accounts": [], "statuses": search(req), "hashtags": []},
                                            {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "287",
                                             "X-RateLimit-Reset": reset}),
        r"/api/v1/statuses/(\d+)/context": lambda req: fixture("mastodon", f"context_{req.path.split('/')[4]}"),
        "/api/v1/timelines/tag/lumio": paged(fixture("mastodon", "tag_lumio")),
    }


def test_parse_search_and_thread():
    payload = {"instance": "mastodon.social", "response": fixture("mastodon", "search_page1"),
               "contexts": {POST: fixture("mastodon", f"context_{POST}")}}
    got = {m.id: m for m in Mastodon.parse(payload)}
    assert len(got) == 6
    post = got[f"mastodon.social:{POST}"]
    assert post.text.startswith("Finally set up my #Lumio lamp. Local API works without an account & the amber")
    assert (post.kind, post.media, post.likes, post.shares, post.replies) == ("post", True, 48, 12, 3)
    assert post.author_id == "anna_lights@mastodon.social" and post.author_followers == 2410
    assert post.extra["uri"] == f"https://mastodon.social/users/anna_lights/statuses/{POST}"
    kr = got["mastodon.social:115871290222200002"]
    assert (kr.kind, kr.parent_id, kr.lang, kr.author_id) == ("reply", f"mastodon.social:{POST}", "ko", "junho@mastodon.kr")
    assert kr.text == "@anna_lights 루미오 한국에서도 살 수 있나요?"
    brand = got["mastodon.social:115871330333300003"]
    assert brand.parent_id == "mastodon.social:115871290222200002" and brand.author_name == "Lumio (official)"
    quote = got["mastodon.social:115871400555500005"]
    assert (quote.kind, quote.parent_id) == ("quote", f"mastodon.social:{POST}")
    assert got["mastodon.social:115871500777700007"].text == "privacy rant\n\nThe Lumio app asked for my location AGAIN."


def test_parse_boost():
    got = {m.id: m for m in Mastodon.parse({"instance": "mastodon.social", "response": fixture("mastodon", "home_with_boost")})}
    boost = got["mastodon.social:115871600888800008"]
    assert (boost.kind, boost.parent_id, boost.text) == ("share", f"mastodon.social:{POST}", "")
    assert got[f"mastodon.social:{POST}"].kind == "post"


def test_collect_through_local_server(store, monkeypatch):
    monkeypatch.setenv("MASTODON_ACCESS_TOKEN", "masto-token-55aa")
    with MockServer(routes()) as server:
        src = Mastodon({**FAST, "hashtags": ["lumio"], "page_size": 2}, base_url=server.url)
        result = collecting.collect(store, src, "lumio OR 루미오", since=SINCE, until=UNTIL)
    assert result.status == "ok", result.message
    host = server.url.split("://")[1]
    ids = set(store.query("SELECT id FROM mentions")["id"])
    assert ids == {f"{host}:{i}" for i in (POST, "115871290222200002", "115871330333300003", "115871400555500005",
                                           "115871500777700007")}
    searches = [r for r in server.requests if r.path == "/api/v2/search"]
    assert {r.query["q"] for r in searches} == {"lumio", "루미오"}  # no OR in Mastodon search: one each
    pages = [r.query.get("max_id") for r in searches if r.query["q"] == "lumio"]
    assert pages == [None, "115871400555500005", "115871260111200001"]
    assert all(r.query["type"] == "statuses" and r.query["limit"] == "2" for r in searches)
    assert all(r.headers["authorization"] == "Bearer masto-token-55aa" for r in server.requests)
    assert any(r.path == "/api/v1/timelines/tag/lumio" for r in server.requests)
    tree = store.query("SELECT id, cascade_id, depth FROM mentions").set_index("id")
    assert tree.loc[f"{host}:115871330333300003", "depth"] == 2
    assert tree.loc[f"{host}:115871330333300003", "cascade_id"] == f"{host}:{POST}"
    limits = json.loads(store.query("SELECT rate_limit FROM collector_runs")["rate_limit"][0])
    assert limits == {"limit": 300.0, "remaining": 287.0, "reset_at": "2026-01-12T18:05:00+00:00"}


def test_without_token_no_authorization_header(store):
    with MockServer(routes()) as server:
        collecting.collect(store, Mastodon(FAST, base_url=server.url), "lumio", since=SINCE, until=UNTIL)
    assert server.requests and all("authorization" not in r.headers for r in server.requests)
