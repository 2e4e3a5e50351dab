"""Where the shared evaluation data lives, and a skip marker for when it does not (a user's clone)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EVAL = Path(os.environ.get("VIRALSCOPE_EVAL", ROOT.parent / "shared" / "eval"))


def needs(*parts: str):
    """Skip unless ``../shared/eval/<parts>`` exists."""
    path = EVAL.joinpath(*parts)
    return pytest.mark.skipif(
        not path.exists(), reason=f"evaluation data {path} is absent (it lives in ../shared, not in a clone)"
    )
