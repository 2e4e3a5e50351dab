"""Viral ROI with its interval carried through, and earned media value (a labelled estimate)."""

from __future__ import annotations

import pandas as pd

from metrics._common import finite, na, need, ok, weights

__all__ = ["viral_roi", "earned_media_value"]


def viral_roi(change: dict, *, cost: float | None, value_per_conversion: float | None) -> dict:
    """Return on a campaign's cost of the conversions it added: (incremental value − cost) / cost.

    Parameters
    ----------
    change : dict
        The result of :func:`metrics.conversion_change` for the campaign window; its
        ``incremental_conversions`` and their 95% interval are used.
    cost : float
        What the campaign cost (same currency as the value).
    value_per_conversion : float
        What one conversion is worth (configured per campaign, or average revenue per conversion).

    Returns
    -------
    dict
        ``estimate`` (1.5 means 150% return), ``ci_low``, ``ci_high``, ``incremental_value`` with
        ``incremental_value_ci_low``/``_high``, ``cost``, ``status``, ``reason``.

    Notes
    -----
    incremental value V = (C_obs − C_cf) × value per conversion, ROI = (V − cost) / cost. ROI is an
    increasing function of the incremental conversions, so the interval of the conversion change maps
    through unchanged in probability: [ROI(lo), ROI(hi)].

    References
    ----------
    .. [1] viralscope DESIGN, "Viral ROI".
    .. [2] Farris, P. W. et al. (2010). Marketing Metrics, 2nd ed., ch. 10 (return on marketing
       investment).

    Examples
    --------
    >>> change = {"status": "ok", "incremental_conversions": 300.0,
    ...           "incremental_ci_low": 100.0, "incremental_ci_high": 500.0}
    >>> r = viral_roi(change, cost=10000, value_per_conversion=50)
    >>> r["estimate"], r["ci_low"], r["ci_high"]
    (0.5, -0.5, 1.5)
    >>> viral_roi(change, cost=None, value_per_conversion=50)["reason"]
    'no campaign cost is configured'
    """
    cost_f, vpc = finite(cost), finite(value_per_conversion)
    if cost_f is None or cost_f <= 0:
        return na("no campaign cost is configured", cost=cost_f)
    if vpc is None or vpc < 0:
        return na("no value per conversion is configured and no revenue is recorded", cost=cost_f)
    if not change or change.get("status") != "ok":
        why = (change or {}).get("reason") or "no conversion change"
        return na(f"conversion change is n/a: {why}", cost=cost_f)
    inc = [finite(change.get(k)) for k in ("incremental_conversions", "incremental_ci_low", "incremental_ci_high")]
    if inc[0] is None:
        return na("the conversion change has no incremental conversions", cost=cost_f)
    value = [None if x is None else x * vpc for x in inc]

    def roi(v):
        return None if v is None else (v - cost_f) / cost_f

    return ok(
        roi(value[0]), roi(value[1]), roi(value[2]), incremental_value=value[0],
        incremental_value_ci_low=value[1], incremental_value_ci_high=value[2],
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
        return na("no mentions in the window", impressions=0.0, cpm=cpm, reach_rate=reach_rate, n=0.0,
                  label="estimate", assumptions=assumptions)
    return ok(impressions * cpm / 1000, impressions=impressions, cpm=float(cpm), reach_rate=float(reach_rate),
              n=n, label="estimate", assumptions=assumptions)
