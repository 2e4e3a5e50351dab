"""Plotly figures built from the small aggregates of ``dashboard.queries``, all in the common theme.

Labels that come from the store (brand, source, author names) pass through ``safety.plot_text`` so that
plotly's HTML-like label markup (``<a href>``, ``<b>``) shows as typed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import fmt, i18n, theme
from dashboard.safety import plot_text
from dashboard.tree import Layout

_SENTIMENT_ORDER = ["negative", "neutral", "positive"]


def _group_name(value, lang: str, by: str | None) -> str:
    if by == "lang":
        return i18n.language_name(value if isinstance(value, str) else None, lang)
    if by == "kind" and isinstance(value, str):
        return value
    return plot_text(value if isinstance(value, str) else i18n.t("filters.none", lang), limit=40)


def _time_axis(fig: go.Figure, lang: str, bucket: str) -> None:
    fig.update_xaxes(tickformat=fmt.plotly_date_format(lang, bucket), hoverformat="%Y-%m-%d %H:%M UTC"
                     if bucket == "hour" else "%Y-%m-%d")


def volume(df: pd.DataFrame, lang: str, *, by: str | None, bucket: str, title: str, stacked: bool = False,
           bands: list[tuple[str, pd.Timestamp, pd.Timestamp]] = ()) -> go.Figure:
    """Mentions per bucket, one line (or stacked area) per group; campaign periods as shaded bands."""
    fig = theme.figure(title=title, height=340)
    groups = df.groupby("group", dropna=False, sort=False)["n"].sum().sort_values(ascending=False).index.tolist()
    order = [g for g in groups if isinstance(g, str)]
    for g in groups:
        part = df[df["group"].isna()] if not isinstance(g, str) else df[df["group"] == g]
        name = _group_name(g, lang, by)
        fig.add_trace(go.Scatter(
            x=part["t"], y=part["n"], name=name, mode="lines",
            line={"width": 2, "color": theme.color_for(g, order) if isinstance(g, str) else theme.MUTED},
            stackgroup="one" if stacked else None,
            hovertemplate="%{y:,}<extra>" + name + "</extra>",
        ))
    for label, start, end in bands:
        fig.add_vrect(x0=start, x1=end, fillcolor=theme.ACCENT, opacity=0.07, line_width=0,
                      annotation_text=plot_text(label, 40), annotation_position="top left",
                      annotation_font={"size": 11, "color": theme.MUTED})
    _time_axis(fig, lang, bucket)
    return fig


def sentiment_share(df: pd.DataFrame, lang: str, *, by: str | None, bucket: str, title: str,
                    min_n: int = 5) -> go.Figure:
    """Share of negative among scored mentions per bucket and group (buckets with few mentions left out)."""
    fig = theme.figure(title=title, height=320)
    wide = df.pivot_table(index=["t", "group"], columns="label", values="n", aggfunc="sum", fill_value=0)
    wide = wide.reset_index()
    for col in _SENTIMENT_ORDER:
        if col not in wide:
            wide[col] = 0
    wide["scored"] = wide[_SENTIMENT_ORDER].sum(axis=1)
    wide = wide[wide["scored"] >= min_n]
    groups = wide.groupby("group", dropna=False)["scored"].sum().sort_values(ascending=False).index.tolist()
    order = [g for g in groups if isinstance(g, str)]
    for g in groups:
        part = wide[wide["group"].isna()] if not isinstance(g, str) else wide[wide["group"] == g]
        name = _group_name(g, lang, by)
        fig.add_trace(go.Scatter(
            x=part["t"], y=part["negative"] / part["scored"], name=name, mode="lines",
            line={"width": 2, "color": theme.color_for(g, order) if isinstance(g, str) else theme.MUTED},
            customdata=np.column_stack([part["negative"], part["scored"]]),
            hovertemplate="%{y:.1%} (%{customdata[0]:,} / %{customdata[1]:,})<extra>" + name + "</extra>",
        ))
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    _time_axis(fig, lang, bucket)
    return fig


def sentiment_stack(df: pd.DataFrame, lang: str, *, bucket: str, title: str) -> go.Figure:
    """Scored mentions per bucket, stacked by label."""
    fig = theme.figure(title=title, height=320)
    totals = df.groupby(["t", "label"], as_index=False)["n"].sum()
    for label in _SENTIMENT_ORDER:
        part = totals[totals["label"] == label]
        name = i18n.t(f"sentiment.{label}", lang)
        fig.add_trace(go.Bar(x=part["t"], y=part["n"], name=name, marker_color=theme.SENTIMENT[label],
                             hovertemplate="%{y:,}<extra>" + name + "</extra>"))
    fig.update_layout(barmode="stack", bargap=0.1)
    _time_axis(fig, lang, bucket)
    return fig


def sentiment_mix(df: pd.DataFrame, lang: str, *, by: str, title: str) -> go.Figure:
    """Per group, the share of each label (horizontal 100% bars), unscored mentions shown apart."""
    fig = theme.figure(title=title, height=max(220, 60 + 34 * df["group"].nunique(dropna=False)))
    totals = df.groupby("group", dropna=False)["n"].sum()
    groups = totals.sort_values(ascending=True).index.tolist()
    names = [_group_name(g, lang, by) for g in groups]
    for label in [*_SENTIMENT_ORDER, "unscored"]:
        counts = [int(df[(df["group"] == g if isinstance(g, str) else df["group"].isna()) & (df["label"] == label)]
                      ["n"].sum()) for g in groups]
        if not any(counts):
            continue
        shares = [c / totals[g] if totals[g] else 0 for c, g in zip(counts, groups, strict=True)]
        name = i18n.t(f"sentiment.{label}", lang)
        fig.add_trace(go.Bar(y=names, x=shares, orientation="h", name=name, marker_color=theme.SENTIMENT[label],
                             customdata=counts,
                             hovertemplate="%{x:.1%} (%{customdata:,})<extra>" + name + "</extra>"))
    fig.update_layout(barmode="stack", hovermode="closest")
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    return fig


def share_orders(df: pd.DataFrame, lang: str, *, title: str, cap: int = 10) -> go.Figure:
    """Mentions by share order 1, 2, 3, … (orders beyond ``cap`` grouped as ``cap``+)."""
    shares = df[df["depth"] >= 1].copy()
    shares["order"] = shares["depth"].clip(upper=cap)
    counts = shares.groupby("order")["n"].sum()
    total = counts.sum()
    labels = [i18n.t("diffusion.order_label_plus" if d == cap and df["depth"].max() > cap else
                     "diffusion.order_label", lang, d=int(d)) for d in counts.index]
    fig = theme.figure(title=title, height=300)
    fig.add_trace(go.Bar(x=labels, y=counts.to_numpy(), marker_color=theme.ACCENT,
                         text=[fmt.percent(c / total, lang) if total else "" for c in counts.to_numpy()],
                         textposition="outside", hovertemplate="%{y:,}<extra></extra>"))
    fig.update_layout(hovermode="closest")
    fig.update_yaxes(type="log" if len(counts) and counts.max() > 50 * max(counts.min(), 1) else "linear")
    return fig


def cascade_tree(lay: Layout, lang: str, *, title: str) -> go.Figure:
    """The tree of one cascade: share order on x, branches by size; collapsed parts as grey "+k" dots."""
    nodes = lay.nodes
    fig = theme.figure(title=title, height=min(900, max(320, 14 * (int(-nodes["y"].min()) + 1) + 80)))
    x, y = nodes["x"].to_numpy(float), nodes["y"].to_numpy(float)
    edges = np.asarray(lay.edges, dtype=np.int64).reshape(-1, 2)
    p, c = edges[:, 0], edges[:, 1]
    # Elbow connectors keep deep trees legible; NaN (null in the chart) separates the edges. Arrays, not
    # lists: plotly checks list items one by one.
    gap = np.full(len(edges), np.nan)
    xs = np.column_stack([x[p], x[p], x[c], gap]).ravel()
    ys = np.column_stack([y[p], y[c], y[c], gap]).ravel()
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"width": 1, "color": theme.GRID}, hoverinfo="skip",
                             showlegend=False))
    shown = nodes[~nodes["hidden"]]
    size = 6 + 4 * np.log10(shown["subtree"].to_numpy(dtype=float))
    labels = shown["sentiment_label"] if "sentiment_label" in shown else pd.Series(None, index=shown.index)
    colors = labels.map(lambda v: theme.SENTIMENT.get(v, theme.SENTIMENT["unscored"]) if isinstance(v, str)
                        else theme.ACCENT).to_numpy(dtype=object)
    hover = np.array([f"{plot_text(a, 40)}<br>{fmt.datetime(t, lang)}<br>{i18n.t('col.depth', lang)}: {int(d)} · "
                      f"{i18n.t('col.size', lang)}: {int(s):,}"
                      for a, t, d, s in zip(shown.get("author_name", [""] * len(shown)),
                                            shown.get("created_at", [None] * len(shown)),
                                            shown["depth"], shown["subtree"], strict=True)], dtype=object)
    fig.add_trace(go.Scatter(x=shown["x"].to_numpy(float), y=shown["y"].to_numpy(float), mode="markers",
                             showlegend=False, hovertext=hover, hoverinfo="text",
                             marker={"size": size, "color": colors, "line": {"width": 0.5, "color": "white"}}))
    hidden = nodes[nodes["hidden"]]
    if len(hidden):
        hover = [i18n.t("diffusion.more", lang, n=f"{int(k):,}", size=f"{int(s):,}")
                 for k, s in zip(hidden["hidden_children"], hidden["subtree"], strict=True)]
        fig.add_trace(go.Scatter(x=hidden["x"], y=hidden["y"], mode="markers", showlegend=False,
                                 marker={"size": 7, "color": theme.MUTED, "symbol": "diamond"},
                                 hovertext=hover, hoverinfo="text"))
    fig.update_layout(hovermode="closest")
    fig.update_xaxes(dtick=1, title=i18n.t("col.depth", lang))
    fig.update_yaxes(visible=False, rangemode="normal")
    return fig


def crisis_series(series: pd.DataFrame, incidents: pd.DataFrame | None, lang: str, *, title: str) -> go.Figure:
    """Negative mentions per hour, the seasonal expectation when known, and incidents as red bands."""
    fig = theme.figure(title=title, height=340)
    neg = i18n.t("crisis.observed", lang)
    fig.add_trace(go.Bar(x=series["t"], y=series["negative"], name=neg, marker_color=theme.SENTIMENT["negative"],
                         hovertemplate="%{y:,}<extra>" + neg + "</extra>"))
    if "expected_negative" in series:
        exp = i18n.t("crisis.expected", lang)
        fig.add_trace(go.Scatter(x=series["t"], y=series["expected_negative"], name=exp, mode="lines",
                                 line={"color": theme.INK, "width": 1.5, "dash": "dot"},
                                 hovertemplate="%{y:,.1f}<extra>" + exp + "</extra>"))
    if incidents is not None:
        for row in incidents.itertuples():
            fig.add_vrect(x0=row.start, x1=row.end, fillcolor=theme.SENTIMENT["negative"], opacity=0.12, line_width=0)
    fig.update_layout(bargap=0)
    days = (series["t"].max() - series["t"].min()).days if len(series) else 0
    _time_axis(fig, lang, "hour" if days <= 3 else "day")
    return fig


def trait_name(trait: str, description: str | None, lang: str) -> str:
    """A trait of ``diffusion.trait_model`` in words: the interface's own wording when it has one."""
    for prefix in ("theme_", "source_"):
        if trait.startswith(prefix):
            return i18n.t(f"trait.{prefix[:-1]}", lang, name=trait[len(prefix):])
    key = f"trait.{trait}"
    if key in i18n.STRINGS:
        return i18n.t(key, lang)
    return description or trait


