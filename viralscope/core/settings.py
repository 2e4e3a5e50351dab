"""Settings, declared once with name, default and help; merged as defaults < config file < environment < flags.

Secrets are not settings: they are read from the environment at the moment of use (see ``secret``) and are
never stored, logged or echoed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    env: str
    help: str


SETTINGS = {
    s.name: s
    for s in [
        Setting("db", "data/viralscope.duckdb", "VIRALSCOPE_DB", "path of the store (DuckDB file)"),
        Setting("config", "viralscope.toml", "VIRALSCOPE_CONFIG", "path of the TOML configuration file"),
        Setting(
            "lock_timeout",
            60.0,
            "VIRALSCOPE_LOCK_TIMEOUT",
            "seconds to wait for another process to release the store before giving up",
        ),
        Setting("lang", "en", "VIRALSCOPE_LANG", "interface language of the dashboard: en or ko"),
        Setting(
            "session_cache",
            "",
            "VIRALSCOPE_SESSION_CACHE",
            "file keeping login sessions (Bluesky, Reddit) between runs, readable by you only; 'off' keeps "
            "none (default: ~/.cache/viralscope/sessions.json)",
        ),
    ]
}


def resolve(name: str, flag: object = None, config: dict | None = None) -> object:
    """The value of a setting: the flag if given, else the environment, else the config file, else the default."""
    setting = SETTINGS[name]
    if flag is not None:
        return flag
    if os.environ.get(setting.env):
        value: object = os.environ[setting.env]
        return type(setting.default)(value) if not isinstance(setting.default, str) else value
    if config and name in config:
        return config[name]
    return setting.default


def db_path(flag: str | os.PathLike | None = None) -> Path:
    return Path(str(resolve("db", flag)))


def secret(variable: str) -> str | None:
    """A secret from the environment, or None. Callers never log or store the value."""
    value = os.environ.get(variable, "").strip()
    return value or None
