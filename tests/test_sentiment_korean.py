"""Korean scorer: lexicon, negation (안, 못, 않다, 없다), intensifiers, emoticons, contrast, emoji, ratings."""

from __future__ import annotations

import pytest

from sentiment import label_of
from sentiment.korean import KoreanScorer, load_lexicon

K = KoreanScorer()


def c(text: str) -> float:
    return K.compound(text)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("좋아요", "positive"),
        ("이 조명 앱 진짜 재밌어요", "positive"),
        ("올해 산 것 중 최고의 조명", "positive"),
        ("강추합니다", "positive"),
        ("배송 빠르고 친절해요", "positive"),
        ("최악이에요", "negative"),
        ("지루하다", "negative"),
        ("별로예요", "negative"),
        ("노잼", "negative"),
        ("설치하느라 쓴 시간 아깝다", "negative"),
        ("주문한 게 2주째 안 와요 ㅠㅠ 너무해요", "negative"),
        ("오늘 서울에서 회의가 있었다", "neutral"),
        ("", "neutral"),
    ],
)
def test_plain_sentences(text, label):
    assert label_of(c(text)) == label


@pytest.mark.parametrize(
    ("negated", "plain"),
    [
        ("안 좋다", "좋다"),  # 안 before the stem
        ("안좋다", "좋다"),  # without the space
        ("좋지 않다", "좋다"),  # 지 않다 after it
        ("재밌지는 않았다", "재밌었다"),
        ("못 만든 스탠드", "잘 만든 스탠드"),
        ("이 조명 앱은 재미가 없다", "이 조명 앱은 재미가 있다"),  # 없다 after a noun
        ("감동이 없다", "감동이다"),
        ("재밌는 게 하나도 없다", "재밌다"),
    ],
)
def test_negation_reverses_positive(negated, plain):
    assert c(plain) > 0.05 and c(negated) < -0.05, (negated, c(negated), plain, c(plain))


@pytest.mark.parametrize("text", ["밝기는 나쁘지 않다", "문제 없어요", "후회 안 해요", "지루하지 않았다", "걱정 없어요"])
def test_negation_reverses_negative(text):
    assert c(text) > 0.05, (text, c(text))


def test_negated_strong_negative_is_about_neutral():
    assert label_of(c("최악은 아니다")) == "neutral"


def test_fixed_expressions_are_not_negated_twice():
    assert c("어이없다") < -0.3  # 어이 + 없다 is one word: preposterous, not "no problem"
    assert c("손색이 없다") > 0.3  # as good as any
    assert c("이 스탠드는 말이 필요 없다") > 0.3
    assert c("안 보면 후회") > 0.3  # you'll regret missing it


def test_intensifiers_and_dampeners():
    assert c("색감이 너무 좋아요") > c("색감이 좋아요") > c("색감이 좀 좋아요") > 0
    assert c("마감이 진짜 별로") < c("마감이 별로") < 0
    assert c("개노잼") < c("노잼") < 0  # the 개- prefix
    assert c("참여") == 0.0  # 참 as a word is an intensifier, inside 참여 it is not


@pytest.mark.parametrize(("text", "sign"), [("ㅋㅋㅋㅋ", 1), ("ㅎㅎ", 1), ("^^", 1), ("ㅡㅡ", -1), ("ㅉㅉ", -1), (";;", -1)])
def test_emoticons(text, sign):
    assert c(text) * sign > 0


def test_runs_of_jamo_count_once():
    assert c("ㅋㅋ") == c("ㅋㅋㅋㅋㅋㅋㅋㅋ")


def test_tears_have_no_direction_but_strengthen():
    assert c("ㅠㅠ") == 0.0
    assert c("감동이에요 ㅠㅠ") > c("감동이에요") > 0
    assert c("실망이에요 ㅠㅠ") < c("실망이에요") < 0


def test_contrast_the_last_clause_weighs_more():
    assert c("연기는 좋지만 스토리는 별로") < 0
    assert c("스토리는 별로지만 연기는 좋다") > 0


def test_emoji_and_english_words_inside_korean():
    assert c("오늘 신제품 😍") > 0
    assert c("배송 실화냐 😡") < 0
    assert c("이 영화 진짜 best") > 0


def test_written_ratings():
    assert c("조명 디자인은 10점 만점에 10점") > 0
    assert c("10점 만점에 2점") < 0  # and "만점" inside it is not praise
    assert c("이 전구는 1점도 아깝다") < 0


def test_hostile_input_never_breaks():
    for text in ["\x00\x01좋아", "좋아" * 50_000, "ㅋ" * 10_000, "안 " * 1000, "\ufffd\ufffd", "?" * 500]:
        assert -1.0 <= c(text) <= 1.0


def test_lexicon_is_well_formed():
    lexicon = load_lexicon()
    assert len(lexicon) > 300
    for pattern, (valence, kind, negated) in lexicon.items():
        assert pattern == pattern.strip() and "  " not in pattern, pattern
        assert kind in "PNXIDS", (pattern, kind)
        assert -4 <= valence <= 4 and -4 <= negated <= 4, pattern
        if kind in "IDS":
            assert valence == 0, pattern
