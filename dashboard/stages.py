"""The library functions of the later stages the pages use, found by name when they are installed.

The dashboard composes stages (sentiment, diffusion, metrics); it must also run, and say what is
missing, on an installation or a store where one of them has not run yet. Each accessor returns the
function, or None when the stage does not provide it, and the page shows a message instead of a chart.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable


def _find(module: str, name: str) -> Callable | None:
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    fn = getattr(mod, name, None)
    return fn if callable(fn) else None


def kpis() -> Callable | None:
    """``viralscope.kpis.compute(store, config, window, baseline=None, brand=None) -> {"kpis": {key: dict}}``."""
    return _find("viralscope.kpis", "compute")


def detect_crises() -> Callable | None:
    """``metrics.detect_crises(mentions, freq="1h", ...)`` (DESIGN's Python API)."""
    return _find("metrics", "detect_crises")


def incident_drivers() -> Callable | None:
    return _find("metrics", "incident_drivers")


def cascade_metrics() -> Callable | None:
    """``diffusion.cascade_metrics(mentions) -> DataFrame per cascade`` (DESIGN's Python API)."""
    return _find("diffusion", "cascade_metrics")


def trigger_accounts() -> Callable | None:
    return _find("diffusion", "trigger_accounts")


def trait_effects() -> Callable | None:
    return _find("diffusion", "trait_effects")


def save_correction() -> Callable | None:
    """``sentiment.save_correction(store, source, id, label)``: a person's label, kept in ``sentiment_labels``."""
    return _find("sentiment", "save_correction")
