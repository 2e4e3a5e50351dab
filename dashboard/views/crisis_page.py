"""Crisis, for the PR team: whose incidents these are, the open incident first, each incident with its numbers
and how the brand's accounts answered it, the posts that drive it (each opening its cascade on the Diffusion
page), volume spikes of the brand and its competitors, and the alerts that were sent."""

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard import analysis, charts, components, fmt, i18n, kpi, queries, shell
from dashboard.filters import NONE
from dashboard.safety import md, safe_urls
from viralscope import crisis, kpi_registry

page = shell.start("crisis")
f, lang, t = page.filters, page.lang, page.t

#: Above this, "× expected" divides by almost nothing: shown as "> 1,000×" (the counts say more).
RATIO_CAP = 1_000


def ratio_text(ratio) -> str:
    """"2.8×" (one decimal); "> 1,000×" past ``RATIO_CAP``; "new burst" when nothing was expected."""
    if ratio is None or pd.isna(ratio):
        return t("crisis.new_burst")
    if ratio > RATIO_CAP:
        return t("crisis.ratio_above", cap=fmt.number(RATIO_CAP, lang))
    return t("crisis.ratio", ratio=fmt.number(ratio, lang, digits=1))


# Column widths in pixels: a table's columns fit the page's 1,030-pixel content width of a 1,440-pixel window
# (header words that do not fit keep their help, one hover away).
WHEN, COUNT, NARROW = 130, 90, 75


def label(column: str, *, help_key: str | None = None, width: int | None = None):
    return st.column_config.TextColumn(t(f"crisis.col.{column}"), help=t(help_key) if help_key else None, width=width)


def when(column: str, help_key: str | None = None):
    return st.column_config.DatetimeColumn(t(f"crisis.col.{column}"), format="YYYY-MM-DD HH:mm",
                                           help=t(help_key) if help_key else None, width=WHEN)


def count(column: str, help_key: str | None = None, width: int = COUNT):
    return st.column_config.NumberColumn(t(f"crisis.col.{column}"), format="localized",
                                         help=t(help_key) if help_key else None, width=width)


def show(df: pd.DataFrame, config: dict, key: str) -> None:
    """A table of the columns ``config`` names, in its order (text as plain text, never HTML)."""
    view = df[list(config)].assign(**{c: df[c].map(components.plain) for c in ("text", "author") if c in config})
    view.attrs = {}  # the detector's notes stay with the page, not in the table Streamlit serializes
    st.dataframe(view, column_config=config, hide_index=True, width="stretch", key=key, placeholder=fmt.MISSING)


def response_cells(result, *, said: bool) -> tuple[str, str]:
    """An incident's answer rate ("62% of 13") and median time to the first answer; n/a with its reason, or
    bare "n/a" when ``said`` (every incident has the same reason, given once under the table)."""
    na = t("common.na") if said else t("crisis.response_na", reason=kpi_registry.reason(result, lang))
    rate = result.get("answer_rate")
    if rate is None:
        return na, t("common.na")
    rate = t("crisis.response_rate_of", rate=fmt.percent(rate, lang, digits=0), n=fmt.number(result.get("n"), lang))
    minutes = result.get("estimate") if result.get("status") == "ok" else None
    return rate, fmt.minutes(minutes, lang) if minutes is not None else na


def shared_reason(results) -> str | None:
    """The reason every incident's response is n/a for, when it is one (no accounts configured, say)."""
    reasons = {kpi_registry.reason(r, lang) if r.get("answer_rate") is None else None for r in results}
    return reasons.pop() if len(reasons) == 1 else None


def in_words(found: pd.DataFrame, counted: str) -> pd.DataFrame:
    """What incidents and spikes share, as shown: severity in words, whole counts, the expectation to one
    decimal, the ratio as a multiple."""
    return found.assign(**{
        "severity": found["severity"].map(lambda v: t(f"crisis.severity.{v}")),
        counted: pd.to_numeric(found[counted]).round().astype("Int64"),
        "expected": pd.to_numeric(found["expected"]).round(1), "ratio": found["ratio"].map(ratio_text)})


def span_columns(counted: str, label_key: str, help_key: str, expected_help: str, ratio_help: str) -> dict:
    """The columns incidents and spikes share: when, how bad, how many against how many expected."""
    return {
        "start": when("start"),
        "end": when("end", "crisis.help.end"),
        "severity": label("severity", help_key="crisis.help.severity", width=NARROW),
        counted: count(label_key, help_key),
        "expected": st.column_config.NumberColumn(t("crisis.col.expected"), format="%.1f", help=t(expected_help),
                                                  width=NARROW),
        "ratio": label("ratio", help_key=ratio_help, width=NARROW),
    }


