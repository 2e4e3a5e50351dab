"""[alerts], [report], [metrics] and [privacy] are typed: checked once, with one-line errors naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from viralscope import alerts, mail
from viralscope.cli import main
from viralscope.config import (
    AlertsSection,
    MetricsSection,
    PrivacySection,
    ReportSection,
    parse_config,
    read_config_file,
)
from viralscope.core.errors import ConfigError
from viralscope.reports.mail import mail_settings

ROOT = Path(__file__).resolve().parents[1]


def test_the_example_configuration_reads_into_typed_sections():
    config = read_config_file(ROOT / "viralscope.example.toml")
    assert config.metrics == MetricsSection(cpm=5.0, currency="USD", reach_rate=1.0, response_final_hours=48.0)
    assert config.alerts.email_to == ("pr@example.com",) and config.alerts.smtp_port == 587
    assert config.alerts.smtp_tls == "starttls" and config.alerts.lookback_hours == 24.0
    assert config.report == ReportSection(email_to=("marketing@example.com",))
    assert config.privacy == PrivacySection("VIRALSCOPE_PSEUDONYM_KEY")


def test_defaults_without_the_sections():
    config = parse_config({}, "t.toml")
    assert config.metrics == MetricsSection() and config.metrics.cpm == 5.0
    assert config.metrics.response_final_hours == 48.0 and config.metrics.currency == "USD"
    assert config.alerts == AlertsSection() and config.alerts.lookback_hours == 24.0
    assert config.privacy.pseudonym_key_env == "VIRALSCOPE_PSEUDONYM_KEY"


@pytest.mark.parametrize("section, body, expected", [
    ("metrics", "cpm = 5.0\ncmp = 6.0", "t.toml: metrics: unknown key 'cmp'"),
    ("report", "email_to = ['a@example.com']\nsmtp_hots = 'x'", "t.toml: report: unknown key 'smtp_hots'"),
    ("alerts", "lookback = 12", "t.toml: alerts: unknown key 'lookback'"),
    ("privacy", "key_env = 'K'", "t.toml: privacy: unknown key 'key_env'"),
    ("metrics", "cpm = 'five'", "t.toml: metrics.cpm: 'five' is not a number ≥ 0"),
    ("metrics", "currency = 1", "t.toml: metrics.currency: 1 is not a string"),
    ("report", "smtp_port = '587'", "t.toml: report.smtp_port: '587' is not a whole number ≥ 0"),
    ("alerts", "smtp_tls = 'tls'", "t.toml: alerts.smtp_tls: 'tls' is not one of none, starttls, ssl"),
    ("alerts", "retries = true", "t.toml: alerts.retries: True is not a whole number ≥ 0"),
    ("privacy", "pseudonym_key_env = ['K']", "t.toml: privacy.pseudonym_key_env: ['K'] is not a string"),
])
def test_a_bad_key_is_one_line_naming_file_and_key(tmp_path, section, body, expected):
    path = tmp_path / "t.toml"
    path.write_text(f"[{section}]\n{body}\n")
    with pytest.raises(ConfigError) as err:
        read_config_file(path)
    message = str(err.value).replace(str(tmp_path) + "/", "")
    assert message.startswith(expected) and "\n" not in message


def test_the_cli_stops_on_a_bad_section_before_any_work(tmp_path):
    path = tmp_path / "viralscope.toml"
    path.write_text("[metrics]\nreach_rat = 0.5\n")
    db = tmp_path / "s.duckdb"
    res = CliRunner().invoke(main, ["--db", str(db), "--config", str(path), "metrics", "--window", "2026-01-01..2026-01-08"])
    assert not db.exists()
    assert res.exit_code == 1 and "viralscope.toml: metrics: unknown key 'reach_rat'" in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_a_password_in_the_file_is_ignored_and_never_kept():
    config = parse_config({"alerts": {"email_to": "a@example.com", "smtp_password": "in-the-file"}}, "t.toml")
    assert "in-the-file" not in repr(config.alerts)
    (target,), _ = alerts.targets(config)
    assert target.settings.password is None and "in-the-file" not in repr(target.settings)


def test_alerts_and_reports_share_one_smtp_reading(monkeypatch):
    monkeypatch.setenv("SMTP_LOGIN", "ops")
    monkeypatch.setenv("VIRALSCOPE_SMTP_PASSWORD", "pw")
    config = parse_config({"alerts": {"email_to": ["pr@example.com"], "smtp_host": "mx", "smtp_tls": "ssl",
                                      "smtp_user_env": "SMTP_LOGIN"},
                           "report": {"email_to": ["m@example.com"]}}, "t.toml")
    (target,), _ = alerts.targets(config)
    report = mail_settings(config)
    assert isinstance(target.settings, mail.MailSettings) and isinstance(report, mail.MailSettings)
    # Both take the login from the variable smtp_user_env names and the password from the default variable;
    # an SSL server without a port is on 465 for both.
    for s in (target.settings, report):
        assert (s.host, s.port, s.tls, s.user, s.password) == ("mx", 465, "ssl", "ops", "pw")
    assert target.settings.to == ("pr@example.com",) and report.to == ("m@example.com",)
    assert "pw" not in repr(report) and target.secrets() == ["pw", "ops"]
