"""HTTP for every source: one session factory; retries and rate limits are configuration, kept here.

Three layers, each a library's own mechanism configured in one place (``HttpPolicy``):

- urllib3 ``Retry`` (mounted on a requests session) retries 429, 5xx, timeouts and dropped connections with
  exponential backoff, honours ``Retry-After`` and, when a 429 carries none, the source's own reset header.
- Before each request the session waits out the source's documented pace (``min_interval``) and, when the
  last response said the window is spent (remaining ≤ ``reserve``), the announced reset.
- A body that arrives cut short or is not JSON (a proxy truncating, a connection dropped mid-body) is
  retried with the same ``Retry`` object's counters and backoff, since urllib3 never sees the body.

A wait longer than ``max_wait`` is not taken: the run stops with ``RateLimited`` (its cursor is saved, so the
next run resumes) rather than hold a cron slot for an hour or, worse, retry early and exceed the limit.

Secrets travel in headers only (never in a URL), and every message built here passes through ``redact``.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import asdict, dataclass, field, fields, replace
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry

from viralscope import __version__
from viralscope.errors import AuthFailed, CollectorError, ConfigError, RateLimited, SourceUnavailable

log = logging.getLogger(__name__)

#: Statuses worth another try: rate limited, and the server's own failures.
RETRY_STATUSES = (429, 500, 502, 503, 504)


@dataclass(frozen=True)
class RateLimitHeaders:
    """How a source announces its rate limit: header names and how the reset time is written."""

    remaining: str
    reset: str
    reset_format: str  # "epoch" (Unix seconds) | "seconds" (from now) | "iso" (a timestamp)
    limit: str | None = None
    used: str | None = None

    def read(self, headers, now: float | None = None) -> RateLimitState | None:
        if self.remaining not in headers and self.reset not in headers:
            return None
        now = time.time() if now is None else now
        reset_at = _reset_time(headers.get(self.reset), self.reset_format, now)
        return RateLimitState(
            limit=_number(headers.get(self.limit)) if self.limit else None,
            remaining=_number(headers.get(self.remaining)),
            used=_number(headers.get(self.used)) if self.used else None,
            reset_at=reset_at,
        )


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _reset_time(value, fmt: str, now: float) -> float | None:
    """The reset as Unix seconds, or None when absent or unreadable."""
    if value is None:
        return None
    try:
        if fmt == "epoch":
            return float(value)
        if fmt == "seconds":
            return now + float(value)
        if fmt == "iso":
            return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None
    raise ValueError(f"unknown reset format {fmt!r}")  # pragma: no cover - a programming error


@dataclass
class RateLimitState:
    """The last rate-limit figures a source announced (shown on the Sources page)."""

    limit: float | None = None
    remaining: float | None = None
    used: float | None = None
    reset_at: float | None = None  # Unix seconds

    def as_dict(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if v is not None}
        if self.reset_at is not None:
            out["reset_at"] = dt.datetime.fromtimestamp(self.reset_at, dt.UTC).isoformat()
        return out


@dataclass(frozen=True)
class HttpPolicy:
    """Retries, pacing and timeouts of one source; every field can be set in ``[sources.<name>]``."""

    retries: int = 5  # further tries after a failed one (per request)
    backoff_factor: float = 1.0  # waits of factor × 2^(n-1) seconds between tries...
    backoff_max: float = 120.0  # ...never longer than this
    max_wait: float = 900.0  # the longest single wait for Retry-After or a reset; longer stops the run
    min_interval: float = 0.0  # seconds between two requests: the source's documented pace
    reserve: float = 0.0  # wait for the reset once the remaining requests fall to this
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    retry_statuses: tuple[int, ...] = RETRY_STATUSES
    user_agent: str = f"viralscope/{__version__} (+https://github.com/viralscope/viralscope)"

    def updated(self, table: dict | None, where: str) -> HttpPolicy:
        """This policy with the keys of a configuration table that name its fields."""
        if not table:
            return self
        changes = {}
        for f in fields(self):
            if f.name not in table:
                continue
            value = table[f.name]
            try:
                if f.name == "retry_statuses":
                    value = tuple(int(v) for v in value)
                elif f.name == "user_agent":
                    value = str(value)
                elif f.name == "retries":
                    value = int(value)
                else:
                    value = float(value)
            except (TypeError, ValueError):
                raise ConfigError(f"{where}.{f.name}: {value!r} is not a valid value") from None
            if not isinstance(value, (str, tuple)) and value < 0:
                raise ConfigError(f"{where}.{f.name}: must be ≥ 0")
            changes[f.name] = value
        return replace(self, **changes)

    def retry(self, limits: RateLimitHeaders | None = None) -> PolicyRetry:
        r = PolicyRetry(
            total=self.retries,
            connect=self.retries,
            read=self.retries,
            status=self.retries,
            other=self.retries,
            backoff_factor=self.backoff_factor,
            backoff_max=self.backoff_max,
            status_forcelist=self.retry_statuses,
            allowed_methods=Retry.DEFAULT_ALLOWED_METHODS,
            respect_retry_after_header=True,
            retry_after_max=10**9,  # the cap is max_wait, enforced below by stopping, never by waiting less
            raise_on_status=False,  # the last response comes back, and is turned into our own error
        )
        r.limits, r.max_wait = limits, self.max_wait
        return r


class PolicyRetry(Retry):
    """urllib3 ``Retry`` that falls back on the source's reset header and refuses waits beyond ``max_wait``."""

    limits: RateLimitHeaders | None = None
    max_wait: float = 900.0

    def new(self, **kw):
        r = super().new(**kw)
        r.limits, r.max_wait = self.limits, self.max_wait
        return r

    def get_retry_after(self, response):
        wait = super().get_retry_after(response)
        if wait is None and response.status == 429 and self.limits is not None:
            state = self.limits.read(response.headers)
            if state and state.reset_at is not None:
                wait = max(0.0, state.reset_at - time.time())
        if wait is not None and wait > self.max_wait:
            raise RateLimited(
                f"rate limited: the source asks to wait {wait:.0f} s (more than max_wait {self.max_wait:g} s); "
                "the next run resumes from here"
            )
        return wait


