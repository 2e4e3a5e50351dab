"""Sources: per source, mentions stored, last collection, errors and rate-limit state."""

import streamlit as st

from dashboard import charts, components, queries, shell

page = shell.start("sources")
f, lang, t = page.filters, page.lang, page.t


with page.guard():
    st.subheader(t("sources.summary"))
    summary = page.q(queries.sources_summary)
    components.table(summary, lang)
    bucket = queries.bucket_for(f)
    by_source = page.q(queries.volume, f, "source", bucket)
    if by_source.empty:
        page.empty()
    else:
        st.plotly_chart(charts.volume(by_source, lang, by="source", bucket=bucket, title=t("sources.volume"),
                                      stacked=True), key="sources_volume")

with page.guard():
    st.subheader(t("sources.runs"))
    runs = page.q(queries.recent_runs)
    if runs.empty:
        st.info(t("sources.no_runs"))
    else:
        components.table(runs, lang)
