"""Plotly figures built from the small aggregates of ``dashboard.queries``, all in the common theme.

Labels that come from the store (brand, source, author names) pass through ``safety.plot_text`` so that
plotly's HTML-like label markup (``<a href>``, ``<b>``) shows as typed.

Rules every chart follows:

* Colours: a brand (source, language) has one colour on every chart and under every filter. It is its
  place in the full list of the dimension (``names``, else ``df.attrs["names"]`` which ``dashboard.queries``
  sets from the configuration and the whole store), never its place among the series drawn.
* Legends: a chart split by a dimension always shows its legend, even for one series; it sits under the
  axis titles (``_legend_below``).
* Axes: both axes are titled in the interface language; log axes tick at 1, 10, 100, 1,000 (``dtick=1``,
  thousands separators).
* Time series: see :func:`time_grid` for when an empty bucket is a 0 and when it is a gap; a series with
  few points, or a point with no neighbour, is drawn with markers so that it cannot vanish.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import fmt, i18n, theme
from dashboard.safety import plot_text
from dashboard.tree import Layout
from viralscope.core.times import utc

_SENTIMENT_ORDER = ["negative", "neutral", "positive"]
_STEP = {"hour": pd.Timedelta(hours=1), "day": pd.Timedelta(days=1), "week": pd.Timedelta(weeks=1)}
#: An empty stretch of at most this many buckets between two buckets holding mentions is a quiet spell
#: (its true count is 0); a longer one is a stretch without data and is drawn as a gap.
GAP_BUCKETS = {"hour": 12, "day": 7, "week": 4}
#: A series with at most this many points is drawn with a marker on each point.
FEW_POINTS = 40


def _group_name(value, lang: str, by: str | None) -> str:
    if by == "lang":
        return i18n.language_name(value if isinstance(value, str) else None, lang)
    if by == "source" and isinstance(value, str):
        return plot_text(source_name(value, lang), limit=40)
    if by == "kind" and isinstance(value, str):
        return kind_name(value, lang)
    return plot_text(value if isinstance(value, str) else i18n.t("filters.none", lang), limit=40)


def source_name(source: str, lang: str) -> str:
    """A source as the interface names it: proper platform names as they are ("YouTube", "Hacker News"),
    generic kinds ("news", "forum", "import") in the interface language; anything else as stored."""
    key = f"sources.name.{str(source).lower()}"
    return i18n.t(key, lang) if key in i18n.STRINGS else str(source)


def kind_name(kind: str, lang: str) -> str:
    """A mention's kind (post, reply, share, quote) in the interface language."""
    key = f"sources.kind.{kind}"
    return i18n.t(key, lang) if key in i18n.STRINGS else str(kind)


def colors(groups: Sequence, names: Sequence[str] | None = None) -> dict:
    """The colour of each group: its place in ``names`` (the full list of the dimension), a stable hash of
    the name when it is not listed, grey for "none"."""
    order = [n for n in (names or ()) if isinstance(n, str)]
    return {g: theme.color_for(g, order) if isinstance(g, str) else theme.MUTED for g in groups}


def _names(df: pd.DataFrame, names: Sequence[str] | None) -> Sequence[str] | None:
    return names if names is not None else df.attrs.get("names")


