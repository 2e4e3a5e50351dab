"""Response time (complaints and questions until a brand reply) and emerging themes, English and Korean."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics import emerging_terms, emerging_themes, is_question, response_times
from metrics.themes import tokenize
from tests.evaldata import EVAL, needs


def _thread():
    return pd.DataFrame([
        # id, created_at, parent, author, label, text
        ("c1", "2026-01-01 10:00", None, "ann", "negative", "My order is broken"),
        ("r1", "2026-01-01 10:05", "c1", "bob", "negative", "same here"),
        ("b1", "2026-01-01 10:40", "r1", "Lumio_Care", "neutral", "Sorry, DM us"),  # deeper in c1's thread
        ("q1", "2026-01-01 11:00", None, "cy", "neutral", "배송은 언제 되나요"),
        ("b2", "2026-01-01 13:00", "q1", "lumio", "neutral", "내일 도착합니다"),
        ("c2", "2026-01-01 12:00", None, "dee", "negative", "worst support ever"),  # never answered
        ("p1", "2026-01-01 12:30", None, "eve", "positive", "love it"),
        ("b3", "2026-01-01 09:00", None, "lumio", "neutral", "New lamp out today! Why wait?"),  # brand's own
    ], columns=["id", "created_at", "parent_id", "author_name", "sentiment_label", "text"])


def test_response_times_follow_the_thread_and_censor_the_unanswered():
    r = response_times(_thread(), ["lumio", "lumio_care"], now="2026-01-01 20:00")
    # Items: c1 (40 min via its reply r1), r1 (35 min), q1 (120 min), c2 (unanswered, censored at 480).
    assert (r["n"], r["n_complaints"], r["n_questions"], r["n_answered"]) == (4, 3, 1, 3)
    assert r["estimate"] == 40.0  # Kaplan-Meier median: 35, 40 answered, then 120
    assert r["p90_minutes"] is None  # fewer than 90% ever answered
    assert r["share_within"] == 0.5


def test_a_reply_after_now_does_not_count_yet():
    r = response_times(_thread(), ["lumio", "lumio_care"], now="2026-01-01 12:59")
    assert r["n_answered"] == 2


def test_response_time_na_cases():
    t = _thread()
    assert response_times(t, [])["reason"] == "no brand accounts are configured"
    assert response_times(t, ["lumio"], ("2026-02-01", "2026-02-02"))["reason"] == (
        "no complaints or questions in the window")
    r = response_times(t[t.id.isin(["c2", "p1"])], ["lumio"])
    assert r["status"] == "n/a" and r["share_within"] == 0.0


@pytest.mark.parametrize("text, expected", [
    ("Is it waterproof", True), ("Where is my refund?", True), ("환불 왜 안 해줘요", True), ("배송 언제 와요?", True),
    ("주문했어요", False), ("Great lamp, love it", False), ("This is fine.", False),
])
def test_is_question(text, expected):
    assert is_question(text) is expected


def test_korean_tokens_are_morphemes():
    assert tokenize("배송이 너무 늦어요")[0] == tokenize("배송을 기다려요")[0] == "배송"
    assert "환불" in tokenize("환불을 요청했어요") and "이" not in tokenize("배송이 너무 늦어요")


def test_emerging_terms_in_korean_and_english():
    base = ["루미오 램프 예뻐요", "조명 좋아요", "lamp looks great"] * 10
    now = ["배터리가 폭발했어요", "배터리 폭발 무서워요", "배터리 폭발 사고", "battery exploded"] * 3 + ["조명 좋아요"] * 3
    terms = emerging_terms(now, base)["term"].tolist()
    assert terms[0] == "배터리" and "폭발" in terms
    assert "조명" not in terms


def test_emerging_themes_group_co_occurring_terms():
    base = ["love the new lamp", "great light", "lamp arrived", "nice colour"] * 10
    now = (["battery exploded", "battery exploded again"] * 4
           + ["refund refused by support", "support refund refused"] * 4 + ["love the lamp"] * 4)
    themes = emerging_themes(now, base)
    assert len(themes) == 2
    groups = {frozenset(t) for t in themes["terms"]}
    assert any({"battery", "exploded"} <= g for g in groups)
    assert any({"refund", "refused", "support"} <= g for g in groups)
    assert themes["documents"].tolist() == [8, 8] and themes["share"].tolist() == [0.4, 0.4]


def test_no_window_text_means_no_themes():
    assert emerging_themes([], ["a b c"]).empty
    assert emerging_terms(["", None], ["x"]).empty


@needs("nsmc", "ratings_test.txt")
def test_korean_emerging_terms_on_real_reviews():
    """Naver movie reviews: negative against positive reviews surface the words Koreans complain with."""
    df = pd.read_csv(EVAL / "nsmc" / "ratings_test.txt", sep="\t", quoting=3).dropna().head(3000)
    negative, positive = df[df.label == 0].document.tolist(), df[df.label == 1].document.tolist()
    top = emerging_terms(negative, positive, top=15)["term"].tolist()
    assert len({"쓰레기", "재미없", "지루", "짜증", "최악", "유치"} & set(top)) >= 3, top
    top = emerging_terms(positive, negative, top=10)["term"].tolist()
    assert len({"재밌", "최고", "감동", "재미있", "사랑"} & set(top)) >= 3, top
