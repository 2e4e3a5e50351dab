"""Cascades: the trees that mentions form through their parent links, and what each one measures.

A cascade is rooted at an original post; every reply, reshare or quote hangs under the mention it answers.
Its **share order** is its depth (1st-order share = depth 1). Everything here is whole-array numpy over all
cascades at once: a million mentions in a hundred thousand cascades take seconds, not minutes.

Mentions come in two shapes. From the store they already carry ``parent_resolved``, ``cascade_id`` and
``depth`` (the import resolved dirty links with :mod:`viralscope.core.links`), and those are used as they are.
Otherwise ``id``, ``parent_id`` and ``created_at`` are enough: the links are resolved here by the same rules
(earliest parent wins, self-loops dropped, a missing parent makes its child a root, cycles broken).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from diffusion.virality import roots_and_depths, subtree_sizes
from viralscope.core.errors import InputError, Problem
from viralscope.core.links import choose_parents, resolve_links
from viralscope.core.times import epoch_ns
from viralscope.core.times import times as as_utc

__all__ = ["cascade_metrics", "cascade_members", "CASCADE_COLUMNS", "SHARE_MILESTONES"]

#: Columns of :func:`cascade_metrics`, in order (the first ten are DESIGN's export contract).
CASCADE_COLUMNS = [
    "cascade_id", "source", "size", "depth", "max_breadth", "structural_virality", "depth_counts",
    "started_at", "last_at", "minutes_to_10", "minutes_to_100", "minutes_to_1000", "speed_per_hour",
    "author_id", "author_name", "author_followers", "kind", "brand", "complete",
]
#: Share counts whose time of arrival :func:`cascade_metrics` reports.
SHARE_MILESTONES = (10, 100, 1000)
_ROOT_ATTRIBUTES = ("author_id", "author_name", "author_followers", "kind", "brand")
_NS_PER_MINUTE = 60 * 10**9


def _bad(field: str, why: str, row: int | None = None) -> InputError:
    return InputError(Problem("mentions", row, field, why))


def _ids(values: pd.Series) -> pd.Series:
    """Ids as a string Series (missing stays missing); a float column of whole numbers (ids read next to
    blanks) loses its ``.0``."""
    if pd.api.types.is_float_dtype(values.dtype):
        whole = values.dropna()
        if (whole == np.floor(whole)).all():
            values = values.astype("Int64")
    if pd.api.types.is_string_dtype(values.dtype) and pd.api.types.infer_dtype(values, skipna=True) in (
        "string", "empty"
    ):
        return values.reset_index(drop=True)
    return values.astype("str").reset_index(drop=True)


def _times(values: pd.Series) -> np.ndarray:
    """``created_at`` as int64 nanoseconds since the epoch, UTC (numbers are Unix seconds, as in the contract)."""
    try:
        if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
            t = as_utc(values, unit="s")
        elif values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            t = as_utc(values, format="mixed")
        else:
            t = as_utc(values)
    except (ValueError, TypeError) as exc:
        raise _bad("created_at", f"not a date ({exc})") from None
    missing = np.flatnonzero(t.isna().to_numpy())
    if len(missing):
        raise _bad("created_at", "missing", row=int(missing[0]) + 1)
    return epoch_ns(t)


def _is_stored(mentions: pd.DataFrame) -> bool:
    return {"parent_resolved", "cascade_id", "depth"} <= set(mentions.columns) and bool(
        mentions["cascade_id"].notna().all() and mentions["depth"].notna().all()
    )


def _resolved_frame(mentions: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Distinct mentions with resolved links, and the position of each input row among them.

    Used when the mentions do not come from the store: a mention listed several times keeps one row and the
    parent :func:`viralscope.core.links.choose_parents` picks; then :func:`viralscope.core.links.resolve_links` turns
    the links into trees, source by source.
    """
    frame = pd.DataFrame({
        "source": _ids(mentions["source"]).fillna("") if "source" in mentions.columns else "",
        "id": _ids(mentions["id"]),
        "parent": _ids(mentions["parent_id"]) if "parent_id" in mentions.columns else None,
        "t": _times(mentions["created_at"]),
    })
    row_of_input = np.arange(len(frame))
    keys = pd.MultiIndex.from_arrays([frame["source"], frame["id"]])
    if not keys.is_unique:
        distinct = frame[~keys.duplicated()].reset_index(drop=True)
        row_of_input = pd.MultiIndex.from_arrays([distinct["source"], distinct["id"]]).get_indexer(keys)
        picked = []
        for source, group in frame.groupby("source", sort=False):
            rows = pd.DataFrame({"id": group["id"].to_numpy(dtype=object),
                                 "parent_id": group["parent"].to_numpy(dtype=object, na_value=None),
                                 "created_at": group["t"].to_numpy().view("datetime64[ns]")})
            chosen = choose_parents(rows)
            picked.append(pd.DataFrame({"source": source, "id": chosen.index.to_numpy(dtype=object),
                                        "parent": chosen.to_numpy(dtype=object)}))
        frame = distinct.drop(columns="parent").merge(pd.concat(picked), on=["source", "id"], how="left")
    cascade = np.empty(len(frame), dtype=object)
    parent = np.empty(len(frame), dtype=object)
    depth = np.zeros(len(frame), dtype=np.int64)
    for _source, rows in frame.groupby("source", sort=False).indices.items():
        links = resolve_links(pd.DataFrame({
            "id": frame["id"].to_numpy(dtype=object)[rows],
            "parent_id": frame["parent"].to_numpy(dtype=object, na_value=None)[rows],
            "created_at": frame["t"].to_numpy()[rows].view("datetime64[ns]"),
        }))
        cascade[rows] = links["cascade_id"].to_numpy()
        parent[rows] = links["parent_resolved"].to_numpy()
        depth[rows] = links["depth"].to_numpy()
    frame = frame.assign(parent=pd.Series(parent, dtype="str"), cascade_id=pd.Series(cascade, dtype="str"),
                         depth=depth)
    return frame, row_of_input


