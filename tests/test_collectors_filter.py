"""The local half of a query: which parsed mentions are stored, and the brand each is tagged with."""

from __future__ import annotations

import datetime as dt

from collectors.query import BrandMatcher, parse_query
from viralscope.collecting import Filter
from viralscope.core.contract import Mention

T0 = dt.datetime(2026, 1, 12, tzinfo=dt.UTC)
SINCE, UNTIL = T0, T0 + dt.timedelta(days=1)


def m(id, text, *, parent=None, kind=None, hours=1):
    return Mention(id=id, source="s", created_at=T0 + dt.timedelta(hours=hours), text=text, parent_id=parent,
                   kind=kind or ("reply" if parent else "post"))


def kept(filt, mentions):
    out, dropped = filt.apply(mentions, SINCE, UNTIL)
    return {x.id: x for x in out}, dropped


def test_only_matching_mentions_are_kept():
    got, dropped = kept(Filter(parse_query("lumio")), [m("1", "Lumio rocks"), m("2", "Lumination"), m("3", "nice", parent="1")])
    assert set(got) == {"1"} and dropped == 2


def test_a_reshare_of_a_kept_mention_is_kept_with_its_brand():
    brands = BrandMatcher([("Lumio", "lumio")])
    got, _ = kept(Filter(parse_query("lumio"), brands), [m("2", "", parent="1", kind="share"), m("1", "Lumio rocks")])
    assert set(got) == {"1", "2"} and got["2"].brand == "Lumio"


def test_a_reshare_of_a_mention_kept_on_an_earlier_page_is_kept():
    filt = Filter(parse_query("lumio"))
    kept(filt, [m("1", "Lumio rocks")])
    got, _ = kept(filt, [m("2", "", parent="1", kind="share")])
    assert set(got) == {"2"}


def test_thread_context_keeps_replies_down_the_thread():
    mentions = [m("1", "Lumio broke"), m("2", "sorry, DM us", parent="1"), m("3", "done", parent="2"), m("4", "unrelated")]
    plain, _ = kept(Filter(parse_query("lumio")), mentions)
    assert set(plain) == {"1"}
    context, _ = kept(Filter(parse_query("lumio"), thread_context=True), mentions)
    assert set(context) == {"1", "2", "3"} and context["3"].extra == {"matched": "thread"}


def test_outside_the_span_only_matching_ancestors_of_kept_mentions():
    mentions = [m("root", "Lumio launch", hours=-30), m("old", "Lumio old news", hours=-40),
                m("r", "Lumio reply", parent="root"), m("late", "Lumio later", hours=30)]
    got, dropped = kept(Filter(parse_query("lumio")), mentions)
    assert set(got) == {"root", "r"} and dropped == 2


def test_several_brands_in_one_mention():
    brands = BrandMatcher([("Lumio", "lumio OR 루미오"), ("Brightly", "brightly")])
    got, _ = kept(Filter(parse_query("lumio OR brightly"), brands), [m("1", "Lumio beats Brightly"), m("2", "brightly")])
    assert (got["1"].brand, got["1"].extra) == ("Lumio", {"brands": ["Lumio", "Brightly"]})
    assert (got["2"].brand, got["2"].extra) == ("Brightly", {})


def test_an_explicit_brand_tags_everything_kept():
    got, _ = kept(Filter(parse_query("lumio"), brand="Campaign X"), [m("1", "Lumio"), m("2", "", parent="1", kind="share")])
    assert {x.brand for x in got.values()} == {"Campaign X"}


def test_an_item_unlike_the_documentation_is_left_out_and_named_not_the_page(store):
    from collectors.hackernews import HackerNews
    from tests.mockserver import FAST, MockServer
    from viralscope import collecting

    good = {"objectID": "7", "_tags": ["story"], "title": "Lumio", "created_at_i": int(SINCE.timestamp()) + 60}
    odd = {"hits": [{"_tags": ["story"], "title": "Lumio"}, good], "nbHits": 2, "nbPages": 1, "page": 0}  # no objectID
    with MockServer({"/api/v1/search_by_date": odd}) as server:
        result = collecting.collect(store, HackerNews(FAST, base_url=server.url), "lumio", since=SINCE, until=UNTIL)
    assert result.status == "ok" and result.kept == 1
    assert [str(s) for s in result.skipped] == ["an item without an id: no 'objectID' field"]
    run = store.query("SELECT status, last_error FROM collector_runs").iloc[0]
    assert run["status"] == "ok" and "1 items skipped (an item without an id: no 'objectID' field)" in run["last_error"]
