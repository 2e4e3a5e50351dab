"""Viral triggers: the accounts whose reshares re-ignited cascades, and the content traits of posts that spread.

Accounts: a reshare whose own descendants are a large part of its cascade re-ignited it (a retweet by a big
account that reaches a new audience, say). Accounts are ranked by the descendants they triggered, with their
followers alongside, so a small account that set off a large cascade stands out.

Content traits: every original post is described by the traits of :mod:`diffusion.traits` and labelled
"went viral" when its cascade reached the threshold size. A logistic regression on standardized traits says
how well traits predict going viral (cross-validated AUC with a DeLong interval) and which traits push which
way (signed effects with Wald intervals). When the AUC interval reaches down to 0.5, the traits predict no
better than a coin, and the report says that no reliable trigger was found instead of ranking noise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from diffusion.cascades import cascade_members
from diffusion.traits import TRAIT_DESCRIPTIONS, post_traits
from viralscope.core.errors import InsufficientData
from viralscope.core.times import times as as_utc

__all__ = ["TraitReport", "auc_delong", "fit_trait_model", "original_posts", "rank_trigger_accounts",
           "trait_model", "trigger_accounts"]


# -- accounts ------------------------------------------------------------------------------------------------


def trigger_accounts(
    mentions: pd.DataFrame, *, min_fraction: float = 0.25, min_descendants: int = 5, members: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Accounts whose reshares re-ignited cascades, ranked by the descendants they triggered.

    A share v (depth ≥ 1) with d_v descendants in a cascade of n mentions re-ignited it when
    d_v ≥ ``min_descendants`` and d_v / (n − 1) ≥ ``min_fraction``: a large part of everything the cascade
    reached came through v. Per account: the number of re-ignitions, the descendants they triggered (summed
    over re-igniting shares), their largest fraction, and their followers.

    Parameters
    ----------
    mentions : DataFrame
        Mentions with ``author_id`` (and optionally ``author_name``, ``author_followers``), in either shape
        :func:`diffusion.cascade_metrics` accepts.
    min_fraction : float
        Share of the cascade's other mentions that must descend from the reshare.
    min_descendants : int
        Minimum descendants, so that a reply with two answers in a cascade of three does not count.
    members : DataFrame, optional
        :func:`diffusion.cascade_members` of ``mentions``, when already computed.

    Returns
    -------
    DataFrame
        ``source, author_id, author_name, followers, reignitions, descendants_triggered, largest_fraction,
        cascades, descendants_per_1k_followers``, most descendants first; empty (with these columns) when no
        share re-ignited anything.

    References
    ----------
    S. Goel, A. Anderson, J. Hofman, D. J. Watts, "The structural virality of online diffusion",
    Management Science 62(1) (2016) 180–196 (viral spread as many generations of reshares).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({
    ...     "id": ["p", "a", "b"] + [f"c{i}" for i in range(8)],
    ...     "parent_id": [None, "p", "p"] + ["b"] * 8,
    ...     "author_id": ["brand", "fan", "celeb"] + [f"u{i}" for i in range(8)],
    ...     "author_followers": [900, 20, 250000] + [10] * 8,
    ...     "created_at": pd.to_datetime(["2026-01-05"] * 11, utc=True)})
    >>> trigger_accounts(m)[["author_id", "reignitions", "descendants_triggered", "largest_fraction"]]
      author_id  reignitions  descendants_triggered  largest_fraction
    0     celeb            1                      8               0.8
    """
    if "author_id" not in mentions.columns:
        return rank_trigger_accounts(pd.DataFrame(columns=REIGNITION_COLUMNS))
    mem = cascade_members(mentions) if members is None else members
    others = (mem["cascade_size"] - 1).to_numpy()
    d = mem["descendants"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(others > 0, d / np.maximum(others, 1), 0.0)
    hit = (mem["depth"].to_numpy() >= 1) & (d >= min_descendants) & (fraction >= min_fraction)
    hit &= mentions["author_id"].notna().to_numpy()
    reignitions = pd.DataFrame({
        "source": mem["source"].to_numpy()[hit],
        "author_id": mentions["author_id"].astype("str").to_numpy()[hit],
        "author_name": mentions["author_name"].to_numpy(dtype=object)[hit] if "author_name" in mentions else None,
        "followers": pd.to_numeric(mentions["author_followers"], errors="coerce").to_numpy(dtype=float)[hit]
        if "author_followers" in mentions else np.nan,
        "descendants": d[hit],
        "fraction": fraction[hit],
        "cascade": mem["cascade_id"].to_numpy()[hit],
    })
    return rank_trigger_accounts(reignitions)


#: One row per re-igniting share, what :func:`rank_trigger_accounts` reads.
REIGNITION_COLUMNS = ["source", "author_id", "author_name", "followers", "descendants", "fraction", "cascade"]
#: The table of trigger accounts.
TRIGGER_COLUMNS = ["source", "author_id", "author_name", "followers", "reignitions", "descendants_triggered",
                   "largest_fraction", "cascades", "descendants_per_1k_followers"]


def rank_trigger_accounts(reignitions: pd.DataFrame) -> pd.DataFrame:
    """The accounts table of :func:`trigger_accounts` from its re-igniting shares, found elsewhere (e.g. in SQL).

    Parameters
    ----------
    reignitions : DataFrame
        One row per re-igniting share, in the order of its cascade's mentions: ``source``, ``author_id``,
        ``author_name`` (the last one seen per account is kept), ``followers``, ``descendants``, ``fraction``
        (of the cascade's other mentions) and ``cascade``.

    Returns
    -------
    DataFrame
        As :func:`trigger_accounts`.
    """
    if reignitions.empty:
        return pd.DataFrame(columns=TRIGGER_COLUMNS)
    out = reignitions.groupby(["source", "author_id"], sort=False).agg(
        author_name=("author_name", "last"),
        followers=("followers", "max"),
        reignitions=("descendants", "size"),
        descendants_triggered=("descendants", "sum"),
        largest_fraction=("fraction", "max"),
        cascades=("cascade", "nunique"),
    ).reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["descendants_per_1k_followers"] = np.where(
            out["followers"] > 0, out["descendants_triggered"] / out["followers"] * 1000, np.nan
        )
    out["followers"] = out["followers"].astype("Int64")
    out = out.sort_values(["descendants_triggered", "reignitions", "author_id"], ascending=[False, False, True])
    return out.reset_index(drop=True)[TRIGGER_COLUMNS]


# -- content traits ------------------------------------------------------------------------------------------


def auc_delong(y: np.ndarray, score: np.ndarray, *, level: float = 0.95) -> tuple[float, float, float]:
    """Area under the ROC curve with DeLong's interval.

    AUC = P(score of a positive > score of a negative) (ties count half). Its variance comes from the
    structural components V10 (per positive) and V01 (per negative):
    Var = s²(V10)/m + s²(V01)/n, computed in O((m + n) log(m + n)) with midranks (Sun & Xu 2014).

    Parameters
    ----------
    y : array of 0/1
    score : array of float
    level : float

    Returns
    -------
    (auc, ci_low, ci_high)

    References
    ----------
    E. R. DeLong, D. M. DeLong, D. L. Clarke-Pearson, "Comparing the areas under two or more correlated
    receiver operating characteristic curves: a nonparametric approach", Biometrics 44 (1988) 837–845.

    X. Sun, W. Xu, "Fast implementation of DeLong's algorithm", IEEE Signal Processing Letters 21 (2014).

    Examples
    --------
    >>> auc, low, high = auc_delong([0, 0, 1, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.2, 0.9])
    >>> round(auc, 3), round(low, 3), round(high, 3)
    (0.889, 0.581, 1.0)
    """
    y = np.asarray(y).astype(bool)
    score = np.asarray(score, dtype=float)
    pos, neg = score[y], score[~y]
    m, n = len(pos), len(neg)
    if m == 0 or n == 0:
        raise InsufficientData.of("auc_needs_both")
    all_ranks = stats.rankdata(np.concatenate([pos, neg]))
    auc = (all_ranks[:m].sum() - m * (m + 1) / 2) / (m * n)
    v10 = (all_ranks[:m] - stats.rankdata(pos)) / n
    v01 = 1 - (all_ranks[m:] - stats.rankdata(neg)) / m
    var = (v10.var(ddof=1) / m if m > 1 else 0.0) + (v01.var(ddof=1) / n if n > 1 else 0.0)
    half = stats.norm.ppf(0.5 + level / 2) * np.sqrt(var)
    return float(auc), float(max(0.0, auc - half)), float(min(1.0, auc + half))


@dataclass
class TraitReport:
    """What the trait model found. ``reliable`` is False when the AUC interval includes 0.5."""

    auc: float
    auc_ci: tuple[float, float]
    reliable: bool
    message: str
    n_posts: int
    n_viral: int
    threshold: int
    effects: pd.DataFrame
    folds: int
    dropped: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "auc": self.auc, "auc_ci": list(self.auc_ci), "reliable": self.reliable, "message": self.message,
            "n_posts": self.n_posts, "n_viral": self.n_viral, "threshold": self.threshold, "folds": self.folds,
            "dropped": self.dropped, "effects": self.effects.to_dict("records"),
        }


