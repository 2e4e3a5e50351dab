"""The mention contract: what a mention is, and turning raw rows into clean, typed columns.

Every way into the store (file import, collectors, the demo world) passes through ``normalize``, so a
mention means the same thing whatever its origin. Validation is vectorised: a million rows are checked in
a few seconds, and every problem is reported with its file, line and field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

KINDS = ("post", "reply", "share", "quote")
REQUIRED = ("id", "source", "created_at", "text")
INT_FIELDS = ("author_followers", "likes", "shares", "replies")
STR_FIELDS = ("author_id", "author_name", "parent_id", "url", "lang", "brand")
#: The longest mention text accepted, in characters; a longer one is an input error, never truncated.
MAX_TEXT = 1_000_000


@dataclass
class Mention:
    """One mention as a collector produces it (``parse(payload) -> list[Mention]``)."""

    id: str
    source: str
    created_at: dt.datetime | str | int | float
    text: str
    author_id: str | None = None
    author_name: str | None = None
    author_followers: int | None = None
    parent_id: str | None = None
    kind: str | None = None
    url: str | None = None
    lang: str | None = None
    likes: int | None = None
    shares: int | None = None
    replies: int | None = None
    media: bool | None = None
    brand: str | None = None
    extra: dict = field(default_factory=dict)

    def as_row(self) -> dict:
        row = asdict(self)
        row.update(row.pop("extra") or {})
        return row
