"""``viralscope sentiment train | eval | rescore | models | activate | deactivate``."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from click.testing import CliRunner

from viralscope import scoring
from viralscope.cli import main
from viralscope.ingest import write_mentions
from viralscope.store import Store
from viralscope.store import models as modelstore

POSITIVE = ["조명 정말 좋아요", "최고예요", "강추합니다", "만족해요", "예뻐요", "재밌어요", "감동이에요", "친절해요"]
NEGATIVE = ["별로예요", "최악이에요", "실망했어요", "지루해요", "불편해요", "짜증나요", "비싸요", "고장났어요"]


def _run(db, *args):
    return CliRunner().invoke(main, ["--db", str(db), "sentiment", *args], catch_exceptions=False)


def _labels_csv(path, rows=240, seed=1):
    rng = random.Random(seed)
    lines = ["text,label"]
    for i in range(rows):
        label = "positive" if i % 2 else "negative"
        words = rng.sample(POSITIVE if i % 2 else NEGATIVE, 2)
        lines.append(f"{words[0]} {words[1]} {i},{label}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_train_stores_an_active_model_then_eval_and_rescore(tmp_path):
    db = tmp_path / "s.duckdb"
    store = Store(db)
    write_mentions(store, pd.DataFrame({"id": ["1", "2"], "source": "x", "created_at": "2026-01-05", "text": ["좋아요", "good"]}), origin="t")
    scoring.score_store(store)
    result = _run(db, "train", str(_labels_csv(tmp_path / "labels.csv")), "--folds", "3")
    assert result.exit_code == 0, result.output
    assert "ko: sentiment-ko v1 from 240 labels" in result.output and "; active" in result.output
    assert "cross-validated accuracy" in result.output and "built-in scorer on the same labels" in result.output
    stored = modelstore.active_model(store, "sentiment-ko")
    assert stored.metrics["rows"] == 240 and stored.metrics["cv"]["folds"] == 3
    result = _run(db, "eval", str(_labels_csv(tmp_path / "test.csv", rows=60, seed=2)))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("all: n=60 accuracy ") and "(sentiment-ko@v1)" in result.output
    result = _run(db, "rescore")
    assert result.exit_code == 0 and "rescored 2 mentions" in result.output
    assert store.scalar("SELECT sentiment_model FROM mentions WHERE id = '1'") == "sentiment-ko@v1"
    assert "* sentiment-ko v1" in _run(db, "models").output
    assert _run(db, "deactivate", "sentiment-ko").exit_code == 0
    assert modelstore.active_model(store, "sentiment-ko") is None
    assert _run(db, "activate", "sentiment-ko", "1").exit_code == 0
    assert modelstore.active_model(store, "sentiment-ko").version == 1


ENGLISH = [
    ("I adore this lamp", "positive"), ("What a fantastic update", "positive"), ("Brilliant service, thanks", "positive"),
    ("Superb colours", "positive"), ("Delighted with it", "positive"), ("Wonderful team", "positive"),
    ("Excellent value", "positive"), ("Lovely design", "positive"), ("Great support today", "positive"),
    ("Happy customer here", "positive"), ("Awesome app", "positive"), ("Perfect gift", "positive"),
    ("Nice and bright", "positive"), ("Impressive battery", "positive"), ("Glad I bought it", "positive"),
    ("I hate this lamp", "negative"), ("What a terrible update", "negative"), ("Awful service, no reply", "negative"),
    ("Ugly colours", "negative"), ("Furious with it", "negative"), ("Useless team", "negative"),
    ("Horrible value", "negative"), ("Dreadful design", "negative"), ("Bad support today", "negative"),
    ("Angry customer here", "negative"), ("Broken app", "negative"), ("Disappointing gift", "negative"),
    ("Dim and weak", "negative"), ("Pathetic battery", "negative"), ("Sorry I bought it", "negative"),
]


def test_a_model_that_loses_to_the_builtin_scorer_is_not_activated(tmp_path):
    db = tmp_path / "s.duckdb"
    rows = ["text,label"] + [f"\"{t}\",{y}" for t, y in ENGLISH]
    (tmp_path / "few.csv").write_text("\n".join(rows), encoding="utf-8")
    result = _run(db, "train", str(tmp_path / "few.csv"), "--lang", "en", "--folds", "3")
    assert result.exit_code == 0, result.output
    assert "not activated" in result.output, result.output
    assert modelstore.active_model(Store(db), "sentiment-en") is None
    assert _run(db, "train", str(tmp_path / "few.csv"), "--lang", "en", "--folds", "3", "--force").exit_code == 0
    assert modelstore.active_model(Store(db), "sentiment-en").version == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("text,label\n좋아요,positive\n최악,bad\n", "labels.csv:3: label: 'bad' is not positive, neutral or negative"),
        ("text,label\n좋아요,positive\n,negative\n", "labels.csv:3: text: is empty"),
        ("text,label\n좋아요,\n", "labels.csv:2: label: is empty"),
        ("text,score\n좋아요,1\n", "labels.csv:1: label: column is missing"),
        ("text,label\n", "labels.csv: has a header but no labelled rows"),
        ('text,label\n"unclosed,positive\n', "labels.csv:2"),
    ],
)
def test_bad_rows_are_one_line_errors_and_nothing_is_stored(tmp_path, content, message):
    db = tmp_path / "s.duckdb"
    path = tmp_path / "labels.csv"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["--db", str(db), "sentiment", "train", str(path)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.output
    assert modelstore.list_models(Store(db)).empty


def test_too_few_labels_for_a_language_is_said(tmp_path):
    db = tmp_path / "s.duckdb"
    path = tmp_path / "few.csv"
    path.write_text("text,label\ngreat,positive\nawful,negative\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--db", str(db), "sentiment", "train", str(path)])
    assert result.exit_code == 1
    assert "en: not trained (2 labels, fewer than 200; ask with --lang en)" in result.output


def test_corrections_alone_are_training_labels(tmp_path):
    db = tmp_path / "s.duckdb"
    store = Store(db)
    texts = [f"{w} {i}" for i, w in enumerate((POSITIVE + NEGATIVE) * 2)]
    write_mentions(store, pd.DataFrame({"id": [str(i) for i in range(len(texts))], "source": "x", "created_at": "2026-01-05", "text": texts}), origin="t")
    for i, text in enumerate(texts):
        scoring.save_correction(store, "x", str(i), "positive" if text.split()[0] in " ".join(POSITIVE) else "negative")
    result = _run(db, "train", "--lang", "ko", "--folds", "0")
    assert result.exit_code == 0, result.output
    assert "from 32 labels" in result.output and "not cross-validated" in result.output
    assert modelstore.active_model(store, "sentiment-ko").metrics["origins"] == {"correction": 32}
