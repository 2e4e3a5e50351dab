"""The demo world: deterministic, on its calendar, real trees, real sentiment, and the truth it claims."""

from __future__ import annotations

import datetime as dt
import json
import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from viralscope.config import parse_config
from viralscope.core.errors import ConfigError
from viralscope.demo import build_world
from viralscope.store import INPUT_COLUMNS

SCALE = 20_000


@pytest.fixture(scope="module")
def world():
    return build_world(scale=SCALE, seed=7)


@pytest.fixture(scope="module")
def trees(world):
    """Root id and depth of every mention, followed through parent links (parents come first in time)."""
    m = world.mentions.sort_values("created_at", kind="stable")
    root, depth = {}, {}
    for key, parent in zip(zip(m["source"], m["id"], strict=True), m["parent_id"], strict=True):
        if parent is None or pd.isna(parent):
            root[key], depth[key] = key, 0
        else:
            p = (key[0], parent)
            root[key], depth[key] = root[p], depth[p] + 1
    keys = list(zip(world.mentions["source"], world.mentions["id"], strict=True))
    return pd.DataFrame({"root": [root[k][1] for k in keys], "depth": [depth[k] for k in keys]},
                        index=world.mentions.index)


def _brand_accounts(world):
    return set(world.config["brand"]["accounts"])


def test_same_seed_same_world_and_another_seed_another():
    a, b = build_world(scale=2_000, seed=3), build_world(scale=2_000, seed=3)
    pd.testing.assert_frame_equal(a.mentions, b.mentions)
    pd.testing.assert_frame_equal(a.conversions, b.conversions)
    assert a.truth == b.truth and a.config == b.config
    c = build_world(scale=2_000, seed=4)
    assert not a.mentions["text"].equals(c.mentions["text"])


@pytest.mark.parametrize(("start", "days"), [(dt.date(2026, 1, 5), 90), (dt.date(2025, 10, 1), 60)])
def test_calendar(start, days):
    w = build_world(start=start, days=days, scale=2_000)
    t = w.mentions["created_at"]
    assert str(t.dt.tz) == "UTC"
    begin = pd.Timestamp(start, tz="UTC")
    assert t.min() >= begin and t.max() < begin + pd.Timedelta(days=days)
    assert t.dt.floor("D").nunique() == days  # something every day
    assert list(w.conversions["date"]) == [start + dt.timedelta(days=i) for i in range(days)]
    c0 = dt.date.fromisoformat(w.truth["campaign"]["start"])
    assert start < c0 < dt.date.fromisoformat(w.truth["crisis"]["start"][:10]) < start + dt.timedelta(days=days)


def test_default_calendar_and_size():
    w = build_world()
    assert w.truth["params"] == {"start": "2026-01-05", "days": 90, "scale": 40_000, "seed": 7}
    assert 36_000 <= len(w.mentions) <= 44_000
    assert w.truth["campaign"]["start"] == "2026-02-02" and w.truth["campaign"]["end"] == "2026-02-16"


def test_contract_columns_and_values(world):
    m = world.mentions
    assert list(m.columns[: len(INPUT_COLUMNS)]) == INPUT_COLUMNS
    assert {"topic", "tone", "surprise"} <= set(m.columns[len(INPUT_COLUMNS):])
    assert not m.duplicated(["source", "id"]).any()
    assert set(m["kind"]) == {"post", "reply", "share", "quote"}
    assert m["url"].str.startswith("https://").all()
    assert set(m["lang"]) == {"en", "ko"}
    assert (m[["likes", "shares", "replies"]] >= 0).all().all()
    assert m["text"].str.len().gt(0).all()
    assert {"x", "mastodon", "reddit", "bluesky", "youtube", "hackernews", "rss"} <= set(m["source"])
    assert set(m["brand"]) == {"Lumio", "Kandela", "Novalux"}


def test_source_specific_kinds(world):
    kinds = world.mentions.groupby("source")["kind"].agg(set)
    assert kinds["rss"] == {"post"}
    assert kinds["reddit"] <= {"post", "reply"} and kinds["hackernews"] <= {"post", "reply"}
    assert kinds["youtube"] <= {"post", "reply"}
    assert "share" in kinds["x"] and "quote" in kinds["x"] and "share" in kinds["mastodon"]
    assert "quote" not in kinds["mastodon"]
    assert world.mentions.loc[world.mentions["source"] == "youtube"].query("kind == 'post'")["media"].all()


def test_every_parent_exists_is_earlier_and_on_the_same_source(world):
    m = world.mentions
    child = m[m["parent_id"].notna()]
    parents = m.set_index(["source", "id"])["created_at"]
    parent_time = parents.reindex(pd.MultiIndex.from_arrays([child["source"], child["parent_id"]]))
    assert parent_time.notna().all()  # exists, on the same source
    assert (child["created_at"].to_numpy() > parent_time.to_numpy()).all()
    assert (m["parent_id"].isna() == (m["kind"] == "post")).all()


