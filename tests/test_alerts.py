"""Alerts against a local webhook server and a local SMTP server: once per incident, retries, no secrets."""

from __future__ import annotations

import json
import logging
import socket
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from click.testing import CliRunner

from tests import metrics_world as world
from viralscope import alerts
from viralscope.cli import main

SECRET_PATH = "/services/T0SECRET/B0SECRET/xoxSECRETtoken"
NOW = "2026-02-10T06:00"  # three hours into the injected crisis (03:00)


class Hook:
    """A Slack-compatible webhook on 127.0.0.1 that records bodies and can fail first with 5xx."""

    def __init__(self, fail_first: int = 0, status: int = 503):
        self.bodies, self.requests, self.fail_first, self.status = [], 0, fail_first, status
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                hook.requests += 1
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if hook.requests <= hook.fail_first:
                    self.send_response(hook.status)
                    self.end_headers()
                    return
                hook.bodies.append(json.loads(body))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}{SECRET_PATH}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook():
    h = Hook()
    yield h
    h.close()


@pytest.fixture(scope="module")
def crisis_db(tmp_path_factory):
    from viralscope.store import Store

    path = tmp_path_factory.mktemp("alerts") / "template.duckdb"
    store = Store(path, lock_timeout=30)
    store.ensure()
    world.build(store, days=37, crisis_at="2026-02-10 03:00")
    return path


@pytest.fixture
def crisis_store(crisis_db, tmp_path):
    import shutil

    from viralscope.store import Store

    shutil.copy(crisis_db, tmp_path / "store.duckdb")
    return Store(tmp_path / "store.duckdb", lock_timeout=30)


def _config(**extra):
    return world.config(webhook_env="VIRALSCOPE_WEBHOOK_URL", retry_backoff=0, **extra)


def test_one_message_per_incident_and_remembered(crisis_store, hook, monkeypatch):
    monkeypatch.setenv("VIRALSCOPE_WEBHOOK_URL", hook.url)
    first = alerts.check(crisis_store, _config(), now=NOW, notify=True)
    assert len(first["incidents"]) == 1
    inc = first["incidents"][0]
    assert inc["start"] == "2026-02-10T03:00:00+00:00" and inc["ongoing"]
    assert inc["terms"] and inc["cascades"][0]["cascade_id"] == "demo:crisis0"
    assert [d["ok"] for d in first["deliveries"]] == [True]
    assert len(hook.bodies) == 1 and "crisis alert: Lumio" in hook.bodies[0]["text"]
    # Later checks see the same incident (grown, still open): nothing is sent again.
    for later in ("2026-02-10T07:00", "2026-02-10T09:30"):
        again = alerts.check(crisis_store, _config(), now=later, notify=True)
        assert len(again["incidents"]) == 1 and again["deliveries"] == []
    assert len(hook.bodies) == 1
    sent = crisis_store.query("SELECT * FROM alerts_sent")
    assert len(sent) == 1 and sent["target"].iat[0] == "webhook"


def test_retries_on_5xx(crisis_store, monkeypatch):
    h = Hook(fail_first=2)
    try:
        monkeypatch.setenv("VIRALSCOPE_WEBHOOK_URL", h.url)
        report = alerts.check(crisis_store, _config(), now=NOW, notify=True)
        assert h.requests == 3 and len(h.bodies) == 1
        assert report["deliveries"][0]["ok"] and report["delivery_problems"] == []
    finally:
        h.close()


def test_a_target_that_keeps_failing_does_not_block_and_is_retried_later(crisis_store, monkeypatch, caplog):
    h = Hook(fail_first=100, status=500)
    monkeypatch.setenv("VIRALSCOPE_WEBHOOK_URL", h.url)
    caplog.set_level(logging.DEBUG)
    report = alerts.check(crisis_store, _config(retries=2), now=NOW, notify=True)
    h.close()
    assert len(report["incidents"]) == 1  # the analysis went on
    assert report["delivery_problems"] == [
        "webhook: webhook answered HTTP 500; incident 2026-02-10T03:00:00+00:00/1h will be sent on a later check"]
    assert h.requests == 3  # first try + 2 retries
    assert crisis_store.query("SELECT count(*) AS n FROM alerts_sent")["n"].iat[0] == 0
    _no_secret(caplog.text, json.dumps(report))
    # The target is back: the incident goes out now.
    ok = Hook()
    try:
        monkeypatch.setenv("VIRALSCOPE_WEBHOOK_URL", ok.url)
        alerts.check(crisis_store, _config(), now="2026-02-10T07:00", notify=True)
        assert len(ok.bodies) == 1
    finally:
        ok.close()


