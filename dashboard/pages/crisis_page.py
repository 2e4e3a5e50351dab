"""Crisis: live status, negative mentions against the seasonal expectation, incidents, drivers, response times."""

import pandas as pd
import streamlit as st

from dashboard import analysis, charts, components, fmt, kpi, queries, shell

page = shell.start("crisis")
f, lang, t = page.filters, page.lang, page.t

with page.guard():
    status = page.q(queries.stage_status)
    if status["scored"] == 0:
        components.stage_missing(lang, t("crisis.unscored"))
        st.stop()
    found = page.q(analysis.crises, f)
    if found is None:  # no scored mention in the window
        series, incidents = page.q(queries.hourly_negatives, f), None
    else:
        incidents, series = found
        open_now = incidents[incidents["ongoing"]] if "ongoing" in incidents else incidents.iloc[0:0]
        if len(open_now):
            row = open_now.iloc[-1]
            st.error(t("crisis.status_open", start=fmt.datetime(row["start"], lang),
                       severity=t(f"crisis.severity.{row['severity']}"), ratio=f"{row['ratio']:.1f}"))
        else:
            st.success(t("crisis.status_ok"))
    if series.empty:
        components.filtered_empty(lang)
        st.stop()
    st.plotly_chart(charts.crisis_series(series, incidents, lang, title=t("crisis.hourly")), key="crisis_series")

    if incidents is not None:
        st.subheader(t("crisis.timeline"))
        if incidents.empty:
            st.caption(t("crisis.none"))
        else:
            latest_first = incidents.iloc[::-1].reset_index(drop=True)
            timeline = latest_first[["start", "end", "severity", "ratio", "negatives", "expected", "channel"]].assign(
                severity=latest_first["severity"].map(lambda v: t(f"crisis.severity.{v}")))
            components.table(timeline, lang, key="incidents")
            labels = {i: f"{fmt.datetime(r['start'], lang)} · {t('crisis.severity.' + r['severity'])} · "
                         f"{r['ratio']:.1f}×" for i, r in latest_first.iterrows()}
            # Drivers read the texts of the incident's mentions (seconds at a million mentions): only for the
            # incident chosen, and only when asked.
            choice = st.selectbox(t("crisis.drivers"), list(labels), format_func=labels.get, key="c_incident")
            row = latest_first.iloc[choice]
            wanted = st.session_state.setdefault("c_drivers", set())
            key = (str(row["start"]), str(row["end"]), f)
            if key not in wanted and st.button(t("crisis.find_drivers"), key="c_find"):
                wanted.add(key)
            found = page.q(analysis.drivers, f, row["start"], row["end"]) if key in wanted else None
            if found:
                c1, c2 = st.columns(2)
                c1.caption(t("crisis.cascades"))
                c1.dataframe(pd.DataFrame(found.get("cascades", [])), hide_index=True, width="stretch")
                c2.caption(t("crisis.terms"))
                c2.dataframe(pd.DataFrame(found.get("terms", [])), hide_index=True, width="stretch")

with page.guard():
    st.subheader(t("crisis.response"))
    config = page.q(queries.config)
    args = kpi.metric_args(f, config)
    if not config.accounts_of(args[2]):  # the accounts of the brand in view: a competitor answers for itself
        st.info(t("crisis.no_accounts"))
    elif page.computed(kpi.metric_kpis, *args) or st.button(t("crisis.compute_response"), key="c_response"):
        # The KPIs of the Overview (one cached computation, seconds at a million mentions): shown at once
        # when this session has them already, else on request.
        cards = page.q(kpi.metric_kpis, *args)
        components.kpi_row([c for c in cards if c["key"] in kpi.RESPONSE], lang, per_row=3)
