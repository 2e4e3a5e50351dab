"""Making any input safe to score: None, NaN, non-strings, lone surrogates and control characters.

Mention text is hostile. Whatever arrives, scoring gets a ``str`` it can walk through in linear time, and an
input that is not text at all is reported as such (``is_text``) rather than scored as if it were empty prose.
"""

from __future__ import annotations

import math
import re

__all__ = ["clean", "is_missing"]

# Lone surrogates (from broken UTF-16 or JSON "\ud83d" escapes) cannot be encoded; C0/C1 control characters
# other than tab and newlines carry no meaning for sentiment and confuse tokenisers.
_BAD = re.compile(r"[\ud800-\udfff]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def is_missing(value) -> bool:
    """True for None, NaN, pandas' NA/NaT and other non-text placeholders."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        return False
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def clean(value) -> str:
    """The text to score: '' for a missing value, ``str()`` of other objects, hostile characters replaced."""
    if is_missing(value):
        return ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    elif not isinstance(value, str):
        value = str(value)
    if _BAD.search(value):
        value = _BAD.sub(_replacement, value)
    return value


def _replacement(match: re.Match) -> str:
    # A surrogate becomes U+FFFD (it was a character we cannot read); a control character becomes a space
    # (it most often separated two words).
    return "\ufffd" if "\ud800" <= match.group() <= "\udfff" else " "
