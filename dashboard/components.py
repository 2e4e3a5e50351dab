"""The pieces pages are built from: KPI cards, tables of mentions, empty states, stage messages.

Text from the store goes into tables (drawn as plain text) or ``st.text``; values that must sit inside a
Markdown string are escaped with ``safety.md``. Nothing here uses ``unsafe_allow_html``.
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from dashboard import fmt, i18n
from dashboard.safety import md, safe_urls
from viralscope import kpi_registry


def format_value(value, unit: str | None, lang: str, currency: str | None = None) -> str:
    """A KPI's number on a card (``kpi_registry.format_value``, compact style; money with its ``currency``)."""
    return kpi_registry.format_value(value, unit, lang, compact_style=True, currency=currency or "",
                                     na=i18n.t("common.na", lang))


def n_text(n, lang: str) -> str:
    """What a KPI is computed from, each count named: ``window 7,669; baseline 6,564`` (a bare count alone)."""
    return kpi_registry.n_text(n, lang)


def _window_text(window, lang: str) -> str:
    if not window:
        return fmt.MISSING
    start, end = (window["start"], window["end"]) if isinstance(window, dict) else window
    # Windows are half-open: the last day shown is the day before ``end``.
    last = pd.Timestamp(end) - pd.Timedelta(days=1)
    return fmt.date_range(pd.Timestamp(start), last, lang)


def scope_text(k: dict, lang: str) -> str:
    """Which brands a card covers: its one ``brand``, the ``brands`` a count is filtered to, or all in view."""
    brand = k.get("brand") or (k["brands"][0] if len(k.get("brands") or ()) == 1 else None)
    if brand:
        return i18n.t("common.scope_brand", lang, brand=md(brand))
    if k.get("brands"):
        return i18n.t("common.scope_brands", lang, brands=", ".join(md(b) for b in k["brands"]))
    return i18n.t("common.scope_all", lang)


#: The colour of a clear change by whether it is good news; a change that is not clear is grey, without arrow.
_DELTA_COLOR = {True: "green", False: "red", None: "gray"}


def delta(k: dict, lang: str) -> dict:
    """The ``st.metric`` arguments that show a change KPI's direction at a glance: an arrow and a colour only
    when its interval excludes 0 (``kpi_registry.judge``), "no clear change" in grey otherwise, nothing for a
    KPI that is not a change or has no interval."""
    ok = k.get("status", "ok") == "ok" and k.get("value") is not None
    v, good = kpi_registry.judge(k.get("key"), k.get("ci_low"), k.get("ci_high")) if ok else (None, None)
    if v is None:
        return {}
    return {"delta": kpi_registry.verdict_text(v, lang, k.get("key")), "delta_color": _DELTA_COLOR[good],
            "delta_arrow": v if v in ("up", "down") else "off"}


def kpi_card(k: dict, lang: str) -> None:
    """One KPI: value with its direction, interval, scope (brand, window, baseline), n, why n/a, what it tells
    in plain words (the help tooltip) and how it is computed (one click away)."""
    ok = k.get("status", "ok") == "ok" and k.get("value") is not None
    key = k.get("key")
    known = key in kpi_registry.REGISTRY
    label = kpi_registry.label(key, lang) if known else k.get("label")
    definition = k.get("definition")
    if known and lang != "en":  # the KPI's own definition adds its settings in English
        definition = kpi_registry.definition(key, lang)
    about = kpi_registry.help_text(key, lang) if known else None
    unit, currency = k.get("unit"), k.get("currency")
    with st.container(border=True):
        st.metric(md(label or key or ""), format_value(k.get("value") if ok else None, unit, lang, currency),
                  help=md(about) if about else None, **delta(k, lang))
        lines = [scope_text(k, lang)]
        if ok and k.get("ci_low") is not None and k.get("ci_high") is not None:
            lines.append(f"{i18n.t('common.ci', lang)}: {format_value(k['ci_low'], unit, lang, currency)} … "
                         f"{format_value(k['ci_high'], unit, lang, currency)}")
        if not ok and k.get("reason"):
            lines.append(md(kpi_registry.reason(k, lang)))
        lines.append(f"{i18n.t('common.window', lang)}: {_window_text(k.get('window'), lang)}")
        if k.get("baseline"):
            lines.append(f"{i18n.t('common.baseline', lang)}: {_window_text(k['baseline'], lang)}")
        if k.get("n") is not None:
            lines.append(f"{i18n.t('common.n', lang)}: {n_text(k['n'], lang)}")
        if k.get("own_brand") and k.get("reason_code") != "own_brand_only":  # that reason says it already
            lines.append(i18n.t("common.own_data", lang, brand=md(k["own_brand"])))
        st.caption("  \n".join(lines))
        if definition:
            with st.popover(i18n.t("common.how", lang), icon=":material/functions:", type="tertiary"):
                st.markdown(md(definition))


