"""Sentiment at scale: ``sentiment.score`` against the plain per-text VADER loop, in the same run.

The mentions are synthetic but shaped like the real stream: 1,000,000 of them, of which 60% repeat an earlier
text (reshares carry their root's text), 70% English, 25% Korean, 5% other languages, 5 to 40 words, with
emoji, hashtags, @handles and URLs. Target: ``score`` at least 4× faster than the loop, and equal to scoring
the same texts one by one.
"""

from __future__ import annotations

import os
import random
import resource
import time

from bench.harness import Result, peak_rss_mb

N_FULL = 1_000_000
N_QUICK = 50_000
REPEAT_SHARE = 0.60

_EN_SENTIMENT = (
    "love great awesome happy excellent amazing best good nice fun thanks wonderful perfect "
    "hate awful terrible worst bad sad angry broken slow disappointed horrible useless annoying boring"
).split()
_EN_FILLER = (
    "the a this my our new phone app store update battery camera screen delivery order today yesterday "
    "week service support team price product launch event video post ad campaign and with for on at in "
    "is was it i we they you just really so very not never no but still again"
).split()
_KO_SENTIMENT = (
    "좋아요 최고 재밌어요 감동 추천합니다 만족해요 예뻐요 대박 최악 별로 실망 짜증나 지루해요 "
    "불편해요 비싸요 고장 안좋아요 재미없어요"
).split()
_KO_FILLER = "이번 제품 배송 너무 진짜 정말 오늘 어제 앱 업데이트 가격 광고 매장 서비스 화면 배터리 그냥 좀 완전".split()
_OTHER = [
    "muy bueno el servicio", "no me gusta nada", "c'est vraiment nul", "très bon produit",
    "das ist sehr gut", "これは最高です", "最悪だった", "非常好", "отличный сервис",
]
_DECOR = ["😍", "❤️", "😡", "🤬", "👍", "🔥", "😂", "ㅋㅋㅋ", "ㅠㅠ", "!!", "?", "#launch", "@brand", "http://t.co/x1"]


def make_texts(n: int, repeat_share: float = REPEAT_SHARE, seed: int = 7) -> list[str]:
    """``n`` mention texts of which ``repeat_share`` repeat an earlier text."""
    rng = random.Random(seed)
    distinct: list[str] = []
    out: list[str] = []
    for i in range(n):
        if distinct and rng.random() < repeat_share:
            out.append(distinct[rng.randrange(len(distinct))])
            continue
        r = rng.random()
        if r < 0.70:
            words = [rng.choice(_EN_FILLER) for _ in range(rng.randint(4, 36))]
            for _ in range(rng.randint(0, 3)):
                words.insert(rng.randrange(len(words) + 1), rng.choice(_EN_SENTIMENT))
        elif r < 0.95:
            words = [rng.choice(_KO_FILLER) for _ in range(rng.randint(3, 20))]
            for _ in range(rng.randint(0, 3)):
                words.insert(rng.randrange(len(words) + 1), rng.choice(_KO_SENTIMENT))
        else:
            words = rng.choice(_OTHER).split()
        if rng.random() < 0.4:
            words.append(rng.choice(_DECOR))
        words.append(f"#{i}")  # every new text is distinct
        text = " ".join(words)
        distinct.append(text)
        out.append(text)
    return out


def run(args) -> list[Result]:
    import numpy as np
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from sentiment import score
    from sentiment.batch import score_one
    from sentiment.text import clean

    n = N_QUICK if args.quick else N_FULL
    times = 1 if args.quick else max(1, min(args.repeat, 3))
    texts = make_texts(n)
    distinct = len(set(texts))
    analyzer = SentimentIntensityAnalyzer()

    vader_s, ours_s, ratio, vader_cpu, ours_cpu, cpu_ratio = [], [], [], [], [], []
    result = None
    for _ in range(times):
        cpu, start = _cpu(), time.perf_counter()
        baseline = [analyzer.polarity_scores(t)["compound"] for t in texts]
        vader_s.append(time.perf_counter() - start)
        vader_cpu.append(_cpu() - cpu)
        cpu, start = _cpu(), time.perf_counter()
        result = score(texts)
        ours_s.append(time.perf_counter() - start)
        ours_cpu.append(_cpu() - cpu)
        ratio.append(vader_s[-1] / ours_s[-1])
        cpu_ratio.append(vader_cpu[-1] / ours_cpu[-1])
    del baseline

    # Equality with one-by-one scoring, on a random sample of rows (every row when --quick).
    rng = random.Random(3)
    rows = range(n) if args.quick else rng.sample(range(n), 50_000)
    one_by_one = np.array([score_one(clean(texts[i]))[0] for i in rows])
    batched = result["compound"].to_numpy()[list(rows)]
    equal = bool(np.array_equal(one_by_one, batched))

    note = f"n={n:,}, distinct={distinct:,}, equal to one-by-one: {equal}, load average {os.getloadavg()[0]:.1f}"
    return [
        Result("vader_loop_seconds", vader_s, "s", note=note),
        Result("score_seconds", ours_s, "s", note=f"peak RSS {peak_rss_mb():.0f} MB"),
        Result("speedup_vs_vader", ratio, "x", target=">= 4", extra={"equal_one_by_one": equal, "n": n}),
        Result("vader_loop_cpu_seconds", vader_cpu, "s"),
        Result("score_cpu_seconds", ours_cpu, "s", note="this process and its workers"),
        Result("cpu_speedup_vs_vader", cpu_ratio, "x", note="CPU time: what the ratio is when cores are not shared"),
    ]


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the scoring workers)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime
