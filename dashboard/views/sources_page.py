"""Sources: per source, mentions stored, last collection, errors and rate-limit state."""

import pandas as pd
import streamlit as st

from dashboard import charts, components, fmt, queries, shell

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
    st.subheader(t("sources.watch"))
    health = page.q(queries.watch_health)
    last = health["last"]
    if last is None:
        st.info(t("sources.watch_none"))
    else:
        ago = max(0.0, (pd.Timestamp.now(tz="UTC") - last["finished_at"]).total_seconds() / 60)
        st.caption(t("sources.watch_last", status=last["status"], finished=f"{last['finished_at']:%Y-%m-%d %H:%M:%S}",
                     ago=fmt.number(round(ago), lang), cycles=fmt.number(health["cycles_24h"], lang),
                     sent=fmt.number(health["alerts_sent_24h"], lang)))
        if ago > 10:
            st.warning(t("sources.watch_stale", ago=fmt.number(round(ago), lang)))
        components.table(health["sources"], lang, key="watch_sources")

with page.guard():
    st.subheader(t("sources.runs"))
    runs = page.q(queries.recent_runs)
    if runs.empty:
        st.info(t("sources.no_runs"))
    else:
        components.table(runs, lang)
