"""Mastodon: status search and hashtag timelines on any instance, reply threads, quotes and boosts.

Recorded payloads test the parsing; ``tests.standins.MastodonStandin`` behaves as an instance does where the
collector once went wrong: search answers an anonymous or app-only request with no statuses (and no error),
drops filtered statuses after applying the limit, and never lists boosts.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from collectors.mastodon import Mastodon
from collectors.sessions import SessionCache
from tests.mockserver import FAST, MockServer, Reply, fixture
from tests.standins import FakeClock, MastodonStandin, masto_accounts, masto_status
from viralscope import collecting
from viralscope.core.errors import NotConfigured

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
        "/api/v1/accounts/verify_credentials": lambda req: fixture("mastodon", "verify_credentials"),
        "/api/v2/search": lambda req: Reply(200, {"accounts": [], "statuses": search(req), "hashtags": []},
                                            {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "287",
                                             "X-RateLimit-Reset": reset}),
        r"/api/v1/statuses/(\d+)/context": lambda req: fixture("mastodon", f"context_{req.path.split('/')[4]}"),
        r"/api/v1/statuses/(\d+)/reblogged_by": lambda req: fixture("mastodon", f"reblogged_by_{req.path.split('/')[4]}"),
        r"/api/v1/accounts/(\d+)/statuses": lambda req: fixture("mastodon", f"account_statuses_{req.path.split('/')[4]}"),
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
    # Mina's boost of the first post came from her own statuses (found through reblogged_by); Kai's boost is
    # not among his latest statuses, so it is left out rather than given an invented time.
    assert ids == {f"{host}:{i}" for i in (POST, "115871290222200002", "115871330333300003", "115871400555500005",
                                           "115871500777700007", "115871600888800008")}
    boost = store.query("SELECT kind, parent_id, created_at, author_id FROM mentions WHERE id = ?",
                        [f"{host}:115871600888800008"]).iloc[0]
    assert (boost["kind"], boost["parent_id"], boost["author_id"]) == ("share", f"{host}:{POST}", "mina@planet.moe")
    assert boost["created_at"] == dt.datetime(2026, 1, 12, 18, tzinfo=dt.UTC)
    searches = [r for r in server.requests if r.path == "/api/v2/search"]
    assert {r.query["q"] for r in searches} == {"lumio", "루미오"}  # no OR in Mastodon search: one each
    pages = [r.query.get("max_id") for r in searches if r.query["q"] == "lumio"]
    # Paged until an empty page: a page under the limit is not the end.
    assert pages == [None, "115871400555500005", "115871260111200001"]
    assert all(r.query["type"] == "statuses" and r.query["limit"] == "2" for r in searches)
    assert all(r.headers["authorization"] == "Bearer masto-token-55aa" for r in server.requests)
    assert any(r.path == "/api/v1/timelines/tag/lumio" for r in server.requests)
    tree = store.query("SELECT id, cascade_id, depth FROM mentions").set_index("id")
    assert tree.loc[f"{host}:115871330333300003", "depth"] == 2
    assert tree.loc[f"{host}:115871330333300003", "cascade_id"] == f"{host}:{POST}"
    limits = json.loads(store.query("SELECT rate_limit FROM collector_runs")["rate_limit"][0])
    assert limits == {"limit": 300.0, "remaining": 287.0, "reset_at": "2026-01-12T18:05:00+00:00"}


def test_a_quote_that_also_replies_keeps_its_reply_link():
    got = {m.id: m for m in Mastodon.parse({"instance": "h", "response": fixture("mastodon", "quote_that_replies")})}
    m = got["h:115871800000000010"]
    assert (m.kind, m.parent_id) == ("reply", "h:115871290222200002")  # the reply link, not the quote's
    assert m.extra.get("quoted") == f"h:{POST}"
    assert got[f"h:{POST}"].kind == "post"  # the quoted post came with it


def test_a_status_with_an_unreadable_time_is_left_out_and_named_not_its_page(store, monkeypatch):
    monkeypatch.setenv("MASTODON_ACCESS_TOKEN", "masto-token-55aa")
    found = fixture("mastodon", "search_page1")["statuses"]
    found[0]["created_at"] = "yesterday"
    routes_ = {**routes(), "/api/v2/search": lambda req: {"accounts": [], "statuses": paged(found)(req), "hashtags": []}}
    with MockServer(routes_) as server:
        first = collecting.collect(store, Mastodon(FAST, base_url=server.url), "lumio", since=SINCE, until=UNTIL)
        again = collecting.collect(store, Mastodon(FAST, base_url=server.url), "lumio", since=SINCE, until=UNTIL)
    assert first.status == again.status == "ok"
    assert [(s.item, s.why) for s in first.skipped] == [
        ("status 115871500777700007", "ValueError: Invalid isoformat string: 'yesterday'")]
    host = server.url.split("://")[1]
    assert f"{host}:{POST}" in set(store.query("SELECT id FROM mentions")["id"])  # the rest of the page is stored
    run = store.query("SELECT last_error FROM collector_runs ORDER BY started_at").iloc[0]
    assert "1 items skipped (status 115871500777700007: ValueError" in run["last_error"]


# -- what the credentials can do -----------------------------------------------------------------------


NOW = dt.datetime(2026, 1, 12, 12, tzinfo=dt.UTC)


def small_world(clock):
    """Twelve posts naming the brand over the last hour, two by a muted author, one boosted twice."""
    t0 = clock.t - 3600
    statuses = [masto_status(t0 + 300 * i, str(1 + i % 5), f"Lumio lamp note {i}", _filtered=i in (1, 6),
                             tags=[{"name": "lumio"}] if i % 4 == 0 else []) for i in range(12)]
    boosted = statuses[3]
    statuses += [masto_status(boosted["_at"] + 60, "7", "", content="", _reblog=boosted["id"]),
                 masto_status(clock.t + 900, "8", "", content="", _reblog=boosted["id"])]  # a quarter of an hour from now
    return MastodonStandin(clock, statuses, masto_accounts(10))


@pytest.fixture
def world():
    clock = FakeClock(NOW)
    standin = small_world(clock)
    with MockServer(standin.routes()) as server:
        yield clock, standin, server


def mastodon(server, clock, **settings):
    return Mastodon({**FAST, "min_interval": 0, **settings}, base_url=server.url, clock=clock,
                    sessions=SessionCache(None))


def test_without_a_token_keyword_search_says_what_to_set_and_the_source_is_skipped(store, world):
    clock, standin, server = world
    with pytest.raises(NotConfigured, match="set MASTODON_ACCESS_TOKEN"):
        mastodon(server, clock)
    # Through the configuration: one skipped run that names the variable, never "ok: 0 mentions".
    from viralscope.config import parse_config

    config = parse_config({"brand": {"name": "Lumio", "query": "lumio"}, "sources": {"mastodon": {}}}, "t")
    result = collecting.collect_source(store, "mastodon", config, base_url=server.url)
    assert result.status == "skipped" and "MASTODON_ACCESS_TOKEN" in result.line()
    assert server.requests == []


def test_an_app_token_cannot_search_and_the_source_says_so(store, world, monkeypatch):
    clock, standin, server = world
    monkeypatch.setenv("MASTODON_ACCESS_TOKEN", MastodonStandin.APP_TOKEN)
    result = collecting.collect(store, mastodon(server, clock), "lumio", since=NOW - dt.timedelta(hours=2), until=NOW)
    assert result.status == "skipped"
    assert "app token" in result.message and "set MASTODON_ACCESS_TOKEN" in result.message
    assert MastodonStandin.APP_TOKEN not in result.message
    assert [r.path for r in server.requests] == ["/api/v1/accounts/verify_credentials"]  # asked once, then nothing


def test_without_a_token_the_hashtag_timelines_are_read_and_the_run_says_what_is_missing(store, world):
    clock, standin, server = world
    result = collecting.collect(store, mastodon(server, clock, hashtags=["lumio"]), "lumio",
                                since=NOW - dt.timedelta(hours=2), until=NOW)
    assert result.status == "ok" and result.new == 3  # the three tagged posts
    assert "set MASTODON_ACCESS_TOKEN" in result.line()
    assert not any(r.path == "/api/v2/search" for r in server.requests)
    assert all("authorization" not in r.headers for r in server.requests)


def test_a_short_page_is_not_the_end(store, world, monkeypatch):
    clock, standin, server = world
    monkeypatch.setenv("MASTODON_ACCESS_TOKEN", MastodonStandin.USER_TOKEN)
    src = mastodon(server, clock, page_size=4, revisit_for=0)
    collecting.collect(store, src, "lumio", since=NOW - dt.timedelta(hours=2), until=NOW)
    stored = {i.split(":")[-1] for i in store.query("SELECT id FROM mentions WHERE kind = 'post'")["id"]}
    visible = {s["id"] for s in standin.statuses.values() if not s.get("_filtered") and not s.get("_reblog")}
    assert stored == visible  # ten posts, though the first page held three (a muted author's post dropped)
    pages = [len(r.query) and r.query.get("max_id") for r in server.requests if r.path == "/api/v2/search"]
    assert len(pages) == 4  # 3 + 4 + 3 statuses, then an empty page


def test_boosts_are_collected_when_they_come_even_after_the_post(store, world, monkeypatch):
    clock, standin, server = world
    monkeypatch.setenv("MASTODON_ACCESS_TOKEN", MastodonStandin.USER_TOKEN)
    src = mastodon(server, clock)
    collecting.collect(store, src, "lumio")
    host = server.url.split("://")[1]
    boosted = [s for s in standin.statuses.values() if s.get("_reblog")]
    shares = set(store.query("SELECT id FROM mentions WHERE kind = 'share'")["id"])
    assert shares == {f"{host}:{boosted[0]['id']}"}
    clock.sleep(1800)  # the second boost comes a quarter of an hour later; the post is no longer new
    collecting.collect(store, src, "lumio")
    rows = store.query("SELECT id, parent_id, created_at FROM mentions WHERE kind = 'share'").set_index("id")
    assert set(rows.index) == {f"{host}:{b['id']}" for b in boosted}
    assert (rows["parent_id"] == f"{host}:{boosted[0]['_reblog']}").all()
    late = rows.loc[f"{host}:{boosted[1]['id']}", "created_at"]
    assert late == dt.datetime.fromtimestamp(int(boosted[1]["_at"] * 1000) / 1000, dt.UTC)
