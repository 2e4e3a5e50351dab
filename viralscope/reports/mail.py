"""Delivering a written report by e-mail (``viralscope report --email``).

Settings, first match wins: the environment (``VIRALSCOPE_REPORT_TO``, ``VIRALSCOPE_SMTP_HOST``,
``VIRALSCOPE_SMTP_PORT``, ``VIRALSCOPE_SMTP_USER``), then the configuration's ``[report]`` table, then its
``[alerts]`` table (so one SMTP set-up serves both), then defaults (localhost:25, no TLS)::

    [report]
    email_to = ["marketing@example.com"]
    email_from = "reports@example.com"
    smtp_host = "smtp.example.com"
    smtp_port = 587
    smtp_tls = "starttls"                      # none | starttls | ssl
    smtp_user_env = "VIRALSCOPE_SMTP_USER"      # or smtp_user = "reports"
    smtp_password_env = "VIRALSCOPE_SMTP_PASSWORD"

The password is read from the environment only (the variable ``smtp_password_env`` names, default
``VIRALSCOPE_SMTP_PASSWORD``) and never appears in a message, a log line or an error. The sender, shared
with the alerts, is ``viralscope.mail``.
"""

from __future__ import annotations

import mimetypes
import os
from email.message import EmailMessage
from pathlib import Path

import pandas as pd

from viralscope import mail
from viralscope.config import AlertsSection, ReportSection
from viralscope.core.errors import ConfigError, ViralscopeError
from viralscope.mail import MailSettings
from viralscope.reports.build import WeeklyReport
from viralscope.reports.html import kpi_view

__all__ = ["MailSettings", "mail_settings", "message", "send"]

_TYPES = {".html": "text/html", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          ".zip": "application/zip", ".pdf": "application/pdf", ".csv": "application/zip"}


def mail_settings(config) -> MailSettings:
    """The SMTP settings in force (see the module docstring for the order)."""
    tables = (config.report, config.alerts) if config is not None else (ReportSection(), AlertsSection())
    settings = mail.mail_settings(*tables, environment=True, backoff=1.0, timeout=20.0)
    if not settings.to:
        raise ConfigError("--email: no recipient: set [report] email_to in the configuration or VIRALSCOPE_REPORT_TO")
    return settings


def message(report: WeeklyReport, path: Path, settings: MailSettings) -> EmailMessage:
    """The e-mail: a plain-text summary of the KPIs (no mention text) and the report attached."""
    who = report.brand or "all mentions"
    msg = EmailMessage()
    msg["Subject"] = f"[viralscope] Weekly report {report.week}: {who}"
    msg["From"], msg["To"] = settings.sender, ", ".join(settings.to)
    last_day = report.window[1] - pd.Timedelta(days=1)
    lines = [f"Weekly report {report.week} ({report.window[0]:%Y-%m-%d} to {last_day:%Y-%m-%d}, UTC) for "
             f"{report.scope}, against the week before.", ""]
    lines += [f"{i}. {s}" for i, s in enumerate(report.tables["summary"]["sentence"], start=1)]
    lines.append("")
    for k in kpi_view(report.kpis["kpis"], report.lang).values():
        why = "" if k["status"] == "ok" else f" ({k['reason']})"
        lines.append(f"- {k['label']}: {k['shown']}{why}")
    lines += ["", f"The full report is attached ({path.name}).", f"Authors: {report.authors}."]
    msg.set_content("\n".join(lines))
    ctype = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    main, sub = ctype.split("/", 1)
    msg.add_attachment(path.read_bytes(), maintype=main, subtype=sub, filename=path.name)
    return msg


def send(report: WeeklyReport, path: str | os.PathLike, settings: MailSettings) -> str:
    """Send ``path`` (the written report) to the recipients; retries transient failures (4xx, network)."""
    try:
        return mail.send(message(report, Path(path), settings), settings)
    except mail.MailFailed as exc:
        raise ViralscopeError(f"report written but not e-mailed: {exc}") from None
