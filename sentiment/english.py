"""English: VADER's rules and lexicon, re-implemented in linear time, with its documented weak spots fixed.

``EnglishScorer(fixes=())`` reproduces vaderSentiment 3.3.2's ``compound`` exactly (a test checks it on every
sentence of the VADER gold standard); each fix below can be switched off on its own, which is how
``bench/eval_sentiment.py`` shows what each one does on data.

``emoji``
    Emoji are matched after variation selectors (U+FE0E/U+FE0F), skin tones and zero-width joiners are
    removed, so ❤️ scores like ❤; emoji get a valence of their own (``data/emoji_valence.txt``, our
    ratings on VADER's −4..4 scale) instead of VADER's reading of their CLDR names, which misses 😡, 🤬
    and 🤮, barely reads 💓 and scores 🔥 as negative ("fire"); they are tokens of their own even when
    glued to a word.
``tokens``
    Curly apostrophes (``don’t``: VADER misses the negation) and HTML entities from APIs (``&lt;3``) are
    normalised; two-letter words keep their punctuation in VADER, hiding "Ha!", "ok." and "xD." from the
    lexicon, and now only emoticons do; "D:" (horror) keeps its own rating, which a later lexicon line for
    "d:" overwrites in VADER; elongated words are read ("soooo goooood").
``negation``
    Negation and intensifiers do not reach across clause punctuation or "but" ("Nothing, everything is
    great" is not a negated "great"); emoticons, emoji and laughter are never negated ("Nope :-)");
    negating a strongly negative word gives faint praise rather than strong praise ("not the worst" is
    about neutral, "not bad" mildly positive); a negation belongs to the first sentiment word after it
    ("DON'T CARE DON'T CARE"), and "no" does not negate "no" ("NO NO NO"); fixed phrases VADER reads
    backwards: "can't wait", "couldn't be happier/better", "can't recommend … enough", "no issues",
    "don't waste your money". VADER's "but" rule applies by position (VADER finds each value with
    ``list.index``, so repeated values can be weighted at the wrong place).
``long``
    Long texts do not saturate: VADER normalises the plain sum of valences, so a review with twenty mild
    words scores ±0.99 whatever their balance. Beyond ``LONG_ITEMS`` sentiment-bearing words the sum is
    scaled to that many items (the mean valence times ``LONG_ITEMS``), so the compound of a long text
    says how positive it is on balance rather than how long it is.

References
----------
Hutto, C.J. & Gilbert, E.E. (2014). VADER: A Parsimonious Rule-based Model for Sentiment Analysis of
Social Media Text. ICWSM-14. Taboada, M. et al. (2011). Lexicon-Based Methods for Sentiment Analysis.
Computational Linguistics 37(2) (shift rather than flip for negated strong words).
"""

from __future__ import annotations

import html
import math
import re
import string
from functools import lru_cache
from importlib import resources

from vaderSentiment import vaderSentiment as _vader

__all__ = ["EnglishScorer", "FIXES", "LONG_ITEMS", "default_scorer", "load_emoji_valence"]

FIXES = ("emoji", "tokens", "negation", "long")
#: Sentiment-bearing words beyond which a text's summed valence is scaled to its mean (the ``long`` fix).
LONG_ITEMS = 5
#: Negating a negative word moves it at most this far up the −4..4 scale ("not the worst" ≈ 0).
NEGATION_SHIFT = 3.1

