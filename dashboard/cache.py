"""Memoised reads: one ``Store`` per path (``st.cache_resource``) and query results per store version.

The key of every cached result includes ``store.version()``, a token the store replaces after each
committed write (a file read, no database open). So a page re-runs its queries only after new data has
arrived, and never shows numbers older than the last write. The store object holds no connection: every
query opens the file read-only and closes it, so a collector in another process can write in between.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from viralscope.core import settings
from viralscope.store import Store


@st.cache_resource(show_spinner=False)
def _store(path: str, lock_timeout: float) -> Store:
    return Store(path, lock_timeout=lock_timeout)


def store() -> Store:
    """The store named by ``VIRALSCOPE_DB`` (or the default path), shared by every session."""
    path = str(Path(settings.db_path()).resolve())
    return _store(path, float(settings.resolve("lock_timeout")))


@st.cache_data(show_spinner=False, max_entries=1024, ttl=3600)
def _call(qualname: str, path: str, version: str, args: tuple, kwargs: tuple):
    module, name = qualname.rsplit(".", 1)
    fn = getattr(importlib.import_module(module), name)
    return fn(_store(path, float(settings.resolve("lock_timeout"))), *args, **dict(kwargs))


def q(fn: Callable, *args, **kwargs):
    """``fn(store, *args, **kwargs)``, cached until the store's next write."""
    s = store()
    return _call(f"{fn.__module__}.{fn.__name__}", str(s.path), s.version(), args, tuple(sorted(kwargs.items())))


def exists() -> bool:
    """True when the store file exists (the dashboard never creates an empty store by looking at it)."""
    return store().path.exists()


def clear() -> None:
    """Forget every cached result (the benchmark's "first render")."""
    _call.clear()
