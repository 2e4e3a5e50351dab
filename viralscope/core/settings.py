"""Every environment variable the product reads, declared once with its default and help; read only here.

Settings (``SETTINGS``) merge as defaults < config file < environment < flags (``resolve``). Secrets are not
settings: they are read from the environment at the moment of use (``secret``) and are never stored, logged or
echoed; ``VARIABLES`` marks them so the documentation (``table``) shows no value for them. A configuration file
may name another variable for a secret (``webhook_env``, ``smtp_password_env``, ``pseudonym_key_env``, …): the
declared name is then the documented default.

One other module touches ``os.environ``, on purpose (``PASS_THROUGH``): the ``dashboard`` command hands the whole
environment on to the Streamlit process it starts. Spark's own variables (``PYSPARK_*``) are read and set through
``value`` and ``provide`` here like any other.
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


@dataclass(frozen=True)
class Variable:
    """One environment variable: its name, default (None: unset), help, and whether it holds a secret."""

    name: str
    default: object
    help: str
    secret: bool = False


def _variables() -> tuple[Variable, ...]:
    settings = [Variable(s.env, s.default, s.help) for s in SETTINGS.values()]
    mail = [
        Variable("VIRALSCOPE_REPORT_TO", None, "recipients of `report --email`, comma-separated (over [report] email_to)"),
        Variable("VIRALSCOPE_REPORT_FROM", None, "sender of `report --email` (over [report] email_from)"),
        Variable("VIRALSCOPE_SMTP_HOST", None, "mail server of `report --email` (over [report] smtp_host; default localhost)"),
        Variable("VIRALSCOPE_SMTP_PORT", None, "its port (over [report] smtp_port; default 25, 465 with ssl)"),
        Variable("VIRALSCOPE_SMTP_TLS", None, "none, starttls or ssl (over [report] smtp_tls)"),
        Variable("VIRALSCOPE_SMTP_USER", None, "SMTP login (the variable [alerts]/[report] smtp_user_env names)", True),
        Variable("VIRALSCOPE_SMTP_PASSWORD", None, "SMTP password (the variable smtp_password_env names)", True),
        Variable("VIRALSCOPE_WEBHOOK_URL", None, "Slack-compatible webhook of alerts (the variable [alerts] webhook_env names)", True),
        Variable("VIRALSCOPE_PSEUDONYM_KEY", None, "key of author pseudonyms (the variable [privacy] pseudonym_key_env "
                 "names; default: a random key kept in the store)", True),
        Variable("VIRALSCOPE_DASHBOARD_PASSWORD", None, "password of the dashboard (off when unset)", True),
    ]
    sources = [
        Variable("REDDIT_CLIENT_ID", None, "Reddit app's client id", True),
        Variable("REDDIT_CLIENT_SECRET", None, "Reddit app's client secret", True),
        Variable("MASTODON_ACCESS_TOKEN", None, "a Mastodon user's access token (keyword search)", True),
        Variable("BLUESKY_HANDLE", None, "Bluesky account handle", True),
        Variable("BLUESKY_APP_PASSWORD", None, "Bluesky app password", True),
        Variable("YOUTUBE_API_KEY", None, "YouTube Data API key", True),
        Variable("X_BEARER_TOKEN", None, "X API bearer token", True),
    ]
    others = [
        Variable("XDG_CACHE_HOME", "~/.cache", "the user's cache folder (holds viralscope/sessions.json by default)"),
        Variable("PYSPARK_PYTHON", None, "Python of Spark's workers; in local mode, set to this interpreter when unset"),
        Variable("PYSPARK_GATEWAY_PORT", None, "set by spark-submit; when present, the cluster's settings decide"),
    ]
    return tuple(settings + mail + sources + others)


#: Every environment variable the product reads, by name.
VARIABLES: dict[str, Variable] = {v.name: v for v in _variables()}

#: Modules that hand the environment on as a whole, and why (``tests/test_settings.py`` holds the list).
PASS_THROUGH = {
    "viralscope/commands/dashboard.py": "the dashboard command starts Streamlit with this process's environment",
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


def value(name: str) -> str | None:
    """A declared variable that is not a secret, stripped, or None when unset or empty."""
    variable = VARIABLES[name]
    if variable.secret:
        raise KeyError(f"{name} is a secret: read it with secret()")
    return os.environ.get(name, "").strip() or None


def provide(name: str, default: str) -> None:
    """Set the declared variable ``name`` for child processes when it is unset (Spark's ``PYSPARK_PYTHON``)."""
    if not value(name):
        os.environ[name] = default


def table() -> str:
    """The Markdown table of every variable, as ``docs/operations.md`` shows it (a test keeps the two equal)."""
    rows = ["| Variable | Default | What it is |", "|---|---|---|"]
    for v in VARIABLES.values():
        default = "(secret)" if v.secret else ("" if v.default in (None, "") else f"`{v.default}`")
        rows.append(f"| `{v.name}` | {default} | {v.help.replace('|', '/')} |")
    return "\n".join(rows)
