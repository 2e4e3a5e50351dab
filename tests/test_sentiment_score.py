"""``sentiment.score``: shape and order, hostile input, and batching that never changes a score."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

import sentiment.batch as batch
from sentiment import fit_classifier, label_of, score, score_one
from sentiment.text import clean

MIXED = [
    "I love it ❤️",
    "최악이에요 ㅡㅡ",
    "Das ist sehr gut",
    "not the worst",
    "😡😡",
    "배송 빠르고 좋아요",
    "Terrible support, never again.",
    "",
]


def test_columns_and_input_order():
    out = score(MIXED)
    assert list(out.columns) == ["compound", "label", "lang", "scored", "model"]
    assert len(out) == len(MIXED)
    assert out["lang"].tolist() == ["en", "ko", "other", "en", "und", "ko", "en", "und"]
    assert out["label"].tolist()[:3] == ["positive", "negative", "neutral"]
    for text, row in zip(MIXED, out.itertuples(), strict=True):
        assert row.compound == score_one(clean(text))[0]


def test_label_rule_holds_for_every_row():
    out = score(MIXED * 3)
    assert (out["label"].to_numpy() == label_of(out["compound"].to_numpy())).all()
    assert out["compound"].between(-1, 1).all()


def test_other_languages_are_not_scored_and_not_invented():
    out = score(["Das ist sehr gut", "これは最高です", "", None])
    assert not out["scored"].any()
    assert (out["compound"] == 0).all() and (out["label"] == "neutral").all()
    assert out["model"].isna().all()


def test_series_index_is_kept():
    texts = pd.Series(["good", "bad"], index=["a", "b"])
    assert score(texts).index.tolist() == ["a", "b"]


def test_empty_input():
    out = score([])
    assert out.empty and list(out.columns) == ["compound", "label", "lang", "scored", "model"]


def test_language_hints():
    out = score(["좋아요", "good", "good"], lang=["ko", "en-US", "ja"])
    assert out["lang"].tolist() == ["ko", "en", "other"]
    assert out["scored"].tolist() == [True, True, False]
    assert score(["good"], lang="ko")["lang"].tolist() == ["ko"]
    with pytest.raises(ValueError, match="3 texts"):
        score(["a", "b", "c"], lang=["en"])


HOSTILE = [
    None,
    float("nan"),
    pd.NA,
    "",
    "   ",
    "x" * 100_000,
    "great " * 20_000,  # 120 KB
    "좋아 " * 40_000,
    "\ud83d lone surrogate \udc00 great",
    "bad\x00\x07\x1b day\x7f",
    b"bytes are fine",
    12345,
    "🤬" * 1000,
    "\u202etext\u202c",
]


def test_hostile_input_never_breaks_a_batch():
    out = score(HOSTILE + MIXED)
    assert len(out) == len(HOSTILE) + len(MIXED)
    assert out["compound"].between(-1, 1).all()
    assert out.iloc[len(HOSTILE) :]["compound"].tolist() == score(MIXED)["compound"].tolist()
    missing = out.iloc[:5]
    assert not missing["scored"].any() and (missing["lang"] == "und").all()
    assert out.iloc[8]["label"] == "positive"  # the lone surrogates do not spoil the rest of the text
    assert out.iloc[9]["label"] == "negative"


def test_batching_never_changes_a_score():
    rng = random.Random(5)
    pool = MIXED + [t for t in HOSTILE if isinstance(t, str)] + [f"good {i} but bad" for i in range(50)]
    texts = [rng.choice(pool) for _ in range(600)]
    whole = score(texts)["compound"].to_numpy()
    one_by_one = np.array([score([t])["compound"].iloc[0] for t in texts])
    assert np.array_equal(whole, one_by_one)
    order = list(range(len(texts)))
    rng.shuffle(order)
    shuffled = score([texts[i] for i in order])["compound"].to_numpy()
    assert np.array_equal(shuffled, whole[order])
    halves = np.concatenate([score(texts[:250])["compound"], score(texts[250:])["compound"]])
    assert np.array_equal(halves, whole)


def test_processes_give_the_same_scores(monkeypatch):
    monkeypatch.setattr(batch, "_CHUNK", 50)
    texts = [f"{w} {i}" for i, w in enumerate(["great", "awful", "좋아요", "최악", "meh", "Das ist gut"] * 60)]
    serial = score(texts, workers=1)
    parallel = score(texts, workers=2)
    pd.testing.assert_frame_equal(serial, parallel)


def test_a_trained_model_takes_over_its_language_only():
    model = fit_classifier(["좋다", "최고", "멋지다", "싫다", "최악", "나쁘다"] * 5, ["positive"] * 15 + ["negative"] * 15)
    model.name = "sentiment-ko@v1"
    out = score(["좋다", "good"], models={"ko": model})
    assert out["model"].tolist() == ["sentiment-ko@v1", "builtin-en-1"]
    assert out["label"].tolist() == ["positive", "positive"]
    other = score(["Das ist gut"], models={"other": model})
    assert other["scored"].tolist() == [True] and other["model"].tolist() == ["sentiment-ko@v1"]


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_reaches_the_number_of_distinct_texts(monkeypatch, workers):
    monkeypatch.setattr(batch, "_CHUNK", 40)
    calls = []
    texts = [f"good {i % 150}" for i in range(400)]
    score(texts, workers=workers, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (150, 150) and len(calls) == 4
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
