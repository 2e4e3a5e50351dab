"""The demo world's people: accounts on each source, their reach, and who follows whom.

Follower counts are heavy-tailed (log-normal body, a few accounts with hundreds of thousands). The follower
graph mixes local ties (people follow others near them in a community ring, which makes long chains and
deep cascades possible) with ties to popular accounts chosen in proportion to their reach (which makes
hubs). Most ties stay within a language.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from diffusion.simulate import FollowerGraph

#: Per source: share of accounts, whether the platform shows follower counts, the kinds of answer a reached
#: account makes there (with their probabilities), and the share of Korean accounts.
SOURCES: dict[str, dict] = {
    "x": {"users": 0.38, "followers": True, "kinds": {"share": 0.58, "reply": 0.28, "quote": 0.14}, "ko": 0.40},
    "bluesky": {"users": 0.12, "followers": True, "kinds": {"share": 0.55, "reply": 0.30, "quote": 0.15}, "ko": 0.15},
    "mastodon": {"users": 0.08, "followers": True, "kinds": {"share": 0.62, "reply": 0.38}, "ko": 0.10},
    "reddit": {"users": 0.24, "followers": False, "kinds": {"reply": 1.0}, "ko": 0.10},
    "youtube": {"users": 0.10, "followers": True, "kinds": {"reply": 1.0}, "ko": 0.45},
    "hackernews": {"users": 0.06, "followers": False, "kinds": {"reply": 1.0}, "ko": 0.0},
    "rss": {"users": 0.02, "followers": False, "kinds": {}, "ko": 0.35},
}

#: The brands' own accounts: (source, account, language, followers).
BRAND_ACCOUNTS = [
    ("x", "lumio", "en", 240_000, "Lumio"),
    ("x", "lumio_care", "en", 18_000, "Lumio"),
    ("x", "lumio_kr", "ko", 65_000, "Lumio"),
    ("bluesky", "lumio", "en", 21_000, "Lumio"),
    ("bluesky", "lumio_care", "en", 2_400, "Lumio"),
    ("mastodon", "lumio_care", "en", 3_100, "Lumio"),
    ("reddit", "lumio_care", "en", None, "Lumio"),
    ("youtube", "lumio", "en", 88_000, "Lumio"),
    ("youtube", "lumio_kr", "ko", 31_000, "Lumio"),
    ("x", "kandela", "en", 120_000, "Kandela"),
    ("x", "novalux", "en", 45_000, "Novalux"),
]

_EN_A = ["quiet", "sunny", "lazy", "brave", "tiny", "urban", "cosmic", "mellow", "rusty", "neon", "foggy", "happy",
         "nordic", "pixel", "retro", "salty", "velvet", "wild", "amber", "lunar"]
_EN_B = ["fox", "otter", "maker", "owl", "dev", "panda", "lamp", "coder", "finch", "robin", "tinker", "wolf",
         "sparrow", "moth", "cat", "hiker", "baker", "tiger", "koala", "heron"]
_KO_A = ["하늘", "별빛", "달빛", "바다", "초록", "봄날", "구름", "노을", "새벽", "햇살"]
_KO_B = ["고양이", "여우", "토끼", "곰", "다람쥐", "나무", "산책", "커피", "연필", "펭귄"]
_KO_ROMAN = ["minji", "jisoo", "hyunwoo", "seoyeon", "jiho", "yuna", "doyoon", "haeun", "sumin", "taeyang"]
_OUTLETS = [
    ("techdaily.example", "Tech Daily"), ("gadgetwire.example", "Gadget Wire"), ("homelab.example", "Home Lab News"),
    ("brightside.example", "The Bright Side"), ("itnews.example.kr", "IT 뉴스"), ("digitalnow.example.kr", "디지털나우"),
    ("consumerwatch.example", "Consumer Watch"), ("smartliving.example.kr", "스마트리빙"),
    ("lightreview.example", "Light Review"), ("techplus.example.kr", "테크플러스"), ("dailygizmo.example", "Daily Gizmo"),
    ("hometech.example.kr", "홈테크 뉴스"),
]


@dataclass
class Population:
    """Accounts (one row per graph node) and the follower graph between them."""

    users: pd.DataFrame
    graph: FollowerGraph

    def __post_init__(self) -> None:
        # Columns as plain arrays, converted once (pandas' Arrow-backed strings are slow to convert per call).
        self._cols = {c: self.users[c].to_numpy() for c in self.users.columns}
        self._cols["is_brand"] = self.users["brand"].notna().to_numpy()
        brand = np.flatnonzero(self._cols["is_brand"])
        self._brand_index = {(self._cols["source"][i], self._cols["author_id"][i]): int(i) for i in brand}

    def col(self, name: str) -> np.ndarray:
        """A column of the accounts table as a numpy array."""
        return self._cols[name]

    def index_of(self, source: str, author_id: str) -> int:
        """Node of one of the brands' own accounts."""
        try:
            return self._brand_index[(source, author_id)]
        except KeyError:
            raise KeyError(f"no brand account {author_id!r} on {source}") from None