def kpi_row(kpis: list[dict], lang: str, per_row: int = 4) -> None:
    for i in range(0, len(kpis), per_row):
        cols = st.columns(per_row)
        for col, k in zip(cols, kpis[i : i + per_row], strict=False):
            with col:
                kpi_card(k, lang)


def empty_store(lang: str, store) -> None:
    """What an empty store shows: the three ways to get mentions in, as commands to copy."""
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    st.subheader(t("empty.title"))
    st.markdown(t("empty.body", path=md(store.path)))
    st.markdown(t("empty.demo"))
    st.code("viralscope demo", language="bash")
    st.markdown(t("empty.import"))
    st.code("viralscope import mentions.csv\nviralscope import-conversions daily.csv", language="bash")
    st.markdown(t("empty.collect"))
    st.code('viralscope collect hackernews --query \'"your brand"\'', language="bash")
    st.markdown(t("empty.analyze"))
    st.code("viralscope analyze", language="bash")


def filtered_empty(lang: str, filters=None, span=None, show=None) -> None:
    """Why a view is empty and what would fill it: ``span`` is the first and last day holding mentions under
    the other filters (None: none at any date); ``show`` is the callback that moves the dates there."""
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    if filters is None or filters.start is None:
        st.info(t("empty.filtered"))
        return
    dates = fmt.date_range(filters.start, filters.end, lang)
    if span is None:
        st.info(t("empty.no_match", dates=dates))
        return
    st.info(t("empty.no_dates", dates=dates, span=fmt.date_range(*span, lang)))
    if show is not None:
        st.button(t("empty.show_span", span=fmt.date_range(*span, lang)), on_click=show, key="empty_show_span",
                  icon=":material/date_range:")


def stage_missing(lang: str, what: str, command: str = "viralscope analyze") -> None:
    st.info(i18n.t("stage.missing", lang, what=what, command=command))


def _labels(lang: str, columns) -> dict:
    out = {}
    for c in columns:
        key = f"col.{c}"
        if key in i18n.STRINGS:
            out[c] = i18n.t(key, lang)
    return out


#: Columns that hold text as a source wrote it (some sources send it HTML-escaped: "&amp;" for "&").
TEXT_COLUMNS = ("text", "author_name")


def plain(value):
    """Text as it reads: HTML entities decoded once ("&amp;" → "&"). The result is still shown as plain text,
    never as HTML, so decoding "&lt;script&gt;" only makes the characters visible."""
    return html.unescape(value) if isinstance(value, str) and "&" in value else value