def _model(c: float, seed: int) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=2000, random_state=seed)


def fit_trait_model(
    traits: pd.DataFrame,
    viral: np.ndarray,
    *,
    threshold: int = 0,
    folds: int = 5,
    c: float = 1.0,
    level: float = 0.95,
    min_present: int = 5,
    seed: int = 0,
) -> TraitReport:
    """Logistic regression of "went viral" on traits: cross-validated AUC and signed effects with intervals.

    With z_j = (x_j − mean_j) / sd_j the standardized traits, the model is
    logit P(viral) = β_0 + Σ_j β_j z_j, fitted with an L2 penalty ||β||² / (2C) (it keeps estimates finite when
    a trait separates the classes). Reported effects are changes in log-odds: for a 0/1 trait per presence
    (β_j / sd_j), for any other per standard deviation (β_j). Their intervals are Wald intervals from the
    penalized information matrix, Cov(β) ≈ (Zᵀ W Z + I/C)⁻¹ with W = diag(p(1 − p)). With twenty traits
    some 95% intervals miss zero by chance, so ``significant`` uses Holm-adjusted p-values (family-wise
    error 1 − level over all traits). The AUC comes from out-of-fold predictions of stratified k-fold
    cross-validation, with DeLong's interval.

    Parameters
    ----------
    traits : DataFrame
        One row per post, numeric columns (see :func:`diffusion.traits.post_traits`).
    viral : array of bool
        Whether each post went viral.
    threshold : int
        The size that defined "viral" (reported back only).
    folds : int
        Cross-validation folds (fewer when the rarer class is small).
    c : float
        Inverse penalty strength.
    level : float
        Confidence level of every interval.
    min_present : int
        A 0/1 trait present (or absent) in fewer posts is left out (and listed in ``dropped``).
    seed : int
        Shuffling of the folds.

    Returns
    -------
    TraitReport
        ``effects`` has one row per trait, largest effect first: ``trait, description, effect`` (log-odds),
        ``ci_low, ci_high, odds_ratio, prevalence`` (share of posts with a 0/1 trait), ``p_value, p_holm,
        significant``.

    Raises
    ------
    viralscope.core.errors.InsufficientData
        Fewer than 2 viral or 2 non-viral posts, or no usable trait.

    References
    ----------
    J. Berger, K. L. Milkman, "What makes online content viral?", Journal of Marketing Research 49(2) (2012)
    192–205 (content traits and sharing).

    E. R. DeLong, D. M. DeLong, D. L. Clarke-Pearson, Biometrics 44 (1988) 837–845 (the AUC interval).

    S. Holm, "A simple sequentially rejective multiple test procedure", Scand. J. Statistics 6 (1979) 65–70.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> t = pd.DataFrame({"media": rng.integers(0, 2, 600), "hashtags": rng.poisson(1, 600)})
    >>> viral = rng.random(600) < np.where(t["media"] == 1, 0.4, 0.1)
    >>> r = fit_trait_model(t, viral)
    >>> r.reliable, r.effects.loc[0, "trait"], bool(r.effects.loc[0, "ci_low"] > 0)
    (True, 'media', True)
    >>> fit_trait_model(t, rng.permutation(viral)).message
    'no reliable trigger found: the traits do not predict going viral better than chance (AUC 0.52, 95% interval 0.47–0.57)'
    """
    y = np.asarray(viral).astype(bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos < 2 or n_neg < 2:
        raise InsufficientData.of("traits_too_few_viral", viral=n_pos, n=len(y))
    x = traits.astype(float)
    keep, dropped = [], []
    for col in x.columns:
        values = x[col].to_numpy()
        binary = set(np.unique(values)) <= {0.0, 1.0}
        present = int(values.sum()) if binary else len(values)
        if values.std() == 0 or (binary and min(present, len(values) - present) < min_present):
            dropped.append(col)
        else:
            keep.append(col)
    if not keep:
        raise InsufficientData.of("traits_no_variance")
    x = x[keep]
    mean, sd = x.mean().to_numpy(), x.std(ddof=0).to_numpy()
    z = (x.to_numpy() - mean) / sd

    k = max(2, min(folds, n_pos, n_neg))
    oof = np.empty(len(y))
    for train, test in StratifiedKFold(k, shuffle=True, random_state=seed).split(z, y):
        oof[test] = _model(c, seed).fit(z[train], y[train]).decision_function(z[test])
    auc, low, high = auc_delong(y, oof, level=level)

    fit = _model(c, seed).fit(z, y)
    beta = fit.coef_[0]
    p = fit.predict_proba(z)[:, 1]
    design = np.column_stack([np.ones(len(z)), z])
    info = design.T @ (design * (p * (1 - p))[:, None])
    info[1:, 1:] += np.eye(len(keep)) / c
    se = np.sqrt(np.diag(np.linalg.pinv(info)))[1:]
    zq = stats.norm.ppf(0.5 + level / 2)
    binary = np.array([set(np.unique(x[col])) <= {0.0, 1.0} for col in keep])
    scale = np.where(binary, 1 / sd, 1.0)  # per presence for 0/1 traits, per SD otherwise
    effect, half = beta * scale, zq * se * scale
    effects = pd.DataFrame({
        "trait": keep,
        "description": [TRAIT_DESCRIPTIONS.get(k_, _describe(k_)) for k_ in keep],
        "effect": effect,
        "ci_low": effect - half,
        "ci_high": effect + half,
        "odds_ratio": np.exp(effect),
        "prevalence": np.where(binary, x.mean().to_numpy(), np.nan),
    })
    effects["p_value"] = 2 * stats.norm.sf(np.abs(beta / se))
    effects["p_holm"] = _holm(effects["p_value"].to_numpy())
    effects["significant"] = effects["p_holm"] < 1 - level
    effects = effects.reindex(effects["effect"].abs().sort_values(ascending=False).index).reset_index(drop=True)

    reliable = low > 0.5
    pct = f"{level:.0%}"
    if reliable:
        top = effects[effects["significant"]]
        named = ", ".join(f"{r.trait} ({'+' if r.effect > 0 else '−'})" for r in top.head(5).itertuples())
        message = (f"traits predict going viral (AUC {auc:.2f}, {pct} interval {low:.2f}–{high:.2f})"
                   + (f"; clearest effects: {named}" if named else "; no single trait stands out"))
    else:
        message = ("no reliable trigger found: the traits do not predict going viral better than chance "
                   f"(AUC {auc:.2f}, {pct} interval {low:.2f}–{high:.2f})")
    return TraitReport(auc=auc, auc_ci=(low, high), reliable=reliable, message=message, n_posts=len(y),
                       n_viral=n_pos, threshold=threshold, effects=effects, folds=k, dropped=dropped)


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment: family-wise error control over all traits at once."""
    order = np.argsort(p)
    adjusted = np.minimum(1.0, np.maximum.accumulate(p[order] * (len(p) - np.arange(len(p)))))
    out = np.empty_like(adjusted)
    out[order] = adjusted
    return out


def _describe(trait: str) -> str:
    if trait.startswith("theme_"):
        return f"mentions the theme '{trait[6:]}' (vs not)"
    if trait.startswith("source_"):
        return f"posted on {trait[7:]} (vs the most common source)"
    return trait


def original_posts(mentions: pd.DataFrame, members: pd.DataFrame | None = None) -> pd.DataFrame:
    """The original posts among ``mentions`` with the size of their cascades (column ``cascade_size``).

    A root whose ``kind`` says it is a reply, share or quote (its parent was never collected) is not an
    original post and is left out.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"id": ["p", "a", "r"], "parent_id": [None, "p", "gone"],
    ...                   "kind": ["post", "share", "reply"],
    ...                   "created_at": pd.to_datetime(["2026-01-05"] * 3, utc=True)})
    >>> original_posts(m)[["id", "cascade_size"]].values.tolist()
    [['p', 2]]
    """
    mem = cascade_members(mentions) if members is None else members
    root = mem["depth"].to_numpy() == 0
    if "kind" in mentions.columns:
        kind = mentions["kind"].astype("str").fillna("post").to_numpy()
        root &= kind == "post"
    posts = mentions[root].copy()
    posts["cascade_size"] = mem["cascade_size"].to_numpy()[root]
    return posts


def trait_model(
    mentions: pd.DataFrame,
    *,
    themes: Mapping[str, Iterable[str]] | None = None,
    viral_share: float = 0.1,
    threshold: int | None = None,
    settle: str | pd.Timedelta = "2D",
    **options,
) -> TraitReport:
    """Which content traits make an original post go viral, from the mentions of a store or export.

    A post went viral when its cascade reached ``threshold`` mentions; by default the threshold is the size
    reached by the top ``viral_share`` of posts (the (1 − viral_share) quantile of cascade sizes), and at
    least 2. Posts younger than ``settle`` before the newest mention are left out: their cascades may still
    be growing.

    Parameters
    ----------
    mentions : DataFrame
        Mentions with ``text`` and ``created_at`` (plus ``media``, ``author_followers``,
        ``sentiment_compound``, ``source``, ``kind`` when known), in either shape
        :func:`diffusion.cascade_metrics` accepts.
    themes : mapping, optional
        Keyword themes in any language (the configuration's ``[themes]``), see :func:`diffusion.traits.post_traits`.
    viral_share, threshold : see above.
    settle : str or Timedelta
        How long a cascade is given to finish.
    **options
        Passed to :func:`fit_trait_model` (``folds``, ``c``, ``level``, ``min_present``, ``seed``).

    Returns
    -------
    TraitReport

    Raises
    ------
    viralscope.core.errors.InsufficientData
        Too few posts, or too few of them viral.

    References
    ----------
    J. Berger, K. L. Milkman, "What makes online content viral?", Journal of Marketing Research 49(2) (2012).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> rows = []
    >>> for i in range(400):
    ...     media = bool(rng.random() < 0.5)
    ...     t = pd.Timestamp("2026-01-05", tz="UTC") + pd.Timedelta(hours=i)
    ...     rows.append({"id": f"p{i}", "parent_id": None, "created_at": t, "media": media,
    ...                  "text": "new lamp" + (" #lit" if rng.random() < 0.5 else "")})
    ...     for j in range(int(rng.poisson(6 if media else 1))):
    ...         rows.append({"id": f"p{i}s{j}", "parent_id": f"p{i}", "created_at": t, "text": ""})
    >>> report = trait_model(pd.DataFrame(rows), settle="0s")
    >>> report.reliable, report.effects.loc[0, "trait"]
    (True, 'media')
    """
    posts = original_posts(mentions)
    if settle is not None and len(posts):
        newest = as_utc(mentions["created_at"]).max()
        posts = posts[as_utc(posts["created_at"]) <= newest - pd.Timedelta(settle)]
    if len(posts) < 10:
        raise InsufficientData.of("traits_too_few_posts", n=len(posts))
    size = posts["cascade_size"].to_numpy()
    if threshold is None:
        threshold = int(max(2, np.ceil(np.quantile(size, 1 - viral_share))))
    traits = post_traits(posts, themes=themes)
    return fit_trait_model(traits, size >= threshold, threshold=threshold, **options)
