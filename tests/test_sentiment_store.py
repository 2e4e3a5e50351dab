"""Sentiment in the store: versioned models, scoring what is unscored, rescoring, corrections."""

from __future__ import annotations

import pandas as pd
import pytest

from sentiment import fit_classifier
from viralscope import scoring
from viralscope.core.errors import InputError, ModelError
from viralscope.ingest import write_mentions
from viralscope.store import models as modelstore

ROWS = [
    ("1", "I love this lamp ❤️", None),
    ("2", "Worst app update ever 😡", None),
    ("3", "배송 빠르고 좋아요", None),
    ("4", "진짜 최악이에요 ㅡㅡ", "ko-KR"),
    ("5", "Das ist sehr gut", None),
    ("6", "I love this lamp ❤️", None),  # a reshare repeats its root's text
    ("7", "", None),
]


def _mentions(rows=ROWS, source="x"):
    return pd.DataFrame(
        {
            "id": [r[0] for r in rows],
            "source": source,
            "created_at": "2026-01-05T10:00:00Z",
            "text": [r[1] for r in rows],
            "lang": [r[2] for r in rows],
        }
    )


def _sentiment(store):
    return store.query(
        "SELECT id, sentiment_compound AS compound, sentiment_label AS label, sentiment_scored AS scored, "
        "sentiment_model AS model, lang FROM mentions ORDER BY id"
    ).set_index("id")


# -- model store --------------------------------------------------------------------------------------------


def test_versions_and_one_active(store):
    assert modelstore.active_model(store, "sentiment-ko") is None
    v1 = modelstore.save_model(store, "sentiment-ko", b"one", {"rows": 10})
    v2 = modelstore.save_model(store, "sentiment-ko", b"two", {"rows": 20})
    v3 = modelstore.save_model(store, "sentiment-ko", b"three", activate=False)
    assert (v1, v2, v3) == (1, 2, 3)
    active = modelstore.active_model(store, "sentiment-ko")
    assert (active.version, active.blob, active.metrics, active.label) == (2, b"two", {"rows": 20}, "sentiment-ko@v2")
    modelstore.activate(store, "sentiment-ko", 1)
    assert modelstore.active_model(store, "sentiment-ko").version == 1
    table = modelstore.list_models(store, "sentiment-")
    assert table["active"].tolist() == [True, False, False] and table["size"].tolist() == [3, 3, 5]
    modelstore.deactivate(store, "sentiment-ko")
    assert modelstore.active_model(store, "sentiment-ko") is None
    with pytest.raises(ModelError):
        modelstore.activate(store, "sentiment-ko", 9)
    assert modelstore.load_model(store, "sentiment-ko", 3).blob == b"three"


# -- scoring the store --------------------------------------------------------------------------------------


def test_score_store_scores_every_unscored_mention_once(store):
    write_mentions(store, _mentions(), origin="test")
    summary = scoring.score_store(store)
    assert summary.mentions == 7 and summary.distinct_texts == 6
    got = _sentiment(store)
    assert got.loc["1", "label"] == "positive" and got.loc["2", "label"] == "negative"
    assert got.loc["3", "label"] == "positive" and got.loc["4", "label"] == "negative"
    assert got.loc["1", "compound"] == got.loc["6", "compound"]
    assert got.loc["5", "scored"] == False and got.loc["5", "label"] == "neutral"  # noqa: E712
    assert pd.isna(got.loc["5", "model"]) and got.loc["1", "model"] == "builtin-en-1"
    assert got.loc["4", "lang"] == "ko-KR"  # given languages are kept; missing ones filled
    assert got.loc["3", "lang"] == "ko" and got.loc["5", "lang"] == "other" and got.loc["7", "lang"] == "und"
    assert scoring.score_store(store).mentions == 0  # nothing left unscored
    write_mentions(store, _mentions([("8", "so happy with it", None)]), origin="test")
    summary = scoring.score_store(store)
    assert summary.mentions == 1 and summary.line().startswith("sentiment: scored 1 mentions")
    assert scoring.score_store(store).line() == "sentiment: nothing to score"


