"""The Boolean brand query: matching (English, Korean, other scripts), errors with positions, API compiling."""

from __future__ import annotations

import pytest

from collectors.query import BrandMatcher, Syntax, parse_query, tokenize
from viralscope.config import parse_config
from viralscope.core.errors import QueryError

MATCHES = [
    # words and case
    ("lumio", "I love LUMIO", True),
    ("LUMIO", "lumio is fine", True),
    ("lumio", "Ｌｕｍｉｏ in full width", True),
    ("lumio", "lumios are not the brand", False),
    ("lumio", "alumio is another word", False),
    ("lumio", "#lumio rocks", True),
    ("lumio", "thanks @lumio_care", True),
    ("lumio", "🔥Lumio🔥", True),
    ("lumio", "see https://lumio.example/x", True),
    ("lumio", "", False),
    # phrases
    ('"lumio lamp"', "the Lumio lamp is bright", True),
    ('"lumio lamp"', "a lamp by Lumio", False),
    ('"lumio lamp"', "Lumio, lamp and more", True),
    ("“lumio lamp”", "my lumio lamp", True),
    ('"iphone 15"', "iPhone 15 Pro", True),
    ('lumio "and"', "lumio and more", True),
    # AND, OR, NOT, precedence, nesting
    ("lumio AND lamp", "lamp from lumio", True),
    ("lumio lamp", "lumio only", False),
    ("lumio OR brightly", "Brightly is ok", True),
    ("lumio NOT recall", "Lumio recall notice", False),
    ("lumio NOT recall", "Lumio rocks", True),
    ("lumio -recall", "Lumio RECALL", False),
    ("lumio NOT Recall", "lumio recall", False),
    ("lumio OR brightly lamp", "brightly", False),
    ("lumio OR brightly lamp", "lumio", True),
    ("lumio NOT (recall OR lawsuit)", "lumio lawsuit filed", False),
    ("(lumio OR 루미오) AND (lamp OR 램프)", "루미오 램프 좋아요", True),
    ("((lumio OR 루미오) (lamp OR 램프)) NOT (recall OR 리콜)", "Lumio lamp 리콜 소식", False),
    # NEAR
    ("lumio NEAR/2 broken", "Lumio lamp is broken", True),
    ("lumio NEAR/1 broken", "Lumio lamp is broken", False),
    ("broken NEAR/2 lumio", "Lumio lamp is broken", True),
    ("broken NEAR/3f lumio", "Lumio lamp is broken", False),
    ("lumio NEAR/3f broken", "Lumio lamp is broken", True),
    ('"customer service" NEAR/3 lumio', "Lumio's customer service is slow", True),
    ("(lumio OR 루미오) NEAR/1 (bad OR 별로)", "루미오 진짜 별로", True),
    ("lumio NEAR/0 lamp", "lumio lamp", True),
    # Korean: particles and endings follow the word; no word boundary inside Hangul
    ("루미오", "루미오가 최고예요", True),
    ("루미오", "루미오에서 샀어요", True),
    ("루미오", "신루미오 출시", False),
    ("Lumio", "Lumio가 고장났어요", True),
    ('"루미오 램프"', "루미오 램프를 샀다", True),
    ("루미오 NEAR/1 고장", "루미오가 또 고장났어요", True),
    ("루미오 NEAR/0 고장", "루미오가 또 고장났어요", False),
    ("LG전자", "LG전자는 오늘", True),
    # wildcards and other scripts
    ("lumi*", "Lumination everywhere", True),
    ("lumi*", "aluminium", False),
    ("露米奥", "我喜欢露米奥的灯", True),
    ("ルミオ", "ルミオのランプが好き", True),
    ("ลูมิโอ", "ฉันชอบโคมไฟลูมิโอมาก", True),  # Thai: no spaces between words
    ("लुमियो", "मुझे लुमियो पसंद है", True),  # Devanagari vowel signs belong to the word
    ('"लुमियो पसंद"', "मुझे लुमियो पसंद है", True),
    ("café", "Café Lumio", True),
    ("cafe", "Café Lumio", False),  # accents are letters, not decoration
]


@pytest.mark.parametrize(("query", "text", "expected"), MATCHES)
def test_matches(query, text, expected):
    assert parse_query(query).matches(text) is expected


