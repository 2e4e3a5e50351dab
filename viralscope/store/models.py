"""Versioned models in the store's ``models`` table: save, activate, load, list.

A model is a name ("sentiment-ko"), a version (1, 2, …), when it was made, whether it is the active one, its
metrics (JSON) and its bytes. Saving a new version and making it active is one write transaction, so readers
see either the old active model or the new one, never none or two.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pandas as pd

from viralscope.core.errors import ModelError
from viralscope.store import Store

__all__ = ["StoredModel", "save_model", "activate", "deactivate", "active_model", "load_model", "list_models"]


@dataclass(frozen=True)
class StoredModel:
    """One stored version of a model."""

    name: str
    version: int
    created_at: dt.datetime
    active: bool
    metrics: dict
    blob: bytes

    @property
    def label(self) -> str:
        """How scores name the model that made them ("sentiment-ko@v3")."""
        return f"{self.name}@v{self.version}"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def save_model(store: Store, name: str, blob: bytes, metrics: dict | None = None, *, activate: bool = True) -> int:
    """Store ``blob`` as the next version of ``name``; make it the active one unless ``activate=False``."""
    if not name:
        raise ModelError("a model needs a name")
    store.ensure()
    with store.write() as con:
        version = con.execute("SELECT coalesce(max(version), 0) + 1 FROM models WHERE name = ?", [name]).fetchone()[0]
        if activate:
            con.execute("UPDATE models SET active = false WHERE name = ? AND active", [name])
        con.execute(
            "INSERT INTO models VALUES (?, ?, ?, ?, ?, ?)",
            [name, int(version), _now(), bool(activate), json.dumps(metrics or {}, default=str), bytes(blob)],
        )
    return int(version)


def activate(store: Store, name: str, version: int) -> None:
    """Make ``version`` the active model of ``name`` (and no other)."""
    store.ensure()
    with store.write() as con:
        found = con.execute("SELECT count(*) FROM models WHERE name = ? AND version = ?", [name, version]).fetchone()[0]
        if not found:
            raise ModelError(f"no model {name} version {version}")
        con.execute("UPDATE models SET active = (version = ?) WHERE name = ?", [version, name])


def deactivate(store: Store, name: str) -> None:
    """Leave ``name`` with no active model (scoring falls back to the built-in scorer)."""
    store.ensure()
    with store.write() as con:
        con.execute("UPDATE models SET active = false WHERE name = ?", [name])


def _row(row) -> StoredModel:
    name, version, created_at, active, metrics, blob = row
    return StoredModel(name, int(version), created_at, bool(active), json.loads(metrics or "{}"), bytes(blob))


def active_model(store: Store, name: str) -> StoredModel | None:
    """The active version of ``name``, or None."""
    return active_models(store, [name]).get(name)


def active_models(store: Store, names: list[str]) -> dict[str, StoredModel]:
    """The active version of each of ``names`` that has one, read over one connection."""
    if not store.path.exists() or not names:
        return {}
    out = {}
    with store.read() as con:
        for name in names:
            row = con.execute(
                "SELECT name, version, created_at, active, metrics, blob FROM models WHERE name = ? AND active "
                "ORDER BY version DESC LIMIT 1",
                [name],
            ).fetchone()
            if row is not None:
                out[name] = _row(row)
    return out


def load_model(store: Store, name: str, version: int) -> StoredModel:
    """One stored version; ``ModelError`` if there is no such version."""
    with store.read() as con:
        row = con.execute(
            "SELECT name, version, created_at, active, metrics, blob FROM models WHERE name = ? AND version = ?",
            [name, version],
        ).fetchone()
    if row is None:
        raise ModelError(f"no model {name} version {version}")
    return _row(row)


def list_models(store: Store, prefix: str = "") -> pd.DataFrame:
    """Every stored version (without the bytes): name, version, created_at, active, metrics, size."""
    if not store.path.exists():
        return pd.DataFrame(columns=["name", "version", "created_at", "active", "metrics", "size"])
    df = store.query(
        "SELECT name, version, created_at, active, metrics, octet_length(blob) AS size FROM models "
        "WHERE starts_with(name, ?) ORDER BY name, version",
        [prefix],
    )
    df["metrics"] = [json.loads(m or "{}") for m in df["metrics"]]
    return df
