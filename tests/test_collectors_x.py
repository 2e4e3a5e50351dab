"""X API v2 recent search: replies, quotes and reposts with their referenced posts, paging, limits."""

from __future__ import annotations

import datetime as dt

import pytest

from collectors import parse_query
from collectors.x import X
from tests.mockserver import FAST, MockServer, Reply, Status, fixture
from tests.standins import FakeClock, XStandin, iso_z
from viralscope import collecting
from viralscope.core.errors import QueryError

SINCE = dt.datetime(2026, 1, 12, tzinfo=dt.UTC)
UNTIL = dt.datetime(2026, 1, 13, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 1, 13, 12, tzinfo=dt.UTC)  # the API's "now" on the recorded day
TOKEN = "AAAAAAAAAAAAAAAAAAAAA-test-bearer"
ORIG = "1878400000000000001"


@pytest.fixture
def bearer(monkeypatch):
    monkeypatch.setenv("X_BEARER_TOKEN", TOKEN)


def search(req):
    page = "search_page2" if req.query.get("next_token") else "search_page1"
    return Reply(200, fixture("x", page), {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "449",
                                           "x-rate-limit-reset": "1768307400"})


def test_parse_page():
    got = {m.id: m for m in X.parse(fixture("x", "search_page1"))}
    assert len(got) == 6  # five results and the original they point at (from includes)
    orig = got[ORIG]
    assert (orig.kind, orig.author_name, orig.author_followers, orig.media, orig.shares) == ("post", "lumio", 184000, True, 540)
    assert orig.url == f"https://x.com/lumio/status/{ORIG}" and orig.extra["impressions"] == 124000
    assert (got["1878400000000000013"].kind, got["1878400000000000013"].parent_id) == ("share", ORIG)
    assert (got["1878400000000000012"].kind, got["1878400000000000012"].parent_id) == ("quote", ORIG)
    kr = got["1878400000000000010"]
    assert (kr.kind, kr.parent_id, kr.lang, kr.extra["conversation_id"]) == ("reply", ORIG, "ko", ORIG)
    assert got["1878400000000000011"].parent_id == kr.id


def test_parse_skips_referenced_posts_the_api_could_not_return():
    got = {m.id: m for m in X.parse(fixture("x", "search_page2"))}
    assert "1878300000000000999" not in got
    assert got["1878400000000000021"].parent_id == "1878300000000000999"


def test_collect_through_local_server(store, bearer):
    with MockServer({"/2/tweets/search/recent": search}) as server:
        src = X(FAST, base_url=server.url, clock=lambda: NOW)
        result = collecting.collect(store, src, "lumio OR 루미오", since=SINCE, until=UNTIL)
    assert result.status == "ok", result.message
    rows = store.query("SELECT id, kind, parent_id, cascade_id, depth, link_flag FROM mentions").set_index("id")
    # The original was posted before the span; it came along as the parent and roots its cascade.
    assert set(rows.index) == {ORIG, "1878400000000000010", "1878400000000000011", "1878400000000000012",
                               "1878400000000000013", "1878400000000000020", "1878400000000000021"}
    assert rows.loc["1878400000000000011", "cascade_id"] == ORIG and rows.loc["1878400000000000011", "depth"] == 2
    assert rows.loc["1878400000000000020", "depth"] == 2  # a repost of a quote
    assert rows.loc["1878400000000000021", "link_flag"] == "missing_parent"
    first, second = server.requests
    assert first.headers["authorization"] == f"Bearer {TOKEN}"
    assert first.query["query"] == "lumio OR 루미오"
    assert (first.query["start_time"], first.query["end_time"]) == ("2026-01-12T00:00:00Z", "2026-01-13T00:00:00Z")
    assert "referenced_tweets.id" in first.query["expansions"] and first.query["max_results"] == "100"
    assert second.query["next_token"] == "b26v89c19zqg8o3fpzbkk1pg1lz0n2wq2mt4l6jlysou5"


