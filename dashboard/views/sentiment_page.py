"""Sentiment over time by brand, source and language; the scored mentions; correcting a label."""

import streamlit as st

from dashboard import charts, components, queries, shell
from dashboard.filters import SENTIMENTS
from dashboard.safety import md
from viralscope import scoring

PAGE_SIZE = 50
MIN_PER_BUCKET = 5

page = shell.start("sentiment")
f, lang, t = page.filters, page.lang, page.t

with page.guard():
    status = page.q(queries.stage_status)
    if status["scored"] == 0:
        components.stage_missing(lang, t("sentiment.what"))
        st.stop()

    dims = ["brand", "source", "lang"]
    by = st.segmented_control(t("common.split"), dims, format_func=lambda d: t(f"common.dim.{d}"),
                              default=page.param("by", "brand") if page.param("by", "brand") in dims else "brand",
                              key="s_by") or "brand"
    page.set_param("by", by, default="brand")
    bucket = queries.bucket_for(f)
    series = page.q(queries.sentiment_series, f, by, bucket)
    if series.empty:
        page.empty()
        st.stop()
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(charts.sentiment_share(series, lang, by=by, bucket=bucket, title=t("sentiment.over_time"),
                                               min_n=MIN_PER_BUCKET), key="sentiment_share")
        st.caption(t("sentiment.share_note", min=MIN_PER_BUCKET))
    with right:
        mix = page.q(queries.sentiment_breakdown, f, by)
        st.plotly_chart(charts.sentiment_mix(mix, lang, by=by, title=t("sentiment.by_group")), key="sentiment_mix")
    st.plotly_chart(charts.sentiment_stack(series, lang, bucket=bucket, title=t("sentiment.labels_time")),
                    key="sentiment_stack")

with page.guard():
    st.subheader(t("sentiment.table"))
    orders = {"negative": ("sentiment_compound", False), "positive": ("sentiment_compound", True),
              "recent": ("created_at", True)}
    order = st.radio(t("sentiment.order"), list(orders), format_func=lambda o: t(f"sentiment.order.{o}"),
                     horizontal=True, key="s_order")
    sort, descending = orders[order]
    rows = page.q(queries.mentions_page, f, sort=sort, descending=descending, limit=PAGE_SIZE)
    fixes = page.q(queries.corrections, list(zip(rows["source"], rows["id"], strict=True)))
    rows = rows.merge(fixes[["source", "id", "label"]].rename(columns={"label": "correction"}),
                      on=["source", "id"], how="left")
    event = components.mentions_table(
        rows, lang, key="sentiment_table",
        columns=["created_at", "text", "sentiment_label", "sentiment_compound", "correction", "brand", "source",
                 "lang", "author_name", "link"],
        widths={"text": "medium", "correction": "small", "author_name": "small"})  # fits the page's width
    row = components.selected_row(event, rows)

    st.subheader(t("sentiment.correct"))
    saved = st.session_state.pop("s_saved", None)
    if saved:  # the run after a save: the table above already shows the new label
        st.success(t("sentiment.correct_saved", source=md(saved[0]), id=md(saved[1]),
                     label=t(f"sentiment.{saved[2]}")))
    if row is None:
        st.caption(t("sentiment.correct_help"))
    else:
        st.text(row["text"])
        labels = [s for s in SENTIMENTS if s != "unscored"]
        current = row["correction"] if row["correction"] in labels else \
            row["sentiment_label"] if row["sentiment_label"] in labels else "neutral"
        with st.form("correct_label"):
            label = st.radio(t("sentiment.correct_label"), labels, index=labels.index(current),
                             format_func=lambda v: t(f"sentiment.{v}"), horizontal=True, key="s_label")
            if st.form_submit_button(t("sentiment.correct_save")):
                scoring.save_correction(page.store, row["source"], row["id"], label)
                st.session_state["s_saved"] = (row["source"], row["id"], label)
                st.rerun()
