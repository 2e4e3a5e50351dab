"""Diffusion: cascades rebuilt from parent links, their shape and speed, what triggered them, where they go.

Computations over DataFrames and graphs only; nothing here reads or writes the store.

- :func:`structural_virality`, :func:`cascade_metrics`, :func:`cascade_members` — cascades and their shape
- :func:`mean_max_depth`, :func:`mean_share_order`, :func:`share_order_distribution`,
  :func:`share_orders_by_period` — share depth
- :func:`trigger_accounts` (:func:`rank_trigger_accounts`), :func:`trait_model`, :func:`post_traits` — viral
  triggers
- :func:`account_table` — accounts
- :func:`fit_forecast`, :func:`predict_forecast` — growth forecasts
- :func:`what_if` — simulated spread on a follower graph

Names are imported on first use (PEP 562): importing one stage module
must not pay for scikit-learn and scipy.stats.
"""

from __future__ import annotations

import importlib

_HOMES = {
    "CASCADE_COLUMNS": "cascades", "cascade_members": "cascades", "cascade_metrics": "cascades",
    "structural_virality": "virality", "wiener_index": "virality",
    "mean_max_depth": "share_depth", "mean_share_order": "share_depth", "share_order_distribution": "share_depth",
    "share_orders_by_period": "share_depth",
    "post_traits": "traits",
    "TraitReport": "triggers", "trait_model": "triggers", "trigger_accounts": "triggers",
    "rank_trigger_accounts": "triggers",
    "account_table": "accounts",
    "ForecastModel": "forecast", "fit_forecast": "forecast", "predict_forecast": "forecast",
    "what_if": "whatif",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name in _HOMES:
        value = getattr(importlib.import_module(f"diffusion.{_HOMES[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'diffusion' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
