"""``score(texts)``: many texts at once, each distinct text scored once, on every core when it pays.

Reshares repeat their root's text, so the texts are first reduced to the distinct (text, language) pairs;
every pair is scored independently of the others, which is why batching, chunking and processes never change
a score (tests compare batch and one-by-one results). Processes are used only for large batches, where
starting them costs less than it saves.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache

import numpy as np
import pandas as pd

from sentiment.lang import NOISY, detect, latin_words, normalize_lang, script_of
from sentiment.text import clean

__all__ = ["score", "score_one", "label_of", "BUILTIN_MODELS", "PARALLEL_MIN"]

#: Model names written next to each score (``sentiment_model`` in the store).
BUILTIN_MODELS = {"en": "builtin-en-1", "ko": "builtin-ko-1", "und": "builtin-symbols-1"}
#: Fewest distinct texts for which worker processes are started.
PARALLEL_MIN = 40_000
_CHUNK = 20_000
_LABELS = np.array(["negative", "neutral", "positive"], dtype=object)


@lru_cache(maxsize=1)
def _scorers():
    from sentiment.english import default_scorer
    from sentiment.korean import KoreanScorer

    english = default_scorer()
    return english, KoreanScorer(english_lexicon=english.lexicon)


def label_of(compound) -> np.ndarray | str:
    """VADER's rule: positive if compound ≥ 0.05, negative if ≤ −0.05, neutral otherwise."""
    c = np.asarray(compound, dtype=float)
    if c.ndim == 0:
        return "positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral"
    return _LABELS[np.where(c >= 0.05, 2, np.where(c <= -0.05, 0, 1))]


def score_one(text: str, lang: str | None = None) -> tuple[float, str, bool]:
    """(compound, lang, scored) of one cleaned text with the built-in scorers; ``lang`` None means detect."""
    english, korean = _scorers()
    if lang is None and not NOISY.search(text):
        script, foreign_share = script_of(text)
        if script == "latin":
            # English or another Latin-script language: score it as English and let the words the scorer
            # split decide (detect() decides on the same words), rather than tokenising twice.
            compound, words = english.compound_and_words(text)
            if latin_words(words, foreign_share, "¡" in text or "¿" in text) == "en":
                return compound, "en", True
            return 0.0, "other", False
        lang = script
    lang = lang or detect(text)
    if lang == "en":
        return english.compound(text), lang, True
    if lang == "ko":
        return korean.compound(text), lang, True
    if lang == "und":
        # No letters: only emoji and emoticons can carry sentiment, and the English scorer reads those.
        return english.compound(text), lang, bool(text.strip())
    return 0.0, lang, False


def _score_chunk(job: tuple[list[tuple[str, str | None]], frozenset]) -> list[tuple[float, str, bool | None]]:
    """Detect and score a chunk of distinct texts; texts of languages in ``skip`` are left for a trained model
    (their ``scored`` is None)."""
    pairs, skip = job
    if not skip:
        return [score_one(text, hint) for text, hint in pairs]
    out: list[tuple[float, str, bool | None]] = []
    for text, hint in pairs:
        lang = hint or detect(text)
        out.append((0.0, lang, None) if lang in skip else score_one(text, lang))
    return out


def _langs_of(lang, n: int) -> list[str | None] | None:
    if lang is None:
        return None
    if isinstance(lang, str):
        return [normalize_lang(lang)] * n
    values = list(lang)
    if len(values) != n:
        raise ValueError(f"lang has {len(values)} values for {n} texts")
    return [normalize_lang(v) for v in values]


