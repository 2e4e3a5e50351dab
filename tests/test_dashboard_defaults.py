"""Defaults that follow the data: the first view holds data, and an empty view says why and offers the dates
that hold data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.filters import DEFAULT_DAYS, Filters, default_period, from_query, to_query
from viralscope import ingest
from viralscope.store import Store

ROOT = Path(__file__).resolve().parents[1]
#: Bursts of news: 60 days with data in five bursts over 15 months, silence between them.
BURSTS = [dt.date(2015, 1, 5), dt.date(2015, 5, 1), dt.date(2015, 9, 1), dt.date(2016, 1, 10),
          dt.date(2016, 3, 20)]
DAYS = [b + dt.timedelta(days=i) for b in BURSTS for i in range(12)]


def test_the_default_period_is_the_last_28_days_that_hold_data():
    span = (DAYS[0], DAYS[-1])
    newest_first = sorted(DAYS, reverse=True)
    start, end = default_period(span, newest_first)
    assert end == DAYS[-1] and sum(start <= d <= end for d in DAYS) == DEFAULT_DAYS
    # The calendar's last 28 days would hold only the last burst (12 days).
    assert sum(DAYS[-1] - dt.timedelta(days=27) <= d for d in DAYS) == 12
    # Fewer than twice as many days with data: the whole span.
    assert default_period(span, newest_first[:40]) == span
    assert from_query({}, span=span, days=newest_first) == Filters(start, end)
    assert to_query(Filters(start, end), span=span, days=newest_first) == {}


def _sparse(store: Store) -> Store:
    rows = []
    for i, day in enumerate(DAYS):
        for j in range(3):
            rows.append({"id": f"m{i}-{j}", "source": "x", "brand": "Lumio" if i % 2 else "Brightly",
                         "created_at": pd.Timestamp(day, tz="UTC") + pd.Timedelta(hours=3 * j),
                         "text": f"lamp news {i} {j}", "author_id": f"a{j}"})
    ingest.write_mentions(store, pd.DataFrame(rows), origin="test")
    return store


@pytest.fixture(scope="module")
def sparse(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("sparse") / "sparse.duckdb", lock_timeout=30)
    store.ensure()
    return _sparse(store)


def _run(store: Store, monkeypatch, query: dict | None = None, page: str = "overview") -> AppTest:
    monkeypatch.setenv("VIRALSCOPE_DB", str(store.path))
    at = AppTest.from_file(str(ROOT / "dashboard" / "views" / f"{page}_page.py"), default_timeout=60)
    if query:
        at.query_params.update(query)
    return at.run()


def _mentions(at: AppTest) -> int:
    return int(next(m for m in at.metric if m.label == "Mentions").value.replace(",", ""))


def test_the_first_view_of_sparse_data_holds_its_last_28_days_of_data(sparse, monkeypatch):
    at = _run(sparse, monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    start, end = at.date_input[0].value
    assert end == DAYS[-1] and sum(start <= d <= end for d in DAYS) == DEFAULT_DAYS
    assert _mentions(at) == 3 * DEFAULT_DAYS
    assert not [i for i in at.info if "No mentions" in i.value]


@pytest.mark.parametrize("lang, words", [("en", "mentions exist from"), ("ko", "멘션이 있습니다")])
def test_an_empty_view_says_why_and_offers_the_dates_with_data(sparse, monkeypatch, lang, words):
    # Silence between two bursts, for one brand: empty; the brand's data lie elsewhere.
    at = _run(sparse, monkeypatch, {"from": "2015-06-01", "to": "2015-06-30", "brand": "Lumio", "lang": lang},
              page="mentions")
    assert not at.exception, [e.value for e in at.exception]
    why = [i.value for i in at.info if words in i.value]
    assert why, [i.value for i in at.info]
    at.button(key="empty_show_span").click().run()
    assert not at.exception
    start, end = at.date_input[0].value
    assert (start, end) == (DAYS[1], DAYS[-1])  # Lumio's first and last days
    assert at.dataframe and len(at.dataframe[0].value) > 0


def test_an_empty_view_without_data_at_any_date_says_so(sparse, monkeypatch):
    at = _run(sparse, monkeypatch, {"from": "2015-06-01", "to": "2015-06-30", "language": "__none__",
                                    "sentiment": "positive"}, page="mentions")
    assert not at.exception
    assert any("at any date" in i.value for i in at.info), [i.value for i in at.info]
    assert not [b for b in at.button if b.key == "empty_show_span"]


def test_an_empty_overview_says_why_before_any_card(sparse, monkeypatch):
    at = _run(sparse, monkeypatch, {"from": "2015-06-01", "to": "2015-06-30"})
    assert not at.exception
    assert any("mentions exist from" in i.value for i in at.info) and not at.metric
    at.button(key="empty_show_span").click().run()
    assert not at.exception and _mentions(at) == len(DAYS) * 3
