"""Watch cycles on a fake clock: a source answering 500, then 429, for several cycles delays only itself.

Hacker News and Mastodon stand-ins (``tests.standins``) serve posts as they appear; the watcher runs one cycle
a minute of a fake clock. While Hacker News fails, Mastodon's new posts are stored in the cycle they appear and
its lag stays under a cycle; Hacker News's lag grows cycle by cycle and its last error names the status, in the
heartbeat and on the Sources page (AppTest); when it answers again it catches up, losing nothing.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collectors.sessions import SessionCache
from dashboard.charts import source_name
from tests.mockserver import MockServer, Reply, hn_world
from tests.standins import DAY_START, FakeClock, HackerNewsStandin, MastodonStandin, mastodon_world
from viralscope import watch
from viralscope.config import parse_config
from viralscope.store import Store

FAST = {"backoff_factor": 0.01, "retries": 2, "min_interval": 0, "max_wait": 5}


@pytest.fixture
def world(tmp_path, monkeypatch):
    monkeypatch.setenv("MASTODON_ACCESS_TOKEN", MastodonStandin.USER_TOKEN)
    clock = FakeClock(DAY_START)
    start, span = DAY_START.timestamp(), 4 * 3600
    hn = HackerNewsStandin(clock, hn_world(120, start=int(start - 6 * 3600), span=int(span + 6 * 3600)), delay=0)
    masto = MastodonStandin(clock, *mastodon_world(random.Random(3), start, span, n_posts=120), delay=0)
    failing = {"answer": None}

    def hn_search(req):
        return failing["answer"] or hn.search(req)

    with MockServer({"/api/v1/search_by_date": hn_search}) as hs, MockServer(masto.routes()) as ms:
        config = parse_config({"brand": {"name": "Lumio", "query": "lumio"},
                               "sources": {"hackernews": {"base_url": hs.url, **FAST},
                                           "mastodon": {"base_url": ms.url, **FAST}}}, "test")
        store = Store(tmp_path / "watch.duckdb")
        watcher = watch.Watcher(store, config, every=60, backfill="6h", clock=clock,
                                sessions=SessionCache(tmp_path / "sessions.json"), target_list=[])
        yield clock, watcher, store, hn, masto, failing, hs.url.split("://")[1], ms.url.split("://")[1]


def _ids(store: Store, source: str) -> set[str]:
    return set(store.query("SELECT id FROM mentions WHERE source = ?", [source])["id"])


def test_a_failing_source_delays_only_itself_and_its_lag_shows(world, monkeypatch):
    clock, watcher, store, hn, masto, failing, hn_host, masto_host = world
    first = watcher.cycle()
    assert {r.source: r.status for r in first.runs} == {"hackernews": "ok", "mastodon": "ok"}
    lags, errors = [], []
    bad = [Reply(500, {"message": "Internal error"})] * 3 + [Reply(429, {"message": "slow down"},
                                                                     {"Retry-After": "2"})] * 3
    for i, answer in enumerate(bad, start=1):
        failing["answer"] = answer
        clock.wait_until(DAY_START.timestamp() + 60 * i * 5)  # five minutes a cycle: new posts each time
        c = watcher.cycle()
        status = {r.source: r.status for r in c.runs}
        assert status == {"hackernews": "failed" if answer.status == 500 else "rate_limited", "mastodon": "ok"}
        posts = {k for k in masto.expected(masto_host) if not masto.statuses[k.split(":")[-1]].get("_reblog")}
        assert posts <= _ids(store, "mastodon")  # Mastodon's new posts are in, this very cycle
        assert c.lag["mastodon"] < 60
        lags.append(c.lag["hackernews"])
        assert str(answer.status) in c.sources()["hackernews"]["error"]
        if answer.status == 500:
            errors.append(c.sources()["hackernews"]["errors"])
    # Each failing cycle counts its own retries, not every retry since the watcher started.
    assert len(errors) == 3 and errors[0] > 1 and len(set(errors)) == 1, errors
    assert lags == sorted(lags) and lags[-1] >= 5 * 5 * 60  # behind since the first failure, growing

    # The Sources page shows it.
    monkeypatch.setenv("VIRALSCOPE_DB", str(store.path))
    page = Path(__file__).resolve().parents[1] / "dashboard" / "views" / "sources_page.py"
    at = AppTest.from_file(str(page), default_timeout=60).run()
    assert not at.exception
    tables = [d.value for d in at.dataframe if "lag_minutes" in getattr(d.value, "columns", [])]
    assert tables, "no watcher table on the Sources page"
    shown = tables[0].set_index("source")  # sources as the interface names them
    row = shown.loc[source_name("hackernews", "en")]
    assert row["lag_minutes"] >= 25 and "429" in row["last_error"]
    assert shown.loc[source_name("mastodon", "en"), "lag_minutes"] < 1

    # It answers again: everything it served is stored, once.
    failing["answer"] = None
    clock.wait_until(clock.t + 60)
    c = watcher.cycle()
    assert {r.source: r.status for r in c.runs} == {"hackernews": "ok", "mastodon": "ok"}
    assert c.lag["hackernews"] < 60
    assert _ids(store, "hackernews") == hn.expected(hn_host)
    assert _ids(store, "mastodon") == masto.expected(masto_host)
    assert store.scalar("SELECT count(*) FROM (SELECT source, id FROM mentions GROUP BY ALL HAVING count(*) > 1)") == 0
