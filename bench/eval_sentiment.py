"""Sentiment accuracy on real labelled data (../shared/eval): the figures of the sentiment issue's "Done when".

    python -m bench.eval_sentiment              # everything (the NSMC-trained model takes a few minutes)
    python -m bench.eval_sentiment --quick      # skip training on the full NSMC train split

English: the VADER gold standard (Hutto & Gilbert 2014): tweets, movie reviews, Amazon reviews, NYT editorials,
each a mean human rating on −4..4 mapped to three classes by the paper's rule (±0.05 on rating/4), scored by
weighted F1, macro-averaged recall (SemEval's measure: every class counts the same, so a scorer cannot win by
calling everything positive) and strict accuracy against plain vaderSentiment 3.3.2 in the same run, then each
fix alone, then long texts made by joining k gold tweets (gold: their mean rating). The English fixes were
written looking at the tweets, movie and Amazon sets (their examples come from there); the NYT editorials are
the set no rule or test was written from: its figures are the held-out ones. Korean: NSMC test (50,000
reviews, balanced positive and negative), the built-in scorer with nothing trained — strict accuracy (a neutral
answer is wrong: the review is positive or negative), binary-decision accuracy (the sign of the compound; a
compound of exactly 0 decides nothing and is wrong) and, for comparison with older figures, a neutral counted
as half right — then the classifier trained on the whole train split and on its first 5,000 rows. The rules
are frozen against these files: no sentence of them is in a test (tests/test_sentiment_gold_free.py).
"""

from __future__ import annotations

import argparse
import os
import random
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EVAL = Path(os.environ.get("VIRALSCOPE_EVAL", ROOT.parent / "shared" / "eval"))
VADER_SETS = {
    "tweets": "tweets_GroundTruth.txt",
    "movie": "movieReviewSnippets_GroundTruth.txt",
    "amazon": "amazonReviewSnippets_GroundTruth.txt",
    "nyt": "nytEditorialSnippets_GroundTruth.txt",
}


def three_class(x) -> np.ndarray:
    """VADER's rule: positive ≥ 0.05, negative ≤ −0.05, else neutral."""
    x = np.asarray(x, dtype=float)
    return np.where(x >= 0.05, "positive", np.where(x <= -0.05, "negative", "neutral"))


def load_vader(name: str) -> tuple[np.ndarray, list[str]]:
    """(mean human rating on −4..4, text) of one VADER gold-standard file."""
    gold, texts = [], []
    path = EVAL / "vader" / VADER_SETS[name]
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        for line in f:
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) >= 3:
                gold.append(float(parts[1]))
                texts.append("\t".join(parts[2:]))
    return np.asarray(gold), texts


def load_nsmc(split: str) -> tuple[list[str], np.ndarray]:
    """(documents, labels as 'positive'/'negative') of NSMC's train or test split."""
    docs, labels = [], []
    with open(EVAL / "nsmc" / f"ratings_{split}.txt", encoding="utf-8") as f:
        next(f)
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3:
                docs.append(parts[1])
                labels.append("positive" if parts[2] == "1" else "negative")
    return docs, np.asarray(labels, dtype=object)


def weighted_f1(gold_ratings, compound) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(three_class(np.asarray(gold_ratings) / 4), three_class(compound), average="weighted"))


def vader_compounds(texts: list[str]) -> np.ndarray:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    return np.array([analyzer.polarity_scores(t)["compound"] for t in texts])


#: The VADER set no English rule or test was written from.
HELD_OUT = ("nyt",)


def macro_recall(gold_ratings, compound) -> float:
    """Mean over the three classes of the share of each class found (SemEval-2017 Task 4's AvgRec)."""
    from sklearn.metrics import recall_score

    return float(recall_score(three_class(np.asarray(gold_ratings) / 4), three_class(compound), average="macro"))


def strict_accuracy(gold_ratings, compound) -> float:
    return float((three_class(np.asarray(gold_ratings) / 4) == three_class(compound)).mean())


def binary_accuracy(gold: np.ndarray, compound) -> float:
    """Accuracy on positive/negative gold of the sign of the compound; 0 decides nothing and counts wrong."""
    c = np.asarray(compound, dtype=float)
    return float((((c > 0) & (gold == "positive")) | ((c < 0) & (gold == "negative"))).mean())


def half_accuracy(gold: np.ndarray, predicted) -> float:
    """Accuracy on binary gold where a neutral prediction counts as half right."""
    predicted = np.asarray(predicted, dtype=object)
    return float(((predicted == gold).sum() + 0.5 * (predicted == "neutral").sum()) / len(gold))


def joined_tweets(k: int, groups: int = 1000, seed: int = 0) -> tuple[np.ndarray, list[str]]:
    """Long texts: ``groups`` texts each joining ``k`` random gold tweets; gold is their mean rating."""
    gold, texts = load_vader("tweets")
    rng = random.Random(seed + k)
    picks = [rng.sample(range(len(texts)), k) for _ in range(groups)]
    return np.array([gold[p].mean() for p in picks]), [" ".join(texts[i] for i in p) for p in picks]


def _cells(gold, compound) -> str:
    return (f"{weighted_f1(gold, compound):.4f} / {macro_recall(gold, compound):.4f} / "
            f"{strict_accuracy(gold, compound):.4f} (r {np.corrcoef(gold, compound)[0, 1]:.3f})")


