"""The Boolean brand query: parsed once, matched locally on every mention, compiled for each API's search.

Syntax (operators in capitals; a lower-case ``and``/``or``/``not`` is refused rather than silently searched)::

    lumio                     a word, any case; full-width letters match too (NFKC)
    "lumio lamp"              a phrase: these words, consecutive
    lumi*                     a word starting with "lumi"
    lumio lamp                both (a space is AND); also written  lumio AND lamp
    lumio OR 루미오            either
    lumio NOT recall          NOT excludes; -recall is the same
    (lumio OR 루미오) lamp     parentheses group
    lumio NEAR/3 broken       within 3 words of each other, either order; NEAR/3f keeps the order

Words are runs of letters, digits and combining marks. Korean attaches particles and endings to the right of a word
(루미오가, 루미오는, 루미오에서), so a term that ends in Hangul matches the start of a word and lets anything
follow; a Latin term followed directly by Hangul still matches (``Lumio가``): a change of script is a word
boundary. Chinese, Japanese, Thai, Lao, Khmer and Burmese are written without spaces between words, so a
term in those scripts matches anywhere in the text. NEAR counts words as separated by spaces or punctuation.

The API a source searches is never trusted to apply the query exactly (stemming, typo tolerance, prefix
matching, unsupported operators), so every mention is matched again here and only matching ones are kept.
Compiling for an API may therefore *relax* the query (drop what the API cannot express) but never tighten it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from viralscope.core.errors import QueryError

__all__ = [
    "Term", "And", "Or", "Not", "Near", "Query", "Document", "BrandMatcher", "parse_query", "tokenize",
]

_HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"
# Scripts written without spaces between words: Chinese, Japanese, Thai, Lao, Khmer, Myanmar.
_CJK = ("\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
        "\u0e00-\u0eff\u1780-\u17ff\u1000-\u109f")


def _marks() -> str:
    """Combining marks (vowel signs of Indic scripts and the like): part of a word, though not \\w."""
    marks = [c for c in range(0x300, 0x10000) if unicodedata.category(chr(c)) in ("Mn", "Mc", "Me")]
    ranges, start = [], marks[0]
    for a, b in zip(marks, marks[1:] + [None], strict=True):
        if b != a + 1:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(a))}" if a > start else re.escape(chr(a)))
            start = b
    return "".join(ranges)


_RUN = re.compile(rf"(?:[^\W_]|[{_marks()}])+")
_SCRIPT = re.compile(rf"([{_HANGUL}]+)|([{_CJK}]+)|([^{_HANGUL}{_CJK}]+)")
HANGUL, CJK, OTHER = "hangul", "cjk", "other"
_FAMILY = {1: HANGUL, 2: CJK, 3: OTHER}


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


class Token(NamedTuple):
    text: str
    family: str
    word: int  # index of the space/punctuation-separated word it belongs to (NEAR counts these)


def tokenize(text: str) -> list[Token]:
    """Letters-and-digits runs, split where the script changes; ``word`` numbers the separated words."""
    tokens: list[Token] = []
    for word, run in enumerate(_RUN.findall(_normalize(text))):
        if run.isascii():  # the common case: one token, no script to split on
            tokens.append(Token(run, OTHER, word))
            continue
        for m in _SCRIPT.finditer(run):
            tokens.append(Token(m.group(), _FAMILY[m.lastindex], word))
    return tokens


class Document:
    """A text tokenized once, to be matched against many queries."""

    def __init__(self, text: str):
        self.text = text or ""
        self.tokens = tokenize(self.text)
        self._index: dict[str, list[int]] | None = None

    @property
    def index(self) -> dict[str, list[int]]:
        """Token text → positions, for terms that must equal a token."""
        if self._index is None:
            self._index = {}
            for i, t in enumerate(self.tokens):
                self._index.setdefault(t.text, []).append(i)
        return self._index


# -- the syntax tree -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A word or a quoted phrase; ``tokens`` is what it must match, consecutively."""

    raw: str
    tokens: tuple[Token, ...]
    phrase: bool = False
    wildcard: bool = False
    pos: int = field(default=0, compare=False)

    def spans(self, doc: Document) -> list[tuple[int, int]]:
        """Every (first, last+1) token range of ``doc`` where this term occurs."""
        toks, mine, n = doc.tokens, self.tokens, len(self.tokens)
        if n == 1 and not self._exact_first:
            return self._single_scan(doc)
        if self._exact_first:
            starts = doc.index.get(mine[0].text, ())  # only where the first token is
        else:
            starts = range(len(toks) - n + 1)
        found = []
        for i in starts:
            if i + n <= len(toks) and all(_token_matches(mine[k], toks[i + k], k, n, self.wildcard) for k in range(n)):
                found.append((i, i + n))
        return found

    def matches(self, doc: Document) -> bool:
        if self._exact_first and mine_single(self):
            return self.tokens[0].text in doc.index
        return bool(self.spans(doc))

    def _single_scan(self, doc: Document) -> list[tuple[int, int]]:
        """One token matched by prefix (Hangul, wildcard) or inside a CJK run: a plain scan."""
        mine = self.tokens[0]
        text, fam = mine.text, mine.family
        if fam == CJK:
            return [(i, i + 1) for i, t in enumerate(doc.tokens) if t.family == CJK and text in t.text]
        return [(i, i + 1) for i, t in enumerate(doc.tokens) if t.family == fam and t.text.startswith(text)]

    @cached_property
    def _exact_first(self) -> bool:
        """Whether the first token can only match an equal token (so the index finds the candidates)."""
        first, n = self.tokens[0], len(self.tokens)
        if first.family == CJK:
            return False
        return not (n == 1 and (self.wildcard or first.family == HANGUL))

    def render(self) -> str:
        if self.phrase:
            return '"' + self.raw.replace('"', "") + '"'
        return self.raw + ("*" if self.wildcard else "")


