"""Rules of the house that a reader would otherwise have to trust (docs/architecture.md)."""

from __future__ import annotations

import ast
import re
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


SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT INTO|UPDATE\s+\w+(\s+AS\s+\w+)?\s+SET|DELETE FROM|CREATE (TEMP )?TABLE)\b", re.S)
STORE = ROOT / "viralscope" / "store"


def _docstrings(tree) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def test_sql_lives_in_the_store_package():
    """Every SQL string is in ``viralscope.store`` (the store, its writes and the query layer)."""
    found = []
    for path, tree in _modules():
        if STORE in path.parents:
            continue
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            parts = []
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
                parts = [node.value]
            elif isinstance(node, ast.JoinedStr):
                parts = [v.value for v in node.values if isinstance(v, ast.Constant)]
            if any(SQL.search(p) for p in parts):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, "\n".join(sorted(set(found)))
