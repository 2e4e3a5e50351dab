"""Small generated stores for the dashboard's tests and benchmarks (written through the real ingest path).

``build(store, n)`` writes ``n`` mentions over three brands, three sources, English and Korean, with reply
and share cascades, then fills the sentiment columns the way the sentiment stage would (labels drawn per
brand, so the pages have something to show), and records two collector runs. ``hostile=True`` adds
mentions whose text, author, brand and URL try every trick a browser or Markdown renderer could fall for.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from viralscope import ingest
from viralscope.store import Store

BRANDS = ["Lumio", "Brightly", "Glowly"]
SOURCES = ["x", "reddit", "bluesky"]
WORDS_EN = "love great lamp glow broken slow shipping awful surprise campaign app login refund amazing".split()
WORDS_KO = "루미오 좋아요 최고 별로 배송 느려요 고장 환불 캠페인 놀라워요 앱 로그인".split()
START = pd.Timestamp("2026-01-05", tz="UTC")

#: Mention texts that must never run, render as markup, or become a link.
HOSTILE_TEXTS = [
    "<script>window.__pwned = 1; alert('xss')</script>",
    '<img src=x onerror="window.__pwned=1">',
    "<svg onload=window.__pwned=1></svg>",
    '<a href="javascript:window.__pwned=1">click me</a>',
    "[click me](javascript:window.__pwned=1) and ![img](x onerror=window.__pwned=1)",
    "**bold** _italic_ # Heading\n\n> quote\n\n| a | b |\n|---|---|\n| 1 | 2 |",
    r"$\href{javascript:window.__pwned=1}{math link}$ and $$\def\x{1}\x$$ \(x\)",
    ":red[red text] :material/warning: :rainbow[rainbow] :balloon:",
    '=HYPERLINK("http://example.invalid","x") +1 -1 @SUM(A1)',
    "<iframe src=\"javascript:window.__pwned=1\"></iframe><style>body{display:none}</style>",
    "\u202eevil\u202c zero\u200bwidth \x07bell \x1b[31mansi",
]
HOSTILE_URLS = [
    "javascript:window.__pwned=1",
    "data:text/html,<script>window.__pwned=1</script>",
    "https://example.com/\"><script>window.__pwned=1</script>",
    " JAVASCRIPT:window.__pwned=1",
    "vbscript:msgbox(1)",
    "https://example.com/ok",
]
HOSTILE_NAME = '<b onmouseover="window.__pwned=1">**admin**</b> $x$'
HOSTILE_BRAND = '<img src=x onerror="window.__pwned=1">:red[Brand]'


def frame(n: int, *, seed: int = 3, days: int = 90) -> pd.DataFrame:
    """``n`` mentions in the mention contract: about 40% replies and shares of an earlier mention."""
    rng = np.random.default_rng(seed)
    source = np.array(SOURCES, dtype=object)[rng.choice(3, n, p=[0.5, 0.3, 0.2])]
    seconds = np.sort(rng.integers(0, days * 86400, n))
    created = START + pd.to_timedelta(seconds, unit="s")
    ids = np.array([f"m{i}" for i in range(n)], dtype=object)
    parent = np.full(n, None, dtype=object)
    kind = np.full(n, "post", dtype=object)
    for s in SOURCES:  # a parent is an earlier mention of the same source
        idx = np.flatnonzero(source == s)
        linked = rng.random(len(idx)) < 0.4
        linked[0] = False
        # Recent mentions are likelier parents, which makes a few deep, broad trees.
        back = np.minimum((rng.pareto(1.2, len(idx)) * 3).astype(np.int64) + 1, np.arange(len(idx)))
        pos = np.arange(len(idx)) - np.maximum(back, 1)
        ok = linked & (pos >= 0)
        parent[idx[ok]] = ids[idx[pos[ok]]]
        kind[idx[ok]] = np.where(rng.random(ok.sum()) < 0.6, "share", "reply")
    lang = np.where(rng.random(n) < 0.35, "ko", "en")
    words = [np.array(WORDS_EN, dtype=object), np.array(WORDS_KO, dtype=object)]
    pool = [" ".join(words[k][rng.integers(0, len(words[k]), 8)]) for k in (0, 1) for _ in range(200)]
    text = np.array(pool, dtype=object)[np.where(lang == "ko", 200, 0) + rng.integers(0, 200, n)]
    brand = np.array(BRANDS, dtype=object)[rng.choice(3, n, p=[0.55, 0.3, 0.15])]
    author = rng.integers(0, max(n // 8, 10), n)
    return pd.DataFrame({
        "id": ids, "source": source, "created_at": created, "text": text,
        "author_id": [f"u{a}" for a in author], "author_name": [f"user{a}" for a in author],
        "author_followers": (rng.pareto(1.3, n) * 50).astype(np.int64), "parent_id": parent, "kind": kind,
        "url": [f"https://{s}.example/{i}" for s, i in zip(source, ids, strict=True)], "lang": lang,
        "likes": rng.poisson(4, n), "shares": rng.poisson(1, n), "replies": rng.poisson(1, n),
        "media": rng.random(n) < 0.2, "brand": brand,
    })


HOSTILE_START = START + pd.Timedelta(days=30)


def hostile_frame(start: pd.Timestamp = HOSTILE_START) -> pd.DataFrame:
    rows = []
    for i, text in enumerate(HOSTILE_TEXTS):
        rows.append({
            "id": f"evil{i}", "source": "x", "created_at": start + pd.Timedelta(hours=i), "text": text,
            "author_id": f"evil{i}", "author_name": HOSTILE_NAME, "author_followers": 10 ** (i % 6),
            "parent_id": "evil0" if i else None, "kind": "reply" if i else "post",
            "url": f"https://x.example/evil{i}", "lang": "en", "likes": 1000 + i, "shares": 500,
            "replies": 10, "media": False, "brand": HOSTILE_BRAND if i % 2 else "Lumio",
        })
    return pd.DataFrame(rows)


def score(store: Store, seed: int = 5) -> None:
    """Fill the sentiment columns as the sentiment stage would (labels drawn by brand and a crisis spike)."""
    with store.write() as con:
        con.execute(f"""
            UPDATE mentions SET
              sentiment_compound = round((hash(source || id || '{seed}') % 2000) / 1000.0 - 1
                                         + CASE brand WHEN 'Lumio' THEN 0.25 WHEN 'Glowly' THEN -0.2 ELSE 0 END
                                         - CASE WHEN created_at BETWEEN TIMESTAMP '2026-03-12 05:00'
                                                AND TIMESTAMP '2026-03-12 15:00' THEN 0.9 ELSE 0 END, 3),
              sentiment_scored = true, sentiment_model = 'test'""")  # noqa: S608 - a constant seed
        con.execute("""
            UPDATE mentions SET
              sentiment_compound = greatest(-1, least(1, sentiment_compound)),
              sentiment_label = CASE WHEN sentiment_compound >= 0.05 THEN 'positive'
                                     WHEN sentiment_compound <= -0.05 THEN 'negative' ELSE 'neutral' END""")


def record_runs(store: Store) -> None:
    """Two collector runs, one healthy and one that hit a rate limit, as a collector records them."""
    t0 = dt.datetime(2026, 4, 4, 9, 0)
    with store.write() as con:
        con.execute(
            "INSERT INTO collector_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ["r1", "x", '"Lumio" OR 루미오', t0, t0 + dt.timedelta(minutes=2), "ok", 120, 4, 3, 0, None,
             '{"remaining": 280, "limit": 300, "reset": "2026-04-04T09:15:00Z"}'],
        )
        con.execute(
            "INSERT INTO collector_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ["r2", "reddit", "lumio", t0, t0 + dt.timedelta(minutes=5), "rate_limited", 40, 0, 2, 1,
             "<script>window.__pwned=1</script> 429 Too Many Requests", '{"remaining": 0, "retry_after": 60}'],
        )


def demo(store: Store, n: int = 3_000, *, hostile: bool = False, scored: bool = True,
         stand_in: bool = True) -> Store:
    """The demo world of ``viralscope demo`` at about ``n`` mentions, plus hostile mentions if asked.

    ``scored`` fills the sentiment columns: with the sentiment stage's own scores when it is installed,
    else — only if ``stand_in`` — with :func:`score`'s labels drawn per brand, which exercise the pages
    but say nothing about the texts (so they are never used for pictures of the product).
    """
    from viralscope.demo import build_world
    from viralscope.demo.install import install

    install(store, build_world(scale=n))
    if hostile:
        write_hostile(store)
    if scored and not _analyze(store) and stand_in:
        score(store)
    return store


def _analyze(store: Store) -> bool:
    """Score with the sentiment stage when it is installed (True), else leave it to :func:`score`."""
    try:
        from sentiment import score as sentiment_score
    except ImportError:
        return False
    texts = store.query("SELECT source, id, text FROM mentions")
    scored = sentiment_score(texts["text"].tolist())
    frame = texts[["source", "id"]].assign(compound=scored["compound"].to_numpy(), label=scored["label"].to_numpy())
    with store.write() as con:
        con.register("scored", frame)
        con.execute("""UPDATE mentions m SET sentiment_compound = s.compound, sentiment_label = s.label,
                       sentiment_scored = true, sentiment_model = 'builtin'
                       FROM scored s WHERE m.source = s.source AND m.id = s.id""")
    return True


def write_hostile(store: Store) -> None:
    """The hostile mentions; the links import refuses are then put in directly, as another writer could."""
    ingest.write_mentions(store, hostile_frame(), origin="dashboard-test-hostile")
    with store.write() as con:
        for i in range(len(HOSTILE_TEXTS)):
            con.execute("UPDATE mentions SET url = ? WHERE source = 'x' AND id = ?",
                        [HOSTILE_URLS[i % len(HOSTILE_URLS)], f"evil{i}"])


def build(store: Store, n: int = 2_000, *, hostile: bool = False, scored: bool = True, runs: bool = True,
          seed: int = 3) -> Store:
    """A store with ``n`` generated mentions (plus the hostile ones), scored and with collector runs."""
    ingest.write_mentions(store, frame(n, seed=seed), origin="dashboard-test-world")
    if hostile:
        # Import refuses links that are not http(s); a store written by other means may still hold them,
        # so they are put in directly: the dashboard must not rely on import having checked.
        write_hostile(store)
    if scored:
        score(store)
    if runs:
        record_runs(store)
    return store
