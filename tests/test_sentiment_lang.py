"""Language detection without a model: English, Korean, other, undetermined."""

from __future__ import annotations

import pytest

from sentiment import detect_language, normalize_lang
from tests.evaldata import needs


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Great product, works fine", "en"),
        ("I love it ❤️", "en"),
        ("@brand your app is down again http://t.co/x", "en"),
        ("LG 그램 진짜 좋아요 ㅋㅋ", "ko"),
        ("ㅋㅋㅋㅋ", "ko"),
        ("배송 빠르고 좋아요 #루미오 @lumio_kr", "ko"),
        ("I favorited a YouTube video -- Los Hermanos Rivera - Cancion del Mar", "en"),
        ("sleepy nugget smells like a warm frito.  la casa de las lesbianas", "en"),
        ("¡Qué buena película, me encantó!", "other"),
        ("muy bien", "other"),
        ("Ce film est vraiment nul", "other"),
        ("Das ist sehr gut", "other"),
        ("Questo prodotto è fantastico", "other"),
        ("Obrigado pelo atendimento, foi ótimo", "other"),
        ("これは最高です", "other"),
        ("非常好", "other"),
        ("Это ужасно", "other"),
        ("😍😍", "und"),
        ("12345 !!!", "und"),
        ("", "und"),
        ("@someone http://example.com", "und"),
    ],
)
def test_detect(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    ("tag", "lang"),
    [("en", "en"), ("en-US", "en"), ("EN_gb", "en"), ("ko", "ko"), ("ko-KR", "ko"), ("ja", "other"), ("und", None),
     ("", None), (None, None), (float("nan"), None)],
)
def test_normalize_given_tags(tag, lang):
    assert normalize_lang(tag) == lang


@needs("vader")
def test_vader_gold_is_english():
    from bench.eval_sentiment import VADER_SETS, load_vader

    for name in VADER_SETS:
        _, texts = load_vader(name)
        share = sum(detect_language(t) == "en" for t in texts) / len(texts)
        assert share > 0.99, (name, share)


@needs("nsmc")
def test_nsmc_is_korean():
    from bench.eval_sentiment import load_nsmc

    docs, _ = load_nsmc("test")
    share = sum(detect_language(d) == "ko" for d in docs) / len(docs)
    assert share > 0.98, share  # the rest is English, punctuation or empty reviews
