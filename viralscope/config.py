"""The one TOML configuration file: brand, its Boolean query, competitors, brand accounts, campaigns, alerts.

Where it comes from, first match wins: ``--config FILE``, ``$VIRALSCOPE_CONFIG``, ``./viralscope.toml``, and
finally the configuration the demo world saved in the store (so the demo needs no file). Secrets never live
here: a target names the environment variable that holds its secret (``webhook_env = "…"``).

Example::

    [brand]
    name = "Lumio"
    query = '"Lumio" OR 루미오'
    accounts = ["lumio", "lumio_care"]        # author_id or author_name of the brand's own accounts

    [[competitors]]
    name = "Brightly"
    query = 'Brightly OR 브라이틀리'

    [[campaigns]]
    name = "Glow Surprise"
    start = 2026-02-02                         # half-open: [start, end)
    end = 2026-02-16
    cost = 50000.0
    value_per_conversion = 42.0

    [alerts]
    webhook_env = "VIRALSCOPE_WEBHOOK_URL"
    email_to = ["pr@example.com"]

    [alerts.volume]                            # mention-volume spikes (metrics.detect_spikes)
    competitors = true                         # each competitor's too, reported apart
    min_excess = 20                            # any detector setting, for every brand
    [alerts.volume.brands.Kandela]             # one brand's own settings
    enabled = false
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from viralscope.core import settings
from viralscope.core.errors import ConfigError

#: What ``alerts check`` watches: negative-mention crises of the brand (``metrics.detect_crises``) and
#: mention-volume spikes (``metrics.detect_spikes``) of the brand and, apart, of each competitor.
DETECTIONS = ("negative", "volume")
#: Settings of ``detect_crises`` beyond the spike engine's own.
CRISIS_SETTINGS = ("min_share_ratio", "count_share_ratio")


@dataclass(frozen=True)
class Detection:
    """Whether one kind of incident is watched for one brand, and the detector's settings for it."""

    enabled: bool
    settings: dict


@dataclass(frozen=True)
class Brand:
    name: str
    query: str | None = None
    accounts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Campaign:
    name: str
    start: dt.date
    end: dt.date
    cost: float | None = None
    value_per_conversion: float | None = None
    currency: str = "USD"


#: How the SMTP connection is secured: none, STARTTLS on a plain connection, or SSL from the start.
TLS_MODES = ("none", "starttls", "ssl")

# What a key of a typed section must hold: (check, what the error says it must be, conversion).
_KINDS = {
    "text": (lambda v: isinstance(v, str), "a string", str),
    "whole": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0, "a whole number ≥ 0", int),
    "number": (lambda v: isinstance(v, int | float) and not isinstance(v, bool) and v >= 0, "a number ≥ 0", float),
    "hours": (lambda v: isinstance(v, int | float) and not isinstance(v, bool) and v > 0,
              "a positive number of hours", float),
    "tls": (lambda v: isinstance(v, str) and v.lower() in TLS_MODES, "one of " + ", ".join(TLS_MODES), str.lower),
    "addresses": (lambda v: isinstance(v, str) or (isinstance(v, list) and all(isinstance(a, str) for a in v)),
                  "an address or a list of addresses",
                  lambda v: tuple(a.strip() for a in (v.split(",") if isinstance(v, str) else v) if a.strip())),
    "table": (lambda v: isinstance(v, dict), "a table", dict),
    "language": (lambda v: isinstance(v, str) and v.lower() in ("en", "ko"), "en or ko", str.lower),
}


def _key(kind: str, default=None):
    return field(default=default, metadata={"kind": kind})


@dataclass(frozen=True)
class Smtp:
    """The SMTP keys ``[alerts]`` and ``[report]`` share; None where the file says nothing (each user has its
    own defaults, see ``viralscope.mail``). A password is never read from the file: the key ``smtp_password``
    is accepted and ignored, ``smtp_password_env`` names the variable that holds it."""

    email_to: tuple[str, ...] = _key("addresses", ())
    email_from: str | None = _key("text")
    smtp_host: str | None = _key("text")
    smtp_port: int | None = _key("whole")
    smtp_tls: str | None = _key("tls")
    smtp_user: str | None = _key("text")
    smtp_user_env: str | None = _key("text")
    smtp_password_env: str | None = _key("text")
    retries: int | None = _key("whole")
    retry_backoff: float | None = _key("number")


@dataclass(frozen=True)
class AlertsSection(Smtp):
    """``[alerts]``: where alerts go (a webhook, e-mail), how far back they are news, and what is watched."""

    webhook_env: str | None = _key("text")
    lookback_hours: float = _key("number", 24.0)
    negative: dict = _key("table", None)
    volume: dict = _key("table", None)

    def table(self, kind: str) -> dict:
        """``[alerts.<kind>]`` as written (checked by ``parse_config``), or an empty table."""
        return dict(getattr(self, kind) or {})


