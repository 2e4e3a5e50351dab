"""Converts the SemEval-2017 Task 8 reply threads (../shared/eval/semeval2017) into mention-contract rows."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from viralscope import ingest, scoring
from viralscope.store import Store


def thread_rows(split_dir: Path) -> tuple[list[dict], int]:
    """Mention rows of every post that ``posts.json`` holds, and how many tree nodes it lacks.

    A node missing from ``posts.json`` is dropped; its children keep their ``parent_id``, so the import
    makes each of them the root of a cascade of its own (DESIGN's missing-parent rule).
    """
    structures = json.loads((split_dir / "structures.json").read_text(encoding="utf-8"))
    posts = json.loads((split_dir / "posts.json").read_text(encoding="utf-8"))
    rows, missing = [], 0

    def walk(tree: dict, parent: str | None) -> None:
        nonlocal missing
        for post_id, children in tree.items():
            post = posts.get(post_id)
            if post is None:
                missing += 1
            else:
                rows.append({
                    "id": post_id, "source": "twitter", "created_at": int(post["time"]), "text": post["text"],
                    "parent_id": parent, "kind": "reply" if parent else "post",
                })
            if isinstance(children, dict):
                walk(children, post_id)

    for tree in structures.values():
        walk(tree, None)
    return rows, missing


def write_jsonl(rows: list[dict], path: Path) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def event_of_threads(split_dir: Path, gap_days: float = 3.0) -> dict[str, str]:
    """Each thread's news event: threads whose first posts lie less than ``gap_days`` apart belong to one burst
    of news (the PHEME events: Ferguson, Ottawa, Sydney, Charlie Hebdo …), named ``E`` + the burst's first day.

    The event names are not in the release; the bursts are, and they separate cleanly (weeks of silence apart).
    """
    structures = json.loads((split_dir / "structures.json").read_text(encoding="utf-8"))
    posts = json.loads((split_dir / "posts.json").read_text(encoding="utf-8"))
    starts = sorted((int(posts[root]["time"]), thread) for thread, tree in structures.items() for root in tree
                    if root in posts)
    out, name, previous = {}, None, None
    for time, thread in starts:
        if previous is None or time - previous > gap_days * 86400:
            name = "E" + dt.datetime.fromtimestamp(time, dt.UTC).strftime("%Y-%m-%d")
        out[thread] = name
        previous = time
    return out


def brand_rows(split_dir: Path, brands: int = 5) -> tuple[list[dict], list[str]]:
    """The threads as mentions of brands: the ``brands`` largest news events, the largest first (the brand), the
    others its competitors; threads of smaller events are left out. Returns the rows and the brand names."""
    structures = json.loads((split_dir / "structures.json").read_text(encoding="utf-8"))
    events = event_of_threads(split_dir)
    rows, _ = thread_rows(split_dir)
    root_thread = {root: thread for thread, tree in structures.items() for root in tree}
    by_id = {r["id"]: r for r in rows}

    def event(row: dict) -> str | None:
        while row["parent_id"] is not None and row["parent_id"] in by_id:
            row = by_id[row["parent_id"]]
        return events.get(root_thread.get(row["id"], ""))

    for r in rows:
        r["brand"] = event(r)
    sizes: dict[str, int] = {}
    for r in rows:
        if r["brand"]:
            sizes[r["brand"]] = sizes.get(r["brand"], 0) + 1
    names = sorted(sizes, key=lambda n: (-sizes[n], n))[:brands]
    return [r for r in rows if r["brand"] in names], names


def semeval_world(split_dir: Path, folder: Path, lock_timeout: float = 30):
    """A store of the threads of ``split_dir`` as brand mentions (:func:`brand_rows`), scored, and a configuration
    naming the largest event the brand and the next ones its competitors. Returns ``(store, config path, names)``."""
    folder.mkdir(parents=True, exist_ok=True)
    rows, names = brand_rows(split_dir)
    config = folder / "viralscope.toml"
    config.write_text(f'[brand]\nname = "{names[0]}"\nquery = "news"\n' + "".join(
        f'\n[[competitors]]\nname = "{n}"\nquery = "news"\n' for n in names[1:]), encoding="utf-8")
    store = Store(folder / "store.duckdb", lock_timeout=lock_timeout)
    store.ensure()
    ingest.import_file(store, write_jsonl(rows, folder / "threads.jsonl"))
    scoring.score_store(store)
    return store, config, names
