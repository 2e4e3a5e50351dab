"""Korean: a lexicon of our own writing and rules for negation, intensifiers, contrast and emoticons.

Nothing is trained. Korean glues endings onto stems ("재밌었는데", "좋지도 않았다"), so the lexicon
(``data/ko_lexicon.txt``) holds stems and fixed expressions that are found inside words, the longest first,
in one pass of one regular expression; the rules then look at what surrounds each match:

- negation: a predicate stem (kind P) is reversed by 안/못 before it ("안 좋다", "못 봐주겠다") or by
  지 않/지 못/지도 않 after it ("좋지 않다", "재밌지는 않았다"), and by "…는 게 없다" ("재밌는 게 없다");
  a noun (kind N) is reversed by 없다/아니다/안 되다/부족하다 after it ("재미가 없다", "문제 없어요",
  "최고는 아니다"). Reversal is VADER's (×−0.74) except that a strongly negative word only climbs to about
  neutral ("최악은 아니다" is not praise), as in English.
- intensifiers and dampeners: a whole word such as 너무, 진짜, 완전, 역대급 (or the prefixes 개-, 핵-, 존-
  glued to the next word: "개노잼", "핵꿀잼") strengthens the next sentiment word; 좀, 약간, 나름 weaken it.
- contrast: before the last 지만/그런데/근데/그러나/불구하고/는데 a valence counts half, after it one and a
  half (VADER's "but" rule; in Korean the verdict comes last).
- emoticons: ㅋㅋ, ㅎㅎ, ^^ (positive), ㅡㅡ, ㅉㅉ, ;; (negative) with runs shortened first (ㅋㅋㅋㅋ = ㅋㅋ);
  ㅠㅠ/ㅜㅜ carry no direction (they mark both tears of joy and of grief) and, like "!", strengthen whatever
  the text already says. Emoji use the same valences as in English; English words inside a Korean text
  are looked up in VADER's lexicon.

The summed valence is normalised as in VADER (x/√(x²+15)), with the same long-text scaling as English.
kiwipiepy's morphological analysis was measured at about 1,000 texts per second per core, too slow for the
million-mention target, so this scorer works on surface forms.
"""

from __future__ import annotations

import math
import re
from importlib import resources

from sentiment.english import LONG_ITEMS, _negate, load_emoji_valence

__all__ = ["KoreanScorer", "load_lexicon"]

_B_INCR = 0.293
_PREFIX_BOOST = 0.6
_RUNS = re.compile(r"([ㅋㅎㅉㅡㅗ^;])\1{2,}")
_TEARS = re.compile(r"[ㅠㅜ]+(?:\.[ㅠㅜ]+)?|(?<![a-z])tt(?![a-z])")
_NOISE = re.compile("[\ufe0e\ufe0f\u200d\u20e3\U0001f3fb-\U0001f3ff]")
_CLAUSE = re.compile(r"[.,!?~\n;:]")
# Contrast markers (and the English "but"): what comes after the last one weighs more.
_CONTRAST = frozenset(["지만", "그러나", "그런데", "근데", "그치만", "불구하고", "는데"])
_RATING_PARTS = re.compile(r"(\d{1,2})\s?점(?:\s?만점에\s?(\d{1,2}(?:\.\d)?)\s?점)?")
_P_NEG = re.compile(
    r"(?:하|했|하였|스럽|스러웠|었|았|였)?\s?(?:지|진|지는|지도|지가|지를|질|지만은)\s*(?:않|안|못|마)"
    r"|[가-힣]{0,2}\s?(?:게|것이|거|건|거는|부분이|장면이|데가|곳이|점이|점은)\s*(?:하나도|1도|전혀|별로|진짜|정말)?\s*(?:없|업)"
)
_N_NEG = re.compile(
    r"\s?(?:이|가|은|는|도|을|를|조차|까지|따위|란|라곤|이라곤|이란|의)?\s*"
    r"(?:하나도|1도|전혀|별로|진짜|정말|너무|좀|조금|약간|그다지|그닥|참)?\s*"
    r"(?:없|업|읎|안\s?되|안\s?돼|안\s?됨|안\s?됐|안\s?하|안\s?함|안\s?해|안\s?했|안\s?생|"
    r"못\s?하|못\s?함|못\s?해|못\s?했|못\s?느|못\s?받|부족|떨어|반감|안\s?가|안\s?감|안\s?갔|아니[다고지었라에요]|아님|아닌(?![가지데])|아냐|아녜)"
)
_PREFIXES = frozenset("개핵존킹갓왕")