@dataclass(frozen=True)
class ReportSection(Smtp):
    """``[report]``: the e-mail of ``report --email`` (over ``[alerts]``'s SMTP keys, see ``viralscope.mail``)
    and the report's ``language`` (``en`` or ``ko``; ``report --lang`` overrides it)."""

    language: str | None = _key("language")


@dataclass(frozen=True)
class MetricsSection:
    """``[metrics]``: the money and time assumptions of the KPIs (docs/metrics.md)."""

    cpm: float = _key("number", 5.0)
    currency: str = _key("text", "USD")
    reach_rate: float = _key("number", 1.0)
    response_final_hours: float = _key("hours", 48.0)


@dataclass(frozen=True)
class PrivacySection:
    """``[privacy]``: the variable holding the key of author pseudonyms (docs/reports.md)."""

    pseudonym_key_env: str = _key("text", "VIRALSCOPE_PSEUDONYM_KEY")


#: The typed sections: the attribute of ``Config`` that holds each, its class, and keys accepted but ignored.
SECTIONS = {"alerts": (AlertsSection, ("smtp_password",)), "report": (ReportSection, ("smtp_password",)),
            "metrics": (MetricsSection, ()), "privacy": (PrivacySection, ())}


def _section(cls, table, name: str, origin: str, ignored: tuple[str, ...] = ()):
    """``[name]`` of the file ``origin`` as ``cls``: every key known and of its type, or a one-line ConfigError."""
    if table is None:
        table = {}
    if not isinstance(table, dict):
        raise ConfigError(f"{origin}: {name}: must be a table")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values = {}
    for key, value in table.items():
        if key in ignored:
            continue
        if key not in fields:
            known = ", ".join(sorted(set(fields) | set(ignored)))
            raise ConfigError(f"{origin}: {name}: unknown key {key!r} (known: {known})")
        check, expected, convert = _KINDS[fields[key].metadata["kind"]]
        if not check(value):
            raise ConfigError(f"{origin}: {name}.{key}: {value!r} is not {expected}")
        values[key] = convert(value)
    return cls(**values)


def configured_brand(config: Config | None) -> str | None:
    """The configured brand's name: None without a configuration, or with one that names no brand."""
    return config.brand.name if config is not None and config.brand else None


@dataclass(frozen=True)
class Config:
    brand: Brand | None = None
    competitors: tuple[Brand, ...] = ()
    campaigns: tuple[Campaign, ...] = ()
    sources: dict = field(default_factory=dict)
    themes: dict = field(default_factory=dict)
    origin: str = "defaults"
    raw: dict = field(default_factory=dict)

    # The typed sections, each parsed and checked once, when first used (``check`` parses them all).
    @functools.cached_property
    def alerts(self) -> AlertsSection:
        return self._section("alerts")

    @functools.cached_property
    def report(self) -> ReportSection:
        return self._section("report")

    @functools.cached_property
    def metrics(self) -> MetricsSection:
        return self._section("metrics")

    @functools.cached_property
    def privacy(self) -> PrivacySection:
        return self._section("privacy")

    def _section(self, name: str):
        cls, ignored = SECTIONS[name]
        return _section(cls, self.raw.get(name), name, self.origin, ignored)

    def check(self) -> Config:
        """This configuration, once every typed section has been parsed (a ConfigError names the first fault)."""
        for name in SECTIONS:
            getattr(self, name)
        return self

    @property
    def brands(self) -> tuple[Brand, ...]:
        """The brand first, then its competitors: every tracked brand."""
        return ((self.brand,) if self.brand else ()) + self.competitors

    @property
    def brand_accounts(self) -> tuple[str, ...]:
        return self.brand.accounts if self.brand else ()

    def accounts_of(self, name: str | None) -> tuple[str, ...]:
        """The own accounts of the tracked brand ``name`` (the configured brand's for None or an unknown name)."""
        found = [b for b in self.competitors if b.name == name]
        return found[0].accounts if found else self.brand_accounts

    def detection(self, kind: str, brand: str | None) -> Detection:
        """``[alerts.<kind>]`` for ``brand``: its own table under ``brands`` over the kind's, over the defaults
        (every kind watched, the detector's default settings)."""
        table = self.alerts.table(kind)
        own = dict((table.get("brands") or {}).get(brand) or {}) if brand else {}
        enabled = bool(own.get("enabled", table.get("enabled", True)))
        settings = {k: v for k, v in table.items() if k not in ("enabled", "competitors", "brands")}
        settings.update({k: v for k, v in own.items() if k != "enabled"})
        if "windows" in settings:
            settings["windows"] = tuple(settings["windows"])
        return Detection(enabled, settings)

    def watched_competitors(self, kind: str) -> tuple[Brand, ...]:
        """Competitors whose incidents of ``kind`` are watched beside the brand's: their volume spikes unless
        ``[alerts.volume] competitors = false`` (or their own ``enabled = false``); never their crises."""
        if kind != "volume" or not self.alerts.table(kind).get("competitors", True):
            return ()
        return tuple(c for c in self.competitors if self.detection(kind, c.name).enabled)