def test_follower_counts_are_heavy_tailed(world):
    f = world.mentions.drop_duplicates(["source", "author_id"])["author_followers"].dropna().astype(float)
    assert f.max() / f.median() > 100
    assert world.mentions.loc[world.mentions["source"].isin(["reddit", "hackernews", "rss"]), "author_followers"].isna().all()


def test_campaign_cascade_is_deep_and_matches_truth(world, trees):
    v = world.truth["viral_cascade"]
    mine = trees[trees["root"] == v["root_id"]]
    assert mine["depth"].max() == v["depth"] >= 8
    assert len(mine) == v["size"]
    root = world.mentions.set_index("id").loc[v["root_id"]]
    assert root["author_id"] == "lumio" and root["media"] and root["surprise"]
    # it is by far the deepest cascade of the season
    assert trees.groupby("root")["depth"].max().sort_values().iloc[-1] == v["depth"]


def test_both_languages_and_real_korean(world):
    m = world.mentions
    ko = m.loc[m["lang"] == "ko", "text"]
    assert len(ko) > 0.2 * len(m)
    assert ko.str.contains(r"[가-힣]").mean() > 0.95
    joined = "\n".join(ko.tolist())
    for needle in ("안 ", "못 ", "없", "않", "ㅋㅋ", "ㅠㅠ", "진짜", "너무", "완전"):
        assert needle in joined, needle
    assert re.search(r"[\U0001F300-\U0001FAFF]", joined)


def test_english_sentiment_agrees_with_vader(world):
    m = world.mentions
    en = m[(m["lang"] == "en") & (m["kind"] != "share")]
    analyzer = SentimentIntensityAnalyzer()
    compound = np.array([analyzer.polarity_scores(t)["compound"] for t in en["text"]])
    label = np.where(compound >= 0.05, "positive", np.where(compound <= -0.05, "negative", "neutral"))
    agree = (label == en["tone"].to_numpy()).mean()
    assert agree >= 0.9, agree
    assert set(en["tone"]) == {"positive", "neutral", "negative"}


def test_brand_answers_the_crisis_with_the_delays_in_truth(world):
    m = world.mentions
    crisis = world.truth["crisis"]
    start, end = pd.Timestamp(crisis["start"]), pd.Timestamp(crisis["end"])
    by_key = m.set_index(["source", "id"])
    brand = m[m["author_id"].isin(_brand_accounts(world)) & (m["kind"] == "reply")]
    parent = by_key.reindex(pd.MultiIndex.from_arrays([brand["source"], brand["parent_id"]]))
    delay = (brand["created_at"].to_numpy() - parent["created_at"].to_numpy()) / pd.Timedelta(minutes=1)
    in_crisis = ((parent["topic"] == "outage") & (parent["created_at"] >= start) & (parent["created_at"] < end)).to_numpy()
    assert (~parent["author_id"].isin(_brand_accounts(world))).all()  # the brand answers others, in their thread
    spec = world.truth["response"]["crisis"]
    d = delay[in_crisis]
    assert len(d) >= 30
    assert abs(np.median(d) / spec["median_minutes"] - 1) < 0.35
    assert 0.1 < (d <= 60).mean() < 0.9 and (d > 120).any()  # some within the hour, a tail beyond
    normal = world.truth["response"]["normal"]
    assert abs(np.median(delay[~in_crisis]) / normal["median_minutes"] - 1) < 0.2
    sigma = np.std(np.log(delay[~in_crisis]))
    assert abs(sigma / normal["sigma"] - 1) < 0.2


def test_negative_spike_at_the_crisis(world):
    m = world.mentions
    neg = m[(m["brand"] == "Lumio") & (m["tone"] == "negative")]
    hourly = neg.set_index("created_at").resample("1h").size()
    start = pd.Timestamp(world.truth["crisis"]["start"]).floor("h")
    same_hour = hourly[hourly.index.hour == start.hour]
    assert hourly.loc[start + pd.Timedelta(hours=1)] > 8 * max(1, same_hour.median())
    assert hourly.idxmax() - start < pd.Timedelta(hours=5)


def test_campaign_lifts_positive_mentions(world):
    m = world.mentions
    pos = m[(m["brand"] == "Lumio") & (m["tone"] == "positive")]
    day = pos["created_at"].dt.date
    c0, c1 = (dt.date.fromisoformat(world.truth["campaign"][k]) for k in ("start", "end"))
    length = (c1 - c0).days
    during = ((day >= c0) & (day < c1)).sum() / length
    before = ((day >= c0 - dt.timedelta(days=length)) & (day < c0)).sum() / length
    assert during > 1.8 * before


def test_daily_and_weekly_rhythm(world):
    m = world.mentions[world.mentions["lang"] == "en"]
    hours = m["created_at"].dt.hour.value_counts()
    assert hours.max() > 3 * hours.min()
    days = m.set_index("created_at").resample("D").size()
    weekday = days.groupby(days.index.day_of_week).mean()
    assert weekday[2] > weekday[5]  # Wednesday busier than Saturday