class PoliteSession(requests.Session):
    """A requests session that keeps a source's pace and remembers its last rate-limit state."""

    def __init__(self, policy: HttpPolicy, limits: RateLimitHeaders | None = None, *, secrets=()):
        super().__init__()
        self.policy, self.limits = policy, limits
        self.rate_limit: RateLimitState | None = None
        self.retried = 0  # failed tries that were retried (the Sources page shows them as errors)
        self.requests_made = 0
        self._secrets = [s for s in secrets if s]
        self._last: float | None = None
        adapter = HTTPAdapter(max_retries=policy.retry(limits))
        self.mount("http://", adapter)
        self.mount("https://", adapter)
        self.headers["User-Agent"] = policy.user_agent

    def add_secret(self, value: str | None) -> None:
        if value:
            self._secrets.append(value)

    def redact(self, text: str) -> str:
        for s in self._secrets:
            text = text.replace(s, "***")
        return text

    def _wait_turn(self) -> None:
        now = time.monotonic()
        wait = 0.0
        if self._last is not None and self.policy.min_interval:
            wait = self.policy.min_interval - (now - self._last)
        state = self.rate_limit
        if state and state.remaining is not None and state.remaining <= self.policy.reserve and state.reset_at:
            wait = max(wait, state.reset_at - time.time())
            if wait > self.policy.max_wait:
                raise RateLimited(
                    f"rate limit spent until {dt.datetime.fromtimestamp(state.reset_at, dt.UTC):%Y-%m-%d %H:%M:%S} UTC "
                    f"(more than max_wait {self.policy.max_wait:g} s away); the next run resumes from here"
                )
        if wait > 0:
            time.sleep(wait)

    def request(self, method, url, *args, **kwargs):
        self._wait_turn()
        kwargs.setdefault("timeout", (self.policy.connect_timeout, self.policy.read_timeout))
        try:
            resp = super().request(method, url, *args, **kwargs)
        finally:
            self._last = time.monotonic()
            self.requests_made += 1
        history = getattr(getattr(resp.raw, "retries", None), "history", ()) or ()
        self.retried += len(history)
        if self.limits is not None:
            self.rate_limit = self.limits.read(resp.headers) or self.rate_limit
        return resp


