"""``viralscope collect``: one source, all configured sources, skipping, quiet mode, the --every loop."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.mockserver import CHILD_GUARD, FAST, AlgoliaHN, MockServer, Status, fixture, hn_world
from viralscope.cli import main
from viralscope.store import Store

ROOT = Path(__file__).resolve().parents[1]
SPAN = ["--since", "2026-01-12", "--until", "2026-01-13"]
HN = "/api/v1/search_by_date"


def toml(path: Path, tables: dict) -> Path:
    lines = []
    for name, table in tables.items():
        lines.append(f"[{name}]")
        lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in table.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def run(tmp_path):
    def invoke(*args, config=None):
        base = ["--db", str(tmp_path / "s.duckdb")]
        if config:
            base += ["--config", str(config)]
        return CliRunner().invoke(main, [*base, *args], catch_exceptions=False)

    return invoke


@pytest.fixture
def fast_config(tmp_path):
    return toml(tmp_path / "fast.toml", {"sources.hackernews": FAST})


def test_collect_one_source(run, tmp_path, fast_config):
    with MockServer({HN: fixture("hackernews", "search_by_date")}) as server:
        out = run("collect", "hackernews", "--query", "Lumio", *SPAN, "--base-url", server.url, config=fast_config)
    assert out.exit_code == 0, out.output
    assert out.output.strip() == "hackernews: ok: 4 mentions (4 new, 0 updated) from 1 pages; 1 not matching dropped"
    assert Store(tmp_path / "s.duckdb").count_mentions() == 4


def test_brands_from_the_configuration_tag_mentions(run, tmp_path):
    config = toml(tmp_path / "v.toml", {"brand": {"name": "Lumio", "query": "lumio OR 루미오"},
                                        "sources.hackernews": FAST})
    with MockServer({HN: fixture("hackernews", "search_by_date")}) as server:
        out = run("collect", "hackernews", *SPAN, "--base-url", server.url, config=config)
    assert out.exit_code == 0, out.output
    searches = [r.query["query"] for r in server.requests]
    assert searches == ["lumio", "루미오"]  # the brand's own query when none is given
    brands = Store(tmp_path / "s.duckdb").query("SELECT DISTINCT brand FROM mentions")["brand"].tolist()
    assert brands == ["Lumio"]


def test_source_without_credentials_is_skipped_with_one_line(run, tmp_path):
    out = run("collect", "reddit", "--query", "lumio", *SPAN)
    assert out.exit_code == 0
    assert out.output == "reddit: skipped: set REDDIT_CLIENT_ID in the environment\n"
    runs = Store(tmp_path / "s.duckdb").query("SELECT status, last_error FROM collector_runs")
    assert runs.to_dict("records") == [{"status": "skipped", "last_error": "reddit: skipped: set REDDIT_CLIENT_ID in the environment"}]


def test_collect_all_configured_sources(run, tmp_path):
    with MockServer({HN: fixture("hackernews", "search_by_date")}) as server:
        config = toml(tmp_path / "v.toml", {
            "brand": {"name": "Lumio", "query": "Lumio"},
            "sources.hackernews": {**FAST, "base_url": server.url},
            "sources.reddit": {},
            "sources.x": {"enabled": False},
        })
        out = run("collect", "all", *SPAN, config=config)
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].startswith("hackernews: ok: 4 mentions")
    assert lines[1] == "reddit: skipped: set REDDIT_CLIENT_ID in the environment"
    assert len(lines) == 2  # x is disabled


def test_quiet_prints_nothing_on_success(run, fast_config):
    with MockServer({HN: fixture("hackernews", "search_by_date")}) as server:
        out = run("collect", "hackernews", "-q", "Lumio", *SPAN, "--base-url", server.url, "--quiet", config=fast_config)
    assert out.exit_code == 0 and out.output == ""


def test_failure_is_one_line_on_stderr_and_exit_1(tmp_path, fast_config):
    with MockServer({HN: Status(503)}) as server:
        result = CliRunner().invoke(main, ["--db", str(tmp_path / "s.duckdb"), "--config", str(fast_config), "collect",
                                           "hackernews", "-q", "Lumio", *SPAN, "--base-url", server.url, "--quiet"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == "hackernews: failed: 0 mentions (0 new, 0 updated) from 0 pages; 0 not matching " \
                                    "dropped; 3 retried errors; hackernews: HTTP 503 after 3 retries"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["hackernews", "-q", "Lumio OR"], "query error at position 6"),
        (["hackernews", "-q", "Lumio", "--since", "yesterday"], "--since: 'yesterday' is not a date"),
        (["hackernews", "-q", "Lumio", "--every", "soon"], "--every: 'soon' is not a duration"),
        (["hackernews"], "no query"),
        (["all"], "no [sources.<name>] tables"),
    ],
)
def test_bad_input_is_one_line(run, args, message):
    out = run("collect", *args)
    assert out.exit_code == 1 and message in out.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["all", "--base-url", "http://127.0.0.1:1"], "--base-url applies to one source"),
        (["hackernews", "-q", "a", "--every", "15m", "--since", "2026-01-01"], "does not take --since"),
        (["myspace", "-q", "a"], "Invalid value for 'SOURCE'"),
    ],
)
def test_usage_errors(run, args, message):
    out = run("collect", *args)
    assert out.exit_code == 2 and message in out.output


def test_progress_bar_on_a_terminal(run, fast_config, monkeypatch):
    from viralscope import cli

    monkeypatch.setattr(cli, "progress_enabled", lambda: True)
    with MockServer({HN: fixture("hackernews", "search_by_date")}) as server:
        result = CliRunner().invoke(main, ["--db", str(fast_config.parent / "p.duckdb"), "--config", str(fast_config),
                                           "collect", "hackernews", "-q", "Lumio", *SPAN, "--base-url", server.url])
    assert result.exit_code == 0
    assert "hackernews: 4 mentions" in result.stderr and "2026-01-12 00:00..2026-01-13 00:00 page 0" in result.stderr
    assert result.stdout.startswith("hackernews: ok: 4 mentions")


def test_every_runs_again(tmp_path, fast_config):
    code = CHILD_GUARD + "\nfrom viralscope.cli import main\nmain()\n"
    items = hn_world(5, start=int(time.time()) - 3600, span=1800)
    with MockServer({HN: AlgoliaHN(items)}) as server:
        cmd = [sys.executable, "-c", code, "--db", str(tmp_path / "s.duckdb"), "--config", str(fast_config),
               "collect", "hackernews", "-q", "Lumio", "--base-url", server.url, "--every", "1s", "--quiet"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("VIRALSCOPE_")}
        child = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while len(server.requests) < 3 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        child.send_signal(signal.SIGTERM)
        out, err = child.communicate(timeout=10)
    assert len(server.requests) >= 3, err
    # One run a second, not one after another. Runs start on a fixed schedule, but each request comes a
    # little after its run starts (store writes, a loaded machine), so judge the mean gap, not each one.
    first, last = server.requests[0].at, server.requests[-1].at
    assert (last - first) / (len(server.requests) - 1) >= 0.8
    store = Store(tmp_path / "s.duckdb")
    assert store.query("SELECT count(*) AS n FROM collector_runs WHERE status = 'ok'")["n"][0] >= 2
    assert store.count_mentions() == 5


def test_source_status_for_the_sources_page(run, tmp_path, fast_config):
    from viralscope.collecting import source_status

    with MockServer({HN: fixture("hackernews", "search_by_date")}) as server:
        run("collect", "hackernews", "-q", "Lumio", *SPAN, "--base-url", server.url, config=fast_config)
        run("collect", "hackernews", "-q", "Lumio", *SPAN, "--base-url", server.url, config=fast_config)
    run("collect", "reddit", "-q", "lumio", *SPAN)
    status = source_status(Store(tmp_path / "s.duckdb")).set_index("source")
    assert list(status.index) == ["hackernews", "reddit"]
    hn = status.loc["hackernews"]
    assert (hn["last_status"], hn["runs"], hn["mentions_new"], hn["last_new"], hn["mentions_stored"]) == ("ok", 2, 4, 0, 4)
    assert str(hn["last_finished_at"].tz) == "UTC"
    rd = status.loc["reddit"]
    assert (rd["last_status"], rd["mentions_stored"]) == ("skipped", 0)
    assert "REDDIT_CLIENT_ID" in rd["last_error"]
