"""The store's shared reads: one ``Scope``, SQL counts equal to their pandas twins, an incident's mentions read
whole and in a fixed order, and one crisis detection that every face shows alike."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import metrics
from tests.reports_world import demo_store  # noqa: F401 - fixture
from viralscope import alerts, crisis, kpis, reports
from viralscope.core.times import to_db
from viralscope.ingest import write_mentions
from viralscope.store import Store, query
from viralscope.store.query import NONE, Scope


def _rows(n: int = 3_000, seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-03-01", tz="UTC")
    minutes = np.sort(rng.integers(0, 14 * 24 * 60, n))
    return pd.DataFrame({
        "source": rng.choice(["x", "reddit"], n), "id": [f"m{i}" for i in range(n)],
        "created_at": [(start + pd.Timedelta(minutes=int(m))).isoformat() for m in minutes],
        "text": rng.choice(["late delivery again", "love the new lamp", "refund refused", "ok"], n),
        "brand": rng.choice(["Lumio", "Glowly", None], n, p=[0.6, 0.3, 0.1]),
        "lang": rng.choice(["en", "ko"], n),
    })


@pytest.fixture(scope="module")
def labelled(tmp_path_factory) -> tuple[Store, pd.DataFrame]:
    store = Store(tmp_path_factory.mktemp("q") / "q.duckdb", lock_timeout=30)
    rows = _rows()
    write_mentions(store, rows, origin="test")
    rng = np.random.default_rng(9)
    labels = rng.choice(["positive", "neutral", "negative", None], len(rows), p=[0.3, 0.3, 0.3, 0.1])
    with store.write() as con:
        con.register("lab", pd.DataFrame({"id": rows["id"], "source": rows["source"], "label": labels}))
        con.execute("UPDATE mentions m SET sentiment_label = lab.label FROM lab "
                    "WHERE m.id = lab.id AND m.source = lab.source")
    return store, store.mentions()


def test_to_db_is_naive_utc():
    assert to_db("2026-03-01T09:00:00+09:00") == dt.datetime(2026, 3, 1, 0, 0)
    assert to_db(pd.Timestamp("2026-03-01")) == dt.datetime(2026, 3, 1)


def test_scope_selects_what_pandas_selects(labelled):
    store, everything = labelled
    scope = Scope(brands=("Lumio", NONE), start="2026-03-03", end=pd.Timestamp("2026-03-09T12:00", tz="UTC"),
                  sources="x", labels=("negative", "unscored"))
    cond, params = scope.where()
    got = store.query(f"SELECT count(*) AS n FROM mentions WHERE {cond}", params)["n"].iat[0]  # noqa: S608
    t = everything["created_at"]
    expect = everything[(t >= pd.Timestamp("2026-03-03", tz="UTC")) & (t < pd.Timestamp("2026-03-09 12:00", tz="UTC"))
                        & (everything["brand"].isna() | (everything["brand"] == "Lumio"))
                        & (everything["source"] == "x")
                        & (everything["sentiment_label"].isna() | (everything["sentiment_label"] == "negative"))]
    assert got == len(expect) > 0
    assert Scope(brands="Lumio") == Scope(brands=("Lumio",))  # one brand or a list of them
    assert Scope().where() == ("TRUE", [])
    cond, _ = scope.where("r", dates=False)
    assert "created_at" not in cond and cond.startswith("(r.brand IN")


def test_label_counts_match_metrics_hourly_counts(labelled):
    """The SQL twin of ``metrics.hourly_counts``: the same totals and negatives in every hour."""
    store, everything = labelled
    scope = Scope(brands="Lumio", start="2026-03-02", end="2026-03-12")
    sql = metrics.hourly_counts(crisis.hourly(store, scope))
    t = everything["created_at"]
    mine = everything[(everything["brand"] == "Lumio") & (t >= scope.start) & (t < scope.end)]
    pandas = metrics.hourly_counts(mine)
    pd.testing.assert_frame_equal(sql, pandas, check_freq=False)
    # Any bin width on the same grid: a day's counts are the sum of its hours.
    daily = query.label_counts(store, scope, width="1 day").groupby("created_at")["count"].sum()
    assert daily.to_dict() == pandas["total"].groupby(pandas.index.floor("D")).sum().astype(int).to_dict()


def test_brand_day_counts_match_share_of_voice_on_raw_rows(labelled):
    """The SQL twin of the rows ``metrics.share_of_voice`` reads: one row per brand and day with its count."""
    store, everything = labelled
    window = (pd.Timestamp("2026-03-03T06:00", tz="UTC"), pd.Timestamp("2026-03-10", tz="UTC"))
    brands = ["Lumio", "Glowly"]
    sql = metrics.share_of_voice(query.daily_brand_counts(store, *window, brands), "Lumio", window, brands=brands)
    raw = metrics.share_of_voice(everything, "Lumio", window, brands=brands)
    assert sql["status"] == raw["status"] == "ok"
    assert (sql["estimate"], sql["n"], sql["ci_low"]) == pytest.approx((raw["estimate"], raw["n"], raw["ci_low"]))


def _incident_store(path, reverse: bool) -> Store:
    """Two sources whose cascades share ids: x:c1 holds 3 negatives of the incident, reddit:c1 2, x:c2 2."""
    rows = []
    for source, cascade, k in (("x", "c1", 3), ("reddit", "c1", 2), ("x", "c2", 2)):
        rows.append({"source": source, "id": cascade, "parent_id": None, "created_at": "2026-03-10T09:00:00Z",
                     "text": "root post", "brand": "Lumio"})
        for i in range(k):
            rows.append({"source": source, "id": f"{cascade}-{i}", "parent_id": cascade,
                         "created_at": "2026-03-10T10:30:00Z", "text": "refund refused", "brand": "Lumio"})
    rows.append({"source": "x", "id": "old", "parent_id": None, "created_at": "2026-03-05T10:00:00Z",
                 "text": "late delivery", "brand": "Lumio"})
    frame = pd.DataFrame(rows[::-1] if reverse else rows)
    store = Store(path, lock_timeout=30)
    write_mentions(store, frame, origin="test")
    with store.write() as con:
        con.execute("UPDATE mentions SET sentiment_label = 'negative'")
    return store


def test_an_incidents_mentions_keep_sources_apart_and_come_in_a_fixed_order(tmp_path):
    forward = _incident_store(tmp_path / "a.duckdb", False)
    backward = _incident_store(tmp_path / "b.duckdb", True)
    start, end = pd.Timestamp("2026-03-10T10:00", tz="UTC"), pd.Timestamp("2026-03-10T11:00", tz="UTC")
    rows = query.incident_mentions(backward, Scope(brands="Lumio"), start, end)
    # Ids are unique within a source only: the cascade is qualified by its source.
    assert set(rows.loc[rows["created_at"] >= start, "cascade_id"]) == {"x:c1", "reddit:c1", "x:c2"}
    # Rows come by time (then source and id), whatever order the store was written in.
    assert rows.equals(query.incident_mentions(forward, Scope(brands="Lumio"), start, end))
    assert rows["created_at"].is_monotonic_increasing
    found = crisis.drivers(backward, Scope(brands="Lumio"), start, end)
    assert [(c["cascade_id"], c["negatives"]) for c in found["cascades"]] == [("x:c1", 3), ("reddit:c1", 2), ("x:c2", 2)]
    assert found == crisis.drivers(forward, Scope(brands="Lumio"), start, end)
    assert [p["cascade_id"] for p in found["posts"]] == ["x:c1", "reddit:c1", "x:c2"]


# -- one crisis detection for every face ---------------------------------------------------------------


@pytest.mark.parametrize("week,days", [("2026-W11", ("2026-03-09", "2026-03-15")),
                                       ("2026-W06", ("2026-02-02", "2026-02-08"))])
def test_every_face_shows_the_same_incidents(demo_store, week, days):  # noqa: F811
    from dashboard import analysis
    from dashboard.filters import Filters

    store, _truth, config = demo_store
    first, last = (dt.date.fromisoformat(d) for d in days)
    window = (pd.Timestamp(first, tz="UTC"), pd.Timestamp(last, tz="UTC") + pd.Timedelta(days=1))

    def spans(rows):
        return sorted((pd.Timestamp(r["start"]), pd.Timestamp(r["end"])) for r in rows)

    kpi = kpis.compute(store, config, window)["kpis"]["crisis_incidents"]
    overview = spans(kpi["details"]["incidents"])
    assert kpi["value"] == len(overview)
    checked = alerts.incidents(store, config, now=window[1], since=window[0])
    assert checked["brand"] == config.brand.name
    assert spans(checked["incidents"]) == overview
    incidents, _series = analysis.crises(store, Filters(first, last, brands=(config.brand.name,)))
    assert spans(incidents.to_dict("records")) == overview
    incidents, _series = analysis.crises(store, Filters(first, last))  # no brand filter: the configured brand
    assert spans(incidents.to_dict("records")) == overview
    report = reports.build(store, config, week)
    assert spans(report.tables["incidents"].to_dict("records")) == overview
    if week == "2026-W11":
        assert overview  # the demo crisis is found, by all alike


def test_largest_thread_per_hour_matches_its_pandas_twin(tmp_path):
    """``label_counts(threads=True)``: the negatives of each hour's largest cascade, as
    ``metrics.spikes.largest_thread`` counts them from the rows (a mention without a cascade is its own)."""
    rng = np.random.default_rng(3)
    start, n = pd.Timestamp("2026-03-01", tz="UTC"), 600
    minutes = np.sort(rng.integers(0, 3 * 24 * 60, n))
    parents = [None if i < 40 or rng.random() < 0.3 else f"m{rng.integers(max(0, i - 40), i)}" for i in range(n)]
    rows = pd.DataFrame({"source": "x", "id": [f"m{i}" for i in range(n)], "parent_id": parents,
                         "created_at": [(start + pd.Timedelta(minutes=int(m))).isoformat() for m in minutes],
                         "text": "t", "brand": "Lumio"})
    store = Store(tmp_path / "t.duckdb")
    write_mentions(store, rows, origin="test")
    labels = rng.choice(["negative", "positive"], n, p=[0.7, 0.3])
    with store.write() as con:
        con.register("lab", pd.DataFrame({"id": rows["id"], "label": labels}))
        con.execute("UPDATE mentions m SET sentiment_label = lab.label FROM lab WHERE m.id = lab.id")
    got = query.label_counts(store, Scope(brands="Lumio"), threads=True)
    got = got[got["sentiment_label"] == "negative"].set_index("created_at")["largest_cascade"]
    m = store.mentions()
    index = pd.DatetimeIndex(got.index)
    expect = metrics.spikes.largest_thread(index, "1h", m["created_at"], (m["sentiment_label"] == "negative")
                                           .astype(float).to_numpy(), m["cascade_id"].to_numpy(object))
    assert got.to_numpy().tolist() == expect.tolist() and got.max() > 1  # some hour holds a thread of several
