"""Build the demo world: a season of mentions of a fictional brand and two competitors, with known truth.

The world is made in this order, each step from its own random stream so that the whole is deterministic for
a seed: the population and its follower graph; original posts from daily/weekly rhythms plus three events
(a campaign, a service failure, a competitor's bump); a deep viral cascade from the campaign's surprise
post; independent cascades of reshares, replies and quotes from every original; the brand's answers to
complaints; and the daily business numbers. What was injected is written into ``World.truth``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
import numpy as np
import pandas as pd
from tqdm import tqdm

from diffusion.simulate import Activations, lognormal_delay, simulate_cascades
from viralscope.core.errors import ConfigError
from viralscope.demo import text as tx
from viralscope.demo.business import daily_business
from viralscope.demo.ids import assign_ids, frame, put
from viralscope.demo.population import SOURCES, Population, build_population
from viralscope.demo.rhythm import hourly_profile, sample_times

DEFAULT_START = dt.date(2026, 1, 5)
DEFAULT_DAYS = 90
#: Mentions in the default world: a realistic few months of a mid-size brand, quick on a laptop.
DEFAULT_SCALE = 40_000
MIN_SCALE = 1_000
MAX_SCALE = 5_000_000
MIN_DAYS = 56

BRAND = "Lumio"
COMPETITORS = ("Kandela", "Novalux")
BRAND_SHARE = {"Lumio": 0.46, "Kandela": 0.32, "Novalux": 0.22}
TONE_SHARE = {"positive": 0.36, "neutral": 0.42, "negative": 0.22}
LANG_SHARE = {"en": 0.62, "ko": 0.38}
#: Share of ordinary originals written with surprise.
SURPRISE_SHARE = 0.08
#: Probability that an original carries an image or a video, by source.
MEDIA_SHARE = {"x": 0.25, "bluesky": 0.2, "mastodon": 0.15, "reddit": 0.2, "youtube": 1.0, "hackernews": 0.0, "rss": 0.4}
#: Base per-edge activation probability of an original, by source.
BASE_P = {"x": 0.05, "bluesky": 0.05, "mastodon": 0.05, "reddit": 0.05, "youtube": 0.03, "hackernews": 0.05, "rss": 0.0}
#: The injected content-trait effects: multipliers of a post's per-edge activation probability.
TRAIT_EFFECTS = {"media": 1.8, "surprise": 1.6}
#: Reshare/reply delays in minutes: a 30-second floor plus a log-normal (median 30 min).
DELAY = {"floor_minutes": 0.5, "median_minutes": 30.0, "sigma": 1.2}
VIRAL = {"p": 0.2, "min_depth": 8, "median_minutes": 45.0, "sigma": 1.3, "attempts": 40}
#: Brand answers to complaints and questions: log-normal delay, share answered.
RESPONSE = {
    "normal": {"median_minutes": 50.0, "sigma": 0.9, "answer_share": 0.5},
    "crisis": {"median_minutes": 80.0, "sigma": 1.0, "answer_share": 0.85},
}
#: Mentions per original and its cascade, counting the brand's answers (measured on built worlds).
BRAND_REPLY_FACTOR = 1.065
CAMPAIGN = {"name": "Glow Surprise", "days": 14, "cost": 50_000.0, "value_per_conversion": 42.0,
            "rate_lift": 0.18, "sessions_lift": 0.12, "level": 0.25, "surprise_share": 0.6}
CRISIS = {"hour": 5, "minute": 10, "outage_hours": 4.0, "half_life_hours": 1.5, "tail_hours": 6.0, "level": 6.0, "trigger_p": 0.15,
          "conversion_dip": 0.15, "cause": "a failed app update took down logins and payments"}
#: Where the brand answers, and from which account: (source, lang) -> account.
CARE_ACCOUNTS = {
    ("x", "en"): "lumio_care", ("x", "ko"): "lumio_kr", ("bluesky", "en"): "lumio_care", ("bluesky", "ko"): "lumio_care",
    ("mastodon", "en"): "lumio_care", ("mastodon", "ko"): "lumio_care", ("reddit", "en"): "lumio_care",
    ("reddit", "ko"): "lumio_care", ("youtube", "en"): "lumio", ("youtube", "ko"): "lumio_kr",
}
ROLE_OF_SOURCE = {"rss": "news", "youtube": "video", "hackernews": "story"}
_STREAMS = ("population", "viral", "originals", "pilot", "cascades", "children", "text", "replies", "ids", "business")


@dataclass
class World:
    """A built demo world: mentions and conversions to store, the truth to test against, its config."""

    mentions: pd.DataFrame
    conversions: pd.DataFrame
    truth: dict
    config: dict
    population: Population = field(repr=False)

    @cached_property
    def graph(self) -> nx.DiGraph:
        """The follower graph as networkx: nodes ``(source, author_id)``, edges from an account to its followers."""
        users = self.population.users
        labels = list(zip(users["source"], users["author_id"], strict=True))
        fg = self.population.graph
        g = fg.to_networkx()
        g = nx.relabel_nodes(g, dict(enumerate(labels)), copy=False)
        attrs = users[["author_name", "lang", "followers"]].to_dict("records")
        nx.set_node_attributes(g, dict(zip(labels, attrs, strict=True)))
        return g


@dataclass(frozen=True)
class _Plan:
    """The calendar of events in minutes since the start."""

    start: dt.date
    days: int
    campaign_day: int
    crisis_day: int
    competitor_day: int

    @property
    def horizon(self) -> float:
        return self.days * 1440.0

    @property
    def campaign(self) -> tuple[float, float]:
        return self.campaign_day * 1440.0, (self.campaign_day + CAMPAIGN["days"]) * 1440.0

    @property
    def crisis_start(self) -> float:
        return self.crisis_day * 1440.0 + CRISIS["hour"] * 60 + CRISIS["minute"]

    @property
    def crisis_fixed(self) -> float:
        return self.crisis_start + CRISIS["outage_hours"] * 60

    @property
    def crisis_end(self) -> float:
        return self.crisis_fixed + CRISIS["tail_hours"] * 60

    def when(self, minutes: float) -> str:
        t = dt.datetime.combine(self.start, dt.time(), tzinfo=dt.UTC) + dt.timedelta(minutes=float(minutes))
        return t.isoformat().replace("+00:00", "Z")


def _plan(start: dt.date, days: int) -> _Plan:
    return _Plan(start, days, campaign_day=round(days * 0.311), crisis_day=round(days * 0.7556),
                 competitor_day=round(days * 0.6))


def _check(start, days, scale, seed) -> tuple[dt.date, int, int, int]:
    if isinstance(start, dt.datetime):
        start = start.date()
    if not isinstance(start, dt.date):
        try:
            start = dt.date.fromisoformat(str(start))
        except ValueError:
            raise ConfigError(f"start: {start!r} is not a date (YYYY-MM-DD)") from None
    if not isinstance(days, int | np.integer) or days < MIN_DAYS:
        raise ConfigError(f"days: the demo world needs at least {MIN_DAYS} days (a baseline, a campaign, a crisis), got {days!r}")
    target = DEFAULT_SCALE if scale is None else scale
    if not isinstance(target, int | np.integer) or not MIN_SCALE <= target <= MAX_SCALE:
        raise ConfigError(f"scale: must be a whole number of mentions from {MIN_SCALE:,} to {MAX_SCALE:,}, got {scale!r}")
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise ConfigError(f"seed: must be a whole number >= 0, got {seed!r}")
    return start, int(days), int(target), int(seed)


def build_world(
    start: dt.date | str = DEFAULT_START,
    days: int = DEFAULT_DAYS,
    scale: int | None = None,
    seed: int = 7,
    *,
    progress: bool = False,
) -> World:
    """Build the demo world: about ``scale`` mentions (default 40,000) over ``days`` days from ``start``.

    The same arguments always give the same world.
    """
    start, days, target, seed = _check(start, days, scale, seed)
    plan = _plan(start, days)
    seeds = dict(zip(_STREAMS, np.random.SeedSequence(seed).spawn(len(_STREAMS)), strict=True))

    def rng(name: str) -> np.random.Generator:
        return np.random.default_rng(seeds[name])

    with tqdm(total=6, desc="demo world", unit="step", disable=not progress, leave=False) as bar:
        pop = build_population(max(1_500, target // 3), rng("population"))
        bar.update()
        viral_root, viral_acts = _viral(pop, plan, rng("viral"))
        bar.update()
        per_hour = None
        for _ in range(3):  # a rebuild at a corrected rate when the first build misses the size by > 8%
            per_hour, originals, acts = _calibrated_originals(pop, plan, target, len(viral_acts), seeds, per_hour)
            bar.update()
            rows = _assemble(pop, plan, originals, acts, viral_root, viral_acts, rng("children"), rng("text"))
            rows = _brand_replies(pop, plan, rows, rng("replies"), rng("text"))
            if abs(len(rows) - target) <= 0.08 * target:
                break
            fixed = len(viral_acts) + 1
            per_hour *= (target - fixed) / max(len(rows) - fixed, 1)
        bar.update()
        mentions = assign_ids(rows, pop, plan.start, rng("ids"))
        bar.update()
        conversions, business_truth = daily_business(
            rng("business"), start, days,
            campaign=(plan.campaign_day, plan.campaign_day + CAMPAIGN["days"]), campaign_cost=CAMPAIGN["cost"],
            rate_lift=CAMPAIGN["rate_lift"], sessions_lift=CAMPAIGN["sessions_lift"],
            dip_day=plan.crisis_day, dip=CRISIS["conversion_dip"], value_per_conversion=CAMPAIGN["value_per_conversion"],
        )
        bar.update()
    truth = _truth(plan, seed, target, per_hour, pop, rows, mentions, business_truth)
    mentions = mentions.drop(columns="_row")
    return World(mentions=mentions, conversions=conversions, truth=truth, config=demo_config(plan), population=pop)


# -- original posts ----------------------------------------------------------------------------------------


def _calibrated_originals(pop, plan, target, viral_size, seeds, per_hour=None):
    """Originals and their cascades at the background rate that makes about ``target`` mentions in all.

    Without a rate, a pilot simulation on a sample of originals estimates the mentions each original brings
    (its cascade, and some 6.5% more for the brand's answers) and sets the rate from it. Every run is
    deterministic: the same streams are drawn again at the new rate.
    """
    fixed = viral_size + 1
    if per_hour is None:
        per_hour = target / (plan.days * 24) / 2.2
        originals = _originals(pop, plan, per_hour, np.random.default_rng(seeds["originals"]))
        pilot = np.random.default_rng(seeds["pilot"])
        k = min(len(originals), 30_000)
        sample = pilot.choice(len(originals), k, replace=False)
        acts = _cascades(pop, originals.iloc[sample], pilot)
        per_original = (1 + np.count_nonzero(acts.time < plan.horizon) / k) * BRAND_REPLY_FACTOR
        per_hour *= max(target - fixed, 0.2 * target) / (len(originals) * per_original)
    originals = _originals(pop, plan, per_hour, np.random.default_rng(seeds["originals"]))
    acts = _cascades(pop, originals, np.random.default_rng(seeds["cascades"]))
    return per_hour, originals, acts


def _stream(rng, t, lang, brand, stream, tone, surprise) -> pd.DataFrame:
    n = len(t)
    return frame({
        "t": t, "lang": np.broadcast_to(np.asarray(lang, dtype=object), n).copy(),
        "brand": np.broadcast_to(np.asarray(brand, dtype=object), n).copy(),
        "stream": stream, "tone_wish": np.asarray(tone, dtype=object), "surprise_wish": surprise,
    })


def _originals(pop: Population, plan: _Plan, per_hour: float, rng: np.random.Generator) -> pd.DataFrame:
    """Original posts: times, languages, brands, authors, templates, traits and spreading probability."""
    hours = plan.days * 24
    day = np.arange(hours) // 24
    tones, tone_p = list(TONE_SHARE), list(TONE_SHARE.values())
    brands, brand_p = list(BRAND_SHARE), list(BRAND_SHARE.values())
    parts = []
    for lang, share in LANG_SHARE.items():
        profile = hourly_profile(plan.start, plan.days, lang)
        t = sample_times(rng, per_hour * share * profile)
        n = len(t)
        parts.append(_stream(rng, t, lang, rng.choice(brands, n, p=brand_p), "ordinary",
                             rng.choice(tones, n, p=tone_p), (rng.random(n) < SURPRISE_SHARE).astype(int)))
        # The campaign: extra Lumio chatter, strongest at launch.
        k = day - plan.campaign_day
        inside = (k >= 0) & (k < CAMPAIGN["days"])
        level = np.where(inside, CAMPAIGN["level"] * (0.5 + np.exp(-np.clip(k, 0, None) / 4.0)), 0.0)
        t = sample_times(rng, per_hour * share * profile * level)
        n = len(t)
        parts.append(_stream(rng, t, lang, BRAND, "campaign", rng.choice(["positive", "neutral"], n, p=[0.8, 0.2]),
                             (rng.random(n) < CAMPAIGN["surprise_share"]).astype(int)))
        # A competitor's three-day bump.
        k = day - plan.competitor_day
        level = np.where((k >= 0) & (k < 3), 0.15 * np.exp(-np.clip(k, 0, None) / 1.5), 0.0)
        t = sample_times(rng, per_hour * share * profile * level)
        n = len(t)
        parts.append(_stream(rng, t, lang, COMPETITORS[0], "ordinary",
                             rng.choice(["positive", "neutral"], n, p=[0.5, 0.5]), np.zeros(n, dtype=int)))
    # The service failure: complaints in both languages from the first minutes, whatever the hour.
    grid = np.arange(0.0, (CRISIS["outage_hours"] + CRISIS["tail_hours"]) * 60, 1.0)
    shape = np.where(grid < 30, 0.3 + 0.7 * grid / 30, 1.0)
    after = grid >= CRISIS["outage_hours"] * 60
    shape[after] = np.exp(-np.log(2) * (grid[after] / 60 - CRISIS["outage_hours"]) / CRISIS["half_life_hours"])
    n = rng.poisson(per_hour * CRISIS["level"] * shape.sum() / 60)
    cdf = np.cumsum(shape) / shape.sum()
    t = plan.crisis_start + np.searchsorted(cdf, rng.random(n)) + rng.random(n)
    lang = np.where(rng.random(n) < 0.55, "en", "ko")
    parts.append(_stream(rng, t, lang, BRAND, "outage", rng.choice(["negative", "neutral"], n, p=[0.9, 0.1]),
                         np.zeros(n, dtype=int)))
    posts = pd.concat(parts, ignore_index=True)
    posts = posts[posts["t"] < plan.horizon]
    posts["node"] = _authors(pop, posts["lang"].to_numpy(), rng)
    posts = pd.concat([posts, _brand_posts(pop, plan, per_hour, rng), _crisis_trigger(pop, plan, rng)], ignore_index=True)
    return _dress(posts, pop, plan, rng)


def _authors(pop: Population, lang: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An author for each post, among the people of its language, in proportion to how much they post."""
    node = np.empty(len(lang), dtype=np.int64)
    for lg in ("en", "ko"):
        pool = np.flatnonzero((pop.col("lang") == lg) & ~pop.col("is_brand"))
        cum = np.cumsum(pop.col("activity")[pool])
        m = lang == lg
        node[m] = pool[np.searchsorted(cum, rng.random(m.sum()) * cum[-1], side="right").clip(0, len(pool) - 1)]
    return node


def _brand_posts(pop: Population, plan: _Plan, per_hour: float, rng: np.random.Generator) -> pd.DataFrame:
    """The brands' own announcements, in business hours of their audience."""
    users = pop.users
    accounts = np.flatnonzero(users["brand"].notna().to_numpy() & ~users["author_id"].str.endswith("care").to_numpy())
    per_day = min(1.0, per_hour / 15)  # about one a day per account in a big world, a few in a small one
    parts = []
    for i in accounts:
        n = rng.poisson(per_day * plan.days)
        day = rng.integers(0, plan.days, n)
        hour = 3.0 if users.at[i, "lang"] == "ko" else 15.0
        t = day * 1440.0 + np.clip(rng.normal(hour, 1.5, n), 0, 23.9) * 60
        in_campaign = (t >= plan.campaign[0]) & (t < plan.campaign[1]) & (users.at[i, "brand"] == BRAND)
        parts.append(frame({
            "t": t, "lang": users.at[i, "lang"], "brand": users.at[i, "brand"],
            "stream": np.where(in_campaign & (rng.random(n) < 0.5), "announce_campaign", "announce"),
            "tone_wish": "*", "surprise_wish": -1, "node": i,
        }))
    return pd.concat(parts, ignore_index=True)


def _crisis_trigger(pop: Population, plan: _Plan, rng: np.random.Generator) -> pd.DataFrame:
    """The first complaint of the service failure, from a widely followed English account on X."""
    pool = np.flatnonzero((pop.col("source") == "x") & (pop.col("lang") == "en") & ~pop.col("is_brand"))
    top = pool[np.argsort(pop.col("followers")[pool])[-max(3, len(pool) // 100):]]
    return frame({
        "t": np.array([plan.crisis_start + 3.0]), "lang": np.array(["en"], dtype=object), "brand": np.array([BRAND], dtype=object),
        "stream": np.array(["trigger"], dtype=object), "tone_wish": np.array(["negative"], dtype=object),
        "surprise_wish": np.array([0]), "node": np.array([int(rng.choice(top))]),
    })


def _dress(posts: pd.DataFrame, pop: Population, plan: _Plan, rng: np.random.Generator) -> pd.DataFrame:
    """Role, template, traits and spreading probability of each original."""
    posts = posts.sort_values("t", kind="stable").reset_index(drop=True)
    source = pop.col("source")[posts["node"].to_numpy()]
    stream = posts["stream"].to_numpy()
    role = np.array([ROLE_OF_SOURCE.get(s, "post") for s in source], dtype=object)
    role[np.isin(stream, ["announce", "announce_campaign", "viral"])] = "announce"
    topic = np.full(len(posts), "*", dtype=object)
    topic[np.isin(stream, ["campaign", "announce_campaign", "viral"])] = "campaign"
    topic[(stream == "outage") | (stream == "trigger")] = "outage"
    index = tx.choose(rng, posts["lang"].to_numpy(), role, topic, posts["tone_wish"].to_numpy(),
                      posts["surprise_wish"].to_numpy())
    tone, topic, surprise, pattern = tx.template_fields(posts["lang"].to_numpy(), index)
    media = rng.random(len(posts)) < np.array([MEDIA_SHARE[s] for s in source])
    media[stream == "trigger"] = True  # a screenshot of the error
    p = np.array([BASE_P[s] for s in source]) * np.where(media, TRAIT_EFFECTS["media"], 1.0)
    p *= np.where(surprise, TRAIT_EFFECTS["surprise"], 1.0)
    p[stream == "trigger"] = CRISIS["trigger_p"]  # the first complaint, from a big account, spread widely
    return put(posts, source=source, role=role, tone=tone, topic=topic, surprise=surprise, pattern=pattern,
               media=media, p=np.minimum(p, 1.0))


def _cascades(pop: Population, originals: pd.DataFrame, rng: np.random.Generator) -> Activations:
    delay = lognormal_delay(DELAY["median_minutes"], DELAY["sigma"])
    return simulate_cascades(
        pop.graph, originals["node"].to_numpy(), originals["p"].to_numpy(), rng=rng,
        start_time=originals["t"].to_numpy(), delay=lambda r, n: DELAY["floor_minutes"] + delay(r, n),
    )


def _viral(pop: Population, plan: _Plan, rng: np.random.Generator) -> tuple[dict, Activations]:
    """The campaign's surprise post and its cascade: redrawn until it runs deep (a chain of reshares)."""
    node = pop.index_of("x", "lumio")
    t0 = plan.campaign[0] + 1440 + 15 * 60
    delay = lognormal_delay(VIRAL["median_minutes"], VIRAL["sigma"])
    best = None
    for _ in range(VIRAL["attempts"]):
        acts = simulate_cascades(pop.graph, np.array([node]), VIRAL["p"], rng=rng, start_time=t0,
                                 delay=lambda r, n: DELAY["floor_minutes"] + delay(r, n))
        depth = int(acts.step.max()) if len(acts) else 0
        if best is None or depth > best[0]:
            best = (depth, acts)
        if depth >= VIRAL["min_depth"]:
            break
    root = {"t": t0, "lang": "en", "brand": BRAND, "stream": "viral", "tone_wish": "positive", "surprise_wish": 1,
            "node": node}
    return root, best[1]


# -- cascades into mentions --------------------------------------------------------------------------------


def _assemble(pop, plan, originals, acts, viral_root, viral_acts, rng, text_rng) -> pd.DataFrame:
    """One row per mention: the originals, then every activation as a share, reply or quote of its parent."""
    viral = put(_dress(frame({k: np.array([v], dtype=object if isinstance(v, str) else None) for k, v in viral_root.items()}),
                         pop, plan, rng), media=np.array([True]))
    roots = pd.concat([originals, viral], ignore_index=True)
    roots["kind"] = "post"
    roots["parent"] = -1
    roots["depth"] = 0
    cascade = np.concatenate([acts.cascade, np.full(len(viral_acts), len(roots) - 1)])
    parent_node = np.concatenate([acts.parent, viral_acts.parent])
    child = np.concatenate([acts.child, viral_acts.child])
    step = np.concatenate([acts.step, viral_acts.step])
    t = np.concatenate([acts.time, viral_acts.time])
    keep = t < plan.horizon  # the season ends; later reshares are not seen
    cascade, parent_node, child, step, t = cascade[keep], parent_node[keep], child[keep], step[keep], t[keep]

    n_nodes = pop.graph.n_nodes
    first = len(roots)
    key = cascade * n_nodes + child
    order = np.argsort(key)
    pkey = cascade * n_nodes + parent_node
    pos = np.searchsorted(key[order], pkey).clip(0, max(len(key) - 1, 0))
    parent = np.where(step == 1, cascade, first + order[pos] if len(order) else -1)

    src = roots["source"].to_numpy()[cascade]
    kind = np.empty(len(child), dtype=object)
    u = rng.random(len(child))
    for s, spec in SOURCES.items():
        m = src == s
        if not m.any() or not spec["kinds"]:
            continue
        names, probs = list(spec["kinds"]), np.cumsum(list(spec["kinds"].values()))
        kind[m] = np.array(names, dtype=object)[np.searchsorted(probs, u[m] * probs[-1], side="right").clip(0, len(names) - 1)]

    root_lang = roots["lang"].to_numpy()[cascade]
    user_lang = pop.col("lang")[child]
    share = kind == "share"
    lang = np.where(share, root_lang, user_lang)
    # Replies and quotes mostly echo the thread's mood.
    root_tone = roots["tone"].to_numpy()[cascade]
    flip = rng.random(len(child))
    opposite = np.where(root_tone == "positive", "negative", "positive")
    tone_wish = np.where(flip < 0.7, root_tone, np.where(flip < 0.9, "neutral", opposite))
    tone_wish = np.where((root_tone == "neutral") & (flip >= 0.7), np.where(flip < 0.85, "positive", "negative"), tone_wish)
    own = ~share
    index = tx.choose(text_rng, lang[own], kind[own], roots["topic"].to_numpy()[cascade][own], tone_wish[own],
                      np.zeros(own.sum(), dtype=int))
    o_tone, o_topic, o_surprise, o_pattern = tx.template_fields(lang[own], index)

    tone = roots["tone"].to_numpy()[cascade].astype(object)
    topic = roots["topic"].to_numpy()[cascade].astype(object)
    surprise = roots["surprise"].to_numpy()[cascade].astype(bool)
    media = roots["media"].to_numpy()[cascade].astype(bool)
    pattern = np.full(len(child), None, dtype=object)
    tone[own], topic[own], surprise[own], pattern[own] = o_tone, o_topic, o_surprise, o_pattern
    media[own] = rng.random(own.sum()) < 0.05
    children = frame({
        "t": t, "lang": lang, "brand": roots["brand"].to_numpy()[cascade], "stream": roots["stream"].to_numpy()[cascade],
        "node": child, "source": src, "kind": kind, "parent": parent, "depth": step, "root": cascade,
        "tone": tone, "topic": topic, "surprise": surprise, "media": media, "pattern": pattern, "role": kind,
    })
    roots["root"] = np.arange(len(roots))
    rows = pd.concat([roots, children], ignore_index=True)
    return _write_texts(rows, pop, text_rng)


def _write_texts(rows: pd.DataFrame, pop: Population, rng: np.random.Generator) -> pd.DataFrame:
    """Texts of originals, replies and quotes from their templates; reshares repeat their root's text."""
    todo = rows["pattern"].notna().to_numpy() & ~rows.get("text", pd.Series(index=rows.index, dtype=object)).notna().to_numpy()
    kind = rows["kind"].to_numpy()
    decorate = np.isin(kind[todo], ["post", "quote"]) & ~np.isin(rows["role"].to_numpy()[todo], ["news", "video", "story"])
    handles = pop.col("author_name")[pop.col("source") == "x"][:5_000]
    texts = tx.render(
        rng, rows["pattern"].to_numpy()[todo], rows["lang"].to_numpy()[todo], rows["brand"].to_numpy()[todo],
        decorate=decorate, campaign=(rows["topic"].to_numpy()[todo] == "campaign"), handles=handles,
    )
    text = rows["text"].to_numpy().copy() if "text" in rows else np.full(len(rows), None, dtype=object)
    text[todo] = texts
    share = (kind == "share") & pd.isna(text)
    root = rows["root"].to_numpy()
    root_text = text[root[share]]
    x_share = rows["source"].to_numpy()[share] == "x"
    root_author = pop.col("author_name")[rows["node"].to_numpy()[root[share]]]
    text[share] = [f"RT @{a}: {s}" if x else s for a, s, x in zip(root_author, root_text, x_share, strict=True)]
    return put(rows, text=text)


def _brand_replies(pop, plan, rows, rng, text_rng) -> pd.DataFrame:
    """The brand's care accounts answer complaints and questions about it, after a log-normal delay."""
    is_brand_author = pop.col("is_brand")[rows["node"].to_numpy()]
    topic = rows["topic"].to_numpy()
    tone = rows["tone"].to_numpy()
    eligible = (
        (rows["brand"].to_numpy() == BRAND)
        & np.isin(rows["kind"].to_numpy(), ["post", "reply", "quote"])
        & ~is_brand_author
        & np.isin(rows["source"].to_numpy(), ["x", "bluesky", "mastodon", "reddit", "youtube"])
        & (((tone == "negative") & np.isin(topic, ["complaint", "delivery", "outage"])) | np.isin(topic, ["question", "outage"])
           | tx.asks(rows["pattern"].to_numpy()))
    )
    t = rows["t"].to_numpy()
    crisis = (topic == "outage") & (t >= plan.crisis_start) & (t < plan.crisis_end)
    share = np.where(crisis, RESPONSE["crisis"]["answer_share"], RESPONSE["normal"]["answer_share"])
    answered = eligible & (rng.random(len(rows)) < share)
    idx = np.flatnonzero(answered)
    mu = np.log(np.where(crisis[idx], RESPONSE["crisis"]["median_minutes"], RESPONSE["normal"]["median_minutes"]))
    sigma = np.where(crisis[idx], RESPONSE["crisis"]["sigma"], RESPONSE["normal"]["sigma"])
    delay = np.maximum(rng.lognormal(mu, sigma), 1.0)
    when = t[idx] + delay
    keep = when < plan.horizon
    idx, when, delay = idx[keep], when[keep], delay[keep]
    lang = rows["lang"].to_numpy()[idx]
    src = rows["source"].to_numpy()[idx]
    node = np.array([pop.index_of(s, CARE_ACCOUNTS[(s, lg)]) for s, lg in zip(src, lang, strict=True)], dtype=np.int64)
    wish = np.where(crisis[idx], "outage", "support").astype(object)
    choice = tx.choose(text_rng, lang, np.full(len(idx), "brand_reply", dtype=object), wish,
                       np.full(len(idx), "*", dtype=object), np.full(len(idx), -1))
    r_tone, r_topic, r_surprise, r_pattern = tx.template_fields(lang, choice)
    replies = frame({
        "t": when, "lang": lang, "brand": BRAND, "stream": np.where(crisis[idx], "crisis_response", "response"),
        "node": node, "source": src, "kind": "reply", "role": "brand_reply", "parent": idx,
        "depth": rows["depth"].to_numpy()[idx] + 1, "root": rows["root"].to_numpy()[idx], "tone": r_tone,
        "topic": r_topic, "surprise": r_surprise, "media": False, "pattern": r_pattern, "delay": delay,
    })
    rows = pd.concat([rows, replies], ignore_index=True)
    return _write_texts(rows, pop, text_rng)


# -- truth and configuration -------------------------------------------------------------------------------


def demo_config(plan: _Plan) -> dict:
    """The configuration of the demo world, in the shape of the TOML file (see ``viralscope.config``)."""
    c0 = plan.start + dt.timedelta(days=plan.campaign_day)
    return {
        "brand": {"name": BRAND, "query": '"Lumio" OR 루미오', "accounts": ["lumio", "lumio_care", "lumio_kr"]},
        "competitors": [
            {"name": "Kandela", "query": "Kandela OR 칸델라", "accounts": ["kandela"]},
            {"name": "Novalux", "query": "Novalux OR 노바럭스", "accounts": ["novalux"]},
        ],
        "campaigns": [{
            "name": CAMPAIGN["name"], "start": c0.isoformat(),
            "end": (c0 + dt.timedelta(days=CAMPAIGN["days"])).isoformat(),
            "cost": CAMPAIGN["cost"], "value_per_conversion": CAMPAIGN["value_per_conversion"], "currency": "USD",
        }],
        "themes": {
            "surprise": ["surprise", "unexpected", "did not expect", "plot twist", "wait what", "did not see that coming",
                         "깜짝", "반전", "예상 못", "헐", "대박"],
            "outage": ["down", "outage", "log in", "login", "503", "먹통", "로그인", "서버", "장애"],
            "delivery": ["delivery", "order", "late", "배송", "주문"],
        },
    }


#: How long after a complaint or question an answer still counts (``metrics.response.FINAL_AFTER``).
RESPONSE_FINAL_MINUTES = 48 * 60


def _response_truth(pop: Population, plan: _Plan, rows: pd.DataFrame) -> dict:
    """What happened to Lumio's complaints and questions, from the world's own labels and links.

    An item is a mention about Lumio by someone other than its accounts, not a bare reshare, written in a
    negative tone or as a question (the templates' tone, topic and form, not a classifier's reading). It is answered
    when a non-reshare mention by one of Lumio's accounts descends from it within ``RESPONSE_FINAL_MINUTES``
    (in its thread: a reply to it or further down). Per day of the items: their number, how many were
    answered, and the minutes to the first answer of each answered one.
    """
    node = rows["node"].to_numpy()
    lumio = pop.users["brand"].to_numpy()[node] == BRAND
    kind, t = rows["kind"].to_numpy(), rows["t"].to_numpy()
    item = ((rows["brand"].to_numpy() == BRAND) & ~lumio & (kind != "share")
            & ((rows["tone"].to_numpy() == "negative") | (rows["topic"].to_numpy() == "question")
               | tx.asks(rows["pattern"].to_numpy())))
    parent = rows["parent"].to_numpy().astype(np.int64)
    first = np.full(len(rows), np.inf)
    reply = np.flatnonzero(lumio & (kind != "share"))
    at = parent[reply]
    while len(reply):  # up every answer's ancestors, one generation a step (threads are trees)
        live = at >= 0
        reply, at = reply[live], at[live]
        hit = item[at] & (t[reply] > t[at])
        np.minimum.at(first, at[hit], t[reply[hit]])
        at = parent[at]
    idx = np.flatnonzero(item & (t < plan.horizon))
    delay = first[idx] - t[idx]
    answered = delay <= RESPONSE_FINAL_MINUTES
    day = (t[idx] // 1440).astype(int)
    out = {}
    for d in np.unique(day):
        mine = day == d
        out[(plan.start + dt.timedelta(days=int(d))).isoformat()] = {
            "items": int(mine.sum()), "answered": int((mine & answered).sum()),
            "minutes": [round(float(x), 1) for x in np.sort(delay[mine & answered])],
        }
    return out


def _truth(plan, seed, target, per_hour, pop, rows, mentions, business) -> dict:
    users = pop.users
    ids = mentions["id"].to_numpy()
    row_id = np.empty(len(rows), dtype=object)
    row_id[mentions["_row"].to_numpy()] = ids
    viral_row = int(np.flatnonzero(rows["stream"].to_numpy() == "viral")[0])
    in_viral = rows["root"].to_numpy() == viral_row
    trigger_row = int(np.flatnonzero(rows["stream"].to_numpy() == "trigger")[0])
    in_trigger = rows["root"].to_numpy() == trigger_row
    replies = rows[rows["role"] == "brand_reply"]
    crisis_replies = replies[replies["stream"] == "crisis_response"]
    c0 = plan.start + dt.timedelta(days=plan.campaign_day)
    return {
        "generator": "viralscope.demo.build_world",
        "params": {"start": plan.start.isoformat(), "days": plan.days, "scale": target, "seed": seed},
        "mentions": int(len(mentions)),
        "originals_per_hour": round(float(per_hour), 4),
        "brand": BRAND,
        "competitors": list(COMPETITORS),
        "brand_accounts": [
            {"source": s, "author_id": a, "brand": b}
            for s, a, b in users.loc[users["brand"].notna(), ["source", "author_id", "brand"]].itertuples(index=False)
        ],
        "sources": sorted(mentions["source"].unique().tolist()),
        "campaign": {
            "name": CAMPAIGN["name"], "start": c0.isoformat(), "end": (c0 + dt.timedelta(days=CAMPAIGN["days"])).isoformat(),
            "cost": CAMPAIGN["cost"], "value_per_conversion": CAMPAIGN["value_per_conversion"],
            "conversion_rate_lift": CAMPAIGN["rate_lift"], "sessions_lift": CAMPAIGN["sessions_lift"],
            "mention_level": "extra Lumio originals at 0.25 x (0.5 + exp(-day/4)) of the background rate",
        },
        "viral_cascade": {
            "root_id": row_id[viral_row], "source": "x", "author_id": "lumio", "started_at": plan.when(rows.at[viral_row, "t"]),
            "size": int(in_viral.sum()), "depth": int(rows["depth"].to_numpy()[in_viral].max()),
            "p": VIRAL["p"], "traits": ["media", "surprise"],
        },
        "crisis": {
            "start": plan.when(plan.crisis_start), "fixed_at": plan.when(plan.crisis_fixed), "end": plan.when(plan.crisis_end),
            "cause": CRISIS["cause"], "topic": "outage",
            "trigger": {"root_id": row_id[trigger_row], "source": "x", "created_at": plan.when(rows.at[trigger_row, "t"]),
                        "cascade_size": int(in_trigger.sum())},
            "outage_complaints_per_hour": round(float(per_hour * CRISIS["level"]), 3),
            "half_life_hours_after_fix": CRISIS["half_life_hours"],
        },
        "response": {
            "accounts": sorted(set(CARE_ACCOUNTS.values())),
            "answers": "complaints (negative complaint/delivery/outage) and questions (question or outage topic, or "
                       "a sentence ending with a question mark) about Lumio",
            "normal": RESPONSE["normal"], "crisis": RESPONSE["crisis"],
            "delay_distribution": "log-normal: median_minutes * exp(sigma * N(0,1)), at least 1 minute",
            "replies": int(len(replies)), "crisis_replies": int(len(crisis_replies)),
            "final_after_minutes": RESPONSE_FINAL_MINUTES,
            "by_day": _response_truth(pop, plan, rows),
        },
        "traits": {
            "effects": {name: {"share_probability_multiplier": m} for name, m in TRAIT_EFFECTS.items()},
            "definition": "a post's per-edge activation probability is base_p[source] x 1.8 if media x 1.6 if surprise",
            "base_p": BASE_P,
            "no_effect": ["hashtags", "mentions", "links", "question", "tone", "brand", "language", "hour", "weekday"],
            "structural": ["author reach (followers in the graph)", "source (base_p and platform kinds)"],
        },
        "competitor_event": {"brand": COMPETITORS[0], "start": (plan.start + dt.timedelta(days=plan.competitor_day)).isoformat(),
                             "days": 3, "kind": "volume bump of positive and neutral mentions"},
        "delays": DELAY,
        "conversions": business,
    }
