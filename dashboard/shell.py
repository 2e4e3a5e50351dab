"""The frame every page starts with: language, sign-in, the store, the global filters, the URL.

``page = shell.start("overview")`` renders the language switch and the filters in the sidebar, stops with
a "how to start" screen on an empty store, keeps the filters in the URL and returns a :class:`Page` with
what the page needs (``page.filters``, ``page.t``, ``page.q``). Pages call it first; that keeps each page
runnable on its own (``AppTest.from_file(page)``) as well as under ``st.navigation``.

Filters survive a switch of page: Streamlit gives widgets on different pages different identities, so the
values live in session state under our keys and are written back on every run; the first run of a
session reads them from the URL, which is how a shared link opens on the same view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st

from dashboard import auth, cache, components, i18n, queries
from dashboard.filters import LIST_KEYS, NONE, SENTIMENTS, Filters, from_query, presets, to_query
from viralscope.core.errors import StoreBusy, ViralscopeError
from viralscope.store import Store

_GLOBAL_KEYS = ("lang", "from", "to", "brand", "source", "language", "sentiment")


@dataclass
class Page:
    name: str
    lang: str
    filters: Filters
    info: dict
    store: Store

    def t(self, key: str, **values) -> str:
        return i18n.t(key, self.lang, **values)

    def q(self, fn: Callable, *args, **kwargs):
        """A cached read: ``fn(store, *args, **kwargs)``, recomputed after the store's next write."""
        out = cache.q(fn, *args, **kwargs)
        st.session_state.setdefault("_computed", set()).add(self._key(fn, args, kwargs))
        return out

    def computed(self, fn: Callable, *args, **kwargs) -> bool:
        """True when this session has already read ``fn(store, *args)`` at the store's current version."""
        return self._key(fn, args, kwargs) in st.session_state.get("_computed", set())

    def _key(self, fn: Callable, args: tuple, kwargs: dict) -> tuple:
        return (fn.__module__, fn.__name__, self.store.version(), repr(args), repr(sorted(kwargs.items())))

    def param(self, key: str, default: str | None = None) -> str | None:
        """A page's own value in the URL (search text, sort, selected cascade …)."""
        return st.query_params.get(key, default)

    def set_param(self, key: str, value: str | None, default: str | None = None) -> None:
        if value is None or value == default or value == "":
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get(key) != value:
            st.query_params[key] = value

    def empty(self) -> None:
        """An empty view: why it is empty, and the dates that hold data under the other filters, one click away."""
        span = self.q(queries.data_span, self.filters)

        def show(dates=span) -> None:
            st.session_state["f_dates"] = dates

        components.filtered_empty(self.lang, self.filters, span, show)

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Library errors become one message on the page (the rest of the page still renders)."""
        with guard(self.lang):
            yield


@contextmanager
def guard(lang: str) -> Iterator[None]:
    try:
        yield
    except StoreBusy:
        st.warning(i18n.t("error.busy", lang))
    except ViralscopeError as exc:
        st.error(str(exc))


def _params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _keep(key: str, initial) -> None:
    """Initialise a session value once; afterwards re-assign it so Streamlit keeps it across pages."""
    if key not in st.session_state:
        st.session_state[key] = initial
    else:
        st.session_state[key] = st.session_state[key]


def _language() -> str:
    _keep("ui_lang", i18n.initial_language(st.query_params.get("lang")))
    with st.sidebar:
        st.radio(
            i18n.t("ui.language", st.session_state["ui_lang"]), list(i18n.LANGUAGES), key="ui_lang",
            format_func=lambda code: i18n.LANGUAGES[code], horizontal=True,
        )
    return st.session_state["ui_lang"]


def _options(info: dict, key: str) -> list[str]:
    return [NONE if v is None else v for v, _ in info.get(key, [])]


def _filters(info: dict, lang: str) -> Filters:
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    span = (info["first"], info["last"])
    options = {key: _options(info, key) for key in LIST_KEYS}
    initial = from_query(_params(), span=span, options=options, days=info.get("days"))
    _keep("f_dates", (initial.start, initial.end))
    _keep("f_brand", list(initial.brands))
    _keep("f_source", list(initial.sources))
    _keep("f_language", list(initial.langs))
    _keep("f_sentiment", list(initial.sentiments))
    # New data can move the span, and a link can name values this store lacks: keep the state valid.
    dates = tuple(d for d in st.session_state["f_dates"] if isinstance(d, dt.date))
    st.session_state["f_dates"] = tuple(min(max(d, span[0]), span[1]) for d in dates) or span
    for key in LIST_KEYS:
        st.session_state[f"f_{key}"] = [v for v in st.session_state[f"f_{key}"] if v in options[key]]
    st.session_state["f_sentiment"] = [v for v in st.session_state["f_sentiment"] if v in SENTIMENTS]

    none_label = lambda v: t("filters.none") if v == NONE else v  # noqa: E731
    periods = presets(span, cache.q(queries.config).campaigns)

    def apply_preset() -> None:
        choice = st.session_state.get("f_preset")
        if choice in periods:
            st.session_state["f_dates"] = periods[choice]
        st.session_state["f_preset"] = None

    def preset_label(key: str) -> str:
        if key.startswith("campaign:"):
            return t("overview.campaign", name=key.split(":", 1)[1])
        return t(f"filters.period.{key}")

    with st.sidebar:
        st.subheader(t("filters.title"))
        st.selectbox(t("filters.period"), list(periods), index=None, key="f_preset", format_func=preset_label,
                     on_change=apply_preset, placeholder=t("filters.period_pick"))
        st.date_input(t("filters.dates"), key="f_dates", min_value=span[0], max_value=span[1],
                      format="YYYY-MM-DD")
        st.multiselect(t("filters.brand"), options["brand"], key="f_brand", format_func=none_label,
                       placeholder=t("filters.all"))
        st.multiselect(t("filters.source"), options["source"], key="f_source", format_func=none_label,
                       placeholder=t("filters.all"))
        st.multiselect(t("filters.language"), options["language"], key="f_language",
                       format_func=lambda v: i18n.language_name(v, lang), placeholder=t("filters.all"))
        st.multiselect(t("filters.sentiment"), list(SENTIMENTS), key="f_sentiment",
                       format_func=lambda v: t(f"sentiment.{v}"), placeholder=t("filters.all"))
        if st.button(t("filters.reset"), width="stretch"):
            for key in ("f_dates", "f_brand", "f_source", "f_language", "f_sentiment"):
                del st.session_state[key]
            for key in _GLOBAL_KEYS[1:]:
                if key in st.query_params:
                    del st.query_params[key]
            st.rerun()
        st.caption(t("filters.utc"))

    dates = st.session_state["f_dates"]
    start, end = (dates[0], dates[-1]) if dates else span
    return Filters(start=start, end=end, brands=tuple(st.session_state["f_brand"]),
                   sources=tuple(st.session_state["f_source"]), langs=tuple(st.session_state["f_language"]),
                   sentiments=tuple(st.session_state["f_sentiment"]))


def _write_url(f: Filters, info: dict, lang: str) -> None:
    wanted = to_query(f, span=(info["first"], info["last"]), days=info.get("days"))
    if lang != i18n.default_language():
        wanted["lang"] = [lang]
    for key in _GLOBAL_KEYS:
        current = st.query_params.get_all(key)
        if key in wanted and current != wanted[key]:
            st.query_params[key] = wanted[key]
        elif key not in wanted and key in st.query_params:
            del st.query_params[key]


def start(name: str) -> Page:
    """Everything a page needs before its own content; stops the run where there is nothing to show."""
    lang = _language()
    auth.require(lambda key, **kw: i18n.t(key, lang, **kw))
    store = cache.store()
    st.title(i18n.t(f"{name}.title", lang))
    st.caption(i18n.t(f"{name}.subtitle", lang))
    info = None
    with guard(lang):
        info = cache.q(queries.overview) if cache.exists() else {"n": 0}
    if info is None:
        st.stop()
    if info["n"] == 0:
        if "lang" not in st.query_params and lang != i18n.default_language():
            st.query_params["lang"] = lang
        components.empty_store(lang, store)
        st.stop()
    filters = _filters(info, lang)
    _write_url(filters, info, lang)
    return Page(name=name, lang=lang, filters=filters, info=info, store=store)
