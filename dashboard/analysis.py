"""Reads that combine the store with a stage's library function (cached by the pages like any query).

The stages ship with viralscope: ``metrics`` (crises, their drivers), ``diffusion`` (structural virality,
trigger accounts, content traits, growth forecasts). A computation that cannot say anything meaningful on
this data returns the ``InsufficientData`` it raised (with its reason) instead of raising, so that the
page's cache keeps the answer and the page shows the reason.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pandas as pd

import diffusion
import metrics
from dashboard import queries, tree
from dashboard.filters import Filters
from viralscope.errors import InsufficientData
from viralscope.store import Store

#: A share re-ignited a cascade when at least this many mentions descend from it …
MIN_DESCENDANTS = 5
#: … and they are at least this share of the cascade's other mentions (``diffusion.trigger_accounts``).
MIN_FRACTION = 0.25
#: Growth forecasts: minutes a cascade is watched, and the age at which a cascade counts as finished.
OBSERVE_MINUTES = 60
SETTLE = "72h"
#: Growth forecasts learn from this many of the latest finished cascades (the fit's cost grows with them:
#: about 40 s for 10,000 and ten minutes for 400,000 on two cores; its quality on newer cascades is shown).
TRAIN_CASCADES = 10_000


def cascade_virality(store: Store, keys: list[tuple[str, str]]) -> pd.DataFrame:
    """Structural virality (and the diffusion stage's other per-cascade columns) of the given cascades."""
    mentions = queries.cascade_mentions(store, keys)
    if mentions.empty:
        return pd.DataFrame(columns=["source", "cascade_id", "structural_virality"])
    # Ids are unique within a source only: qualify them so cascades of two sources never merge.
    qualified = mentions.assign(
        id=mentions["source"] + ":" + mentions["id"],
        parent_id=(mentions["source"] + ":" + mentions["parent_id"]).where(mentions["parent_id"].notna()),
    )
    out = diffusion.cascade_metrics(qualified[["id", "parent_id", "created_at"]]).reset_index(drop=True)
    split = out["cascade_id"].astype(str).str.split(":", n=1, expand=True)
    return out.assign(source=split[0], cascade_id=split[1])


def cascade_layout(store: Store, source: str, cascade_id: str) -> tree.Layout:
    """The laid-out tree of one cascade (``tree.layout`` of ``queries.cascade_nodes``), kept by the cache:
    a cascade of tens of thousands of mentions takes a tenth of a second to lay out."""
    return tree.layout(queries.cascade_nodes(store, source, cascade_id))


def crises(store: Store, f: Filters) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Incidents and the hourly series (observed and expected negatives) for the filtered window."""
    hourly = queries.hourly_labels(store, f)
    if hourly.empty:
        return None
    incidents, series = metrics.detect_crises(hourly, "1h", drivers=False, with_series=True)
    start, end = f.window
    series = series.reset_index()
    time_col = "start" if "start" in series else series.columns[0]
    series = series.rename(columns={time_col: "t"})
    series = series[(series["t"] >= start) & (series["t"] < end)]
    if len(incidents):
        incidents = incidents[(incidents["end"] > start) & (incidents["start"] < end)].reset_index(drop=True)
    return incidents, series


def drivers(store: Store, f: Filters, start, end) -> dict:
    """The cascades and terms behind one incident's negative mentions."""
    return metrics.incident_drivers(queries.incident_mentions(store, f, start, end), start, end)


# -- why it spread ------------------------------------------------------------------------------------------


def trigger_accounts(store: Store, f: Filters) -> pd.DataFrame:
    """``diffusion.trigger_accounts`` over the cascades whose original post matches the filters.

    The re-igniting shares are found in the database (``queries.reignitions``: the same rule, tested to give
    the same table), so a million mentions are never read out for the few hundred that matter.
    """
    found = queries.reignitions(store, f, min_descendants=MIN_DESCENDANTS, min_fraction=MIN_FRACTION)
    return diffusion.rank_trigger_accounts(found)


def content_traits(store: Store, f: Filters):
    """``diffusion.trait_model`` (a ``TraitReport``) of the original posts matching the filters.

    Returns the ``InsufficientData`` raised when there are too few posts, or too few of them viral.
    """
    members = queries.window_members(store, f)
    if members.empty:
        return InsufficientData("no original post in this window matches the filters")
    themes = dict(queries.config(store).themes) or None
    try:
        return diffusion.trait_model(members, themes=themes)
    except InsufficientData as exc:
        return exc


@dataclass
class Forecasts:
    """Growth forecasts of the active cascades and the quality of the model that made them."""

    table: pd.DataFrame  # source, cascade_id, started_at, author_name, text, observed_size, size_so_far, predicted_size, p_double
    quality: dict  # ``ForecastModel.quality``: time-ordered AUC, accuracy, size error, on how many cascades
    since: pd.Timestamp  # cascades started in [since, now)
    now: pd.Timestamp


_models: dict[str, tuple[str, object]] = {}
_models_lock = threading.Lock()


def forecast_model(store: Store):
    """A growth forecast learned from the store's latest finished cascades (or the ``InsufficientData``).

    Finished: the original post is at least ``SETTLE`` older than the newest mention; the latest
    ``TRAIN_CASCADES`` of them are used. Every brand, source and language is used (the model reads how a
    cascade grows in its first minutes and who shares it, which the filters do not change, and more
    finished cascades measure it better), so it is learned once per version of the store and reused by
    every view.
    """
    key, version = str(store.path), store.version()
    with _models_lock:
        hit = _models.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
        from diffusion.forecast import completed

        history = queries.forecast_history(store, pd.Timedelta(SETTLE), TRAIN_CASCADES)
        try:
            model = diffusion.fit_forecast(completed(history, SETTLE), observe_minutes=OBSERVE_MINUTES)
        except InsufficientData as exc:
            model = exc
        _models[key] = (version, model)
        return model


def forecasts(store: Store, f: Filters, top: int = 25):
    """Forecasts for the cascades started in the window's last ``SETTLE`` (not finished yet) that match the filters.

    "Now" is the end of the window, or the newest mention when the window reaches it; a cascade is forecast
    once its first ``OBSERVE_MINUTES`` have passed. Most likely to double first. Returns the
    ``InsufficientData`` of the model, or one saying that no cascade is active.
    """
    model = forecast_model(store)
    if isinstance(model, InsufficientData):
        return model
    newest = queries.newest_mention(store)
    start, end = f.window
    now = newest if end is None or newest < end else end
    since = now - pd.Timedelta(SETTLE)
    if start is not None and start > since:
        since = start
    cols = ("source", "id", "parent_id", "parent_resolved", "cascade_id", "depth", "created_at", "author_id",
            "author_name", "author_followers", "kind")
    members = queries.window_members(store, f, columns=cols, start=since, end=now, root_text=True)
    members = members[members["created_at"] < now].reset_index(drop=True)  # what was known at ``now``
    if members.empty:
        return InsufficientData("no original post matching the filters was written in the last "
                                f"{SETTLE} of the window")
    predicted = diffusion.predict_forecast(model, members, now=now)
    if predicted.empty:
        return InsufficientData(f"no cascade of the last {SETTLE} of the window has been watched for "
                                f"{OBSERVE_MINUTES} minutes yet")
    roots = members[members["depth"] == 0][["source", "cascade_id", "created_at", "author_name", "text"]]
    sizes = members.groupby(["source", "cascade_id"]).size().rename("size_so_far").reset_index()
    table = (predicted.head(top)
             .merge(roots.rename(columns={"created_at": "started_at"}), on=["source", "cascade_id"], how="left")
             .merge(sizes, on=["source", "cascade_id"], how="left"))
    table = table[["source", "cascade_id", "started_at", "author_name", "text", "observed_size", "size_so_far",
                   "predicted_size", "p_double"]]
    return Forecasts(table=table, quality=dict(model.quality), since=since, now=now)
