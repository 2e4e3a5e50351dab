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


def test_answer_rate_and_time_among_the_answered():
    r = response_times(_thread(), ["lumio", "lumio_care"], now="2026-01-04 20:00")
    # Items: c1 (40 min via its reply r1), r1 (35 min), q1 (120 min), c2 (never answered).
    assert (r["n"], r["n_complaints"], r["n_questions"], r["n_answered"]) == (4, 3, 1, 3)
    assert r["answer_rate"] == 0.75 and r["answer_rate_ci_low"] < 0.75 < r["answer_rate_ci_high"]
    assert r["estimate"] == 40.0  # median of 35, 40, 120 among the answered
    assert r["p90_minutes"] == 120.0
    assert r["share_within"] == 0.5
    assert r["km_median_minutes"] == 40.0  # the secondary figure: Kaplan-Meier, unanswered censored


def test_items_younger_than_the_final_age_wait():
    r = response_times(_thread(), ["lumio", "lumio_care"], now="2026-01-01 20:00")
    assert r["status"] == "n/a" and r["n_pending"] == 4 and "48h old" in r["reason"]
    r = response_times(_thread(), ["lumio", "lumio_care"], now="2026-01-01 20:00", final_after="9h")
    assert (r["n"], r["n_pending"], r["n_answered"]) == (3, 1, 3)  # c2 (12:00) is not 9 hours old at 20:00


def test_a_reply_later_than_the_final_age_is_no_answer():
    late = pd.DataFrame({"created_at": pd.to_datetime(["2026-01-01 10:00", "2026-01-01 10:00"]),
                         "replied_at": pd.to_datetime(["2026-01-01 10:30", "2026-01-04 10:00"]),
                         "complaint": True, "question": False})
    from metrics import response_summary

    r = response_summary(late, now="2026-01-10")
    assert (r["n"], r["n_answered"], r["estimate"]) == (2, 1, 30.0)


def test_a_reply_after_now_does_not_count_yet():
    r = response_times(_thread(), ["lumio", "lumio_care"], now="2026-01-01 12:59", final_after="1h")
    assert r["n_answered"] == 2


def test_response_time_na_cases():
    t = _thread()
    assert response_times(t, [])["reason"] == "no brand accounts are configured"
    assert response_times(t, ["lumio"], ("2026-02-01", "2026-02-02"))["reason"] == (
        "no complaints or questions in the window")
    r = response_times(t[t.id.isin(["c2", "p1"])], ["lumio"], now="2026-01-05")
    assert r["status"] == "n/a" and r["share_within"] == 0.0 and r["answer_rate"] == 0.0


def test_the_median_interval_is_the_bootstrap_one():
    import numpy as np

    from metrics.response import _quantile_interval

    rng = np.random.default_rng(0)
    x = rng.lognormal(np.log(50), 0.9, 301)
    est, lo, hi = _quantile_interval(x, 0.5, 0.95)
    boot = np.median(rng.choice(x, (4000, len(x))), axis=1)
    assert est == np.median(x)
    assert lo == pytest.approx(np.quantile(boot, 0.025), rel=0.03)
    assert hi == pytest.approx(np.quantile(boot, 0.975), rel=0.03)


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


def test_unscored_items_do_not_break_the_counts():
    """A complaint flag is missing (NULL in SQL) when a mention is not scored yet: it counts as not a complaint."""
    from metrics import response_summary

    items = pd.DataFrame({"created_at": pd.to_datetime(["2026-01-01 10:00"] * 2), "replied_at": pd.NaT,
                          "complaint": pd.array([True, None], dtype="boolean"), "question": [False, True]})
    r = response_summary(items, now="2026-01-05")
    assert (r["n"], r["n_complaints"], r["n_questions"]) == (2, 1, 1)
