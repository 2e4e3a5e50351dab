"""Tokens never leave the request headers: not in errors, logs, the store, the command's output or URLs."""

from __future__ import annotations

import base64
import json
import logging

import pytest
from click.testing import CliRunner

from tests import test_collectors_bluesky as bluesky
from tests import test_collectors_reddit as reddit
from tests import test_collectors_x as x
from tests import test_collectors_youtube as youtube
from tests.mockserver import FAST, MockServer, Reply, fixture
from viralscope.cli import main
from viralscope.store import Store

SPAN = ["--since", "2026-01-12", "--until", "2026-01-13"]
CASES = {
    "reddit": ({"REDDIT_CLIENT_ID": "id-c4f1e8", "REDDIT_CLIENT_SECRET": "sec-9a7b6c"}, reddit.routes,
               [fixture("reddit", "access_token")["access_token"], base64.b64encode(b"id-c4f1e8:sec-9a7b6c").decode()]),
    "bluesky": ({"BLUESKY_HANDLE": "collector.bsky.social", "BLUESKY_APP_PASSWORD": "pw-1q2w-3e4r-5t6y"},
                bluesky.routes, ["eyJ0eXAiOiJhdCtqd3QiLCJhbGciOiJFUzI1NksifQ.test-access"]),
    "youtube": ({"YOUTUBE_API_KEY": "AIza-key-77f0e1"}, youtube.routes, []),
    # X only searches the last seven days: this case asks for the last day (its recorded posts are older).
    "x": ({"X_BEARER_TOKEN": "AAAA-bearer-0d9c8b"}, lambda: {"/2/tweets/search/recent": x.search}, []),
    "mastodon": ({"MASTODON_ACCESS_TOKEN": "masto-tok-3e2d1c"}, lambda: {}, []),
}


def dump(store: Store) -> str:
    tables = ["mentions", "cursors", "collector_runs", "meta"]
    return "\n".join(store.query(f"SELECT * FROM {t}").to_json(orient="records", date_format="iso") for t in tables)  # noqa: S608


def echo_auth(req):
    """An API that, failing, repeats the request's credentials back (some do, in error details)."""
    sent = f"{req.headers.get('authorization')} {req.headers.get('x-goog-api-key')} {req.body.decode()}"
    return Reply(401, {"error": {"message": f"invalid credentials: {sent}"}})


@pytest.mark.parametrize("name", list(CASES))
def test_no_secret_anywhere(name, tmp_path, monkeypatch, caplog):
    env, routes, derived = CASES[name]
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    secrets = [v for k, v in env.items() if k != "BLUESKY_HANDLE"] + derived
    caplog.set_level(logging.DEBUG)
    config = tmp_path / "c.toml"
    settings = {**FAST, **{"reddit": {"username": "viralscope_test"}, "youtube": {"quota_ahead": "24h"}}.get(name, {})}
    config.write_text(f"[sources.{name}]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in settings.items()))
    db = tmp_path / "s.duckdb"
    span = ["--since", "1d"] if name == "x" else SPAN
    outputs = []
    with MockServer(routes()) as server:
        ok = CliRunner().invoke(main, ["--db", str(db), "--config", str(config), "collect", name, "-q", "lumio",
                                       *span, "--base-url", server.url])
        outputs.append(ok.output)
        sent = json.dumps([r.headers for r in server.requests]) + "".join(r.body.decode() for r in server.requests)
        urls = " ".join(r.path + json.dumps(r.query) for r in server.requests)
    with MockServer({r".*": echo_auth}) as failing:
        bad = CliRunner().invoke(main, ["--db", str(db), "--config", str(config), "collect", name, "-q", "lumio",
                                        *span, "--base-url", failing.url])
        outputs.append(bad.output)
    assert bad.exit_code == 1 and "refused the credentials" in bad.output
    assert any(s in sent for s in secrets) or name == "mastodon"  # the credentials were really used...
    everything = "\n".join([dump(Store(db)), *outputs, caplog.text])
    for s in secrets:
        assert s not in urls
        assert s not in everything, f"{name}: a secret leaked"
