"""Optional password protection: on when a password is configured, off otherwise.

The password comes from the environment (``VIRALSCOPE_DASHBOARD_PASSWORD``) or from Streamlit's secrets
(``dashboard_password`` in ``.streamlit/secrets.toml``), never from the repository's configuration. It is
compared in constant time and never shown, logged or kept beyond the session's "signed in" flag.
"""

from __future__ import annotations

import hashlib
import hmac

import streamlit as st

from viralscope.core import settings

ENV = "VIRALSCOPE_DASHBOARD_PASSWORD"
SECRET = "dashboard_password"


def configured_password() -> str | None:
    value = settings.secret(ENV)
    if value:
        return value
    try:
        value = st.secrets.get(SECRET)
    except Exception:  # no secrets file at all: Streamlit raises rather than returning None
        return None
    return str(value) if value else None


def check(given: str, expected: str) -> bool:
    digest = lambda s: hashlib.sha256(s.encode("utf-8")).digest()  # noqa: E731 - equal lengths for compare_digest
    return hmac.compare_digest(digest(given), digest(expected))


def require(t) -> None:
    """Stop the page with a sign-in form until the session has given the configured password."""
    expected = configured_password()
    if expected is None or st.session_state.get("_signed_in"):
        return
    st.title(t("auth.title"))
    with st.form("sign_in"):
        given = st.text_input(t("auth.password"), type="password")
        submitted = st.form_submit_button(t("auth.submit"))
    if submitted:
        if check(given, expected):
            st.session_state["_signed_in"] = True
            st.rerun()
        st.error(t("auth.wrong"))
    st.stop()
