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

Every POST a collector sends is a login (Bluesky ``createSession``/``refreshSession``, Reddit's token), which
is safe to send twice, so POSTs are retried like GETs.

Time is a ``Clock`` (wall time, a monotonic time and a sleep) given to the session, so a simulation can run
a day of one-minute cycles without waiting for it.

Secrets travel in headers only (never in a URL), and every message built here passes through ``redact``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import re
import time
from dataclasses import asdict, dataclass, field, fields, replace
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry

from viralscope.core import __version__
from viralscope.core.errors import AuthFailed, CollectorError, ConfigError, RateLimited, SourceUnavailable

log = logging.getLogger(__name__)

#: Statuses worth another try: rate limited, and the server's own failures.
RETRY_STATUSES = (429, 500, 502, 503, 504)
#: Google's reasons for a 403 that means "wait", not "these credentials are refused".
QUOTA_REASONS = {"quotaExceeded", "rateLimitExceeded", "userRateLimitExceeded", "dailyLimitExceeded"}


class Clock:
    """The time, as collectors see it: wall time (Unix seconds), a monotonic time, and a way to wait.

    The real one by default; a simulation passes one whose ``sleep`` moves time on instead of waiting.
    """

    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def now(self) -> dt.datetime:
        """The wall time as an aware UTC datetime, to the second."""
        return dt.datetime.fromtimestamp(int(self.time()), dt.UTC)


class FixedNow(Clock):
    """A clock whose date is given by a function (``lambda: datetime``); waits are real."""

    def __init__(self, now):
        self._now = now

    def time(self) -> float:
        return self._now().timestamp()

    def now(self) -> dt.datetime:
        return self._now()


REAL_CLOCK = Clock()


def as_clock(value) -> Clock:
    """A ``Clock`` from a clock, a ``lambda: datetime`` (a fixed "now"), or None (the real one)."""
    if value is None:
        return REAL_CLOCK
    if isinstance(value, Clock):
        return value
    if callable(value):
        return FixedNow(value)
    raise TypeError(f"not a clock: {value!r}")


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
        now = REAL_CLOCK.time() if now is None else now
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

    def retry(self, limits: RateLimitHeaders | None = None, clock: Clock = REAL_CLOCK) -> PolicyRetry:
        r = PolicyRetry(
            total=self.retries,
            connect=self.retries,
            read=self.retries,
            status=self.retries,
            other=self.retries,
            backoff_factor=self.backoff_factor,
            backoff_max=self.backoff_max,
            status_forcelist=self.retry_statuses,
            allowed_methods=None,  # every method: the only POSTs are logins, safe to repeat
            respect_retry_after_header=True,
            retry_after_max=10**9,  # the cap is max_wait, enforced below by stopping, never by waiting less
            raise_on_status=False,  # the last response comes back, and is turned into our own error
        )
        r.limits, r.max_wait, r.clock = limits, self.max_wait, clock
        return r


class PolicyRetry(Retry):
    """urllib3 ``Retry`` that falls back on the source's reset header, refuses waits beyond ``max_wait``, and
    waits on the session's clock."""

    limits: RateLimitHeaders | None = None
    max_wait: float = 900.0
    clock: Clock = REAL_CLOCK

    def new(self, **kw):
        r = super().new(**kw)
        r.limits, r.max_wait, r.clock = self.limits, self.max_wait, self.clock
        return r

    def parse_retry_after(self, retry_after: str) -> float:
        if retry_after.strip().isdigit():
            return super().parse_retry_after(retry_after)
        # An HTTP date: urllib3 measures it against the real time; measure it against the clock.
        stamp = email.utils.parsedate_tz(retry_after)
        if stamp is None:
            return super().parse_retry_after(retry_after)  # raises InvalidHeader
        return max(0.0, email.utils.mktime_tz(stamp) - self.clock.time())

    def sleep_for_retry(self, response) -> bool:
        wait = self.get_retry_after(response)
        if wait:
            self.clock.sleep(wait)
            return True
        return False

    def _sleep_backoff(self) -> None:
        self.clock.sleep(self.get_backoff_time())

    def get_retry_after(self, response):
        wait = super().get_retry_after(response)
        if wait is None and response.status == 429 and self.limits is not None:
            state = self.limits.read(response.headers, now=self.clock.time())
            if state and state.reset_at is not None:
                wait = max(0.0, state.reset_at - self.clock.time())
        if wait is not None and wait > self.max_wait:
            raise RateLimited(
                f"rate limited: the source asks to wait {wait:.0f} s (more than max_wait {self.max_wait:g} s); "
                "the next run resumes from here"
            )
        return wait


class PoliteSession(requests.Session):
    """A requests session that keeps a source's pace and remembers its last rate-limit state."""

    def __init__(self, policy: HttpPolicy, limits: RateLimitHeaders | None = None, *, secrets=(),
                 clock: Clock = REAL_CLOCK):
        super().__init__()
        self.policy, self.limits, self.clock = policy, limits, clock
        self.rate_limit: RateLimitState | None = None
        self.retried = 0  # failed tries that were retried (the Sources page shows them as errors)
        self.requests_made = 0
        self._secrets = [s for s in secrets if s]
        self._last: float | None = None
        adapter = HTTPAdapter(max_retries=policy.retry(limits, clock))
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
        now = self.clock.monotonic()
        wait = 0.0
        if self._last is not None and self.policy.min_interval:
            wait = self.policy.min_interval - (now - self._last)
        state = self.rate_limit
        if state and state.remaining is not None and state.remaining <= self.policy.reserve and state.reset_at:
            wait = max(wait, state.reset_at - self.clock.time())
            if wait > self.policy.max_wait:
                raise RateLimited(
                    f"rate limit spent until {dt.datetime.fromtimestamp(state.reset_at, dt.UTC):%Y-%m-%d %H:%M:%S} UTC "
                    f"(more than max_wait {self.policy.max_wait:g} s away); the next run resumes from here"
                )
        if wait > 0:
            self.clock.sleep(wait)

    def request(self, method, url, *args, **kwargs):
        self._wait_turn()
        kwargs.setdefault("timeout", (self.policy.connect_timeout, self.policy.read_timeout))
        try:
            resp = super().request(method, url, *args, **kwargs)
        finally:
            self._last = self.clock.monotonic()
            self.requests_made += 1
        history = getattr(getattr(resp.raw, "retries", None), "history", ()) or ()
        self.retried += len(history)
        if self.limits is not None:
            self.rate_limit = self.limits.read(resp.headers, now=self.clock.time()) or self.rate_limit
        return resp


def make_session(policy: HttpPolicy, limits: RateLimitHeaders | None = None, *, secrets=(),
                 clock: Clock = REAL_CLOCK) -> PoliteSession:
    """The one way a collector gets an HTTP session."""
    return PoliteSession(policy, limits, secrets=secrets, clock=clock)


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


@dataclass(frozen=True)
class Refusal:
    """An error answer, read: its status, the service's error code (``ExpiredToken``, ``commentsDisabled``,
    the reasons Google lists) and a short single-line message. Secrets are already redacted."""

    status: int
    codes: tuple[str, ...] = ()
    message: str = ""

    def __str__(self) -> str:
        codes = f" [{', '.join(self.codes)}]" if self.codes else ""
        return f"HTTP {self.status}{': ' + self.message if self.message else ''}{codes}"


def request(session: PoliteSession, method: str, url: str, *, what: str, decode="json", check=None,
            refused=None, **kwargs) -> Fetched:
    """One request with the policy's retries for transport errors, bad statuses and bad bodies.

    ``decode`` is "json" or "bytes"; ``check(body)`` may raise ``BadBody`` (e.g. a stale page).
    ``refused(Refusal)`` may return an exception to raise for an error answer the caller understands (an
    expired token, one unavailable video); otherwise errors come out as ``viralscope.core.errors`` types. No
    message carries a secret.
    """
    retry = session.policy.retry(clock=session.clock)
    while True:  # each turn is counted and paced by urllib3's Retry, not by hand
        try:
            resp = session.request(method, url, **kwargs)
            _raise_for_status(session, resp, what, refused)
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


def _raise_for_status(session: PoliteSession, resp: requests.Response, what: str, refused=None) -> None:
    code = resp.status_code
    if code < 400:
        return
    why = read_refusal(resp, session.redact)
    mine = refused(why) if refused is not None else None
    if mine is not None:
        raise mine
    if code == 429 or (code == 403 and (QUOTA_REASONS & set(why.codes) or "quota" in why.message.lower())):
        if code == 403:
            raise RateLimited(f"{what}: quota exhausted ({why})")
        raise RateLimited(f"{what}: still rate limited after {session.policy.retries} retries (HTTP 429)")
    if code in (401, 403):
        raise AuthFailed(f"{what}: the source refused the credentials ({why})")
    if code >= 500:
        raise SourceUnavailable(f"{what}: HTTP {code} after {session.policy.retries} retries")
    raise CollectorError(f"{what}: {why}")


def read_refusal(resp: requests.Response, redact=lambda text: text) -> Refusal:
    """The status, codes and message of an error answer (APIs put them in different places)."""
    try:
        body = resp.json()
    except ValueError:
        return Refusal(resp.status_code)
    msg, codes = None, []
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict):  # Google: {"error": {"message", "errors": [{"reason"}]}}
            msg = err.get("message") or err.get("status")
            codes = [e.get("reason") for e in err.get("errors", []) if isinstance(e, dict) and e.get("reason")]
        else:  # atproto: {"error": "ExpiredToken", "message"}; Mastodon, Reddit: {"error": "..."}; X: {"detail", "errors"}
            msg = body.get("message") or body.get("detail") or body.get("title") or err
            if isinstance(err, str) and err and msg != err and " " not in err:
                codes = [err]
            first = (body.get("errors") or [None])[0] if isinstance(body.get("errors"), list) else None
            if isinstance(first, dict) and first.get("message") and first["message"] != msg:
                msg = f"{msg} ({first['message']})" if msg else first["message"]
    # Google writes its messages with HTML markup (<code><a href=…>videoId</a></code>): keep the words.
    text = " ".join(re.sub(r"<[^>]*>", "", redact(str(msg))).split())[:200] if msg else ""
    return Refusal(resp.status_code, tuple(redact(str(c)) for c in codes), text)
