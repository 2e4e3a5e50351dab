"""Growth forecasts: from the first M minutes of a cascade, how big it will end up and whether it doubles.

The task of Cheng et al. (2014): having seen a cascade for a while, will it at least double? Here the
observation window is the first M minutes after the original post; the observed size n_M counts the mentions
in the window (the post included), and the cascade doubles when its final size reaches 2·n_M.

Features of a cascade, all from its first M minutes:

- **temporal** (Cheng et al.'s strongest): n_M, arrivals per part of the window, quantiles of arrival
  times, times to the 1st…100th share, the gap since the last share, the recent rate against the peak rate;
- **self-exciting** (after SEISMIC, Zhao et al. 2015): the excitation still to come from the shares seen,
  Σ_i K(M − t_i) for power-law and exponential memory kernels K, and with followers when they are known,
  Σ_i f_i (1 − Φ(M − t_i)) with SEISMIC's kernel — its own estimate of the shares to come;
- **structural**: depth so far, how many shares came through other shares (not the post), the largest
  sub-burst;
- **who shared** (learned from the training cascades, in the spirit of DeepHawkes' user embeddings): for
  each early sharer, in how many training cascades the account took part, the mean final size of those
  cascades and how much the cascades it joined early grew (smoothed toward the overall mean). When fitting,
  a cascade's own contribution is left out, so no cascade sees its own outcome.

Two models share the features: the probability of doubling, ``p_double``, is the mean of a logistic
regression and gradient-boosted trees; the final size comes from the mean of a ridge regression and
gradient-boosted trees on log(final / observed), so it is never below what was already observed. The fitted
model is a JSON file (plain numbers, never pickled code), and carries its own quality, measured on time-ordered
folds (learned from older cascades, tested on newer ones).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import expit
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from threadpoolctl import threadpool_limits

from diffusion.cascades import Forest
from diffusion.triggers import auc_delong
from viralscope.core.errors import InsufficientData, ModelError
from viralscope.core.times import times as as_utc
from viralscope.core.times import utc

__all__ = [
    "ForecastModel", "PREDICTION_COLUMNS", "cascade_outcomes", "completed", "describe_quality", "evaluate",
    "fit_forecast", "predict_forecast",
]

#: Columns of :func:`predict_forecast` (DESIGN's ``forecast predict`` contract).
PREDICTION_COLUMNS = ["cascade_id", "observed_size", "predicted_size", "p_double"]
FORMAT = "viralscope-forecast/1"
_NS_PER_MINUTE = 60 * 10**9
_PRIOR = 10.0  # pseudo-cascades pulling an account's mean growth toward the overall mean
#: SEISMIC's memory kernel (Zhao et al. 2015): constant for s0 minutes, then a power law of exponent 1 + θ.
_SEISMIC_S0, _SEISMIC_THETA = 5.0, 0.242


# -- observing cascades ----------------------------------------------------------------------------------


@dataclass
class _Observed:
    """The first M minutes of every cascade: per-cascade features and who took part."""

    keys: pd.DataFrame  # source, cascade_id, observed_size, final_size, started_at (one row per cascade)
    own: pd.DataFrame  # features that depend on the cascade alone
    pairs: pd.DataFrame  # cascade (row of keys), author (code), early (in the window), root (the post's author)
    author_labels: np.ndarray  # "source<US>author_id" of every author code


def _bin_edges(m: float) -> np.ndarray:
    return m * np.array([0, 1 / 12, 1 / 6, 1 / 3, 1 / 2, 2 / 3, 5 / 6, 11 / 12, 1.0])


def _seismic_tail(age: np.ndarray) -> np.ndarray:
    """1 − Φ(age): the share of a post's total excitation still to come ``age`` minutes after it."""
    s0, th = _SEISMIC_S0, _SEISMIC_THETA
    c = th / (s0 * (1 + th))
    return np.where(age < s0, 1 - c * age, (1 / (1 + th)) * (np.maximum(age, s0) / s0) ** (-th))


