"""Response time: how long complaints and questions wait for a brand account's reply in their thread."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy import special

from viralscope.core.results import finite, na, need, ok
from viralscope.core.stats import binomial_dispersion, wilson
from viralscope.core.times import epoch_ns, times, utc

__all__ = ["response_times", "response_summary", "is_question", "QUESTION_PATTERN", "FINAL_AFTER"]

#: How old a complaint or question must be before it counts: whether it gets an answer is settled by then.
FINAL_AFTER = "48h"

#: A question: a question mark (ASCII or full-width), an English question opener at the start of a
#: sentence, or a Korean interrogative ending or word. Also used in SQL (DuckDB ``regexp_matches``).
QUESTION_PATTERN = (
    r"[?？]|(^|[.!]\s+)(how|why|when|where|what|which|who|can|could|does|do|is|are|will|would|should)\s"
    r"|(나요|까요|습니까|은가요|는가요|인가요|죠)\s*$|(왜|어떻게|언제|어디|뭐|무엇|누가|어떤)\s"
)
_QUESTION = re.compile(QUESTION_PATTERN, re.IGNORECASE)


def is_question(text) -> bool:
    """True when a mention reads as a question (see :data:`QUESTION_PATTERN`).

    Parameters
    ----------
    text : str

    Returns
    -------
    bool

    References
    ----------
    .. [1] viralscope DESIGN, "Response time" (complaints and questions).

    Examples
    --------
    >>> is_question("How do I reset my lamp"), is_question("환불은 언제 되나요"), is_question("Love it!")
    (True, True, False)
    """
    return isinstance(text, str) and bool(_QUESTION.search(text.strip()))


def _norm(name) -> str:
    return str(name).strip().lstrip("@").casefold()


def _km(durations: np.ndarray, answered: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Kaplan–Meier of the share still unanswered: event times, S(t) just after each, at-risk and events."""
    times_, inverse = np.unique(durations, return_inverse=True)
    events = np.bincount(inverse, weights=answered.astype(float), minlength=len(times_))
    leaving = np.bincount(inverse, minlength=len(times_))
    at_risk = len(durations) - np.concatenate([[0], np.cumsum(leaving)[:-1]])
    keep = events > 0
    t, d, n = times_[keep], events[keep], at_risk[keep]
    return t, np.cumprod(1 - d / n), n, d


def _quantile(t: np.ndarray, s: np.ndarray, q: float) -> float | None:
    """Smallest time by which a share ``q`` has been answered (None if never reached)."""
    reached = np.flatnonzero(1 - s >= q - 1e-12)
    return float(t[reached[0]]) if len(reached) else None


