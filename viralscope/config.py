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
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from viralscope.errors import ConfigError


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
    return Config(
        brand=_brand(raw["brand"], f"{origin}: brand") if "brand" in raw else None,
        competitors=tuple(_brand(b, f"{origin}: competitors[{i}]") for i, b in enumerate(raw.get("competitors", []))),
        campaigns=tuple(campaigns),
        alerts=dict(raw.get("alerts", {})),
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
    explicit = flag or os.environ.get("VIRALSCOPE_CONFIG")
    if explicit:
        return read_config_file(explicit)
    if Path("viralscope.toml").exists():
        return read_config_file("viralscope.toml")
    if store is not None and store.path.exists():
        saved = store.get_meta("config")
        if saved:
            return parse_config(saved, f"{store.path} (saved by the demo world)")
    return Config()
