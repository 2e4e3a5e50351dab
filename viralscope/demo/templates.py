"""What a template is, and the slot values both languages fill in.

A template is one sentence pattern with a fixed tone (the sentiment a reader would give it), a topic (what
it is about: the themes later stages find) and whether it carries surprise (the content trait that makes a
post spread). Slots in braces are filled per mention: ``{brand}``, ``{product}``, ``{competitor}``,
``{city}``, ``{n}``, ``{emoji_pos}``, ``{emoji_neg}``.
"""

from __future__ import annotations

from typing import NamedTuple

#: Roles a template can play; ``post`` is any original, the rest are source-specific originals or answers.
ROLES = ("post", "reply", "quote", "brand_reply", "announce", "news", "video", "story")
TONES = ("positive", "neutral", "negative")


class Template(NamedTuple):
    role: str
    topic: str
    tone: str
    text: str
    surprise: bool = False


def T(role: str, topic: str, tone: str, text: str, surprise: bool = False) -> Template:  # noqa: N802
    """Shorthand used by the template tables."""
    if role not in ROLES or tone not in TONES:
        raise ValueError(f"bad template {role}/{tone}: {text}")
    return Template(role, topic, tone, text, surprise)
