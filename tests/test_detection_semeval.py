"""Detection on real sparse, bursty data: the SemEval-2017 rumour threads imported as mentions and scored.

Months without a post, then hundreds within hours when news breaks: a detector that divides by an
expectation of nothing reports "× 7,591,320,263". Here every incident either has an expectation of at least
one mention or no ratio at all, every incident names the posts that drive it, and the days the threads burst
are found.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.evaldata import EVAL, needs
from tests.semeval import thread_rows, write_jsonl
from viralscope import alerts, ingest, scoring


@pytest.fixture(scope="module", params=["traindev", "test"])
def threads(request, tmp_path_factory):
    from viralscope.store import Store

    if not (EVAL / "semeval2017").exists():
        pytest.skip(f"evaluation data {EVAL / 'semeval2017'} is absent (it lives in ../shared, not in a clone)")
    tmp = tmp_path_factory.mktemp(f"semeval_{request.param}")
    store = Store(tmp / "store.duckdb", lock_timeout=30)
    store.ensure()
    rows, _ = thread_rows(EVAL / "semeval2017" / request.param)
    ingest.import_file(store, write_jsonl(rows, tmp / "threads.jsonl"))
    scoring.score_store(store)
    first, last = store.query("SELECT min(created_at) AS a, max(created_at) AS b FROM mentions").iloc[0]
    found = alerts.incidents(store, None, now=last + pd.Timedelta(hours=1), since=first)
    return store, found


@needs("semeval2017")
def test_no_ratio_from_an_expectation_below_one(threads):
    _, found = threads
    every = found["incidents"] + found["volume_spikes"]
    assert found["incidents"] and found["volume_spikes"]
    for inc in every:
        assert (inc["ratio"] is None) == (inc["expected"] < 1), inc
        assert inc["ratio"] is None or inc["ratio"] < 1e4


@needs("semeval2017")
def test_every_incident_names_its_driving_posts(threads):
    _, found = threads
    for inc in found["incidents"] + found["volume_spikes"]:
        assert inc["posts"] and inc["posts"][0]["text"], inc
        top = inc["cascades"][0]
        assert top["cascade_id"] == inc["posts"][0]["cascade_id"]
        assert top.get("negatives", top.get("mentions")) >= 1


@needs("semeval2017")
def test_the_days_the_threads_burst_are_found(threads):
    store, found = threads
    days = store.query("SELECT date_trunc('day', created_at) AS day, count(*) AS n FROM mentions GROUP BY 1")
    days["day"] = pd.to_datetime(days["day"], utc=True)
    # After the first week (history the detector needs), every day with 50 posts or more holds a volume spike.
    scored = days[(days["day"] >= days["day"].min() + pd.Timedelta(days=8)) & (days["n"] >= 50)]
    assert len(scored) >= 3
    spans = [(pd.Timestamp(s["start"]), pd.Timestamp(s["end"])) for s in found["volume_spikes"]]
    for day in scored["day"]:
        assert any(a < day + pd.Timedelta(days=1) and b > day for a, b in spans), day
