"""Stores for the report tests: the demo world (labelled as a perfect sentiment stage would, and not), and a
small world with hostile mentions in every place mention text reaches a report."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests import metrics_world
from viralscope import ingest
from viralscope.config import parse_config
from viralscope.store import Store

#: Mention text that must stay inert: markup, script, event handlers, links, spreadsheet formulas.
HOSTILE = [
    "<script>alert('pwned')</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(2)">click me</a>',
    "<svg onload=alert(3)><circle r=5/></svg>",
    '"><iframe src="http://evil.example/"></iframe>',
    "=HYPERLINK(\"http://evil.example\",\"win\")",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "</style><style>body{background:url(http://evil.example/x)}</style>",
    "{{ 7*7 }} {% raw %}",
]
HOSTILE_WEEK = "2026-W06"
#: A valid link whose query tries to break out of the attribute.
EVIL_URL = "https://example.com/evil?q=\"><script>alert(4)</script>&x='onmouseover=alert(5)'"


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory):
    """The demo world with the tone each mention was written with as its sentiment label."""
    from viralscope.demo import build_world
    from viralscope.demo.install import install

    store = Store(tmp_path_factory.mktemp("demo") / "demo.duckdb", lock_timeout=30)
    world = build_world()
    install(store, world)
    with store.write() as con:
        con.execute("UPDATE mentions SET sentiment_label = json_extract_string(extra, '$.tone')")
    return store, world.truth, parse_config(world.config, "demo")


@pytest.fixture(scope="session")
def unscored_store(tmp_path_factory):
    """The demo world as ``viralscope demo`` leaves it: no sentiment scores yet."""
    from viralscope.demo import build_world
    from viralscope.demo.install import install

    store = Store(tmp_path_factory.mktemp("unscored") / "demo.duckdb", lock_timeout=30)
    world = build_world(days=56, scale=8000)
    install(store, world)
    return store, parse_config(world.config, "demo")


def hostile_rows(start: str = "2026-02-03 09:00") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hostile mentions (and their labels): big authors so they top the notable mentions, repeated so their
    words emerge as themes, negative bursts so an incident is driven by them, shares so they root cascades."""
    t0 = pd.Timestamp(start)
    rows, labels = [], []
    for i, text in enumerate(HOSTILE):
        for j in range(6):
            mid = f"evil{i}-{j}"
            label = "negative" if (i + j) % 2 else "positive"  # j = 0: half the texts each way
            rows.append({"id": mid, "source": "demo", "created_at": t0 + pd.Timedelta(minutes=7 * i + j),
                         "text": f"{text} lumio evilword{i}", "author_name": text if j == 0 else f"{text}{j}",
                         "author_id": f"evil_{i}_{j}", "author_followers": 10_000_000 - 1000 * j + i, "brand": "Lumio",
                         "kind": "post", "url": EVIL_URL, "hostile_note": text})
            labels.append({"source": "demo", "id": mid, "sentiment_label": label})
            for k in range(3):
                sid = f"{mid}-s{k}"
                rows.append({"id": sid, "source": "demo", "parent_id": mid, "kind": "share", "text": "",
                             "created_at": t0 + pd.Timedelta(minutes=7 * i + j + k + 1), "author_id": f"fan{k}",
                             "brand": "Lumio"})
                labels.append({"source": "demo", "id": sid, "sentiment_label": label})
    return pd.DataFrame(rows), pd.DataFrame(labels)


@pytest.fixture(scope="session")
def hostile_store(tmp_path_factory):
    """A small labelled world (tests/metrics_world.py) with hostile mentions in the week of 2026-02-02, and
    one stored link that slipped past the import check (written directly, as an old store might hold)."""
    store = Store(tmp_path_factory.mktemp("hostile") / "hostile.duckdb", lock_timeout=30)
    store.ensure()
    metrics_world.build(store, days=42)
    rows, labels = hostile_rows()
    ingest.write_mentions(store, rows, origin="hostile.jsonl")
    metrics_world.label(store, labels)
    with store.write() as con:
        con.execute("UPDATE mentions SET url = 'javascript:alert(document.cookie)' WHERE id = 'evil0-0'")
    raw = dict(metrics_world.CONFIG)
    raw["brand"] = dict(raw["brand"], name="Lumio")
    return store, parse_config(json.loads(json.dumps(raw)), "test.toml")