def _handles(rng: np.random.Generator, idx: np.ndarray, lang: np.ndarray, source: np.ndarray) -> np.ndarray:
    """Account names; Hangul display names only where a platform allows them (YouTube), else ASCII handles."""
    a, b = rng.integers(0, len(_EN_A), len(idx)), rng.integers(0, len(_EN_B), len(idx))
    ka, kb = rng.integers(0, len(_KO_A), len(idx)), rng.integers(0, len(_KO_B), len(idx))
    hangul = (rng.random(len(idx)) < 0.6) & (source == "youtube")
    out = []
    for i, lg, x, y, kx, ky, h in zip(idx.tolist(), lang.tolist(), a.tolist(), b.tolist(), ka.tolist(), kb.tolist(),
                                       hangul.tolist(), strict=True):
        if lg != "ko":
            out.append(f"{_EN_A[x]}{_EN_B[y]}{i}")
        elif h:
            out.append(f"{_KO_A[kx]}{_KO_B[ky]}_{i}")
        else:
            out.append(f"{_KO_ROMAN[kx]}_{i}")
    return np.array(out, dtype=object)


def _author_ids(rng: np.random.Generator, source: np.ndarray, idx: np.ndarray, handle: np.ndarray) -> np.ndarray:
    """Ids that look like each platform's own (numeric on X and Mastodon, a DID on Bluesky, …)."""
    out = np.empty(len(idx), dtype=object)
    num = (1_000_000_000 + idx * 7_919 + rng.integers(0, 7_919, len(idx))).tolist()
    for src in np.unique(source):
        m = source == src
        if src in ("x", "mastodon"):
            out[m] = [str(num[i]) for i in np.flatnonzero(m)]
        elif src == "bluesky":
            out[m] = [f"did:plc:{num[i]:024x}" for i in np.flatnonzero(m)]
        elif src == "reddit":
            out[m] = [f"t2_{num[i]:x}" for i in np.flatnonzero(m)]
        elif src == "youtube":
            out[m] = [f"UC{num[i]:022x}" for i in np.flatnonzero(m)]
        else:  # hackernews and news outlets are known by their name
            out[m] = handle[m]
    return out


