"""``viralscope watch --every 5s`` as a real process against stand-ins of two sources on 127.0.0.1.

Hacker News and a Mastodon instance serve two weeks of history about the brand, then a burst of negative posts
appears. The watcher is killed with SIGKILL during its first backfill and started again; the crisis alert
reaches the webhook within two cycles of the burst's first post (counted in the watcher's own heartbeat,
not in seconds); a second SIGKILL and restart send nothing again; SIGTERM ends it with status 0; and every
item the stand-ins served is in the store exactly once. Wall-clock limits here are only timeouts that stop a
hung test, never a speed claim.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from collectors.http import Clock
from tests.mockserver import CHILD_GUARD, MockServer, hn_world
from tests.standins import HackerNewsStandin, MastodonStandin, mastodon_world
from viralscope.store import Store

NEGATIVE = ["Lumio lamp broken again, terrible support, worst purchase ever, I want a refund",
            "Lumio app down again, awful, the lamp is useless and support ignores me",
            "Lumio update bricked my lamp, horrible, never buying again"]
TIMEOUT = 240  # seconds: only stops a hung test


class WallClock(Clock):
    """The real time, as the stand-ins read it (``.t``)."""

    @property
    def t(self) -> float:
        return time.time()


def _config(path: Path, hn: str, masto: str) -> Path:
    path.write_text(f"""
[brand]
name = "Lumio"
query = "lumio"

[sources.hackernews]
base_url = "{hn}"
backoff_factor = 0.01
retries = 2
min_interval = 0

[sources.mastodon]
base_url = "{masto}"
backoff_factor = 0.01
retries = 2
min_interval = 0

[alerts]
webhook_env = "VIRALSCOPE_WEBHOOK_URL"
retries = 1
""", encoding="utf-8")
    return path


def _start(tmp: Path, config: Path, env: dict) -> subprocess.Popen:
    code = CHILD_GUARD + "\nfrom viralscope.cli import main\nmain()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "--db", str(tmp / "watch.duckdb"), "--config", str(config), "watch",
         "--every", "5s", "--backfill", "14d"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def _wait(what, check, proc=None, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"watch exited ({proc.returncode}) while waiting for {what}:\n{proc.stdout.read()}")
        time.sleep(0.2)
    log = ""
    if proc is not None:
        proc.kill()
        log = proc.communicate()[0][-4000:]
    raise AssertionError(f"timed out waiting for {what}; the watcher said:\n{log}")


def _cycles(store: Store, pid: int | None = None):
    if not store.path.exists():
        return []
    try:
        df = store.query("SELECT * FROM watch_cycles ORDER BY started_at, finished_at")
    except Exception:  # noqa: BLE001 - the table appears with the first cycle
        return []
    return df if pid is None else df[df["pid"] == pid]


def _count(store: Store) -> int:
    try:
        return store.count_mentions() if store.path.exists() else 0
    except Exception:  # noqa: BLE001 - not created yet
        return 0


@pytest.fixture
def world():
    clock = WallClock()
    now = time.time()
    rng = random.Random(17)
    hn_items = hn_world(260, start=int(now - 14 * 86400), span=14 * 86400 - 600, seed=17)
    statuses, accounts = mastodon_world(rng, now - 14 * 86400, 14 * 86400 - 600, history=0, n_posts=50)
    hn = HackerNewsStandin(clock, hn_items, delay=0)
    masto = MastodonStandin(clock, statuses, accounts, delay=0)
    with MockServer(hn.routes(), delay=0.02) as hn_server, MockServer(masto.routes()) as masto_server, \
            MockServer({"/hook": {"ok": True}}) as hook:
        yield hn, masto, hn_server, masto_server, hook


def test_watch_alerts_once_within_two_cycles_across_kill_9(tmp_path, world):
    hn, masto, hn_server, masto_server, hook = world
    config = _config(tmp_path / "viralscope.toml", hn_server.url, masto_server.url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIRALSCOPE_")}
    env.update(VIRALSCOPE_WEBHOOK_URL=f"{hook.url}/hook", MASTODON_ACCESS_TOKEN=MastodonStandin.USER_TOKEN,
               VIRALSCOPE_SESSION_CACHE=str(tmp_path / "sessions.json"), VIRALSCOPE_LOCK_TIMEOUT="60",
               PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    store = Store(tmp_path / "watch.duckdb")
    posts = lambda: [r for r in hook.requests if r.method == "POST"]  # noqa: E731

    # 1. Killed during the backfill, after some pages are stored: the restart resumes from the cursors.
    proc = _start(tmp_path, config, env)
    _wait("the first stored page", lambda: _count(store) > 0, proc)
    assert len(_cycles(store)) == 0  # still in the first cycle
    proc.kill()
    proc.wait(timeout=30)
    proc = _start(tmp_path, config, env)
    _wait("a finished backfill", lambda: len(_cycles(store, proc.pid)) >= 2, proc)
    assert posts() == []  # two quiet weeks: nothing to alert

    # 2. The burst: negative posts from now on.
    first_post = time.time()
    base = 50_000_000
    for i in range(30):
        t = int(first_post)  # all at once: every one is served before the watcher stops
        hn.items.append({"objectID": str(base + i), "_tags": ["story", f"author_b{i}", f"story_{base + i}"],
                         "author": f"b{i}", "title": NEGATIVE[i % 3], "url": None, "points": 1,
                         "num_comments": 0, "created_at_i": t, "story_id": base + i,
                         "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))})
    before = set(_cycles(store)["cycle_id"])
    _wait("the crisis alert", lambda: posts(), proc)

    def recorded():
        c = _cycles(store, proc.pid)
        c = c[~c["cycle_id"].isin(before)].reset_index(drop=True)
        return [c] if (c["alerts_sent"] > 0).any() else None

    [new] = _wait("the alerting cycle's heartbeat", recorded, proc)
    # The cycle under way when the burst began, then at most two more.
    alerting = int(new.index[new["alerts_sent"] > 0][0])
    assert alerting <= 2, new[["started_at", "finished_at", "mentions_new", "alerts_sent"]]
    messages = [r.json()["text"] for r in posts()]
    crisis = [m for m in messages if "crisis alert" in m]
    assert len(crisis) == 1, messages
    text = crisis[0]
    assert "Lumio" in text and any(s in text for s in ("moderate", "high", "critical"))
    assert time.strftime("%Y-%m-%d", time.gmtime(first_post)) in text  # its start
    assert any(n.split(",")[0] in text for n in NEGATIVE)  # the top driving post
    sent = len(messages)

    # 3. kill -9 and restart: no alert twice, nothing lost or duplicated.
    proc.kill()
    proc.wait(timeout=30)
    proc = _start(tmp_path, config, env)
    _wait("three cycles after the restart", lambda: len(_cycles(store, proc.pid)) >= 3, proc)
    assert len(posts()) == sent
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 0

    hn_host = hn_server.url.split("://", 1)[1]
    masto_host = masto_server.url.split("://", 1)[1]
    stored = store.query("SELECT source, id, count(*) AS n FROM mentions GROUP BY ALL")
    assert (stored["n"] == 1).all()
    got = {s: set(stored.loc[stored["source"] == s, "id"]) for s in ("hackernews", "mastodon")}
    assert got["hackernews"] == hn.expected(hn_host)
    assert got["mastodon"] == masto.expected(masto_host)
    assert len(got["hackernews"]) > 250 and len(got["mastodon"]) > 10