def trait_effects(effects: pd.DataFrame, lang: str, *, title: str) -> go.Figure:
    """A forest plot: each trait's effect on the log-odds of going viral with its 95% interval.

    Traits whose effect is significant after Holm's adjustment are drawn in the accent colour, the others
    in grey; the line at 0 is "no effect". Trait names come from the configuration's themes and the store's
    sources, so they pass through ``plot_text``.
    """
    df = effects.sort_values("effect", kind="stable").reset_index(drop=True)
    fig = theme.figure(title=title, height=max(260, 90 + 26 * len(df)))
    names = [plot_text(trait_name(t, d, lang), limit=60)
             for t, d in zip(df["trait"], df.get("description", [None] * len(df)), strict=True)]
    sig = df["significant"].astype(bool).to_numpy()
    for flag, label, color in ((True, i18n.t("diffusion.traits_significant", lang), theme.ACCENT),
                               (False, i18n.t("diffusion.traits_unclear", lang), theme.MUTED)):
        part = df[sig == flag]
        if part.empty:
            continue
        shown = [n for n, s in zip(names, sig, strict=True) if s == flag]
        fig.add_trace(go.Scatter(
            x=part["effect"].tolist(), y=shown, mode="markers", name=label,
            marker={"size": 9, "color": color, "symbol": "square"},
            error_x={"type": "data", "symmetric": False, "array": (part["ci_high"] - part["effect"]).tolist(),
                     "arrayminus": (part["effect"] - part["ci_low"]).tolist(), "color": color, "thickness": 1.5,
                     "width": 4},
            customdata=np.column_stack([part["ci_low"], part["ci_high"], part["odds_ratio"], part["p_holm"]]),
            hovertemplate=("%{y}<br>" + i18n.t("diffusion.traits_hover", lang) + "<extra></extra>"),
        ))
    fig.add_vline(x=0, line={"color": theme.INK, "width": 1, "dash": "dot"})
    fig.update_layout(hovermode="closest")
    fig.update_xaxes(title=i18n.t("diffusion.traits_axis", lang), zeroline=False)
    fig.update_yaxes(categoryorder="array", categoryarray=names, rangemode="normal")
    return fig