def make_session(policy: HttpPolicy, limits: RateLimitHeaders | None = None, *, secrets=()) -> PoliteSession:
    """The one way a collector gets an HTTP session."""
    return PoliteSession(policy, limits, secrets=secrets)


def rebase(url: str, base_url: str | None) -> str:
    """``url`` with the scheme, host and port of ``base_url`` (path and query kept)."""
    if not base_url:
        return url
    b = urlsplit(base_url if "://" in base_url else f"http://{base_url}")
    if not b.netloc:
        raise ConfigError(f"--base-url {base_url!r}: needs a host, e.g. http://127.0.0.1:8080")
    u = urlsplit(url)
    prefix = b.path.rstrip("/")
    return urlunsplit((b.scheme, b.netloc, prefix + u.path, u.query, u.fragment))


# -- one request, with the body checked ------------------------------------------------------------------


class BadBody(Exception):
    """A 200 whose body cannot be used (cut short, not JSON, or not the page asked for)."""


_BODY_ERRORS = (
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
    requests.exceptions.JSONDecodeError,
    BadBody,
)


@dataclass
class Fetched:
    """A successful response: its decoded body and headers."""

    body: object
    headers: dict = field(default_factory=dict)
    status: int = 200
    url: str = ""


def request(session: PoliteSession, method: str, url: str, *, what: str, decode="json", check=None,
            **kwargs) -> Fetched:
    """One request with the policy's retries for transport errors, bad statuses and bad bodies.

    ``decode`` is "json" or "bytes"; ``check(body)`` may raise ``BadBody`` (e.g. a stale page).
    Errors come out as ``viralscope.errors`` types whose messages never carry a secret.
    """
    retry = session.policy.retry()
    while True:  # each turn is counted and paced by urllib3's Retry, not by hand
        try:
            resp = session.request(method, url, **kwargs)
            _raise_for_status(session, resp, what)
            if resp.status_code == 304:
                return Fetched(None, dict(resp.headers), 304, url)
            body = resp.json() if decode == "json" else resp.content
            if check is not None:
                check(body)
            return Fetched(body, dict(resp.headers), resp.status_code, url)
        except _BODY_ERRORS as exc:
            session.retried += 1
            try:
                retry = retry.increment(method=method, url=what, error=exc)
            except MaxRetryError:
                raise SourceUnavailable(f"{what}: unusable response after {session.policy.retries} retries "
                                        f"({type(exc).__name__})") from None
            log.info("%s: retrying after an unusable response (%s)", what, type(exc).__name__)
            retry.sleep()
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                requests.exceptions.RetryError) as exc:
            reason = type(exc).__name__
            raise SourceUnavailable(
                session.redact(f"{what}: {urlsplit(url).netloc} failed after {session.policy.retries} retries ({reason})")
            ) from None
        except requests.exceptions.RequestException as exc:
            raise CollectorError(session.redact(f"{what}: request failed ({type(exc).__name__})")) from None


def _raise_for_status(session: PoliteSession, resp: requests.Response, what: str) -> None:
    code = resp.status_code
    if code < 400:
        return
    detail = session.redact(_error_detail(resp))
    if code in (401, 403):
        if code == 403 and "quota" in detail.lower():
            raise RateLimited(f"{what}: quota exhausted ({detail})")
        raise AuthFailed(f"{what}: the source refused the credentials (HTTP {code}{': ' + detail if detail else ''})")
    if code == 429:
        raise RateLimited(f"{what}: still rate limited after {session.policy.retries} retries (HTTP 429)")
    if code >= 500:
        raise SourceUnavailable(f"{what}: HTTP {code} after {session.policy.retries} retries")
    raise CollectorError(f"{what}: HTTP {code}{': ' + detail if detail else ''}")


def _error_detail(resp: requests.Response) -> str:
    """A short, single-line reason from an error body (APIs put it in different places)."""
    try:
        body = resp.json()
    except ValueError:
        return ""
    msg = None
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict):
            msg = err.get("message") or err.get("status")
            reasons = [e.get("reason") for e in err.get("errors", []) if isinstance(e, dict)]
            if reasons:
                msg = f"{msg} [{', '.join(r for r in reasons if r)}]"
        else:
            msg = body.get("message") or body.get("detail") or body.get("title") or err
    return " ".join(str(msg).split())[:200] if msg else ""
