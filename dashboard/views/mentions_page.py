"""Mentions explorer: search, sort and page through mentions in the database; read one in full."""

import math

import streamlit as st

from dashboard import components, fmt, queries, shell

PAGE_SIZE = 50

page = shell.start("mentions")
f, lang, t = page.filters, page.lang, page.t

sort_default = "created_at"
sort_options = list(queries.SORTABLE)
# The first run of a session takes the page's state from the link; later runs keep the widgets' own.
if "m_search" not in st.session_state:
    st.session_state["m_search"] = page.param("q", "")
    st.session_state["m_sort"] = page.param("sort") if page.param("sort") in sort_options else sort_default
    st.session_state["m_desc"] = page.param("asc") != "1"
c1, c2, c3 = st.columns([3, 2, 1])
search = c1.text_input(t("mentions.search"), key="m_search")
sort = c2.selectbox(t("mentions.sort"), sort_options, format_func=lambda c: t(f"col.{c}"), key="m_sort")
descending = c3.toggle(t("mentions.descending"), key="m_desc")

with page.guard():
    total = page.q(queries.count_mentions, f, search)
    if total == 0:
        page.empty()
        st.stop()
    pages = max(1, math.ceil(total / PAGE_SIZE))
    view = (f, search, sort, descending)
    if "m_page" not in st.session_state:
        try:
            st.session_state["m_page"] = int(page.param("page", "1"))
        except ValueError:
            st.session_state["m_page"] = 1
    elif st.session_state.get("m_view") != view:
        st.session_state["m_page"] = 1  # another selection starts on its first page
    st.session_state["m_view"] = view
    st.session_state["m_page"] = min(max(int(st.session_state["m_page"]), 1), pages)
    number = st.number_input(t("mentions.page"), min_value=1, max_value=pages, step=1, key="m_page")
    page.set_param("q", search.strip() or None)
    page.set_param("sort", sort, default=sort_default)
    page.set_param("asc", None if descending else "1")
    page.set_param("page", str(number), default="1")

    st.caption(t("mentions.count", n=fmt.number(total, lang), page=fmt.number(number, lang),
                 pages=fmt.number(pages, lang)))
    rows = page.q(queries.mentions_page, f, search=search, sort=sort, descending=descending, limit=PAGE_SIZE,
                  offset=(number - 1) * PAGE_SIZE)
    event = components.mentions_table(
        rows, lang, key="mentions_table",
        # The columns that fit the page's width (the whole text, replies, language, kind, cascade and share
        # order are in the detail panel of the selected row).
        columns=["created_at", "source", "author_name", "text", "sentiment_label", "sentiment_compound", "brand",
                 "likes", "shares", "link"],
        widths={"author_name": "small", "text": "medium"})
    row = components.selected_row(event, rows)
    if row is None:
        st.caption(t("mentions.select"))
    else:
        components.mention_detail(row, lang)
