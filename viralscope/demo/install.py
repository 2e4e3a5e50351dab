"""Putting a demo world into a store: mentions, conversions, its configuration, and the truth beside it.

Running it again with the same parameters changes nothing (every write is an idempotent upsert). A store
that already holds other data — real mentions, or a demo world built with other parameters — is refused:
mixing a fictional world into it would make every number wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from viralscope import ingest
from viralscope.core.errors import ConfigError
from viralscope.demo.world import World
from viralscope.store import Store

ORIGIN = "demo"


@dataclass(frozen=True)
class Installed:
    """What ``install`` wrote, for the one line the command prints."""

    mentions: ingest.ImportSummary
    conversions: ingest.ImportSummary
    truth_path: Path

    def line(self, world: World) -> str:
        p = world.truth["params"]
        m, c = self.mentions, self.conversions
        return (
            f"demo world (seed {p['seed']}, {p['days']} days from {p['start']}): {m.rows:,} mentions "
            f"({m.inserted:,} new, {m.updated:,} updated, {m.unchanged:,} unchanged), {c.rows} days of conversions; "
            f"truth in {self.truth_path}"
        )


def truth_path(store: Store) -> Path:
    """Where the truth of the store's demo world is written: beside the store, ``<store>.truth.json``."""
    return store.path.with_suffix(".truth.json")


def check_can_install(store: Store, params: dict) -> None:
    """Refuse a store that holds data other than this same demo world."""
    if store.is_empty():
        return
    saved = store.get_meta("demo")
    if saved is None:
        raise ConfigError(
            f"{store.path}: the store already holds {store.count_mentions():,} mentions that are not a demo world; "
            "build the demo into another store (--db PATH)"
        )
    if saved != params:
        raise ConfigError(
            f"{store.path}: the store holds a demo world built with {saved}, not {params}; "
            "use another store (--db PATH) or the same parameters"
        )


def install(store: Store, world: World, *, progress: bool = False) -> Installed:
    """Write ``world`` into ``store`` and its truth beside it."""
    params = world.truth["params"]
    check_can_install(store, params)
    with tqdm(total=3, desc="writing the demo world", unit="step", disable=not progress, leave=False) as bar:
        store.ensure()
        store.set_meta("demo", params)
        mentions = ingest.write_mentions(store, world.mentions, origin=ORIGIN)
        bar.update()
        conversions = ingest.write_conversions(store, world.conversions, origin=ORIGIN)
        store.set_meta("config", world.config)
        bar.update()
        path = truth_path(store)
        text = json.dumps(world.truth, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
        bar.update()
    return Installed(mentions=mentions, conversions=conversions, truth_path=path)
