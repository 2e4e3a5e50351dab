"""The dashboard's entry point: the pages and the navigation between them (``viralscope dashboard`` runs it)."""

import streamlit as st

from dashboard.i18n import initial_language, t
from dashboard.theme import icon

st.set_page_config(page_title="viralscope", page_icon=icon(), layout="wide")
lang = st.session_state.get("ui_lang") or initial_language(st.query_params.get("lang"))

st.navigation([
    st.Page("views/overview_page.py", title=t("nav.overview", lang), icon=":material/dashboard:", url_path="home",
            default=True),
    # The default page is served at the root; "/overview", the address a user guesses, opens it too.
    st.Page("views/overview_page.py", title=t("nav.overview", lang), url_path="overview", visibility="hidden"),
    st.Page("views/mentions_page.py", title=t("nav.mentions", lang), icon=":material/forum:", url_path="mentions"),
    st.Page("views/sentiment_page.py", title=t("nav.sentiment", lang), icon=":material/mood:", url_path="sentiment"),
    st.Page("views/diffusion_page.py", title=t("nav.diffusion", lang), icon=":material/account_tree:",
            url_path="diffusion"),
    st.Page("views/crisis_page.py", title=t("nav.crisis", lang), icon=":material/crisis_alert:", url_path="crisis"),
    st.Page("views/sources_page.py", title=t("nav.sources", lang), icon=":material/rss_feed:", url_path="sources"),
    st.Page("views/reports_page.py", title=t("nav.reports", lang), icon=":material/summarize:", url_path="reports"),
]).run()
