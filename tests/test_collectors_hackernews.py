"""Hacker News (Algolia): parsing a recorded page, and full runs against a local server."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from collectors.hackernews import HackerNews
from tests.mockserver import AlgoliaHN, MockServer, fixture, hn_world
from viralscope import collecting, ingest

FAST = {"backoff_factor": 0.01, "min_interval": 0, "max_wait": 5}
SINCE = dt.datetime(2026, 1, 12, tzinfo=dt.UTC)
UNTIL = dt.datetime(2026, 1, 13, tzinfo=dt.UTC)


def test_parse_recorded_page():
    mentions = {m.id: m for m in HackerNews.parse(fixture("hackernews", "search_by_date"))}
    assert len(mentions) == 5
    story = mentions["42170011"]
    assert story.kind == "post" and story.parent_id is None
    assert story.text == "Lumio launches smart lamp with open local API"
    assert story.likes == 187 and story.replies == 41
    assert story.url == "https://news.ycombinator.com/item?id=42170011"
    assert story.extra["link"] == "https://lumio.example/blog/local-api"
    assert story.created_at == dt.datetime(2026, 1, 12, 14, 2, 15, tzinfo=dt.UTC)
    reply = mentions["42170342"]
    assert reply.kind == "reply" and reply.parent_id == "42170298"
    # HTML comes in; plain text goes out (entities decoded, paragraphs kept as lines).
    assert reply.text == "Same here. The Lumio app lost my schedules after the update & support took 3 days.\nStill like the hardware though."
    assert "<a" not in mentions["42170298"].text and "https://lumio.example/status" in mentions["42170298"].text
    ask = mentions["42169602"]
    assert ask.text.startswith("Ask HN: Lumio vs. Hue for a home lab?\n\nI want local control")
    assert "Home Assistant >= 2025.12" in ask.text


def test_parse_empty_page():
    assert HackerNews.parse({"hits": [], "nbHits": 0, "nbPages": 0, "page": 0}) == []


def test_collect_through_local_server(store):
    page = fixture("hackernews", "search_by_date")
    with MockServer({"/api/v1/search_by_date": page}) as server:
        src = HackerNews(FAST, base_url=server.url)
        result = collecting.collect(store, src, "Lumio", since=SINCE, until=UNTIL)
    assert result.status == "ok", result.message
    assert (result.kept, result.new, result.dropped) == (4, 4, 1)  # "Lumiosity" is not "Lumio"
    req = server.requests[0]
    assert req.query["query"] == "Lumio"
    assert req.query["numericFilters"] == "created_at_i>=1768176000,created_at_i<1768262400"
    assert req.query["tags"] == "(story,comment,poll)" and req.query["page"] == "0"
    assert req.headers["user-agent"].startswith("viralscope/")
    got = store.query("SELECT id, parent_id, kind, cascade_id, depth FROM mentions ORDER BY created_at")
    assert list(got["id"]) == ["42169602", "42170011", "42170298", "42170342"]
    chain = got.set_index("id")
    assert chain.loc["42170342", "parent_id"] == "42170298"
    assert chain.loc["42170342", "cascade_id"] == "42170011" and chain.loc["42170342", "depth"] == 2
    runs = store.query("SELECT status, mentions_new, pages FROM collector_runs")
    assert runs.to_dict("records") == [{"status": "ok", "mentions_new": 4, "pages": 1}]


def test_recollecting_changes_only_engagement(store):
    page = fixture("hackernews", "search_by_date")
    with MockServer({"/api/v1/search_by_date": lambda req: page}) as server:
        src = HackerNews(FAST, base_url=server.url)
        collecting.collect(store, src, "Lumio", since=SINCE, until=UNTIL)
        before = store.query("SELECT * EXCLUDE (updated_at) FROM mentions ORDER BY id")
        page["hits"][3]["points"] = 250
        again = collecting.collect(store, HackerNews(FAST, base_url=server.url), "Lumio", since=SINCE, until=UNTIL)
    after = store.query("SELECT * EXCLUDE (updated_at) FROM mentions ORDER BY id")
    assert (again.new, again.updated) == (0, 1)
    assert len(after) == len(before) == 4
    diff = before.compare(after)
    assert list(diff.columns.get_level_values(0).unique()) == ["likes"]
    assert after.set_index("id").loc["42170011", "likes"] == 250


def test_window_split_past_the_hit_cap(store):
    items = hn_world(230, start=1768176000, span=86400)
    api = AlgoliaHN(items, cap=50)  # Algolia stops at 1,000; a small cap shows the same splitting
    with MockServer({"/api/v1/search_by_date": api}) as server:
        src = HackerNews({**FAST, "hits_per_page": 20, "max_hits": 50}, base_url=server.url)
        result = collecting.collect(store, src, "Lumio", since=SINCE, until=UNTIL)
    assert result.status == "ok", result.message
    assert store.count_mentions() == 230
    windows = {r.query["numericFilters"] for r in server.requests}
    assert len(windows) > 4  # 230 hits cannot be reached through one 50-hit window
    for r in server.requests:
        assert int(r.query["page"]) * 20 < 50


def test_resume_from_stored_cursor(store):
    items = hn_world(60, start=1768176000, span=86400)
    with MockServer({"/api/v1/search_by_date": AlgoliaHN(items)}) as server:
        src = HackerNews({**FAST, "hits_per_page": 10}, base_url=server.url)
        first = collecting.collect(store, src, "Lumio", since=SINCE, until=UNTIL, limit=25)
        assert first.status == "partial" and store.count_mentions() == 25
        key = collecting.cursor_key(src, "Lumio")
        cursor = json.loads(ingest.read_cursor(store, "hackernews", key))
        assert cursor["complete"] is False and cursor["state"]["page"] == 2
        n_before = len(server.requests)
        second = collecting.collect(store, HackerNews({**FAST, "hits_per_page": 10}, base_url=server.url), "Lumio")
    assert second.status == "ok"
    assert store.count_mentions() == 60
    assert server.requests[n_before].query["page"] == "2"  # picked up at the page after the last stored one
    assert json.loads(ingest.read_cursor(store, "hackernews", key))["complete"] is True


def test_incremental_run_starts_at_the_last_end_minus_overlap(store):
    items = hn_world(10, start=1768176000, span=3600)
    with MockServer({"/api/v1/search_by_date": AlgoliaHN(items)}) as server:
        src = HackerNews({**FAST, "overlap": "10m"}, base_url=server.url)
        collecting.collect(store, src, "Lumio", since=SINCE, until=UNTIL)
        src = HackerNews({**FAST, "overlap": "10m"}, base_url=server.url)
        later = UNTIL + dt.timedelta(hours=1)
        collecting.collect(store, src, "Lumio", now=later)
    lo = int((UNTIL - dt.timedelta(minutes=10)).timestamp())
    assert server.requests[-1].query["numericFilters"] == f"created_at_i>={lo},created_at_i<{int(later.timestamp())}"


def test_alternatives_become_separate_searches(store):
    with MockServer({"/api/v1/search_by_date": fixture("hackernews", "search_by_date")}) as server:
        src = HackerNews(FAST, base_url=server.url)
        result = collecting.collect(store, src, '(Lumio OR 루미오) NOT recall', since=SINCE, until=UNTIL)
    assert result.status == "ok"
    assert [r.query["query"] for r in server.requests] == ["Lumio -recall", "루미오 -recall"]
    assert store.count_mentions() == 4  # the second search returned the same page: nothing twice


@pytest.mark.parametrize("bad", ["Lumio OR", "(Lumio", "lumio or hue"])
def test_malformed_query_fails_before_any_request(store, bad):
    from viralscope.core.errors import QueryError

    with MockServer({}) as server:
        with pytest.raises(QueryError):
            collecting.collect(store, HackerNews(FAST, base_url=server.url), bad, since=SINCE, until=UNTIL)
    assert server.requests == []
