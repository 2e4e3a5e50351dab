"""``viralscope report``: formats, the week, e-mail through a local SMTP server, honest sections."""

from __future__ import annotations

import base64
import email
import socketserver
import threading
import zipfile

import pytest
from click.testing import CliRunner

from viralscope import reports
from viralscope.cli import main
from viralscope.core.errors import InputError


def _run(store, *args, env=None):
    return CliRunner().invoke(main, ["--db", str(store.path), *args], env=env)


@pytest.mark.parametrize("fmt, magic", [("html", b"<!DOCTYPE html>"), ("xlsx", b"PK"), ("csv", b"PK"),
                                        ("pdf", b"%PDF")])
def test_every_format_is_written(hostile_store, tmp_path, fmt, magic):
    if fmt == "pdf":
        pytest.importorskip("weasyprint", reason="PDF needs WeasyPrint")
    store, _config = hostile_store
    res = _run(store, "report", "--week", "2026-W06", "--format", fmt, "--out", str(tmp_path / "lumio-{week}.out"))
    assert res.exit_code == 0, res.output
    # The CSV report is a zip of one CSV per table, and is named so.
    out = tmp_path / ("lumio-2026-W06.zip" if fmt == "csv" else "lumio-2026-W06.out")
    assert out.read_bytes().startswith(magic) and "2026-W06" in res.output and str(out) in res.output
    if fmt == "csv":
        names = zipfile.ZipFile(out).namelist()
        assert names[:2] == ["2026-W06/summary.csv", "2026-W06/about.csv"] and "2026-W06/notable_mentions.csv" in names
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left


@pytest.mark.parametrize("week, why", [("2026-06", "is not an ISO week"), ("2025-W53", "has no week 53"),
                                       ("next", "is not an ISO week")])
def test_a_bad_week_is_one_line(hostile_store, tmp_path, week, why):
    store, _config = hostile_store
    res = _run(store, "report", "--week", week, "--out", str(tmp_path / "r.html"))
    assert res.exit_code == 1 and why in res.output and len(res.output.strip().splitlines()) == 1
    assert not (tmp_path / "r.html").exists()


def test_weeks():
    assert reports.iso_week("2026-W06")[0].isoformat() == "2026-02-02T00:00:00+00:00"
    assert reports.iso_week("2020-W53")[1].isoformat() == "2021-01-04T00:00:00+00:00"
    assert reports.week_label("2021-01-03") == "2020-W53"
    assert reports.last_complete_week("2026-02-11T10:00") == "2026-W06"
    with pytest.raises(InputError):
        reports.iso_week("2026-W00")


def test_sections_say_what_is_not_computed(unscored_store, tmp_path):
    store, config = unscored_store
    built = reports.build(store, config, "2026-W04")
    by = {s.key: s for s in built.sections}
    assert by["notable"].status == "n/a" and "not scored" in by["notable"].reason
    assert by["incidents"].status == "n/a" and "not scored" in by["incidents"].reason
    assert by["volume"].status == "ok" and any("not scored" in n for n in by["volume"].notes)
    assert built.tables["volume"]["positive"].isna().all()  # no zeros pretending to be counts
    assert by["business"].status == "ok" and by["themes"].status == "ok"
    html = reports.render_html(built)
    assert html.count("Not computed:") == sum(s.status != "ok" for s in built.sections)
    assert "run viralscope analyze" in html


def test_an_empty_store_still_renders(store, tmp_path):
    built = reports.build(store, None, "2026-W06")
    assert all(s.status == "n/a" for s in built.sections if s.key not in ("kpis", "volume"))
    for fmt in ("html", "xlsx", "csv"):
        reports.render(built, fmt, tmp_path / f"r.{fmt}")


