"""Content traits of original posts, in English and Korean, for the viral-trigger model.

Each trait is a plain, checkable rule on the post, so an analyst can see why a post has it:

==================  =====================================================================================
trait               rule
==================  =====================================================================================
media               the ``media`` column (an image or a video)
personalization     addresses the reader: you/your/yourself; 당신, 여러분, 너희, 네가, 너의
surprise            surprise wording: surprise, unexpected, can't believe, plot twist, wow, omg…; 깜짝,
                    놀라, 대박, 헐, 반전, 충격, 예상 못…
storytelling        a narrated experience: yesterday, last night, when I, turns out, finally…; 어제,
                    지난주, 했는데, 알고 보니, 결국…
question_cta        a question mark or a call to action: share, retweet, tag, join, sign up, check out…;
                    공유, 참여, 신청, 구독, 댓글, 확인해, 해보세요…
hashtags            number of #hashtags
mentions            number of @mentions
links               number of links (http/https)
sentiment           ``sentiment_compound`` (−1..1) when the sentiment stage has run
author_reach        log10(1 + author followers)
hour_*              part of the day the post went out (UTC): night 0–6, morning 6–12, evening 18–24,
                    against the afternoon
weekend             posted on a Saturday or Sunday (UTC)
source_*            the platform, against the most common one
theme_*             a configured keyword theme (``[themes]`` in the configuration)
==================  =====================================================================================

Keyword matching: a keyword written in Latin letters matches whole words, ignoring case ("RT" does not
match "art"); a keyword with Hangul (or any other script) matches anywhere in the text, because Korean
attaches particles and endings to words (배송 matches 배송이, 배송은). A configured theme named like a
built-in trait (say ``surprise``) adds its keywords to that trait instead of making a second, identical one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from viralscope.core.times import times as as_utc

__all__ = ["BUILTIN_LEXICONS", "TRAIT_DESCRIPTIONS", "keyword_pattern", "post_traits"]

#: Keyword lists of the text traits, English and Korean together.
BUILTIN_LEXICONS: dict[str, tuple[str, ...]] = {
    "personalization": (
        "you", "your", "yours", "yourself", "you're", "you've", "you'll", "y'all",
        "당신", "여러분", "너희", "네가", "너의", "니가",
    ),
    "surprise": (
        "surprise", "surprised", "surprising", "unexpected", "unexpectedly", "unbelievable", "can't believe",
        "cannot believe", "did not expect", "didn't expect", "never expected", "plot twist", "wait what",
        "mind blown", "shocking", "shocked", "wow", "omg", "no way", "jaw dropped", "did not see that coming",
        "깜짝", "놀라", "놀랍", "놀랐", "대박", "헐", "반전", "충격", "예상 못", "예상못", "믿을 수 없", "세상에",
    ),
    "storytelling": (
        "yesterday", "last night", "last week", "last month", "this morning", "when i", "so i", "then i",
        "turns out", "it turned out", "finally", "long story", "story time", "once upon",
        "어제", "지난주", "지난달", "오늘 아침", "했는데", "갔는데", "알고 보니", "알고보니", "결국", "그랬더니",
    ),
    "question_cta": (
        "share", "retweet", "rt", "repost", "tag a friend", "tag your", "comment below", "click", "join",
        "sign up", "subscribe", "follow us", "check out", "learn more", "link in bio", "don't miss", "vote",
        "shop now", "order now", "try it",
        "공유", "참여", "신청", "구독", "팔로우", "댓글", "확인해", "클릭", "투표", "놓치지", "알려주세요",
        "해보세요", "주문하세요",
    ),
}

#: What one unit of each trait's effect means, for tables and the dashboard.
TRAIT_DESCRIPTIONS = {
    "media": "has an image or video (vs none)",
    "personalization": "addresses the reader (vs not)",
    "surprise": "surprise wording (vs none)",
    "storytelling": "narrates an experience (vs not)",
    "question_cta": "asks a question or calls to action (vs not)",
    "hashtags": "per standard deviation of the number of hashtags",
    "mentions": "per standard deviation of the number of @mentions",
    "links": "per standard deviation of the number of links",
    "sentiment": "per standard deviation of sentiment (compound)",
    "author_reach": "per standard deviation of log10(1 + followers)",
    "hour_night": "posted 00–06 UTC (vs 12–18)",
    "hour_morning": "posted 06–12 UTC (vs 12–18)",
    "hour_evening": "posted 18–24 UTC (vs 12–18)",
    "weekend": "posted on a weekend (vs a weekday)",
}

_HASHTAG = re.compile(r"(?<![\w#])#\w+")
_MENTION = re.compile(r"(?<![\w@])@\w+")
_LINK = re.compile(r"https?://\S+", re.IGNORECASE)
_QUESTION = re.compile(r"[?？]")


def keyword_pattern(keywords: Iterable[str]) -> re.Pattern | None:
    """One regular expression matching any of ``keywords`` with the rules of this module.

    Examples
    --------
    >>> p = keyword_pattern(["RT", "배송"])
    >>> bool(p.search("rt please")), bool(p.search("modern art")), bool(p.search("배송이 늦어요"))
    (True, False, True)
    """
    latin, other = [], []
    for word in keywords:
        word = str(word).strip().lower()
        if not word:
            continue
        (latin if re.fullmatch(r"[a-z0-9' .!-]+", word) else other).append(re.escape(word))
    parts = []
    if latin:
        parts.append(r"(?<![\w])(?:" + "|".join(sorted(latin, key=len, reverse=True)) + r")(?![\w])")
    if other:
        parts.append("(?:" + "|".join(sorted(other, key=len, reverse=True)) + ")")
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def _flag(texts: pd.Series, keywords: Iterable[str]) -> np.ndarray:
    pattern = keyword_pattern(keywords)
    if pattern is None:
        return np.zeros(len(texts), dtype=bool)
    return texts.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)


def _slug(name: str) -> str:
    return re.sub(r"\W+", "_", str(name).strip().lower()).strip("_") or "theme"


def post_traits(posts: pd.DataFrame, themes: Mapping[str, Iterable[str]] | None = None) -> pd.DataFrame:
    """The traits of each post, one column per trait (see the module's table).

    Parameters
    ----------
    posts : DataFrame
        Original posts with ``text`` and ``created_at``; optionally ``media``, ``author_followers``,
        ``sentiment_compound``, ``source``.
    themes : mapping of str to list of str, optional
        Keyword themes, e.g. ``{"delivery": ["delivery", "late", "배송"]}``; each becomes ``theme_<name>``
        (a name of a built-in trait extends that trait instead).

    Returns
    -------
    DataFrame
        Indexed like ``posts``. Binary traits are 0/1, counts are counts, ``author_reach`` is log10(1 +
        followers) (missing followers take the median of the known ones), ``sentiment`` is present only
        when the posts carry scores, ``source_*`` only when there are several sources.

    Examples
    --------
    >>> import pandas as pd
    >>> posts = pd.DataFrame({
    ...     "text": ["Wait what?! A surprise in the box #unboxing", "배송이 너무 늦어요 ㅠㅠ 어제 주문했는데"],
    ...     "created_at": pd.to_datetime(["2026-01-05 14:00", "2026-01-10 03:00"], utc=True),
    ...     "media": [True, False], "author_followers": [120, 5400]})
    >>> t = post_traits(posts, themes={"delivery": ["delivery", "배송"]})
    >>> t[["media", "surprise", "storytelling", "question_cta", "hashtags", "theme_delivery"]].values.tolist()
    [[1, 1, 0, 1, 1, 0], [0, 0, 1, 0, 0, 1]]
    >>> t[["hour_night", "weekend"]].values.tolist()
    [[0, 0], [1, 1]]
    """
    text = posts["text"].astype("str").fillna("") if "text" in posts.columns else pd.Series("", index=posts.index)
    text = text.reset_index(drop=True)
    lexicons = {name: list(words) for name, words in BUILTIN_LEXICONS.items()}
    extra_themes = {}
    for name, words in (themes or {}).items():
        words = [words] if isinstance(words, str) else list(words)
        if _slug(name) in lexicons:
            lexicons[_slug(name)] += words
        else:
            extra_themes[_slug(name)] = words

    out = pd.DataFrame(index=range(len(posts)))
    media = posts["media"] if "media" in posts.columns else pd.Series(False, index=posts.index)
    out["media"] = media.astype("boolean").fillna(False).to_numpy(dtype=bool).astype(np.int64)
    for name, words in lexicons.items():
        out[name] = _flag(text, words).astype(np.int64)
    out["question_cta"] |= text.str.contains(_QUESTION).to_numpy(dtype=bool).astype(np.int64)
    out["hashtags"] = text.str.count(_HASHTAG).to_numpy(dtype=np.int64)
    out["mentions"] = text.str.count(_MENTION).to_numpy(dtype=np.int64)
    out["links"] = text.str.count(_LINK).to_numpy(dtype=np.int64)
    if "sentiment_compound" in posts.columns and posts["sentiment_compound"].notna().any():
        s = pd.to_numeric(posts["sentiment_compound"], errors="coerce").to_numpy(dtype=float)
        out["sentiment"] = np.where(np.isnan(s), 0.0, s)
    followers = (
        pd.to_numeric(posts["author_followers"], errors="coerce").to_numpy(dtype=float)
        if "author_followers" in posts.columns else np.full(len(posts), np.nan)
    )
    if np.isfinite(followers).any():
        followers = np.where(np.isnan(followers), np.nanmedian(followers), followers)
        out["author_reach"] = np.log10(1 + np.maximum(followers, 0))
    t = as_utc(posts["created_at"]).reset_index(drop=True)
    hour = t.dt.hour.to_numpy()
    out["hour_night"] = (hour < 6).astype(np.int64)
    out["hour_morning"] = ((hour >= 6) & (hour < 12)).astype(np.int64)
    out["hour_evening"] = (hour >= 18).astype(np.int64)
    out["weekend"] = (t.dt.day_of_week.to_numpy() >= 5).astype(np.int64)
    if "source" in posts.columns:
        source = posts["source"].astype("str").fillna("").reset_index(drop=True)
        common = source.value_counts().index
        for name in sorted(common[1:]):
            out[f"source_{_slug(name)}"] = (source == name).to_numpy().astype(np.int64)
    for name, words in extra_themes.items():
        out[f"theme_{name}"] = _flag(text, words).astype(np.int64)
    out.index = posts.index
    return out
