"""Diffusion: top cascades, the share-order distribution, one cascade's tree, and why posts spread (trigger
accounts, content traits, growth forecasts of the active cascades)."""

import pandas as pd
import streamlit as st

from dashboard import analysis, charts, components, fmt, queries, shell
from dashboard.safety import md
from viralscope.core import reasons
from viralscope.core.errors import InsufficientData

TOP = 25
VIRALITY_POOL = 100
CANDIDATES = 5_000
TRIGGERS = 15
TRIGGER_COLUMNS = ["author_name", "source", "followers", "reignitions", "descendants_triggered", "largest_fraction",
                   "cascades", "descendants_per_1k_followers"]

page = shell.start("diffusion")
f, lang, t = page.filters, page.lang, page.t

with page.guard():
    orders = ["size", "depth", "breadth", "virality", "recent"]
    wanted = page.param("rank", "size")
    order = st.segmented_control(t("diffusion.order"), orders, format_func=lambda o: t(f"diffusion.order.{o}"),
                                 default=wanted if wanted in orders else "size", key="d_order") or "size"
    page.set_param("rank", order, default="size")
    st.subheader(t("diffusion.top"))

    def top_of(rank: str, n: int):
        pool = page.q(queries.cascade_candidates, rank, CANDIDATES)
        best = queries.rank_cascades(pool, f, rank, n)
        if len(best) < n and len(pool) == CANDIDATES:  # narrow filters: rank every matching cascade
            best = page.q(queries.top_cascades, f, rank, n)
        return best

    if order == "virality":
        pool = top_of("size", VIRALITY_POOL)
        sv = page.q(analysis.cascade_virality, list(zip(pool["source"], pool["cascade_id"], strict=True)))
        top = pool.merge(sv[["source", "cascade_id", "structural_virality"]], on=["source", "cascade_id"],
                         how="left").sort_values("structural_virality", ascending=False).head(TOP)
        st.caption(t("diffusion.virality_note", k=VIRALITY_POOL))
    else:
        top = top_of(order, TOP)
    top = top.reset_index(drop=True)
    # A link names a cascade (``?cascade=<id>``, optionally ``&source=<source>``): it opens even when the
    # cascade is not among the top ones of the view (the Crisis page links its driving posts here).
    wanted = page.param("cascade")
    wanted_source = page.param("source") if len(f.sources) == 1 else None
    linked = None
    if wanted and not ((top["cascade_id"] == wanted) & (top["source"] == (wanted_source or top["source"]))).any():
        linked = page.q(queries.cascade_by_id, wanted, wanted_source)
        linked = None if linked.empty else linked
    picked_row = None
    if top.empty:
        st.info(t("diffusion.no_cascades"))
    else:
        st.caption(t("diffusion.top_note") + " " + t("diffusion.top_click"))
        event = components.mentions_table(
            top.rename(columns={"depth": "max_depth"}), lang, key="cascades_table",
            # What fits the page's width; the last share and the whole post are in the details below the tree.
            columns=["size", "max_depth", "max_breadth", "structural_virality", "started_at", "source",
                     "author_name", "brand", "text", "sentiment_label", "link"],
            widths={"text": "medium", "author_name": "small"})
        picked_row = components.selected_row(event, top)

with page.guard():
    left, right = st.columns([2, 3])
    with left:
        orders_df = page.q(queries.share_orders, f)
        if orders_df[orders_df["depth"] >= 1].empty:
            st.info(t("diffusion.no_cascades"))
        else:
            st.plotly_chart(charts.share_orders(orders_df, lang, title=t("diffusion.orders")), key="share_orders")
            st.caption(t("diffusion.orders_note"))
    with right:
        shown = top if linked is None else pd.concat([linked, top], ignore_index=True)
        if not shown.empty:
            first = 0 if linked is None else 1  # the linked cascade is option 0, the view's top ones follow
            labels = {i: (t("diffusion.linked") if linked is not None and i == 0 else f"#{i + 1 - first}")
                         + f" · {t('col.size')} {fmt.number(size, lang)} · {t('col.max_depth')} {int(depth)}"
                         f" · {fmt.date(started, lang)}"
                      for i, (size, depth, started) in enumerate(zip(shown["size"], shown["depth"],
                                                                     shown["started_at"], strict=True))}
            ids = shown["cascade_id"].tolist()
            row_key = (None if picked_row is None else (picked_row["source"], picked_row["cascade_id"]))
            keys = list(zip(shown["source"], ids, strict=True))
            before = st.session_state.get("d_keys")
            if "d_cascade" in st.session_state and before is not None and before != keys:
                # Other options (new filters, a link opened): keep the cascade in view where it still is.
                old = before[st.session_state["d_cascade"]] if st.session_state["d_cascade"] < len(before) else None
                st.session_state["d_cascade"] = keys.index(old) if old in keys else 0
            st.session_state["d_keys"] = keys
            if "d_cascade" not in st.session_state or st.session_state["d_cascade"] not in labels:
                # The first view of a session opens the cascade of the link, else the largest.
                st.session_state["d_cascade"] = ids.index(wanted) if wanted in ids else 0
            if row_key is not None and row_key != st.session_state.get("d_row"):
                # A click on a row of the table opens its cascade.
                st.session_state["d_cascade"] = keys.index(row_key)
            st.session_state["d_row"] = row_key
            choice = st.selectbox(t("diffusion.pick"), list(labels), format_func=labels.get, key="d_cascade")
            pick = shown.iloc[choice]
            page.set_param("cascade", pick["cascade_id"], default=None if linked is not None else ids[0])
            lay = page.q(analysis.cascade_layout, pick["source"], pick["cascade_id"])
            st.plotly_chart(charts.cascade_tree(lay, lang, title=t("diffusion.tree")), key="cascade_tree")
            st.caption(t("diffusion.tree_note", total=fmt.number(lay.total, lang)))
            if lay.collapsed:
                st.caption(t("diffusion.tree_collapsed", shown=fmt.number(lay.shown, lang),
                             hidden=fmt.number(lay.total - lay.shown, lang)))
            components.cascade_detail(pick, lang)
        elif wanted:
            st.info(t("diffusion.linked_missing", id=md(wanted)))

