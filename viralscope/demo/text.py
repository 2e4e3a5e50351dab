"""Choosing a template for each mention and writing its text, in English or Korean."""

from __future__ import annotations

from functools import cache

import numpy as np

from viralscope.demo import templates_en, templates_ko
from viralscope.demo.templates import Template

TEMPLATES: dict[str, list[Template]] = {"en": templates_en.TEMPLATES, "ko": templates_ko.TEMPLATES}
SLOTS: dict[str, dict] = {"en": templates_en.SLOTS, "ko": templates_ko.SLOTS}
#: Topics that only happen in their event (a campaign post outside the campaign would be a lie).
EVENT_TOPICS = ("campaign", "outage")
BRANDS = ("Lumio", "Kandela", "Novalux")
#: Independent decorations (content traits with no effect on spreading): probability each is added.
DECORATION = {"hashtag": 0.22, "mention": 0.12, "link": 0.15}


@cache
def candidates(lang: str, role: str, topic: str, tone: str, surprise: int) -> tuple[int, ...]:
    """Template indices for a wish, relaxing it step by step when the table has nothing that fits.

    ``topic`` is a topic name, ``"*"`` (any ordinary topic) or ``"~"`` (any topic at all); ``tone`` may be
    ``"*"``; ``surprise`` is 1, 0 or -1 (either).
    """
    table = TEMPLATES[lang]

    def pick(topic_ok, tone_ok, surprise_ok):
        return tuple(i for i, t in enumerate(table) if t.role == role and topic_ok(t) and tone_ok(t) and surprise_ok(t))

    def topic_is(t):
        if topic == "~":
            return True
        if topic == "*":
            return t.topic not in EVENT_TOPICS
        return t.topic == topic

    tone_is = (lambda t: True) if tone == "*" else (lambda t: t.tone == tone)
    surprise_is = (lambda t: True) if surprise < 0 else (lambda t: t.surprise == bool(surprise))
    def anything(t):
        return True

    def ordinary(t):
        return t.topic not in EVENT_TOPICS

    for rule in (
        (topic_is, tone_is, surprise_is),
        (topic_is, tone_is, anything),
        (topic_is, anything, anything),
        (ordinary, tone_is, anything),
        (ordinary, anything, anything),
        (anything, anything, anything),
    ):
        found = pick(*rule)
        if found:
            return found
    raise LookupError(f"no {lang} template for role {role!r}")


def choose(rng: np.random.Generator, lang, role, topic, tone, surprise) -> np.ndarray:
    """One template index per row (indices into ``TEMPLATES[lang]``), uniform among the candidates."""
    n = len(lang)
    out = np.empty(n, dtype=np.int64)
    u = rng.random(n)
    groups: dict[tuple, list[int]] = {}
    for i, key in enumerate(zip(lang.tolist(), role.tolist(), topic.tolist(), tone.tolist(), surprise.tolist(), strict=True)):
        groups.setdefault(key, []).append(i)
    for key, rows in groups.items():
        cand = np.array(candidates(*key))
        rows = np.array(rows)
        out[rows] = cand[(u[rows] * len(cand)).astype(np.int64)]
    return out


def template_fields(lang: np.ndarray, index: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Tone, topic, surprise flag and pattern of each chosen template."""
    tone = np.empty(len(index), dtype=object)
    topic = np.empty(len(index), dtype=object)
    surprise = np.zeros(len(index), dtype=bool)
    pattern = np.empty(len(index), dtype=object)
    for lg, table in TEMPLATES.items():
        m = lang == lg
        if not m.any():
            continue
        arr = np.array([(t.tone, t.topic, t.surprise, t.text) for t in table], dtype=object)
        sel = arr[index[m]]
        tone[m], topic[m], surprise[m], pattern[m] = sel[:, 0], sel[:, 1], sel[:, 2].astype(bool), sel[:, 3]
    return tone, topic, surprise, pattern


def render(
    rng: np.random.Generator,
    pattern: np.ndarray,
    lang: np.ndarray,
    brand: np.ndarray,
    *,
    decorate: np.ndarray,
    campaign: np.ndarray,
    handles: np.ndarray,
) -> np.ndarray:
    """Fill the slots of each pattern; add hashtags, @mentions and links where ``decorate`` allows."""
    n = len(pattern)
    u = rng.random((n, 8))
    city_u, prod_u, comp_u, emo_u, emo2_u, n_u = (u[:, k] for k in range(6))
    dec = rng.random((n, 3)) < np.array([DECORATION["hashtag"], DECORATION["mention"], DECORATION["link"]])
    dec &= decorate[:, None]
    mention_pick = rng.integers(0, max(1, len(handles)), n)
    link_id = rng.integers(10_000, 99_999, n)
    out = np.empty(n, dtype=object)
    for i in range(n):
        lg, b = lang[i], brand[i]
        s = SLOTS[lg]
        products = s["product"][b]
        others = [c for c in BRANDS if c != b]
        text = pattern[i].format(
            brand=s["brand"][b],
            product=products[int(prod_u[i] * len(products))],
            competitor=s["brand"][others[int(comp_u[i] * len(others))]],
            city=s["city"][int(city_u[i] * len(s["city"]))],
            n=1 + int(n_u[i] * 5),
            emoji_pos=s["emoji_pos"][int(emo_u[i] * len(s["emoji_pos"]))],
            emoji_neg=s["emoji_neg"][int(emo2_u[i] * len(s["emoji_neg"]))],
        )
        if dec[i, 0]:
            tags = s["campaign_hashtag"] if campaign[i] else s["hashtag"][b]
            text += " " + tags[int(u[i, 6] * len(tags))]
        if dec[i, 1] and len(handles):
            text += f" @{handles[mention_pick[i]]}"
        if dec[i, 2]:
            text += f" https://{b.lower()}.example/p/{link_id[i]}"
        out[i] = text
    return out