def test_conversion_lift_equals_truth(world):
    c = world.conversions
    truth = world.truth["conversions"]
    cf = np.array([truth["counterfactual_rate"][d.isoformat()] for d in c["date"]])
    ratio = c["conversions"].to_numpy() / c["sessions"].to_numpy() / cf
    c0, c1 = (dt.date.fromisoformat(world.truth["campaign"][k]) for k in ("start", "end"))
    inside = np.array([c0 <= d < c1 for d in c["date"]])
    dip = dt.date.fromisoformat(truth["crisis_dip"]["date"])
    outside = ~inside & np.array([d != dip for d in c["date"]])
    se = truth["rate_noise_sd"] * 1.2
    lift = world.truth["campaign"]["conversion_rate_lift"]
    assert lift == truth["rate_lift"] > 0
    assert abs(ratio[inside].mean() - (1 + lift)) < 3 * se * (1 + lift) / np.sqrt(inside.sum())
    assert abs(ratio[outside].mean() - 1) < 3 * se / np.sqrt(outside.sum())
    # day-to-day variation of the rate is well above binomial noise
    assert np.std(np.log(ratio[outside])) > 1.5 * truth["binomial_sd_of_rate"]
    assert (c["spend"] > 0).all() and (c["new_customers"] <= c["conversions"]).all()


def _original_reach(world, trees):
    m = world.mentions
    # Reshares, replies and quotes by the public; the brand's answers to questions are not spread.
    public = ~m["author_id"].isin(_brand_accounts(world))
    size = trees[public].groupby("root").size() - 1
    posts = m[(m["kind"] == "post") & m["source"].isin(["x", "bluesky", "mastodon", "reddit"])
              & ~m["author_id"].isin(["lumio", "lumio_kr", "kandela", "novalux"])]
    posts = posts[~posts["id"].isin([world.truth["crisis"]["trigger"]["root_id"]])]
    return posts.assign(descendants=size.reindex(posts["id"]).to_numpy(),
                        hashtag=posts["text"].str.contains("#"), link=posts["text"].str.contains("https://"),
                        question=posts["text"].str.contains(r"\?"))


def test_injected_trait_effect_is_in_the_data_and_nothing_else_is_strong(world, trees):
    posts = _original_reach(world, trees)

    def ratio(flag, among):
        return among.loc[among[flag], "descendants"].mean() / among.loc[~among[flag], "descendants"].mean()

    assert ratio("media", posts) > 1.4
    assert ratio("surprise", posts) > 1.25
    # Other traits do nothing once the injected ones are held fixed (surprise wording often asks "wait what?").
    plain = posts[~posts["media"] & ~posts["surprise"]]
    for neutral in ("hashtag", "link", "question"):
        assert 0.7 < ratio(neutral, plain) < 1.35, neutral
    assert world.truth["traits"]["effects"]["media"]["share_probability_multiplier"] > 1


def test_config_is_a_valid_configuration(world):
    cfg = parse_config(world.config, "demo")
    assert cfg.brand.name == "Lumio" and len(cfg.competitors) == 2
    assert set(cfg.brand_accounts) == {a["author_id"] for a in world.truth["brand_accounts"] if a["brand"] == "Lumio"}
    (campaign,) = cfg.campaigns
    assert campaign.start.isoformat() == world.truth["campaign"]["start"] and campaign.cost > 0
    assert campaign.value_per_conversion > 0


def test_truth_is_json_and_names_real_mentions(world):
    truth = json.loads(json.dumps(world.truth))
    ids = set(world.mentions["id"])
    assert truth["viral_cascade"]["root_id"] in ids and truth["crisis"]["trigger"]["root_id"] in ids
    assert truth["mentions"] == len(world.mentions)


@pytest.mark.parametrize("scale", [1_000, 5_000, 12_000])
def test_scale_within_ten_percent(scale):
    assert abs(len(build_world(scale=scale, seed=11).mentions) / scale - 1) <= 0.10


def test_fixture_world_is_within_ten_percent(world):
    assert abs(len(world.mentions) / SCALE - 1) <= 0.10


def test_follower_graph_as_networkx(world):
    g = world.graph
    assert isinstance(g, nx.DiGraph) and g.number_of_nodes() == len(world.population.users)
    assert g.has_node(("x", "lumio")) and g.out_degree(("x", "lumio")) > 10
    assert all(u[0] == v[0] for u, v in list(g.edges)[:1000])  # ties stay on one platform


@pytest.mark.parametrize(
    "kwargs", [{"days": 10}, {"scale": 10}, {"scale": 2.5}, {"seed": -1}, {"start": "not a date"}]
)
def test_bad_parameters_are_refused(kwargs):
    with pytest.raises(ConfigError):
        build_world(**kwargs)
