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


@dataclass(frozen=True)
class Config:
    brand: Brand | None = None
    competitors: tuple[Brand, ...] = ()
    campaigns: tuple[Campaign, ...] = ()
    alerts: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    themes: dict = field(default_factory=dict)
    origin: str = "defaults"
    raw: dict = field(default_factory=dict)

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
        table = dict(self.alerts.get(kind) or {})
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
        if kind != "volume" or not dict(self.alerts.get(kind) or {}).get("competitors", True):
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
    alerts = dict(raw.get("alerts", {}))
    for kind in DETECTIONS:
        _detection_table(alerts.get(kind), kind, f"{origin}: alerts.{kind}",
                         {b.name for b in ((brand,) if brand else ()) + competitors})
    return Config(
        brand=brand,
        competitors=competitors,
        campaigns=tuple(campaigns),
        alerts=alerts,
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
    return parse_config(raw, str(path))


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
            return parse_config(saved, f"{store.path} (saved by the demo world)")
    return Config()
