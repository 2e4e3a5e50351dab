"""Viral triggers: content traits in English and Korean, the trait model, trigger accounts, the account table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from diffusion.accounts import ACCOUNT_COLUMNS, account_table
from diffusion.traits import keyword_pattern, post_traits
from diffusion.triggers import auc_delong, fit_trait_model, original_posts, trait_model, trigger_accounts
from viralscope.core.errors import InsufficientData

T0 = pd.Timestamp("2026-01-07 14:00", tz="UTC")  # a Wednesday afternoon


def _posts(texts, **columns):
    return pd.DataFrame({"text": texts, "created_at": [T0] * len(texts), **columns})


# -- traits ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "trait, yes, no",
    [
        ("personalization", ["You will love this", "여러분 이거 보세요"], ["I love this", "오늘 날씨 좋다"]),
        ("surprise", ["Wait what, a plot twist!", "OMG did not expect that", "헐 대박", "완전 반전이네"],
         ["A normal lamp", "평범한 하루"]),
        ("storytelling", ["Yesterday my lamp died", "So I called support and it turns out", "어제 주문했는데"],
         ["Lamp for sale", "램프 판매"]),
        ("question_cta", ["Is it worth it?", "Share this with a friend", "RT if you agree", "지금 신청하세요",
                          "공유 부탁", "이거 괜찮아？"], ["Nice lamp.", "좋은 램프"]),
    ],
)
def test_text_traits_in_both_languages(trait, yes, no):
    t = post_traits(_posts(yes + no))
    assert t[trait].tolist() == [1] * len(yes) + [0] * len(no)


def test_counts_media_reach_time_and_source():
    posts = _posts(
        ["#a #b @c https://x.y/z http://q.r", "plain", "또 #해시 @멘션"],
        media=[True, None, False], author_followers=[999, None, 9], source=["x", "x", "bluesky"],
        sentiment_compound=[0.5, None, -0.2],
    )
    posts.loc[2, "created_at"] = pd.Timestamp("2026-01-10 03:00", tz="UTC")  # a Saturday night
    t = post_traits(posts)
    assert t["hashtags"].tolist() == [2, 0, 1] and t["mentions"].tolist() == [1, 0, 1]
    assert t["links"].tolist() == [2, 0, 0]
    assert t["media"].tolist() == [1, 0, 0]
    assert t["author_reach"].tolist() == pytest.approx([3.0, np.log10(1 + 504), 1.0])  # median fills the gap
    assert t["sentiment"].tolist() == pytest.approx([0.5, 0.0, -0.2])
    assert t["hour_night"].tolist() == [0, 0, 1] and t["weekend"].tolist() == [0, 0, 1]
    assert t["source_bluesky"].tolist() == [0, 0, 1] and "source_x" not in t
    assert post_traits(_posts(["a"])).columns.intersection(["sentiment", "author_reach", "source_x"]).empty


def test_themes_extend_builtin_traits_or_add_columns():
    posts = _posts(["Lamp arrived late", "배송이 늦어요", "Glow box unboxing", "nothing"])
    t = post_traits(posts, themes={"delivery": ["late", "배송"], "Surprise": ["glow box"]})
    assert t["theme_delivery"].tolist() == [1, 1, 0, 0]
    assert t["surprise"].tolist() == [0, 0, 1, 0]
    assert "theme_surprise" not in t


def test_keyword_pattern_whole_words_for_latin_substrings_for_hangul():
    p = keyword_pattern(["rt", "late", "배송"])
    assert p.search("RT pls") and not p.search("smart art") and not p.search("latest")
    assert p.search("배송이") and p.search("빠른배송")
    assert keyword_pattern([]) is None and keyword_pattern(["  "]) is None


# -- AUC ----------------------------------------------------------------------------------------------------


def test_auc_delong_matches_the_pairwise_definition():
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 400)
    score = np.round(rng.normal(size=400) + 0.7 * y, 1)  # ties on purpose
    pos, neg = score[y == 1], score[y == 0]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    se = np.sqrt(v10.var(ddof=1) / len(pos) + v01.var(ddof=1) / len(neg))
    auc, low, high = auc_delong(y, score)
    assert auc == pytest.approx(psi.mean())
    assert low == pytest.approx(psi.mean() - 1.959963984540054 * se)
    assert high == pytest.approx(psi.mean() + 1.959963984540054 * se)


def test_auc_delong_edges():
    assert auc_delong([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])[0] == 1.0
    with pytest.raises(InsufficientData):
        auc_delong([1, 1], [0.2, 0.3])


# -- the trait model -------------------------------------------------------------------------------------


def _synthetic(n=3000, seed=0, effect=1.0):
    rng = np.random.default_rng(seed)
    traits = pd.DataFrame({
        "media": rng.integers(0, 2, n), "hashtags": rng.poisson(1.0, n), "links": rng.integers(0, 2, n),
        "author_reach": rng.normal(2.5, 0.8, n),
    })
    logit = -2.2 + effect * traits["media"] + 0.6 * (traits["author_reach"] - 2.5)
    viral = rng.random(n) < 1 / (1 + np.exp(-logit))
    return traits, viral.to_numpy()


def test_trait_model_recovers_an_injected_effect_and_its_sign():
    traits, viral = _synthetic()
    r = fit_trait_model(traits, viral)
    assert r.reliable and r.auc_ci[0] > 0.5
    e = r.effects.set_index("trait")
    assert e.loc["media", "ci_low"] < 1.0 < e.loc["media", "ci_high"]  # the true log-odds per presence
    assert e.loc["media", "significant"] and e.loc["author_reach", "significant"]
    assert not e.loc["hashtags", "significant"] and not e.loc["links", "significant"]
    assert e.loc["media", "prevalence"] == pytest.approx(traits["media"].mean())


def test_effects_match_an_unpenalised_fit_on_the_raw_traits():
    traits, viral = _synthetic(seed=1)
    r = fit_trait_model(traits, viral, c=1e8).effects.set_index("trait")
    raw = LogisticRegression(C=1e8, max_iter=5000).fit(traits.to_numpy(float), viral)
    coef = dict(zip(traits.columns, raw.coef_[0], strict=True))
    assert r.loc["media", "effect"] == pytest.approx(coef["media"], rel=1e-3)  # per presence
    assert r.loc["links", "effect"] == pytest.approx(coef["links"], abs=1e-3)
    sd = traits["author_reach"].std(ddof=0)
    assert r.loc["author_reach", "effect"] == pytest.approx(coef["author_reach"] * sd, rel=1e-3)  # per SD


def test_wald_intervals_agree_with_the_bootstrap():
    traits, viral = _synthetic(n=2000, seed=2)
    r = fit_trait_model(traits, viral).effects.set_index("trait")
    rng = np.random.default_rng(0)
    z = ((traits - traits.mean()) / traits.std(ddof=0)).to_numpy()
    boot = []
    for _ in range(150):
        i = rng.integers(0, len(z), len(z))
        boot.append(LogisticRegression(C=1.0, max_iter=2000).fit(z[i], viral[i]).coef_[0][0])
    wald_se = (r.loc["media", "ci_high"] - r.loc["media", "ci_low"]) / (2 * 1.959964) * traits["media"].std(ddof=0)
    assert wald_se == pytest.approx(np.std(boot), rel=0.25)


def test_shuffled_labels_give_no_reliable_trigger():
    traits, viral = _synthetic()
    r = fit_trait_model(traits, np.random.default_rng(9).permutation(viral))
    assert not r.reliable and r.auc_ci[0] <= 0.5
    assert r.message.startswith("no reliable trigger found")


def test_rare_and_constant_traits_are_left_out():
    traits, viral = _synthetic(n=500)
    traits["never"] = 0
    traits["rare"] = 0
    traits.loc[:2, "rare"] = 1
    r = fit_trait_model(traits, viral)
    assert set(r.dropped) == {"never", "rare"} and "rare" not in set(r.effects["trait"])


def test_trait_model_needs_both_classes():
    traits, _ = _synthetic(n=100)
    with pytest.raises(InsufficientData):
        fit_trait_model(traits, np.zeros(100, dtype=bool))


def _cascades(spec, start=T0):
    """spec: list of (post text, media, number of shares)."""
    rows = []
    for i, (text, media, shares) in enumerate(spec):
        t = start + pd.Timedelta(hours=i)
        rows.append({"id": f"p{i}", "parent_id": None, "created_at": t, "text": text, "media": media,
                     "kind": "post", "author_id": f"a{i}", "source": "x"})
        rows += [{"id": f"p{i}-{j}", "parent_id": f"p{i}", "created_at": t + pd.Timedelta(minutes=j + 1),
                  "text": "", "kind": "share", "author_id": f"s{j}", "source": "x"} for j in range(shares)]
    return pd.DataFrame(rows)


def test_trait_model_on_mentions_labels_the_top_cascades_and_waits_for_them_to_settle():
    rng = np.random.default_rng(4)
    spec = [("Look at this lamp", bool(m), int(rng.poisson(8 if m else 1))) for m in rng.integers(0, 2, 300)]
    m = _cascades(spec)
    report = trait_model(m)
    sizes = original_posts(m)["cascade_size"]
    assert report.threshold == max(2, int(np.ceil(np.quantile(sizes[:-48], 0.9))))  # the last 2 days wait
    assert report.n_posts == 300 - 48
    assert report.reliable and report.effects.loc[0, "trait"] == "media"
    with pytest.raises(InsufficientData):
        trait_model(m.head(20))


# -- trigger accounts and the account table ----------------------------------------------------------------


def _reignited():
    #  brand post p -> fan f (1 share) and celeb c; c's reshare gets 9 shares of its own; one of them, d, gets 2.
    rows = [("p", None, "brand", 5000, "post"), ("f", "p", "fan", 30, "share"), ("c", "p", "celeb", 800000, "share")]
    rows += [(f"c{i}", "c", f"u{i}", 10, "share") for i in range(9)]
    rows += [("d1", "c0", "v1", 3, "reply"), ("d2", "c0", "v2", 3, "quote")]
    return pd.DataFrame({"id": [r[0] for r in rows], "parent_id": [r[1] for r in rows],
                         "author_id": [r[2] for r in rows], "author_followers": [r[3] for r in rows],
                         "kind": [r[4] for r in rows], "author_name": [r[2].title() for r in rows],
                         "created_at": [T0 + pd.Timedelta(minutes=i) for i in range(len(rows))], "source": "x"})


def test_trigger_accounts():
    t = trigger_accounts(_reignited())
    assert t["author_id"].tolist() == ["celeb"]
    row = t.iloc[0]
    assert (row["reignitions"], row["descendants_triggered"], row["cascades"]) == (1, 11, 1)
    assert row["largest_fraction"] == pytest.approx(11 / 13) and row["followers"] == 800000
    assert row["descendants_per_1k_followers"] == pytest.approx(11 / 800)
    # Lower the bar and the small re-ignition by u0 (2 descendants, 2/13 of the cascade) counts too.
    loose = trigger_accounts(_reignited(), min_fraction=0.1, min_descendants=2)
    assert loose["author_id"].tolist() == ["celeb", "u0"]
    assert trigger_accounts(_reignited().drop(columns="author_id")).empty
    assert list(trigger_accounts(_reignited(), min_descendants=100).columns) == list(t.columns)


def test_account_table():
    table = account_table(_reignited())
    assert list(table.columns) == ACCOUNT_COLUMNS
    a = table.set_index("author_id")
    assert a.index[0] == "brand"
    assert (a.loc["brand", "posts"], a.loc["brand", "cascades_started"], a.loc["brand", "reach"]) == (1, 1, 13)
    assert (a.loc["brand", "largest_cascade"], a.loc["brand", "deepest_cascade"]) == (14, 3)
    assert a.loc["celeb", "reignitions"] == 1 and a.loc["celeb", "descendants_triggered"] == 11
    assert a.loc["celeb", "mean_share_order"] == 1.0 and a.loc["v1", "mean_share_order"] == 3.0
    assert a.loc["v1", "replies"] == 1 and a.loc["v2", "quotes"] == 1
    assert pd.isna(a.loc["fan", "largest_cascade"])
