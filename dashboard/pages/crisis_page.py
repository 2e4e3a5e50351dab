"""Crisis: live status, negative mentions against the seasonal expectation, incidents, drivers, response times."""

import streamlit as st

from dashboard import analysis, charts, components, fmt, queries, shell, stages

page = shell.start("crisis")
f, lang, t = page.filters, page.lang, page.t

with page.guard():
    status = page.q(queries.stage_status)
    if status["scored"] == 0:
        components.stage_missing(lang, t("crisis.unscored"))
        st.stop()
    found = page.q(analysis.crises, f)
    if found is None:
        if stages.detect_crises() is None:
            components.module_missing(lang, t("crisis.detection"), "metrics")
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
        for i, row in incidents.iloc[::-1].iterrows():
            title = (f"{fmt.datetime(row['start'], lang)} – {fmt.datetime(row['end'], lang)} · "
                     f"{t('crisis.severity.' + row['severity'])} · {row['ratio']:.1f}×")
            with st.expander(title, expanded=i == len(incidents) - 1):
                found = page.q(analysis.drivers, f, row["start"], row["end"])
                if found:
                    c1, c2 = st.columns(2)
                    c1.caption(t("crisis.cascades"))
                    c1.dataframe(found.get("cascades", []), hide_index=True, width="stretch")
                    c2.caption(t("crisis.terms"))
                    c2.dataframe(found.get("terms", []), hide_index=True, width="stretch")

with page.guard():
    st.subheader(t("crisis.response"))
    if stages.response_times() is None:
        components.module_missing(lang, t("crisis.response"), "metrics")
    else:
        config = page.q(queries.config)
        if not config.brand_accounts:
            st.info(t("crisis.no_accounts"))
        else:
            r = page.q(analysis.responses, f, tuple(config.brand_accounts))
            components.kpi_row([
                {"key": "median", "label": t("crisis.response_median"), "value": r.get("estimate"),
                 "ci_low": r.get("ci_low"), "ci_high": r.get("ci_high"), "unit": "minutes",
                 "status": r.get("status", "ok"), "reason": r.get("reason"), "window": f.window, "n": r.get("n"),
                 "definition": t("crisis.response_def")},
                {"key": "p90", "label": t("crisis.response_p90"), "value": r.get("p90_minutes"), "unit": "minutes",
                 "status": "ok" if r.get("p90_minutes") is not None else "n/a", "window": f.window, "n": r.get("n"),
                 "definition": t("crisis.response_def")},
                {"key": "within", "label": t("crisis.response_within"), "value": r.get("share_within"),
                 "unit": "percent", "status": "ok" if r.get("share_within") is not None else "n/a",
                 "window": f.window, "n": r.get("n"), "definition": t("crisis.response_def")},
            ], lang, per_row=3)
