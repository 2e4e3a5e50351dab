"""Not one mention lost or duplicated: faults from the server, and a collector killed with SIGKILL mid-run.

The server holds N mentions (stories and reply chains). It answers 429 with Retry-After, 500, 503, a
truncated JSON body, a stale copy of a page served twice, and a dropped connection; the collector is
killed with ``kill -9`` mid-collection and started again. The store must end with exactly the N
mentions, once each, with their parent links, and the restart must resume rather than start over.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from collectors.hackernews import HackerNews
from tests.mockserver import (
    CHILD_GUARD,
    AlgoliaHN,
    Drop,
    MockServer,
    Pass,
    Replay,
    Status,
    Truncate,
    hn_world,
)
from tests.standins import FakeClock
from viralscope import collecting, ingest
from viralscope.store import Store

ROOT = Path(__file__).resolve().parents[1]
START = 1768176000  # 2026-01-12T00:00:00Z
SINCE, UNTIL = "2026-01-12T00:00:00", "2026-01-14T00:00:00"
SETTINGS = {"hits_per_page": 10, "max_hits": 40, "min_interval": 0, "backoff_factor": 0.01, "retries": 4, "max_wait": 10}
PATH = "/api/v1/search_by_date"


def faults():
    """Every kind of failure, spread over the run (Pass = a normal answer in between)."""
    return [
        Pass(), Status(429, {"Retry-After": "1"}),
        Pass(), Pass(), Status(500),
        Pass(), Pass(), Status(503),
        Pass(), Pass(), Truncate(0.4),
        Pass(), Pass(), Replay(),  # the previous page again, instead of the one asked for
        Pass(), Pass(), Drop(),
        Pass(), Truncate(0.6, honest_length=True),
    ]


def expected(items) -> dict[str, str | None]:
    return {h["objectID"]: (str(h["parent_id"]) if "parent_id" in h else None) for h in items}


def stored(store: Store):
    df = store.query("SELECT id, parent_id, parent_resolved, link_flag FROM mentions")
    return df


def assert_exactly(store: Store, items) -> None:
    df = stored(store)
    assert len(df) == len(items)
    assert df["id"].is_unique
    got = {r.id: (None if r.parent_id is None or r.parent_id != r.parent_id else r.parent_id)
           for r in df.itertuples()}
    assert got == expected(items)
    # Every parent was collected, so every link resolves and none is flagged.
    assert df["link_flag"].isna().all()
    replies = df[df["parent_id"].notna()]
    assert (replies["parent_resolved"] == replies["parent_id"]).all()
    n = store.scalar("SELECT count(*) FROM (SELECT DISTINCT source, id FROM mentions)")
    assert n == len(items)


def test_faults_in_process(store):
    items = hn_world(120, start=START, span=2 * 86400)
    with MockServer({PATH: AlgoliaHN(items, cap=40)}) as server:
        server.inject(PATH, *faults())
        src = HackerNews(SETTINGS, base_url=server.url)
        result = collecting.collect(store, src, "Lumio", since=collecting.parse_time(SINCE, "since"),
                                    until=collecting.parse_time(UNTIL, "until"))
        assert not server.faults[PATH], "every fault was served"
    assert result.status == "ok", result.message
    assert result.errors >= 7
    assert_exactly(store, items)
    # The 429 asked for a one-second pause, and got it.
    gaps = [b.at - a.at for a, b in zip(server.requests, server.requests[1:], strict=False)]
    assert max(gaps) >= 0.95
    run = store.query("SELECT status, errors, mentions_new FROM collector_runs").iloc[0]
    assert (run["status"], run["mentions_new"]) == ("ok", 120) and run["errors"] >= 7


def _child(db: Path, config: Path, url: str) -> subprocess.Popen:
    code = CHILD_GUARD + "\nfrom viralscope.cli import main\nmain()\n"
    cmd = [sys.executable, "-c", code, "--db", str(db), "--config", str(config), "collect", "hackernews",
           "--query", "Lumio", "--since", SINCE, "--until", UNTIL, "--base-url", url]
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIRALSCOPE_")}
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_kill_9_mid_collection_then_restart(tmp_path):
    items = hn_world(150, start=START, span=2 * 86400, seed=11)
    db, config = tmp_path / "store.duckdb", tmp_path / "viralscope.toml"
    config.write_text("[sources.hackernews]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in SETTINGS.items()))
    store = Store(db, lock_timeout=30)
    with MockServer({PATH: AlgoliaHN(items, cap=40)}, delay=0.15) as server:
        server.inject(PATH, *faults())
        child = _child(db, config, server.url)
        deadline = time.monotonic() + 60
        while len(server.requests) < 12 and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert child.poll() is None, f"the run ended before it could be killed: {child.communicate()}"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
        assert child.returncode == -signal.SIGKILL
        served_before = len(server.requests)

        partial = store.count_mentions()
        assert 0 < partial < len(items)
        key = f"{server.url.split('://')[1]}|Lumio"
        cursor = json.loads(ingest.read_cursor(store, "hackernews", key))
        assert cursor["complete"] is False
        window, page = cursor["state"]["pending"][0], cursor["state"]["page"]

        server.delay = 0
        child = _child(db, config, server.url)
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        assert "hackernews: ok" in out

    assert_exactly(store, items)
    first_after = server.requests[served_before]
    assert first_after.query["numericFilters"] == f"created_at_i>={window[0]},created_at_i<{window[1]}"
    assert first_after.query["page"] == str(page)  # resumed at the page after the last one stored
    runs = store.query("SELECT status FROM collector_runs ORDER BY started_at")["status"].tolist()
    assert runs == ["interrupted", "ok"]
    assert json.loads(ingest.read_cursor(store, "hackernews", key))["complete"] is True
    # Running once more changes nothing: no mention is new, none written twice.
    with MockServer({PATH: AlgoliaHN(items, cap=40)}) as server:
        again = collecting.collect(
            store, HackerNews(SETTINGS, base_url=server.url), "Lumio",
            since=collecting.parse_time(SINCE, "since"), until=collecting.parse_time(UNTIL, "until"),
        )
    assert (again.new, again.updated) == (0, 0)
    assert_exactly(store, items)


def test_span_of_the_world_is_inside_the_collected_span():
    items = hn_world(150, start=START, span=2 * 86400, seed=11)
    lo, hi = (dt.datetime.fromisoformat(t).replace(tzinfo=dt.UTC).timestamp() for t in (SINCE, UNTIL))
    assert all(lo <= h["created_at_i"] < hi for h in items)


# -- one bad item or page is left out and named; nothing is tried forever -----------------------------------


def _hits(n: int, start: int = START) -> list[dict]:
    return [{"objectID": str(100 + i), "_tags": ["story"], "title": f"Lumio story {i}", "author": "a",
             "created_at_i": start + 60 * i} for i in range(n)]


def test_a_mention_the_contract_refuses_is_left_out_not_its_page(store):
    items = _hits(3)
    items[1]["title"] = "Lumio \u0000 cut in half"  # a NUL byte: the mention contract refuses it
    with MockServer({PATH: AlgoliaHN(items)}) as server:
        runs = [collecting.collect(store, HackerNews(SETTINGS, base_url=server.url), "Lumio",
                                   since=collecting.parse_time(SINCE, "since"), until=collecting.parse_time(UNTIL, "until"))
                for _ in range(2)]
    assert [r.status for r in runs] == ["ok", "ok"]
    assert set(store.query("SELECT id FROM mentions")["id"]) == {"100", "102"}
    assert [s.item for s in runs[0].skipped] == ["101"] and "text" in runs[0].skipped[0].why


class _OnePageUnreadable(HackerNews):
    """Hacker News whose second page comes back in a shape the parser does not know (an API change)."""

    @staticmethod
    def parse(payload):
        if payload.get("page") == 1:
            raise KeyError("hits")
        return HackerNews.parse(payload)


def test_an_unreadable_page_is_fetched_again_by_three_runs_then_left_out(store):
    items = _hits(30)
    clock = FakeClock(dt.datetime(2026, 1, 12, 12, tzinfo=dt.UTC))
    statuses = []
    with MockServer({PATH: AlgoliaHN(items)}) as server:
        for _ in range(4):  # four scheduled runs, each continuing from the cursor
            src = _OnePageUnreadable({**SETTINGS, "max_hits": 1000}, base_url=server.url, clock=clock)
            statuses.append(collecting.collect(store, src, "Lumio"))
            clock.sleep(60)
    assert [r.status for r in statuses] == ["failed", "failed", "ok", "ok"]
    assert "tried 1 of 3 times" in statuses[0].message and "tried 2 of 3 times" in statuses[1].message
    assert [s.item for s in statuses[2].skipped] == ["page 2026-01-05 12:00..2026-01-12 12:00 page 1"]
    assert store.count_mentions() == 20  # pages 0 and 2; page 1's ten hits are named as left out
    assert statuses[3].skipped == []  # the next run goes on from where the span ended
