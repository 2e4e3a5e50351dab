"""Alerts: detect incidents in recent mentions and deliver each one once to a webhook and/or e-mail.

Two kinds of incident are watched: negative-mention crises of the brand (``metrics.detect_crises``) and
mention-volume spikes (``metrics.detect_spikes``) of the brand and, reported apart, of each competitor —
which ones and with which settings is ``[alerts.negative]`` / ``[alerts.volume]`` (``viralscope.config``).
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
The trap is a process killed while sending: the message may have reached the target or not, and sending it
again could post it twice. So an alert is first *claimed* (a row in state "sending", written in the same
transaction that checks no overlapping alert exists), then sent, then marked "sent". A claim that a
failure released is deleted, so the incident goes out on a later check; a claim left "sending" by a process
that died is never sent again — a later check marks it "uncertain" and says so once. A target that is down
never stops the check: the failure is reported (without the URL or any credential).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import socket
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlsplit

import pandas as pd
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from viralscope import crisis, kpis, mail
from viralscope.config import AlertsSection, Detection, configured_brand
from viralscope.core.settings import secret
from viralscope.core.times import utc
from viralscope.store import query
from viralscope.store.ledger import ledger
from viralscope.store.query import Scope

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


def _when(value) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M UTC")


def message(incident: dict, brand: str | None) -> tuple[str, str]:
    """Subject and plain-text body of an incident's alert (a negative crisis or a volume spike)."""
    volume = incident.get("kind") == "volume"
    who = incident.get("brand") or brand or "all mentions"
    if incident.get("competitor"):
        who = f"{who} (competitor)"
    start, peak = _when(incident["start"]), pd.Timestamp(incident["peak"]).strftime("%H:%M UTC")
    what = "volume spike" if volume else "crisis alert"
    subject = _clean(f"[viralscope] {incident['severity']} {what}: {who} since {start}", 150)
    noun = "Mentions" if volume else "Negative mentions"
    observed = incident["observed"] if volume else incident["negatives"]
    ratio = incident.get("ratio")
    if ratio is not None:
        lines = [f"{noun} of {who} are {ratio:.1f}× the seasonal expectation since {start} (peak {peak}): "
                 f"{observed:.0f} against {incident['expected']:.0f} expected."]
    else:
        lines = [f"{noun} of {who} jumped since {start} (peak {peak}): {observed:.0f} where fewer than one was "
                 "expected (a new burst, no baseline)."]
    if volume and incident.get("negative_share") is not None:
        lines.append(f"{incident['negative_share']:.0%} of them negative.")
    if not volume and incident.get("negative_share") is not None and incident.get("expected_share") is not None:
        lines.append(f"Negative share {incident['negative_share']:.0%} (usually {incident['expected_share']:.0%}).")
    lines.append(f"Severity: {incident['severity']}; {'still ongoing' if incident.get('ongoing') else 'ended'} "
                 f"({_when(incident['end'])}).")
    posts = incident.get("posts") or []
    counts = {c["cascade_id"]: c.get("negatives", c.get("mentions")) for c in incident.get("cascades") or []}
    if posts:
        lines.append("Driving posts: " + "; ".join(
            f"{_clean(p.get('author') or 'unknown', 30)}: \"{_clean(p.get('text') or '', 80)}\" "
            f"({counts.get(p['cascade_id'], 0)} {'mentions' if volume else 'negative'})" for p in posts[:3]))
    elif counts:
        lines.append("Driving cascades: " + ", ".join(
            f"{_clean(c, 40)} ({k} {'mentions' if volume else 'negative'})" for c, k in list(counts.items())[:3]))
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
    """Plain-text e-mail over SMTP (STARTTLS or SSL optional, login from environment variables): ``viralscope.mail``."""

    name = "email"

    def __init__(self, settings: mail.MailSettings):
        self.settings = settings

    def secrets(self) -> list[str]:
        return self.settings.secrets()

    def send(self, subject: str, body: str) -> str:
        msg = EmailMessage()
        msg["Subject"], msg["From"], msg["To"] = subject, self.settings.sender, ", ".join(self.settings.to)
        msg.set_content(body)
        try:
            return mail.send(msg, self.settings)
        except mail.MailFailed as exc:
            raise DeliveryFailed(str(exc)) from None


