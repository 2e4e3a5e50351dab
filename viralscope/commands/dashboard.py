"""``viralscope dashboard``: the Streamlit dashboard on the store of ``--db`` / ``VIRALSCOPE_DB``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from viralscope.cli import App, main

#: Streamlit settings we choose unless the user's environment already says otherwise (STREAMLIT_* wins).
#: Streamlit ranks the environment above its config files, so the theme is only set here when no
#: ``.streamlit/config.toml`` (project or home) is there to choose one.
THEME = {
    "STREAMLIT_THEME_BASE": "light",
    "STREAMLIT_THEME_PRIMARY_COLOR": "#4f46e5",
    "STREAMLIT_THEME_BACKGROUND_COLOR": "#ffffff",
    "STREAMLIT_THEME_SECONDARY_BACKGROUND_COLOR": "#f5f6fa",
    "STREAMLIT_THEME_TEXT_COLOR": "#1f2937",
}
DEFAULTS = {
    "STREAMLIT_SERVER_HEADLESS": "true",
    # Loopback by default (DESIGN: "Streamlit on localhost"); a reverse proxy or a container sets its own.
    # Also spares Streamlit's look-up of the machine's public address, which a headless start would make.
    "STREAMLIT_SERVER_ADDRESS": "127.0.0.1",
    "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    "STREAMLIT_CLIENT_TOOLBAR_MODE": "viewer",
}


def app_path() -> Path:
    """The installed ``dashboard/app.py`` (works from a wheel or an editable install alike)."""
    import dashboard

    return Path(dashboard.__file__).resolve().parent / "app.py"


def command(app: App, port: int | None = None, extra: tuple[str, ...] = ()) -> tuple[list[str], dict[str, str]]:
    """The process to start: ``streamlit run`` on the dashboard, with the store passed in the environment."""
    env = dict(os.environ)
    env["VIRALSCOPE_DB"] = str(Path(app.store.path).resolve())
    if app.config_flag:
        env["VIRALSCOPE_CONFIG"] = str(Path(app.config_flag).resolve())
    for key, value in DEFAULTS.items():
        env.setdefault(key, value)
    if not any(p.exists() for p in (Path.cwd() / ".streamlit" / "config.toml", Path.home() / ".streamlit" / "config.toml")):
        for key, value in THEME.items():
            env.setdefault(key, value)
    argv = [sys.executable, "-m", "streamlit", "run", str(app_path())]
    if port is not None:
        argv += ["--server.port", str(port)]
    return argv + list(extra), env


@main.command("dashboard", context_settings={"ignore_unknown_options": True})
@click.option("--port", type=int, help="Port to serve on (default: $STREAMLIT_SERVER_PORT, else Streamlit's 8501).")
@click.argument("streamlit_args", nargs=-1, type=click.UNPROCESSED)
@click.pass_obj
def dashboard(app: App, port: int | None, streamlit_args: tuple[str, ...]) -> None:
    """Serve the dashboard (Streamlit, headless). Extra arguments go to `streamlit run`, e.g. --server.address."""
    argv, env = command(app, port, streamlit_args)
    click.echo(f"dashboard on the store {env['VIRALSCOPE_DB']}", err=True)
    if hasattr(os, "execve"):
        # Become Streamlit, so a supervisor's SIGTERM (systemd, docker, a test) reaches the server itself
        # instead of leaving it running behind a dead parent.
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(argv[0], argv, env)
    try:
        code = subprocess.call(argv, env=env)
    except KeyboardInterrupt:
        code = 0
    sys.exit(code)