def load_lexicon() -> dict[str, tuple[float, str, float]]:
    """Our Korean lexicon: pattern → (valence, kind, valence when negated)."""
    out: dict[str, tuple[float, str, float]] = {}
    text = resources.files("sentiment").joinpath("data/ko_lexicon.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        pattern, valence, kind = line.split("\t")[:3]
        alone, _, negated = valence.partition("|")
        out[pattern] = (float(alone), kind, float(negated) if negated else _negate(float(alone)))
    return out


def _pattern_regex(patterns) -> re.Pattern:
    """One regex for everything the scorer looks for, longest match first, built as a trie.

    Lexicon entries, emoji and contrast markers form a trie (좋|좋아하 → 좋(?:아하)?); written ratings and
    English words are added as one branch per first digit or letter. Every top-level branch starts with a
    literal character, which lets ``re`` skip positions where nothing can start in C rather than trying
    hundreds of branches at each of them. A space in a pattern matches any spacing, none included; greedy
    optional tails make the longest pattern win.
    """
    trie: dict = {}
    for pat in patterns:
        node = trie
        for unit in _units(pat):
            node = node.setdefault(unit, {})
        node[""] = {}
    branches = _trie_branches(trie)
    # "10점", "1점", "10점 만점에 8점", not preceded by a digit or a decimal point.
    branches += [
        rf"{d}(?<![\d.]{d})\d?\s?점(?:\s?만점에\s?\d{{1,2}}(?:\.\d)?\s?점)?" for d in "0123456789"
    ]
    branches += [rf"{c}[a-z]*(?:'[a-z]+)?" for c in "abcdefghijklmnopqrstuvwxyz"]
    return re.compile("|".join(branches))


def _units(pattern: str) -> list[str]:
    out: list[str] = []
    for ch in pattern:
        if ch == " ":
            if out and out[-1] != " ":
                out.append(" ")
        else:
            out.append(ch)
    return out


def _trie_branches(node: dict) -> list[str]:
    return [(r"\s*" if unit == " " else re.escape(unit)) + _trie_to_regex(node[unit]) for unit in sorted(k for k in node if k)]


def _trie_to_regex(node: dict) -> str:
    branches = _trie_branches(node)
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


class KoreanScorer:
    """Compound scores in −1..1 for Korean text. Build once, reuse (building compiles the lexicon)."""

    def __init__(self, english_lexicon: dict[str, float] | None = None):
        raw = load_lexicon()
        self.lexicon = {p.replace(" ", ""): v for p, v in raw.items()}
        self.emoji = load_emoji_valence()
        self._re = _pattern_regex(list(raw) + list(self.emoji) + list(_CONTRAST))
        for e, v in self.emoji.items():
            self.lexicon[e] = (v, "X", v)
        if english_lexicon is None:
            from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

            english_lexicon = SentimentIntensityAnalyzer().lexicon
        self.english = english_lexicon

    def compound(self, text: str) -> float:
        """The compound score of one Korean text (rounded to 4 places)."""
        t = text.lower()
        if not t.isascii():
            t = _NOISE.sub("", t)
        t, tears = _TEARS.subn(" ", t)
        t = _RUNS.sub(r"\1\1", t)
        items, contrast = self._items(t)
        if not items:
            return 0.0
        if contrast >= 0:
            values = [v * 0.5 if pos < contrast else v * 1.5 for pos, v in items]
        else:
            values = [v for _, v in items]
        total = float(sum(values))
        nonzero = sum(1 for v in values if v != 0)
        if nonzero > LONG_ITEMS:
            total *= LONG_ITEMS / nonzero
        amp = min(t.count("!") + tears, 4) * 0.292
        qm = t.count("?")
        amp += 0.0 if qm <= 1 else qm * 0.18 if qm <= 3 else 0.96
        if total > 0:
            total += amp
        elif total < 0:
            total -= amp
        return round(total / math.sqrt(total * total + 15), 4)

    def _items(self, t: str) -> tuple[list[tuple[int, float]], int]:
        """(position, valence) of every sentiment-bearing match, after negation and intensity rules, and the
        position of the last contrast marker (−1 if none)."""
        lex = self.lexicon
        items: list[tuple[int, float]] = []
        contrast = -1
        eng = self.english
        skip_until = -1
        modifier: tuple[int, float] | None = None  # (end position, scalar) of a pending intensifier
        # One pass finds lexicon entries, contrast markers, written ratings and English words, leftmost first.
        for m in self._re.finditer(t):
            s, e = m.span()
            if s < skip_until:
                continue
            first = t[s]
            if first.isdigit():
                v = _rating(m.group())
                if v:
                    items.append((s, v))
                continue
            if "a" <= first <= "z":
                word = m.group()
                if word == "but":
                    contrast = s
                else:
                    v = eng.get(word)
                    if v:
                        items.append((s, v))
                continue
            key = m.group()
            if " " in key or "\t" in key or "\n" in key:
                key = "".join(key.split())
            if key in _CONTRAST:
                contrast = s
                continue
            valence, kind, negated = lex[key]
            if kind == "S":
                continue
            if kind in ("I", "D"):
                if _whole_word(t, s, e):
                    modifier = (e, _B_INCR if kind == "I" else -_B_INCR)
                continue
            if kind == "P":
                # 안/못 right before the stem, spaced or not ("안 좋다", "안좋다"), or 지 않 after it.
                if s >= 1 and (t[s - 1] in "안못" or (t[s - 1].isspace() and _negator_before(t, s))):
                    valence = negated
                else:
                    neg = _P_NEG.match(t, e)
                    if neg:
                        valence = negated
                        skip_until = neg.end()
            elif kind == "N":
                neg = _N_NEG.match(t, e)
                if neg:
                    valence = negated
                    skip_until = neg.end()
            if valence == 0:
                continue
            if modifier is not None:
                gap = t[modifier[0] : s]
                if len(gap) <= 8 and not _CLAUSE.search(gap):
                    valence += modifier[1] if valence > 0 else -modifier[1]
                modifier = None
            if s >= 1 and t[s - 1] in _PREFIXES and (s == 1 or not t[s - 2].isalnum()):
                valence += _PREFIX_BOOST if valence > 0 else -_PREFIX_BOOST
            items.append((s, valence))
        return items, contrast


def _rating(text: str) -> float:
    """Valence of a score written as numbers: "10점", "1점", "10점 만점에 8점" (0 when it says nothing)."""
    m = _RATING_PARTS.fullmatch(text)
    if m.group(2) is not None:
        share = float(m.group(2)) / max(float(m.group(1)), 1.0)
    else:
        share = {10: 1.0, 0: 0.0, 1: 0.1}.get(int(m.group(1)))
        if share is None:
            return 0.0
    return 1.5 if share >= 0.8 else -2.0 if share <= 0.4 else 0.0


def _whole_word(t: str, s: int, e: int) -> bool:
    return (s == 0 or not t[s - 1].isalnum()) and (e >= len(t) or not t[e].isalnum())


def _negator_before(t: str, s: int) -> bool:
    """True when the word before position ``s`` (past the spaces) is 안 or 못 on its own: "안 좋다"."""
    k = s
    while k > 0 and t[k - 1].isspace():
        k -= 1
    return k >= 1 and t[k - 1] in "안못" and (k == 1 or not t[k - 2].isalnum())