class DeliveryFailed(Exception):
    """A target did not take the alert; the message names no secret."""


def targets(config) -> tuple[list, list[str]]:
    """The configured targets whose secrets are present, and one problem line per target that is not usable."""
    cfg = config.alerts if config is not None else AlertsSection()
    out, problems = [], []
    if cfg.webhook_env:
        url = secret(cfg.webhook_env)
        if url:
            backoff = cfg.retry_backoff if cfg.retry_backoff is not None else 0.5
            out.append(WebhookTarget(url, retries=cfg.retries if cfg.retries is not None else 3, backoff=backoff))
        else:
            problems.append(f"webhook: environment variable {cfg.webhook_env} is not set")
    if cfg.email_to:
        out.append(EmailTarget(mail.mail_settings(cfg, backoff=0.5, timeout=SMTP_TIMEOUT, where="[alerts]")))
    if not out and not problems:
        problems.append("no alert target is configured ([alerts] webhook_env or email_to)")
    return out, problems


# -- memory of what was sent --------------------------------------------------------------------------

#: A claim older than this, whose process cannot be checked, is taken as abandoned (a send takes < 1 minute).
STALE_CLAIM = pd.Timedelta(minutes=5)


def _alive(claim: dict, sent_at) -> bool:
    """Whether the process that claimed an alert may still be sending it."""
    if claim.get("host") == socket.gethostname() and isinstance(claim.get("pid"), int):
        if claim["pid"] == os.getpid():
            return True
        try:
            os.kill(claim["pid"], 0)
        except ProcessLookupError:
            return False
        except OSError:
            pass
    return pd.Timestamp(sent_at) > pd.Timestamp.now() - STALE_CLAIM


def _overlapping(rows, facts: dict):
    """The alerts among ``rows`` (incident_key, sent_at, payload) of the same brand and kind as ``facts`` whose
    span overlaps it, in order, as (incident_key, sent_at, payload as a dict)."""
    start, end = utc(facts["start"]), utc(facts["end"])
    for old_key, sent_at, payload in rows:
        try:
            p = json.loads(payload)
            same = (p.get("brand") == facts["brand"] and p.get("kind", "negative") == facts["kind"]
                    and utc(p["start"]) <= end and start <= utc(p["end"]))
        except (ValueError, KeyError, TypeError):
            continue
        if same:
            yield old_key, sent_at, p


def _settled(rows, facts: dict) -> bool:
    """Whether the alert a claim would find first among ``rows`` was sent or marked uncertain: such a row is never
    deleted, so the incident is covered without a write (a claim still "sending" needs :func:`_claim`)."""
    first = next(_overlapping(rows, facts), None)
    return first is not None and first[2].get("state") != "sending"


def _claim(store, key: str, target: str, facts: dict) -> str:
    """Claim an incident for a target in one transaction: "claimed" when no alert of the same brand and kind
    overlaps it, "covered" when one does, "uncertain" when the one that does was left half-sent by a process
    that died (it is marked so, and not sent again)."""
    with ledger(store) as sent:
        for old_key, sent_at, p in _overlapping(sent.rows(target), facts):
            if p.get("state") == "sending" and not _alive(p, sent_at):
                sent.update(old_key, target, {**p, "state": "uncertain"})
                return "uncertain"
            return "covered"
        sent.add(key, target, {**facts, "state": "sending", "pid": os.getpid(), "host": socket.gethostname()})
    return "claimed"


def _settle(store, key: str, target: str, facts: dict | None) -> None:
    """Mark a claim sent (with the facts of the message), or release it (``facts`` None) for a later check."""
    with ledger(store) as sent:
        if facts is None:
            sent.remove(key, target)
        else:
            sent.update(key, target, {**facts, "state": "sent"}, stamp=True)