def _date(value, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _brand(raw: dict, where: str) -> Brand:
    if not isinstance(raw, dict) or not raw.get("name"):
        raise ConfigError(f"{where}: needs a name")
    accounts = raw.get("accounts", [])
    if not isinstance(accounts, list):
        raise ConfigError(f"{where}.accounts: must be a list of account ids or names")
    return Brand(name=str(raw["name"]), query=raw.get("query"), accounts=tuple(str(a) for a in accounts))


def _detection_table(table, kind: str, where: str, brands: set[str]) -> None:
    """Check an ``[alerts.negative]`` or ``[alerts.volume]`` table: known keys, valid detector settings."""
    from metrics.spikes import SpikeSettings

    if table is None:
        return
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    settings = {f.name for f in dataclasses.fields(SpikeSettings)} | (set(CRISIS_SETTINGS) if kind == "negative" else set())
    top = {"enabled", "brands"} | ({"competitors"} if kind == "volume" else set())

    def check(t: dict, allowed: set[str], at: str) -> None:
        for key, value in t.items():
            if key not in allowed:
                raise ConfigError(f"{at}: unknown key {key!r} (known: {', '.join(sorted(allowed))})")
            if key in ("enabled", "competitors") and not isinstance(value, bool):
                raise ConfigError(f"{at}.{key}: must be true or false")
        given = {k: (tuple(v) if isinstance(v, list) else v) for k, v in t.items() if k in settings}
        spike = {k: v for k, v in given.items() if k not in CRISIS_SETTINGS}
        try:
            SpikeSettings.of(**spike)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{at}: {exc}") from None
        for k in set(given) & set(CRISIS_SETTINGS):
            if not isinstance(given[k], int | float) or given[k] <= 0:
                raise ConfigError(f"{at}.{k}: must be a number > 0")

    check(table, top | settings, where)
    own = table.get("brands") or {}
    if not isinstance(own, dict):
        raise ConfigError(f"{where}.brands: must hold one table per brand")
    for name, t in own.items():
        if name not in brands:
            raise ConfigError(f"{where}.brands.{name}: not a tracked brand (known: {', '.join(sorted(brands)) or 'none'})")
        if not isinstance(t, dict):
            raise ConfigError(f"{where}.brands.{name}: must be a table")
        check(t, {"enabled"} | settings, f"{where}.brands.{name}")


def parse_config(raw: dict, origin: str) -> Config:
    """Check a parsed TOML document and turn it into a Config; errors name the file and the key."""
    campaigns = []
    for i, c in enumerate(raw.get("campaigns", [])):
        where = f"{origin}: campaigns[{i}]"
        if "name" not in c or "start" not in c or "end" not in c:
            raise ConfigError(f"{where}: needs name, start and end")
        start, end = _date(c["start"], f"{where}.start"), _date(c["end"], f"{where}.end")
        if end <= start:
            raise ConfigError(f"{where}: end {end} is not after start {start}")
        for key in ("cost", "value_per_conversion"):
            if key in c and (not isinstance(c[key], int | float) or c[key] < 0):
                raise ConfigError(f"{where}.{key}: must be a number ≥ 0")
        campaigns.append(
            Campaign(
                name=str(c["name"]), start=start, end=end, cost=c.get("cost"),
                value_per_conversion=c.get("value_per_conversion"), currency=str(c.get("currency", "USD")),
            )
        )
    brand = _brand(raw["brand"], f"{origin}: brand") if "brand" in raw else None
    competitors = tuple(_brand(b, f"{origin}: competitors[{i}]") for i, b in enumerate(raw.get("competitors", [])))
    alerts = raw.get("alerts") or {}
    for kind in DETECTIONS:
        _detection_table(alerts.get(kind) if isinstance(alerts, dict) else None, kind, f"{origin}: alerts.{kind}",
                         {b.name for b in ((brand,) if brand else ()) + competitors})
    return Config(
        brand=brand,
        competitors=competitors,
        campaigns=tuple(campaigns),
        sources=dict(raw.get("sources", {})),
        themes=dict(raw.get("themes", {})),
        origin=origin,
        raw=raw,
    )


def read_config_file(path: str | os.PathLike) -> Config:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(raw, str(path)).check()


def load_config(flag: str | None = None, *, store=None) -> Config:
    """The configuration in force (see the module docstring for the order)."""
    explicit = flag or settings.value("VIRALSCOPE_CONFIG")
    if explicit:
        return read_config_file(explicit)
    if Path("viralscope.toml").exists():
        return read_config_file("viralscope.toml")
    if store is not None and store.path.exists():
        saved = store.get_meta("config")
        if saved:
            return parse_config(saved, f"{store.path} (saved by the demo world)").check()
    return Config()
