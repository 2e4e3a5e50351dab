"""The HTTP policy: retries, Retry-After, reset headers, pacing, bad bodies, and secrets kept out of errors."""

from __future__ import annotations

import logging
import time

import pytest

from collectors.http import HttpPolicy, RateLimitHeaders, make_session, rebase, request
from tests.mockserver import Delay, Drop, MockServer, Replay, Status, Truncate
from viralscope.core.errors import AuthFailed, CollectorError, ConfigError, RateLimited, SourceUnavailable

FAST = HttpPolicy(retries=3, backoff_factor=0.01, max_wait=5, read_timeout=2)
X_LIMITS = RateLimitHeaders("x-rate-limit-remaining", "x-rate-limit-reset", "epoch", limit="x-rate-limit-limit")


def ok(req):
    return {"ok": True, "n": len(req.query)}


def get(server, policy=FAST, limits=None, path="/api", **kw):
    session = make_session(policy, limits, secrets=kw.pop("secrets", ()))
    return session, request(session, "GET", server.url + path, what="test", **kw)


@pytest.mark.parametrize(
    "fault",
    [Status(500), Status(502), Status(503), Status(504), Status(429), Drop(), Truncate(0.5),
     Truncate(0.5, honest_length=True), Delay(3)],
    ids=["500", "502", "503", "504", "429", "drop", "truncated", "truncated-honest-length", "read-timeout"],
)
def test_a_failure_is_retried_and_the_answer_arrives(fault):
    with MockServer({"/api": ok}) as server:
        server.inject("/api", fault)
        session, got = get(server)
    assert got.body == {"ok": True, "n": 0}
    assert len(server.requests) == 2
    assert session.retried == 1


def test_retry_after_is_honoured():
    with MockServer({"/api": ok}) as server:
        server.inject("/api", Status(429, {"Retry-After": "1"}))
        get(server, HttpPolicy(retries=2, backoff_factor=0, max_wait=5))
    first, second = server.requests
    assert second.at - first.at >= 0.95


def test_retry_after_on_503_is_honoured():
    with MockServer({"/api": ok}) as server:
        server.inject("/api", Status(503, {"Retry-After": "1"}))
        get(server, HttpPolicy(retries=2, backoff_factor=0, max_wait=5))
    assert server.requests[1].at - server.requests[0].at >= 0.95


def test_reset_header_stands_in_for_a_missing_retry_after():
    with MockServer({"/api": ok}) as server:
        reset = str(int(time.time()) + 2)
        server.inject("/api", Status(429, {"x-rate-limit-remaining": "0", "x-rate-limit-reset": reset}))
        get(server, HttpPolicy(retries=2, backoff_factor=0, max_wait=5), X_LIMITS)
    assert server.requests[1].at - server.requests[0].at >= 0.9


def test_a_wait_longer_than_max_wait_stops_instead_of_hammering():
    with MockServer({"/api": ok}) as server:
        server.inject("/api", Status(429, {"Retry-After": "3600"}))
        t0 = time.monotonic()
        with pytest.raises(RateLimited, match="3600 s"):
            get(server)
    assert time.monotonic() - t0 < 2
    assert len(server.requests) == 1


def test_spent_window_waits_for_the_reset_before_the_next_request():
    def limited(req):
        from tests.mockserver import Reply

        return Reply(200, {"ok": True}, {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "0",
                                         "x-rate-limit-reset": str(int(time.time()) + 2)})

    with MockServer({"/api": limited}) as server:
        session, _ = get(server, limits=X_LIMITS)
        assert session.rate_limit.remaining == 0 and session.rate_limit.limit == 450
        request(session, "GET", server.url + "/api", what="test")
    assert server.requests[1].at - server.requests[0].at >= 0.9


def test_spent_window_with_a_far_reset_stops():
    def limited(req):
        from tests.mockserver import Reply

        return Reply(200, {"ok": True}, {"x-rate-limit-remaining": "0",
                                         "x-rate-limit-reset": str(int(time.time()) + 3600)})

    with MockServer({"/api": limited}) as server:
        session, _ = get(server, limits=X_LIMITS)
        with pytest.raises(RateLimited, match="next run resumes"):
            request(session, "GET", server.url + "/api", what="test")
    assert len(server.requests) == 1


def test_min_interval_paces_requests():
    with MockServer({"/api": ok}) as server:
        session = make_session(HttpPolicy(min_interval=0.3))
        for _ in range(3):
            request(session, "GET", server.url + "/api", what="test")
    gaps = [b.at - a.at for a, b in zip(server.requests, server.requests[1:], strict=False)]
    assert min(gaps) >= 0.28