st.header(t("diffusion.why"))
st.caption(t("diffusion.why_note"))


def on_request(key: str, fn, label: str, help_text: str):
    """``fn(store, f)`` once it has been asked for (a heavy computation: asked once, then computed for every
    view of this session); None before that, or when it has nothing to say (the reason is shown instead)."""
    if not (st.session_state.get(key) or page.computed(fn, f)):
        ask = st.empty()
        with ask.container():
            st.caption(help_text)
            if not st.button(label, key=f"{key}_button"):
                return None
        st.session_state[key] = True
        ask.empty()
    with st.spinner():
        found = page.q(fn, f)
    if isinstance(found, InsufficientData):
        said = reasons.text(found.reason_code, found.reason_params, lang) if found.reason_code else found.reason
        st.info(t("diffusion.insufficient", reason=md(said)))
        return None
    return found


with page.guard():
    st.subheader(t("diffusion.triggers"))
    accounts = page.q(analysis.trigger_accounts, f)
    if accounts.empty:
        st.info(t("diffusion.no_triggers"))
    else:
        components.table(accounts.head(TRIGGERS)[TRIGGER_COLUMNS], lang, key="triggers_table",
                         formats={"largest_fraction": "percent", "descendants_per_1k_followers": "%.1f"})
    st.caption(t("diffusion.triggers_note", d=analysis.MIN_DESCENDANTS, pct=fmt.percent(analysis.MIN_FRACTION, lang),
                 n=fmt.number(len(accounts), lang)))

with page.guard():
    st.subheader(t("diffusion.traits"))
    report = on_request("d_traits", analysis.content_traits, t("diffusion.traits_compute"), t("diffusion.traits_help"))
    if report is not None:
        if not report.reliable:
            st.warning(t("diffusion.traits_unreliable"))
        c1, c2 = st.columns([1, 3])
        c1.metric(t("diffusion.traits_auc"), f"{report.auc:.2f}", help=t("diffusion.traits_auc_help"))
        c2.caption(t("diffusion.traits_auc_note", low=f"{report.auc_ci[0]:.2f}", high=f"{report.auc_ci[1]:.2f}",
                     threshold=fmt.number(report.threshold, lang), n=fmt.number(report.n_posts, lang),
                     viral=fmt.number(report.n_viral, lang)))
        c2.text(components.trait_summary(report, lang))
        if len(report.effects):
            st.plotly_chart(charts.trait_effects(report.effects, lang, title=t("diffusion.traits_chart")),
                            key="trait_effects")
        st.caption(t("diffusion.traits_method"))

with page.guard():
    st.subheader(t("diffusion.forecasts"))
    found = on_request("d_forecasts", analysis.forecasts, t("diffusion.forecasts_compute"),
                       t("diffusion.forecasts_help"))
    if found is not None:
        components.mentions_table(
            found.table, lang, key="forecasts_table", selectable=False,
            columns=["p_double", "predicted_size", "observed_size", "size_so_far", "started_at", "source",
                     "author_name", "text"],
            formats={"p_double": "percent", "predicted_size": "%.0f"})
        st.caption(t("diffusion.forecasts_note", since=fmt.datetime(found.since, lang),
                     now=fmt.datetime(found.now, lang), m=analysis.OBSERVE_MINUTES,
                     k=fmt.number(analysis.TRAIN_CASCADES, lang),
                     quality=components.forecast_quality(found.quality, lang)))
