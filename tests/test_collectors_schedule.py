"""A day of one-minute cycles against the stand-ins: few logins, no limit passed, no item lost.

A ``watch``-like loop (``collecting.Collection``, one cycle a minute of a fake clock, 1,440 cycles) collects
every source from its own cursor against ``tests.standins``, which serve a day of posts, replies, quotes,
reposts and comments as they appear, count requests against each service's documented limits, refuse what
the services refuse, and expire Bluesky's access tokens after two hours. Every six hours the loop is started
again as a new process would be (sessions read back from the cache file), and at noon Bluesky stops honouring
the tokens it gave. Nothing sleeps for real: a wait moves the fake clock on.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.standins import SECRETS, simulate_day


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    shm = Path("/dev/shm")
    # A store on tmpfs: the simulation writes to it some 10,000 times, and nothing here is about durability.
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else tmp_path_factory.getbasetemp()) as tmp, \
            pytest.MonkeyPatch.context() as mp:
        for name, value in SECRETS.items():
            mp.setenv(name, value)
        yield simulate_day(tmp)


def test_no_documented_limit_is_passed(day):
    assert day.violations == []
    for service in day.services.values():
        for name, (peak, limit) in service.figures().items():
            assert peak <= limit, (service.name, name)


def test_bluesky_logs_in_once_and_refreshes_after_that(day):
    bluesky = day.services["bluesky"]
    assert bluesky.logins == 1  # four process starts, one early expiry: the session is refreshed, not replaced
    assert bluesky.refreshes >= 12  # two-hour tokens, renewed before they expire
    assert day.services["reddit"].logins <= 2  # a token lasts a day: renewed once, before it expires


def test_no_item_is_lost_and_nothing_else_is_kept(day):
    for name in day.services:
        assert day.stored[name] == day.expected[name], name
        assert day.expected[name], name


def test_every_run_ends_well(day):
    statuses = {status for (_, status) in day.runs}
    assert statuses <= {"ok", "waiting"}
    assert {source for (source, status) in day.runs if status == "waiting"} <= {"youtube"}  # its quota, spread
    assert sum(day.runs.values()) == 1440 * len(day.services)
    assert day.services["x"].refused_tokens == [] and day.services["reddit"].bad_agents == []