def _token_matches(term: Token, tok: Token, k: int, n: int, wildcard: bool) -> bool:
    first, last = k == 0, k == n - 1
    if term.family == CJK and tok.family == CJK:
        # No spaces between words: the ends of a term may fall inside a written run.
        if first and last:
            return term.text in tok.text
        if first:
            return tok.text.endswith(term.text)
        if last:
            return tok.text.startswith(term.text)
        return tok.text == term.text
    if term.family != tok.family:
        return False
    if last and (wildcard or term.family == HANGUL):
        # Korean particles and endings follow the word: 루미오 matches 루미오가, 루미오에서.
        return tok.text.startswith(term.text)
    return tok.text == term.text


def mine_single(term: Term) -> bool:
    return len(term.tokens) == 1


@dataclass(frozen=True)
class And:
    items: tuple

    def matches(self, doc) -> bool:
        return all(i.matches(doc) for i in self.items)


@dataclass(frozen=True)
class Or:
    items: tuple

    def matches(self, doc) -> bool:
        return any(i.matches(doc) for i in self.items)

    def spans(self, doc):
        # Only NEAR asks, and its OR operands hold terms only.
        return sorted({s for i in self.items for s in i.spans(doc)})


@dataclass(frozen=True)
class Not:
    item: object
    pos: int = field(default=0, compare=False)

    def matches(self, doc) -> bool:
        return not self.item.matches(doc)


@dataclass(frozen=True)
class Near:
    left: object
    right: object
    distance: int
    ordered: bool = False

    def spans(self, doc):
        out = []
        words = doc.tokens
        for a0, a1 in self.left.spans(doc):
            for b0, b1 in self.right.spans(doc):
                if b0 >= a1:
                    gap = words[b0].word - words[a1 - 1].word - 1
                elif not self.ordered and a0 >= b1:
                    gap = words[a0].word - words[b1 - 1].word - 1
                elif not self.ordered:
                    gap = 0  # overlapping occurrences are as near as can be
                else:
                    continue
                if gap <= self.distance:
                    out.append((min(a0, b0), max(a1, b1)))
        return sorted(set(out))

    def matches(self, doc) -> bool:
        return bool(self.spans(doc))


# -- parsing ---------------------------------------------------------------------------------------------

_NEAR = re.compile(r"NEAR/(\d+)(f?)$")
_LOWER_OPS = {"and": "AND", "or": "OR", "not": "NOT"}


@dataclass(frozen=True)
class _Lex:
    kind: str  # word | phrase | ( | ) | AND | OR | NOT | NEAR | end
    text: str
    pos: int
    distance: int = 0
    ordered: bool = False


