"""Every environment variable is declared once in viralscope/core/settings.py, documented, and read only there."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from viralscope.core import settings

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("viralscope", "dashboard", "collectors", "sentiment", "diffusion", "metrics")
SETTINGS_MODULE = "viralscope/core/settings.py"
#: A string that names an environment variable of ours, of a source's API or of the platform.
VARIABLE_NAME = re.compile(r"^(VIRALSCOPE|REDDIT|MASTODON|BLUESKY|YOUTUBE|X|PYSPARK|XDG)_[A-Z0-9_]+$")


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def test_every_declared_variable_is_documented_as_declared():
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    start = text.index("<!-- environment variables: generated from viralscope.core.settings.table() -->\n")
    end = text.index("\n<!-- end of environment variables -->")
    assert text[text.index("\n", start) + 1 : end] == settings.table(), (
        "docs/operations.md's table of environment variables differs from viralscope.core.settings.table()"
    )
    for name in settings.VARIABLES:
        assert f"`{name}`" in text


def test_secrets_show_no_value_in_the_documentation():
    rows = {line.split("|")[1].strip(" `"): line for line in settings.table().splitlines()[2:]}
    for name, variable in settings.VARIABLES.items():
        assert ("(secret)" in rows[name]) == variable.secret, name


def test_only_the_settings_module_reads_the_environment():
    readers = []
    for module, tree in _modules():
        if module == SETTINGS_MODULE or module in settings.PASS_THROUGH:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb", "putenv"):
                readers.append(f"{module}:{node.lineno}")
            elif isinstance(node, ast.ImportFrom) and node.module == "os" and any(
                a.name in ("environ", "getenv") for a in node.names
            ):
                readers.append(f"{module}:{node.lineno}")
    assert not readers, f"read the environment through viralscope.core.settings: {readers}"


def test_every_variable_named_in_the_code_is_declared():
    named = {}
    for module, tree in _modules():
        if module == SETTINGS_MODULE:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and VARIABLE_NAME.match(node.value):
                named.setdefault(node.value, f"{module}:{node.lineno}")
    missing = {name: where for name, where in named.items() if name not in settings.VARIABLES}
    assert named and not missing, f"declare these in viralscope/core/settings.py: {missing}"


def test_a_secret_is_not_read_as_a_plain_value(monkeypatch):
    monkeypatch.setenv("VIRALSCOPE_SMTP_PASSWORD", "hunter2")
    with pytest.raises(KeyError):
        settings.value("VIRALSCOPE_SMTP_PASSWORD")
    assert settings.secret("VIRALSCOPE_SMTP_PASSWORD") == "hunter2"
    with pytest.raises(KeyError):
        settings.value("NOT_DECLARED_ANYWHERE")