def test_webhook_down_nothing_secret_in_logs_or_errors(crisis_store, monkeypatch, caplog):
    with socket.socket() as s:  # a port with nobody listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://user:pa55word@127.0.0.1:{port}{SECRET_PATH}?token=QSECRET"
    monkeypatch.setenv("VIRALSCOPE_WEBHOOK_URL", url)
    caplog.set_level(logging.DEBUG)
    report = alerts.check(crisis_store, _config(retries=1), now=NOW, notify=True)
    assert len(report["incidents"]) == 1
    assert report["delivery_problems"][0].startswith("webhook: webhook unreachable (ConnectionError)")
    _no_secret(caplog.text, json.dumps(report), extra=("pa55word", "QSECRET"))
    assert "Retrying" in caplog.text and "[redacted]" in caplog.text  # urllib3 logged the path; it was redacted


def _no_secret(*texts, extra=()):
    for text in texts:
        for secret in ("T0SECRET", "B0SECRET", "xoxSECRETtoken", *extra):
            assert secret not in text


def test_missing_secret_is_named_not_shown(crisis_store):
    report = alerts.check(crisis_store, _config(), now=NOW, notify=True)
    assert report["delivery_problems"] == ["webhook: environment variable VIRALSCOPE_WEBHOOK_URL is not set"]
    assert len(report["incidents"]) == 1


def test_hostile_text_cannot_ping_or_link_in_slack():
    subject, body = alerts.message({
        "start": "2026-02-10T03:00Z", "end": "2026-02-10T05:00Z", "peak": "2026-02-10T04:00Z",
        "severity": "high", "negatives": 40, "expected": 5, "ratio": 8.0, "ongoing": True,
        "terms": [{"term": "<!channel> <http://evil.example|click>"}], "cascades": [],
        "negative_share": 0.5, "expected_share": 0.1,
    }, "Lumio")
    payload = alerts._slack_escape(body)
    assert "<!channel>" not in payload and "&lt;!channel&gt;" in payload and "<http" not in payload


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""

    def handle(self):
        out = self.server.messages
        self.wfile.write(b"220 localhost ESMTP test\r\n")
        data = None
        while True:
            line = self.rfile.readline()
            if not line:
                return
            if data is not None:
                if line in (b".\r\n", b".\n"):
                    out.append(b"".join(data).decode())
                    data = None
                    self.wfile.write(b"250 OK queued\r\n")
                else:
                    data.append(line)
                continue
            cmd = line.decode().strip().upper()
            if cmd.startswith(("EHLO", "HELO")):
                self.wfile.write(b"250 localhost\r\n")
            elif cmd.startswith("DATA"):
                data = []
                self.wfile.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
            elif cmd.startswith("QUIT"):
                self.wfile.write(b"221 Bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")


def test_email_once_per_incident(crisis_store):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        config = world.config(email_to=["pr@example.com"], smtp_host="127.0.0.1",
                              smtp_port=server.server_address[1], retry_backoff=0)
        for now in (NOW, "2026-02-10T08:00"):
            alerts.check(crisis_store, config, now=now, notify=True)
        assert len(server.messages) == 1
        mail = server.messages[0]
        assert "Subject: [viralscope] critical crisis alert: Lumio since 2026-02-10 03:00 UTC" in mail
        assert "text/plain" in mail and "text/html" not in mail
    finally:
        server.shutdown()
        server.server_close()


def test_cli_alerts_check(crisis_store, hook, monkeypatch, tmp_path):
    cfg = tmp_path / "viralscope.toml"
    cfg.write_text('[brand]\nname = "Lumio"\n[alerts]\nwebhook_env = "VIRALSCOPE_WEBHOOK_URL"\nretry_backoff = 0\n')
    monkeypatch.setenv("VIRALSCOPE_WEBHOOK_URL", hook.url)
    args = ["--db", str(crisis_store.path), "--config", str(cfg), "alerts", "check", "--now", NOW]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0 and len(json.loads(res.output)["incidents"]) == 1 and hook.bodies == []
    res = CliRunner().invoke(main, [*args, "--notify"])
    assert res.exit_code == 0 and len(hook.bodies) == 1
    assert "SECRET" not in res.output
