"""``viralscope dashboard``: the process it starts, the environment it passes, and a real start."""

from __future__ import annotations

import urllib.request

from tests import dashboard_world
from tests.dashboard_server import serving
from viralscope.cli import App
from viralscope.commands.dashboard import app_path, command


def test_command_runs_the_installed_app_with_the_store_in_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("STREAMLIT_SERVER_PORT", "9123")
    monkeypatch.setenv("STREAMLIT_SERVER_ADDRESS", "0.0.0.0")
    argv, env = command(App(db_flag=str(tmp_path / "s.duckdb")))
    assert argv[-3:] == ["streamlit", "run", str(app_path())] and app_path().exists()
    assert "--server.port" not in argv  # the port comes from Streamlit's own setting
    assert env["VIRALSCOPE_DB"] == str((tmp_path / "s.duckdb").resolve())
    assert env["STREAMLIT_SERVER_PORT"] == "9123"
    assert env["STREAMLIT_SERVER_ADDRESS"] == "0.0.0.0"  # the user's choice wins over our default
    assert env["STREAMLIT_SERVER_HEADLESS"] == "true"
    assert env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] == "false"


def test_port_flag_and_extra_arguments(tmp_path):
    argv, env = command(App(db_flag=str(tmp_path / "s.duckdb")), 8600, ("--server.baseUrlPath", "vs"))
    assert argv[-4:] == ["--server.port", "8600", "--server.baseUrlPath", "vs"]
    assert env["STREAMLIT_SERVER_ADDRESS"] == "127.0.0.1"


def test_dashboard_serves_on_the_port_from_the_environment(store):
    dashboard_world.build(store, 200)
    with serving(store.path) as base:
        with urllib.request.urlopen(base + "/_stcore/health", timeout=5) as r:  # noqa: S310 - loopback
            assert r.read() == b"ok"
        with urllib.request.urlopen(base + "/", timeout=5) as r:  # noqa: S310 - loopback
            assert r.status == 200 and b"<html" in r.read().lower()
