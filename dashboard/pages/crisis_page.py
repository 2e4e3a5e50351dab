"""Crisis: live status, negative mentions against the seasonal expectation, incidents and volume spikes with what
drives them, response times."""

import pandas as pd
import streamlit as st

from dashboard import analysis, charts, components, fmt, kpi, queries, shell

page = shell.start("crisis")
f, lang, t = page.filters, page.lang, page.t


def ratio_text(ratio) -> str:
    return t("crisis.new_burst") if ratio is None or pd.isna(ratio) else f"{ratio:.1f}×"


def drivers_on_request(caption: str, button: str, key, fn, *args, **kwargs) -> dict | None:
    """Drivers read the texts of an incident's mentions (seconds at a million mentions): only when asked."""
    wanted = st.session_state.setdefault("c_drivers", set())
    if key not in wanted and st.button(t(caption), key=button):
        wanted.add(key)
    return page.q(fn, *args, **kwargs) if key in wanted else None


def show_drivers(found: dict | None) -> None:
    if found:
        c1, c2 = st.columns(2)
        with c1:
            st.caption(t("crisis.posts"))
            components.table(analysis.posts_table(found), lang)
        c2.caption(t("crisis.terms"))
        c2.dataframe(pd.DataFrame(found.get("terms", [])), hide_index=True, width="stretch")


with page.guard():
    status = page.q(queries.stage_status)
    if status["scored"] == 0:
        components.stage_missing(lang, t("crisis.unscored"))
        st.stop()
    found = page.q(analysis.crises, f)
    if found is None:  # no scored mention in the window
        series, incidents = page.q(analysis.hourly_negatives, f), None
    else:
        incidents, series = found
        if incidents.attrs.get("note"):
            st.info(t("crisis.history", days=incidents.attrs["history_days"], needed=incidents.attrs["history_needed"]))
        open_now = incidents[incidents["ongoing"]] if "ongoing" in incidents else incidents.iloc[0:0]
        if len(open_now):
            row = open_now.iloc[-1]
            severity = t(f"crisis.severity.{row['severity']}")
            if row["ratio"] is None or pd.isna(row["ratio"]):
                st.error(t("crisis.status_open_new", start=fmt.datetime(row["start"], lang), severity=severity))
            else:
                st.error(t("crisis.status_open", start=fmt.datetime(row["start"], lang), severity=severity,
                           ratio=f"{row['ratio']:.1f}"))
        elif not incidents.attrs.get("note"):
            st.success(t("crisis.status_ok"))
    if series.empty:
        page.empty()
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
                         f"{ratio_text(r['ratio'])}" for i, r in latest_first.iterrows()}
            choice = st.selectbox(t("crisis.drivers"), list(labels), format_func=labels.get, key="c_incident")
            row = latest_first.iloc[choice]
            show_drivers(drivers_on_request("crisis.find_drivers", "c_find", ("negative", str(row["start"]), str(row["end"]), f),
                                            analysis.drivers, f, row["start"], row["end"]))

with page.guard():
    st.subheader(t("crisis.volume"))
    st.caption(t("crisis.volume_caption"))
    spikes = page.q(analysis.volume_spikes, f)
    for brand, note in spikes.attrs.get("notes", []):
        st.info(t("crisis.volume_history", brand=brand or "—", days=note["history_days"], needed=note["history_needed"]))
    if spikes.empty:
        st.caption(t("crisis.volume_none"))
    else:
        latest_first = spikes.iloc[::-1].reset_index(drop=True)
        named = latest_first.apply(
            lambda r: t("crisis.competitor", brand=r["brand"]) if r["competitor"] else r["brand"], axis=1)
        table = latest_first[["brand", "start", "end", "severity", "ratio", "observed", "expected"]].assign(
            brand=named, severity=latest_first["severity"].map(lambda v: t(f"crisis.severity.{v}")))
        components.table(table, lang, key="spikes")
        labels = {i: f"{named[i] or ''} · {fmt.datetime(r['start'], lang)} · {t('crisis.severity.' + r['severity'])} · "
                     f"{ratio_text(r['ratio'])}" for i, r in latest_first.iterrows()}
        choice = st.selectbox(t("crisis.volume_drivers"), list(labels), format_func=labels.get, key="c_spike")
        row = latest_first.iloc[choice]
        show_drivers(drivers_on_request("crisis.find_posts", "c_find_posts", ("volume", row["brand"], str(row["start"]), f),
                                        analysis.drivers, f, row["start"], row["end"], brand=row["brand"], label=None))

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
