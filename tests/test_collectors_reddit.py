"""Reddit: OAuth client credentials, search listings newest first, comment trees, crossposts as shares."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest

from collectors.reddit import Reddit
from collectors.sessions import SessionCache
from tests.mockserver import FAST, MockServer, Reply, Status, fixture
from tests.standins import FakeClock, RedditStandin
from viralscope import collecting
from viralscope.core.errors import AuthFailed, ConfigError, NotConfigured

SINCE = dt.datetime(2026, 1, 12, tzinfo=dt.UTC)
UNTIL = dt.datetime(2026, 1, 13, tzinfo=dt.UTC)
SECRET = "reddit-secret-7c1d"
#: The settings every Reddit test runs with: fast retries, and the account Reddit's User-Agent must name.
RD = {**FAST, "username": "viralscope_test"}


@pytest.fixture
def creds(monkeypatch):
    monkeypatch.setenv("REDDIT_CLIENT_ID", "client-abc")
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", SECRET)


def routes(limits=True):
    token = fixture("reddit", "access_token")

    def search(req):
        body = fixture("reddit", "search_page2" if req.query.get("after") else "search_page1")
        headers = {"x-ratelimit-used": "3", "x-ratelimit-remaining": "97.0", "x-ratelimit-reset": "412"} if limits else {}
        return Reply(200, body, headers)

    return {
        "/api/v1/access_token": lambda req: token,
        "/search": search,
        "/comments/1q9z7ka": lambda req: fixture("reddit", "comments_1q9z7ka"),
    }


def test_parse_listing_and_thread():
    payload = {"listing": fixture("reddit", "search_page1"), "threads": {"t3_1q9z7ka": fixture("reddit", "comments_1q9z7ka")}}
    got = {m.id: m for m in Reddit.parse(payload)}
    assert set(got) == {"t3_1q9z7ka", "t3_1q9zc01", "t3_1q9x2b7", "t1_nx3a9f1", "t1_nx3b2c4", "t1_nx39zz1"}
    post = got["t3_1q9z7ka"]
    assert (post.kind, post.likes, post.replies, post.shares) == ("post", 212, 4, 1)
    assert post.text.startswith("Lumio lamp: great hardware, flaky app\n\nBought the Lumio lamp")
    assert post.extra["more_comments"] == 2 and post.author_id == "t2_8k2jd0"
    assert post.url == "https://www.reddit.com/r/smarthome/comments/1q9z7ka/lumio_lamp_great_hardware_flaky_app/"
    cross = got["t3_1q9zc01"]
    assert (cross.kind, cross.parent_id) == ("share", "t3_1q9z7ka")
    assert got["t1_nx3b2c4"].parent_id == "t1_nx3a9f1" and got["t1_nx3a9f1"].parent_id == "t3_1q9z7ka"
    assert got["t1_nx3b2c4"].author_name == "lumio_support"
    assert got["t3_1q9x2b7"].media is True
    assert got["t1_nx3a9f1"].created_at == dt.datetime(2026, 1, 12, 15, 16, 47, tzinfo=dt.UTC)


def test_collect_through_local_server(store, creds):
    with MockServer(routes()) as server:
        src = Reddit(RD, base_url=server.url)
        result = collecting.collect(store, src, "lumio OR 루미오", since=SINCE, until=UNTIL)
    assert result.status == "ok", result.message
    ids = set(store.query("SELECT id FROM mentions")["id"])
    # The Lumination post is dropped (no match), its 96 comments never fetched; the 2026-01-08 post is
    # outside the span and ends the paging; the reply that does not name the brand is dropped.
    assert ids == {"t3_1q9z7ka", "t3_1q9zc01", "t3_1q9w111", "t1_nx3a9f1", "t1_nx3b2c4"}
    paths = [r.path for r in server.requests]
    assert paths == ["/api/v1/access_token", "/search", "/comments/1q9z7ka", "/search"]
    login = server.requests[0]
    assert login.method == "POST" and login.body == b"grant_type=client_credentials"
    assert base64.b64decode(login.headers["authorization"].split()[1]).decode() == f"client-abc:{SECRET}"
    search = server.requests[1]
    assert search.headers["authorization"] == "bearer " + fixture("reddit", "access_token")["access_token"]
    assert search.query == {"q": "lumio OR 루미오", "sort": "new", "t": "all", "type": "link", "limit": "100",
                            "raw_json": "1"}
    assert server.requests[3].query["after"] == "t3_1q9x2b7"
    links = store.query("SELECT id, parent_id, kind, cascade_id, depth FROM mentions").set_index("id")
    assert links.loc["t1_nx3b2c4", "cascade_id"] == "t3_1q9z7ka" and links.loc["t1_nx3b2c4", "depth"] == 2
    assert links.loc["t3_1q9zc01", "kind"] == "share"
    run = store.query("SELECT rate_limit FROM collector_runs").iloc[0]
    assert json.loads(run["rate_limit"])["remaining"] == 97.0


def test_thread_context_keeps_the_whole_conversation(store, creds):
    with MockServer(routes()) as server:
        src = Reddit({**RD, "thread_context": True}, base_url=server.url)
        collecting.collect(store, src, "lumio", since=SINCE, until=UNTIL)
    row = store.query("SELECT brand, extra FROM mentions WHERE id = 't1_nx39zz1'")
    assert len(row) == 1 and json.loads(row["extra"][0])["matched"] == "thread"


def test_subreddits_restrict_the_search(store, creds):
    with MockServer({**routes(), "/r/smarthome\\+korea/search": routes()["/search"]}) as server:
        src = Reddit({**RD, "subreddits": ["smarthome", "korea"]}, base_url=server.url)
        collecting.collect(store, src, "lumio", since=SINCE, until=UNTIL)
    searches = [r for r in server.requests if r.path.endswith("/search")]
    assert searches[0].path == "/r/smarthome+korea/search" and searches[0].query["restrict_sr"] == "on"


def test_missing_credentials_skip_the_source(monkeypatch):
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", SECRET)
    with pytest.raises(NotConfigured, match="set REDDIT_CLIENT_ID in the environment"):
        Reddit(RD)


def test_refused_login_never_shows_the_secret(store, creds):
    with MockServer({"/api/v1/access_token": Status(401)}) as server:
        server.inject("/api/v1/access_token", Status(401, body={"message": f"Unauthorized {SECRET}", "error": 401}))
        result = collecting.collect(store, Reddit(RD, base_url=server.url), "lumio", since=SINCE, until=UNTIL)
    assert result.status == "failed" and "refused the credentials" in result.message
    assert SECRET not in result.message
    runs = store.query("SELECT * FROM collector_runs").to_json(date_format="iso")
    assert SECRET not in runs and "client-abc" not in runs


def test_login_answer_without_token(store, creds):
    with MockServer({"/api/v1/access_token": {"error": "invalid_grant"}}) as server:
        with pytest.raises(AuthFailed, match="invalid_grant"):
            list(Reddit(RD, base_url=server.url).fetch("lumio", SINCE, UNTIL))


# -- on tests.standins.RedditStandin: the User-Agent Reddit requires, a token kept, comments that keep coming --

NOW = dt.datetime(2026, 1, 12, 12, tzinfo=dt.UTC)


def reddit_world(clock, comments_over: float = 0):
    post = {"name": "t3_abc1", "id": "abc1", "title": "Lumio lamp keeps disconnecting", "selftext": "", "subreddit": "smarthome",
            "created_utc": float(int(clock.t - 300)), "author": "op", "author_fullname": "t2_op",
            "permalink": "/r/smarthome/comments/abc1/x/", "is_self": True, "score": 3, "num_crossposts": 0}
    comments = [{"name": f"t1_c{i}", "id": f"c{i}", "body": f"Lumio support told me to reset it ({i})" if i % 2 else "same here",
                 "created_utc": float(int(clock.t - 200 + comments_over * i / 6)), "parent_id": "t3_abc1",
                 "link_id": "t3_abc1", "author": f"u{i}", "subreddit": "smarthome",
                 "permalink": f"/r/smarthome/comments/abc1/x/c{i}/", "score": 1} for i in range(6)]
    return RedditStandin(clock, [post], comments, client=("client-abc", SECRET))


def reddit(server, clock, **settings):
    return Reddit({**RD, "min_interval": 0, **settings}, base_url=server.url, clock=clock)


def test_without_an_account_name_the_source_says_what_reddit_requires(store, creds):
    with pytest.raises(NotConfigured, match=r'set username = "yourname" in \[sources.reddit\]'):
        Reddit(FAST)
    from viralscope.config import parse_config

    config = parse_config({"brand": {"name": "Lumio", "query": "lumio"}, "sources": {"reddit": {}}}, "t")
    result = collecting.collect_source(store, "reddit", config, base_url="http://127.0.0.1:9")
    assert result.status == "skipped" and "(by /u/<reddit username>)" in result.line()


def test_the_user_agent_is_in_reddits_form(store, creds):
    clock = FakeClock(NOW)
    service = reddit_world(clock)
    with MockServer(service.routes()) as server:
        result = collecting.collect(store, reddit(server, clock), "lumio")
    assert result.status == "ok" and service.bad_agents == []
    agent = server.requests[0].headers["user-agent"]
    assert agent.endswith(":viralscope:v0.1.0 (by /u/viralscope_test)") and agent.count(":") == 2
    with pytest.raises(ConfigError, match="not in the form Reddit requires"):
        Reddit({**FAST, "user_agent": "my-listening-bot/1.0"})


def test_the_token_is_kept_between_runs_and_renewed_when_refused(store, creds, tmp_path):
    clock = FakeClock(NOW)
    service = reddit_world(clock)
    cache = SessionCache(tmp_path / "sessions.json")
    with MockServer(service.routes()) as server:
        for _ in range(3):
            collecting.collect(store, Reddit({**RD, "min_interval": 0}, base_url=server.url, clock=clock, sessions=cache), "lumio")
            clock.sleep(900)
        assert service.logins == 1
        service.tokens.clear()  # revoked
        result = collecting.collect(store, Reddit({**RD, "min_interval": 0}, base_url=server.url, clock=clock,
                                                  sessions=cache), "lumio")
    assert result.status == "ok" and service.logins == 2


def test_comments_that_come_after_the_post_is_found_are_collected(store, creds):
    clock = FakeClock(NOW)
    service = reddit_world(clock, comments_over=3600)  # six comments over the next hour
    with MockServer(service.routes()) as server:
        src = reddit(server, clock)
        for _ in range(70):
            collecting.collect(store, src, "lumio")
            clock.sleep(60)
    assert set(store.query("SELECT id FROM mentions")["id"]) == {"t3_abc1", "t1_c1", "t1_c3", "t1_c5"}
