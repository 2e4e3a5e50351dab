"""Rules of the house that a reader would otherwise have to trust (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("viralscope", "collectors", "sentiment", "diffusion", "metrics", "dashboard")
CORE = ROOT / "viralscope" / "core"


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if CORE not in path.parents:
                yield path, ast.parse(path.read_text(), str(path))


def test_only_the_core_converts_time_zones():
    """One aware-UTC convention: conversions (``tz_convert``, ``tz_localize``, ``to_datetime(utc=True)``)
    live in ``viralscope.core.times``; every other module asks it."""
    found = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            utc_flag = any(k.arg == "utc" for k in node.keywords)
            if name in ("tz_convert", "tz_localize", "_naive") or (name == "to_datetime" and utc_flag):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert not found, "\n".join(found)