def _observe(mentions: pd.DataFrame, m: float) -> _Observed:
    forest = Forest(mentions)
    if (forest.root_row < 0).any():
        # A cascade whose original post is not among the rows (a filtered subset) cannot be placed in time.
        keep = forest.root_row[forest.cascade[forest.row_of_input]] >= 0
        mentions = mentions[keep]
        forest = Forest(mentions)
    if not forest.n_cascades:
        raise InsufficientData.of("forecast_no_cascades")
    c = forest.cascade
    root_t = forest.t[forest.root_row]
    age = (forest.t - root_t[c]) / _NS_PER_MINUTE  # minutes after the post (negative in dirty data)
    early = age <= m
    final = np.bincount(c, minlength=forest.n_cascades)
    observed = np.bincount(c[early], minlength=forest.n_cascades)

    first_input = forest.first_input_row
    followers = np.full(len(forest.t), np.nan)
    if "author_followers" in mentions.columns:
        raw = pd.to_numeric(mentions["author_followers"], errors="coerce").to_numpy(dtype=float)
        followers = raw[first_input]
    # Accounts as integer codes of (source, author_id); their labels are built once per distinct account.
    author = np.full(len(forest.t), -1, dtype=np.int64)
    author_labels = np.array([], dtype=object)
    if "author_id" in mentions.columns:
        a_codes, a_names = pd.factorize(mentions["author_id"].astype("str").to_numpy(dtype=object)[first_input])
        s_codes, s_names = pd.factorize(forest.cascade_source[c])
        combined = np.where(a_codes >= 0, s_codes.astype(np.int64) * max(len(a_names), 1) + a_codes, -1)
        author, distinct = pd.factorize(combined, use_na_sentinel=True)
        author = np.where(combined >= 0, author, -1)
        distinct = np.asarray(distinct, dtype=np.int64)
        keep = distinct >= 0
        labels = np.full(len(distinct), "", dtype=object)
        width = max(len(a_names), 1)
        labels[keep] = (np.asarray(s_names, dtype=object)[distinct[keep] // width].astype(str) + "\x1f"
                        + np.asarray(a_names, dtype=object)[distinct[keep] % width].astype(str))
        author_labels = labels

    # Early mentions, sorted by cascade then time: every per-cascade feature is a segment reduction.
    rows = np.flatnonzero(early)
    order = np.lexsort((age[rows], c[rows]))
    rows = rows[order]
    cc, aa = c[rows], np.clip(age[rows], 0, m)
    is_share = ~forest.is_root[rows]
    n = observed.astype(float)
    n_c = forest.n_cascades
    feats: dict[str, np.ndarray] = {"log_observed": np.log(n)}

    def per_cascade(values, weights=None):
        return np.bincount(cc, weights=values if weights is None else values * weights, minlength=n_c)

    edges = _bin_edges(m)
    bins = np.clip(np.searchsorted(edges, aa, side="right") - 1, 0, len(edges) - 2)
    counts = np.zeros((n_c, len(edges) - 1))
    np.add.at(counts, (cc, bins), 1)
    for i in range(counts.shape[1]):
        feats[f"bin{i}"] = np.log1p(counts[:, i])
        feats[f"bin{i}_share"] = np.log1p(counts[:, i]) - np.log(n)
    feats["recent_vs_peak"] = np.log1p(counts[:, -2:].sum(axis=1) / 2) - np.log1p(counts.max(axis=1))

    start = np.searchsorted(cc, np.arange(n_c))
    for q in (0.1, 0.25, 0.5, 0.75, 0.9):
        pos = start + np.floor(q * (observed - 1)).astype(np.int64)
        feats[f"q{int(q * 100)}"] = aa[pos] / m
    since = m - aa
    for theta in (0.1, 0.25, 0.5, 1.0):
        s = per_cascade((since + 1) ** (-theta))
        feats[f"powerlaw{theta}"] = np.log(s)
        feats[f"powerlaw{theta}_per_share"] = np.log(s) - np.log(n)
    for frac in (1 / 12, 1 / 4, 1 / 2, 1, 4, 24):
        feats[f"exp{frac:.3g}M"] = np.log1p(per_cascade(np.exp(-since / (m * frac)))) - np.log(n)
    # Times to the k-th share (log1p minutes; "never" = 2M).
    share_rows = rows[is_share]
    sc, sa = c[share_rows], np.clip(age[share_rows], 0, m)
    s_start = np.searchsorted(sc, np.arange(n_c))
    s_end = np.searchsorted(sc, np.arange(n_c), side="right")
    for k in (1, 2, 5, 10, 20, 50, 100):
        at = np.full(n_c, 2 * m)
        ok = s_start + k - 1 < s_end
        at[ok] = sa[s_start[ok] + k - 1]
        feats[f"t{k}"] = np.log1p(at)
    last = np.full(n_c, m)
    has_share = s_end > s_start
    last[has_share] = m - sa[s_end[has_share] - 1]
    feats["since_last_share"] = np.log1p(last)

    depth = forest.depth[rows]
    feats["depth"] = np.zeros(n_c)
    np.maximum.at(feats["depth"], cc, depth.astype(float))
    deep = per_cascade((depth >= 2).astype(float))
    feats["deep_share"] = deep / n
    feats["log_deep"] = np.log1p(deep)
    # Sub-bursts: early shares whose parent is itself a share.
    parent = forest.parent[rows]
    via_share = (parent >= 0) & ~forest.is_root[np.maximum(parent, 0)]
    children_of = pd.Series(parent[via_share]).value_counts()
    hubs = np.zeros(n_c)
    if len(children_of):
        np.maximum.at(hubs, c[children_of.index.to_numpy()], children_of.to_numpy().astype(float))
    feats["log_hubs"] = np.log1p(
        np.bincount(c[children_of.index.to_numpy()], minlength=n_c) if len(children_of) else np.zeros(n_c)
    )
    feats["log_largest_hub"] = np.log1p(hubs)

    f = followers[rows]
    known = np.isfinite(f)
    f0 = np.where(known, f, 0.0)
    root_f = followers[forest.root_row]
    feats["followers_known"] = np.isfinite(root_f).astype(float)
    feats["log_root_followers"] = np.log1p(np.where(np.isfinite(root_f), root_f, 0.0))
    feats["log_share_followers"] = np.log1p(per_cascade(f0 * is_share))
    feats["seismic_tail"] = np.log1p(per_cascade(f0 * _seismic_tail(since)))

    keys = pd.DataFrame({
        "source": forest.cascade_source, "cascade_id": forest.cascade_name,
        "observed_size": observed, "final_size": final,
        "started_at": as_utc(root_t),
    })
    author_rows = np.flatnonzero(author >= 0)
    pairs = pd.DataFrame({
        "cascade": c[author_rows], "author": author[author_rows], "early": early[author_rows],
        "root": forest.is_root[author_rows],
    })
    pairs = pairs.groupby(["cascade", "author"], sort=False).agg(early=("early", "max"), root=("root", "max"))
    return _Observed(keys=keys, own=pd.DataFrame(feats), pairs=pairs.reset_index(), author_labels=author_labels)


# -- who shared: statistics learned from training cascades ---------------------------------------------


def _outcomes(obs: _Observed) -> tuple[np.ndarray, np.ndarray]:
    keys = obs.keys
    final = keys["final_size"].to_numpy().astype(float)
    return np.log(final / keys["observed_size"].to_numpy()), np.log(final)


def _author_table(obs: _Observed, train: np.ndarray) -> tuple[np.ndarray, float]:
    """Per account code, over the training cascades: [count, growth sum where early, early count, log size sum]."""
    growth, log_final = _outcomes(obs)
    p = obs.pairs[np.isin(obs.pairs["cascade"].to_numpy(), train)]
    cas, who, early = p["cascade"].to_numpy(), p["author"].to_numpy(), p["early"].to_numpy().astype(float)
    n = len(obs.author_labels)
    table = np.column_stack([
        np.bincount(who, minlength=n).astype(float),
        np.bincount(who, weights=growth[cas] * early, minlength=n),
        np.bincount(who, weights=early, minlength=n),
        np.bincount(who, weights=log_final[cas], minlength=n),
    ]) if n else np.zeros((0, 4))
    return table, float(growth[train].mean())


def _grouped(codes: np.ndarray, values: np.ndarray, n: int, how: str) -> np.ndarray:
    """Mean or max of ``values`` per code (NaN where a code has none)."""
    if how == "mean":
        count = np.bincount(codes, minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.bincount(codes, weights=values, minlength=n) / count
    out = np.full(n, -np.inf)
    np.maximum.at(out, codes, values)
    return np.where(np.isfinite(out), out, np.nan)


def _author_features(obs: _Observed, rows: np.ndarray, table: np.ndarray, mean_growth: float,
                     leave_out: bool) -> pd.DataFrame:
    """Per-cascade summaries of who shared early, for the cascades ``rows``; ``leave_out`` removes each
    cascade's own contribution (for cascades that are part of the table)."""
    growth, log_final = _outcomes(obs)
    p = obs.pairs[np.isin(obs.pairs["cascade"].to_numpy(), rows) & obs.pairs["early"].to_numpy()]
    cas = p["cascade"].to_numpy()
    count, gsum, gn, fsum = (table[p["author"].to_numpy()].T if len(table) else np.zeros((4, len(p))))
    if leave_out:
        count, gsum, gn, fsum = count - 1, gsum - growth[cas], gn - 1, fsum - log_final[cas]
    count, gn = np.maximum(count, 0), np.maximum(gn, 0)
    smoothed = (gsum + _PRIOR * mean_growth) / (gn + _PRIOR)
    mean_size = np.where(count > 0, fsum / np.maximum(count, 1), np.nan)
    log_count = np.log1p(count)
    # Position of each pair's cascade among ``rows``.
    slot = np.searchsorted(np.sort(rows), cas)
    slot = np.argsort(rows)[slot]
    n = len(rows)
    sharer, root = ~p["root"].to_numpy(), p["root"].to_numpy()
    known = np.isfinite(mean_size)
    out = pd.DataFrame({
        "sharers_log_count_mean": _grouped(slot[sharer], log_count[sharer], n, "mean"),
        "sharers_log_count_max": _grouped(slot[sharer], log_count[sharer], n, "max"),
        "sharers_seen_share": _grouped(slot[sharer], (count[sharer] > 0).astype(float), n, "mean"),
        "sharers_log_total": np.log1p(np.bincount(slot[sharer], weights=count[sharer], minlength=n)),
        "root_log_count": _grouped(slot[root], log_count[root], n, "max"),
        "growth_mean": _grouped(slot, smoothed, n, "mean"),
        "growth_max": _grouped(slot, smoothed, n, "max"),
        "mean_size": _grouped(slot[known], mean_size[known], n, "mean"),
    })
    fill = {"growth_mean": mean_growth, "growth_max": mean_growth,
            "mean_size": float(np.nanmean(mean_size)) if known.any() else 0.0}
    return out.fillna(fill).fillna(0.0)


def _design(obs: _Observed, rows: np.ndarray, table, mean_growth, leave_out) -> pd.DataFrame:
    own = obs.own.iloc[rows].reset_index(drop=True)
    who = _author_features(obs, rows, table, mean_growth, leave_out).reset_index(drop=True)
    return pd.concat([own, who], axis=1)


# -- models as plain numbers -------------------------------------------------------------------------


def _dump_trees(est) -> dict:
    """A fitted HistGradientBoosting model as arrays (nodes of every tree, one after another)."""
    feature, threshold, left, right, leaf, value, missing_left, roots = [], [], [], [], [], [], [], []
    offset = 0
    for iteration in est._predictors:
        (tree,) = iteration
        nodes = tree.nodes
        roots.append(offset)
        feature += nodes["feature_idx"].tolist()
        threshold += nodes["num_threshold"].tolist()
        left += (nodes["left"].astype(np.int64) + offset).tolist()
        right += (nodes["right"].astype(np.int64) + offset).tolist()
        leaf += nodes["is_leaf"].astype(bool).tolist()
        value += nodes["value"].tolist()
        missing_left += nodes["missing_go_to_left"].astype(bool).tolist()
        offset += len(nodes)
    return {"baseline": float(np.ravel(est._baseline_prediction)[0]), "roots": roots, "feature": feature,
            "threshold": threshold, "left": left, "right": right, "leaf": leaf, "value": value,
            "missing_left": missing_left}


def _trees_raw(trees: dict, x: np.ndarray) -> np.ndarray:
    """The raw score (log-odds or value) of a dumped tree ensemble, all trees walked at once."""
    feature = np.asarray(trees["feature"], dtype=np.int64)
    threshold = np.asarray(trees["threshold"], dtype=float)
    left, right = np.asarray(trees["left"], dtype=np.int64), np.asarray(trees["right"], dtype=np.int64)
    leaf = np.asarray(trees["leaf"], dtype=bool)
    value = np.asarray(trees["value"], dtype=float)
    missing_left = np.asarray(trees["missing_left"], dtype=bool)
    node = np.tile(np.asarray(trees["roots"], dtype=np.int64), (len(x), 1))
    sample = np.repeat(np.arange(len(x)), node.shape[1]).reshape(node.shape)
    while not leaf[node].all():
        v = x[sample, feature[node]]
        go_left = np.where(np.isnan(v), missing_left[node], v <= threshold[node])
        node = np.where(leaf[node], node, np.where(go_left, left[node], right[node]))
    return trees["baseline"] + value[node].sum(axis=1)


def _fit_models(x: np.ndarray, doubled: np.ndarray, growth: np.ndarray, seed: int) -> dict:
    # Gradient boosting on a few thousand rows spends most of its time starting OpenMP threads, and much
    # more when the machine is busy (5x on a loaded 2-core laptop): one thread is faster here.
    with threadpool_limits(1, user_api="openmp"):
        return _fit_models_single(x, doubled, growth, seed)


def _fit_models_single(x: np.ndarray, doubled: np.ndarray, growth: np.ndarray, seed: int) -> dict:
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    hgb = {"max_iter": 300, "learning_rate": 0.03, "max_leaf_nodes": 15, "min_samples_leaf": 20,
           "l2_regularization": 1.0, "random_state": seed, "early_stopping": False}
    models = {"mean": mean.tolist(), "scale": scale.tolist()}
    if doubled.min() == doubled.max():  # every cascade doubled, or none did: a constant is all there is
        models["constant_p"] = float(doubled[0])
    else:
        lr = LogisticRegression(C=1.0, max_iter=5000).fit(z, doubled)
        models["logistic"] = {"coef": lr.coef_[0].tolist(), "intercept": float(lr.intercept_[0])}
        models["trees_p"] = _dump_trees(HistGradientBoostingClassifier(**hgb).fit(x, doubled))
    ridge = Ridge(alpha=1.0).fit(z, growth)
    models["ridge"] = {"coef": ridge.coef_.tolist(), "intercept": float(ridge.intercept_)}
    models["trees_size"] = _dump_trees(HistGradientBoostingRegressor(**hgb).fit(x, growth))
    return models


def _apply_models(models: dict, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(p_double, predicted log growth) for the rows of ``x``."""
    z = (x - np.asarray(models["mean"])) / np.asarray(models["scale"])
    if "constant_p" in models:
        p = np.full(len(x), models["constant_p"])
    else:
        lr = models["logistic"]
        p = 0.5 * expit(z @ np.asarray(lr["coef"]) + lr["intercept"]) + 0.5 * expit(_trees_raw(models["trees_p"], x))
    r = models["ridge"]
    growth = 0.5 * (z @ np.asarray(r["coef"]) + r["intercept"]) + 0.5 * _trees_raw(models["trees_size"], x)
    return p, np.maximum(growth, 0.0)


# -- the model ----------------------------------------------------------------------------------------


@dataclass
class ForecastModel:
    """A fitted growth forecast: JSON-serialisable, with the quality measured when it was fitted."""

    observe_minutes: float
    features: list[str]
    models: dict
    authors: list[str]  # "source<US>author_id" of every account seen in training
    author_stats: np.ndarray  # per account: count, growth sum (early), early count, log final size sum
    mean_growth: float
    quality: dict
    trained_on: dict = field(default_factory=dict)

    def save(self, path: str | Path) -> Path:
        """Write the model as JSON (atomically)."""
        path = Path(path)
        tmp = path.with_name(f".{path.name}.tmp")
        doc = {"format": FORMAT, "observe_minutes": self.observe_minutes, "features": self.features,
               "models": self.models, "mean_growth": self.mean_growth, "quality": self.quality,
               "trained_on": self.trained_on,
               "authors": {"names": list(self.authors), "stats": np.round(self.author_stats, 6).tolist()}}
        tmp.write_text(json.dumps(doc, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> ForecastModel:
        """Read a model written by :meth:`save`; raises ModelError on anything else."""
        path = Path(path)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelError(f"{path}: model file not found") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelError(f"{path}: not a viralscope forecast model ({exc})") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ModelError(f"{path}: not a viralscope forecast model (format {FORMAT} expected)")
        try:
            names = [str(a) for a in doc["authors"]["names"]]
            stats_ = np.asarray(doc["authors"]["stats"], dtype=float).reshape(len(names), 4)
            return cls(observe_minutes=float(doc["observe_minutes"]), features=list(doc["features"]),
                       models=doc["models"], authors=names, author_stats=stats_,
                       mean_growth=float(doc["mean_growth"]),
                       quality=doc["quality"], trained_on=doc.get("trained_on", {}))
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{path}: damaged forecast model ({exc})") from None

    def _table(self, obs: _Observed) -> np.ndarray:
        """The account statistics lined up with the account codes of ``obs`` (zeros for unknown accounts)."""
        table = np.zeros((len(obs.author_labels), 4))
        if len(self.authors) and len(obs.author_labels):
            at = pd.Index(self.authors).get_indexer(obs.author_labels)
            table[at >= 0] = self.author_stats[at[at >= 0]]
        return table


def completed(mentions: pd.DataFrame, settle: str | pd.Timedelta = "72h", *, now=None) -> pd.DataFrame:
    """The mentions of cascades whose original post is at least ``settle`` older than ``now``.

    Those are the cascades a forecast can learn from: they had time to finish. ``now`` defaults to the newest
    mention.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"id": ["old", "a", "new"], "parent_id": [None, "old", None],
    ...                   "created_at": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-09"], utc=True)})
    >>> completed(m, "72h")["id"].tolist()
    ['old', 'a']
    """
    from diffusion.cascades import cascade_members

    members = cascade_members(mentions)
    t = as_utc(mentions["created_at"])
    now = t.max() if now is None else utc(now)
    root_time = t.where(members["depth"] == 0).groupby([members["source"], members["cascade_id"]]).transform("max")
    return mentions[(root_time <= now - pd.Timedelta(settle)).to_numpy()]


def describe_quality(quality: dict) -> str:
    """One line saying how good a forecast is, for the command line and the dashboard.

    Examples
    --------
    >>> describe_quality({"n_cascades": 520, "observe_minutes": 60.0, "auc": 0.835, "auc_ci": [0.80, 0.87],
    ...                   "accuracy": 0.78, "base_rate": 0.4, "median_relative_error": 0.21, "folds": 5,
    ...                   "validation": "time-ordered", "n_train_first": 520, "n_cascades_fitted": 1040})
    'doubling AUC 0.83 (95% interval 0.80–0.87), accuracy 0.78 (always guessing the majority: 0.60), median relative error of the final size 21% — time-ordered: learned from older cascades, tested on the newest 520 of 1,040 in 5 blocks, each cascade seen for 60 minutes'
    """
    auc = ("doubling AUC n/a (every cascade did the same)" if quality.get("auc") is None else
           f"doubling AUC {quality['auc']:.2f} (95% interval {quality['auc_ci'][0]:.2f}–{quality['auc_ci'][1]:.2f})")
    majority = max(quality["base_rate"], 1 - quality["base_rate"])
    if quality.get("validation") == "time-ordered":
        of = f" of {quality['n_cascades_fitted']:,}" if quality.get("n_cascades_fitted") else ""
        how = (f"time-ordered: learned from older cascades, tested on the newest {quality['n_cascades']:,}{of} in "
               f"{quality['folds']} blocks, each cascade seen for {quality['observe_minutes']:g} minutes")
    else:  # a model file written before forecasts were validated in time order
        how = (f"{quality['folds']}-fold shuffled cross-validation on {quality['n_cascades']:,} cascades seen for "
               f"{quality['observe_minutes']:g} minutes")
    return (f"{auc}, accuracy {quality['accuracy']:.2f} (always guessing the majority: {majority:.2f}), "
            f"median relative error of the final size {quality['median_relative_error']:.0%} — {how}")


def cascade_outcomes(mentions: pd.DataFrame, observe_minutes: float) -> pd.DataFrame:
    """Observed size after M minutes and final size of every cascade (the forecast's ground truth).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.Timestamp("2026-01-05", tz="UTC")
    >>> m = pd.DataFrame({"id": ["p", "a", "b"], "parent_id": [None, "p", "p"],
    ...                   "created_at": [t, t + pd.Timedelta(minutes=5), t + pd.Timedelta(hours=3)]})
    >>> cascade_outcomes(m, 60)[["cascade_id", "observed_size", "final_size", "doubled"]].values.tolist()
    [['p', 2, 3, False]]
    """
    keys = _observe(mentions, float(observe_minutes)).keys
    return keys.assign(doubled=keys["final_size"] >= 2 * keys["observed_size"])


def fit_forecast(
    mentions: pd.DataFrame, observe_minutes: float = 60.0, *, folds: int = 5, seed: int = 0,
    min_cascades: int = 30,
) -> ForecastModel:
    """Learn growth forecasts from completed cascades, and measure them on newer cascades than they learned from.

    Every cascade in ``mentions`` is taken as complete (its final size is its size now); choose cascades old
    enough to have finished. The reported quality (``model.quality``) is measured as a forecast is used: on
    time-ordered folds. The newer half of the cascades (by post time) is split into ``folds`` blocks; each
    block is predicted by models fitted on every cascade posted before it, with the who-shared statistics
    rebuilt from those only (shuffled folds let a cascade be judged by models that learned from its future,
    and read better: on Twitter15, AUC 0.90 shuffled against 0.84 oldest 70% → newest 30%):

    - ``auc`` (with DeLong's interval): does ``p_double`` rank the cascades that doubled first;
    - ``accuracy``: share of cascades where ``p_double ≥ 0.5`` matches what happened;
    - ``median_relative_error``: median of |predicted − final| / final;
    - ``base_rate``: share of cascades that doubled (the accuracy of always guessing the majority is
      max(base_rate, 1 − base_rate)).

    Parameters
    ----------
    mentions : DataFrame
        Mentions of completed cascades (either shape :func:`diffusion.cascade_metrics` accepts), with
        ``author_id`` and ``author_followers`` when known.
    observe_minutes : float
        M, the observation window after the original post.
    folds, seed : int
        Time-ordered test blocks of the newer half (fewer when there are under 10 cascades per block); the
        tree models use ``seed``.
    min_cascades : int
        Fewer cascades raise InsufficientData.

    Returns
    -------
    ForecastModel

    References
    ----------
    J. Cheng, L. Adamic, P. A. Dow, J. Kleinberg, J. Leskovec, "Can cascades be predicted?", WWW 2014.

    Q. Zhao, M. A. Erdogdu, H. Y. He, A. Rajaraman, J. Leskovec, "SEISMIC: A self-exciting point process
    model for predicting tweet popularity", KDD 2015.

    Q. Cao, H. Shen, K. Cen, W. Ouyang, X. Cheng, "DeepHawkes: Bridging the gap between prediction and
    understanding of information cascades", CIKM 2017 (learned user influence).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> rows = []
    >>> for c in range(80):  # shares arrive exponentially, quickly for some posts, slowly for others
    ...     t0, mean_delay = pd.Timestamp("2026-01-05", tz="UTC") + pd.Timedelta(hours=c), rng.uniform(15, 300)
    ...     rows.append({"id": f"c{c}", "parent_id": None, "created_at": t0})
    ...     delays = rng.exponential(mean_delay, rng.integers(20, 60))
    ...     rows += [{"id": f"c{c}-{i}", "parent_id": f"c{c}", "created_at": t0 + pd.Timedelta(minutes=m)}
    ...              for i, m in enumerate(delays)]
    >>> model = fit_forecast(pd.DataFrame(rows), observe_minutes=60, folds=2)
    >>> model.quality["auc"] > 0.7, model.quality["n_cascades"], model.quality["validation"]
    (True, 40, 'time-ordered')
    """
    m = float(observe_minutes)
    if not m > 0:
        raise InsufficientData("observe_minutes must be positive")
    obs = _observe(mentions, m)
    n = len(obs.keys)
    if n < min_cascades:
        raise InsufficientData.of("forecast_too_few", minimum=min_cascades, n=n)
    final = obs.keys["final_size"].to_numpy()
    observed = obs.keys["observed_size"].to_numpy()
    doubled = final >= 2 * observed
    growth = np.log(final / observed)

    # Quality on time-ordered folds: the newer half of the cascades (by post time) in ``folds`` blocks, each
    # predicted by models fitted on every cascade posted before the block, features and account statistics
    # rebuilt from those only. Shuffled folds would let a cascade be judged by models that learned from its
    # own future (accounts' later cascades, a later campaign), and read better than a forecast can do.
    order = np.argsort(obs.keys["started_at"].to_numpy(), kind="stable")
    k = max(1, min(folds, n // 2 // 5))
    blocks = np.array_split(order[n // 2:], k)
    p_oof, g_oof = np.full(n, np.nan), np.full(n, np.nan)
    for i, test in enumerate(blocks):
        train = order[: n // 2 + sum(len(b) for b in blocks[:i])]
        table, mg = _author_table(obs, train)
        x_train = _design(obs, train, table, mg, leave_out=True)
        x_test = _design(obs, test, table, mg, leave_out=False)
        models = _fit_models(x_train.to_numpy(), doubled[train], growth[train], seed)
        p_oof[test], g_oof[test] = _apply_models(models, x_test.to_numpy())
    tested = np.sort(order[n // 2:])
    quality = _quality(doubled[tested], p_oof[tested], observed[tested] * np.exp(g_oof[tested]), final[tested])
    quality.update({"folds": k, "observe_minutes": m, "validation": "time-ordered",
                    "n_train_first": int(n // 2), "n_cascades_fitted": int(n)})
    everything = np.arange(n)
    table, mg = _author_table(obs, everything)
    x = _design(obs, everything, table, mg, leave_out=True)
    seen = table[:, 0] > 0
    models = _fit_models(x.to_numpy(), doubled, growth, seed)
    return ForecastModel(
        observe_minutes=m, features=list(x.columns), models=models,
        authors=[str(a) for a in obs.author_labels[seen]], author_stats=table[seen],
        mean_growth=mg, quality=quality,
        trained_on={"cascades": n, "first_post": str(obs.keys["started_at"].min()),
                    "last_post": str(obs.keys["started_at"].max())},
    )


def _quality(doubled: np.ndarray, p: np.ndarray, predicted: np.ndarray, final: np.ndarray) -> dict:
    out = {"n_cascades": int(len(doubled)), "n_doubled": int(doubled.sum()), "base_rate": float(doubled.mean()),
           "accuracy": float(((p >= 0.5) == doubled).mean()),
           "median_relative_error": float(np.median(np.abs(predicted - final) / final))}
    if 0 < doubled.sum() < len(doubled):
        auc, low, high = auc_delong(doubled, p)
        out.update({"auc": auc, "auc_ci": [low, high]})
    else:
        out.update({"auc": None, "auc_ci": None})
    return out


def predict_forecast(model: ForecastModel, mentions: pd.DataFrame, *, now=None) -> pd.DataFrame:
    """Forecast every cascade from its first M minutes (M = ``model.observe_minutes``).

    Only mentions within M minutes of their original post are looked at, whatever else ``mentions`` holds.
    A cascade whose window has not closed yet at ``now`` (default: the newest mention) is left out.

    Parameters
    ----------
    model : ForecastModel
    mentions : DataFrame
        Mentions (either shape :func:`diffusion.cascade_metrics` accepts).
    now : timestamp, optional

    Returns
    -------
    DataFrame
        :data:`PREDICTION_COLUMNS` plus ``source``: ``observed_size`` (mentions in the first M minutes, the
        post included), ``predicted_size`` (final size, never below the size reached by ``now``),
        ``p_double`` (probability that the final size reaches 2 × observed; 1 once it has), most likely to
        double first.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> def cascades(n, seed):  # shares arriving exponentially, quickly for some posts, slowly for others
    ...     rng, rows = np.random.default_rng(seed), []
    ...     for c in range(n):
    ...         t0 = pd.Timestamp("2026-01-05", tz="UTC") + pd.Timedelta(hours=c)
    ...         rows.append({"id": f"{seed}-{c}", "parent_id": None, "created_at": t0})
    ...         rows += [{"id": f"{seed}-{c}-{i}", "parent_id": f"{seed}-{c}",
    ...                   "created_at": t0 + pd.Timedelta(minutes=m)}
    ...                  for i, m in enumerate(rng.exponential(rng.uniform(15, 300), rng.integers(20, 60)))]
    ...     return pd.DataFrame(rows)
    >>> model = fit_forecast(cascades(60, seed=0), observe_minutes=60, folds=2)
    >>> out = predict_forecast(model, cascades(5, seed=1))
    >>> list(out.columns), len(out), bool((out["predicted_size"] >= out["observed_size"]).all())
    (['cascade_id', 'observed_size', 'predicted_size', 'p_double', 'source'], 5, True)
    """
    m = model.observe_minutes
    t = as_utc(mentions["created_at"])
    now = t.max() if now is None else utc(now)
    obs = _observe(mentions[(t <= now).to_numpy()], m)  # what was known at ``now``
    closed = (obs.keys["started_at"] + pd.Timedelta(minutes=m) <= now).to_numpy()
    rows = np.flatnonzero(closed)
    out = obs.keys.iloc[rows][["cascade_id", "observed_size", "source"]].reset_index(drop=True)
    if not len(rows):
        return out.assign(predicted_size=[], p_double=[])[[*PREDICTION_COLUMNS, "source"]]
    x = _design(obs, rows, model._table(obs), model.mean_growth, leave_out=False)
    missing = [f for f in model.features if f not in x.columns]
    if missing:
        raise ModelError(f"the model expects features this version does not compute: {', '.join(missing[:5])}")
    p, g = _apply_models(model.models, x[model.features].to_numpy())
    # The forecast reads the first M minutes only; a cascade may have grown since. A final size below the
    # size already reached, or a doubling chance below 1 for a cascade that has already doubled, would be
    # forecasts of the past.
    reached = obs.keys["final_size"].to_numpy()[rows]
    observed = out["observed_size"].to_numpy()
    out["predicted_size"] = np.round(np.maximum(observed * np.exp(g), reached), 1)
    out["p_double"] = np.round(np.where(reached >= 2 * observed, 1.0, p), 4)
    out = out.sort_values(["p_double", "observed_size"], ascending=[False, False], kind="stable")
    return out.reset_index(drop=True)[[*PREDICTION_COLUMNS, "source"]]


def evaluate(predictions: pd.DataFrame, outcomes: pd.DataFrame) -> dict:
    """How forecasts did against what happened: doubling AUC (DeLong interval), accuracy, size error.

    Parameters
    ----------
    predictions : DataFrame
        From :func:`predict_forecast` (``cascade_id``, ``observed_size``, ``predicted_size``, ``p_double``,
        and ``source``).
    outcomes : DataFrame
        From :func:`cascade_outcomes` on the complete cascades (``final_size``).

    Returns
    -------
    dict
        ``n_cascades, n_doubled, base_rate, accuracy, median_relative_error, auc, auc_ci``.

    Examples
    --------
    >>> import pandas as pd
    >>> pred = pd.DataFrame({"cascade_id": ["a", "b", "c"], "source": "x", "observed_size": [10, 10, 4],
    ...                      "predicted_size": [25.0, 11.0, 5.0], "p_double": [0.9, 0.2, 0.3]})
    >>> truth = pd.DataFrame({"cascade_id": ["a", "b", "c"], "source": "x", "final_size": [20, 12, 9]})
    >>> r = evaluate(pred, truth)
    >>> r["accuracy"], r["auc"], round(r["median_relative_error"], 3)
    (0.667, 1.0, 0.25)
    """
    keys = ["source", "cascade_id"] if "source" in predictions and "source" in outcomes else ["cascade_id"]
    both = predictions.merge(outcomes[[*keys, "final_size"]], on=keys, how="inner")
    doubled = (both["final_size"] >= 2 * both["observed_size"]).to_numpy()
    q = _quality(doubled, both["p_double"].to_numpy(), both["predicted_size"].to_numpy(),
                 both["final_size"].to_numpy())
    q["accuracy"] = round(q["accuracy"], 3)
    return q
