"""The sentiment issue's bar, on real labelled data (../shared/eval; skipped with a reason when absent).

Runtime with the data present: about 3 minutes, most of it training on the 150,000 NSMC train reviews.
"""

from __future__ import annotations

import numpy as np
import pytest

from sentiment import score
from tests.evaldata import needs

pytestmark = pytest.mark.eval


@needs("vader")
def test_vader_gold_tweets_weighted_f1_at_least_090():
    from bench.eval_sentiment import load_vader, vader_compounds, weighted_f1

    gold, texts = load_vader("tweets")
    ours = weighted_f1(gold, score(texts, lang="en")["compound"])
    vader = weighted_f1(gold, vader_compounds(texts))
    assert abs(vader - 0.8957) < 0.001  # the reference figure for vaderSentiment 3.3.2
    assert ours >= 0.90, ours
    # The product path: languages detected, the few tweets in Dutch or Spanish left unscored (neutral).
    detected = weighted_f1(gold, score(texts)["compound"])
    assert detected >= 0.90, detected


@needs("vader")
@pytest.mark.parametrize("name", ["movie", "amazon", "nyt"])
def test_vader_gold_snippets_no_worse_than_vader(name):
    from bench.eval_sentiment import load_vader, vader_compounds, weighted_f1

    gold, texts = load_vader(name)
    ours = weighted_f1(gold, score(texts, lang="en")["compound"])
    vader = weighted_f1(gold, vader_compounds(texts))
    assert ours >= vader, (name, ours, vader)
    assert np.corrcoef(gold, score(texts, lang="en")["compound"])[0, 1] >= np.corrcoef(gold, vader_compounds(texts))[0, 1]


@needs("vader")
def test_held_out_english_no_worse_than_vader_on_every_measure():
    """NYT editorials: the set no English rule or test was written from."""
    from bench.eval_sentiment import HELD_OUT, load_vader, macro_recall, strict_accuracy, vader_compounds

    for name in HELD_OUT:
        gold, texts = load_vader(name)
        ours, vader = score(texts, lang="en")["compound"], vader_compounds(texts)
        assert macro_recall(gold, ours) >= macro_recall(gold, vader), name
        assert strict_accuracy(gold, ours) >= strict_accuracy(gold, vader), name


@needs("vader")
def test_long_texts_do_not_saturate_on_real_tweets():
    from bench.eval_sentiment import joined_tweets, vader_compounds

    gold, texts = joined_tweets(10, groups=400)
    ours = score(texts, lang="en")["compound"].to_numpy()
    vader = vader_compounds(texts)
    assert np.mean(np.abs(ours) > 0.95) < 0.1 < 0.5 < np.mean(np.abs(vader) > 0.95)
    assert np.corrcoef(gold, ours)[0, 1] > np.corrcoef(gold, vader)[0, 1] + 0.03


@needs("nsmc")
def test_nsmc_builtin_korean_nothing_trained_at_least_070():
    from bench.eval_sentiment import nsmc_builtin

    result = nsmc_builtin()
    assert result["n"] == 50_000
    # The headline figures: strict (a neutral answer is wrong) and the sign of the compound; 0.605 and 0.608
    # when measured. With a neutral counted half right it reads 0.747, which flatters an undecided scorer.
    assert result["builtin_strict"] >= 0.60 and result["builtin_binary"] >= 0.60, result
    assert result["builtin"] >= 0.70, result
    assert result["vader"] < 0.52  # VADER is at chance on Korean


@needs("nsmc")
def test_nsmc_trained_on_first_5000_at_least_080():
    from bench.eval_sentiment import nsmc_trained

    assert nsmc_trained(5000)["accuracy"] >= 0.80


@needs("nsmc")
def test_nsmc_trained_on_train_split_at_least_086():
    from bench.eval_sentiment import nsmc_trained

    assert nsmc_trained(None)["accuracy"] >= 0.86