def incident_table(order: pd.DataFrame) -> pd.DataFrame:
    """The incidents (``analysis.crises``: the open one first, then the rest latest first) in words."""
    said = shared_reason(order["response"]) is not None
    cells = [response_cells(r, said=said) for r in order["response"]]
    return in_words(order, "negatives").assign(
        status=order["ongoing"].map(lambda o: t("crisis.status.open" if o else "crisis.status.ended")),
        response_rate=[c[0] for c in cells], response_time=[c[1] for c in cells],
        channel=order["channel"].map(lambda v: t(f"crisis.channel.{v}") if f"crisis.channel.{v}" in i18n.STRINGS
                                     else str(v)),
    )


def diffusion_link(source, cascade_id) -> str | None:
    """The relative link that opens a cascade on the Diffusion page (its tree and details)."""
    if not isinstance(cascade_id, str) or not isinstance(source, str):
        return None
    params = {"cascade": cascade_id, "source": source}
    if lang != i18n.default_language():
        params["lang"] = lang
    return "/diffusion?" + urlencode(params)


def drivers_on_request(caption: str, button: str, key, fn, *args, **kwargs) -> dict | None:
    """Drivers read the texts of an incident's mentions (seconds at a million mentions): only when asked."""
    wanted = st.session_state.setdefault("c_drivers", set())
    if key not in wanted and st.button(t(caption), key=button):
        wanted.add(key)
    return page.q(fn, *args, **kwargs) if key in wanted else None


def show_drivers(found: dict | None, *, negative: bool, key: str) -> None:
    if not found:
        return
    st.caption(t("crisis.posts"))
    posts = found["posts"]
    if posts.empty:
        st.caption(t("crisis.no_posts"))
    else:
        table = posts.assign(link=safe_urls(posts["url"]),
                             diffusion=[diffusion_link(s, c) for s, c in zip(posts["source"], posts["cascade_id"],
                                                                               strict=True)])
        show(table, {
            "text": st.column_config.TextColumn(t("crisis.col.text"), width=300),
            "link": st.column_config.LinkColumn(t("crisis.col.link"), display_text=t("common.open"), width=NARROW),
            "diffusion": st.column_config.LinkColumn(t("crisis.col.diffusion"), display_text=t("crisis.open_cascade"),
                                                     help=t("crisis.help.diffusion"), width=110),
            "author": label("author", help_key="crisis.help.author", width=150),
            "observed": count("observed_negative" if negative else "observed_all", "crisis.help.observed"),
            "followers": count("followers", "crisis.help.reach", width=NARROW),
            "shares": count("shares", "crisis.help.reach", width=NARROW),
            "created_at": when("posted"),
        }, key=f"{key}_posts")
    st.caption(t("crisis.terms"))
    terms = found["terms"]
    if terms.empty:
        st.caption(t("crisis.no_terms"))
    else:
        show(terms.assign(ratio=terms["ratio"].map(
            lambda r: t("crisis.new_term") if r is None or pd.isna(r) else ratio_text(r))), {
            "term": label("term"),
            "count": count("term_count", "crisis.help.term_count"),
            "ratio": label("term_ratio", help_key="crisis.help.term_ratio"),
        }, key=f"{key}_terms")


def show_coverage(covered: analysis.Coverage) -> None:
    """Say whose incidents these are (brand names are data: Markdown-escaped)."""
    if covered.default and covered.brands:
        st.caption(t("crisis.covers_default", brand=md(covered.brands[0])))
    elif covered.default:
        st.caption(t("crisis.covers_all"))
    else:
        st.caption(t("crisis.covers_filter", brands=", ".join(t("filters.none") if b == NONE else md(b)
                                                              for b in covered.brands)))


