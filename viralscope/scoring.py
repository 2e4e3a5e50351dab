"""Sentiment in the store: score what is unscored, rescore everything, keep analysts' corrections.

``score_store`` reads the mentions that need a score, scores each distinct text once (``sentiment.score``,
with the active trained model of a language where there is one) and writes ``sentiment_compound``,
``sentiment_label``, ``sentiment_scored``, ``sentiment_model`` and, where it is empty, ``lang`` in one short
write transaction. Scoring happens outside the transaction, so the store stays open to other processes
meanwhile; a mention whose text changed in between is left for the next run.

A correction (``save_correction``) is an analyst's label for one mention: it is kept in
``sentiment_labels``, shown as the mention's label (``sentiment_model`` = ``manual``; the compound stays the
model's), survives rescoring, and is a training label for ``viralscope sentiment train``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd

from sentiment import LABELS, TextClassifier, score
from viralscope.core.errors import InputError, ModelError, Problem
from viralscope.store import Store
from viralscope.store import sentiment as stored
from viralscope.store.models import active_models
from viralscope.store.sentiment import MANUAL

__all__ = [
    "MANUAL",
    "MODEL_LANGS",
    "ScoreSummary",
    "active_classifiers",
    "corrections",
    "model_name",
    "remove_correction",
    "save_correction",
    "score_store",
]

#: Languages a trained model can take over (``other`` included: a model trained on it makes it scorable).
MODEL_LANGS = ("en", "ko", "other")


def model_name(lang: str) -> str:
    """Name under which the trained model of ``lang`` is stored ("sentiment-ko")."""
    return f"sentiment-{lang}"


def active_classifiers(store: Store) -> dict[str, TextClassifier]:
    """The active trained model of each language that has one."""
    out = {}
    stored_models = active_models(store, [model_name(lang) for lang in MODEL_LANGS])
    for lang in MODEL_LANGS:
        stored = stored_models.get(model_name(lang))
        if stored is None:
            continue
        try:
            clf = TextClassifier.from_bytes(stored.blob)
        except ValueError as exc:
            raise ModelError(f"{stored.label}: {exc}") from None
        clf.name = stored.label
        out[lang] = clf
    return out


@dataclass
class ScoreSummary:
    """What one scoring run did."""

    mentions: int = 0
    distinct_texts: int = 0
    by_lang: dict = field(default_factory=dict)
    not_scored: int = 0
    models: dict = field(default_factory=dict)
    seconds: float = 0.0
    rescore: bool = False

    def line(self) -> str:
        if not self.mentions:
            return "sentiment: nothing to score"
        langs = ", ".join(f"{k} {v:,}" for k, v in sorted(self.by_lang.items(), key=lambda kv: -kv[1]))
        trained = "; trained models: " + ", ".join(f"{k} {v}" for k, v in sorted(self.models.items())) if self.models else ""
        verb = "rescored" if self.rescore else "scored"
        return (
            f"sentiment: {verb} {self.mentions:,} mentions ({self.distinct_texts:,} distinct texts; {langs}; "
            f"{self.not_scored:,} in languages we cannot score){trained} in {self.seconds:.1f} s"
        )


def score_store(
    store: Store, rescore: bool = False, *, workers: int | None = None, progress=None
) -> ScoreSummary:
    """Score every unscored mention (``rescore=True``: every mention) except those an analyst labelled.

    ``progress(done, total)`` is called as distinct texts are scored (for a progress bar).
    """
    started = time.perf_counter()
    store.ensure()
    todo = stored.unscored(store, rescore=rescore)
    if todo.empty:
        return ScoreSummary(rescore=rescore, seconds=time.perf_counter() - started)
    models = active_classifiers(store)
    result = score(todo["text"], lang=todo["lang"].tolist(), models=models, workers=workers, progress=progress)
    batch = pd.DataFrame(
        {
            "source": todo["source"].to_numpy(),
            "id": todo["id"].to_numpy(),
            "text": todo["text"].to_numpy(),
            "compound": result["compound"].to_numpy(),
            "label": result["label"].to_numpy(),
            "scored": result["scored"].to_numpy(),
            "model": result["model"].to_numpy(),
            "lang": result["lang"].to_numpy(),
        }
    )
    stored.write_scores(store, batch)
    return ScoreSummary(
        mentions=len(todo),
        distinct_texts=int(todo["text"].nunique()),
        by_lang={str(k): int(v) for k, v in result["lang"].value_counts().items()},
        not_scored=int((~result["scored"]).sum()),
        models={lang: clf.name for lang, clf in models.items() if (result["lang"] == lang).any()},
        seconds=time.perf_counter() - started,
        rescore=rescore,
    )


# -- corrections ---------------------------------------------------------------------------------------


def _check_label(label: str) -> str:
    value = str(label).strip().lower()
    if value not in LABELS:
        raise InputError(Problem("correction", None, "label", f"{label!r} is not positive, neutral or negative"))
    return value


def save_correction(store: Store, source: str, id: str, label: str) -> None:
    """Set an analyst's label on one mention (replacing an earlier correction of it)."""
    value = _check_label(label)
    store.ensure()
    if not stored.set_label(store, source, id, value):
        raise InputError(Problem("correction", None, "id", f"no mention {source}/{id} in the store"))


def remove_correction(store: Store, source: str, id: str) -> bool:
    """Forget the correction of one mention; it is scored again by the next run. False if there was none."""
    store.ensure()
    return stored.clear_label(store, source, id)


def corrections(store: Store) -> pd.DataFrame:
    """Every correction with its mention's text and language: source, id, label, labelled_at, text, lang."""
    store.ensure()
    return stored.labels(store)
