"""Fixtures every test gets: no network beyond loopback, no credentials, a fresh store on request."""

from __future__ import annotations

import ipaddress
import socket
import sys

import pytest

from viralscope.store import Store

# Shared fixtures: the Spark tests' session and demo world (``spark`` and ``demo``; they skip without Spark),
# and the reports' stores (``demo_store``, ``unscored_store``, ``hostile_store``, built once per session).
pytest_plugins = ["tests.spark_world", "tests.reports_world"]

# Environment variables that could carry credentials, proxies or point at a real store.
_CLEARED_PREFIXES = ("REDDIT_", "MASTODON_", "BLUESKY_", "YOUTUBE_", "X_", "VIRALSCOPE_", "SMTP_")
_CLEARED_NAMES = {"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"}
_KEPT = {"VIRALSCOPE_EVAL"}


def _is_loopback(address) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths and the like
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _no_network_no_secrets(monkeypatch, tmp_path_factory):
    """Refuse every non-loopback connection and clear credentials, so no test reaches the network."""
    for name in list(__import__("os").environ):
        upper = name.upper()
        if upper in _KEPT:
            continue
        if upper in _CLEARED_NAMES or upper.startswith(_CLEARED_PREFIXES):
            monkeypatch.delenv(name, raising=False)
    # Login sessions kept between runs go to a file of the test's own, never the user's cache.
    monkeypatch.setenv("VIRALSCOPE_SESSION_CACHE", str(tmp_path_factory.mktemp("sessions") / "sessions.json"))

    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def guarded(real):
        def connect(self, address):
            if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
                raise ConnectionRefusedError(f"tests may not reach the network (tried {address!r})")
            return real(self, address)

        return connect

    monkeypatch.setattr(socket.socket, "connect", guarded(real_connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guarded(real_connect_ex))


@pytest.fixture
def store(tmp_path) -> Store:
    """A fresh, empty store in a temporary folder."""
    s = Store(tmp_path / "store.duckdb", lock_timeout=30)
    s.ensure()
    return s


@pytest.fixture(autouse=True)
def _keep_main_module():
    """Streamlit's AppTest leaves its page script as ``__main__``; a process spawned later (the weekly
    report's worker) would run that page again on start-up and die. Put the real ``__main__`` back."""
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main