_N = _vader.N_SCALAR
_C = _vader.C_INCR
_BOOST = _vader.BOOSTER_DICT
_NEGATE = frozenset(_vader.NEGATE)
_SPECIAL = _vader.SPECIAL_CASES
_PUNCT = string.punctuation
_PUNCT_SET = frozenset(_PUNCT)
_CLAUSE_END = frozenset(",.;:!?")
_CLOSERS = "\"')]}*"
_CLAUSE_TAIL = frozenset(",.;:!?\"')]}*")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "\u201c": '"', "\u201d": '"'})
_CURLY = re.compile("[\u2019\u2018\u02bc\u2032\u201c\u201d]")
# Variation selectors, skin-tone modifiers, the zero-width joiner and the combining enclosing keycap.
_EMOJI_NOISE = re.compile("[\ufe0e\ufe0f\u200d\u20e3\U0001f3fb-\U0001f3ff]")
# Every special-case idiom and multi-word booster contains one of these words; others need no idiom check.
_IDIOM_WORDS = frozenset(
    w for phrase in list(_SPECIAL) + [b for b in _BOOST if " " in b] if " " in phrase for w in phrase.split()
) - {"the", "of", "to", "for"}
# VADER's lexicon file rates the emoticons "D:" and "D=" (horror) at −2.9 and −3.0, then a later line for the
# lowercase "d:"/"d=" (1.2, 1.5) overwrites them, because lookups are lowercased. Emoticons keep their case.
_CASED = {"D:": -2.9, "D=": -3.0}
_LAUGHTER = frozenset("lol lolol lmao lmfao rofl haha hahaha hehe xd".split())
_COMPARATIVE = frozenset(
    "better happier prouder greater nicer sweeter cooler easier luckier more".split()
)
_MODAL_NEG = frozenset(["couldn't", "couldnt", "can't", "cant", "cannot", "wouldn't", "wouldnt"])


@lru_cache(maxsize=1)
def default_scorer() -> EnglishScorer:
    """The shared English scorer with every fix (built once per process)."""
    return EnglishScorer()