def test_span_is_clipped_to_the_last_seven_days(store, bearer):
    with MockServer({"/2/tweets/search/recent": search}) as server:
        too_late = UNTIL + dt.timedelta(days=7, hours=1)
        collecting.collect(store, X(FAST, base_url=server.url, clock=lambda: too_late), "lumio", since=SINCE, until=UNTIL)
        assert server.requests == []  # nothing of that span is still searchable
        half = SINCE + dt.timedelta(days=7, hours=12)
        collecting.collect(store, X(FAST, base_url=server.url, clock=lambda: half), "lumio", since=SINCE, until=UNTIL)
        assert server.requests[0].query["start_time"] == "2026-01-12T12:01:00Z"
        just_after = UNTIL + dt.timedelta(seconds=5)
        collecting.collect(store, X(FAST, base_url=server.url, clock=lambda: just_after), "lumio", since=SINCE, until=UNTIL)
    assert server.requests[-1].query["end_time"] == "2026-01-12T23:59:50Z"  # at least 10 s before now


def test_refused_token(store, bearer):
    with MockServer({"/2/tweets/search/recent": Status(401, body=fixture("x", "unauthorized"))}) as server:
        result = collecting.collect(store, X(FAST, base_url=server.url, clock=lambda: NOW), "lumio", since=SINCE, until=UNTIL)
    assert result.status == "failed" and "refused the credentials" in result.message and TOKEN not in result.message


def test_query_length_limit_is_configurable(bearer):
    long = " OR ".join(f"brand{i}" for i in range(80))
    with pytest.raises(QueryError, match="at most 512 characters"):
        X(FAST).plan(parse_query(long))
    assert len(X({**FAST, "max_query_length": 4096}).plan(parse_query(long))[0]) > 512


def test_the_length_hint_names_enterprise_not_pro(bearer):
    long = " OR ".join(f"brand{i}" for i in range(80))
    with pytest.raises(QueryError, match="only Enterprise allows 4,096") as refused:
        X(FAST).plan(parse_query(long))
    assert "Pro" not in str(refused.value).replace("Pro)", "")  # Pro is named among the 512 tiers only


# -- on tests.standins.XStandin: a next_token tied to its request, 512 characters --------------------------


def tweets(clock, n):
    users = {"1": {"id": "1", "username": "fan", "name": "Fan", "public_metrics": {"followers_count": 5}}}
    out = [{"id": str(1878500000000000000 + i), "text": f"Lumio lamp, day note {i}", "author_id": "1",
            "created_at": iso_z(clock.t - 3600 * 20 + 240 * i, ms=True), "_at": clock.t - 3600 * 20 + 240 * i}
           for i in range(n)]
    return XStandin(clock, out, users, bearer=TOKEN)


def test_a_resumed_run_asks_for_the_next_page_with_the_times_its_token_was_issued_for(store, bearer):
    clock = FakeClock(NOW)
    service = tweets(clock, 250)
    with MockServer(service.routes()) as server:
        src = X({**FAST, "min_interval": 0, "since": "1d"}, base_url=server.url, clock=clock)
        first = collecting.collect(store, src, "lumio", limit=150)
        clock.sleep(600)  # the next run, ten minutes later
        second = collecting.collect(store, src, "lumio")
    assert first.status == "partial" and second.status == "ok", second.message
    assert service.refused_tokens == []
    assert store.count_mentions() == 250
    paged = [r.query for r in server.requests if "next_token" in r.query]
    opening = server.requests[0].query
    assert paged and all((q["start_time"], q["end_time"]) == (opening["start_time"], opening["end_time"]) for q in paged)


def test_a_token_whose_start_left_the_seven_days_is_not_sent_the_span_is_read_again(store, bearer):
    clock = FakeClock(NOW)
    service = tweets(clock, 250)
    with MockServer(service.routes()) as server:
        src = X({**FAST, "min_interval": 0}, base_url=server.url, clock=clock)  # the first run reaches back 7 days
        collecting.collect(store, src, "lumio", limit=150)
        clock.sleep(600)  # its start_time is now more than seven days back: X would refuse it
        second = collecting.collect(store, src, "lumio")
    assert second.status == "ok" and service.refused_tokens == [] and store.count_mentions() == 250
    assert "read again from its newest page" in second.line()


def test_a_query_longer_than_the_tier_allows_says_to_set_512(store, bearer):
    clock = FakeClock(NOW)
    service = tweets(clock, 3)
    query = " OR ".join(f"lumio{i}" for i in range(70))
    with MockServer(service.routes()) as server:
        src = X({**FAST, "min_interval": 0, "max_query_length": 4096}, base_url=server.url, clock=clock)
        result = collecting.collect(store, src, query)
    assert result.status == "failed" and len(server.requests) == 1
    assert "only Enterprise 4,096: set [sources.x].max_query_length = 512" in result.message
