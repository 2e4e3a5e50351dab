"""Response time: how long complaints and questions wait for a brand account's reply in their thread."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from metrics._common import finite, na, need, ok, times, utc

__all__ = ["response_times", "response_summary", "is_question", "QUESTION_PATTERN"]

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
                   within: str = "1h") -> dict:
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
        End of observation (default: the last mention's time). Items still unanswered are censored here.
    within : str, default "1h"
        The target for the "answered within" share.

    Returns
    -------
    dict
        ``estimate`` = median response time in minutes, ``p90_minutes``, ``share_within`` (answered
        within ``within``), ``n`` (complaints and questions), ``n_answered``, ``n_complaints``,
        ``n_questions``, ``ci_low``/``ci_high`` of the median (95%, from the Greenwood variance),
        ``status``, ``reason``.

    Notes
    -----
    A complaint is a negative mention by someone else than the brand; a question matches
    :data:`QUESTION_PATTERN`; bare reshares (``kind`` "share") are neither. Its response is the earliest
    later mention by a brand account that descends from it (a reply to it, or a reply further down its own
    thread); a brand account's bare reshare answers nobody. Unanswered items are not dropped — that would
    flatter the numbers — but treated as censored at ``now``: the median, P90 and the share within the
    target come from the Kaplan–Meier estimate of the time to reply (:func:`response_summary`). When fewer
    than half (or 90%) are ever answered, that quantile is "n/a".

    References
    ----------
    .. [1] Kaplan & Meier (1958) and Brookmeyer & Crowley (1982), see :func:`response_summary`.
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
    >>> r = response_times(m, ["@lumio_care"], now="2026-01-01 15:00")
    >>> r["n"], r["n_answered"], r["estimate"], r["share_within"]
    (3, 2, 120.0, 0.333)
    """
    need(mentions, ["id", "created_at"])
    parent_col = "parent_resolved" if "parent_resolved" in mentions.columns else "parent_id"
    need(mentions, [parent_col])
    accounts = {_norm(a) for a in (brand_accounts or [])}
    if not accounts:
        return na("no brand accounts are configured", n=0)
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
    ts_ns = ts.dt.tz_convert(None).to_numpy().astype("datetime64[ns]").astype(np.int64)
    end_ns = np.datetime64(end.tz_convert(None).to_datetime64(), "ns").astype(np.int64)
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
    return response_summary(items, now=end, within=within)


def response_summary(items: pd.DataFrame, *, now, within: str = "1h") -> dict:
    """Median, P90 and share within a target of the time to a brand reply, unanswered items censored.

    The statistics of :func:`response_times` once each complaint or question has its first brand reply
    (e.g. found in SQL by walking up from the brand's replies).

    Parameters
    ----------
    items : DataFrame
        One row per complaint or question: ``created_at``, ``replied_at`` (its first brand reply; missing
        when unanswered by ``now``), and booleans ``complaint`` and ``question`` (both may hold).
    now : datetime
        End of observation: unanswered items are censored here.
    within : str, default "1h"
        The target for the "answered within" share.

    Returns
    -------
    dict
        As :func:`response_times`.

    Notes
    -----
    Kaplan–Meier estimate of the time to reply [1]_; the interval of the median is Brookmeyer–Crowley [2]_
    from the Greenwood variance.

    References
    ----------
    .. [1] Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete observations. JASA
       53(282), 457–481.
    .. [2] Brookmeyer, R. & Crowley, J. (1982). A confidence interval for the median survival time.
       Biometrics 38(1), 29–41.

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"created_at": pd.to_datetime(["2026-01-01 10:00", "2026-01-01 11:00"]),
    ...                       "replied_at": pd.to_datetime(["2026-01-01 10:30", None]),
    ...                       "complaint": [True, False], "question": [False, True]})
    >>> r = response_summary(items, now="2026-01-01 12:00")
    >>> r["n"], r["n_answered"], r["share_within"], r["p90_minutes"]
    (2, 1, 0.5, None)
    """
    need(items, ["created_at", "replied_at"], "complaints and questions")
    end = utc(now)
    created = times(items["created_at"])
    replied = times(items["replied_at"])
    facts = {"n": len(items), "n_complaints": int(items["complaint"].sum()) if "complaint" in items else 0,
             "n_questions": int(items["question"].sum()) if "question" in items else 0}
    if not len(items):
        return na("no complaints or questions in the window", n_answered=0, **facts)
    answered = (replied.notna() & (replied <= end)).to_numpy()
    reply_at = replied.where(answered, end)
    minutes = np.maximum(((reply_at - created) / pd.Timedelta(minutes=1)).to_numpy(float), 0.0)
    t, s, n_risk, d = _km(minutes, answered)
    target = pd.Timedelta(within) / pd.Timedelta(minutes=1)
    facts["n_answered"] = int(answered.sum())
    if not answered.any():
        return na("no complaint or question has had a brand reply yet", share_within=0.0, **facts)
    share_within = float(1 - s[t <= target][-1]) if (t <= target).any() else 0.0
    median = _quantile(t, s, 0.5)
    p90 = _quantile(t, s, 0.9)
    lo = hi = None
    if median is not None:
        # Brookmeyer–Crowley: times whose KM survival is within the Greenwood band around 0.5.
        green = s**2 * np.cumsum(d / np.maximum(n_risk * (n_risk - d), 1))
        inside = np.abs(s - 0.5) <= 1.96 * np.sqrt(green)
        if inside.any():
            lo, hi = float(t[np.flatnonzero(inside)[0]]), float(t[np.flatnonzero(inside)[-1]])
    facts.update(p90_minutes=finite(p90), share_within=round(share_within, 3), within=within)
    if median is None:
        return na("fewer than half of the complaints and questions have been answered", **facts)
    return ok(median, lo, hi, **facts)