def _plain_columns(df: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """Text columns decoded (:func:`plain`); with ``lang``, sources and kinds named in that language."""
    out = df.assign(**{c: df[c].map(plain) for c in TEXT_COLUMNS if c in df.columns})
    if lang is not None:
        from dashboard.charts import kind_name, source_name

        for column, name in (("source", source_name), ("kind", kind_name)):
            if column in out and (out[column].dtype == object or pd.api.types.is_string_dtype(out[column])):
                out[column] = out[column].map(lambda v, name=name: name(v, lang) if isinstance(v, str) else v)
    return out


def mentions_table(df: pd.DataFrame, lang: str, *, key: str, selectable: bool = True,
                   columns: list[str] | None = None, formats: dict[str, str] | None = None,
                   widths: dict[str, str] | None = None):
    """Mentions as a table: text as text, the original post as a link only when it is http(s).

    ``formats`` gives number columns a Streamlit number format (``"percent"``, ``"%.1f"`` …); ``widths``
    sets column widths (``"small"``, ``"medium"``, ``"large"``) where the defaults would not fit.
    """
    view = _plain_columns(df, lang)
    if "url" in view:
        view["link"] = safe_urls(view["url"])
        view = view.drop(columns="url")
    if "sentiment_label" in view:
        view["sentiment_label"] = view["sentiment_label"].map(
            lambda v: i18n.t(f"sentiment.{v}", lang) if isinstance(v, str) and f"sentiment.{v}" in i18n.STRINGS
            else i18n.t("sentiment.unscored", lang))
    if "correction" in view:  # a label a person gave, when there is one
        view["correction"] = view["correction"].map(
            lambda v: i18n.t(f"sentiment.{v}", lang) if isinstance(v, str) and f"sentiment.{v}" in i18n.STRINGS
            else v)
    if "lang" in view:
        view["lang"] = view["lang"].map(lambda v: i18n.language_name(v if isinstance(v, str) else None, lang))
    if columns:
        view = view[[c for c in columns if c in view.columns]]
    labels = _labels(lang, view.columns)
    config = {c: st.column_config.TextColumn(label) for c, label in labels.items()}
    config.update(_time_columns(view, labels))
    if "text" in view:
        config["text"] = st.column_config.TextColumn(labels["text"], width="large")
    if "link" in view:
        config["link"] = st.column_config.LinkColumn(labels["link"], display_text=i18n.t("common.open", lang),
                                                     width="small")
    for c in ("likes", "shares", "replies", "author_followers", "depth", "size", "max_depth", "max_breadth"):
        if c in view:
            config[c] = st.column_config.NumberColumn(labels.get(c, c), format="localized", width="small")
    if "sentiment_compound" in view:
        config["sentiment_compound"] = st.column_config.NumberColumn(labels["sentiment_compound"], format="%.2f",
                                                                     width="small")
    for c in ("source", "lang", "kind", "sentiment_label", "brand"):  # short values: narrow columns
        if c in view and c in labels:
            config[c] = st.column_config.TextColumn(labels[c], width="small")
    config.update(_number_formats(view, labels, formats))
    for c, width in (widths or {}).items():
        if c in config:
            config[c]["width"] = width
    kwargs = {"on_select": "rerun", "selection_mode": "single-row"} if selectable else {}
    return st.dataframe(view, column_config=config, hide_index=True, width="stretch", key=key, placeholder=fmt.MISSING,
                        **kwargs)


def selected_row(event, df: pd.DataFrame):
    """The row a user selected in a table made by :func:`mentions_table`, or None."""
    try:
        rows = event.selection.rows
    except AttributeError:
        return None
    if not rows or rows[0] >= len(df):
        return None
    return df.iloc[rows[0]]


def _detail(title: str, text, facts: dict, url, lang: str) -> None:
    """A panel: a title, a text as plain text, facts as a two-column table, a link only when it is http(s)."""
    from dashboard.safety import safe_url

    with st.container(border=True):
        st.caption(title)
        st.text(plain(text if isinstance(text, str) else ""))
        st.dataframe(pd.DataFrame({"field": list(facts.keys()), "value": list(facts.values())}),
                     column_config={"field": st.column_config.TextColumn(i18n.t("mentions.field", lang)),
                                    "value": st.column_config.TextColumn(i18n.t("mentions.value", lang))},
                     hide_index=True, width="stretch")
        url = safe_url(url)
        if url:
            st.link_button(i18n.t("common.open", lang), url)
        else:
            st.caption(i18n.t("mentions.no_link", lang))


def _facts(row, columns, lang: str) -> dict:
    return {i18n.t(f"col.{c}", lang): _fact(c, row.get(c), lang) for c in columns if c in row.index}


def mention_detail(row, lang: str) -> None:
    """One mention in full: its text as plain text, facts as a table, a link only when it is http(s)."""
    _detail(i18n.t("mentions.detail", lang), row.get("text", ""),
            _facts(row, ("created_at", "source", "author_name", "kind", "brand", "sentiment_label",
                         "sentiment_compound", "likes", "shares", "replies", "lang", "cascade_id", "depth"), lang),
            row.get("url"), lang)


def cascade_detail(row, lang: str) -> None:
    """One cascade: its original post in full and what the tree adds up to (size, depth, breadth, times)."""
    _detail(i18n.t("diffusion.detail", lang), row.get("text", ""),
            _facts(row, ("cascade_id", "source", "author_name", "brand", "sentiment_label", "started_at", "last_at",
                         "size"), lang)
            | {i18n.t("col.max_depth", lang): _fact("depth", row.get("depth"), lang)}
            | _facts(row, ("max_breadth",), lang),
            row.get("url"), lang)


def _fact(column: str, value, lang: str) -> str:
    """One value of a detail panel as the tables show it: UTC time, a signed score with its label, counts with
    separators, translated labels and kinds."""
    if fmt.missing(value):
        return fmt.MISSING
    if column in ("created_at", "started_at", "last_at"):
        return fmt.datetime(value, lang)
    if column == "sentiment_compound":
        return f"{float(value):+.2f}"
    if column == "sentiment_label":
        key = f"sentiment.{value}"
        return i18n.t(key, lang) if key in i18n.STRINGS else str(value)
    if column in ("depth", "size", "max_breadth", "likes", "shares", "replies"):
        return fmt.number(value, lang)
    if column == "lang":
        return i18n.language_name(value, lang)
    if column in ("source", "kind"):
        from dashboard import charts

        return charts.source_name(value, lang) if column == "source" else charts.kind_name(value, lang)
    return str(plain(value))


def _time_columns(df: pd.DataFrame, labels: dict) -> dict:
    return {c: st.column_config.DatetimeColumn(labels.get(c, c), format="YYYY-MM-DD HH:mm")
            for c in df.columns if pd.api.types.is_datetime64_any_dtype(df[c])}


def _number_formats(df: pd.DataFrame, labels: dict, formats: dict[str, str] | None) -> dict:
    return {c: st.column_config.NumberColumn(labels.get(c, c), format=f) for c, f in (formats or {}).items()
            if c in df.columns}


def _is_count(values: pd.Series) -> bool:
    """Integers, also when a missing value made the column float ("21387.0" is a count too)."""
    if pd.api.types.is_bool_dtype(values):
        return False
    if pd.api.types.is_integer_dtype(values):
        return True
    if not pd.api.types.is_float_dtype(values):
        return False
    known = values.dropna()
    return len(known) > 0 and bool((known == known.round()).all())


def table(df: pd.DataFrame, lang: str, *, key: str | None = None, formats: dict[str, str] | None = None) -> None:
    """A plain table with column names in the interface language (text in it is shown as plain text).

    ``formats`` gives number columns a Streamlit number format (``"percent"``, ``"%.1f"`` …).
    """
    labels = {}
    for c in df.columns:
        for k in (f"sources.col.{c}", f"col.{c}"):
            if k in i18n.STRINGS:
                labels[c] = i18n.t(k, lang)
                break
    config = {c: st.column_config.Column(label) for c, label in labels.items()}
    # Counts read with thousands separators ("21,387"), as on the cards.
    config.update({c: st.column_config.NumberColumn(labels.get(c, c), format="localized") for c in df.columns
                   if _is_count(df[c])})
    config.update(_time_columns(df, labels))
    config.update(_number_formats(df, labels, formats))
    df = _plain_columns(df, lang)
    st.dataframe(df, column_config=config, hide_index=True, width="stretch", key=key, placeholder=fmt.MISSING)


# -- the diffusion stage's conclusions in the interface language -----------------------------------------------


def trait_summary(report, lang: str) -> str:
    """What ``diffusion.trait_model`` concluded (its ``message`` says the same in English, with raw trait names)."""
    from dashboard.charts import trait_name

    numbers = {"auc": f"{report.auc:.2f}", "low": f"{report.auc_ci[0]:.2f}", "high": f"{report.auc_ci[1]:.2f}"}
    if not report.reliable:
        return i18n.t("diffusion.traits_summary_none", lang, **numbers)
    top = report.effects[report.effects["significant"]].head(5)
    named = ", ".join(f"{trait_name(r.trait, getattr(r, 'description', None), lang)} ({'+' if r.effect > 0 else '−'})"
                      for r in top.itertuples())
    return i18n.t("diffusion.traits_summary" if named else "diffusion.traits_summary_flat", lang, named=named,
                  **numbers)


def forecast_quality(quality: dict, lang: str) -> str:
    """``diffusion.forecast.describe_quality`` in the interface language."""
    auc = i18n.t("diffusion.quality_auc_na", lang) if quality.get("auc") is None else i18n.t(
        "diffusion.quality_auc", lang, auc=f"{quality['auc']:.2f}", low=f"{quality['auc_ci'][0]:.2f}",
        high=f"{quality['auc_ci'][1]:.2f}")
    majority = max(quality["base_rate"], 1 - quality["base_rate"])
    fitted = quality.get("n_cascades_fitted")
    of = i18n.t("diffusion.quality_of", lang, n=fmt.number(fitted, lang)) if fitted else ""
    return i18n.t("diffusion.quality", lang, auc=auc, accuracy=f"{quality['accuracy']:.2f}", majority=f"{majority:.2f}",
                  error=fmt.percent(quality["median_relative_error"], lang, digits=0), folds=quality["folds"],
                  n=fmt.number(quality["n_cascades"], lang), m=f"{quality['observe_minutes']:g}", of=of)
