"""Results: what every number returns — ``ok`` with an estimate and interval, or ``na`` with a reason.

A result is a plain ``dict`` with ``estimate``, ``ci_low``, ``ci_high``, ``status`` ("ok" or "n/a") and,
when "n/a", a ``reason`` (English text) with its ``reason_code`` and ``reason_params`` (see
``viralscope.core.reasons``, which translates it); a number that cannot mean anything is ``None``, never NaN
or infinity.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from viralscope.core import reasons
from viralscope.core.errors import InputError, Problem


def need(df: pd.DataFrame, columns, what: str = "mentions") -> None:
    """Raise an InputError naming the first missing column."""
    if not isinstance(df, pd.DataFrame):
        raise InputError(Problem(what, None, None, f"expected a pandas DataFrame, got {type(df).__name__}"))
    for col in columns:
        if col not in df.columns:
            raise InputError(Problem(what, None, col, "column missing"))


def weights(df: pd.DataFrame) -> np.ndarray:
    """Row weights: the ``count`` column of pre-aggregated input, else 1 per row (one mention)."""
    if "count" in df.columns:
        return pd.to_numeric(df["count"], errors="coerce").fillna(0).to_numpy(dtype=float)
    return np.ones(len(df))


def finite(x) -> float | None:
    """``x`` as a float, or None when it is missing, NaN or infinite (JSON and screens never see NaN)."""
    if x is None:
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def na(code: str, params: dict | None = None, **fields) -> dict:
    """A result that cannot be computed, with the reason: a code of ``reasons.REASONS`` and its parameters.

    >>> na("base_too_small", {"n": 6.0, "minimum": 10}, n_baseline=6.0)["reason"]
    'base too small: 6 mentions in the baseline, fewer than 10'
    """
    params = dict(params or {})
    out = {"estimate": None, "ci_low": None, "ci_high": None, "status": "n/a",
           "reason": reasons.text(code, params), "reason_code": code, "reason_params": params}
    out.update(fields)
    return out


def ok(estimate, ci_low=None, ci_high=None, **fields) -> dict:
    """A computed result; any non-finite number becomes None."""
    out = {"estimate": finite(estimate), "ci_low": finite(ci_low), "ci_high": finite(ci_high)}
    out.update({k: (finite(v) if isinstance(v, float | np.floating) else v) for k, v in fields.items()})
    out["status"], out["reason"] = "ok", None
    if out["estimate"] is None:
        out.update(status="n/a", reason=reasons.text("not_finite"), reason_code="not_finite", reason_params={})
    return out
