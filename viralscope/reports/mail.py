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
``VIRALSCOPE_SMTP_PASSWORD``) and never appears in a message, a log line or an error.
"""

from __future__ import annotations

import mimetypes
import os
import smtplib
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pandas as pd

from viralscope.core.errors import ConfigError, ViralscopeError
from viralscope.core.settings import VARIABLES, secret, value
from viralscope.reports.build import WeeklyReport

__all__ = ["MailSettings", "mail_settings", "message", "send"]

SMTP_TIMEOUT = 20.0
TLS_MODES = ("none", "starttls", "ssl")
_TYPES = {".html": "text/html", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          ".zip": "application/zip", ".pdf": "application/pdf", ".csv": "application/zip"}


@dataclass(frozen=True)
class MailSettings:
    to: tuple[str, ...]
    sender: str
    host: str
    port: int
    tls: str = "none"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    retries: int = 2
    backoff: float = 1.0


def mail_settings(config) -> MailSettings:
    """The SMTP settings in force (see the module docstring for the order)."""
    raw = dict(config.raw) if config is not None else {}
    tables = [dict(raw.get("report", {}) or {}), dict(raw.get("alerts", {}) or {})]

    def pick(key, env=None, default=None):
        found = (secret(env) if VARIABLES[env].secret else value(env)) if env else None
        if found:
            return found
        for t in tables:
            if t.get(key) not in (None, "", []):
                return t[key]
        return default

    to = pick("email_to", "VIRALSCOPE_REPORT_TO")
    if isinstance(to, str):
        to = [a.strip() for a in to.split(",") if a.strip()]
    if not to:
        raise ConfigError("--email: no recipient: set [report] email_to in the configuration or VIRALSCOPE_REPORT_TO")
    tls = str(pick("smtp_tls", "VIRALSCOPE_SMTP_TLS", "none")).lower()
    if tls not in TLS_MODES:
        raise ConfigError(f"[report] smtp_tls: {tls!r} is not one of {', '.join(TLS_MODES)}")
    try:
        port = int(pick("smtp_port", "VIRALSCOPE_SMTP_PORT", 465 if tls == "ssl" else 25))
    except (TypeError, ValueError):
        raise ConfigError("[report] smtp_port: must be a whole number") from None
    user_env = pick("smtp_user_env")
    user = (secret(str(user_env)) if user_env else None) or pick("smtp_user", "VIRALSCOPE_SMTP_USER")
    password = secret(str(pick("smtp_password_env", default="VIRALSCOPE_SMTP_PASSWORD")))
    return MailSettings(
        to=tuple(str(a) for a in to), sender=str(pick("email_from", "VIRALSCOPE_REPORT_FROM", "viralscope@localhost")),
        host=str(pick("smtp_host", "VIRALSCOPE_SMTP_HOST", "localhost")), port=port, tls=tls,
        user=str(user) if user else None, password=password,
        retries=int(pick("retries", default=2)), backoff=float(pick("retry_backoff", default=1.0)),
    )


def message(report: WeeklyReport, path: Path, settings: MailSettings) -> EmailMessage:
    """The e-mail: a plain-text summary of the KPIs (no mention text) and the report attached."""
    who = report.brand or "all mentions"
    msg = EmailMessage()
    msg["Subject"] = f"[viralscope] Weekly report {report.week}: {who}"
    msg["From"], msg["To"] = settings.sender, ", ".join(settings.to)
    last_day = report.window[1] - pd.Timedelta(days=1)
    lines = [f"Weekly report {report.week} ({report.window[0]:%Y-%m-%d} to {last_day:%Y-%m-%d}, UTC) for "
             f"{report.scope}, against the week before.", ""]
    for k in report.kpis["kpis"].values():
        lines.append(f"- {k['label']}: {k['display'] if k['status'] == 'ok' else 'n/a (' + str(k['reason']) + ')'}")
    lines += ["", f"The full report is attached ({path.name}).", f"Authors: {report.authors}."]
    msg.set_content("\n".join(lines))
    ctype = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    main, sub = ctype.split("/", 1)
    msg.add_attachment(path.read_bytes(), maintype=main, subtype=sub, filename=path.name)
    return msg


def send(report: WeeklyReport, path: str | os.PathLike, settings: MailSettings) -> str:
    """Send ``path`` (the written report) to the recipients; retries transient failures (4xx, network)."""
    msg = message(report, Path(path), settings)
    for attempt in range(settings.retries + 1):
        try:
            cls = smtplib.SMTP_SSL if settings.tls == "ssl" else smtplib.SMTP
            with cls(settings.host, settings.port, timeout=SMTP_TIMEOUT) as smtp:
                if settings.tls == "starttls":
                    smtp.starttls()
                if settings.user and settings.password:
                    smtp.login(settings.user, settings.password)
                smtp.send_message(msg)
            return f"sent to {len(settings.to)} recipient(s)"
        except smtplib.SMTPResponseException as exc:
            transient, why = 400 <= exc.smtp_code < 500, f"the mail server answered {exc.smtp_code}"
        except (OSError, smtplib.SMTPException) as exc:
            # The exception's text may echo the login; only its kind is reported.
            transient, why = True, f"the mail server at {settings.host}:{settings.port} is unreachable ({type(exc).__name__})"
        if not transient or attempt == settings.retries:
            raise ViralscopeError(f"report written but not e-mailed: {why}")
        time.sleep(settings.backoff * 2**attempt)
    raise ViralscopeError("report written but not e-mailed")