def response_times(mentions: pd.DataFrame, brand_accounts, window=None, *, now=None,
                   within: str = "1h", final_after: str = FINAL_AFTER) -> dict:
    """Time until a brand account replies in the thread of each complaint or question.

    Parameters
    ----------
    mentions : DataFrame
        ``id``, ``created_at``, ``parent_id`` (or ``parent_resolved``, preferred when present),
        ``author_id`` and/or ``author_name``, ``sentiment_label``, and ``text`` (or a boolean ``question``
        column computed beforehand, e.g. in SQL with :data:`QUESTION_PATTERN`). Every mention needed to walk
        from a brand reply up to the complaint must be present.
    brand_accounts : iterable of str
        The brand's own accounts (author ids or names; ``@`` and case are ignored).
    window : (start, end), optional
        Only complaints and questions created in this half-open period count.
    now : datetime, optional
        End of observation (default: the last mention's time).
    within : str, default "1h"
        The target for the "answered within" share.
    final_after : str, default "48h"
        Items younger than this at ``now`` are left out; an answer counts when it came within this time.

    Returns
    -------
    dict
        As :func:`response_summary`: the answer rate with its Wilson interval and, among the answered, the
        median (``estimate``) and P90 minutes to the first brand reply with bootstrap intervals.

    Notes
    -----
    A complaint is a negative mention by someone else than the brand; a question matches
    :data:`QUESTION_PATTERN`; bare reshares (``kind`` "share") are neither. Its response is the earliest
    later mention by a brand account that descends from it (a reply to it, or a reply further down its own
    thread); a brand account's bare reshare answers nobody. Unanswered items are not dropped — they make
    the answer rate — and the times are those of the answered ones (:func:`response_summary`).

    References
    ----------
    .. [1] Wilson (1927), Hutson (1999), Kaplan & Meier (1958): see :func:`response_summary`.
    .. [2] viralscope DESIGN, "Response time" (customers expect 30–60 minutes).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({
    ...     "id": ["1", "2", "3", "4", "5", "6"],
    ...     "created_at": pd.to_datetime(["2026-01-01 10:00", "2026-01-01 10:20", "2026-01-01 11:00",
    ...                                   "2026-01-01 13:00", "2026-01-01 12:00", "2026-01-01 14:00"]),
    ...     "parent_id": [None, "1", None, "3", None, None],
    ...     "author_name": ["ann", "Lumio_Care", "bo", "lumio_care", "cy", "dee"],
    ...     "sentiment_label": ["negative", "neutral", "neutral", "neutral", "positive", "negative"],
    ...     "text": ["broken again", "sorry!", "when does it ship?", "soon", "love it", "meh"]})
    >>> r = response_times(m, ["@lumio_care"], now="2026-01-04 15:00")
    >>> r["n"], r["n_answered"], round(r["answer_rate"], 3), r["estimate"], round(r["share_within"], 3)
    (3, 2, 0.667, 20.0, 0.333)
    """
    need(mentions, ["id", "created_at"])
    parent_col = "parent_resolved" if "parent_resolved" in mentions.columns else "parent_id"
    need(mentions, [parent_col])
    accounts = {_norm(a) for a in (brand_accounts or [])}
    if not accounts:
        return na("no_brand_accounts", n=0)
    m = mentions.reset_index(drop=True)
    ts = times(m["created_at"])
    ids = m["id"].astype(str).to_numpy()
    by_brand = np.zeros(len(m), bool)
    for col in ("author_id", "author_name"):
        if col in m.columns:
            names = m[col].astype("string").str.strip().str.lstrip("@").str.casefold()
            by_brand |= names.isin(accounts).fillna(False).to_numpy(bool)
    labels = m["sentiment_label"].astype("string").fillna("").to_numpy() if "sentiment_label" in m.columns \
        else np.array([""] * len(m))
    kinds = m["kind"].astype("string").fillna("").to_numpy() if "kind" in m.columns else None
    if kinds is not None:  # a brand account's bare reshare repeats a mention; it answers nobody
        by_brand &= kinds != "share"
    complaint = (labels == "negative") & ~by_brand
    if "question" in m.columns:  # computed elsewhere, e.g. in SQL with QUESTION_PATTERN
        question = ~by_brand & m["question"].astype("boolean").fillna(False).to_numpy(bool)
    elif "text" in m.columns:
        question = ~by_brand & m["text"].map(is_question).to_numpy(bool)
    else:
        question = np.zeros(len(m), bool)
    item = complaint | question
    if kinds is not None:  # a bare reshare repeats a complaint; it is not one to answer
        item &= kinds != "share"
    if window is not None:
        a, b = utc(window[0]), utc(window[1])
        item &= ((ts >= a) & (ts < b)).to_numpy()
    end = utc(now) if now is not None else ts.max()
    parents = m[parent_col].astype("string")
    lookup, positions = pd.Index(ids), np.arange(len(m))
    if not lookup.is_unique:  # the last copy of an id wins
        keep = ~lookup.duplicated(keep="last")
        lookup, positions = lookup[keep], positions[keep]
    found = lookup.get_indexer(parents.fillna("\x00").to_numpy(dtype=object))
    parent = np.where(found >= 0, positions[found], -1)  # -1: the parent is not among these mentions
    ts_ns, end_ns = epoch_ns(ts), np.int64(epoch_ns(end))
    # Walk up from every brand reply at once, one generation per step: an ancestor that is an item and is
    # older than the reply was answered by it (no later than ``end``); the earliest such reply counts.
    never = np.iinfo(np.int64).max
    first_ns = np.full(len(m), never, dtype=np.int64)
    reply = np.flatnonzero(by_brand)
    reply = reply[ts_ns[reply] <= end_ns]
    at = parent[reply]
    for _ in range(len(m)):  # links are trees; the bound only guards against a cycle in hand-made input
        live = at >= 0
        if not live.any():
            break
        reply, at = reply[live], at[live]
        hit = item[at] & (ts_ns[reply] > ts_ns[at])
        np.minimum.at(first_ns, at[hit], ts_ns[reply[hit]])
        at = parent[at]
    rows = np.flatnonzero(item)
    replied = first_ns[rows].astype("datetime64[ns]")
    replied[first_ns[rows] == never] = np.datetime64("NaT")
    items = pd.DataFrame({"created_at": ts.iloc[rows].reset_index(drop=True),
                          "replied_at": pd.DatetimeIndex(replied, tz="UTC"),
                          "complaint": complaint[rows], "question": question[rows]})
    return response_summary(items, now=end, within=within, final_after=final_after)