class Forest:
    """Distinct mentions as parallel integer arrays, with their cascades: the shared input of every metric.

    ``parent`` (-1 for a root, and where the stored parent is not among the rows), ``cascade`` (0..C-1),
    ``depth`` (share order), ``t`` (ns, UTC), ``size`` (subtree sizes), ``root_row`` (each cascade's root
    row, -1 if absent), ``complete`` (per cascade), ``row_of_input`` (input row -> distinct row).
    """

    def __init__(self, mentions: pd.DataFrame):
        if not isinstance(mentions, pd.DataFrame):
            raise _bad("mentions", "expected a pandas DataFrame")
        for col in ("id", "created_at"):
            if col not in mentions.columns:
                raise _bad(col, "column is missing")
        missing_id = np.flatnonzero(mentions["id"].isna().to_numpy())
        if len(missing_id):
            raise _bad("id", "missing", row=int(missing_id[0]) + 1)
        self.stored = _is_stored(mentions)
        if self.stored:
            source = _ids(mentions["source"]).fillna("") if "source" in mentions.columns else None
            ids, links, cascades = (_ids(mentions[c]) for c in ("id", "parent_resolved", "cascade_id"))
            depth = mentions["depth"].to_numpy().astype(np.int64)
            self.t = _times(mentions["created_at"])
            self.row_of_input = np.arange(len(mentions))
        else:
            frame, self.row_of_input = _resolved_frame(mentions)
            source, ids, links, cascades = frame["source"], frame["id"], frame["parent"], frame["cascade_id"]
            depth, self.t = frame["depth"].to_numpy(), frame["t"].to_numpy()
        n = len(ids)
        self.depth = depth
        # One integer key per (source, id): the three id columns are factorized together.
        codes, labels = pd.factorize(pd.concat([ids, links, cascades], ignore_index=True))
        width = max(len(labels), 1)
        if source is None or (src_codes := pd.factorize(source)[0]).max(initial=0) == 0:
            src_codes, src_names = np.zeros(n, dtype=np.int64), np.array([""], dtype=object)
            if source is not None and n:
                src_names = np.array([source.iloc[0]], dtype=object)
        else:
            src_codes, src_names = pd.factorize(source)
            src_names = np.asarray(src_names, dtype=object)
        src_codes = src_codes.astype(np.int64)
        self._labels, self._id_code = labels, codes[:n]
        id_key = src_codes * width + codes[:n]
        index = pd.Index(id_key)
        if not index.is_unique:
            raise _bad("id", "the same (source, id) appears twice; stored mentions are unique")
        link_code = codes[n: 2 * n]
        has = link_code >= 0
        parent = np.full(n, -1, dtype=np.int64)
        parent[has] = index.get_indexer(src_codes[has] * width + link_code[has])
        self.parent = parent
        root, tree_depth, looped = roots_and_depths(parent)
        if looped.any():
            raise _bad("parent_resolved", "the resolved links contain a cycle; rebuild the cascades")
        self.tree_root = root
        self.size = subtree_sizes(parent, tree_depth)
        cascade_key = src_codes * width + codes[2 * n:]
        self.cascade, uniques = pd.factorize(cascade_key)
        self.n_cascades = len(uniques)
        self.cascade_source = src_names[uniques // width]
        self.cascade_name = np.asarray(labels, dtype=object)[uniques % width]
        self.root_row = index.get_indexer(uniques)
        ok = (self.root_row[self.cascade] == root) & (self.root_row[self.cascade] >= 0)
        self.complete = np.bincount(self.cascade, weights=~ok, minlength=self.n_cascades) == 0
        self.is_root = np.zeros(n, dtype=bool)
        self.is_root[self.root_row[self.root_row >= 0]] = True
        self.first_input_row = np.empty(n, dtype=np.int64)
        self.first_input_row[self.row_of_input[::-1]] = np.arange(len(self.row_of_input))[::-1]

    @property
    def ids(self) -> np.ndarray:
        """The id of every distinct mention (object array of str)."""
        return np.asarray(self._labels, dtype=object)[self._id_code]


def _grouped_min_max(codes: np.ndarray, values: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    low = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    high = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(low, codes, values)
    np.maximum.at(high, codes, values)
    return low, high


def _sorted_shares(forest: Forest) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shares (mentions other than a root) ordered by cascade then time, with each cascade's slice bounds."""
    shares = np.flatnonzero(~forest.is_root)
    codes, t = forest.cascade[shares], forest.t[shares]
    order = np.lexsort((t, codes))
    codes, t = codes[order], t[order]
    all_codes = np.arange(forest.n_cascades)
    return codes, t, np.searchsorted(codes, all_codes), np.searchsorted(codes, all_codes, side="right")


def _kth_share_time(shares, k: np.ndarray) -> np.ndarray:
    """Time (ns) of the k-th share of each cascade (k per cascade, 1-based); -1 where it has fewer."""
    _codes, t, start, end = shares
    at = np.full(len(start), -1, dtype=np.int64)
    ok = (k >= 1) & (start + k - 1 < end)
    at[ok] = t[start[ok] + k[ok] - 1]
    return at


def _depth_tables(forest: Forest) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Max depth, max breadth and the ``depth_counts`` JSON of every cascade."""
    top = int(forest.depth.max()) + 1 if len(forest.depth) else 1
    pair = forest.cascade.astype(np.int64) * top + forest.depth
    keys, counts = np.unique(pair, return_counts=True)
    cas, dep = keys // top, keys % top
    bounds = np.searchsorted(cas, np.arange(forest.n_cascades + 1))
    max_depth = np.zeros(forest.n_cascades, dtype=np.int64)
    max_depth[cas] = dep  # keys are sorted, so the deepest level of each cascade is written last
    breadth = np.zeros(forest.n_cascades, dtype=np.int64)
    np.maximum.at(breadth, cas, counts)
    dep_l, cnt_l, b = dep.tolist(), counts.tolist(), bounds.tolist()
    texts = []
    for c in range(forest.n_cascades):
        lo, hi = b[c], b[c + 1]
        # Integers only, so the JSON can be written directly (several times faster than json.dumps).
        texts.append("{" + ", ".join(f'"{d}": {k}' for d, k in zip(dep_l[lo:hi], cnt_l[lo:hi], strict=True) if d) + "}")
    return max_depth, breadth, texts


def cascade_metrics(mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per cascade: size, depth, breadth, structural virality, timing and the original post's author.

    For a cascade T of n mentions with depth(v) the hops from the root to v:

    - ``size`` = n; ``depth`` = max_v depth(v); ``depth_counts`` = {d: #{v : depth(v) = d}} for d ≥ 1 (a
      JSON object); ``max_breadth`` = max_d #{v : depth(v) = d} (the root's level counts as 1);
    - ``structural_virality`` ν = 2W / (n(n − 1)), W = Σ_{v ≠ root} s_v (n − s_v), s_v the size of v's
      subtree: the mean distance between two mentions of the undirected tree; null when n = 1 or when the
      cascade is not complete among the rows given;
    - ``started_at`` / ``last_at``: the first and last ``created_at`` in the cascade (UTC);
    - ``minutes_to_10`` / ``_100`` / ``_1000``: minutes from ``started_at`` until the 10th / 100th / 1000th
      share (mention other than the root, by time); null when it never got that many;
    - ``speed_per_hour``: shares per hour until the cascade had half of its shares, ⌈(n − 1)/2⌉ / t_½ with
      t_½ floored at one minute (robust to a long tail, unlike shares over the whole lifetime); null for n = 1;
    - ``author_id``, ``author_name``, ``author_followers``, ``kind``, ``brand``: of the original post, when
      those columns are given;
    - ``complete``: False when some member's chain of parents does not reach the root among the rows given
      (a subset of a store, say); size and depth columns then count the rows given.

    Parameters
    ----------
    mentions : DataFrame
        Either rows from the store, with ``parent_resolved``, ``cascade_id`` and ``depth`` filled (used as
        they are), or rows with only ``id``, ``parent_id`` and ``created_at`` (and optionally ``source``):
        then the links are resolved first with the rules of :mod:`viralscope.core.links`. ``created_at`` is
        timezone-aware or naive UTC. A mention listed twice counts once.

    Returns
    -------
    DataFrame
        Columns :data:`CASCADE_COLUMNS`, biggest cascade first (then earliest, then by id).

    Raises
    ------
    viralscope.core.errors.InputError
        A required column is missing, a time does not parse, or stored links contain a cycle.

    References
    ----------
    S. Goel, A. Anderson, J. Hofman, D. J. Watts, "The structural virality of online diffusion",
    Management Science 62(1) (2016) 180–196.

    S. Vosoughi, D. Roy, S. Aral, "The spread of true and false news online", Science 359 (2018) 1146–1151
    (size, depth, max-breadth and structural virality of a cascade).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({
    ...     "id": ["p", "a", "b", "c", "q"],
    ...     "parent_id": [None, "p", "p", "a", None],
    ...     "created_at": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:10", "2026-01-05 09:20",
    ...                                   "2026-01-05 10:00", "2026-01-05 11:00"], utc=True)})
    >>> c = cascade_metrics(m)
    >>> c[["cascade_id", "size", "depth", "max_breadth", "structural_virality", "depth_counts"]]
      cascade_id  size  depth  max_breadth  structural_virality      depth_counts
    0          p     4      2            2             1.666667  {"1": 2, "2": 1}
    1          q     1      0            1                  NaN                {}
    >>> float(c.loc[0, "speed_per_hour"])  # 2 of 3 shares arrived within 20 minutes
    6.0
    """
    forest = Forest(mentions)
    n_c = forest.n_cascades
    size = np.bincount(forest.cascade, minlength=n_c).astype(np.int64)

    # Structural virality from subtree sizes: W = sum over non-root members of s (n - s).
    member = ~forest.is_root
    s = forest.size[member]
    n_of = size[forest.cascade[member]]
    wiener = np.zeros(n_c, dtype=np.int64)
    np.add.at(wiener, forest.cascade[member], s * (n_of - s))
    with np.errstate(divide="ignore", invalid="ignore"):
        nu = 2.0 * wiener / (size * (size - 1.0))
    nu[(size < 2) | ~forest.complete] = np.nan

    max_depth, breadth, depth_json = _depth_tables(forest)
    started, last = _grouped_min_max(forest.cascade, forest.t, n_c)
    shares = _sorted_shares(forest)
    n_shares = shares[3] - shares[2]
    half = (n_shares + 1) // 2

    out = pd.DataFrame({
        "cascade_id": forest.cascade_name,
        "source": forest.cascade_source,
        "size": size,
        "depth": max_depth,
        "max_breadth": breadth,
        "structural_virality": nu,
        "depth_counts": depth_json,
        "started_at": as_utc(started),
        "last_at": as_utc(last),
    })
    for k in SHARE_MILESTONES:
        at = _kth_share_time(shares, np.full(n_c, k))
        out[f"minutes_to_{k}"] = np.where(at >= 0, (at - started) / _NS_PER_MINUTE, np.nan)
    t_half = np.maximum((_kth_share_time(shares, half) - started) / _NS_PER_MINUTE, 1.0)
    out["speed_per_hour"] = np.where(n_shares >= 1, half / t_half * 60.0, np.nan)

    present = forest.root_row >= 0
    root_input_row = forest.first_input_row[forest.root_row[present]]
    for col in _ROOT_ATTRIBUTES:
        values = np.full(n_c, None, dtype=object)
        if col in mentions.columns:
            picked = mentions[col].iloc[root_input_row].to_numpy(dtype=object)
            values[present] = np.where(pd.isna(picked), None, picked)
        out[col] = values
    out["author_followers"] = pd.to_numeric(out["author_followers"], errors="coerce").astype("Int64")
    out["complete"] = forest.complete
    out = out.sort_values(["size", "started_at", "cascade_id"], ascending=[False, True, True], kind="stable")
    return out.reset_index(drop=True)[CASCADE_COLUMNS]


def cascade_members(mentions: pd.DataFrame) -> pd.DataFrame:
    """Each mention's place in its cascade: cascade, share order and how many descendants it has.

    Parameters
    ----------
    mentions : DataFrame
        As for :func:`cascade_metrics`.

    Returns
    -------
    DataFrame
        Indexed like ``mentions``: ``source``, ``id``, ``cascade_id``, ``parent_resolved``, ``depth`` (share order,
        0 for the original post), ``descendants`` (mentions in its subtree, itself excluded; counted among
        the rows given) and ``cascade_size``.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"id": ["p", "a", "b", "c"], "parent_id": [None, "p", "a", "a"],
    ...                   "created_at": pd.to_datetime(["2026-01-05"] * 4, utc=True)})
    >>> cascade_members(m)[["cascade_id", "depth", "descendants", "cascade_size"]].values.tolist()
    [['p', 0, 3, 4], ['p', 1, 2, 4], ['p', 2, 0, 4], ['p', 2, 0, 4]]
    """
    forest = Forest(mentions)
    size = np.bincount(forest.cascade, minlength=forest.n_cascades)
    r = forest.row_of_input
    parent = forest.parent[r]
    ids = forest.ids[r]
    # Object columns keep None for "no value" (pandas would otherwise infer strings with NaN).
    return pd.DataFrame(
        {
            "source": forest.cascade_source[forest.cascade[r]],
            "id": ids,
            "cascade_id": forest.cascade_name[forest.cascade[r]],
            # Store rows keep their stored link even when the parent is not among the rows given.
            "parent_resolved": pd.Series(
                mentions["parent_resolved"].to_numpy(dtype=object, na_value=None) if forest.stored
                else np.where(parent >= 0, forest.ids[np.maximum(parent, 0)], None), dtype=object, index=mentions.index),
            "depth": forest.depth[r],
            "descendants": forest.size[r] - 1,
            "cascade_size": size[forest.cascade][r],
        },
        index=mentions.index,
    )