@pytest.mark.parametrize(("status", "error"), [(500, SourceUnavailable), (503, SourceUnavailable), (429, RateLimited)])
def test_retries_run_out(status, error):
    with MockServer({"/api": Status(status)}) as server:
        server.inject("/api", *[Status(status)] * 10)
        with pytest.raises(error):
            get(server)
    assert len(server.requests) == 4  # the first try and three retries


def test_connection_refused_is_source_unavailable():
    session = make_session(HttpPolicy(retries=1, backoff_factor=0))
    with pytest.raises(SourceUnavailable, match="127.0.0.1:9"):
        request(session, "GET", "http://127.0.0.1:9/api", what="test")


def test_a_body_that_stays_broken_gives_up():
    with MockServer({"/api": ok}) as server:
        server.inject("/api", *[Truncate(0.3, honest_length=True)] * 10)
        with pytest.raises(SourceUnavailable, match="unusable response"):
            get(server)
    assert len(server.requests) == 4


def test_stale_page_check_retries():
    from collectors.http import BadBody

    pages = iter([{"page": 0}, {"page": 1}])

    def check_page_one(body):
        if body["page"] != 1:
            raise BadBody("stale")

    with MockServer({"/api": lambda req: next(pages)}) as server:
        _, got = get(server, check=check_page_one)
    assert got.body == {"page": 1}


def test_replay_fault_serves_the_previous_answer():
    bodies = iter([{"page": 0}, {"page": 1}])
    with MockServer({"/api": lambda req: next(bodies)}) as server:
        _, first = get(server)
        server.inject("/api", Replay())
        _, second = get(server)
    assert first.body == second.body == {"page": 0}


def test_secrets_never_reach_errors_or_logs(caplog):
    token = "tok-SECRET-9f8e7d"

    def echo(req):
        from tests.mockserver import Reply

        return Reply(401, {"error": {"message": f"bad token {req.headers.get('authorization')}"}})

    caplog.set_level(logging.DEBUG)
    with MockServer({"/api": echo}) as server:
        session = make_session(FAST, secrets=[token])
        with pytest.raises(AuthFailed) as info:
            request(session, "GET", server.url + "/api", what="x", headers={"Authorization": f"Bearer {token}"})
    assert server.requests[0].headers["authorization"] == f"Bearer {token}"  # it was sent...
    assert token not in str(info.value) and "***" in str(info.value)  # ...and never shown
    assert token not in caplog.text
    assert all(token not in r.path for r in server.requests)


def test_quota_403_is_rate_limited_not_auth():
    body = {"error": {"code": 403, "message": "The request cannot be completed because you have exceeded your "
                      "<a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
                      "errors": [{"message": "quota", "domain": "youtube.quota", "reason": "quotaExceeded"}]}}
    with MockServer({"/api": Status(403)}) as server:
        server.inject("/api", Status(403, body=body))
        with pytest.raises(RateLimited, match="quotaExceeded"):
            get(server)


def test_other_client_errors_name_the_reason():
    with MockServer({"/api": ok}) as server:
        server.inject("/api", Status(400, body={"title": "Invalid Request", "detail": "query too long"}))
        with pytest.raises(CollectorError, match="HTTP 400: query too long"):
            get(server)


def test_policy_from_configuration():
    p = HttpPolicy().updated({"retries": 2, "min_interval": "0.5", "retry_statuses": [429, 503]}, "[sources.x]")
    assert (p.retries, p.min_interval, p.retry_statuses) == (2, 0.5, (429, 503))
    with pytest.raises(ConfigError, match=r"\[sources.x\].backoff_factor"):
        HttpPolicy().updated({"backoff_factor": "soon"}, "[sources.x]")
    with pytest.raises(ConfigError, match="must be ≥ 0"):
        HttpPolicy().updated({"retries": -1}, "[sources.x]")


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("https://hn.algolia.com/api/v1/search", "http://127.0.0.1:8080", "http://127.0.0.1:8080/api/v1/search"),
        ("https://oauth.reddit.com/search?q=a", "http://localhost:9", "http://localhost:9/search?q=a"),
        ("https://mastodon.social/api/v2/search", "https://fosstodon.org", "https://fosstodon.org/api/v2/search"),
        ("https://hn.algolia.com/api", None, "https://hn.algolia.com/api"),
    ],
)
def test_rebase(url, base, expected):
    assert rebase(url, base) == expected