def load_emoji_valence() -> dict[str, float]:
    """Our emoji valences: emoji character → valence on VADER's −4..4 scale."""
    out = {}
    text = resources.files("sentiment").joinpath("data/emoji_valence.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            emoji, valence = line.split("\t")[:2]
            out[emoji] = float(valence)
    return out


def _char_class(chars) -> re.Pattern:
    """A regex that finds candidates for ``chars``: a few wide ranges around them (callers check the
    character itself). ``re`` scans a class of a thousand astral-plane characters, or of hundreds of ranges,
    slowly enough to make emoji lookup cost more than scoring; a handful of ranges is cheap."""
    codes = sorted(ord(c) for c in chars)
    ranges, start, prev = [], codes[0], codes[0]
    for c in codes[1:]:
        if c - prev < 512:
            prev = c
            continue
        ranges.append((start, prev))
        start = prev = c
    ranges.append((start, prev))
    return re.compile("[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]")


def _strip_punc(token: str) -> str:
    if token[0] not in _PUNCT_SET and token[-1] not in _PUNCT_SET:
        return token
    stripped = token.strip(_PUNCT)
    return token if len(stripped) <= 2 else stripped


_ELONGATED = re.compile(r"([a-z])\1\1")
_RUN = re.compile(r"([a-z])\1{2,}")
_RUN1 = re.compile(r"([a-z])\1+")


def _unelongate(word: str, lexicon: dict) -> str:
    """"soooo gooood" → "so good": try runs of three or more letters as two, then as one."""
    two = _RUN.sub(r"\1\1", word)
    if two in lexicon or two in _BOOST:
        return two
    one = _RUN1.sub(r"\1", two)
    if one in lexicon or one in _BOOST:
        return one
    return word


def _strip_punc_known(token: str, lexicon: dict) -> str:
    # VADER keeps punctuation on tokens of two letters or fewer so that emoticons survive; that also hides
    # "Ha!", "ok." and "xD." from the lexicon. Keep the token whole only when it is an emoticon.
    if token[0] not in _PUNCT_SET and token[-1] not in _PUNCT_SET:
        return token
    stripped = token.strip(_PUNCT)
    if len(stripped) > 2 or not stripped or token.lower() in lexicon:
        return stripped if len(stripped) > 2 else token
    return stripped


def _negated_word(lower: str) -> bool:
    return lower in _NEGATE or "n't" in lower


def _normalize(score: float, alpha: float = 15) -> float:
    norm = score / math.sqrt(score * score + alpha)
    return -1.0 if norm < -1.0 else 1.0 if norm > 1.0 else norm


def _punct_amplifier(text: str) -> float:
    ep = min(text.count("!"), 4) * 0.292
    qm = text.count("?")
    return ep + (0.0 if qm <= 1 else qm * 0.18 if qm <= 3 else 0.96)


class EnglishScorer:
    """Compound scores in −1..1 for English text. Cheap to call, costly to build: build once, reuse."""

    def __init__(self, fixes: tuple[str, ...] | frozenset[str] = FIXES):
        unknown = set(fixes) - set(FIXES)
        if unknown:
            raise ValueError(f"unknown fixes {sorted(unknown)}; choose from {FIXES}")
        self.fixes = frozenset(fixes)
        analyzer = _vader.SentimentIntensityAnalyzer()
        self.lexicon: dict[str, float] = dict(analyzer.lexicon)
        self._names: dict[str, str] = analyzer.emojis
        self._fix_emoji = "emoji" in self.fixes
        self._fix_negation = "negation" in self.fixes
        self._fix_long = "long" in self.fixes
        self._fix_tokens = "tokens" in self.fixes
        self._tokens: dict[str, tuple[str, str, bool, bool, bool]] = {}
        # Emoji, emoticons and laughter: paralinguistic marks that negation words do not reverse ("Nope :-)").
        self._symbols = frozenset(w for w in self.lexicon if not any(c.isalpha() for c in w)) | _LAUGHTER
        if "tokens" in self.fixes:
            self.lexicon.update(_CASED)
        if self._fix_emoji:
            self.emoji = load_emoji_valence()
            self.lexicon.update(self.emoji)
            self._symbols |= frozenset(self.emoji)
            chars = set(self.emoji) | {k for k in self._names if len(k) == 1}
        else:
            self.emoji = {}
            # VADER looks emoji up one character at a time: only single-character keys can ever match.
            chars = {k for k in self._names if len(k) == 1}
        self._emoji_re = _char_class(chars)

    # -- text preparation ----------------------------------------------------------------------------

    def _replace_emoji_vader(self, text: str) -> str:
        names = self._names

        def sub(m: re.Match) -> str:
            name = names.get(m.group())
            if name is None:
                return m.group()
            start = m.start()
            return (" " if start > 0 and text[start - 1] != " " else "") + name

        return self._emoji_re.sub(sub, text)

    def _prepare(self, text: str) -> str:
        if self._fix_tokens:
            if "&" in text:
                text = html.unescape(text)
            if not text.isascii() and _CURLY.search(text):
                text = text.translate(_APOSTROPHES)
        if text.isascii():
            return text.strip()
        if not self._fix_emoji:
            return self._replace_emoji_vader(text).strip()
        text = _EMOJI_NOISE.sub(" ", text)
        text = self._emoji_re.sub(self._emoji_token, text)
        return text.strip()

    def _emoji_token(self, m: re.Match) -> str:
        char = m.group()
        if char in self.emoji:
            return f" {char} "
        name = self._names.get(char)
        return char if name is None else f" {name} "

    # -- scoring -------------------------------------------------------------------------------------

    def compound(self, text: str) -> float:
        """VADER's compound score of ``text`` (rounded to 4 places like vaderSentiment), with our fixes."""
        return self.compound_and_words(text)[0]

    def compound_and_words(self, text: str) -> tuple[float, list[str]]:
        """The compound score and the lower-cased words it was computed from (language detection reuses them)."""
        text = self._prepare(text)
        raw = text.split()
        if not raw:
            return 0.0, []
        cache = self._tokens
        if len(cache) > 500_000:
            cache.clear()
        infos = [cache.get(t) or self._token(t) for t in raw]
        sentiments, lower = self._sentiments(infos)
        if self._fix_long:
            total = self._sum_long(sentiments)
        else:
            total = float(sum(sentiments))
        amp = _punct_amplifier(text)
        if total > 0:
            total += amp
        elif total < 0:
            total -= amp
        return round(_normalize(total), 4), lower

    def words(self, text: str) -> list[str]:
        """The lower-cased words the scorer reads in ``text`` (what ``compound_and_words`` returns with it)."""
        cache = self._tokens
        return [(cache.get(t) or self._token(t))[1] for t in self._prepare(text).split()]

    def _token(self, tok: str) -> tuple[str, str, bool, bool, bool]:
        """(word, lookup form, all capitals, ends a clause, a word some rule looks for) of one whitespace token;
        cached, since tokens repeat."""
        lex = self.lexicon
        if self._fix_tokens:
            word = _strip_punc_known(tok, lex)
            low = word if word in _CASED else word.lower()
            if low not in lex and low not in _BOOST and _ELONGATED.search(low):
                low = _unelongate(low, lex)
        else:
            word = _strip_punc(tok)
            low = word.lower()
        info = (
            word,
            low,
            word.isupper(),
            tok[-1] in _CLAUSE_TAIL and _ends_with(tok, _CLAUSE_END),
            low in _RULE_WORDS or "n't" in low,
        )
        self._tokens[tok] = info
        return info

    def _sum_long(self, sentiments: list[float]) -> float:
        items = sum(1 for s in sentiments if s != 0)
        total = float(sum(sentiments))
        if items > LONG_ITEMS:
            total *= LONG_ITEMS / items
        return total

    def _sentiments(self, infos: list[tuple[str, str, bool, bool, bool]]) -> tuple[list[float], list[str]]:
        """One valence per token, as VADER's loop produces them (0 for tokens without sentiment), and the
        lower-cased tokens."""
        lex = self.lexicon
        n = len(infos)
        words, lower, upper, ends, ruled = (list(column) for column in zip(*infos, strict=True))
        fix_neg = self._fix_negation
        phrase = _phrases(lower) if fix_neg and not _PHRASE_START.isdisjoint(lower) else {}
        sentiments: list[float] = [0] * n
        hits = [i for i, w in enumerate(lower) if w in lex or i in phrase]
        if not hits:
            return sentiments, lower
        n_caps = sum(upper)
        cap_diff = 0 < n - n_caps < n
        for i in hits:
            lw = lower[i]
            if lw in _BOOST or (i < n - 1 and lw == "kind" and lower[i + 1] == "of"):
                continue
            if i in phrase:
                sentiments[i] = phrase[i]
            elif fix_neg:
                sentiments[i] = self._valence_fixed(i, lex[lw], words, lower, upper, cap_diff, ends, phrase, ruled)
            else:
                sentiments[i] = self._valence_vader(i, lex[lw], words, lower, upper, cap_diff)
        if fix_neg or self._fix_long:
            if "but" in lower:
                sentiments = _but_by_position(lower, sentiments)
        else:
            sentiments = _but_vader(lower, sentiments)
        return sentiments, lower

    def _valence_vader(self, i, base, words, lower, upper, cap_diff) -> float:
        """vaderSentiment 3.3.2's ``sentiment_valence``, step by step, without its quadratic re-lowercasing."""
        lex = self.lexicon
        n = len(words)
        valence = base
        if lower[i] == "no" and i != n - 1 and lower[i + 1] in lex:
            valence = 0.0
        if (
            (i > 0 and lower[i - 1] == "no")
            or (i > 1 and lower[i - 2] == "no")
            or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in ("or", "nor"))
        ):
            valence = base * _N
        if upper[i] and cap_diff:
            valence = valence + _C if valence > 0 else valence - _C
        for start_i in range(3):
            j = i - start_i - 1
            if j >= 0 and lower[j] not in lex:
                valence += _scalar(words[j], lower[j], upper[j], valence, cap_diff) * _DAMP[start_i]
                valence = _negation_vader(valence, lower, start_i, i)
                if start_i == 2 and not _IDIOM_WORDS.isdisjoint(lower[i - 3 : i + 3]):
                    valence = _special_idioms(valence, lower, i)
        return _least(valence, lower, i, lex)

    def _valence_fixed(self, i, base, words, lower, upper, cap_diff, ends, phrase, ruled) -> float:
        """The same rules, with negation scoped to the clause, symbols never negated, strong negatives shifted."""
        lex = self.lexicon
        n = len(words)
        # First token of i's clause, looking back no further than the rules do (clauses end at , . ; : ! ?
        # and a new one starts at "but").
        lo = i
        while lo > 0 and i - lo < 3 and not ends[lo - 1] and lower[lo] != "but":
            lo -= 1
        if not (lower[i] == "no" or any(ruled[lo:i]) or not _IDIOM_WORDS.isdisjoint(lower[max(i - 3, 0) : i + 3])):
            # No word before it that any rule looks at: only capitals can change the valence (the common case).
            if upper[i] and cap_diff:
                return base + _C if base > 0 else base - _C
            return base
        symbol = lower[i] in self._symbols
        valence = base
        if (
            lower[i] == "no"
            and i != n - 1
            and lower[i + 1] in lex
            and not ends[i]
            and lower[i + 1] not in ("no", "but")
        ):
            valence = 0.0
        if not symbol and lower[i] != "no" and i > lo:
            # VADER's "no" rule, within the clause: "no" one, two, or (through "or"/"nor") three words back.
            if (
                (lower[i - 1] == "no" and i - 1 not in phrase)
                or (i - 2 >= lo and lower[i - 2] == "no" and i - 2 not in phrase)
                or (i - 3 >= lo and lower[i - 3] == "no" and lower[i - 1] in ("or", "nor") and i - 3 not in phrase)
            ):
                valence = _negate(base)
        if upper[i] and cap_diff:
            valence = valence + _C if valence > 0 else valence - _C
        negatable = not symbol
        for start_i in range(i - lo):
            j = i - start_i - 1
            if j in phrase:
                break
            if lower[j] in lex:
                # A negation before another sentiment word is that word's ("DON'T CARE DON'T CARE").
                negatable = False
                continue
            valence += _scalar(words[j], lower[j], upper[j], valence, cap_diff) * _DAMP[start_i]
            if negatable:
                valence = _negation_fixed(valence, lower, start_i, i)
            if start_i == 2 and not _IDIOM_WORDS.isdisjoint(lower[i - 3 : i + 3]):
                valence = _special_idioms(valence, lower, i)
        return _least(valence, lower, i, lex)


