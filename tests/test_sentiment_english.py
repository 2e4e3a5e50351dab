"""English scorer: exactly VADER with the fixes off; each fix shown on the cases it exists for."""

from __future__ import annotations

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from sentiment.english import FIXES, EnglishScorer
from tests.evaldata import needs

VADER = SentimentIntensityAnalyzer()
OURS = EnglishScorer()
PLAIN = EnglishScorer(fixes=())

# vaderSentiment's own demonstration sentences, and a few that exercise its quirks.
VADER_EXAMPLES = [
    "VADER is smart, handsome, and funny.",
    "VADER is smart, handsome, and funny!",
    "VADER is very smart, handsome, and funny.",
    "VADER is VERY SMART, handsome, and FUNNY.",
    "VADER is VERY SMART, handsome, and FUNNY!!!",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "The book was good.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today SUX!",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "Not bad at all",
    "Sentiment analysis has never been good.",
    "Sentiment analysis has never been this good!",
    "Most automated sentiment analysis tools are shit.",
    "With VADER, sentiment analysis is the shit!",
    "Other sentiment analysis tools can be quite bad.",
    "On the other hand, VADER is quite bad ass",
    "VADER is such a badass!",
    "Without a doubt, excellent idea.",
    "Roger Dodger is one of the most compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Not such a badass after all.",
    "Without a doubt, an excellent idea.",
    "good good but good bad good",  # the "but" rule's list.index quirk
    "💘and 💋 😁😁x",  # emoji glued to words
    "NO NO NO NO WTF",
    "",
    "   ",
]


@pytest.mark.parametrize("text", VADER_EXAMPLES)
def test_without_fixes_it_is_vader(text):
    assert PLAIN.compound(text) == VADER.polarity_scores(text)["compound"]


@needs("vader")
def test_without_fixes_it_is_vader_on_the_whole_gold_standard():
    from bench.eval_sentiment import VADER_SETS, load_vader

    for name in VADER_SETS:
        _, texts = load_vader(name)
        mismatches = [t for t in texts if PLAIN.compound(t) != VADER.polarity_scores(t)["compound"]]
        assert not mismatches, f"{name}: {len(mismatches)} texts differ, e.g. {mismatches[:3]}"


def test_unknown_fix_is_refused():
    with pytest.raises(ValueError, match="unknown fixes"):
        EnglishScorer(fixes=("emoji", "magic"))


# -- emoji --------------------------------------------------------------------------------------------------


def test_variation_selector_does_not_hide_an_emoji():
    assert VADER.polarity_scores("I love it ❤️")["compound"] < VADER.polarity_scores("I love it ❤")["compound"]
    assert VADER.polarity_scores("❤️")["compound"] == 0.0
    assert OURS.compound("❤️") == OURS.compound("❤") > 0.3
    assert OURS.compound("I love it ❤️") == OURS.compound("I love it ❤")
    assert OURS.compound("👍🏽") == OURS.compound("👍") > 0  # skin tone


@pytest.mark.parametrize(("emoji", "sign"), [("😡", -1), ("🤬", -1), ("💓", 1), ("🔥", 1), ("🤮", -1)])
def test_emoji_vader_misses_or_misreads(emoji, sign):
    ours = OURS.compound(f"this is {emoji}")
    vader = VADER.polarity_scores(f"this is {emoji}")["compound"]
    assert ours * sign >= 0.3
    assert vader * sign < ours * sign - 0.15  # VADER: 0 for 😡 🤬 🤮 (no reading), 💓 weak, 🔥 "fire" negative


def test_emoji_glued_to_words_and_repeated():
    assert OURS.compound("worst service ever😡😡") < OURS.compound("worst service ever") < 0
    assert OURS.compound("😡😡😡") < OURS.compound("😡") < 0


def test_emoji_fix_alone_does_it():
    only = EnglishScorer(fixes=("emoji",))
    without = EnglishScorer(fixes=tuple(f for f in FIXES if f != "emoji"))
    assert only.compound("so angry 🤬") < -0.5
    assert without.compound("❤️") == 0.0 and without.compound("🤬") == 0.0