def _lex(query: str) -> list[_Lex]:
    out: list[_Lex] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c in "()":
            out.append(_Lex(c, c, i))
            i += 1
        elif c in "\"“”":
            close = re.compile(r"[\"“”]").search(query, i + 1)
            if close is None:
                raise QueryError(query, i, "this quote is never closed")
            out.append(_Lex("phrase", query[i + 1 : close.start()], i))
            i = close.end()
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in "()\"“”":
                j += 1
            word = query[i:j]
            if word in ("AND", "OR", "NOT"):
                out.append(_Lex(word, word, i))
            elif word == "NEAR" or word.startswith("NEAR/"):
                m = _NEAR.match(word)
                if not m:
                    raise QueryError(query, i, "NEAR needs a distance in words, e.g. NEAR/3 (or NEAR/3f for in order)")
                out.append(_Lex("NEAR", word, i, int(m.group(1)), bool(m.group(2))))
            elif word in _LOWER_OPS:
                raise QueryError(
                    query, i, f"operators are written in capitals: {_LOWER_OPS[word]} (quote \"{word}\" to search the word)"
                )
            elif word.startswith("-") and len(word) > 1:
                out.append(_Lex("NOT", "-", i))
                out.append(_Lex("word", word[1:], i + 1))
            else:
                out.append(_Lex("word", word, i))
            i = j
    out.append(_Lex("end", "", n))
    return out


class _Parser:
    def __init__(self, query: str):
        self.query = query
        self.lex = _lex(query)
        self.i = 0

    def error(self, pos: int, why: str) -> QueryError:
        return QueryError(self.query, pos, why)

    @property
    def peek(self) -> _Lex:
        return self.lex[self.i]

    def take(self) -> _Lex:
        tok = self.lex[self.i]
        self.i += 1
        return tok

    def parse(self):
        if self.peek.kind == "end":
            raise self.error(0, "the query is empty")
        node = self.or_()
        if self.peek.kind == ")":
            raise self.error(self.peek.pos, "this ')' closes nothing")
        if self.peek.kind != "end":  # pragma: no cover - every other token starts an operand
            raise self.error(self.peek.pos, f"unexpected {self.peek.text!r}")
        return node

    def or_(self):
        items = [self.and_()]
        while self.peek.kind == "OR":
            op = self.take()
            self.need_operand(op)
            items.append(self.and_())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_(self):
        items = [self.not_()]
        while self.peek.kind in ("AND", "NOT", "word", "phrase", "("):
            if self.peek.kind == "AND":
                self.need_operand(self.take())
            items.append(self.not_())
        return items[0] if len(items) == 1 else And(tuple(items))

    def not_(self):
        if self.peek.kind == "NOT":
            op = self.take()
            self.need_operand(op)
            if self.peek.kind == "NOT":
                raise self.error(self.peek.pos, "NOT NOT cancels out; remove both")
            return Not(self.near(), op.pos)
        return self.near()

    def near(self):
        left = self.primary()
        while self.peek.kind == "NEAR":
            op = self.take()
            self.need_operand(op)
            right = self.primary()
            for side in (left, right):
                self.check_near_operand(side, op)
            left = Near(left, right, op.distance, op.ordered)
        return left

    def check_near_operand(self, node, op: _Lex) -> None:
        if isinstance(node, Term):
            return
        if isinstance(node, Or) and all(isinstance(i, Term) for i in node.items):
            return
        if isinstance(node, Near):
            return
        raise self.error(op.pos, "NEAR joins words, phrases or (a OR b) groups of them")

    def need_operand(self, op: _Lex) -> None:
        nxt = self.peek
        if nxt.kind in ("end", ")", "OR", "AND", "NEAR"):
            where = "at the end" if nxt.kind == "end" else f"before {nxt.text!r}"
            raise self.error(op.pos, f"{op.text} needs something after it, found nothing {where}")

    def primary(self):
        tok = self.peek
        if tok.kind == "(":
            self.take()
            if self.peek.kind == ")":
                raise self.error(tok.pos, "empty parentheses")
            node = self.or_()
            if self.peek.kind != ")":
                raise self.error(tok.pos, "this '(' is never closed")
            self.take()
            return node
        if tok.kind in ("word", "phrase"):
            self.take()
            return self.term(tok)
        if tok.kind in ("OR", "AND", "NEAR"):
            raise self.error(tok.pos, f"{tok.text} needs something before it")
        if tok.kind == ")":
            raise self.error(tok.pos, "this ')' closes nothing")
        raise self.error(tok.pos, "a term is missing here")  # pragma: no cover

    def term(self, tok: _Lex) -> Term:
        raw = tok.text.strip()
        wildcard = False
        if tok.kind == "word" and raw.endswith("*"):
            raw, wildcard = raw[:-1], True
        if "*" in raw:
            raise self.error(tok.pos + raw.index("*"), "* is allowed only at the end of a word (lumi*)")
        tokens = tuple(tokenize(raw))
        if not tokens:
            what = "an empty phrase" if tok.kind == "phrase" and not raw else f"{tok.text!r} has no letters or digits"
            raise self.error(tok.pos, f"{what}: nothing to search for")
        if wildcard and len(tokens) == 1 and tokens[0].family == OTHER and len(tokens[0].text) < 2:
            raise self.error(tok.pos, "a wildcard needs at least two letters before the *")
        return Term(raw, tokens, phrase=tok.kind == "phrase", wildcard=wildcard, pos=tok.pos)


