"""Start ``viralscope dashboard`` on a free loopback port (through STREAMLIT_SERVER_PORT) for a test."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STREAMLIT_", "VIRALSCOPE_"))}
    env.update(extra)
    return env


@contextlib.contextmanager
def serving(db: Path, *, timeout: float = 60, log: Path | None = None, **env: str) -> Iterator[str]:
    """The base URL of a dashboard on ``db``; the server is stopped (by its own pid) afterwards."""
    port = free_port()
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    script = Path(sys.executable).with_name("viralscope")
    cli = [str(script)] if script.exists() else [sys.executable, "-c", "from viralscope.cli import main; main()"]
    proc = subprocess.Popen(
        [*cli, "--db", str(db), "dashboard"],
        env=_clean_env(STREAMLIT_SERVER_PORT=str(port), **env), stdout=out, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the dashboard exited with status {proc.returncode}")
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:  # noqa: S310 - loopback
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the dashboard did not answer its health check in time")
            time.sleep(0.25)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log:
            out.close()