class _SMTP(socketserver.StreamRequestHandler):
    """Enough SMTP with AUTH PLAIN for smtplib; records logins and messages."""

    def handle(self):
        self.wfile.write(b"220 localhost ESMTP test\r\n")
        data = None
        while line := self.rfile.readline():
            if data is not None:
                if line in (b".\r\n", b".\n"):
                    self.server.messages.append(b"".join(data))
                    data = None
                    self.wfile.write(b"250 OK queued\r\n")
                else:
                    data.append(line[1:] if line.startswith(b"..") else line)
                continue
            cmd = line.decode().strip()
            upper = cmd.upper()
            if upper.startswith("EHLO"):
                self.wfile.write(b"250-localhost\r\n250 AUTH PLAIN\r\n")
            elif upper.startswith("AUTH PLAIN"):
                self.server.logins.append(base64.b64decode(cmd.split()[2]).split(b"\0")[1:])
                ok = self.server.logins[-1][1] == b"s3cret-pass"
                self.wfile.write(b"235 OK\r\n" if ok else b"535 authentication failed\r\n")
            elif upper.startswith("DATA"):
                data = []
                self.wfile.write(b"354 go on\r\n")
            elif upper.startswith("QUIT"):
                self.wfile.write(b"221 Bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")


@pytest.fixture
def smtp():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTP)
    server.messages, server.logins = [], []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _config(tmp_path, port, **report):
    lines = ['[brand]\nname = "Lumio"\naccounts = ["lumio_care"]\n[alerts]\nsmtp_host = "127.0.0.1"',
             f"smtp_port = {port}\nretry_backoff = 0\n[report]"]
    lines += [f"{k} = {v!r}".replace("'", '"') for k, v in report.items()]
    path = tmp_path / "viralscope.toml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_email_delivers_the_report_with_the_password_from_the_environment(hostile_store, smtp, tmp_path):
    store, _config_obj = hostile_store
    cfg = _config(tmp_path, smtp.server_address[1], email_to=["marketing@example.com"], email_from="r@example.com",
                  smtp_user="reports")
    env = {"VIRALSCOPE_SMTP_PASSWORD": "s3cret-pass"}
    res = CliRunner().invoke(main, ["--db", str(store.path), "--config", cfg, "report", "--week", "2026-W06",
                                    "--format", "xlsx", "--out", str(tmp_path / "w.xlsx"), "--email"], env=env)
    assert res.exit_code == 0, res.output
    assert "sent to 1 recipient" in res.output and "s3cret" not in res.output
    assert smtp.logins == [[b"reports", b"s3cret-pass"]]
    msg = email.message_from_bytes(smtp.messages[0])
    assert msg["Subject"] == "[viralscope] Weekly report 2026-W06: Lumio" and msg["To"] == "marketing@example.com"
    parts = list(msg.walk())
    body = next(p for p in parts if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert "Mention lift:" in body and "<script>" not in body  # KPIs only, no mention text
    attachment = next(p for p in parts if p.get_filename() == "w.xlsx")
    assert attachment.get_payload(decode=True) == (tmp_path / "w.xlsx").read_bytes()


def test_a_refused_login_fails_without_showing_the_password(hostile_store, smtp, tmp_path):
    store, _c = hostile_store
    cfg = _config(tmp_path, smtp.server_address[1], email_to="a@example.com", smtp_user="reports")
    env = {"VIRALSCOPE_SMTP_PASSWORD": "wrong-password"}
    res = CliRunner().invoke(main, ["--db", str(store.path), "--config", cfg, "report", "--week", "2026-W06",
                                    "--out", str(tmp_path / "w.html"), "--email"], env=env)
    assert res.exit_code == 1 and "not e-mailed: the mail server answered 535" in res.output
    assert "wrong-password" not in res.output and (tmp_path / "w.html").exists()


def test_email_without_a_recipient_stops_before_any_work(hostile_store, tmp_path):
    store, _c = hostile_store
    cfg = _config(tmp_path, 25)
    res = CliRunner().invoke(main, ["--db", str(store.path), "--config", cfg, "report", "--week", "2026-W06",
                                    "--out", str(tmp_path / "w.html"), "--email"])
    assert res.exit_code == 1 and "no recipient" in res.output and not (tmp_path / "w.html").exists()


def test_the_smtp_password_is_never_read_from_the_configuration(tmp_path):
    from viralscope.config import parse_config
    from viralscope.reports.mail import mail_settings

    config = parse_config({"report": {"email_to": ["a@example.com"], "smtp_password": "in-the-file"}}, "t.toml")
    assert mail_settings(config).password is None
    assert "in-the-file" not in repr(mail_settings(config))