# -- VADER's rules, shared by both paths ---------------------------------------------------------------


#: An intensifier one, two or three words before a sentiment word counts fully, ×0.95, ×0.9.
_DAMP = (1.0, 0.95, 0.9)


def _scalar(word: str, lower: str, is_upper: bool, valence: float, cap_diff: bool) -> float:
    scalar = _BOOST.get(lower)
    if scalar is None:
        return 0.0
    if valence < 0:
        scalar = -scalar
    if is_upper and cap_diff:
        scalar = scalar + _C if valence > 0 else scalar - _C
    return scalar


def _negation_vader(valence: float, lower: list[str], start_i: int, i: int) -> float:
    if start_i == 0:
        if _negated_word(lower[i - 1]):
            valence *= _N
    elif start_i == 1:
        if lower[i - 2] == "never" and lower[i - 1] in ("so", "this"):
            valence *= 1.25
        elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
            pass
        elif _negated_word(lower[i - 2]):
            valence *= _N
    else:
        if (lower[i - 3] == "never" and lower[i - 2] in ("so", "this")) or lower[i - 1] in ("so", "this"):
            valence *= 1.25
        elif lower[i - 3] == "without" and (lower[i - 2] == "doubt" or lower[i - 1] == "doubt"):
            pass
        elif _negated_word(lower[i - 3]):
            valence *= _N
    return valence