ERRORS = [
    ("", 0, "empty"),
    ("   ", 0, "empty"),
    ("lumio OR", 6, "OR needs something after it"),
    ("OR lumio", 0, "OR needs something before it"),
    ("(lumio", 0, "never closed"),
    ("lumio)", 5, "closes nothing"),
    ("(a OR b))", 8, "closes nothing"),
    ("NOT lumio", 0, "NOT alone"),
    ("recall OR NOT lumio", 10, "NOT alone"),
    ("lumio AND OR lamp", 6, "AND needs something after it"),
    ('lumio "lamp', 6, "quote is never closed"),
    ("lumio NEAR lamp", 6, "NEAR needs a distance"),
    ("lumio NEAR/x lamp", 6, "NEAR needs a distance"),
    ("lumio or lamp", 6, "capitals: OR"),
    ("lumio and lamp", 6, "capitals: AND"),
    ("()", 0, "empty parentheses"),
    ("lumio NEAR/2 (lamp AND light)", 6, "NEAR joins words"),
    ("*", 0, "no letters or digits"),
    ("lu*mio", 2, "only at the end"),
    ('lumio ""', 6, "empty phrase"),
    ("lumio NOT NOT lamp", 10, "cancels out"),
    ("l*", 0, "at least two letters"),
]


@pytest.mark.parametrize(("query", "position", "why"), ERRORS)
def test_malformed_queries_point_at_the_position(query, position, why):
    with pytest.raises(QueryError) as info:
        parse_query(query)
    assert info.value.position == position
    assert why in info.value.why
    lines = str(info.value).splitlines()
    assert lines[0].startswith(f"query error at position {position}")
    assert lines[2].index("^") - 2 == position  # the caret sits under the offending character


def test_tokens_split_where_the_script_changes_but_stay_one_word():
    toks = tokenize("Lumio가 정말, 좋아요")
    assert [(t.text, t.family, t.word) for t in toks] == [
        ("lumio", "other", 0), ("가", "hangul", 0), ("정말", "hangul", 1), ("좋아요", "hangul", 2)
    ]


@pytest.mark.parametrize(
    ("query", "syntax", "expected"),
    [
        ("(lumio OR 루미오) NOT recall", Syntax("x", boolean=True), ["(lumio OR 루미오) -recall"]),
        ('"lumio lamp" OR brightly', Syntax("x", boolean=True), ['"lumio lamp" OR brightly']),
        ("lumio NEAR/3 broken", Syntax("x", boolean=True), ["lumio broken"]),
        ("lumio lamp", Syntax("reddit", boolean=True, and_=" AND ", not_="NOT "), ["lumio AND lamp"]),
        ("lumio NOT recall", Syntax("reddit", boolean=True, and_=" AND ", not_="NOT "), ["lumio AND NOT recall"]),
        ("lumi* OR brightly", Syntax("x", boolean=True), None),
        ("(lumio OR 루미오) NOT recall", Syntax("hn"), ["lumio -recall", "루미오 -recall"]),
        ("(lumio OR 루미오) NOT recall", Syntax("bsky", exclude=False), ["lumio", "루미오"]),
        ("lumio OR (lumio AND lamp)", Syntax("hn"), ["lumio"]),
        ("lumio lumi*", Syntax("hn"), ["lumio"]),
        ("lumio NOT (recall OR lawsuit)", Syntax("hn"), ["lumio"]),
        ('"lumio lamp" NEAR/2 broken', Syntax("hn"), ['"lumio lamp" broken']),
    ],
)
def test_compile(query, syntax, expected):
    if expected is None:  # a wildcard inside OR cannot be searched on X: the OR widens to "anything"
        with pytest.raises(QueryError, match="cannot express"):
            parse_query(query).compile(syntax)
        return
    assert parse_query(query).compile(syntax) == expected


def test_compile_refuses_what_would_narrow_the_search():
    with pytest.raises(QueryError, match="cannot express lumi\\*") as info:
        parse_query("brightly OR lumi*").compile(Syntax("hn"))
    assert info.value.position == 12


def test_compile_limits():
    with pytest.raises(QueryError, match="at most 20 characters"):
        parse_query("lumio OR brightly OR glowtech").compile(Syntax("x", boolean=True, max_length=20))
    with pytest.raises(QueryError, match="4 separate hn searches"):
        parse_query("(a1 OR b1) (a2 OR b2)").compile(Syntax("hn", max_searches=3))


def test_brand_tags_from_configuration():
    config = parse_config(
        {"brand": {"name": "Lumio", "query": "lumio OR 루미오"},
         "competitors": [{"name": "Brightly", "query": "brightly OR 브라이틀리"}, {"name": "Glow"}]},
        "test.toml",
    )
    tags = BrandMatcher.from_config(config)
    assert tags.tag("루미오가 브라이틀리보다 낫다") == ["Lumio", "Brightly"]
    assert tags.tag("glow is the new lamp") == ["Glow"]  # no query: the name as a phrase
    assert tags.tag("nothing here") == []


def test_brand_query_errors_name_the_brand():
    config = parse_config({"brand": {"name": "Lumio", "query": "lumio OR"}}, "test.toml")
    with pytest.raises(QueryError, match="query of brand 'Lumio'"):
        BrandMatcher.from_config(config)
