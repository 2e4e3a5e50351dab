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


def asks(patterns) -> np.ndarray:
    """Whether each template is written as a question (its sentence ends with a question mark): what the
    brand's care team treats as a question to answer, whatever its topic."""
    return np.array([isinstance(p, str) and p.rstrip().endswith(("?", "？")) for p in patterns], dtype=bool)


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


def _pick(options_by_key: dict, keys: np.ndarray, u: np.ndarray) -> list:
    """For each row, one of ``options_by_key[keys[i]]`` chosen by the uniform draw ``u[i]``."""
    out = np.empty(len(keys), dtype=object)
    for key, options in options_by_key.items():
        m = keys == key
        if m.any():
            out[m] = np.array(options, dtype=object)[(u[m] * len(options)).astype(np.int64)]
    return out.tolist()


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
    u = rng.random((n, 7))
    dec = rng.random((n, 3)) < np.array([DECORATION["hashtag"], DECORATION["mention"], DECORATION["link"]])
    dec &= decorate[:, None]
    mention_pick = rng.integers(0, max(1, len(handles)), n)
    link_id = rng.integers(10_000, 99_999, n)
    # Slot values drawn column by column; the per-row loop below only formats.
    lb = np.char.add(np.char.add(lang.astype(str), ":"), brand.astype(str)).astype(object)
    names = _pick({f"{lg}:{b}": [SLOTS[lg]["brand"][b]] for lg in SLOTS for b in BRANDS}, lb, u[:, 0])
    products = _pick({f"{lg}:{b}": SLOTS[lg]["product"][b] for lg in SLOTS for b in BRANDS}, lb, u[:, 1])
    rivals = _pick({f"{lg}:{b}": [SLOTS[lg]["brand"][c] for c in BRANDS if c != b] for lg in SLOTS for b in BRANDS},
                   lb, u[:, 2])
    cities = _pick({lg: SLOTS[lg]["city"] for lg in SLOTS}, lang, u[:, 3])
    happy = _pick({lg: SLOTS[lg]["emoji_pos"] for lg in SLOTS}, lang, u[:, 4])
    sad = _pick({lg: SLOTS[lg]["emoji_neg"] for lg in SLOTS}, lang, u[:, 5])
    number = (1 + (u[:, 6] * 5).astype(np.int64)).tolist()
    tag_key = np.where(campaign, np.char.add(lang.astype(str), ":campaign"), lb.astype(str)).astype(object)
    tag_options = {f"{lg}:{b}": SLOTS[lg]["hashtag"][b] for lg in SLOTS for b in BRANDS}
    tag_options |= {f"{lg}:campaign": SLOTS[lg]["campaign_hashtag"] for lg in SLOTS}
    tags = _pick(tag_options, tag_key, u[:, 6])
    out = np.empty(n, dtype=object)
    pattern_list = pattern.tolist()
    for i in range(n):
        text = pattern_list[i]
        if "{" in text:
            text = text.format(brand=names[i], product=products[i], competitor=rivals[i], city=cities[i], n=number[i],
                               emoji_pos=happy[i], emoji_neg=sad[i])
        out[i] = text
    suffix = np.full(n, "", dtype=object)
    suffix[dec[:, 0]] = " " + np.array(tags, dtype=object)[dec[:, 0]]
    if len(handles):
        suffix[dec[:, 1]] += " @" + handles[mention_pick[dec[:, 1]]].astype(object)
    links = np.array([f" https://{b.lower()}.example/p/" for b in BRANDS], dtype=object)
    brand_pos = np.array([BRANDS.index(b) for b in brand.tolist()], dtype=np.int64)
    suffix[dec[:, 2]] += links[brand_pos[dec[:, 2]]] + link_id[dec[:, 2]].astype(str).astype(object)
    return out + suffix