with page.guard():
    status = page.q(queries.stage_status)
    if status["scored"] == 0:
        components.stage_missing(lang, t("crisis.unscored"))
        st.stop()
    show_coverage(page.q(analysis.coverage, f))
    found = page.q(analysis.crises, f)
    if found is None:  # no scored mention in the window
        series, incidents = page.q(analysis.hourly_negatives, f), None
    else:
        incidents, series = found
        if incidents.attrs.get("note"):
            st.info(t("crisis.history", days=incidents.attrs["history_days"], needed=incidents.attrs["history_needed"]))
        blind = incidents.attrs.get("unjudged")
        if blind:  # "no incident" would otherwise speak of hours the detector never scored
            st.info(t("crisis.unjudged", start=fmt.datetime(blind["start"], lang), end=fmt.datetime(blind["end"], lang),
                      negatives=f"{blind['negatives']:,}"))
        open_now = incidents[incidents["ongoing"]]
        if len(open_now):
            row = open_now.iloc[0]
            severity = t(f"crisis.severity.{row['severity']}")
            if row["ratio"] is None or pd.isna(row["ratio"]):
                st.error(t("crisis.status_open_new", start=fmt.datetime(row["start"], lang), severity=severity))
            else:
                st.error(t("crisis.status_open", start=fmt.datetime(row["start"], lang), severity=severity,
                           ratio=ratio_text(row["ratio"])))
        elif not incidents.attrs.get("note") and not (blind and blind["end"] > series["t"].max()):
            st.success(t("crisis.status_ok"))  # only when the latest hours were judged
    if series.empty:
        page.empty()
        st.stop()
    st.plotly_chart(charts.crisis_series(series, incidents, lang, title=t("crisis.hourly")), key="crisis_series")

    if incidents is not None:
        st.subheader(t("crisis.timeline"))
        if incidents.empty:
            st.caption(t("crisis.none"))
        else:
            timeline = incident_table(incidents)
            show(timeline, {
                "status": label("status", width=NARROW),
                **span_columns("negatives", "negatives", "crisis.help.negatives", "crisis.help.expected",
                               "crisis.help.ratio"),
                "response_rate": label("response_rate", help_key="crisis.help.response_rate", width=COUNT),
                "response_time": label("response_time", help_key="crisis.help.response_time", width=COUNT),
                "channel": label("channel", help_key="crisis.help.channel", width=160),
            }, key="incidents")
            st.caption(t("crisis.channel_caption"))
            st.caption(t("crisis.ratio_caption", cap=ratio_text(RATIO_CAP + 1)))
            st.caption(t("crisis.response_caption", hours=f"{page.q(queries.config).metrics.response_final_hours:g}"))
            why = shared_reason(incidents["response"])
            if why:
                st.caption(t("crisis.response_na_all", reason=why))
            labels = {i: f"{r['status']} · {fmt.datetime(r['start'], lang)} · {r['severity']} · {r['ratio']}"
                      for i, r in timeline.iterrows()}
            choice = st.selectbox(t("crisis.drivers"), list(labels), format_func=labels.get, key="c_incident")
            row = timeline.iloc[choice]
            show_drivers(drivers_on_request("crisis.find_drivers", "c_find", ("negative", str(row["start"]), str(row["end"]), f),
                                            analysis.drivers, f, row["start"], row["end"]), negative=True,
                         key="c_incident")

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
        table = in_words(latest_first, "observed").assign(brand=named)
        show(table, {
            "brand": label("brand"),
            **span_columns("observed", "observed_all", "crisis.help.volume_observed", "crisis.help.volume_expected",
                           "crisis.help.volume_ratio"),
        }, key="spikes")
        labels = {i: f"{r['brand'] or ''} · {fmt.datetime(r['start'], lang)} · {r['severity']} · {r['ratio']}"
                  for i, r in table.iterrows()}
        choice = st.selectbox(t("crisis.volume_drivers"), list(labels), format_func=labels.get, key="c_spike")
        row = latest_first.iloc[choice]
        show_drivers(drivers_on_request("crisis.find_posts", "c_find_posts", ("volume", row["brand"], str(row["start"]), f),
                                        analysis.drivers, f, row["start"], row["end"], brand=row["brand"], label=None),
                     negative=False, key="c_spike")

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

with page.guard():
    st.subheader(t("crisis.alerts"))
    sent = page.q(crisis.alert_history)
    if sent.empty:
        st.info(t("crisis.alerts_none"))
    else:
        st.caption(t("crisis.alerts_caption", n=fmt.number(len(sent), lang)))
        show(sent.assign(
            what=sent["kind"].map(lambda k: t(f"crisis.alert_kind.{k}") if f"crisis.alert_kind.{k}" in i18n.STRINGS
                                  else str(k)),
            brand=[t("crisis.competitor", brand=b) if c else b for b, c in zip(sent["brand"], sent["competitor"],
                                                                                 strict=True)],
            severity=sent["severity"].map(lambda v: t(f"crisis.severity.{v}") if f"crisis.severity.{v}" in i18n.STRINGS
                                          else fmt.MISSING),
            target=sent["target"].map(lambda v: t(f"crisis.target.{v}") if f"crisis.target.{v}" in i18n.STRINGS
                                      else t("crisis.target.other")),
            state=sent["state"].map(lambda v: t(f"crisis.state.{v}") if f"crisis.state.{v}" in i18n.STRINGS
                                    else fmt.MISSING),
        ), {
            "sent_at": when("sent_at"),
            "what": label("what"),
            "brand": label("brand"),
            "severity": label("severity", help_key="crisis.help.severity"),
            "start": when("incident_start"),
            "target": label("target", help_key="crisis.help.target"),
            "state": label("state", help_key="crisis.help.state"),
        }, key="alerts_sent")