def _quantile_interval(x: np.ndarray, q: float, level: float, deff: float = 1.0) -> tuple[float, float, float]:
    """Sample quantile x_(⌈nq⌉) and its percentile-bootstrap interval, computed exactly.

    Resampling n values with replacement, the number of draws at or below x_(j) is Binomial(n, j/n), so the
    bootstrap quantile is at most x_(j) exactly when that count reaches ⌈nq⌉: the bootstrap distribution of a
    sample quantile is known without drawing a single resample (Hutson 1999), and the interval is the same
    at every call. ``deff`` (≥ 1), the design effect of items that are not independent (answered on the same
    day by the same shift), shrinks n to n / deff in that binomial (the regularized incomplete beta takes a
    non-integer n).
    """
    x = np.sort(x)
    n = len(x)
    k = max(int(np.ceil(n * q - 1e-9)), 1)
    m = n / max(deff, 1.0)
    # P(Bin(m, p) ≥ mq) = I_p(mq, m − mq + 1), for p = j/n, j = 1..n.
    cdf = special.betainc(max(m * k / n, 1e-9), m - m * k / n + 1, np.arange(1, n + 1) / n)
    tail = (1 - level) / 2
    lo = x[min(int(np.searchsorted(cdf, tail, side="left")), n - 1)]
    hi = x[min(int(np.searchsorted(cdf, 1 - tail, side="left")), n - 1)]
    return float(x[k - 1]), float(lo), float(hi)


def _day_deff(created: pd.Series, hit: np.ndarray) -> float:
    """Design effect of a share over items grouped by their UTC day (Pearson χ²/df of the daily shares, ≥ 1)."""
    day = created.dt.floor("D").to_numpy()
    _, idx = np.unique(day, return_inverse=True)
    return binomial_dispersion(np.bincount(idx, weights=hit.astype(float)), np.bincount(idx).astype(float))


