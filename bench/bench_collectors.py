"""Collectors: local query matching, parsing, a full collection through a local server, and a simulated day.

The simulated day is ``tests.standins.simulate_day``: 1,440 one-minute cycles of every source against the
stand-ins on a fake clock (``--quick``: 240). Besides its speed it reports what the services would see: logins,
and per documented limit the most requests in one window against the limit.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path

from bench.harness import Result, repeat

WORDS = "the lamp app update broken great light colour local home support again bright night".split()
KO = "조명 앱 업데이트 고장 최고 밝기 색감 지원 다시 밤에 정말".split()


def _texts(n: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        words = rng.choices(KO if i % 3 == 0 else WORDS, k=rng.randrange(8, 40))
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), "루미오가" if i % 3 == 0 else "Lumio")
        out.append(" ".join(words))
    return out


def run(args) -> list[Result]:
    from collectors.hackernews import HackerNews
    from collectors.query import parse_query
    from tests.mockserver import FAST, AlgoliaHN, MockServer, hn_world
    from viralscope import collecting
    from viralscope.store import Store

    times = 1 if args.quick else args.repeat
    n = 2_000 if args.quick else 50_000
    texts = _texts(n)
    query = parse_query('(lumio OR 루미오) NOT (recall OR 리콜) OR ("lumio lamp" NEAR/3 broken)')
    match = repeat(lambda: [query.matches(t) for t in texts], times)
    hits = hn_world(1_000, start=1768176000, span=86400)
    page = AlgoliaHN(hits)
    payload = {"hits": page.items, "nbHits": len(hits), "nbPages": 1, "page": 0}
    parse = repeat(lambda: HackerNews.parse(payload), times)

    size = 300 if args.quick else 3_000
    world = hn_world(size, start=1768176000, span=2 * 86400)
    since, until = dt.datetime(2026, 1, 12, tzinfo=dt.UTC), dt.datetime(2026, 1, 14, tzinfo=dt.UTC)

    def collect_all():
        with tempfile.TemporaryDirectory() as tmp, MockServer({"/api/v1/search_by_date": AlgoliaHN(world)}) as server:
            store = Store(Path(tmp) / "b.duckdb")
            src = HackerNews({**FAST, "hits_per_page": 100}, base_url=server.url)
            result = collecting.collect(store, src, "Lumio", since=since, until=until)
            assert store.count_mentions() == size, result

    collect = repeat(collect_all, times)
    day = _day(240 if args.quick else 1440)
    return [
        Result("query match", [n / s for s in match], "texts/s", note=f"{n:,} texts, 30% naming the brand, 1/3 Korean"),
        Result("parse hackernews page", [len(hits) / s for s in parse], "mentions/s", note="1,000 hits"),
        Result("collect hackernews via local server", [size / s for s in collect], "mentions/s",
               note=f"{size:,} mentions, 100 per page, one transaction per page"),
        day,
    ]


def _day(cycles: int) -> Result:
    """One simulated day (store on tmpfs when there is one); its figures go into the note and ``extra``."""
    import os
    import time

    from tests.standins import SECRETS, simulate_day

    saved = {k: os.environ.get(k) for k in [*SECRETS, "VIRALSCOPE_SESSION_CACHE"]}
    os.environ.update(SECRETS)
    try:
        shm = Path("/dev/shm")
        with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as tmp:
            start = time.perf_counter()
            day = simulate_day(tmp, cycles=cycles)
            seconds = time.perf_counter() - start
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    peaks = {f"{name}: {limit}": f"{peak}/{cap}" for name, s in day.services.items()
             for limit, (peak, cap) in s.figures().items()}
    items = {name: f"{len(day.stored[name])}/{len(day.expected[name])}" for name in day.services}
    bluesky = day.services["bluesky"]
    note = (f"{cycles:,} cycles; Bluesky logins {bluesky.logins}, refreshes {bluesky.refreshes}; "
            f"limits passed {len(day.violations)}; items stored/expected {items}")
    return Result("simulated day of one-minute cycles, six sources", [cycles / seconds], "cycles/s", note=note,
                  extra={"peaks": peaks, "items": items, "requests": {n: s.served for n, s in day.services.items()},
                         "runs": {f"{k[0]}:{k[1]}": v for k, v in day.runs.items()},
                         "bluesky_logins": bluesky.logins, "bluesky_refreshes": bluesky.refreshes,
                         "reddit_tokens": day.services["reddit"].logins, "violations": len(day.violations)})