def _check_positive(query: str, node) -> None:
    """Every alternative must ask for something: NOT alone would match almost every mention."""
    if isinstance(node, Not):
        raise QueryError(query, node.pos, "NOT alone matches almost everything; say what to look for first")
    if isinstance(node, Or):
        for item in node.items:
            _check_positive(query, item)
    if isinstance(node, And) and all(isinstance(i, Not) for i in node.items):
        raise QueryError(query, node.items[0].pos, "NOT alone matches almost everything; say what to look for first")


def parse_query(text: str) -> Query:
    """Parse a Boolean query; a malformed one raises ``QueryError`` with the 0-based position."""
    if not isinstance(text, str):
        raise QueryError(str(text), 0, "the query must be text")
    tree = _Parser(text).parse()
    _check_positive(text, tree)
    return Query(text, tree)


# -- compiling for an API --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Branch:
    """One conjunction of the query's disjunctive normal form: all ``positive``, none of ``negative``."""

    positive: tuple[Term, ...]
    negative: tuple[Term, ...] = ()


@dataclass(frozen=True)
class Syntax:
    """What an API's search box understands. Anything it cannot say is dropped (the query gets wider)."""

    name: str
    boolean: bool = False  # full AND/OR/NOT/parentheses; otherwise one search per DNF branch
    and_: str = " "
    or_: str = " OR "
    not_: str = "-"
    phrases: bool = True
    exclude: bool = True  # may send negated terms
    wildcard: bool = False
    max_length: int | None = None
    length_hint: str = ""  # what to do about a query that is too long, said with the error
    max_searches: int = 8


TRUE = object()  # what a dropped part becomes: "anything"


@dataclass(frozen=True)
class Query:
    """A parsed query: ``matches(text)``; ``compile(syntax)`` gives the API search strings."""

    text: str
    tree: object = field(repr=False)

    def matches(self, text: str | Document) -> bool:
        doc = text if isinstance(text, Document) else Document(text)
        return self.tree.matches(doc)

    @cached_property
    def terms(self) -> tuple[Term, ...]:
        out: list[Term] = []

        def walk(node):
            if isinstance(node, Term):
                out.append(node)
            elif isinstance(node, (And, Or)):
                for i in node.items:
                    walk(i)
            elif isinstance(node, Not):
                walk(node.item)
            elif isinstance(node, Near):
                walk(node.left)
                walk(node.right)

        walk(self.tree)
        return tuple(out)

    def branches(self) -> list[Branch]:
        """The disjunctive normal form over terms, NEAR read as AND; redundant branches removed."""
        try:
            raw = _dnf(self.tree)
        except _TooWide:
            raise QueryError(self.text, 0, "this query expands to too many alternatives to search") from None
        uniq: list[Branch] = []
        for b in raw:
            pos = tuple(dict.fromkeys(b.positive))
            neg = tuple(t for t in dict.fromkeys(b.negative) if t not in pos)
            if pos and Branch(pos, neg) not in uniq:
                uniq.append(Branch(pos, neg))
        # A branch that asks for more than another (and excludes no less) finds a subset of it.
        keep = []
        for b in uniq:
            covered = any(
                o is not b and set(o.positive) <= set(b.positive) and set(o.negative) <= set(b.negative)
                and (set(o.positive), set(o.negative)) != (set(b.positive), set(b.negative))
                for o in uniq
            )
            if not covered:
                keep.append(b)
        return keep

    def compile(self, syntax: Syntax) -> list[str]:
        """The search strings that together find (at least) every matching mention on that API."""
        if syntax.boolean:
            rendered = _render(_relax(self.tree, syntax), syntax, top=True)
            if rendered is TRUE or not rendered:
                raise QueryError(self.text, 0, f"{syntax.name} search cannot express any term of this query")
            searches = [rendered]
        else:
            searches = []
            for b in self.branches():
                pos = [t for t in b.positive if _expressible(t, syntax)]
                if not pos:
                    t = b.positive[0]
                    raise QueryError(self.text, t.pos, f"{syntax.name} search cannot express {t.render()}")
                neg = [t for t in b.negative if syntax.exclude and _expressible(t, syntax)]
                parts = [_render_term(t, syntax) for t in pos] + [syntax.not_ + _render_term(t, syntax) for t in neg]
                s = syntax.and_.join(parts)
                if s not in searches:
                    searches.append(s)
            if len(searches) > syntax.max_searches:
                raise QueryError(
                    self.text, 0,
                    f"this query needs {len(searches)} separate {syntax.name} searches (at most "
                    f"{syntax.max_searches}); group alternatives or raise max_searches",
                )
        for s in searches:
            if syntax.max_length and len(s) > syntax.max_length:
                raise QueryError(
                    self.text, 0, f"{syntax.name} accepts queries of at most {syntax.max_length} characters; "
                    f"this one compiles to {len(s)}{'; ' + syntax.length_hint if syntax.length_hint else ''}",
                )
        return searches


class _TooWide(Exception):
    pass


def _dnf(node) -> list[Branch]:
    if isinstance(node, Term):
        return [Branch((node,))]
    if isinstance(node, Or):
        return [b for i in node.items for b in _dnf(i)]
    if isinstance(node, (And, Near)):
        items = node.items if isinstance(node, And) else (node.left, node.right)
        out = [Branch(())]
        for i in items:
            if isinstance(i, Not):
                # Only a single excluded term can be sent; a wider NOT is left to the local match.
                neg = (i.item,) if isinstance(i.item, Term) else ()
                out = [Branch(b.positive, b.negative + neg) for b in out]
                continue
            out = [Branch(a.positive + b.positive, a.negative + b.negative) for a in out for b in _dnf(i)]
            if len(out) > 256:
                raise _TooWide
        return out
    return [Branch(())]  # pragma: no cover - a NOT alone is refused by the parser


def _expressible(term: Term, syntax: Syntax) -> bool:
    return (syntax.wildcard or not term.wildcard) and (syntax.phrases or not term.phrase or len(term.tokens) == 1)


def _render_term(term: Term, syntax: Syntax) -> str:
    if term.phrase and len(term.tokens) > 1:
        return term.render()
    return term.raw.replace('"', "") + ("*" if term.wildcard and syntax.wildcard else "")


def _relax(node, syntax: Syntax):
    """Replace what the API cannot say by TRUE (anything): the search gets wider, never narrower."""
    if isinstance(node, Term):
        return node if _expressible(node, syntax) else TRUE
    if isinstance(node, Not):
        inner = _relax(node.item, syntax)
        return TRUE if inner is TRUE or not syntax.exclude else Not(inner, node.pos)
    if isinstance(node, Near):
        node = And((node.left, node.right))
    if isinstance(node, And):
        items = tuple(r for r in (_relax(i, syntax) for i in node.items) if r is not TRUE)
        return TRUE if not items else items[0] if len(items) == 1 else And(items)
    if isinstance(node, Or):
        items = tuple(_relax(i, syntax) for i in node.items)
        return TRUE if any(i is TRUE for i in items) else Or(items)
    return node  # pragma: no cover


def _render(node, syntax: Syntax, top: bool = False):
    if node is TRUE:
        return TRUE
    if isinstance(node, Term):
        return _render_term(node, syntax)
    if isinstance(node, Not):
        return syntax.not_ + _render(node.item, syntax)
    if isinstance(node, And):
        parts = [_render(i, syntax) for i in node.items]
        if all(isinstance(i, Not) for i in node.items):  # pragma: no cover - refused by the parser
            return TRUE
        s = syntax.and_.join(parts)
        return s if top else f"({s})"
    if isinstance(node, Or):
        s = syntax.or_.join(_render(i, syntax) for i in node.items)
        return s if top else f"({s})"
    raise AssertionError(node)  # pragma: no cover


# -- brands ----------------------------------------------------------------------------------------------


class BrandMatcher:
    """Which tracked brands a text mentions, by each brand's own query (brand first, then competitors)."""

    def __init__(self, brands: list[tuple[str, str | Query]]):
        self.brands = [(name, q if isinstance(q, Query) else parse_query(q)) for name, q in brands]

    @classmethod
    def from_config(cls, config) -> BrandMatcher:
        pairs = []
        for b in config.brands:
            query = b.query or f'"{b.name}"'
            try:
                pairs.append((b.name, parse_query(query)))
            except QueryError as exc:
                raise QueryError(exc.query, exc.position, f"query of brand {b.name!r}: {exc.why}") from None
        return cls(pairs)

    def tag(self, text: str | Document) -> list[str]:
        doc = text if isinstance(text, Document) else Document(text)
        return [name for name, q in self.brands if q.matches(doc)]