def score(
    texts: Iterable,
    *,
    lang: str | Sequence | None = None,
    models: Mapping[str, object] | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Sentiment of every text, in input order.

    Parameters
    ----------
    texts : iterable of str (None, NaN and non-strings are accepted)
    lang : None to detect each text's language, one code for all texts, or one code (or None) per text;
        codes such as 'en-US', 'ko_KR', 'ja' are normalised to en / ko / other.
    models : optional {language: trained classifier} (``sentiment.TextClassifier``); texts of those
        languages are scored by the classifier instead of the built-in scorer.
    workers : processes to use; None picks all cores for batches of ``PARALLEL_MIN`` distinct texts or more.
    progress : optional ``progress(done, total)``, called as chunks of distinct texts are scored.

    Returns
    -------
    DataFrame with columns ``compound`` (−1..1), ``label`` (positive/neutral/negative by VADER's ±0.05
    rule), ``lang`` (en, ko, other, und), ``scored`` (False: a language we cannot score, or no text; the
    label is then neutral and the compound 0) and ``model`` (what produced the score, None when not
    scored). The index is the input's index when it is a pandas Series, else 0..n−1.
    """
    index = texts.index if isinstance(texts, pd.Series) else None
    raw = texts.tolist() if isinstance(texts, pd.Series) else list(texts)
    n = len(raw)
    hints = _langs_of(lang, n)
    codes, texts_u = _distinct_texts(raw)
    if hints is None:
        pairs = [(t, None) for t in texts_u]
    else:
        hint_codes, hints_u = pd.factorize(pd.Series([h or "" for h in hints], dtype=object), sort=False)
        width = max(len(hints_u), 1)
        codes, keys = pd.factorize(codes.astype(np.int64) * width + hint_codes, sort=False)
        pairs = [(texts_u[k // width], hints_u[k % width] or None) for k in keys]
    compound, langs, scored, model = _score_unique(pairs, models or {}, workers, progress)
    c = compound[codes]
    out = pd.DataFrame(
        {"compound": c, "label": label_of(c), "lang": langs[codes], "scored": scored[codes], "model": model[codes]}
    )
    if index is not None:
        out.index = index
    return out


def _distinct_texts(raw: list) -> tuple[np.ndarray, list[str]]:
    """Codes into the distinct texts (cleaned); each raw value is cleaned once, missing ones are ''."""
    try:
        codes, uniques = pd.factorize(pd.Series(raw, dtype=object), sort=False)
    except TypeError:  # unhashable values: clean everything first
        codes, uniques = pd.factorize(pd.Series([clean(t) for t in raw], dtype=object), sort=False)
        return codes, list(uniques)
    texts = [clean(t) for t in uniques]
    if (codes < 0).any():  # None, NaN, NA
        codes = np.where(codes < 0, len(texts), codes)
        texts.append("")
    return codes, texts


def _score_unique(pairs, models, workers, progress=None):
    m = len(pairs)
    trained = {lg: clf for lg, clf in models.items() if clf is not None}
    results = _run(pairs, frozenset(trained), workers, progress)
    compound = np.fromiter((r[0] for r in results), dtype=float, count=m)
    langs = np.array([r[1] for r in results], dtype=object) if m else np.empty(0, dtype=object)
    scored = np.fromiter((bool(r[2]) for r in results), dtype=bool, count=m)
    model = np.array([BUILTIN_MODELS.get(r[1]) if r[2] else None for r in results], dtype=object)
    for lg, clf in trained.items():
        idx = np.flatnonzero(langs == lg)
        if len(idx):
            compound[idx] = clf.compound([pairs[i][0] for i in idx])
            scored[idx] = True
            model[idx] = getattr(clf, "name", "trained")
    return compound, langs, scored, model


def _run(pairs: list[tuple[str, str | None]], skip: frozenset, workers: int | None, progress=None):
    cpus = os.cpu_count() or 1
    if workers is None:
        workers = cpus if len(pairs) >= PARALLEL_MIN else 1
    jobs = [(pairs[i : i + _CHUNK], skip) for i in range(0, len(pairs), _CHUNK)]
    out: list = []
    import multiprocessing as mp

    # fork: workers inherit the built scorers and never re-import the caller's __main__ (spawn would re-run a
    # script that lacks an ``if __name__ == "__main__"`` guard). The workers run pure-Python scoring only.
    if workers <= 1 or len(jobs) < 2 or "fork" not in mp.get_all_start_methods():
        parts = map(_score_chunk, jobs)
        for part in parts:
            out.extend(part)
            if progress is not None:
                progress(len(out), len(pairs))
        return out
    _scorers()
    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork")) as pool:
        for part in pool.map(_score_chunk, jobs):
            out.extend(part)
            if progress is not None:
                progress(len(out), len(pairs))
    return out
