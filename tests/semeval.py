"""Converts the SemEval-2017 Task 8 reply threads (../shared/eval/semeval2017) into mention-contract rows."""

from __future__ import annotations

import json
from pathlib import Path


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
