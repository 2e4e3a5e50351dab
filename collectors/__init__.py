"""Collectors: one module per source, each the same small shape (see ``collectors.base``).

``SOURCES`` maps the names the command line accepts to their classes; ``source(name, settings)`` builds one.
"""

from __future__ import annotations

from collectors.base import Page, Source
from collectors.bluesky import Bluesky
from collectors.hackernews import HackerNews
from collectors.mastodon import Mastodon
from collectors.query import BrandMatcher, Query, parse_query
from collectors.reddit import Reddit
from collectors.rss import RSS
from collectors.x import X
from collectors.youtube import YouTube
from viralscope.core.errors import ConfigError

__all__ = ["SOURCES", "Page", "Source", "source", "parse_query", "Query", "BrandMatcher"]

SOURCES: dict[str, type[Source]] = {
    cls.name: cls for cls in (HackerNews, Reddit, Mastodon, Bluesky, YouTube, X, RSS)
}


def source(name: str, settings: dict | None = None, **kwargs) -> Source:
    """Build the source called ``name`` from its settings (raises NotConfigured without credentials)."""
    try:
        cls = SOURCES[name]
    except KeyError:
        raise ConfigError(f"unknown source {name!r}; known: {', '.join(SOURCES)}") from None
    return cls.from_settings(settings, **kwargs)
