"""Viral ROI of incremental conversions with its interval carried through, and earned media value (a labelled
estimate)."""

from __future__ import annotations

import pandas as pd

from viralscope.core import reasons
from viralscope.core.errors import InputError, Problem
from viralscope.core.results import finite, na, need, ok, weights
from viralscope.core.times import interval

__all__ = ["viral_roi", "prorated_cost", "earned_media_value", "MIN_COST_SHARE_OF_REVENUE"]


#: A cost below this share of the window's revenue is not believable as a campaign's cost (a cost of 1 for a
#: campaign that ran beside 100,000 of revenue would print an ROI of tens of thousands of percent).
MIN_COST_SHARE_OF_REVENUE = 0.01


def prorated_cost(cost: float | None, campaign, window) -> tuple[float | None, float]:
    """The part of a campaign's cost that falls in a window: cost × (days of the window inside the campaign)
    ÷ (days of the campaign).

    Parameters
    ----------
    cost : float or None
    campaign, window : (start, end)
        Half-open periods.

    Returns
    -------
    (float or None, float)
        The prorated cost and the share of the campaign's days inside the window.

    Examples
    --------
    >>> prorated_cost(14000.0, ("2026-02-02", "2026-02-16"), ("2026-02-09", "2026-02-23"))
    (7000.0, 0.5)
    """
    a, b = interval(campaign, "campaign")
    w0, w1 = interval(window)
    inside = max(min(b, w1) - max(a, w0), pd.Timedelta(0))
    share = float(inside / (b - a))
    return (None if finite(cost) is None else float(cost) * share), share


def viral_roi(incremental: dict, *, cost: float | None, value_per_conversion: float | None,
              window_revenue: float | None = None) -> dict:
    """Return on a campaign's cost of the conversions it added: (incremental value − cost) / cost.

    Parameters
    ----------
    incremental : dict
        The result of :func:`metrics.incremental_conversions` for the window: the conversions above
        counterfactual sessions × counterfactual rate, with their interval.
    cost : float
        What the campaign cost in the window (see :func:`prorated_cost`), same currency as the value.
    value_per_conversion : float
        What one conversion is worth (configured per campaign, or average revenue per conversion).
    window_revenue : float, optional
        Revenue of the window (default: ``incremental["revenue_window"]`` when present), to catch a cost
        that cannot be right.

    Returns
    -------
    dict
        ``estimate`` (1.5 means 150% return), ``ci_low``, ``ci_high``, ``incremental_value`` with
        ``incremental_value_ci_low``/``_high``, ``incremental_conversions``, ``cost``, ``status``, ``reason``.
        "n/a" without a cost, with a cost of zero or below 1% of the window's revenue (an implausible cost
        gives an ROI of thousands of percent), without a value per conversion, or when the incremental
        conversions are n/a.

    Notes
    -----
    incremental value V = I × value per conversion, with I the incremental conversions (the campaign's extra
    traffic counts as well as its rate), ROI = (V − cost) / cost. ROI increases with I, so I's interval —
    which carries both counterfactuals' uncertainty — maps through unchanged in probability:
    [ROI(I_low), ROI(I_high)]. The cost and value per conversion are taken as known.

    References
    ----------
    .. [1] viralscope DESIGN, "Viral ROI".
    .. [2] Farris, P. W. et al. (2010). Marketing Metrics, 2nd ed., ch. 10 (return on marketing
       investment).

    Examples
    --------
    >>> inc = {"status": "ok", "estimate": 300.0, "ci_low": 100.0, "ci_high": 500.0, "revenue_window": 90000.0}
    >>> r = viral_roi(inc, cost=10000, value_per_conversion=50)
    >>> r["estimate"], r["ci_low"], r["ci_high"]
    (0.5, -0.5, 1.5)
    >>> viral_roi(inc, cost=1, value_per_conversion=50)["reason"]
    "the campaign's cost in the window (1) is below 1% of the window's revenue (90,000): check the configured cost"
    """
    if str((incremental or {}).get("model", "")).startswith("log rate"):
        raise InputError(Problem("incremental", None, None, "viral_roi takes the result of incremental_conversions, "
                                 "not of conversion_change (a rate change counts no extra traffic)"))
    cost_f, vpc = finite(cost), finite(value_per_conversion)
    if cost_f is None:
        return na("no_campaign_cost", cost=cost_f)
    if cost_f <= 0:
        return na("zero_campaign_cost", cost=cost_f)
    revenue = finite(window_revenue if window_revenue is not None else (incremental or {}).get("revenue_window"))
    if revenue is not None and cost_f < MIN_COST_SHARE_OF_REVENUE * revenue:
        return na("campaign_cost_tiny", {"cost": cost_f, "revenue": revenue}, cost=cost_f, revenue_window=revenue)
    if vpc is None or vpc < 0:
        return na("no_value_per_conversion", cost=cost_f)
    if not incremental or incremental.get("status") != "ok":
        return na("incremental_na", {"why": reasons.of(incremental, "no_incremental")}, cost=cost_f)
    inc = [finite(incremental.get(k)) for k in ("estimate", "ci_low", "ci_high")]
    value = [None if x is None else x * vpc for x in inc]

    def roi(v):
        return None if v is None else (v - cost_f) / cost_f

    return ok(
        roi(value[0]), roi(value[1]), roi(value[2]), incremental_value=value[0],
        incremental_value_ci_low=value[1], incremental_value_ci_high=value[2], incremental_conversions=inc[0],
        cost=cost_f, value_per_conversion=vpc,
    )


def earned_media_value(mentions: pd.DataFrame, *, cpm: float, reach_rate: float = 1.0) -> dict:
    """Earned media value: estimated impressions × CPM / 1000. An estimate, labelled as such.

    Parameters
    ----------
    mentions : DataFrame
        ``author_followers`` of each mention; for pre-aggregated rows, add a ``count`` column and give
        ``author_followers`` as the sum over the row's mentions.
    cpm : float
        Cost per thousand impressions of comparable paid media.
    reach_rate : float, default 1
        Share of an author's followers assumed to see a post. 1 gives the "potential impressions" the
        commercial tools report; real reach is lower.

    Returns
    -------
    dict
        ``estimate`` (currency), ``impressions``, ``cpm``, ``reach_rate``, ``n`` (mentions), ``label``
        ("estimate"), ``assumptions`` (text), ``status``, ``reason``. There is no interval: the number
        rests on assumptions, not on sampling.

    References
    ----------
    .. [1] viralscope DESIGN, "earned media value".
    .. [2] Stephen, A. T. & Galak, J. (2012). The effects of traditional and social earned media on
       sales. Journal of Marketing Research 49(5), 624–639.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"author_followers": [1000, 250, None, 4750]})
    >>> r = earned_media_value(m, cpm=8.0)
    >>> r["estimate"], r["impressions"], r["label"]
    (48.0, 6000.0, 'estimate')
    """
    need(mentions, ["author_followers"])
    followers = pd.to_numeric(mentions["author_followers"], errors="coerce").fillna(0).clip(lower=0).to_numpy()
    n = float(weights(mentions).sum())
    impressions = float(followers.sum() * reach_rate)
    assumptions = (f"impressions = followers of each mention's author × {reach_rate:g}; "
                   f"CPM {cpm:g} per 1000 impressions")
    if n <= 0:
        return na("no_mentions_window", impressions=0.0, cpm=cpm, reach_rate=reach_rate, n=0.0,
                  label="estimate", assumptions=assumptions)
    return ok(impressions * cpm / 1000, impressions=impressions, cpm=float(cpm), reach_rate=float(reach_rate),
              n=n, label="estimate", assumptions=assumptions)
