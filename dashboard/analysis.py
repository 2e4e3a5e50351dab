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
from dashboard import queries, tree
from dashboard.filters import Filters
from viralscope import crisis, kpis, privacy
from viralscope.config import configured_brand
from viralscope.core.errors import InsufficientData
from viralscope.store import Store, query
from viralscope.store.query import Scope

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


@dataclass(frozen=True)
class Coverage:
    """Whose incidents the Crisis page shows: ``brands`` (() for all mentions), ``brand`` (whose detection
    settings and own accounts apply) and ``default`` (no brand filter: the configured brand, as on the
    Overview's crisis KPI, the alerts and the weekly report)."""

    brands: tuple[str, ...]
    brand: str | None
    default: bool


def coverage(store: Store, f: Filters) -> Coverage:
    """The brands a brand filter names; without one, the configured brand (``kpis.scope``: when the store
    holds its mentions), else all mentions."""
    config = queries.config(store)
    if f.brands:
        return Coverage(brands=tuple(f.brands), brand=_brand_in_view(config, f), default=False)
    where, brand, _ = kpis.scope(store, config, None)
    return Coverage(brands=where.brands, brand=brand, default=True)


def crises(store: Store, f: Filters) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Incidents and the hourly series (observed and expected negatives) for the filtered window, as
    ``viralscope.crisis.detect`` finds them for the Overview's KPI, the alerts and the report: of the brands of
    :func:`coverage` (the configured brand unless a brand filter says otherwise).

    The incidents come open first (``ongoing``), then latest first; their ``attrs`` carry the detector's note
    when the data hold too little history to score; their ``response`` column holds how the brand's own
    accounts answered each one (:func:`responses`). None when the counts read (the window and the history
    before it) hold no scored mention.
    """
    config = queries.config(store)
    covered = coverage(store, f)
    scope = _scope(f, covered.brands)
    found = crisis.detect(store, config, scope.between(*f.window), covered.brand, kinds=("negative",),
                          with_series=True)
    if not found.scored:
        return None
    start, end = f.window
    # The open incident first (the one a PR team acts on), then the others latest first.
    inside = found.inside(found.crises)
    incidents = inside.assign(ongoing=inside["ongoing"].fillna(False).astype(bool)).sort_values(
        ["ongoing", "start"], ascending=False, kind="stable").reset_index(drop=True)
    incidents.attrs.update(inside.attrs)
    incidents["response"] = pd.Series(responses(store, config, scope, incidents, covered.brand),
                                      index=incidents.index, dtype=object)
    series = found.series.reset_index()
    time_col = "start" if "start" in series else series.columns[0]
    series = series.rename(columns={time_col: "t"})
    if start is not None:
        series = series[series["t"] >= start]
    if end is not None:
        series = series[series["t"] < end]
    incidents.attrs["unjudged"] = crisis.unjudged(series.set_index("t"))
    return incidents, series


def responses(store: Store, config, scope: Scope, incidents: pd.DataFrame, brand: str | None) -> list[dict]:
    """How the own accounts of ``brand`` answered each incident (``crisis.responses``), or for every incident
    the reason there is no answer: no accounts configured for the brand."""
    accounts = config.accounts_of(brand) if config is not None else ()
    if not accounts:
        return [kpis.no_accounts(config, brand) for _ in range(len(incidents))]
    return crisis.responses(store, scope, incidents, accounts, final_after=kpis.response_final_after(config))


def hourly_negatives(store: Store, f: Filters) -> pd.DataFrame:
    """Negative and all scored mentions per hour in the window (of the brands of :func:`coverage`): ``t``,
    ``negative``, ``total`` (what the Crisis page charts when nothing can be detected)."""
    counts = crisis.hourly(store, _scope(f, coverage(store, f).brands).between(*f.window))
    scored = counts[counts["sentiment_label"] != query.UNSCORED]
    negative = scored["count"].where(scored["sentiment_label"] == "negative", 0)
    out = pd.DataFrame({"t": scored["created_at"], "negative": negative, "total": scored["count"]})
    return out.groupby("t", as_index=False)[["negative", "total"]].sum()


def _brand_in_view(config, f: Filters) -> str | None:
    if len(f.brands) == 1:
        return f.brands[0]
    return configured_brand(config)


def _scope(f: Filters, brands: tuple[str, ...] | str | None = None) -> Scope:
    """The mentions in view (of the given brands when given), without the dates and the sentiment filter."""
    scope = f.scope(dates=False, sentiments=False)
    return Scope(brands=brands, sources=scope.sources, langs=scope.langs) if brands else scope


def volume_spikes(store: Store, f: Filters) -> pd.DataFrame:
    """Mention-volume spikes in the window: of each tracked brand in view (competitors marked as such), or of all
    the mentions in view when no brand is configured; each brand with its ``[alerts.volume]`` settings.

    Columns: ``brand``, ``competitor`` and those of ``metrics.detect_spikes``; ``attrs["notes"]`` holds
    (brand, note) for the streams with too little history to score.
    """
    config = queries.config(store)
    start, end = f.window
    until = end if end is not None else pd.Timestamp.now(tz="UTC")
    tracked = [b.name for b in config.brands] if config is not None else []
    brands = [b for b in tracked if not f.brands or b in f.brands] if tracked else [None]
    competitors = {c.name for c in config.competitors} if config is not None else set()
    frames, notes = [], []
    for brand in brands:
        found = crisis.detect(store, config, _scope(f, brand).between(start, until), brand, kinds=("volume",))
        spikes = found.spikes
        if spikes.attrs.get("note"):
            notes.append((brand, dict(spikes.attrs)))
        if start is not None:
            spikes = found.inside(spikes)
        frames.append(spikes.assign(brand=brand, competitor=brand in competitors))
    out = pd.concat(frames, ignore_index=True) if any(len(x) for x in frames) else frames[0].iloc[:0]
    out = out.sort_values("start", kind="stable").reset_index(drop=True) if len(out) else out
    out.attrs["notes"] = notes
    return out


#: The columns of the driving posts' table (:func:`drivers`).
POST_COLUMNS = ["text", "author", "observed", "followers", "shares", "created_at", "url", "source", "cascade_id"]


def drivers(store: Store, f: Filters, start, end, *, brand: str | None = None, label: str | None = "negative") -> dict:
    """What drives one incident (its negative mentions, or all its mentions for a volume spike with ``label``
    None): of one brand when given, else of the brands of :func:`coverage` (``crisis.drivers``).

    Returns ``posts``: the original post of each driving cascade (``POST_COLUMNS``: its text, the author's
    pseudonym as in the reports and exports (``viralscope.privacy``; the brands' own accounts stay in clear),
    the incident's mentions in its cascade (``observed``), followers, shares, time, link, source and cascade
    id), largest cascade first; and ``terms``: the emerging terms (``term``, ``count``, ``ratio``).
    """
    brands = (brand,) if brand else coverage(store, f).brands
    found = crisis.drivers(store, _scope(f, brands), start, end, label=label)
    counts = {c["cascade_id"]: c.get("negatives", c.get("mentions")) for c in found.get("cascades", [])}
    posts = pd.DataFrame(found.get("posts", []), columns=["cascade_id", "author", "author_id", "text", "url",
                                                          "created_at", "source", "followers", "shares"])
    named = privacy.protect(posts[["source", "author_id"]].assign(author_name=posts["author"]),
                            privacy.for_store(store, queries.config(store)))
    # ``crisis.drivers`` names a cascade ``source:id`` (ids are unique within a source only).
    split = posts["cascade_id"].astype(str).str.split(":", n=1)
    table = posts.assign(author=named["author_name"], observed=posts["cascade_id"].map(counts).astype("Int64"),
                         cascade_id=split.str[1], followers=posts["followers"].astype("Int64"),
                         shares=posts["shares"].astype("Int64"))
    terms = pd.DataFrame(found.get("terms", []), columns=["term", "count", "ratio"])
    return {"posts": table[POST_COLUMNS].reset_index(drop=True), "terms": terms}


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
        return InsufficientData.of("no_posts_in_view")
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
        return InsufficientData.of("forecast_no_recent_posts", settle=SETTLE)
    predicted = diffusion.predict_forecast(model, members, now=now)
    if predicted.empty:
        return InsufficientData.of("forecast_not_watched", settle=SETTLE, minutes=OBSERVE_MINUTES)
    roots = members[members["depth"] == 0][["source", "cascade_id", "created_at", "author_name", "text"]]
    sizes = members.groupby(["source", "cascade_id"]).size().rename("size_so_far").reset_index()
    table = (predicted.head(top)
             .merge(roots.rename(columns={"created_at": "started_at"}), on=["source", "cascade_id"], how="left")
             .merge(sizes, on=["source", "cascade_id"], how="left"))
    table = table[["source", "cascade_id", "started_at", "author_name", "text", "observed_size", "size_so_far",
                   "predicted_size", "p_double"]]
    return Forecasts(table=table, quality=dict(model.quality), since=since, now=now)
