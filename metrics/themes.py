"""Emerging themes: terms and phrases whose frequency jumps against a baseline, grouped by co-occurrence."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

import numpy as np
import pandas as pd
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

__all__ = ["emerging_terms", "emerging_themes", "tokenize"]

_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"(?<!\w)@\w+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_WORD = re.compile(r"#?[^\W\d_][\w'’-]*[^\W_]|#?[^\W\d_]{2,}", re.UNICODE)
# Morphemes kept from Korean: common and proper nouns, verb and adjective stems, roots, foreign words.
_KO_TAGS = {"NNG", "NNP", "VV", "VA", "XR", "SL"}
_KO_STOP = {"것", "수", "등", "때", "저", "제", "좀", "거", "하", "되", "있", "없", "같", "이", "그", "안", "못"}
_STOP = set(ENGLISH_STOP_WORDS) | {"rt", "amp", "just", "im", "dont", "it's", "i'm", "don't", "get", "got"}

_kiwi = None
_kiwi_lock = threading.Lock()


def _korean_many(texts: list[str]) -> list[list[str]]:
    """Content morphemes of each text with Kiwi, in one batch (a call per text costs ~100× more)."""
    global _kiwi
    with _kiwi_lock:
        if _kiwi is None:
            from kiwipiepy import Kiwi

            _kiwi = Kiwi()
        analysed = list(_kiwi.tokenize(texts))
    return [[t.form.lower() for t in tokens if (t.tag in _KO_TAGS or t.tag == "W_HASHTAG") and t.form not in _KO_STOP]
            for tokens in analysed]


def _keep(words: list[str]) -> list[str]:
    return [w for w in words if w not in _STOP and not (len(w) < 2 and not _HANGUL.search(w))]


def _tokenize_many(texts: list[str]) -> list[list[str]]:
    cleaned = [_HANDLE.sub(" ", _URL.sub(" ", t)) if isinstance(t, str) else "" for t in texts]
    korean = [i for i, t in enumerate(cleaned) if _HANGUL.search(t)]
    out = [[w.lower() for w in _WORD.findall(t)] for t in cleaned]
    if korean:
        for i, words in zip(korean, _korean_many([cleaned[i] for i in korean]), strict=True):
            out[i] = words
    return [_keep(words) for words in out]


def tokenize(text: str) -> list[str]:
    """Words of a mention for term counting: English words without stop words, Korean content morphemes.

    URLs and @handles are dropped; hashtags are kept with their ``#``. Text with Hangul is split into
    morphemes with Kiwi (nouns, verb and adjective stems, foreign words), so 배송이 and 배송을 both count
    as 배송.

    Parameters
    ----------
    text : str

    Returns
    -------
    list of str

    References
    ----------
    .. [1] Kiwi: Korean intelligent word identifier (kiwipiepy), https://github.com/bab2min/kiwipiepy.

    Examples
    --------
    >>> tokenize("The refund was REFUSED again! https://x.co/a @help #fail")
    ['refund', 'refused', '#fail']
    """
    return _tokenize_many([text])[0]


def _ngrams(words: list[str]) -> list[str]:
    return words + [f"{a} {b}" for a, b in zip(words[:-1], words[1:], strict=True) if a != b]


def _texts(texts: Iterable) -> list[str]:
    return ["" if not isinstance(t, str) else t for t in texts]


def _term_lists(texts: list[str]) -> list[list[str]]:
    """Terms of each text; each distinct text is tokenized once (reshares repeat the same words)."""
    distinct = list(dict.fromkeys(texts))
    terms = dict(zip(distinct, (_ngrams(w) for w in _tokenize_many(distinct)), strict=True))
    return [terms[t] for t in texts]


def _identity(terms: list[str]) -> list[str]:
    return terms


def emerging_terms(window_texts: Iterable[str], baseline_texts: Iterable[str], *, top: int = 20,
                   min_count: int = 3, min_ratio: float = 1.5, min_z: float = 1.96) -> pd.DataFrame:
    """Terms and two-word phrases used by far more mentions in the window than in the baseline.

    Parameters
    ----------
    window_texts, baseline_texts : iterable of str
        Mention texts (English, Korean or mixed).
    top : int, default 20
    min_count : int, default 3
        A term must appear in at least this many window mentions.
    min_ratio : float, default 1.5
        ... and be at least this many times more frequent (per mention) than in the baseline.
    min_z : float, default 1.96
        ... with a log-odds z-score at least this large.

    Returns
    -------
    DataFrame
        ``term``, ``count_window``, ``count_baseline`` (mentions containing it), ``rate_window``,
        ``rate_baseline``, ``ratio``, ``z``; most significant first.

    Notes
    -----
    Counts are of mentions containing the term (one spammy mention repeating a word counts once). The
    z-score is the log-odds ratio with an informative Dirichlet prior (α_w proportional to the term's
    pooled frequency, α₀ = 100), δ_w / sqrt(1/(y_w^W + α_w) + 1/(y_w^B + α_w)), which keeps rare terms
    from topping the list by chance. The ratio smooths the baseline rate as (y^B + 1)/(n^B + 1).

    References
    ----------
    .. [1] Monroe, B. L., Colaresi, M. P. & Quinn, K. M. (2008). Fightin' words: lexical feature selection
       and evaluation for identifying the content of political conflict. Political Analysis 16(4), 372–403.
    .. [2] Kleinberg, J. (2002). Bursty and hierarchical structure in streams. KDD (bursty terms).

    Examples
    --------
    >>> base = ["love the new lamp", "great light", "lamp arrived", "nice colour"] * 10
    >>> now = ["battery exploded", "my battery exploded in the night", "battery fire", "love the lamp"] * 3
    >>> emerging_terms(now, base)["term"].tolist()[:3]
    ['battery', 'battery exploded', 'exploded']
    """
    w, b = _texts(window_texts), _texts(baseline_texts)
    cols = ["term", "count_window", "count_baseline", "rate_window", "rate_baseline", "ratio", "z"]
    if not w:
        return pd.DataFrame(columns=cols)
    vec = CountVectorizer(analyzer=_identity, binary=True)
    try:
        X = vec.fit_transform(_term_lists(w + b))
    except ValueError:  # no term at all
        return pd.DataFrame(columns=cols)
    yw = np.asarray(X[: len(w)].sum(axis=0)).ravel().astype(float)
    yb = np.asarray(X[len(w):].sum(axis=0)).ravel().astype(float)
    nw, nb = yw.sum(), yb.sum()
    alpha0 = 100.0
    a = alpha0 * (yw + yb) / max(nw + nb, 1.0)
    delta = np.log((yw + a) / (nw + alpha0 - yw - a)) - np.log((yb + a) / (nb + alpha0 - yb - a))
    z = delta / np.sqrt(1 / (yw + a) + 1 / (yb + a))
    rate_w = yw / len(w)
    rate_b = yb / len(b) if b else np.zeros_like(yb)
    ratio = rate_w / ((yb + 1) / (len(b) + 1))
    keep = (yw >= min_count) & (ratio >= min_ratio) & (z >= min_z)
    terms = vec.get_feature_names_out()
    out = pd.DataFrame({
        "term": terms[keep], "count_window": yw[keep].astype(int), "count_baseline": yb[keep].astype(int),
        "rate_window": rate_w[keep], "rate_baseline": rate_b[keep], "ratio": ratio[keep], "z": z[keep],
    })
    return out.sort_values(["z", "count_window", "term"], ascending=[False, False, True]).head(top).reset_index(drop=True)


def emerging_themes(window_texts: Iterable[str], baseline_texts: Iterable[str], *, top_terms: int = 30,
                    distance: float = 0.8, **term_options) -> pd.DataFrame:
    """Emerging terms grouped into themes: terms that appear in the same mentions belong together.

    Parameters
    ----------
    window_texts, baseline_texts : iterable of str
    top_terms : int, default 30
        How many emerging terms (see :func:`emerging_terms`) are grouped.
    distance : float, default 0.8
        Cosine distance (between the terms' mention-incidence vectors) under which clusters merge.
    **term_options
        Passed to :func:`emerging_terms` (``min_count``, ``min_ratio``, ``min_z``).

    Returns
    -------
    DataFrame
        ``theme`` (0, 1, …), ``label`` (its top three terms), ``terms`` (list), ``documents`` (window
        mentions containing any of its terms), ``share`` (of window mentions), ``z`` (its strongest term);
        largest themes first.

    Notes
    -----
    Average-linkage agglomerative clustering (scikit-learn) with cosine distance on the binary
    mention × term matrix of the window.

    References
    ----------
    .. [1] Manning, C., Raghavan, P. & Schütze, H. (2008). Introduction to Information Retrieval, §17.3
       (group-average agglomerative clustering).

    Examples
    --------
    >>> base = ["love the new lamp", "great light", "lamp arrived", "nice colour"] * 10
    >>> now = (["battery exploded", "battery exploded again"] * 4
    ...        + ["refund refused by support", "support refund refused"] * 4 + ["love the lamp"] * 4)
    >>> themes = emerging_themes(now, base)
    >>> len(themes), sorted(t.split(" · ")[0] for t in themes["label"])
    (2, ['battery', 'refund'])
    """
    w = _texts(window_texts)
    cols = ["theme", "label", "terms", "documents", "share", "z"]
    terms = emerging_terms(w, baseline_texts, top=top_terms, **term_options)
    if terms.empty:
        return pd.DataFrame(columns=cols)
    vec = CountVectorizer(analyzer=_identity, binary=True, vocabulary=terms["term"].tolist())
    X = vec.transform(_term_lists(w)).T.tocsr().astype(float)  # terms × mentions
    if len(terms) == 1:
        labels = np.zeros(1, int)
    else:
        dense = X.toarray()
        labels = AgglomerativeClustering(
            n_clusters=None, distance_threshold=distance, metric="cosine", linkage="average"
        ).fit_predict(dense)
    rows = []
    for lab in np.unique(labels):
        members = np.flatnonzero(labels == lab)
        group = terms.iloc[members].sort_values("z", ascending=False)
        docs = int((np.asarray(X[members].sum(axis=0)).ravel() > 0).sum())
        rows.append({"label": " · ".join(group["term"].head(3)), "terms": group["term"].tolist(),
                     "documents": docs, "share": docs / len(w), "z": float(group["z"].max())})
    out = pd.DataFrame(rows).sort_values(["documents", "z"], ascending=False).reset_index(drop=True)
    out.insert(0, "theme", range(len(out)))
    return out[cols]