def _facts(inc: dict, subject: str) -> dict:
    keep = ("start", "end", "peak", "severity", "negatives", "observed", "expected", "kind", "brand", "competitor")
    return {**{k: inc.get(k) for k in keep if k in inc}, "subject": subject}


def deliver(store, config, incidents: list[dict], brand: str | None, *, target_list=None,
            drivers=None, sent=None) -> tuple[list, list]:
    """Send each incident once to each usable target; returns (deliveries, problems). Never raises for a
    target's failure.

    ``drivers(incident)``, when given, returns the drivers of an incident that has none yet; it is called
    only for an incident a target has just claimed (its message names them), once, and the incident is
    updated with them. ``sent``, rows (target, incident_key, sent_at, payload) of ``alerts_sent`` read
    earlier, lets an incident already alerted be passed over without opening a write.
    """
    found, problems = targets(config) if target_list is None else (target_list, [])
    deliveries = []
    fetched = set()
    for target in found:
        with _redacted(target.secrets()):
            for found_inc in incidents:
                inc = {"kind": "negative", "brand": brand, **found_inc}
                kind_part = "" if inc["kind"] == "negative" else f"{inc['kind']}|"
                key = f"{inc['brand'] or '*'}|{kind_part}{inc['key']}"
                subject, _ = message(inc, brand)
                facts = _facts(inc, subject)
                if sent is not None and _settled([r[1:] for r in sent if r[0] == target.name], facts):
                    state = "covered"
                else:
                    state = _claim(store, key, target.name, facts)
                if state == "uncertain":
                    problems.append(f"{target.name}: the alert for incident {inc['key']} ({inc['brand'] or 'all mentions'}, "
                                    f"{inc['kind']}) may not have been delivered: a check was stopped while sending it; "
                                    "it is not sent again")
                if state != "claimed":
                    continue
                if drivers is not None and id(found_inc) not in fetched:
                    found_inc.update(drivers(found_inc))
                    fetched.add(id(found_inc))
                    inc.update({k: found_inc[k] for k in ("cascades", "posts", "terms") if k in found_inc})
                subject, body = message(inc, brand)
                try:
                    detail = target.send(subject, body)
                except DeliveryFailed as exc:
                    _settle(store, key, target.name, None)
                    log.warning("alert %s not delivered to %s: %s", key, target.name, exc)
                    problems.append(f"{target.name}: {exc}; incident {inc['key']} will be sent on a later check")
                    deliveries.append(Delivery(key, target.name, False, str(exc)))
                    continue
                _settle(store, key, target.name, facts)
                deliveries.append(Delivery(key, target.name, True, detail))
    return deliveries, problems


# -- the check ----------------------------------------------------------------------------------------


def incidents(store, config, *, now=None, since=None, brand: str | None = None) -> dict:
    """Every incident the alerts watch that ends at or after ``since`` (default: ``lookback_hours`` before
    ``now``), each with its drivers (cascades, original posts, terms).

    Detection (``viralscope.crisis.detect``) reads the mentions from ``crisis.CRISIS_HISTORY_DAYS`` before ``since`` (or before ``now``, the
    earlier) up to ``now``. Returns ``incidents`` (negative crises of the brand in scope), ``volume_spikes``
    (of that brand), ``competitor_spikes`` (of each watched competitor, when the scope is the configured
    brand), ``notes`` (a stream with too little history, said once; unscored mentions), ``history`` (older
    incidents still in the detection window, by kind), and the scope (``now``, ``brand``, ``scope``).
    """
    report, drivers, _ = _detect(store, config, now=now, since=since, brand=brand)
    for section in ("incidents", "volume_spikes", "competitor_spikes"):
        for inc in report[section]:
            inc.update(drivers(inc))
    return report


