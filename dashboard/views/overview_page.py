"""Overview: key figures with their intervals, and mention volume over time by brand and by source."""

import pandas as pd
import streamlit as st

from dashboard import charts, components, kpi, queries, shell
from dashboard.safety import md

HEADLINE = len(kpi.HEADLINE)

page = shell.start("overview")
f, lang, t = page.filters, page.lang, page.t

with page.guard():
    if page.q(queries.count_mentions, f) == 0:  # say why first, not under a screen of n/a cards
        page.empty()
        st.stop()

with page.guard():
    config = page.q(queries.config)
    cards = page.q(kpi.metric_kpis, *kpi.metric_args(f, config))
    # Each heading names whom its cards are about: the KPIs one brand, the volume counts every brand in view.
    brand = cards[0].get("brand") if cards else None
    st.subheader(t("overview.kpis_of", brand=md(brand)) if brand else t("overview.kpis"))
    if f.start is not None and f.start <= page.info["first"]:
        st.info(t("overview.no_baseline"))
    components.kpi_row(cards[:HEADLINE], lang, per_row=3)
    with st.expander(t("overview.more_kpis")):
        components.kpi_row(cards[HEADLINE:], lang, per_row=3)
    volume = page.q(kpi.volume_kpis, f, lang)
    st.subheader(t("overview.volume_of", scope=components.scope_text(volume[0], lang)))
    components.kpi_row(volume, lang, per_row=5)

with page.guard():
    bucket = queries.bucket_for(f)
    bands = [(t("overview.campaign", name=c.name), pd.Timestamp(c.start), pd.Timestamp(c.end))
             for c in config.campaigns]
    both = page.q(queries.volume_by_brand_and_source, f, bucket)
    by_brand = queries.split_volume(both, "brand")
    if by_brand.empty:
        page.empty()
        st.stop()
    st.plotly_chart(charts.volume(by_brand, lang, by="brand", bucket=bucket, title=t("overview.volume_brand"),
                                  bands=bands), key="volume_brand")
    by_source = queries.split_volume(both, "source")
    st.plotly_chart(charts.volume(by_source, lang, by="source", bucket=bucket, title=t("overview.volume_source"),
                                  stacked=True), key="volume_source")
