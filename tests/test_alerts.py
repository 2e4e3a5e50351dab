"""Alerts against a local webhook server and a local SMTP server: once per incident (negative crisis or volume
spike, of the brand or a competitor), also across processes and after kill -9 mid-send; retries; no secrets."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from tests import metrics_world as world
from tests.mockserver import CHILD_GUARD
from viralscope import alerts, ingest
from viralscope.cli import main

ROOT = Path(__file__).resolve().parents[1]

SECRET_PATH = "/services/T0SECRET/B0SECRET/xoxSECRETtoken"
NOW = "2026-02-10T06:00"  # three hours into the injected crisis (03:00)


class ThreadingServer(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True


class Hook:
    """A Slack-compatible webhook on 127.0.0.1 that records bodies and can fail first with 5xx."""

    def __init__(self, fail_first: int = 0, status: int = 503, hold: threading.Event | None = None):
        self.bodies, self.requests, self.fail_first, self.status, self.hold = [], 0, fail_first, status, hold
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
                if hook.hold is not None:  # received, but the answer waits (the sender may be killed meanwhile)
                    hook.hold.wait(30)
                try:
                    self.send_response(200)
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:  # the sender is gone
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingServer(("127.0.0.1", 0), Handler)
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


NEGATIVE_ONLY = {"volume": {"enabled": False, "competitors": False}}


def _config(**extra):
    return world.config(webhook_env="VIRALSCOPE_WEBHOOK_URL", retry_backoff=0, **{**NEGATIVE_ONLY, **extra})


def _both(**extra):
    """Negative crises and volume spikes, as configured by default."""
    return world.config(webhook_env="VIRALSCOPE_WEBHOOK_URL", retry_backoff=0, **extra)


def test_one_message_per_incident_and_remembered(crisis_store, hook, monkeypatch):
    monkeypatch.setenv("VIRALSCOPE_WEBHOOK_URL", hook.url)
    first = alerts.check(crisis_store, _both(), now=NOW, notify=True)
    assert len(first["incidents"]) == 1
    inc = first["incidents"][0]
    assert inc["start"] == "2026-02-10T03:00:00+00:00" and inc["ongoing"] and inc["kind"] == "negative"
    assert inc["terms"] and inc["cascades"][0]["cascade_id"] == "demo:crisis0"
    assert inc["posts"][0]["author"] == "angry0" and "battery exploded" in inc["posts"][0]["text"]
    # The burst of complaints is also a burst of mentions: a volume spike of the brand, its own incident.
    assert len(first["volume_spikes"]) == 1 and first["competitor_spikes"] == []
    spike = first["volume_spikes"][0]
    assert spike["kind"] == "volume" and spike["start"] == inc["start"] and spike["posts"][0]["author"] == "angry0"
    assert [d["ok"] for d in first["deliveries"]] == [True, True]
    texts = [b["text"] for b in hook.bodies]
    assert len(texts) == 2 and "crisis alert: Lumio" in texts[0] and "volume spike: Lumio since" in texts[1]
    assert "Driving posts: angry0: &quot;" not in texts[0] and 'Driving posts: angry0: "my Lumio battery' in texts[0]
    # Later checks see the same incidents (grown, still open): nothing is sent again.
    for later in ("2026-02-10T07:00", "2026-02-10T09:30"):
        again = alerts.check(crisis_store, _both(), now=later, notify=True)
        assert len(again["incidents"]) == 1 and len(again["volume_spikes"]) == 1 and again["deliveries"] == []
    assert len(hook.bodies) == 2
    sent = crisis_store.query("SELECT * FROM alerts_sent ORDER BY incident_key")
    assert len(sent) == 2 and set(sent["target"]) == {"webhook"}
    assert [json.loads(p)["state"] for p in sent["payload"]] == ["sent", "sent"]
    assert sorted(json.loads(p)["kind"] for p in sent["payload"]) == ["negative", "volume"]


@pytest.fixture
def competitor_store(crisis_store):
    """The crisis world with a product launch of the competitor Brightly: its mentions triple for four hours."""
    t0 = pd.Timestamp("2026-02-10 01:00")
    rows = [{"id": f"launch{j}", "source": "demo", "created_at": t0 + pd.Timedelta(minutes=j), "brand": "Brightly",
             "text": "Brightly's new lamp is out", "author_name": f"fan{j}", "kind": "share" if j else "post",
             "parent_id": None if j == 0 else "launch0"} for j in range(4 * 60)]
    ingest.write_mentions(crisis_store, pd.DataFrame(rows), origin="launch")
    return crisis_store


def test_competitor_volume_spikes_are_reported_apart(competitor_store, hook, monkeypatch):
    monkeypatch.setenv("VIRALSCOPE_WEBHOOK_URL", hook.url)
    report = alerts.check(competitor_store, _both(), now=NOW, notify=True)
    assert len(report["competitor_spikes"]) == 1 and len(report["volume_spikes"]) == 1
    spike = report["competitor_spikes"][0]
    assert spike["brand"] == "Brightly" and spike["competitor"] and spike["start"] == "2026-02-10T01:00:00+00:00"
    assert spike["posts"][0]["author"] == "fan0"
    texts = [b["text"] for b in hook.bodies]
    assert len(texts) == 3 and sum("volume spike: Brightly (competitor) since" in t for t in texts) == 1
    alerts.check(competitor_store, _both(), now="2026-02-10T08:00", notify=True)
    assert len(hook.bodies) == 3


@pytest.mark.parametrize("volume,expected", [
    ({"competitors": False}, (1, 0)),
    ({"brands": {"Brightly": {"enabled": False}}}, (1, 0)),
    ({"brands": {"Lumio": {"enabled": False}}}, (0, 1)),
    ({"brands": {"Brightly": {"min_ratio": 50}}}, (1, 0)),
])
def test_volume_alerts_are_configured_per_brand(competitor_store, volume, expected):
    report = alerts.check(competitor_store, world.config(volume=volume), now=NOW)
    assert (len(report["volume_spikes"]), len(report["competitor_spikes"])) == expected
    assert len(report["incidents"]) == 1


def test_too_little_history_is_said_once(tmp_path):
    from viralscope.store import Store

    store = Store(tmp_path / "short.duckdb", lock_timeout=30)
    store.ensure()
    world.build(store, days=4, crisis_at="2026-01-08 12:00")
    report = alerts.check(store, _both(), now="2026-01-08T15:00")
    assert report["incidents"] == [] and report["volume_spikes"] == []
    assert report["notes"] == ["Lumio, negative mentions: not enough history: 3 days of the 7 needed",
                               "Lumio, mentions: not enough history: 3 days of the 7 needed",
                               "Brightly, mentions: not enough history: 3 days of the 7 needed"]


def _cli(db: Path, cfg: Path, *args: str) -> list[str]:
    code = CHILD_GUARD + "\nfrom viralscope.cli import main\nmain()\n"
    return [sys.executable, "-c", code, "--db", str(db), "--config", str(cfg), "alerts", "check", "--now", NOW, *args]


def _env(url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIRALSCOPE_")}
    return {**env, "VIRALSCOPE_WEBHOOK_URL": url}


@pytest.fixture
def cli_config(tmp_path) -> Path:
    cfg = tmp_path / "viralscope.toml"
    cfg.write_text('[brand]\nname = "Lumio"\n[[competitors]]\nname = "Brightly"\n'
                   '[alerts]\nwebhook_env = "VIRALSCOPE_WEBHOOK_URL"\nretry_backoff = 0\n')
    return cfg


def test_each_incident_once_across_processes(crisis_store, hook, cli_config):
    for _ in range(2):
        done = subprocess.run(_cli(crisis_store.path, cli_config, "--notify"), cwd=ROOT, env=_env(hook.url),
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    assert len(hook.bodies) == 2  # the crisis and the volume spike, each once


def test_a_check_killed_while_sending_never_sends_twice(crisis_store, cli_config, monkeypatch):
    held = threading.Event()
    hook = Hook(hold=held)
    monkeypatch.setenv("VIRALSCOPE_WEBHOOK_URL", hook.url)
    try:
        child = subprocess.Popen(_cli(crisis_store.path, cli_config, "--notify"), cwd=ROOT, env=_env(hook.url),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while not hook.bodies and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        assert len(hook.bodies) == 1, child.stderr.read() if child.poll() is not None else "no request"
        os.kill(child.pid, signal.SIGKILL)  # the webhook has the message; the sender never hears back
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
        held.set()
        hook.hold = None
        sent = crisis_store.query("SELECT payload FROM alerts_sent")
        assert [json.loads(p)["state"] for p in sent["payload"]] == ["sending"]
        # The restarted check does not know whether the first message arrived: it does not send it again, says
        # so once, and sends the other incident.
        again = alerts.check(crisis_store, _both(), now=NOW, notify=True)
        assert len(hook.bodies) == 2 and len(again["deliveries"]) == 1
        assert len(again["delivery_problems"]) == 1 and "may not have been delivered" in again["delivery_problems"][0]
        third = alerts.check(crisis_store, _both(), now="2026-02-10T08:00", notify=True)
        assert len(hook.bodies) == 2 and third["deliveries"] == [] and third["delivery_problems"] == []
        kinds = [b["text"].split(":")[0] for b in hook.bodies]
        assert sorted(kinds) == ["*[viralscope] critical crisis alert", "*[viralscope] critical volume spike"]
        states = sorted(json.loads(p)["state"] for p in crisis_store.query("SELECT payload FROM alerts_sent")["payload"])
        assert states == ["sent", "uncertain"]
    finally:
        held.set()
        hook.close()


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
                              smtp_port=server.server_address[1], retry_backoff=0, **NEGATIVE_ONLY)
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
    report = json.loads(res.output)
    assert res.exit_code == 0 and len(report["incidents"]) == 1 and len(report["volume_spikes"]) == 1
    assert hook.bodies == []
    res = CliRunner().invoke(main, [*args, "--notify"])
    assert res.exit_code == 0 and len(hook.bodies) == 2
    assert "SECRET" not in res.output


class Recorder:
    """A target that keeps the messages it is given."""

    def __init__(self, name: str = "webhook"):
        self.name, self.messages = name, []

    def secrets(self) -> list[str]:
        return []

    def send(self, subject: str, body: str) -> str:
        self.messages.append((subject, body))
        return "recorded"


DRIVER_FIELDS = ("cascades", "posts", "terms")


def _without_drivers(report: dict) -> dict:
    return {section: [{k: v for k, v in inc.items() if k not in DRIVER_FIELDS} for inc in report[section]]
            for section in ("incidents", "volume_spikes", "competitor_spikes")}


def test_reading_drivers_only_for_alerts_sent_changes_nothing_else(competitor_store, tmp_path):
    """The watch's check (drivers="sent": drivers read only for the alerts sent now, alerts already sent passed
    over without a write) finds, sends and reports what a full check does, cycle after cycle."""
    import shutil

    from viralscope.store import Store

    shutil.copy(competitor_store.path, tmp_path / "full.duckdb")
    full_store = Store(tmp_path / "full.duckdb", lock_timeout=30)
    full_hook, lean_hook = Recorder(), Recorder()
    late = Recorder("email")  # a second target that comes later: it still gets every incident, with its drivers
    for i, now in enumerate((NOW, "2026-02-10T07:00", "2026-02-10T09:30")):
        full_targets, lean_targets = [full_hook] + ([late] if i == 2 else []), [lean_hook] + ([late] if i == 2 else [])
        full = alerts.check(full_store, _both(), now=now, notify=True, target_list=full_targets)
        sent_to_late = len(late.messages)
        lean = alerts.check(competitor_store, _both(), now=now, notify=True, target_list=lean_targets, drivers="sent")
        assert _without_drivers(lean) == _without_drivers(full)
        assert lean["deliveries"] == full["deliveries"] and lean["delivery_problems"] == full["delivery_problems"]
        assert lean_hook.messages == full_hook.messages
        if i == 2:
            assert late.messages[sent_to_late:] == late.messages[:sent_to_late]
        delivered = {d["incident_key"].rsplit("|", 1)[-1] for d in lean["deliveries"] if d["ok"]}
        for section in ("incidents", "volume_spikes", "competitor_spikes"):
            for a, b in zip(lean[section], full[section], strict=True):
                if a["key"] in delivered:
                    assert {k: a[k] for k in DRIVER_FIELDS} == {k: b[k] for k in DRIVER_FIELDS}
    assert len(full_hook.messages) == 3 and "Driving posts: fan0" in full_hook.messages[2][1]
    assert len(late.messages) == 6
    assert full_store.query("SELECT count(*) AS n FROM alerts_sent")["n"][0] == 6
    assert competitor_store.query("SELECT count(*) AS n FROM alerts_sent")["n"][0] == 6
    with pytest.raises(ValueError, match="drivers must be"):
        alerts.check(competitor_store, _both(), now=NOW, drivers="some")


def test_a_claim_left_sending_is_marked_uncertain_by_either_check(crisis_store, tmp_path):
    """A claim left "sending" by a process that died is not passed over as sent: both checks mark it uncertain
    and say so, and neither sends it."""
    import shutil

    from viralscope.store import Store

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    first = alerts.check(crisis_store, _config(), now=NOW)["incidents"][0]
    facts = {"start": first["start"], "end": first["end"], "kind": "negative", "brand": "Lumio", "subject": "s",
             "state": "sending", "pid": dead.pid, "host": socket.gethostname()}
    with crisis_store.write() as con:
        con.execute("INSERT INTO alerts_sent VALUES (?, 'webhook', ?, ?)",
                    [f"Lumio|{first['key']}", pd.Timestamp("2026-01-01").to_pydatetime(), json.dumps(facts)])
    shutil.copy(crisis_store.path, tmp_path / "full.duckdb")
    full_store = Store(tmp_path / "full.duckdb", lock_timeout=30)
    full_hook, lean_hook = Recorder(), Recorder()
    full = alerts.check(full_store, _config(), now=NOW, notify=True, target_list=[full_hook])
    lean = alerts.check(crisis_store, _config(), now=NOW, notify=True, target_list=[lean_hook], drivers="sent")
    assert full_hook.messages == lean_hook.messages == []
    assert lean["delivery_problems"] == full["delivery_problems"] and "may not have been delivered" in \
        lean["delivery_problems"][0]
    for store in (full_store, crisis_store):
        assert json.loads(store.query("SELECT payload FROM alerts_sent")["payload"][0])["state"] == "uncertain"