def _detect(store, config, *, now, since, brand):
    """The incidents of :func:`incidents` without their drivers, the function that reads an incident's drivers
    (in the scope it was detected in), and the rows of ``alerts_sent`` as they were when the counts were read."""
    store.ensure()
    now = utc(now) if now is not None else pd.Timestamp.now(tz="UTC")
    lookback = pd.Timedelta(hours=(config.alerts if config else AlertsSection()).lookback_hours)
    since = utc(since) if since is not None else now - lookback
    watch = config.detection if config is not None else (lambda kind, b: Detection(True, {}))
    competitors = []
    with store.reader() as reader:  # one connection for the counts of every stream watched
        where, brand_name, described = kpis.scope(reader, config, brand)
        kinds = [k for k in crisis.KINDS if watch(k, brand_name).enabled]
        own = crisis.detect(reader, config, where.between(min(since, now), now), brand_name, now=now, kinds=kinds)
        if brand is None and config is not None and brand_name == configured_brand(config):
            for competitor in config.watched_competitors("volume"):
                c_where = Scope(brands=(competitor.name,))
                competitors.append((competitor.name, c_where, crisis.detect(
                    reader, config, c_where.between(min(since, now), now), competitor.name, now=now,
                    kinds=("volume",))))
        sent = [tuple(r) for r in query.alerts_sent(reader)[["target", "incident_key", "sent_at", "payload"]]
                .itertuples(index=False)]
    notes, history = [], {}
    out = {"incidents": [], "volume_spikes": [], "competitor_spikes": []}
    scopes = {(brand_name, False): where}

    def collect(section, found, kind, who, competitor=False):
        what = "negative mentions" if kind == "negative" else "mentions"
        if found.attrs.get("note"):
            notes.append(f"{who or 'all mentions'}, {what}: {found.attrs['note']}")
        recent = found[found["end"] >= since] if len(found) else found
        history[section] = history.get(section, 0) + len(found) - len(recent)
        for _, row in recent.iterrows():
            out[section].append({**row.to_dict(), "kind": kind, "brand": who, "competitor": competitor})

    if own.crises is not None:
        collect("incidents", own.crises, "negative", brand_name)
    if own.spikes is not None:
        collect("volume_spikes", own.spikes, "volume", brand_name)
    for name, c_where, found in competitors:
        scopes[(name, True)] = c_where
        collect("competitor_spikes", found.spikes, "volume", name, competitor=True)
    if not own.hourly.empty and not own.scored:
        notes.append(kpis.NOT_SCORED)

    def drivers(inc: dict) -> dict:
        return crisis.drivers(store, scopes[(inc["brand"], bool(inc.get("competitor")))], inc["start"], inc["end"],
                              label="negative" if inc["kind"] == "negative" else None)

    report = {"now": now, "brand": brand_name, "scope": described, "notes": list(dict.fromkeys(notes)), **out,
              "history": history}
    return report, drivers, sent


def check(store, config, *, now=None, brand: str | None = None, notify: bool = False, target_list=None,
          drivers: str = "all") -> dict:
    """The incidents of :func:`incidents` up to ``now`` that ended within ``lookback_hours`` and, with ``notify``,
    deliver each one once to each target.

    ``drivers`` "all" reads the drivers (cascades, posts, terms) of every incident; "sent" only those of the
    incidents whose alert is sent now — what a service checking every minute needs, since an incident
    already alerted is not sent again (the others keep the fields detection gives). Detection and deliveries
    are the same either way.

    Returns a JSON-able report: that of :func:`incidents`, plus ``deliveries`` and ``delivery_problems``.
    """
    if drivers not in ("all", "sent"):
        raise ValueError(f"drivers must be 'all' or 'sent', not {drivers!r}")
    if drivers == "all":
        report, fetch, sent = incidents(store, config, now=now, brand=brand), None, None
    else:
        report, fetch, sent = _detect(store, config, now=now, since=None, brand=brand)
    found = report["incidents"] + report["volume_spikes"] + report["competitor_spikes"]
    deliveries, problems = [], []
    if notify and found:
        deliveries, problems = deliver(store, config, found, report["brand"], target_list=target_list, drivers=fetch,
                                       sent=sent)
    elif notify:
        _, problems = targets(config) if target_list is None else ([], [])
    return kpis.jsonable({**report, "deliveries": [d.__dict__ for d in deliveries], "delivery_problems": problems})
