"""Login sessions kept between runs, so a scheduled collector logs in once, not once a run.

Bluesky allows an account 30 logins (``createSession``) per 5 minutes and a few hundred a day, and answers
the next one with a 429 that can last the rest of the day; a ``*/15`` cron that logged in every run would
spend a third of that, and a one-minute loop all of it by mid-morning. So a source keeps its session:

- in memory, for as long as the source object lives (a long-running loop keeps one per source and
  refreshes it before it expires);
- in a small JSON file for the next process (``VIRALSCOPE_SESSION_CACHE``; by default
  ``$XDG_CACHE_HOME/viralscope/sessions.json``, i.e. ``~/.cache/viralscope/sessions.json``), outside the
  store, its exports and its logs. The file is created readable and writable by its owner only (0600, in a
  0700 folder) and replaced whole on each change; a file that others can read is ignored, not used.
  ``VIRALSCOPE_SESSION_CACHE=off`` keeps none (every run logs in again).

Entries are keyed by source, API host and a hash of the account (never the account or a token in a key,
a log line or an error). The file holds access and refresh tokens, never a password.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import stat
import tempfile
from pathlib import Path

from viralscope.core import settings
from viralscope.core.settings import resolve

__all__ = ["SessionCache", "session_key"]

log = logging.getLogger(__name__)

OFF = {"off", "none", "no", "false", "0"}


def session_key(source: str, host: str, account: str) -> str:
    """The cache key of ``account``'s session on ``host`` (the account only as a hash)."""
    digest = hashlib.sha256(account.encode()).hexdigest()[:16]
    return f"{source}|{host}|{digest}"


def default_path() -> Path | None:
    """Where sessions are kept: ``VIRALSCOPE_SESSION_CACHE``, else the user's cache folder; None when off."""
    value = str(resolve("session_cache") or "").strip()
    if value.lower() in OFF:
        return None
    if value:
        return Path(value).expanduser()
    base = settings.value("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "viralscope" / "sessions.json"


class SessionCache:
    """A JSON file of ``key -> session`` only its owner can read; ``path=None`` keeps nothing."""

    def __init__(self, path: str | os.PathLike | None):
        self.path = Path(path) if path is not None else None
        self._warned = False

    @classmethod
    def default(cls) -> SessionCache:
        return cls(default_path())

    def get(self, key: str) -> dict | None:
        value = self._read().get(key)
        return dict(value) if isinstance(value, dict) else None

    def put(self, key: str, session: dict) -> None:
        self._change(lambda entries: entries.__setitem__(key, session))

    def drop(self, key: str) -> None:
        self._change(lambda entries: entries.pop(key, None))

    # -- the file ------------------------------------------------------------------------------------

    def _read(self) -> dict:
        if self.path is None:
            return {}
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            return {}
        except OSError as exc:
            self._warn(f"cannot read the session cache {self.path} ({exc.strerror}); logging in instead")
            return {}
        with os.fdopen(fd, encoding="utf-8") as f:
            mode = os.fstat(f.fileno()).st_mode
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                self._warn(f"the session cache {self.path} can be read by others (mode {stat.S_IMODE(mode):o}); "
                           "it is not used and will be replaced by a private one")
                return {}
            try:
                entries = json.load(f)
            except ValueError:
                return {}  # cut short or edited by hand: a cache, so start again
        return entries if isinstance(entries, dict) else {}

    def _change(self, edit) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            with self._locked():
                entries = self._read()
                edit(entries)
                fd, tmp = tempfile.mkstemp(prefix=".sessions.", dir=self.path.parent)  # created 0600
                try:
                    os.fchmod(fd, 0o600)
                    with os.fdopen(fd, "w", encoding="utf-8") as f:
                        json.dump(entries, f, sort_keys=True)
                        f.flush()
                        os.fsync(f.fileno())
                    os.replace(tmp, self.path)
                except BaseException:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(tmp)
                    raise
        except OSError as exc:
            self._warn(f"cannot write the session cache {self.path} ({exc.strerror}); the next run logs in again")

    @contextlib.contextmanager
    def _locked(self):
        """Two runs at once (a cron run overlapping another) must not lose each other's sessions."""
        fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _warn(self, message: str) -> None:
        if not self._warned:
            log.warning(message)
            self._warned = True