def response_summary(items: pd.DataFrame, *, now, within: str = "1h", final_after: str = FINAL_AFTER,
                     level: float = 0.95) -> dict:
    """Answer rate and time to the first brand reply of complaints and questions old enough to be final.

    The statistics of :func:`response_times` once each complaint or question has its first brand reply
    (e.g. found in SQL by walking up from the brand's replies).

    Parameters
    ----------
    items : DataFrame
        One row per complaint or question: ``created_at``, ``replied_at`` (its first brand reply; missing
        when unanswered by ``now``), and booleans ``complaint`` and ``question`` (both may hold).
    now : datetime
        End of observation.
    within : str, default "1h"
        The target for the "answered within" share.
    final_after : str, default "48h"
        An item counts once it is this old at ``now``; it is answered when its first brand reply came within
        this time. Younger items are left out (``n_pending``): whether they will be answered is not known yet.
    level : float, default 0.95

    Returns
    -------
    dict
        ``estimate`` = median minutes to the first brand reply among the answered, ``ci_low``/``ci_high`` (its
        bootstrap interval), ``p90_minutes`` with ``p90_ci_low``/``_high``, ``answer_rate`` with
        ``answer_rate_ci_low``/``_high`` (Wilson), ``share_within`` (answered within ``within``, of all final
        items) with its Wilson interval, ``n`` (final complaints and questions), ``n_answered``,
        ``n_complaints``, ``n_questions``, ``n_pending``, ``km_median_minutes`` (secondary, below), ``status``,
        ``reason``.

    Notes
    -----
    Two numbers, because a brand that answers half its complaints within the hour and ignores the rest
    has no meaningful "median response time" of all complaints: the answer rate k/n with Wilson's interval,
    and among the k answered, the median and P90 of the time to the first reply, each with its exact
    percentile-bootstrap interval (see :func:`_quantile_interval`). An item is final when it is at least
    ``final_after`` old, so the rate does not move as late answers trickle in. Items of one day are not
    independent (the same people on shift, the same incident): every interval is widened by the design
    effect of the items' days (Pearson χ²/df of the daily shares, at least 1; ``day_design_effect``), which
    Wilson's interval and the bootstrap of independent items would miss.

    Secondary figure: ``km_median_minutes``, the Kaplan–Meier median time to reply of every item (final or
    not), unanswered ones censored at ``now`` [1]_: "the time by which half were answered". When fewer than
    about half are ever answered it sits on a knife-edge (a 1% change in answers moves it by hours or makes it
    undefined), which is why it is not the headline.

    References
    ----------
    .. [1] Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete observations. JASA
       53(282), 457–481.
    .. [2] Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference. JASA
       22(158), 209–212.
    .. [3] Hutson, A. D. (1999). Calculating nonparametric confidence intervals for quantiles using
       fractional order statistics. J. Applied Statistics 26(3), 343–353 (the exact bootstrap of a quantile).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.Timestamp("2026-01-01 10:00")
    >>> items = pd.DataFrame({"created_at": [t, t, t, t],
    ...                       "replied_at": [t + pd.Timedelta(minutes=30), t + pd.Timedelta(minutes=90), None, None],
    ...                       "complaint": [True, True, False, True], "question": [False, False, True, False]})
    >>> r = response_summary(items, now="2026-01-05")
    >>> r["n"], r["n_answered"], r["answer_rate"], r["estimate"], r["share_within"]
    (4, 2, 0.5, 30.0, 0.25)
    """
    need(items, ["created_at", "replied_at"], "complaints and questions")
    end = utc(now)
    created = times(items["created_at"])
    replied = times(items["replied_at"])
    final_td = pd.Timedelta(final_after)
    final = (created <= end - final_td).to_numpy()
    minutes_all = ((replied - created) / pd.Timedelta(minutes=1)).to_numpy(float)
    answered_by_now = (replied.notna() & (replied <= end)).to_numpy()
    km = _km_median(created, replied, answered_by_now, end)
    facts = {"n": int(final.sum()), "n_pending": int((~final).sum()), "final_after": final_after,
             "n_complaints": _flag(items, "complaint")[final].sum(), "n_questions": _flag(items, "question")[final].sum(),
             "km_median_minutes": km, "within": within}
    if not final.any():
        why = ("items_not_final", {"final_after": final_after}) if len(items) else ("no_items", {})
        return na(*why, n_answered=0, answer_rate=None, share_within=None, p90_minutes=None, **facts)
    minutes = np.maximum(minutes_all[final], 0.0)
    answered = answered_by_now[final] & (minutes <= final_td / pd.Timedelta(minutes=1))
    n, k = int(final.sum()), int(answered.sum())
    target = pd.Timedelta(within) / pd.Timedelta(minutes=1)
    quick = int((answered & (minutes <= target)).sum())
    days_final = created[final].reset_index(drop=True)
    phi = _day_deff(days_final, answered)
    phi_quick = _day_deff(days_final, answered & (minutes <= target))
    rate_lo, rate_hi = wilson(k / phi, n / phi, level)
    quick_lo, quick_hi = wilson(quick / phi_quick, n / phi_quick, level)
    facts.update(n_answered=k, answer_rate=k / n, answer_rate_ci_low=rate_lo, answer_rate_ci_high=rate_hi,
                 share_within=quick / n, share_within_ci_low=quick_lo, share_within_ci_high=quick_hi,
                 day_design_effect=phi)
    if not k:
        return na("no_replies", p90_minutes=None, **facts)
    delays = minutes[answered]
    when = days_final[answered].reset_index(drop=True)
    median, lo, hi = _quantile_interval(delays, 0.5, level, _day_deff(when, delays <= np.median(delays)))
    p90, p90_lo, p90_hi = _quantile_interval(delays, 0.9, level, _day_deff(when, delays <= np.quantile(delays, 0.9)))
    return ok(median, lo, hi, p90_minutes=p90, p90_ci_low=p90_lo, p90_ci_high=p90_hi, **facts)


def _flag(items: pd.DataFrame, column: str) -> np.ndarray:
    """A boolean column as an array, missing (an unscored label) as False; all False without the column."""
    if column not in items:
        return np.zeros(len(items), dtype=bool)
    return items[column].astype("boolean").fillna(False).to_numpy(bool)


def _km_median(created: pd.Series, replied: pd.Series, answered: np.ndarray, end: pd.Timestamp) -> float | None:
    """Kaplan–Meier median minutes to a reply, unanswered items censored at ``end`` (None if never reached)."""
    if not len(created):
        return None
    reply_at = replied.where(answered, end)
    minutes = np.maximum(((reply_at - created) / pd.Timedelta(minutes=1)).to_numpy(float), 0.0)
    t, s, _, _ = _km(minutes, answered)
    return finite(_quantile(t, s, 0.5)) if answered.any() else None
