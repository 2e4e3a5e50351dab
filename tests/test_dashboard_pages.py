"""Every page launches (AppTest) on a small world, a hostile world and an empty store, in both languages."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests import dashboard_world
from viralscope import ingest
from viralscope.store import Store

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "dashboard" / "app.py"
PAGES = ["overview", "mentions", "sentiment", "diffusion", "crisis", "sources"]


def page_file(name: str) -> str:
    return str(ROOT / "dashboard" / "views" / f"{name}_page.py")


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("world") / "world.duckdb", lock_timeout=30)
    store.ensure()
    return dashboard_world.build(store, 1_500, hostile=True)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Store:
    """The demo world of ``viralscope demo``, scored, with the hostile mentions added."""
    store = Store(tmp_path_factory.mktemp("demo") / "demo.duckdb", lock_timeout=30)
    return dashboard_world.demo(store, 3_000, hostile=True)


@pytest.fixture(scope="module")
def demo_as_installed(tmp_path_factory) -> Store:
    """The demo world exactly as ``viralscope demo`` leaves it (before ``viralscope analyze``)."""
    store = Store(tmp_path_factory.mktemp("demo_raw") / "demo.duckdb", lock_timeout=30)
    return dashboard_world.demo(store, 2_000, scored=False)


@pytest.fixture(scope="module")
def unscored(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("unscored") / "unscored.duckdb", lock_timeout=30)
    store.ensure()
    return dashboard_world.build(store, 300, scored=False, runs=False)


def run(path: str, db: Path, monkeypatch, query: dict | None = None) -> AppTest:
    monkeypatch.setenv("VIRALSCOPE_DB", str(db))
    at = AppTest.from_file(path, default_timeout=60)
    if query:
        at.query_params.update(query)
    return at.run()


#: The whole span of the test worlds (a first visit shows only its last 28 days).
WHOLE = {"from": "2026-01-05", "to": "2026-04-04"}


def qp(at: AppTest, key: str) -> list[str] | None:
    """A URL value as a list (AppTest gives one value as a string, several as a list)."""
    value = at.query_params.get(key)
    return None if value is None else [value] if isinstance(value, str) else list(value)


def rendered_text(at: AppTest) -> list[str]:
    """Everything AppTest saw rendered as Markdown (where markup would be interpreted)."""
    out = []
    for kind in ("markdown", "caption", "title", "subheader", "header", "info", "warning", "error", "success"):
        out += [str(e.value) for e in getattr(at, kind)]
    out += [str(m.label) for m in at.metric]
    return out


@pytest.mark.parametrize("name", PAGES)
def test_page_launches_on_a_generated_world(name, world, monkeypatch):
    at = run(page_file(name), world.path, monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    # Hostile mention text is never part of what Streamlit renders as Markdown.
    assert not [s for s in rendered_text(at) if "__pwned" in s or "onerror" in s]


@pytest.mark.parametrize("name", PAGES)
def test_page_launches_on_the_demo_world(name, demo, monkeypatch):
    at = run(page_file(name), demo.path, monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert not [s for s in rendered_text(at) if "__pwned" in s or "onerror" in s]


@pytest.mark.parametrize("name", PAGES)
def test_page_launches_on_the_demo_world_before_analyze(name, demo_as_installed, monkeypatch):
    at = run(page_file(name), demo_as_installed.path, monkeypatch)
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("name", PAGES)
def test_page_launches_in_korean(name, demo, monkeypatch):
    at = run(page_file(name), demo.path, monkeypatch, {"lang": "ko"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value and all(ord(c) < 128 for c in at.title[0].value) is False


@pytest.mark.parametrize("name", PAGES)
def test_page_on_empty_store_shows_how_to_start(name, store, monkeypatch):
    at = run(page_file(name), store.path, monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    commands = "\n".join(c.value for c in at.code)
    assert "viralscope demo" in commands and "viralscope import" in commands and "viralscope collect" in commands


@pytest.mark.parametrize("name", PAGES)
def test_page_on_missing_store_file_does_not_create_it(name, tmp_path, monkeypatch):
    db = tmp_path / "nothing-here.duckdb"
    at = run(page_file(name), db, monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    assert not db.exists()


@pytest.mark.parametrize("name", PAGES)
def test_page_before_sentiment_has_run(name, unscored, monkeypatch):
    at = run(page_file(name), unscored.path, monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    if name in ("sentiment", "crisis"):
        assert any("viralscope analyze" in i.value for i in at.info)


@pytest.mark.parametrize("name", PAGES)
def test_navigation_reaches_every_page(name, world, monkeypatch):
    monkeypatch.setenv("VIRALSCOPE_DB", str(world.path))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page(f"views/{name}_page.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == {"overview": "Overview", "mentions": "Mentions", "sentiment": "Sentiment",
                                 "diffusion": "Diffusion", "crisis": "Crisis", "sources": "Sources"}[name]


def test_filters_come_from_the_url_and_go_back_to_it(world, monkeypatch):
    at = run(page_file("overview"), world.path, monkeypatch,
             {"from": "2026-02-01", "to": "2026-02-14", "brand": ["Lumio", "Glowly"], "source": "x"})
    assert not at.exception
    assert at.date_input[0].value == (__import__("datetime").date(2026, 2, 1), __import__("datetime").date(2026, 2, 14))
    assert at.multiselect[0].value == ["Lumio", "Glowly"]
    assert at.multiselect[1].value == ["x"]
    assert qp(at, "brand") == ["Lumio", "Glowly"]
    # A change in the sidebar is written back to the URL.
    at.multiselect[2].set_value(["ko"]).run()
    assert qp(at, "language") == ["ko"]
    assert qp(at, "from") == ["2026-02-01"]


def mentions_card(at: AppTest) -> int:
    return int(next(m for m in at.metric if m.label == "Mentions").value.replace(",", ""))


def test_filters_change_the_numbers(world, monkeypatch):
    at = run(page_file("overview"), world.path, monkeypatch)
    everything = mentions_card(at)
    at.multiselect[0].set_value(["Lumio"]).run()
    lumio = mentions_card(at)
    start, end = at.date_input[0].value  # both days included
    days = [start, end + __import__("datetime").timedelta(days=1)]
    assert everything == world.scalar("SELECT count(*) FROM mentions WHERE created_at >= ? AND created_at < ?", days)
    assert lumio == world.scalar(
        "SELECT count(*) FROM mentions WHERE brand = 'Lumio' AND created_at >= ? AND created_at < ?", days)
    assert 0 < lumio < everything


def test_unknown_values_in_a_link_are_ignored(world, monkeypatch):
    at = run(page_file("overview"), world.path, monkeypatch,
             {"from": "not-a-date", "brand": ["<script>", "Lumio"], "sentiment": ["furious", "negative"]})
    assert not at.exception
    assert at.multiselect[0].value == ["Lumio"]
    assert at.multiselect[3].value == ["negative"]


def test_mentions_search_sort_and_pages(world, monkeypatch):
    at = run(page_file("mentions"), world.path, monkeypatch, {"q": "pwned", "sort": "likes", **WHOLE})
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) > 0 and (table["text"] + table["author_name"]).str.contains("pwned").all()
    assert list(table["likes"]) == sorted(table["likes"], reverse=True)
    # Links only for http(s): the javascript:, data: and vbscript: URLs of the hostile mentions are gone.
    links = [v for v in table["link"] if isinstance(v, str)]
    assert links and all(v.lower().startswith(("http://", "https://")) for v in links)
    at.text_input[0].set_value("").run()
    assert qp(at, "q") is None
    at.number_input[0].set_value(2).run()
    assert qp(at, "page") == ["2"]
    assert not at.exception


def test_language_switch_is_kept_in_the_url(world, monkeypatch):
    at = run(page_file("sources"), world.path, monkeypatch)
    at.radio[0].set_value("ko").run()
    assert qp(at, "lang") == ["ko"]
    assert at.title[0].value == "소스"


def test_a_ready_made_period_sets_the_dates(world, monkeypatch):
    at = run(page_file("overview"), world.path, monkeypatch)
    start, end = at.date_input[0].value  # a first visit: the last 28 days, with a baseline before them
    assert (end - start).days == 27 and end == __import__("datetime").date(2026, 4, 4)
    assert qp(at, "from") is None and not any("baseline" in i.value for i in at.info)
    at.selectbox(key="f_preset").set_value("all").run()
    start, end = at.date_input[0].value
    assert (start, end) == (__import__("datetime").date(2026, 1, 5), __import__("datetime").date(2026, 4, 4))
    assert qp(at, "from") == [start.isoformat()]
    assert any("baseline" in i.value for i in at.info)  # the whole span has nothing before it


def test_password_protection(world, monkeypatch):
    monkeypatch.setenv("VIRALSCOPE_DASHBOARD_PASSWORD", "s3cret-😀")
    at = run(page_file("overview"), world.path, monkeypatch)
    assert not at.exception and not at.metric  # nothing of the store before signing in
    assert at.text_input[0].proto.type == at.text_input[0].proto.PASSWORD
    at.text_input[0].input("wrong")
    at.button[0].click().run()
    assert at.error and not at.metric
    at.text_input[0].input("s3cret-😀")
    at.button[0].click().run()
    assert not at.exception and at.metric
    assert all("s3cret" not in str(e.value) for e in [*at.markdown, *at.caption, *at.error])


def test_diffusion_draws_the_chosen_cascade(world, monkeypatch):
    at = run(page_file("diffusion"), world.path, monkeypatch, WHOLE)
    biggest = world.scalar("SELECT max(n) FROM (SELECT count(*) AS n FROM mentions GROUP BY source, cascade_id)")
    picker = at.selectbox(key="d_cascade")
    assert f"Size {biggest:,} " in picker.options[0]
    picker.set_value(1).run()
    assert not at.exception and qp(at, "cascade")


def test_mentions_page_number_resets_when_the_selection_changes(world, monkeypatch):
    at = run(page_file("mentions"), world.path, monkeypatch, {"page": "3", **WHOLE})
    assert at.number_input[0].value == 3
    at.multiselect[0].set_value(["Glowly"]).run()
    assert at.number_input[0].value == 1 and qp(at, "page") is None
    at = run(page_file("mentions"), world.path, monkeypatch, {"page": "99999", **WHOLE})
    pages = -(-world.count_mentions() // 50)
    assert not at.exception and at.number_input[0].value == pages


@pytest.fixture(scope="module")
def burst(tmp_path_factory) -> Store:
    """A generated world with a burst of complaints: 120 negative mentions in two hours of a quiet night."""
    store = Store(tmp_path_factory.mktemp("burst") / "burst.duckdb", lock_timeout=30)
    store.ensure()
    dashboard_world.build(store, 3_000, runs=False)
    start = pd.Timestamp("2026-03-20 02:00", tz="UTC")
    complaints = pd.DataFrame({
        "id": [f"burst{i}" for i in range(120)], "source": "x", "brand": "Lumio", "lang": "en", "kind": "post",
        "created_at": [start + pd.Timedelta(minutes=i) for i in range(120)],
        "text": [f"login outage again, refund please #{i}" for i in range(120)],
        "author_id": [f"angry{i}" for i in range(120)],
    })
    ingest.write_mentions(store, complaints, origin="burst")
    with store.write() as con:
        con.execute("UPDATE mentions SET sentiment_label = 'negative', sentiment_compound = -0.8 "
                    "WHERE id LIKE 'burst%'")
    return store


def test_crisis_incident_drivers_on_request(burst, monkeypatch):
    at = run(page_file("crisis"), burst.path, monkeypatch)
    assert not at.exception
    assert "c_incident" in [s.key for s in at.selectbox]
    at.button(key="c_find").click().run()
    assert not at.exception and len(at.dataframe) >= 3  # timeline, cascades, terms


def test_crisis_volume_spikes_with_their_driving_posts(burst, monkeypatch):
    at = run(page_file("crisis"), burst.path, monkeypatch)
    assert not at.exception and "c_spike" in [s.key for s in at.selectbox]
    spikes = next(d.value for d in at.dataframe if "observed" in d.value.columns and "brand" in d.value.columns)
    assert spikes["start"].min() <= pd.Timestamp("2026-03-20 02:00", tz="UTC") < spikes["end"].max()
    at.button(key="c_find_posts").click().run()
    assert not at.exception
    posts = [d.value for d in at.dataframe if "author" in d.value.columns]
    assert posts and posts[0]["text"].str.contains("login outage again").any()


def test_crisis_response_times_come_with_the_overview_kpis(demo, monkeypatch):
    at = run(page_file("crisis"), demo.path, monkeypatch)
    assert not at.exception and not [m for m in at.metric if "response" in m.label.lower()]
    at.button(key="c_response").click().run()
    assert not at.exception and len([m for m in at.metric if "esponse" in m.label or "1 hour" in m.label]) == 3
    # Through navigation: after the Overview the Crisis page shows them at once (the same cached KPIs).
    monkeypatch.setenv("VIRALSCOPE_DB", str(demo.path))
    nav = AppTest.from_file(str(APP), default_timeout=60).run()
    nav.switch_page("views/crisis_page.py").run()
    assert not nav.exception and len([m for m in nav.metric if "esponse" in m.label or "1 hour" in m.label]) == 3
