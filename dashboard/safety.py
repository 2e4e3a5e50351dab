"""Mention text is hostile. These are the only ways text from the store reaches the screen.

- In tables it goes through ``st.dataframe`` (drawn on a canvas as plain text) and in detail views through
  ``st.text``; never through Markdown and never through ``unsafe_allow_html``.
- In plotly labels (legends, hover, axis categories) plotly understands a few HTML tags such as ``<a href>``
  and ``<b>``: :func:`plot_text` turns ``<``, ``>`` and ``&`` into entities that plotly shows literally.
- Where a Markdown string must contain a value from the store (a caption naming a brand), :func:`md`
  escapes every character Markdown, Streamlit's directives (``:red[…]``, ``:material/…:``) and LaTeX
  (``$…$``) give a meaning to.
- A link is a link only for an ``http``/``https`` URL (:func:`safe_url`); ``javascript:``, ``data:`` and
  anything odd become no link at all.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_URL = re.compile(r"https?://[^\s<>\"'`\\\x00-\x1f\x7f]+", re.IGNORECASE)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:&=^%@])")


def safe_url(value) -> str | None:
    """``value`` if it is a plain http(s) URL, else None."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if _URL.fullmatch(value) else None


def safe_urls(values: pd.Series) -> pd.Series:
    """:func:`safe_url` over a column (None where the URL is not a plain http(s) URL)."""
    return pd.Series([safe_url(v) for v in values], index=values.index, dtype=object)


def md(value) -> str:
    """``value`` as literal text inside Markdown (every special character backslash-escaped)."""
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    text = text.replace("\r", " ").replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", text)


def plot_text(value, limit: int | None = 80) -> str:
    """``value`` for a plotly label: HTML-like markup shown as typed, long text shortened."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    text = str(value).replace("\r", " ").replace("\n", " ")
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


