"""Training and evaluating sentiment models on analysts' labels (``viralscope sentiment train|eval``).

Labels come from a CSV (``text,label[,lang]``; label positive, neutral or negative) and from the corrections
saved in the store. One model is trained per language (the ``lang`` column, or the detected language), with
its cross-validated accuracy and macro F1, next to the built-in scorer's figures on the same labels. A new
model becomes the active one only if it beats the built-in scorer there (``force`` activates it anyway), so a
handful of labels cannot make scoring worse by accident; a language with no built-in scorer (``other``)
takes any model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sentiment import LABELS, cross_validate, detect_language, fit_classifier, normalize_lang, score
from sentiment.text import clean
from viralscope.core.errors import InputError, Problem
from viralscope.readers import read_rows
from viralscope.scoring import MODEL_LANGS, active_classifiers, corrections, model_name
from viralscope.store import Store
from viralscope.store.models import save_model

__all__ = ["MIN_ROWS", "TrainResult", "read_labels", "training_rows", "train", "evaluate", "metrics"]

#: Fewest labels of a language for it to be trained without being asked for by name.
MIN_ROWS = 200
#: Fewest labels of a language for it to be trained at all.
MIN_ROWS_ASKED = 20
_ALIASES = {"pos": "positive", "neg": "negative", "neu": "neutral"}


def read_labels(path: str | Path) -> pd.DataFrame:
    """The labels of a CSV file: columns text, label, lang (None where not given) and line.

    Raises ``InputError`` naming file, line and field for every bad row (nothing is trained then).
    """
    name = str(path)
    rows, lines = read_rows(path, fmt="csv")
    columns = [c.strip().lower() for c in rows.columns]
    rows.columns = columns
    missing = [c for c in ("text", "label") if c not in columns]
    if missing:
        raise InputError(Problem(name, 1, missing[0], "column is missing (the header needs text and label)"))
    if rows.empty:
        raise InputError(Problem(name, None, None, "has a header but no labelled rows"))
    problems = []
    labels, langs = [], []
    for text, label, lang, line in zip(
        rows["text"], rows["label"], rows["lang"] if "lang" in columns else [None] * len(rows), lines, strict=True
    ):
        value = "" if label is None else str(label).strip().lower()
        value = _ALIASES.get(value, value)
        if value not in LABELS:
            why = "is empty" if not value else f"{label!r} is not positive, neutral or negative"
            problems.append(Problem(name, int(line), "label", why))
        if not clean(text).strip():
            problems.append(Problem(name, int(line), "text", "is empty"))
        labels.append(value)
        langs.append(normalize_lang(lang) if lang is not None and str(lang).strip() else None)
    if problems:
        raise InputError(problems[:50], total=len(problems))
    return pd.DataFrame(
        {"text": rows["text"].astype(object).to_numpy(), "label": labels, "lang": langs, "line": lines}
    )


def training_rows(store: Store | None, labels: pd.DataFrame | None, *, use_corrections: bool = True) -> pd.DataFrame:
    """Labels from a file and the store's corrections, with each row's language resolved: text, label, lang, origin."""
    parts = []
    if labels is not None and not labels.empty:
        parts.append(labels.assign(origin="file")[["text", "label", "lang", "origin"]])
    if use_corrections and store is not None:
        fixed = corrections(store)
        if not fixed.empty:
            fixed = fixed.assign(lang=[normalize_lang(v) for v in fixed["lang"]], origin="correction")
            parts.append(fixed[["text", "label", "lang", "origin"]])
    if not parts:
        return pd.DataFrame(columns=["text", "label", "lang", "origin"])
    out = pd.concat(parts, ignore_index=True)
    out["text"] = [clean(t) for t in out["text"]]
    out["lang"] = [lang or detect_language(t) for t, lang in zip(out["text"], out["lang"], strict=True)]
    return out


def metrics(gold, predicted) -> dict:
    """Accuracy and macro F1 (over every label that occurs in either column), and the count."""
    from sklearn.metrics import accuracy_score, f1_score

    gold = np.asarray(gold, dtype=object)
    predicted = np.asarray(predicted, dtype=object)
    if len(gold) == 0:
        return {"n": 0, "accuracy": None, "macro_f1": None}
    return {
        "n": int(len(gold)),
        "accuracy": float(accuracy_score(gold, predicted)),
        "macro_f1": float(f1_score(gold, predicted, average="macro")),
    }


@dataclass
class TrainResult:
    """What training did for one language."""

    lang: str
    rows: int
    classes: dict
    version: int | None = None
    active: bool = False
    cv: dict | None = None
    builtin: dict | None = None
    skipped: str | None = None
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)

    def line(self) -> str:
        if self.skipped:
            return f"{self.lang}: not trained ({self.skipped})"
        counts = ", ".join(f"{k} {v:,}" for k, v in self.classes.items())
        cv = (
            f"cross-validated accuracy {self.cv['accuracy']:.3f}, macro F1 {self.cv['macro_f1']:.3f} "
            f"({self.cv['folds']} folds)"
            if self.cv
            else "not cross-validated"
        )
        base = (
            f"; built-in scorer on the same labels: accuracy {self.builtin['accuracy']:.3f}, "
            f"macro F1 {self.builtin['macro_f1']:.3f}"
            if self.builtin
            else ""
        )
        state = "active" if self.active else "stored, not activated (it does not beat the built-in scorer; --force activates it)"
        return (
            f"{self.lang}: {model_name(self.lang)} v{self.version} from {self.rows:,} labels ({counts}); "
            f"{cv}{base}; {state}"
        )


def train(
    store: Store,
    rows: pd.DataFrame,
    *,
    langs: list[str] | None = None,
    folds: int = 5,
    force: bool = False,
    min_rows: int = MIN_ROWS,
) -> list[TrainResult]:
    """Train, store and (if it earns it) activate one model per language of ``rows`` (see ``training_rows``)."""
    if rows.empty:
        raise InputError(Problem("labels", None, None, "no labels to train on (no file rows and no corrections)"))
    wanted = [normalize_lang(x) or x for x in langs] if langs else None
    results = []
    for lang in wanted or sorted(set(rows["lang"])):
        part = rows[rows["lang"] == lang]
        classes = {c: int((part["label"] == c).sum()) for c in LABELS if (part["label"] == c).any()}
        result = TrainResult(lang=lang, rows=len(part), classes=classes)
        results.append(result)
        floor = MIN_ROWS_ASKED if wanted else min_rows
        if lang not in MODEL_LANGS:
            result.skipped = f"{len(part):,} labels of texts with no letters; nothing to learn from"
        elif len(part) < floor:
            result.skipped = f"{len(part):,} labels, fewer than {floor}" + ("" if wanted else f"; ask with --lang {lang}")
        elif len(classes) < 2:
            result.skipped = "needs labels of at least two classes"
        if result.skipped:
            continue
        started = time.perf_counter()
        texts, labels = part["text"].tolist(), part["label"].tolist()
        if folds >= 2:
            result.cv = cross_validate(texts, labels, folds=folds)
        if lang in ("en", "ko"):
            builtin = score(texts, lang=lang, models={}, workers=1)
            result.builtin = metrics(labels, builtin["label"])
        model = fit_classifier(texts, labels, info={"lang": lang, "rows": len(part), "classes": classes})
        beats = result.cv is None or result.builtin is None or result.cv["macro_f1"] >= result.builtin["macro_f1"]
        result.active = bool(force or beats)
        result.seconds = time.perf_counter() - started
        info = {
            "lang": lang,
            "rows": len(part),
            "classes": classes,
            "cv": result.cv,
            "builtin": result.builtin,
            "origins": {str(k): int(v) for k, v in part["origin"].value_counts().items()},
            "seconds": round(result.seconds, 1),
        }
        result.version = save_model(store, model_name(lang), model.to_bytes(), info, activate=result.active)
    if not any(r.version for r in results):
        raise InputError(Problem("labels", None, None, "; ".join(r.line() for r in results)))
    return results


def evaluate(store: Store, rows: pd.DataFrame) -> dict:
    """Accuracy and macro F1 of what is active (trained models, else the built-in scorers) on ``rows``.

    Returns {"all": metrics, "by_lang": {lang: metrics}, "models": {lang: model}}.
    """
    if rows.empty:
        raise InputError(Problem("labels", None, None, "no labels to evaluate on"))
    result = score(rows["text"].tolist(), lang=rows["lang"].tolist(), models=active_classifiers(store))
    out = {"all": metrics(rows["label"], result["label"]), "by_lang": {}, "models": {}}
    for lang in sorted(set(result["lang"])):
        mask = (result["lang"] == lang).to_numpy()
        out["by_lang"][lang] = metrics(rows["label"].to_numpy()[mask], result["label"].to_numpy()[mask])
        used = sorted({m if isinstance(m, str) else "not scored" for m in result["model"][mask]})
        out["models"][lang] = ", ".join(used)
    return out