def build_population(n_users: int, rng: np.random.Generator) -> Population:
    """Accounts on every source plus the brands' own, and a follower graph of about 7 ties per account."""
    names = list(SOURCES)
    share = np.array([SOURCES[s]["users"] for s in names])
    source = np.array(names, dtype=object)[rng.choice(len(names), n_users, p=share / share.sum())]
    n_out = min(len(_OUTLETS), max(4, n_users // 400))
    is_rss = source == "rss"
    if is_rss.sum() > n_out:  # news outlets are few: cap them, give the rest to X
        source[np.flatnonzero(is_rss)[n_out:]] = "x"
    ko_share = np.array([SOURCES[s]["ko"] for s in source])
    lang = np.where(rng.random(n_users) < ko_share, "ko", "en").astype(object)
    idx = np.arange(n_users)
    handle = _handles(rng, idx, lang, source)
    outlets = np.flatnonzero(source == "rss")
    pick = rng.permutation(len(_OUTLETS))[: len(outlets)]  # each outlet once
    handle[outlets] = [_OUTLETS[k][0].split(".")[0] for k in pick]
    lang[outlets] = ["ko" if _OUTLETS[k][0].endswith(".kr") else "en" for k in pick]
    display = handle.copy()
    display[outlets] = [_OUTLETS[k][1] for k in pick]
    author_id = _author_ids(rng, source, idx, handle)
    author_id[outlets] = [_OUTLETS[k][0] for k in pick]
    author_name = handle.copy()
    author_name[source == "bluesky"] = [f"{h}.bsky.social" for h in handle[source == "bluesky"]]
    author_name[source == "mastodon"] = [f"{h}@mastodon.social" for h in handle[source == "mastodon"]]
    author_name[outlets] = display[outlets]

    # Reach: log-normal body with a Pareto tail; sources without follower counts report none.
    followers = np.round(rng.lognormal(5.0, 1.4, n_users) * np.where(rng.random(n_users) < 0.03, rng.pareto(1.2, n_users) + 5, 1))
    followers = np.minimum(followers, 3_000_000).astype(np.int64)
    activity = rng.lognormal(0.0, 1.0, n_users)  # how often an account posts originals
    if len(outlets):  # a dozen outlets write about 1.5% of the originals
        activity[outlets] = 0.015 * activity.sum() / len(outlets)
    susceptibility = rng.lognormal(-0.245, 0.7, n_users)  # how readily it reshares (mean 1)

    brand = pd.DataFrame(BRAND_ACCOUNTS, columns=["source", "author_id", "lang", "followers", "brand"])
    users = pd.DataFrame(
        {
            "source": source, "author_id": author_id, "author_name": author_name, "lang": lang,
            "followers": followers, "activity": activity, "susceptibility": susceptibility, "brand": None,
        }
    )
    brand_rows = pd.DataFrame(
        {
            "source": brand["source"], "author_id": brand["author_id"], "author_name": brand["author_id"],
            "lang": brand["lang"], "followers": brand["followers"].fillna(0).astype(np.int64),
            "activity": 0.0, "susceptibility": 0.0, "brand": brand["brand"],
        }
    )
    users = pd.concat([users, brand_rows], ignore_index=True)
    users["has_followers"] = users["source"].map({s: v["followers"] for s, v in SOURCES.items()}).astype(bool)
    return Population(users=users, graph=_follower_graph(users, rng))


def _follower_graph(users: pd.DataFrame, rng: np.random.Generator) -> FollowerGraph:
    n = len(users)
    source = users["source"].to_numpy()
    lang = users["lang"].to_numpy()
    reach = users["followers"].to_numpy().astype(float) + 10.0
    src_parts, dst_parts = [], []
    for s in SOURCES:
        if s == "rss":
            continue  # news outlets have readers, not followers we can see
        block = np.flatnonzero(source == s)
        if len(block) < 2:
            continue
        # Follows per account: mostly a handful, some follow many.
        k = np.minimum(1 + rng.poisson(rng.lognormal(1.5, 0.6, len(block))), max(1, len(block) - 1))
        follower = np.repeat(block, k)
        m = len(follower)
        # Same-language partner pool for each tie (92%), otherwise anyone on the source.
        same = rng.random(m) < 0.92
        target = np.empty(m, dtype=np.int64)
        local = rng.random(m) < 0.6
        for lg in ("en", "ko"):
            pool = block[lang[block] == lg]
            if len(pool) == 0:
                continue
            pos_in_pool = np.full(n, -1)
            pos_in_pool[pool] = np.arange(len(pool))
            sel = same & (lang[follower] == lg)
            # Local ties: a neighbour on the community ring (long chains, deep cascades).
            loc = sel & local
            width = max(2.0, 0.01 * len(pool))
            off = np.rint(rng.laplace(0, width, loc.sum())).astype(np.int64)
            off[off == 0] = 1
            target[loc] = pool[(pos_in_pool[follower[loc]] + off) % len(pool)]
            # Ties to popular accounts, in proportion to reach^0.8 (hubs).
            glob = sel & ~local
            cum = np.cumsum(reach[pool] ** 0.8)
            target[glob] = pool[np.searchsorted(cum, rng.random(glob.sum()) * cum[-1], side="right").clip(0, len(pool) - 1)]
        other = ~same
        cum = np.cumsum(reach[block] ** 0.8)
        target[other] = block[np.searchsorted(cum, rng.random(other.sum()) * cum[-1], side="right").clip(0, len(block) - 1)]
        src_parts.append(target)  # information flows from the followed account ...
        dst_parts.append(follower)  # ... to its follower
    src = np.concatenate(src_parts)
    dst = np.concatenate(dst_parts)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    key = np.sort(src * n + dst)
    key = key[np.r_[True, key[1:] != key[:-1]]]  # drop duplicate ties
    src, dst = key // n, key % n
    # The brand accounts: followed by a slice of their language's audience, in proportion to their reach.
    b_src, b_dst = [], []
    is_brand = users["brand"].notna().to_numpy()
    for i in np.flatnonzero(is_brand):
        pool = np.flatnonzero((source == source[i]) & (lang == lang[i]) & ~is_brand)
        if len(pool) == 0:
            continue
        share = min(0.15, 0.005 + reach[i] / 4_000_000)
        fans = pool[rng.random(len(pool)) < share]
        b_src.append(np.full(len(fans), i))
        b_dst.append(fans)
    if b_src:
        src = np.concatenate([src, *b_src])
        dst = np.concatenate([dst, *b_dst])
    weight = users["susceptibility"].to_numpy()[dst]
    return FollowerGraph.from_edges(n, src, dst, weight)