def _negate(valence: float) -> float:
    """Flip like VADER, but a negated strong negative lands near neutral ("not the worst"), not strong praise."""
    flipped = valence * _N
    if valence < 0:
        flipped = max(min(flipped, valence + NEGATION_SHIFT), 0.0)
    return flipped


def _negation_fixed(valence: float, lower: list[str], start_i: int, i: int) -> float:
    j = i - start_i - 1
    if start_i == 1:
        if lower[i - 2] == "never" and lower[i - 1] in ("so", "this"):
            return valence * 1.25
        if lower[i - 2] == "without" and lower[i - 1] == "doubt":
            return valence
    elif start_i == 2:
        if (lower[i - 3] == "never" and lower[i - 2] in ("so", "this")) or lower[i - 1] in ("so", "this"):
            return valence * 1.25
        if lower[i - 3] == "without" and (lower[i - 2] == "doubt" or lower[i - 1] == "doubt"):
            return valence
    if not _negated_word(lower[j]):
        return valence
    # "couldn't be happier", "can't be more pleased": a negated comparative is a superlative.
    if lower[j] in _MODAL_NEG or (lower[j] == "not" and j > 0 and lower[j - 1] in ("could", "can")):
        between = lower[j + 1 : i]
        if between[:1] == ["be"] and (lower[i] in _COMPARATIVE or between[-1:] == ["more"]):
            return valence * 1.25 if valence > 0 else valence
    return _negate(valence)


