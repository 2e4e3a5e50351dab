"""Crisis alerts: detect incidents in recent mentions and deliver each one once to a webhook and/or e-mail.

Targets come from the ``[alerts]`` table of the configuration, which names environment variables, never
secrets::

    [alerts]
    webhook_env = "VIRALSCOPE_WEBHOOK_URL"   # a Slack-compatible incoming webhook: POST {"text": ...}
    email_to = ["pr@example.com"]
    email_from = "alerts@example.com"
    smtp_host = "smtp.example.com"
    smtp_port = 587
    smtp_tls = "starttls"                    # none | starttls | ssl
    smtp_user_env = "VIRALSCOPE_SMTP_USER"
    smtp_password_env = "VIRALSCOPE_SMTP_PASSWORD"
    lookback_hours = 24                      # incidents older than this are history, not news

What was sent is remembered in the store's ``alerts_sent`` table (incident, target, time, the message's
facts), so a later check does not send it again, even when the incident has grown or its first hour moved.
A target that is down never stops the check: the failure is reported (without the URL or any credential)
and the incident is sent on a later check.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import re
import smtplib
import time
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlsplit

import pandas as pd
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

import metrics
from metrics._common import utc
from viralscope import kpis
from viralscope.settings import secret

log = logging.getLogger(__name__)

RETRY_STATUSES = (500, 502, 503, 504)
HTTP_TIMEOUT = (3.05, 10.0)  # connect, read (seconds)
SMTP_TIMEOUT = 10.0
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class Delivery:
    """How one target fared with one incident."""

    incident_key: str
    target: str
    ok: bool
    detail: str = ""


# -- secrets stay out of logs -------------------------------------------------------------------------


class _Redact(logging.Filter):
    """Rewrites log records of the HTTP libraries so that no secret (URL, path, credential) is printed."""

    def __init__(self, secrets: list[str]):
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for s in self.secrets:
            message = message.replace(s, "[redacted]")
        record.msg, record.args = message, ()
        return True


@contextlib.contextmanager
def _redacted(secrets: list[str]):
    """urllib3 logs the request path when it retries; a webhook's path is its secret."""
    names = ["urllib3.connectionpool", "urllib3.util.retry", "urllib3", "requests", "smtplib"]
    flt = _Redact(secrets)
    loggers = [logging.getLogger(n) for n in names]
    for lg in loggers:
        lg.addFilter(flt)
    try:
        yield
    finally:
        for lg in loggers:
            lg.removeFilter(flt)


def _url_secrets(url: str) -> list[str]:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return [url, path, parts.query, parts.password or "", parts.username or ""]


# -- messages -----------------------------------------------------------------------------------------


