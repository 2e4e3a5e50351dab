"""The Crisis page as a PR team uses it (AppTest on the demo world with injected incidents): the configured brand
by default with the incidents the crisis service counts for it, the open incident first, ratios and channels in
words (English and Korean), how the brand's accounts answered each incident, the driving posts with their
author's pseudonym, link and a link to their cascade on the Diffusion page, and the history of the alerts sent —
without any secret."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests import dashboard_world
from tests.mockserver import MockServer
from viralscope import alerts, crisis, ingest, kpis
from viralscope.config import load_config
from viralscope.store import Store
from viralscope.store.ledger import ledger
from viralscope.store.query import Scope

ROOT = Path(__file__).resolve().parents[1]
PAGE = str(ROOT / "dashboard" / "views" / "crisis_page.py")

#: A night of complaints about Lumio that ended, answered in part by its care account …
ENDED = pd.Timestamp("2026-03-20 02:00", tz="UTC")
#: … a flood of complaints about Lumio still going on at the end of the data (some 2,000 where one or two were
#: expected: a ratio past 1,000) …
OPEN = pd.Timestamp("2026-04-04 21:30", tz="UTC")
#: … and one about the competitor Kandela, which an all-brands view would count among Lumio's.
RIVAL = pd.Timestamp("2026-03-26 02:00", tz="UTC")
#: The original post most of the ended incident's complaints answer.
ROOT_ID, ROOT_URL, ROOT_AUTHOR = "whistle-root", "https://x.example/whistle-root", "whistleblower_kim"
#: What a webhook's address carries (its path is its secret).
SECRET_PATH = "/services/T0SECRET/B0SECRET/xoxSECRETtoken"
#: English names of the detector's channels, which the Korean page must not show.
CHANNELS_EN = re.compile(r"\b(share|count|both)\b", re.I)
RATIO_CELL = re.compile(r"^(\d{1,3}(,\d{3})*\.\d×|> 1,000×|new burst)$")


def _complaints(prefix: str, brand: str, start: pd.Timestamp, n: int, minutes: float, text: str, **extra) -> dict:
    return {
        "id": [f"{prefix}{i}" for i in range(n)], "source": "x", "brand": brand, "lang": "en",
        "created_at": [start + pd.Timedelta(minutes=i * minutes) for i in range(n)],
        "text": [f"{text} #{i}" for i in range(n)], "author_id": [f"{prefix}-author{i}" for i in range(n)],
        **extra,
    }


def _inject(store: Store) -> None:
    """The incidents above, written through the real import and labelled as the sentiment stage would."""
    root = pd.DataFrame({"id": [ROOT_ID], "source": "x", "brand": "Lumio", "lang": "en", "kind": "post",
                         "created_at": [ENDED - pd.Timedelta(minutes=5)], "url": [ROOT_URL],
                         "text": ["Lumio locked everyone out of their lights tonight & nobody answers"],
                         "author_id": [ROOT_AUTHOR], "author_name": [ROOT_AUTHOR], "author_followers": [12_000],
                         "shares": [340]})
    ended = pd.DataFrame(_complaints("ended", "Lumio", ENDED, 120, 1, "login outage again, refund please",
                                     parent_id=[ROOT_ID if i % 2 else None for i in range(120)],
                                     kind=["reply" if i % 2 else "post" for i in range(120)]))
    answers = pd.DataFrame({
        "id": [f"care{i}" for i in range(0, 120, 4)], "source": "x", "brand": "Lumio", "lang": "en", "kind": "reply",
        "parent_id": [f"ended{i}" for i in range(0, 120, 4)], "author_id": "lumio_care", "author_name": "lumio_care",
        "created_at": [ENDED + pd.Timedelta(minutes=i + 30) for i in range(0, 120, 4)],
        "text": "We are sorry, a fix is on its way: please check your DMs"})
    still = pd.DataFrame(_complaints("open", "Lumio", OPEN, 2_000, 0.03, "lights dead again, Lumio app down",
                                     kind="post"))
    rival = pd.DataFrame(_complaints("rival", "Kandela", RIVAL, 120, 1, "Kandela bulbs burning out, refund",
                                     kind="post"))
    ingest.write_mentions(store, pd.concat([root, ended, answers, still, rival], ignore_index=True),
                          origin="crisis-test")
    with store.write() as con:
        con.execute("UPDATE mentions SET sentiment_label = 'negative', sentiment_compound = -0.8, "
                    "sentiment_scored = true WHERE id = ? OR id LIKE 'ended%' OR id LIKE 'open%' OR id LIKE 'rival%'",
                    [ROOT_ID])
        con.execute("UPDATE mentions SET sentiment_label = 'neutral', sentiment_compound = 0, sentiment_scored = true "
                    "WHERE id LIKE 'care%'")


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("crisis") / "demo.duckdb", lock_timeout=30)
    dashboard_world.demo(store, 3_000, hostile=True)
    _inject(store)
    return store


@pytest.fixture(scope="module")
def alerted(world, tmp_path_factory) -> Store:
    """A copy of the world whose alerts went out: to a webhook on 127.0.0.1 through the real alerts code, and
    an e-mail the ledger recorded (its write API, as a check that e-mailed it does)."""
    path = tmp_path_factory.mktemp("alerted") / "demo.duckdb"
    path.write_bytes(world.path.read_bytes())
    store = Store(path, lock_timeout=30)
    config = load_config(store=store)
    with MockServer({re.escape(SECRET_PATH): {"ok": True}}) as server:
        report = alerts.check(store, config, now=OPEN + pd.Timedelta(hours=2), notify=True,
                              target_list=[alerts.WebhookTarget(server.url + SECRET_PATH, retries=0)])
        assert [d for d in report["deliveries"] if d["ok"]] and server.paths(SECRET_PATH)
    with ledger(store) as sent:
        sent.add("Lumio|2026-03-19T23:00", "email", {
            "kind": "negative", "brand": "Lumio", "severity": "high", "start": "2026-03-19 23:00:00+00:00",
            "end": "2026-03-20 04:00:00+00:00", "state": "sent", "subject": "[viralscope] high crisis alert: Lumio"})
    return store


def run(store: Store, monkeypatch, *, lang: str = "en", config: Path | None = None, **query) -> AppTest:
    monkeypatch.setenv("VIRALSCOPE_DB", str(store.path))
    if config is not None:
        monkeypatch.setenv("VIRALSCOPE_CONFIG", str(config))
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params.update({"lang": lang, **query})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest, column: str):
    """The first table of the page with ``column`` (its rows, and its column settings as Streamlit got them)."""
    found = next(d for d in at.dataframe if column in d.value.columns)
    return found.value, json.loads(found.proto.columns or "{}")


def window(at: AppTest) -> tuple[pd.Timestamp, pd.Timestamp]:
    first, last = at.date_input(key="f_dates").value
    return pd.Timestamp(first, tz="UTC"), pd.Timestamp(last, tz="UTC") + pd.Timedelta(days=1)


def detected(store: Store, brands: tuple[str, ...], brand: str, span) -> pd.DataFrame:
    found = crisis.detect(store, load_config(store=store), Scope(brands=brands).between(*span), brand,
                          kinds=("negative",))
    return found.inside(found.crises)


def texts(at: AppTest) -> list[str]:
    out = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "subheader"):
        out += [str(e.value) for e in getattr(at, kind)]
    return out


def test_the_page_shows_the_configured_brand_unless_a_brand_filter_says_otherwise(world, monkeypatch):
    at = run(world, monkeypatch)
    span = window(at)
    lumio, everyone = detected(world, ("Lumio",), "Lumio", span), detected(world, (), "Lumio", span)
    assert len(everyone) > len(lumio) > 0  # the world's precondition: another brand had an incident too
    kpi = kpis.compute(world, load_config(store=world), span)["kpis"]["crisis_incidents"]
    timeline, _ = table(at, "status")
    assert len(timeline) == len(lumio) == kpi["value"]  # what the Overview's crisis card counts
    assert list(timeline["start"]) == sorted(lumio["start"], reverse=True)
    assert any("Lumio" in c and "configured brand" in c for c in texts(at))

    at.multiselect(key="f_brand").set_value(["Kandela"]).run()
    timeline, _ = table(at, "status")
    assert len(timeline) == len(detected(world, ("Kandela",), "Kandela", span)) == 1
    assert timeline["start"].iat[0] == RIVAL
    assert any("Kandela" in c and "brand filter" in c for c in texts(at))


def test_the_open_incident_comes_first_with_its_status_then_the_latest(world, monkeypatch):
    at = run(world, monkeypatch, brand=["Lumio", "Kandela"])
    timeline, config = table(at, "status")
    assert config["status"]["label"] == "Status"
    assert list(timeline["status"]) == ["Open", "Ended", "Ended"]
    assert timeline["start"].iat[0] < OPEN < timeline["end"].iat[0]
    assert list(timeline["start"].iloc[1:]) == sorted(timeline["start"].iloc[1:], reverse=True)
    assert [e.value for e in at.error if "Incident open since" in e.value]


def test_ratios_read_as_multiples_and_a_ratio_past_a_thousand_is_capped(world, monkeypatch):
    at = run(world, monkeypatch)
    lumio = detected(world, ("Lumio",), "Lumio", window(at))
    assert lumio["ratio"].dropna().max() > 1_000  # the flood: ~2,000 negatives where 1.6 were expected
    timeline, config = table(at, "status")
    spikes, _ = table(at, "observed")
    cells = list(timeline["ratio"]) + list(spikes["ratio"])
    assert all(isinstance(c, str) and RATIO_CELL.match(c) for c in cells), cells
    assert timeline["ratio"].iat[0] == "> 1,000×" and any(re.match(r"^\d+\.\d×$", c) for c in spikes["ratio"])
    assert (timeline["expected"] == timeline["expected"].round(1)).all()
    assert config["expected"]["type_config"]["format"] == "%.1f" and config["ratio"]["label"] == "× expected"
    assert [e.value for e in at.error if "> 1,000× the expected" in e.value]
    assert any("> 1,000×" in c and "almost none were expected" in c for c in texts(at))


def test_each_incident_says_how_the_brand_answered_it(world, monkeypatch, tmp_path):
    at = run(world, monkeypatch)
    timeline, _ = table(at, "status")
    ended = timeline[timeline["status"] == "Ended"].iloc[0]
    config = load_config(store=world)
    found = crisis.responses(world, Scope(brands=("Lumio",)), timeline[timeline["status"] == "Ended"],
                             config.brand_accounts, final_after="48h")[0]
    assert found["n_answered"] == 30 and found["estimate"] == pytest.approx(30)  # lumio_care, after 30 minutes
    assert ended["response_rate"] == f"{found['answer_rate']:.0%} of {found['n']}"
    assert ended["response_time"] == "30 min"
    still = timeline[timeline["status"] == "Open"].iloc[0]
    assert still["response_rate"].startswith("n/a: ") and "48h old" in still["response_rate"]

    # Without the brand's accounts in the configuration: n/a, and why, once (on a copy of the store: the
    # dashboard's cache knows a store by its path and version, and a configuration is read at start).
    bare = tmp_path / "viralscope.toml"
    bare.write_text('[brand]\nname = "Lumio"\nquery = "Lumio"\n\n[[competitors]]\nname = "Kandela"\n'
                    'query = "Kandela"\n', encoding="utf-8")
    (tmp_path / "copy.duckdb").write_bytes(world.path.read_bytes())
    at = run(Store(tmp_path / "copy.duckdb"), monkeypatch, config=bare)
    timeline, _ = table(at, "status")
    assert set(timeline["response_rate"]) == {"n/a"} and set(timeline["response_time"]) == {"n/a"}
    assert any("n/a for every incident" in c and "no brand accounts are configured" in c for c in texts(at))


def test_driving_posts_are_posts_with_author_link_and_their_cascade(world, monkeypatch):
    at = run(world, monkeypatch)
    timeline, _ = table(at, "status")
    at.selectbox(key="c_incident").set_value(int(timeline.index[timeline["status"] == "Ended"][0])).run()
    at.button(key="c_find").click().run()
    assert not at.exception
    posts, config = table(at, "diffusion")
    root = posts[posts["link"] == ROOT_URL]
    assert len(root) == 1, posts
    root = root.iloc[0]
    assert "locked everyone out" in root["text"] and root["diffusion"] == f"/diffusion?cascade={ROOT_ID}&source=x"
    assert root["author"].startswith("anon-") and ROOT_AUTHOR not in posts["author"].astype(str).str.cat()
    assert (root["followers"], root["shares"]) == (12_000, 340) and root["observed"] == 61  # itself and 60 replies
    assert config["diffusion"]["type_config"]["type"] == "link" and config["link"]["type_config"]["type"] == "link"
    assert config["text"]["type_config"]["type"] == "text" and config["author"]["label"] == "Author (pseudonym)"
    terms, config = table(at, "term")
    assert len(terms) and [config[c]["label"] for c in ("term", "count", "ratio")] == [
        "Term", "Mentions in the incident", "× the week before"]
    assert all(isinstance(c, str) and (RATIO_CELL.match(c) or c == "new") for c in terms["ratio"])


def test_the_alert_history_says_when_what_and_where_without_secrets(alerted, world, monkeypatch):
    at = run(world, monkeypatch)
    assert [i.value for i in at.info if "viralscope watch" in i.value and "[alerts]" in i.value]

    at = run(alerted, monkeypatch)
    sent, config = table(at, "sent_at")
    assert {"Webhook", "E-mail"} <= set(sent["target"]) and set(sent["state"]) == {"Sent"}
    assert "Crisis (negative mentions)" in set(sent["what"]) and "Lumio" in set(sent["brand"])
    assert list(sent["sent_at"]) == sorted(sent["sent_at"], reverse=True)
    assert config["target"]["label"] == "Sent to"
    shown = [str(v) for d in at.dataframe for v in d.value.astype(str).to_numpy().ravel()] + texts(at)
    assert not [s for s in shown if "SECRET" in s or "127.0.0.1" in s or "services/" in s]


def test_the_korean_page_explains_channels_in_korean(world, monkeypatch):
    at = run(world, monkeypatch, lang="ko", brand=["Lumio", "Kandela"])
    timeline, config = table(at, "status")
    assert set(timeline["channel"]) <= {"부정 건수", "부정 비율", "건수와 비율"} and len(timeline)
    assert config["channel"]["label"] == "감지 채널" and not CHANNELS_EN.search(config["channel"]["help"])
    assert set(timeline["status"]) == {"진행 중", "종료"}
    assert any("감지 채널" in c and "부정 비율" in c for c in texts(at))
    shown = [str(v) for d in at.dataframe for v in d.value.astype(str).to_numpy().ravel()] + texts(at)
    assert not [s for s in shown if CHANNELS_EN.search(s) or "Seen in" in s]


def test_hours_without_history_are_said_unjudged_not_calm():
    """A brand whose first mentions are a burst: the detector has no expectation for those hours, so the page
    must not let "no incident" stand for them (seen on real reply threads, where every event starts so)."""
    hours = pd.date_range("2026-03-01", periods=24 * 10, freq="h", tz="UTC")
    series = pd.DataFrame({"total": 5.0, "negative": 1.0, "expected_negative": 1.0, "expected_total": 5.0,
                           "expected_share": 0.2, "flagged": False}, index=hours)
    assert crisis.unjudged(series) is None
    series.loc[hours[:30], "expected_negative"] = None
    series.loc[hours[:30], "negative"] = 40.0
    series.loc[hours[:5], "negative"] = 0.0  # quiet unjudged hours are not reported
    found = crisis.unjudged(series)
    assert found == {"start": hours[5], "end": hours[30], "negatives": 25 * 40}
    # The page's own series has the hour in a column.
    assert crisis.unjudged(series.reset_index(names="t")) == found