def _special_idioms(valence: float, lower: list[str], i: int) -> float:
    w3, w2, w1, w0 = lower[i - 3], lower[i - 2], lower[i - 1], lower[i]
    for seq in (f"{w1} {w0}", f"{w2} {w1} {w0}", f"{w2} {w1}", f"{w3} {w2} {w1}", f"{w3} {w2}"):
        if seq in _SPECIAL:
            valence = _SPECIAL[seq]
            break
    n = len(lower)
    if n - 1 > i:
        seq = f"{w0} {lower[i + 1]}"
        if seq in _SPECIAL:
            valence = _SPECIAL[seq]
    if n - 1 > i + 1:
        seq = f"{w0} {lower[i + 1]} {lower[i + 2]}"
        if seq in _SPECIAL:
            valence = _SPECIAL[seq]
    for seq in (f"{w3} {w2} {w1}", f"{w3} {w2}", f"{w2} {w1}"):
        if seq in _BOOST:
            valence = valence + _BOOST[seq]
    return valence


def _least(valence: float, lower: list[str], i: int, lex: dict) -> float:
    if i > 1 and lower[i - 1] == "least" and lower[i - 1] not in lex:
        if lower[i - 2] != "at" and lower[i - 2] != "very":
            valence *= _N
    elif i > 0 and lower[i - 1] == "least" and lower[i - 1] not in lex:
        valence *= _N
    return valence


def _but_vader(lower: list[str], sentiments: list[float]) -> list[float]:
    """VADER's "but" rule exactly, including its quirk: it finds each value by ``list.index``."""
    if "but" in lower:
        bi = lower.index("but")
        for sentiment in sentiments:
            si = sentiments.index(sentiment)
            if si < bi:
                sentiments.pop(si)
                sentiments.insert(si, sentiment * 0.5)
            elif si > bi:
                sentiments.pop(si)
                sentiments.insert(si, sentiment * 1.5)
    return sentiments


def _but_by_position(lower: list[str], sentiments: list[float]) -> list[float]:
    """VADER's "but" rule by position: halve what precedes the first "but", weigh what follows by 1.5."""
    b = lower.index("but")
    return [s * 0.5 if k < b else s * 1.5 if k > b else s for k, s in enumerate(sentiments)]


def _ends_with(token: str, marks: frozenset) -> bool:
    token = token.rstrip(_CLOSERS)
    return bool(token) and token[-1] in marks and len(token.strip(_PUNCT)) > 0


_CANT = frozenset(["can't", "cant", "cannot"])
# Every word a rule looks for before a sentiment word (intensifiers, negations, "no", "least", "never so",
# "without doubt", "so"/"this", "couldn't be more"); a sentiment word with none of them before it keeps its
# lexicon valence.
_RULE_WORDS = (
    frozenset(_BOOST)
    | _NEGATE
    | frozenset("no least never so this without doubt or nor at very be more could can".split())
)
_PHRASE_START = frozenset(["can't", "cant", "cannot", "can", "no", "don't", "dont", "do", "couldn't", "couldnt"])
_COULDNT_BE = frozenset(["couldn't", "couldnt"])
_TOP = frozenset(["happier", "better"])


def _phrases(lower: list[str]) -> dict[int, float]:
    """Fixed phrases whose meaning the word-by-word rules get backwards: token index → valence (0 for the rest)."""
    out: dict[int, float] = {}
    n = len(lower)
    for i in [k for k, w in enumerate(lower) if w in _PHRASE_START]:
        w = lower[i]
        nxt = lower[i + 1] if i + 1 < n else ""
        if w in _CANT and nxt == "wait":
            out[i], out[i + 1] = 0.0, 1.8
        elif w == "can" and nxt == "not" and i + 2 < n and lower[i + 2] == "wait":
            out[i], out[i + 1], out[i + 2] = 0.0, 0.0, 1.8
        elif w in _CANT and nxt == "recommend":
            tail = lower[i + 2 : i + 6]
            if "enough" in tail:
                end = i + 2 + tail.index("enough")
                for k in range(i, end + 1):
                    out[k] = 0.0
                out[end] = 2.8
        elif w == "no" and nxt in ("issue", "issues"):
            out[i], out[i + 1] = 0.0, 1.5
        elif w in ("don't", "dont", "do") and (nxt == "waste" or (nxt == "not" and i + 2 < n and lower[i + 2] == "waste")):
            k = i + 1 if nxt == "waste" else i + 2
            for m in range(i, k + 1):
                out[m] = 0.0
            out[k] = -2.0
        elif w in _COULDNT_BE and nxt == "be" and i + 2 < n and lower[i + 2] in _TOP:
            out[i], out[i + 1], out[i + 2] = 0.0, 0.0, 2.8
    return out
