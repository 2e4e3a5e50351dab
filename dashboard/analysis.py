"""Reads that combine the store with a later stage's library function (cached like any query).

Each returns None when the stage is not installed, so the page can say so instead of failing.
"""

from __future__ import annotations

import pandas as pd

from dashboard import queries, stages
from dashboard.filters import Filters
from viralscope.store import Store


def cascade_virality(store: Store, keys: list[tuple[str, str]]) -> pd.DataFrame | None:
    """Structural virality (and the diffusion stage's other per-cascade columns) of the given cascades."""
    metrics = stages.cascade_metrics()
    if metrics is None:
        return None
    mentions = queries.cascade_mentions(store, keys)
    if mentions.empty:
        return pd.DataFrame(columns=["source", "cascade_id", "structural_virality"])
    # Ids are unique within a source only: qualify them so cascades of two sources never merge.
    qualified = mentions.assign(
        id=mentions["source"] + ":" + mentions["id"],
        parent_id=(mentions["source"] + ":" + mentions["parent_id"]).where(mentions["parent_id"].notna()),
    )
    out = metrics(qualified[["id", "parent_id", "created_at"]]).reset_index(drop=True)
    if "cascade_id" not in out:
        return None
    split = out["cascade_id"].astype(str).str.split(":", n=1, expand=True)
    return out.assign(source=split[0], cascade_id=split[1])


def crises(store: Store, f: Filters) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Incidents and the hourly series (observed and expected negatives) for the filtered window."""
    detect = stages.detect_crises()
    hourly = queries.hourly_labels(store, f)
    if detect is None or hourly.empty:
        return None
    incidents, series = detect(hourly, "1h", drivers=False, with_series=True)
    start, end = f.window
    series = series.reset_index()
    time_col = "start" if "start" in series else series.columns[0]
    series = series.rename(columns={time_col: "t"})
    series = series[(series["t"] >= start) & (series["t"] < end)]
    if len(incidents):
        incidents = incidents[(incidents["end"] > start) & (incidents["start"] < end)].reset_index(drop=True)
    return incidents, series


def drivers(store: Store, f: Filters, start, end) -> dict | None:
    """The cascades and terms behind one incident's negative mentions."""
    find = stages.incident_drivers()
    if find is None:
        return None
    return find(queries.incident_mentions(store, f, start, end), start, end)
