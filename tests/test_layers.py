"""The layers of the house (pyproject.toml, docs/architecture.md) hold, and a forbidden import breaks them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("viralscope", "collectors", "sentiment", "diffusion", "metrics", "dashboard")
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed (pip install -e '.[dev]')")


def _lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--no-cache", "--config", str(root / "pyproject.toml")], cwd=root,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)


def _copy(tmp_path: Path) -> Path:
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_project_keeps_its_layers():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("module", "forbidden"), [
    ("metrics/lift.py", "from viralscope import kpis"),  # a stage reaching up to a service
    ("metrics/lift.py", "import diffusion"),  # one stage importing another
    ("viralscope/core/times.py", "import metrics"),  # the core importing anything of the project
    ("viralscope/kpis.py", "import dashboard"),  # a service reaching up to a face
    ("viralscope/store/__init__.py", "import collectors"),  # the store importing a stage
])
def test_a_forbidden_import_breaks_the_contract(tmp_path, module, forbidden):
    root = _copy(tmp_path)
    path = root / module
    path.write_text(path.read_text() + f"\n{forbidden}  # noqa\n")
    result = _lint(root)
    assert result.returncode != 0 and "BROKEN" in result.stdout, result.stdout + result.stderr
