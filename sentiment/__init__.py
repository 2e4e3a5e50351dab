"""Sentiment of mentions: English (VADER with its weak spots fixed), Korean (our lexicon and rules), and
classifiers analysts train on their own labels.

    >>> from sentiment import score
    >>> score(["I love it ❤️", "최악이에요 ㅡㅡ", None])[["label", "lang", "scored"]].values.tolist()
    [['positive', 'en', True], ['negative', 'ko', True], ['neutral', 'und', False]]
"""

from sentiment.batch import BUILTIN_MODELS, label_of, score, score_one
from sentiment.classifier import LABELS, TextClassifier, cross_validate, fit_classifier
from sentiment.english import EnglishScorer
from sentiment.korean import KoreanScorer
from sentiment.lang import detect as detect_language
from sentiment.lang import normalize_lang

__all__ = [
    "BUILTIN_MODELS",
    "LABELS",
    "EnglishScorer",
    "KoreanScorer",
    "TextClassifier",
    "cross_validate",
    "detect_language",
    "fit_classifier",
    "label_of",
    "normalize_lang",
    "score",
    "score_one",
]
