"""No sentence of the evaluation sets is copied into a test: figures measured on them would flatter rules
written to pass those tests. Skipped when ../shared/eval is absent."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.evaldata import EVAL, needs

TESTS = Path(__file__).resolve().parent


def _norm(text: str) -> str:
    return re.sub(r"[\s.!?~…]+$", "", " ".join(text.split()).lower())


def _gold() -> set[str]:
    from bench.eval_sentiment import VADER_SETS, load_nsmc, load_vader

    texts = []
    for name in VADER_SETS:
        texts += load_vader(name)[1]
    for split in ("train", "test"):
        texts += load_nsmc(split)[0]
    return {_norm(t) for t in texts}


def copied(literals, gold: set[str]) -> list[str]:
    """Literals equal to a gold text of two or more words, holding one of 20 characters or more, or 20
    characters or more of one."""
    long = [g for g in gold if len(g) >= 20]
    blob = "\n".join(gold)
    out = []
    for text in literals:
        s = _norm(text)
        if (len(s.split()) >= 2 and s in gold) or (
                len(s) >= 20 and (s in blob or any(g in s for g in long if g[:8] in s))):
            out.append(text)
    return out


def _literals(path: Path) -> list[str]:
    return [n.value for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and len(n.value.strip()) >= 4]


@pytest.mark.eval
@needs("vader")
@needs("nsmc")
def test_no_gold_sentence_in_the_tests():
    gold = _gold()
    found = {p.name: hit for p in sorted(TESTS.glob("test_*.py")) if (hit := copied(_literals(p), gold))}
    assert not found, found


@needs("vader")
def test_the_check_finds_a_copy():
    from bench.eval_sentiment import load_vader

    text = load_vader("tweets")[1][0]
    gold = {_norm(text)}
    assert copied([text, text.upper() + "!", f"prefix {text} suffix", text[2:-2]], gold)[:1] == [text]
    assert len(copied([text, text.upper() + "!", f"prefix {text} suffix", text[2:-2]], gold)) == 4
    assert copied(["a sentence of our own about lamps"], gold) == []
    assert EVAL.exists()
