"""Crisis detection: hours whose negative mentions jump far above a seasonal baseline (the spike engine, twice)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from metrics import spikes
from viralscope.core.results import need, weights
from viralscope.core.times import DAY, times, utc

__all__ = ["detect_crises", "hourly_counts", "incident_drivers", "post_summary"]

#: Level at which the share of negatives must also have risen for a jump in their count to be an incident.
SHARE_SUPPORT = 0.01

COLUMNS = [
    "start", "end", "peak", "severity", "negatives", "expected", "excess", "ratio", "negative_share",
    "expected_share", "p_value", "channel", "ongoing", "key", "cascades", "terms",
]


def hourly_counts(mentions: pd.DataFrame, freq: str = "1h", *, now=None) -> pd.DataFrame:
    """Total and negative mentions per time bin, zero-filled, indexed by bin start (UTC).

    Parameters
    ----------
    mentions : DataFrame
        ``created_at`` and ``sentiment_label``, one row per mention or pre-aggregated with a ``count``.
    freq : str, default "1h"
    now : datetime, optional
        Bins run from the first mention's bin to the bin holding ``now`` (default: the last mention's).

    Returns
    -------
    DataFrame
        Columns ``total`` and ``negative``; bins without mentions are 0.

    References
    ----------
    .. [1] viralscope DESIGN, "Crisis" (hourly negative mentions).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"created_at": ["2026-01-01 10:05", "2026-01-01 10:50", "2026-01-01 12:10"],
    ...                   "sentiment_label": ["negative", "positive", "negative"]})
    >>> hourly_counts(m).to_dict("list")
    {'total': [2.0, 0.0, 1.0], 'negative': [1.0, 0.0, 1.0]}
    """
    need(mentions, ["created_at", "sentiment_label"])
    ts = times(mentions["created_at"])
    w = weights(mentions)
    neg = np.where(mentions["sentiment_label"].astype("string").fillna("").to_numpy() == "negative", w, 0.0)
    if len(ts) == 0:
        return pd.DataFrame({"total": [], "negative": []}, index=pd.DatetimeIndex([], tz="UTC"))
    first = ts.min().floor(freq)
    last = (utc(now) - pd.Timedelta(1, "ns")).floor(freq) if now is not None else ts.max().floor(freq)
    index = pd.date_range(first, max(first, last), freq=freq)
    keep = (ts >= first) & (ts < index[-1] + pd.Timedelta(freq))
    pos = ((ts[keep] - first) // pd.Timedelta(freq)).astype(int).to_numpy()
    return pd.DataFrame(
        {"total": np.bincount(pos, weights=w[keep.to_numpy()], minlength=len(index)),
         "negative": np.bincount(pos, weights=neg[keep.to_numpy()], minlength=len(index))},
        index=index,
    )


def detect_crises(
    mentions: pd.DataFrame,
    freq: str = "1h",
    *,
    now=None,
    coverage: pd.Series | None = None,
    min_share_ratio: float = 1.75,
    count_share_ratio: float = 1.5,
    drivers: bool = True,
    with_series: bool = False,
    **settings,
) -> pd.DataFrame:
    """Incidents: runs of hours whose negative mentions are far above what the season predicts.

    Parameters
    ----------
    mentions : DataFrame
        ``created_at`` (timezone-aware, or naive meaning UTC) and ``sentiment_label``; one row per mention,
        or pre-aggregated with a ``count`` column. With ``text`` and ``cascade_id`` the incidents also
        name the cascades and terms driving them. The threads also tell a burst of many threads from one
        thread and its replies (see Notes): ``cascade_id`` on each row, or, on rows pre-aggregated by time
        bin and label, ``largest_cascade`` (the mentions of the row's largest cascade;
        the store's ``query.label_counts(threads=True)`` gives it).
    freq : str, default "1h"
        Bin width; must divide a day.
    now : datetime, optional
        End of the observed data (default: the end of the last mention's bin). A part-filled last bin
        has its expectation scaled to the part observed.
    coverage : Series, optional
        Observed fraction of the time (0..1), e.g. from a collector's run log; see
        :func:`metrics.spikes.bin_counts`. Hours not observed are neither silence nor scored.
    min_share_ratio : float, default 1.75
        "Large" for the share channel: the negatives must be at least this many times what the expected
        negative share of all mentions gives.
    count_share_ratio : float, default 1.5
        The count channel also needs the share up by this much (and its tail below 1%): a surge of *all*
        mentions lifts negatives in proportion and is not a crisis.
    drivers : bool, default True
        Name the cascades and terms of each incident (needs ``text`` / ``cascade_id``).
    with_series : bool, default False
        Also return the binned series (``total``, ``negative``, ``expected_negative``,
        ``expected_total``, ``expected_share``, ``flagged``), e.g. to chart observed against expected.
    **settings
        Settings of the shared engine (:class:`metrics.spikes.SpikeSettings`): ``history_days``,
        ``min_history_days``, ``windows``, ``alpha``, ``min_ratio``, ``min_excess``, ``merge_gap``,
        ``persistence``, ``halflife_hours``, ``infer_gaps``, ``gap_alpha``.

    Returns
    -------
    DataFrame
        One row per incident: ``start``, ``end`` (half-open), ``peak`` (bin of the largest excess),
        ``severity`` ("moderate" < 3×, "high" < 5×, "critical" ≥ 5× expected; without a baseline, the
        excess in units of ``min_excess``), ``negatives``, ``expected``, ``excess``, ``ratio`` (None when
        fewer than one negative mention was expected: a new burst, no baseline), ``negative_share``,
        ``expected_share``, ``p_value``, ``channel`` ("count", "share" or "both"), ``ongoing`` (still open
        at the end of the data), ``key`` (stable id: start time and frequency), ``cascades`` and ``terms``
        (lists, empty without text). No incident: an empty frame with these columns. With too little
        history, ``result.attrs["note"]`` says so. With ``with_series``, a pair (incidents, series).

    Notes
    -----
    Both channels are the engine of :func:`metrics.detect_spikes` (seasonal expectation, dispersion
    measured on the history's forecast errors, prospective windows of 1–12 hours, flagged hours set to
    their expectation afterwards), run on the negative mentions:

    - **share**: the expectation of an hour is its number of mentions × the expected negative share
      (an hour-of-day profile of the share, level from the recent hours) — a count model with all mentions
      as its exposure, as a Poisson regression of rates uses an offset. Conditioning on all mentions
      removes the volume shocks that make counts so noisy, which is what finds a night-time crisis;
    - **count**: the expectation is the seasonal profile of negative mentions (hour of day × weekday),
      and a window fires only when the share is up too (by ``count_share_ratio``, tail below 1%).

    Hours with no collection (``coverage``, or a run of empty hours the volume of all mentions makes
    implausible) are left out of both. An incident is reported only if it does not rest on one hour
    (``persistence``, see :func:`metrics.detect_spikes`) or, when the threads are known, on one thread per
    hour: without the largest cascade of each of its hours, its negatives are still an incident of their own
    (large and significant at ``alpha``) — so a crisis spread over many posts is reported in its first hour.
    The detector is evaluated by ``python -m bench.eval_detection`` (docs/metrics.md): on 60-day simulations
    whose noise is not its model, 4× six-hour crises — half of them at night — are found by a call that sees 3
    hours of them, their start within an hour, in 90–100% of cases (median over seeds per simulator; 81% at
    night when night-time negatives of 1–4 an hour come in heavy-tailed threads), at 0.06–0.34 false incidents
    per 30 days. With each hour's largest thread known, a call that sees only the first hour of a crisis finds
    50–83% of them (0–3% from counts alone), at 0.11–0.34 false incidents per 30 days.

    References
    ----------
    .. [1] Farrington, C. P. et al. (1996). A statistical algorithm for the early detection of outbreaks
       of infectious disease. JRSS A 159(3), 547–563.
    .. [2] Noufaily, A. et al. (2013). An improved algorithm for outbreak detection in multiple
       surveillance systems. Statistics in Medicine 32(7), 1206–1222.
    .. [3] Kulldorff, M. (2001). Prospective time periodic geographical disease surveillance using a scan
       statistic. JRSS A 164(1), 61–72.
    .. [4] McCullagh, P. and Nelder, J. A. (1989). Generalized Linear Models, 2nd ed., §6.2.3 (rates with
       an offset; quasi-likelihood for overdispersed counts).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> hours = pd.date_range("2026-01-05", periods=24 * 21, freq="h", tz="UTC")
    >>> season = 1 + 0.8 * np.sin(2 * np.pi * (hours.hour - 8) / 24)
    >>> total = rng.poisson(40 * season)
    >>> neg = rng.binomial(total, 0.1)
    >>> neg[24 * 20 + 14: 24 * 20 + 18] += 30           # a burst on the last day, 14:00-18:00
    >>> df = pd.DataFrame({"created_at": np.repeat(hours, 2), "sentiment_label": ["negative", "other"] * len(hours),
    ...                    "count": np.column_stack([neg, total - neg + 0]).ravel()})
    >>> found = detect_crises(df)
    >>> len(found), str(found.loc[0, "start"]), found.loc[0, "severity"]
    (1, '2026-01-25 14:00:00+00:00', 'critical')
    >>> detect_crises(df.iloc[:0]).columns[:4].tolist()
    ['start', 'end', 'peak', 'severity']
    """
    need(mentions, ["created_at", "sentiment_label"])
    s = spikes.SpikeSettings.of(**settings)
    step = spikes.bin_step(freq)
    ts = times(mentions["created_at"])
    w = weights(mentions)
    neg = np.where(mentions["sentiment_label"].astype("string").fillna("").to_numpy() == "negative", w, 0.0)
    total = spikes.bin_counts(pd.Series(w, index=ts.to_numpy()), freq, now=now, coverage=coverage)
    if len(total) == 0:
        empty = pd.DataFrame(columns=COLUMNS)
        empty.attrs.update(note=f"not enough history: 0 days of the {s.min_history_days} needed", history_days=0,
                           history_needed=s.min_history_days)
        series = pd.DataFrame(columns=["total", "negative", "expected_negative", "expected_total",
                                       "expected_share", "flagged"])
        return (empty, series) if with_series else empty
    negative = spikes.bin_counts(pd.Series(neg, index=ts.to_numpy()), freq, now=now, start=total.index[0])
    negative = negative.reindex(total.index, fill_value=0.0).assign(exposure=total["exposure"])
    # All mentions first: their volume tells a collection gap from a quiet hour, for both channels.
    volume = spikes.scan(total, step, s)
    gaps = volume.exposure <= 0
    totals = total["count"].to_numpy(float)
    p_bar = float(negative["count"].sum() / max(totals.sum(), 1e-12))
    share = spikes.scan(negative, step, dataclasses.replace(s, min_ratio=min_share_ratio, infer_gaps=False),
                        base=np.where(gaps, 0.0, totals),
                        weekly=False, phi_floor=max(0.5, 1 - p_bar), gaps=gaps, trials=True)

    def share_up(a: int, t: int, S: float) -> bool:
        E = float(np.sum(share.expected[a:t + 1]))
        if not np.isfinite(E) or E <= 0:
            return False
        return S >= count_share_ratio * E and spikes.nb_sf(S, E, share.var(t, E, t - a + 1)) < SHARE_SUPPORT

    count = spikes.scan(negative, step, dataclasses.replace(s, infer_gaps=False), gate=share_up, gaps=gaps)
    incidents = _incidents(total, negative, count, share, s, freq,
                           lambda: _largest_negative_thread(mentions, ts, neg, total.index, freq, now))
    expected_share = share.expected / np.where(totals > 0, totals, np.nan)
    series = pd.DataFrame({
        "total": totals, "negative": negative["count"].to_numpy(float), "expected_negative": count.expected,
        "expected_total": volume.expected, "expected_share": expected_share,
        "flagged": count.flagged | share.flagged}, index=total.index)
    if drivers and len(incidents) and {"text", "cascade_id"} & set(mentions.columns):
        found = [incident_drivers(mentions, row.start, row.end) for row in incidents.itertuples()]
        incidents["cascades"] = [f["cascades"] for f in found]
        incidents["terms"] = [f["terms"] for f in found]
    incidents.attrs.update(count.attrs() or share.attrs())
    return (incidents, series) if with_series else incidents


def _largest_negative_thread(mentions, ts, neg, index, freq, now) -> np.ndarray | None:
    """The negatives of each bin's largest thread, from ``cascade_id`` or ``largest_cascade``; None without."""
    if "cascade_id" in mentions.columns:
        return spikes.largest_thread(index, freq, ts, neg, mentions["cascade_id"], now=now)
    if "largest_cascade" in mentions.columns:
        top = pd.to_numeric(mentions["largest_cascade"], errors="coerce").fillna(0).to_numpy(float)
        return spikes.largest_thread(index, freq, ts, np.where(neg > 0, np.minimum(top, neg), 0.0), now=now)
    return None


def _incidents(total, negative, count, share, s, freq, largest=lambda: None) -> pd.DataFrame:
    """Incidents of the two channels together: flagged hours of either, merged over ``merge_gap``
    (``largest()``: the negatives of each bin's largest thread, read only when the persistence rule needs it)."""
    step = pd.Timedelta(freq)
    merged = spikes.Scan(count.index, count.y, count.exposure, count.expected, count.variance,
                         count.flagged | share.flagged, count.scored, count.windows, None, s)
    yn, yt = negative["count"].to_numpy(float), total["count"].to_numpy(float)
    rows = []
    threads: list = []
    for a, b in merged.runs():
        if not (count.persists(a, b) or share.persists(a, b)):
            if not threads:
                threads.append(largest())
            if threads[0] is None or not (count.persists(a, b, threads[0]) or share.persists(a, b, threads[0])):
                continue  # the excess rests on one hour (and, when the threads are known, on one thread)
        seg = slice(a, b + 1)
        ok = count.exposure[seg] > 0
        obs = float(yn[seg][ok].sum())
        m = float(np.nansum(count.expected[seg][ok]))
        e = float(np.nansum(share.expected[seg][ok]))
        n = float(yt[seg][ok].sum())
        if obs - min(m, e) < s.min_excess:  # the incident as a whole must be large, not only a window in it
            continue
        ratio = obs / m if m >= spikes.MIN_EXPECTED else None
        L = b - a + 1
        p_count = spikes.nb_sf(obs, m, count.var(a, m, L)) if m > 0 else 0.0
        p_share = spikes.nb_sf(obs, e, share.var(a, e, L)) if e > 0 else 0.0
        fired = (1 if count.flagged[seg].any() else 0) | (2 if share.flagged[seg].any() else 0)
        excess = yn[seg] - np.nan_to_num(count.expected[seg])
        peak = a + int(np.argmax(np.where(ok, excess, -np.inf)))
        start = count.index[a]
        rows.append({
            "start": start, "end": count.index[b] + step, "peak": count.index[peak],
            "severity": spikes.severity(ratio, obs - m, s.min_excess),
            "negatives": obs, "expected": m, "excess": obs - m, "ratio": ratio,
            "negative_share": obs / n if n > 0 else None, "expected_share": e / n if n > 0 else None,
            "p_value": float(min(p_count if fired & 1 else 1.0, p_share if fired & 2 else 1.0)),
            "channel": {1: "count", 2: "share", 3: "both"}[fired],
            "ongoing": bool(len(count.index) - 1 - b <= s.merge_gap), "key": f"{start.isoformat()}/{freq}",
            "cascades": [], "terms": [],
        })
    return spikes.frame(rows, COLUMNS)


def incident_drivers(mentions: pd.DataFrame, start, end, *, label: str | None = "negative", top: int = 5,
                     baseline_days: int = 7) -> dict:
    """The cascades, posts and terms behind the mentions of ``[start, end)`` (the negative ones by default).

    Parameters
    ----------
    mentions : DataFrame
        ``created_at``, at least one of ``cascade_id``, ``text``, and ``sentiment_label`` unless ``label``
        is None. With ``id`` (and ``author_name``, ``url``), the cascades' original posts are named too.
    start, end : datetime
        The incident.
    label : str or None, default "negative"
        Only mentions with this sentiment label; None for all mentions (a volume spike).
    top : int, default 5
    baseline_days : int, default 7
        Terms are compared with the same kind of mentions of this many days before ``start``.

    Returns
    -------
    dict
        ``cascades``: list of {cascade_id, negatives (or mentions when ``label`` is not "negative"), share}
        (largest first); ``posts``: the original post of each of those cascades that ``mentions`` holds
        ({cascade_id, author, text, url, created_at}); ``terms``: list of {term, count, ratio} of terms
        emerging against the baseline (see :func:`metrics.themes.emerging_terms`).

    References
    ----------
    .. [1] viralscope DESIGN, "Crisis" (the cascades and terms that drive an incident).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"created_at": ["2026-01-02 10:00"] * 3 + ["2026-01-01 10:00"],
    ...                   "sentiment_label": ["negative"] * 4, "cascade_id": ["a", "a", "b", "c"],
    ...                   "id": ["a", "a2", "b", "c"], "text": ["refund refused", "refund please", "late", "hello"]})
    >>> found = incident_drivers(m, "2026-01-02", "2026-01-03")
    >>> found["cascades"][0], found["posts"][0]["text"]
    ({'cascade_id': 'a', 'negatives': 2, 'share': 0.667}, 'refund refused')
    """
    need(mentions, ["created_at"] + (["sentiment_label"] if label is not None else []))
    start, end = utc(start), utc(end)
    ts = times(mentions["created_at"])
    chosen = np.ones(len(mentions), bool) if label is None else \
        (mentions["sentiment_label"].astype("string") == label).fillna(False).to_numpy()
    inside = chosen & ((ts >= start) & (ts < end)).to_numpy()
    before = chosen & ((ts >= start - baseline_days * DAY) & (ts < start)).to_numpy()
    out: dict = {"cascades": [], "posts": [], "terms": []}
    count_key = "negatives" if label == "negative" else "mentions"
    if "cascade_id" in mentions.columns and inside.any():
        c = mentions.loc[inside, "cascade_id"].dropna().astype(str).value_counts()
        total = int(inside.sum())
        out["cascades"] = [
            {"cascade_id": cid, count_key: int(k), "share": round(int(k) / total, 3)}
            for cid, k in c.head(top).items()
        ]
        if "id" in mentions.columns:
            roots = mentions[mentions["id"].astype(str).isin(c.head(top).index)].drop_duplicates("id")
            by_id = {str(r["id"]): r for _, r in roots.iterrows()}
            out["posts"] = [post_summary(by_id[cid], cid) for cid in c.head(top).index if cid in by_id]
    if "text" in mentions.columns and inside.any():
        from metrics.themes import emerging_terms

        terms = emerging_terms(mentions.loc[inside, "text"], mentions.loc[before, "text"], top=top * 2)
        out["terms"] = [
            {"term": r.term, "count": int(r.count_window), "ratio": None if not np.isfinite(r.ratio) else round(r.ratio, 2)}
            for r in terms.itertuples()
        ]
    return out


def post_summary(row, cascade_id: str) -> dict:
    """What names a driving post: its cascade, author, text (as written; callers escape it), link and time."""
    def get(key):
        value = row.get(key) if hasattr(row, "get") else None
        return None if value is None or (isinstance(value, float) and np.isnan(value)) else value

    created = get("created_at")
    return {"cascade_id": cascade_id, "author": get("author_name"), "text": get("text"), "url": get("url"),
            "created_at": utc(created) if created is not None else None}