# -- tokens -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "vader_label", "ours_label"),
    [
        ("I don’t like it", "positive", "negative"),  # curly apostrophe hides the negation from VADER
        ("Ha!", "neutral", "positive"),  # two-letter words keep their punctuation in VADER
        ("Worst finale ever D: D: D:", "positive", "negative"),  # "D:" (horror) overwritten by "d:" in the lexicon
        ("soooo goooood", "neutral", "positive"),  # elongated words
        ("&lt;3", "neutral", "positive"),  # HTML entities from APIs
    ],
)
def test_tokens(text, vader_label, ours_label):
    from sentiment import label_of

    assert label_of(VADER.polarity_scores(text)["compound"]) == vader_label
    assert label_of(OURS.compound(text)) == ours_label


# -- negation -----------------------------------------------------------------------------------------------


def test_not_the_worst_is_faint_praise_not_praise():
    assert VADER.polarity_scores("not the worst")["compound"] > 0.5
    assert -0.05 < OURS.compound("not the worst") < 0.05
    assert 0.05 <= OURS.compound("the lamp is not bad") < VADER.polarity_scores("the lamp is not bad")["compound"]


@pytest.mark.parametrize(
    "text",
    [
        "no problem",
        "No problems or complaints.",
        "no issues at all",
        "couldn't be happier",
        "I could not be better",
        "can't wait",
        "cannot recommend this lamp enough",
        "Nothing, everything is great.",
        "Not perfect but good",
        "@someone Nope :-)",
        "IM NOT THE FORMER LOL",
    ],
)
def test_negation_read_right_positive(text):
    assert OURS.compound(text) >= 0.05, text


@pytest.mark.parametrize(
    "text",
    [
        "do not waste money on this lamp",
        "DON'T TRUST DON'T TRUST DON'T TRUST DON'T TRUST",
        "I don’t like it",
        "the lamp is not good",
        "it isn't the best",
    ],
)
def test_negation_read_right_negative(text):
    assert OURS.compound(text) <= -0.05, text


def test_vader_gets_these_negations_wrong():
    for text in ["Nothing, everything is great.", "couldn't be happier", "do not waste money on this lamp",
                 "Not perfect but good"]:
        assert (VADER.polarity_scores(text)["compound"] >= 0.05) != (OURS.compound(text) >= 0.05), text


def test_negation_fix_alone_does_it():
    only = EnglishScorer(fixes=("negation",))
    without = EnglishScorer(fixes=tuple(f for f in FIXES if f != "negation"))
    assert only.compound("couldn't be happier") > 0.5 > without.compound("couldn't be happier")
    assert only.compound("Nothing, everything is great.") > 0 > without.compound("Nothing, everything is great.")


# -- long texts ---------------------------------------------------------------------------------------------


def test_long_mixed_text_does_not_saturate():
    text = " ".join(["Great screen."] * 10 + ["Poor battery."] * 8)
    assert VADER.polarity_scores(text)["compound"] > 0.95
    assert 0.05 < OURS.compound(text) < 0.8


def test_long_text_scaling_keeps_sign_and_order():
    mostly_good = " ".join(["I love this lamp."] * 15 + ["It is bad."] * 3)
    mixed = " ".join(["I love this lamp."] * 9 + ["It is bad."] * 9)
    assert OURS.compound(mostly_good) > OURS.compound(mixed) > 0
    assert EnglishScorer(fixes=("long",)).compound(mixed) < PLAIN.compound(mixed)


def test_short_texts_unchanged_by_long_fix():
    without = EnglishScorer(fixes=("emoji", "tokens", "negation"))
    for text in ["The book was good.", "VADER is VERY SMART, handsome, and FUNNY!!!", "Not bad at all"]:
        assert OURS.compound(text) == without.compound(text)


def test_linear_time_on_a_huge_text():
    text = "good bad but not great " * 20_000  # 100,000 words: VADER's loops are quadratic here
    assert -1 <= OURS.compound(text) <= 1