def test_rescore_applies_a_new_model(store):
    write_mentions(store, _mentions(), origin="test")
    scoring.score_store(store)
    before = _sentiment(store)
    model = fit_classifier(["좋아요", "최고", "싫어요", "최악"] * 5, ["negative", "negative", "positive", "positive"] * 5)
    modelstore.save_model(store, scoring.model_name("ko"), model.to_bytes(), {})
    assert scoring.score_store(store).mentions == 0  # analyze alone leaves scored mentions alone
    summary = scoring.score_store(store, rescore=True)
    assert summary.mentions == 7 and summary.models == {"ko": "sentiment-ko@v1"}
    after = _sentiment(store)
    assert after.loc["3", "model"] == "sentiment-ko@v1" and after.loc["3", "label"] == "negative"
    assert after.loc["1", "compound"] == before.loc["1", "compound"]  # English untouched


def test_corrections_are_kept_and_are_labels(store):
    write_mentions(store, _mentions(), origin="test")
    scoring.score_store(store)
    compound = _sentiment(store).loc["2", "compound"]
    scoring.save_correction(store, "x", "2", "Positive")
    scoring.save_correction(store, "x", "2", "neutral")  # a second correction replaces the first
    got = _sentiment(store).loc["2"]
    assert (got["label"], got["model"], got["compound"]) == ("neutral", "manual", compound)
    scoring.score_store(store, rescore=True)
    assert _sentiment(store).loc["2", "label"] == "neutral"
    table = scoring.corrections(store)
    assert table[["source", "id", "label"]].values.tolist() == [["x", "2", "neutral"]]
    assert table["text"].iloc[0] == "Worst app update ever 😡"
    assert scoring.remove_correction(store, "x", "2") is True
    assert scoring.remove_correction(store, "x", "2") is False
    assert pd.isna(_sentiment(store).loc["2", "label"])
    scoring.score_store(store)
    assert _sentiment(store).loc["2", "label"] == "negative"


@pytest.mark.parametrize(("source", "id_", "label", "field"), [("x", "1", "great", "label"), ("x", "404", "positive", "id")])
def test_bad_corrections_are_refused(store, source, id_, label, field):
    write_mentions(store, _mentions(), origin="test")
    with pytest.raises(InputError) as err:
        scoring.save_correction(store, source, id_, label)
    assert err.value.first.field == field
    assert scoring.corrections(store).empty


def test_an_unreadable_model_is_a_model_error(store):
    modelstore.save_model(store, "sentiment-en", b"garbage", {})
    with pytest.raises(ModelError, match="sentiment-en@v1"):
        scoring.active_classifiers(store)


def test_empty_store(store):
    assert scoring.score_store(store).mentions == 0
    assert scoring.corrections(store).empty


# -- views for the dashboard --------------------------------------------------------------------------------


def test_counts_per_bucket_and_label(store):
    from viralscope.store import query, views
    from viralscope.store.query import NONE, Scope

    rows = _mentions()
    rows["created_at"] = ["2026-01-05T10:00:00Z"] * 4 + ["2026-01-06T09:00:00+09:00"] * 2 + ["2026-01-07T00:00:00Z"]
    rows["brand"] = ["Lumio"] * 5 + [None, "Lumio"]
    write_mentions(store, rows, origin="test")
    before = query.label_counts(store, Scope(), width="1 day")
    assert before["count"].sum() == 7 and set(before["sentiment_label"]) == {"unscored"}
    scoring.score_store(store)
    daily = query.label_counts(store, Scope(), width="1 day")
    first = daily[daily["created_at"] == pd.Timestamp("2026-01-05", tz="UTC")].set_index("sentiment_label")["count"]
    assert first.to_dict() == {"negative": 2, "positive": 2}  # one of each in English and in Korean
    assert daily["count"].sum() == 7 and "unscored" not in set(daily["sentiment_label"])
    assert (~_sentiment(store)["scored"]).sum() == 2  # "Das ist sehr gut" and ""
    lumio = query.label_counts(store, Scope(brands="Lumio", start="2026-01-05", end="2026-01-06"), width="1 day")
    assert lumio["count"].sum() == 4
    assert views.sentiment_breakdown(store, Scope(brands=NONE), "brand")["n"].sum() == 1
    worst = views.mentions_page(store, Scope(), sort="sentiment_compound", descending=False, limit=2)
    assert worst["sentiment_compound"].tolist() == sorted(_sentiment(store)["compound"])[:2]
    assert set(worst["id"]) == {"2", "4"}
    scoring.save_correction(store, "x", "2", "positive")
    assert _sentiment(store).loc["2", ["label", "model"]].tolist() == ["positive", "manual"]
    assert "2" in set(views.mentions_page(store, Scope(labels="positive"))["id"])
    with pytest.raises(ValueError):
        query.label_counts(store, Scope(), width="7 hours")