def english_report() -> list[str]:
    from sentiment import score
    from sentiment.english import FIXES, EnglishScorer

    lines = ["English — VADER gold standard, 3 classes: weighted F1 / macro-recall / strict accuracy (Pearson r):"]
    for name in VADER_SETS:
        gold, texts = load_vader(name)
        base = vader_compounds(texts)
        ours = score(texts, lang="en")["compound"].to_numpy()
        detected = score(texts)["compound"].to_numpy()

        kind = "held out" if name in HELD_OUT else "development"
        lines.append(f"  {name:7s} n={len(texts):5,} [{kind}]  vaderSentiment {_cells(gold, base)}  ours {_cells(gold, ours)}"
                     f"  ours with language detection F1 {weighted_f1(gold, detected):.4f}")
    lines.append("  each fix alone (tweets / movie / amazon / nyt):")
    for fix in FIXES:
        scorer = EnglishScorer(fixes=(fix,))
        cells = []
        for name in VADER_SETS:
            gold, texts = load_vader(name)
            cells.append(f"{weighted_f1(gold, [scorer.compound(t) for t in texts]):.4f}")
        lines.append(f"    {fix:9s} " + " / ".join(cells))
    lines.append("  long texts (k gold tweets joined, 1,000 texts each): r with the mean rating, share |compound| > 0.95")
    no_long = EnglishScorer(fixes=tuple(f for f in FIXES if f != "long"))
    for k in (1, 3, 5, 10, 20):
        gold, texts = joined_tweets(k)
        base = vader_compounds(texts)
        ours = score(texts, lang="en")["compound"].to_numpy()
        without = np.array([no_long.compound(t) for t in texts])
        lines.append(
            f"    k={k:2d}  vaderSentiment r {np.corrcoef(gold, base)[0, 1]:.3f} sat {np.mean(np.abs(base) > 0.95):.2f}"
            f"  ours without 'long' r {np.corrcoef(gold, without)[0, 1]:.3f} sat {np.mean(np.abs(without) > 0.95):.2f}"
            f"  ours r {np.corrcoef(gold, ours)[0, 1]:.3f} sat {np.mean(np.abs(ours) > 0.95):.2f}"
        )
    return lines


def nsmc_builtin() -> dict:
    from sentiment import score

    docs, gold = load_nsmc("test")
    detected = score(docs)
    as_korean = score(docs, lang="ko")
    base = three_class(vader_compounds(docs))
    return {
        "n": len(docs),
        "builtin": half_accuracy(gold, detected["label"]),
        "builtin_ko_only": half_accuracy(gold, as_korean["label"]),
        "builtin_strict": float((detected["label"].to_numpy() == gold).mean()),
        "builtin_binary": binary_accuracy(gold, detected["compound"]),
        "builtin_decided": float((detected["compound"] != 0).mean()),
        "neutral_share": float((detected["label"] == "neutral").mean()),
        "vader": half_accuracy(gold, base),
        "vader_strict": float((base == gold).mean()),
    }


def nsmc_trained(rows: int | None) -> dict:
    """Train on the first ``rows`` of NSMC train (all when None), test on NSMC test."""
    from sentiment import fit_classifier, label_of

    docs, gold = load_nsmc("train")
    if rows is not None:
        docs, gold = docs[:rows], gold[:rows]
    test_docs, test_gold = load_nsmc("test")
    started = time.perf_counter()
    model = fit_classifier(docs, list(gold))
    fitted = time.perf_counter() - started
    predicted = label_of(model.compound(test_docs))
    return {
        "rows": len(docs),
        "accuracy": float((predicted == test_gold).mean()),
        "fit_seconds": fitted,
        "seconds": time.perf_counter() - started,
    }


def korean_report(full: bool) -> list[str]:
    b = nsmc_builtin()
    lines = [
        f"Korean — NSMC test (n={b['n']:,}, balanced), the built-in scorer with nothing trained:",
        f"  strict accuracy {b['builtin_strict']:.4f} (a neutral answer is wrong; {b['neutral_share']:.1%} neutral)",
        f"  binary-decision accuracy {b['builtin_binary']:.4f} (sign of the compound; {b['builtin_decided']:.1%} of "
        f"reviews get a non-zero compound, right in {b['builtin_binary'] / b['builtin_decided']:.1%} of those)",
        f"  neutral counted half right {b['builtin']:.4f} (texts forced to Korean: {b['builtin_ko_only']:.4f})",
        f"  vaderSentiment: strict {b['vader_strict']:.4f}, neutral counted half {b['vader']:.4f}",
    ]
    small = nsmc_trained(5000)
    lines.append(
        f"  trained on the first 5,000 train rows: accuracy {small['accuracy']:.4f} ({small['seconds']:.0f} s)"
    )
    if full:
        big = nsmc_trained(None)
        lines.append(
            f"  trained on the whole train split ({big['rows']:,} rows): accuracy {big['accuracy']:.4f} "
            f"({big['seconds']:.0f} s)"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.eval_sentiment")
    parser.add_argument("--quick", action="store_true", help="skip training on the full NSMC train split")
    args = parser.parse_args()
    if not (EVAL / "vader").exists() or not (EVAL / "nsmc").exists():
        raise SystemExit(f"evaluation data not found under {EVAL} (it lives in ../shared/eval, not in a clone)")
    for line in english_report() + korean_report(full=not args.quick):
        print(line, flush=True)


if __name__ == "__main__":
    main()
