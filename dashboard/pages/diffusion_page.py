"""Diffusion: top cascades, the share-order distribution, one cascade's tree, triggers and forecasts."""

import streamlit as st

from dashboard import analysis, charts, components, fmt, queries, shell, stages, tree

TOP = 25
VIRALITY_POOL = 100
CANDIDATES = 5_000

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
        if sv is None:
            components.module_missing(lang, t("diffusion.virality_missing"), "diffusion")
            top = pool.head(TOP)
        else:
            top = pool.merge(sv[["source", "cascade_id", "structural_virality"]], on=["source", "cascade_id"],
                             how="left").sort_values("structural_virality", ascending=False).head(TOP)
            st.caption(t("diffusion.virality_note", k=VIRALITY_POOL))
    else:
        top = top_of(order, TOP)
    if top.empty:
        st.info(t("diffusion.no_cascades"))
    else:
        st.caption(t("diffusion.top_note"))
        top = top.reset_index(drop=True)
        components.mentions_table(
            top.rename(columns={"depth": "max_depth"}), lang, key="cascades_table", selectable=False,
            columns=["size", "max_depth", "max_breadth", "structural_virality", "started_at", "last_at", "source",
                     "author_name", "brand", "text", "sentiment_label", "link"])

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
        if not top.empty:
            labels = {i: f"#{i + 1} · {t('col.size')} {fmt.number(size, lang)} · {t('col.max_depth')} {int(depth)}"
                         f" · {fmt.date(started, lang)}"
                      for i, (size, depth, started) in enumerate(zip(top["size"], top["depth"], top["started_at"],
                                                                     strict=True))}
            wanted = page.param("cascade")
            keys = [f"{s}:{c}" for s, c in zip(top["source"], top["cascade_id"], strict=True)]
            choice = st.selectbox(t("diffusion.pick"), list(labels), format_func=labels.get,
                                  index=keys.index(wanted) if wanted in keys else 0, key="d_cascade")
            page.set_param("cascade", keys[choice], default=keys[0])
            pick = top.iloc[choice]
            nodes = page.q(queries.cascade_nodes, pick["source"], pick["cascade_id"])
            lay = tree.layout(nodes)
            st.plotly_chart(charts.cascade_tree(lay, lang, title=t("diffusion.tree")), key="cascade_tree")
            st.caption(t("diffusion.tree_note", total=fmt.number(lay.total, lang)))
            if lay.collapsed:
                st.caption(t("diffusion.tree_collapsed", shown=fmt.number(lay.shown, lang),
                             hidden=fmt.number(lay.total - lay.shown, lang)))

st.subheader(t("diffusion.triggers"))
if stages.trigger_accounts() is None or stages.trait_effects() is None:
    components.module_missing(lang, t("diffusion.stage"), "diffusion")
