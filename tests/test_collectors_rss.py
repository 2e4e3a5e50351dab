"""RSS and Atom feeds: parsing hostile HTML, dates, links; conditional requests; local query match."""

from __future__ import annotations

import datetime as dt

import pytest

from collectors.rss import RSS
from tests.mockserver import FAST, MockServer, Reply, fixture
from viralscope import collecting
from viralscope.core.errors import ConfigError

SINCE = dt.datetime(2026, 1, 12, tzinfo=dt.UTC)
UNTIL = dt.datetime(2026, 1, 13, tzinfo=dt.UTC)
FEEDS = ["https://gadgetdesk.example/feed.xml", "https://technews.example.kr/atom.xml"]


def test_parse_rss():
    got = {m.id: m for m in RSS.parse({"feed": FEEDS[0], "body": fixture("rss", "tech_news.xml")})}
    assert set(got) == {"gadgetdesk-88213", "https://gadgetdesk.example/2026/01/12/brightly-prices", "gadgetdesk-88190",
                        "gadgetdesk-87001"}  # the entry without a date is skipped
    recall = got["gadgetdesk-88213"]
    assert recall.text == ("Lumio recalls 12,000 Glow adapters over overheating\n\nThe Lumio Glow's power adapter "
                           "can overheat, the company said — owners should stop using it.")
    assert "alert" not in recall.text and "<" not in recall.text  # markup and scripts are gone
    assert recall.created_at == dt.datetime(2026, 1, 12, 17, 45, tzinfo=dt.UTC)
    assert (recall.author_name, recall.media, recall.lang, recall.kind) == ("Priya Raman", True, "en-us", "post")
    assert got["gadgetdesk-88190"].url is None  # a javascript: link is not a link
    assert got["gadgetdesk-88190"].media is True and got["gadgetdesk-88190"].author_name == "Gadget Desk"


def test_parse_atom_korean():
    got = {m.id: m for m in RSS.parse({"feed": FEEDS[1], "body": fixture("rss", "korean_news.atom")})}
    news = got["tag:technews.example.kr,2026:article-5521"]
    assert news.text == "루미오, 2월 한국 출시 확정\n\n스마트 조명 브랜드 루미오가 2월 국내 출시를 확정했다."
    assert news.created_at == dt.datetime(2026, 1, 12, 10, 30, tzinfo=dt.UTC)  # published, not updated
    assert (news.author_name, news.url, news.lang) == ("김서연 기자", "https://technews.example.kr/articles/5521", "ko")
    assert got["tag:technews.example.kr,2026:article-5519"].created_at == dt.datetime(2026, 1, 12, 1, tzinfo=dt.UTC)


def test_collect_with_conditional_requests(store):
    def feed(name, ctype, etag):
        def answer(req):
            if req.headers.get("if-none-match") == etag:
                return Reply(304, b"", {"ETag": etag})
            return Reply(200, fixture("rss", name), {"Content-Type": ctype, "ETag": etag,
                                                     "Last-Modified": "Mon, 12 Jan 2026 18:02:11 GMT"})
        return answer

    routes = {"/feed.xml": feed("tech_news.xml", "application/rss+xml", '"v1-tech"'),
              "/atom.xml": feed("korean_news.atom", "application/atom+xml", '"v1-kr"')}
    with MockServer(routes) as server:
        src = RSS({**FAST, "feeds": FEEDS}, base_url=server.url)
        result = collecting.collect(store, src, "lumio OR 루미오", since=SINCE, until=UNTIL)
        assert result.status == "ok", result.message
        ids = set(store.query("SELECT id FROM mentions")["id"])
        assert ids == {"gadgetdesk-88213", "gadgetdesk-88190", "tag:technews.example.kr,2026:article-5521"}
        assert [r.path for r in server.requests] == ["/feed.xml", "/atom.xml"]
        assert "if-none-match" not in server.requests[0].headers
        again = collecting.collect(store, RSS({**FAST, "feeds": FEEDS}, base_url=server.url), "lumio OR 루미오")
    assert again.status == "ok" and (again.new, again.updated) == (0, 0)
    assert server.requests[2].headers["if-none-match"] == '"v1-tech"'
    assert server.requests[2].headers["if-modified-since"] == "Mon, 12 Jan 2026 18:02:11 GMT"
    assert server.requests[3].headers["if-none-match"] == '"v1-kr"'


def test_feeds_are_required():
    with pytest.raises(ConfigError, match="no feeds"):
        RSS(FAST).plan(__import__("collectors").parse_query("lumio"))
    with pytest.raises(ConfigError, match="not an http"):
        RSS({"feeds": ["file:///etc/passwd"]}).plan(__import__("collectors").parse_query("lumio"))