def _clean(text, limit: int = 60) -> str:
    """Mention-derived text for a message: one line, bounded, no control characters."""
    text = _CONTROL.sub(" ", str(text)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _slack_escape(text: str) -> str:
    """Slack's own escaping: mention text can never become a link, a <!channel> ping or markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def message(incident: dict, brand: str | None) -> tuple[str, str]:
    """Subject and plain-text body of an incident's alert."""
    who = brand or "all mentions"
    start = pd.Timestamp(incident["start"]).strftime("%Y-%m-%d %H:%M UTC")
    peak = pd.Timestamp(incident["peak"]).strftime("%H:%M UTC")
    subject = _clean(f"[viralscope] {incident['severity']} crisis alert: {who} since {start}", 150)
    ratio = incident.get("ratio")
    lines = [
        f"Negative mentions of {who} are {ratio:.1f}× the seasonal expectation since {start} (peak {peak}): "
        f"{incident['negatives']:.0f} against {incident['expected']:.0f} expected."
        if ratio else f"Negative mentions of {who} jumped since {start}.",
    ]
    if incident.get("negative_share") is not None and incident.get("expected_share") is not None:
        lines.append(f"Negative share {incident['negative_share']:.0%} (usually {incident['expected_share']:.0%}).")
    lines.append(f"Severity: {incident['severity']}; {'still ongoing' if incident.get('ongoing') else 'ended'} "
                 f"({pd.Timestamp(incident['end']).strftime('%Y-%m-%d %H:%M UTC')}).")
    cascades = incident.get("cascades") or []
    if cascades:
        lines.append("Driving cascades: " + ", ".join(
            f"{_clean(c['cascade_id'], 40)} ({c['negatives']} negative, {c['share']:.0%})" for c in cascades[:3]))
    terms = incident.get("terms") or []
    if terms:
        lines.append("Emerging terms: " + ", ".join(_clean(t["term"], 40) for t in terms[:8]))
    return subject, "\n".join(lines)


# -- targets ------------------------------------------------------------------------------------------


class WebhookTarget:
    """A Slack-compatible incoming webhook; retries 5xx and connection failures with urllib3's Retry."""

    name = "webhook"

    def __init__(self, url: str, *, retries: int = 3, backoff: float = 0.5, session: requests.Session | None = None):
        self.url = url
        self.session = session or requests.Session()
        retry = Retry(
            total=retries, connect=retries, read=retries, status=retries, other=0,
            backoff_factor=backoff, status_forcelist=RETRY_STATUSES, allowed_methods=frozenset({"POST"}),
            raise_on_status=False, respect_retry_after_header=True,
        )
        self.session.mount("http://", HTTPAdapter(max_retries=retry))
        self.session.mount("https://", HTTPAdapter(max_retries=retry))

    def secrets(self) -> list[str]:
        return _url_secrets(self.url)

    def send(self, subject: str, body: str) -> str:
        payload = {"text": _slack_escape(f"*{subject}*\n{body}")}
        try:
            response = self.session.post(self.url, json=payload, timeout=HTTP_TIMEOUT)
        except requests.RequestException as exc:
            # The exception's text carries the URL; only its kind is reported.
            raise DeliveryFailed(f"webhook unreachable ({type(exc).__name__})") from None
        if response.status_code >= 400:
            raise DeliveryFailed(f"webhook answered HTTP {response.status_code}")
        return f"HTTP {response.status_code}"


class EmailTarget:
    """Plain-text e-mail over SMTP (STARTTLS or SSL optional, login from environment variables)."""

    name = "email"

    def __init__(self, to: list[str], *, sender: str, host: str, port: int, tls: str = "none",
                 user: str | None = None, password: str | None = None, retries: int = 2, backoff: float = 0.5):
        self.to, self.sender, self.host, self.port, self.tls = to, sender, host, port, tls
        self.user, self.password, self.retries, self.backoff = user, password, retries, backoff

    def secrets(self) -> list[str]:
        return [self.password or "", self.user or ""]

    def send(self, subject: str, body: str) -> str:
        msg = EmailMessage()
        msg["Subject"], msg["From"], msg["To"] = subject, self.sender, ", ".join(self.to)
        msg.set_content(body)
        for attempt in range(self.retries + 1):
            try:
                cls = smtplib.SMTP_SSL if self.tls == "ssl" else smtplib.SMTP
                with cls(self.host, self.port, timeout=SMTP_TIMEOUT) as smtp:
                    if self.tls == "starttls":
                        smtp.starttls()
                    if self.user and self.password:
                        smtp.login(self.user, self.password)
                    smtp.send_message(msg)
                return f"sent to {len(self.to)} recipient(s)"
            except smtplib.SMTPResponseException as exc:
                transient = 400 <= exc.smtp_code < 500
                why = f"mail server answered {exc.smtp_code}"
            except (OSError, smtplib.SMTPException) as exc:
                transient, why = True, f"mail server unreachable ({type(exc).__name__})"
            if not transient or attempt == self.retries:
                raise DeliveryFailed(why)
            time.sleep(self.backoff * 2**attempt)
        raise DeliveryFailed("mail not sent")


class DeliveryFailed(Exception):
    """A target did not take the alert; the message names no secret."""


def targets(config) -> tuple[list, list[str]]:
    """The configured targets whose secrets are present, and one problem line per target that is not usable."""
    cfg = dict(config.alerts) if config is not None else {}
    out, problems = [], []
    backoff = float(cfg.get("retry_backoff", 0.5))
    if cfg.get("webhook_env"):
        url = secret(str(cfg["webhook_env"]))
        if url:
            out.append(WebhookTarget(url, retries=int(cfg.get("retries", 3)), backoff=backoff))
        else:
            problems.append(f"webhook: environment variable {cfg['webhook_env']} is not set")
    if cfg.get("email_to"):
        to = cfg["email_to"] if isinstance(cfg["email_to"], list) else [cfg["email_to"]]
        user = secret(str(cfg["smtp_user_env"])) if cfg.get("smtp_user_env") else None
        password = secret(str(cfg["smtp_password_env"])) if cfg.get("smtp_password_env") else None
        out.append(EmailTarget(
            [str(a) for a in to], sender=str(cfg.get("email_from", "viralscope@localhost")),
            host=str(cfg.get("smtp_host", "localhost")), port=int(cfg.get("smtp_port", 25)),
            tls=str(cfg.get("smtp_tls", "none")), user=user, password=password,
            retries=int(cfg.get("retries", 2)), backoff=backoff,
        ))
    if not out and not problems:
        problems.append("no alert target is configured ([alerts] webhook_env or email_to)")
    return out, problems


# -- memory of what was sent --------------------------------------------------------------------------


def _already_sent(store, target: str, brand: str | None, start: pd.Timestamp, end: pd.Timestamp) -> bool:
    """True when this target already has an alert for an incident of the same brand that overlaps."""
    rows = store.query("SELECT payload FROM alerts_sent WHERE target = ?", [target])
    for payload in rows["payload"]:
        try:
            p = json.loads(payload)
            if p.get("brand") == brand and utc(p["start"]) <= end and start <= utc(p["end"]):
                return True
        except (ValueError, KeyError, TypeError):
            continue
    return False


def _remember(store, key: str, target: str, facts: dict) -> None:
    with store.write() as con:
        con.execute(
            "INSERT INTO alerts_sent VALUES (?, ?, ?, ?)",
            [key, target, dt.datetime.now(dt.UTC).replace(tzinfo=None), json.dumps(facts, default=str)],
        )


def deliver(store, config, incidents: list[dict], brand: str | None, *, target_list=None) -> tuple[list, list]:
    """Send each incident once to each usable target; returns (deliveries, problems). Never raises for a
    target's failure."""
    found, problems = targets(config) if target_list is None else (target_list, [])
    deliveries = []
    for target in found:
        with _redacted(target.secrets()):
            for inc in incidents:
                start, end = utc(inc["start"]), utc(inc["end"])
                key = f"{brand or '*'}|{inc['key']}"
                if _already_sent(store, target.name, brand, start, end):
                    continue
                subject, body = message(inc, brand)
                try:
                    detail = target.send(subject, body)
                except DeliveryFailed as exc:
                    log.warning("alert %s not delivered to %s: %s", key, target.name, exc)
                    problems.append(f"{target.name}: {exc}; incident {inc['key']} will be sent on a later check")
                    deliveries.append(Delivery(key, target.name, False, str(exc)))
                    continue
                facts = {k: inc.get(k) for k in ("start", "end", "peak", "severity", "negatives", "expected")}
                _remember(store, key, target.name, {**facts, "brand": brand, "subject": subject})
                deliveries.append(Delivery(key, target.name, True, detail))
    return deliveries, problems


# -- the check ----------------------------------------------------------------------------------------


def check(store, config, *, now=None, brand: str | None = None, notify: bool = False, target_list=None) -> dict:
    """Detect incidents in the mentions up to ``now`` and, with ``notify``, deliver the recent ones.

    Returns a JSON-able report: ``now``, ``brand``, ``incidents`` (recent ones, with drivers), ``history``
    (older incidents still in the detection window, count), ``deliveries`` and ``delivery_problems``.
    """
    store.ensure()
    now = utc(now) if now is not None else pd.Timestamp.now(tz="UTC")
    cond, params, brand_name, described = kpis.scope(store, config, brand)
    lookback = pd.Timedelta(hours=float(dict(config.alerts if config else {}).get("lookback_hours", 24)))
    hourly = kpis.hourly_for_crises(store, cond, params, since=now - pd.Timedelta(days=kpis.CRISIS_HISTORY_DAYS),
                                    until=now)
    incidents = metrics.detect_crises(hourly, now=now, drivers=False) if not hourly.empty else \
        metrics.detect_crises(hourly.iloc[:0], drivers=False)
    recent = incidents[incidents["end"] >= now - lookback] if len(incidents) else incidents
    found = []
    for _, row in recent.iterrows():
        inc = row.to_dict()
        inc.update(_drivers(store, cond, params, row["start"], row["end"]))
        found.append(inc)
    deliveries, problems = [], []
    if notify and found:
        deliveries, problems = deliver(store, config, found, brand_name, target_list=target_list)
    elif notify:
        _, problems = targets(config) if target_list is None else ([], [])
    notes = []
    if not hourly.empty and not (hourly["sentiment_label"] != "unscored").any():
        notes.append(kpis.NOT_SCORED)
    return kpis.jsonable({
        "now": now, "brand": brand_name, "scope": described, "notes": notes, "incidents": found,
        "history": int(len(incidents) - len(recent)),
        "deliveries": [d.__dict__ for d in deliveries], "delivery_problems": problems,
    })


def _drivers(store, cond, params, start, end) -> dict:
    """Cascades and terms of one incident, from its negative mentions and the week before (SQL-filtered)."""
    rows = store.query(
        f"""SELECT created_at, sentiment_label, source || ':' || cascade_id AS cascade_id, text FROM mentions
            WHERE sentiment_label = 'negative' AND created_at >= ? AND created_at < ? AND {cond}""",  # noqa: S608
        [kpis._naive(start - pd.Timedelta(days=7)), kpis._naive(end), *params],
    )
    if rows.empty:
        return {"cascades": [], "terms": []}
    return metrics.incident_drivers(rows, start, end)