def time_grid(times: pd.Series, bucket: str) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Every bucket from the first to the last of ``times``, and whether each is *covered*.

    A bucket is covered when some series of the chart has a mention in it, or when it lies in an empty
    stretch of at most ``GAP_BUCKETS[bucket]`` buckets between two buckets holding mentions: the store was
    collecting, so a series without mentions there truly had 0. A longer stretch that no series fills
    (months between two bursts of an import, a collector that was off) is not covered: it is drawn as a
    gap (``None``), not as a line across it or as zeros nobody measured.
    """
    seen = pd.DatetimeIndex(pd.unique(pd.to_datetime(times.dropna()))).sort_values()
    if seen.empty:
        return seen, np.zeros(0, dtype=bool)
    grid = pd.date_range(seen[0], seen[-1], freq=_STEP[bucket])
    if not seen.isin(grid).all():  # buckets not on one step (should not happen): keep the data's own times
        grid = seen
    covered = grid.isin(seen)
    filled = np.flatnonzero(covered)
    for a, b in zip(filled[:-1], filled[1:], strict=True):
        if 1 < b - a <= GAP_BUCKETS[bucket] + 1:
            covered[a + 1 : b] = True
    return grid, covered


def _on_grid(part: pd.DataFrame, column: str, grid: pd.DatetimeIndex, fill: np.ndarray | None) -> list:
    """``part[column]`` per bucket of ``grid``: 0 where ``fill`` is True and nothing was counted, None (a
    gap) elsewhere without a value."""
    values = part.groupby("t")[column].sum().reindex(grid)
    if fill is not None:
        values[fill & values.isna().to_numpy()] = 0
    return [None if pd.isna(v) else float(v) for v in values.to_numpy()]


def _stretches(covered: np.ndarray) -> list[slice]:
    """The runs of covered buckets, as slices of the grid."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], covered.astype(np.int8), [0]])))
    return [slice(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _markers(y: list) -> dict:
    """Line mode and markers: every point marked when there are few, else only points with no neighbour
    (a line needs two points; a lone one would not be drawn)."""
    have = np.array([v is not None for v in y], dtype=bool)
    if have.sum() <= FEW_POINTS:
        return {"mode": "lines+markers", "marker": {"size": 6}}
    before = np.concatenate([[False], have[:-1]])
    after = np.concatenate([have[1:], [False]])
    alone = have & ~before & ~after
    if not alone.any():
        return {"mode": "lines"}
    return {"mode": "lines+markers", "marker": {"size": np.where(alone, 6, 0).tolist()}}


def _legend_below(fig: go.Figure, *, show: bool = True) -> None:
    """The legend at the foot of the figure, under the x axis's ticks and title (never over them)."""
    fig.update_layout(showlegend=show, legend={"yref": "container", "y": 0, "yanchor": "bottom"},
                      margin={"b": 64 if show else 8})


def _time_axis(fig: go.Figure, lang: str, bucket: str, y_title: str) -> None:
    fig.update_xaxes(tickformat=fmt.plotly_date_format(lang, bucket), hoverformat="%Y-%m-%d %H:%M UTC"
                     if bucket == "hour" else "%Y-%m-%d", title=i18n.t("chart.time", lang))
    fig.update_yaxes(title=y_title)


def _per_bucket(key: str, lang: str, bucket: str) -> str:
    return i18n.t(f"{key}.{bucket}" if f"{key}.{bucket}" in i18n.STRINGS else f"{key}.day", lang)


def _log_axis(axis: str, fig: go.Figure) -> None:
    """A log axis that reads 1, 10, 100, 1,000 (not plotly's 2, 5 minor labels)."""
    getattr(fig, f"update_{axis}axes")(type="log", dtick=1, tickformat=",d", minor={"showgrid": False})


def _bands(fig: go.Figure, bands, lo, hi) -> None:
    """Campaign periods as shaded bands, clipped to ``[lo, hi]`` (the data drawn): a band outside it is not
    drawn, so it never stretches the time axis."""
    if lo is None or hi is None:
        return
    for label, start, end in bands:
        x0, x1 = max(utc(start), utc(lo)), min(utc(end), utc(hi))
        if x0 >= x1:
            continue
        fig.add_vrect(x0=x0, x1=x1, fillcolor=theme.ACCENT, opacity=0.07, line_width=0,
                      annotation_text=plot_text(label, 40), annotation_position="top left",
                      annotation_font={"size": 11, "color": theme.MUTED})


def volume(df: pd.DataFrame, lang: str, *, by: str | None, bucket: str, title: str, stacked: bool = False,
           bands: list[tuple[str, pd.Timestamp, pd.Timestamp]] = (), names: Sequence[str] | None = None) -> go.Figure:
    """Mentions per bucket, one line (or stacked area) per group; campaign periods as shaded bands.

    Buckets are laid on :func:`time_grid`: an empty bucket inside a span where mentions were being stored is
    0, a long stretch with no mention in any series is a gap. Bands are clipped to the buckets drawn.
    ``names`` (default ``df.attrs["names"]``) is the dimension's full list, which fixes the colours.
    """
    fig = theme.figure(title=title, height=340)
    groups = df.groupby("group", dropna=False, sort=False)["n"].sum().sort_values(ascending=False).index.tolist()
    palette = colors(groups, _names(df, names))
    grid, covered = time_grid(df["t"], bucket)
    # Stacked areas fill a missing value with 0 (plotly's stacking), so each covered stretch is its own stack.
    stretches = _stretches(covered) if stacked else [slice(0, len(grid))]
    for g in groups:
        part = df[df["group"].isna()] if not isinstance(g, str) else df[df["group"] == g]
        name = _group_name(g, lang, by)
        y = _on_grid(part, "n", grid, covered)
        for k, at in enumerate(stretches):
            fig.add_trace(go.Scatter(
                x=grid[at], y=y[at], name=name, line={"width": 2, "color": palette[g]}, connectgaps=False,
                stackgroup=f"stretch{k}" if stacked else None, legendgroup=name, showlegend=k == 0, **_markers(y[at]),
                hovertemplate="%{y:,}<extra>" + name + "</extra>",
            ))
    if len(grid):
        _bands(fig, bands, grid[0], grid[-1] + _STEP[bucket])
    _time_axis(fig, lang, bucket, _per_bucket("chart.mentions", lang, bucket))
    _legend_below(fig, show=by is not None)
    return fig


def sentiment_share(df: pd.DataFrame, lang: str, *, by: str | None, bucket: str, title: str,
                    min_n: int = 5, names: Sequence[str] | None = None) -> go.Figure:
    """Share of negative among scored mentions per bucket and group (buckets with few mentions left out).

    A bucket left out (fewer than ``min_n`` scored mentions) or without data is a gap in the line: a share
    is never drawn across buckets where it was not measured.
    """
    fig = theme.figure(title=title, height=320)
    wide = df.pivot_table(index=["t", "group"], columns="label", values="n", aggfunc="sum", fill_value=0)
    wide = wide.reset_index()
    for col in _SENTIMENT_ORDER:
        if col not in wide:
            wide[col] = 0
    wide["scored"] = wide[_SENTIMENT_ORDER].sum(axis=1)
    grid, _ = time_grid(wide["t"], bucket)
    wide = wide[wide["scored"] >= min_n]
    groups = wide.groupby("group", dropna=False)["scored"].sum().sort_values(ascending=False).index.tolist()
    palette = colors(groups, _names(df, names))
    for g in groups:
        part = wide[wide["group"].isna()] if not isinstance(g, str) else wide[wide["group"] == g]
        name = _group_name(g, lang, by)
        negative, scored = _on_grid(part, "negative", grid, None), _on_grid(part, "scored", grid, None)
        y = [None if s is None else n / s for n, s in zip(negative, scored, strict=True)]
        fig.add_trace(go.Scatter(
            x=grid, y=y, name=name, line={"width": 2, "color": palette[g]}, connectgaps=False, **_markers(y),
            customdata=np.column_stack([[np.nan if v is None else v for v in negative],
                                        [np.nan if v is None else v for v in scored]]),
            hovertemplate="%{y:.1%} (%{customdata[0]:,} / %{customdata[1]:,})<extra>" + name + "</extra>",
        ))
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    _time_axis(fig, lang, bucket, i18n.t("chart.negative_share", lang))
    _legend_below(fig, show=by is not None)
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
    _time_axis(fig, lang, bucket, _per_bucket("chart.scored", lang, bucket))
    _legend_below(fig)
    return fig


def sentiment_mix(df: pd.DataFrame, lang: str, *, by: str, title: str) -> go.Figure:
    """Per group, the share of each label (horizontal 100% bars), unscored mentions shown apart."""
    fig = theme.figure(title=title, height=max(260, 120 + 34 * df["group"].nunique(dropna=False)))
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
    fig.update_xaxes(tickformat=".0%", range=[0, 1], dtick=0.25, title=i18n.t("chart.share_of_mentions", lang))
    fig.update_yaxes(title=i18n.t(f"common.dim.{by}", lang) if f"common.dim.{by}" in i18n.STRINGS else None,
                     automargin=True)
    _legend_below(fig)
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
    fig.update_xaxes(title=i18n.t("col.depth", lang))
    fig.update_yaxes(title=i18n.t("chart.mentions_all", lang), tickformat=",d")
    if len(counts) and counts.max() > 50 * max(counts.min(), 1):
        _log_axis("y", fig)
        fig.update_yaxes(title=i18n.t("chart.mentions_log", lang))
    return fig


def cascade_tree(lay: Layout, lang: str, *, title: str) -> go.Figure:
    """The tree of one cascade: share order on x, branches by size; collapsed parts as grey "+k" dots.

    A dot's colour is the mention's sentiment label (the legend names them), its size the sub-cascade under it.
    """
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
    labels = labels.map(lambda v: v if v in theme.SENTIMENT else "unscored").to_numpy(dtype=object)
    hover = np.array([f"{plot_text(a, 40)}<br>{fmt.datetime(t, lang)}<br>{i18n.t('col.depth', lang)}: {int(d)} · "
                      f"{i18n.t('col.size', lang)}: {int(s):,}"
                      for a, t, d, s in zip(shown.get("author_name", [""] * len(shown)),
                                            shown.get("created_at", [None] * len(shown)),
                                            shown["depth"], shown["subtree"], strict=True)], dtype=object)
    sx, sy = shown["x"].to_numpy(float), shown["y"].to_numpy(float)
    # One trace per sentiment label, so that the legend says what each colour means.
    for label in [*_SENTIMENT_ORDER, "unscored"]:
        at = labels == label
        if not at.any():
            continue
        fig.add_trace(go.Scatter(x=sx[at], y=sy[at], mode="markers", name=i18n.t(f"sentiment.{label}", lang),
                                 hovertext=hover[at], hoverinfo="text",
                                 marker={"size": size[at], "color": theme.SENTIMENT[label],
                                         "line": {"width": 0.5, "color": theme.MUTED if label == "unscored"
                                                  else "white"}}))
    hidden = nodes[nodes["hidden"]]
    if len(hidden):
        hover = [i18n.t("diffusion.more", lang, n=f"{int(k):,}", size=f"{int(s):,}")
                 for k, s in zip(hidden["hidden_children"], hidden["subtree"], strict=True)]
        fig.add_trace(go.Scatter(x=hidden["x"], y=hidden["y"], mode="markers", name=i18n.t("chart.collapsed", lang),
                                 marker={"size": 7, "color": theme.MUTED, "symbol": "diamond"},
                                 hovertext=hover, hoverinfo="text"))
    _legend_below(fig)
    fig.update_layout(hovermode="closest")
    fig.update_xaxes(dtick=1, title=i18n.t("col.depth", lang))
    # The vertical position only separates branches: it has no scale to title.
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
    _time_axis(fig, lang, "hour" if days <= 3 else "day", i18n.t("chart.negative_per_hour", lang))
    _legend_below(fig)
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
    fig.update_yaxes(categoryorder="array", categoryarray=names, rangemode="normal",
                     title=i18n.t("chart.trait", lang))
    _legend_below(fig)
    return fig
