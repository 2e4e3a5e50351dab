"""Turn the world's rows into mentions of the contract: ids and URLs in each platform's own shape, UTC
timestamps, parent ids, follower counts and engagement counts consistent with the cascades."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from viralscope.demo.population import Population
from viralscope.store import INPUT_COLUMNS

_B32 = "234567abcdefghijklmnopqrstuvwxyz"
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_X_EPOCH_MS = 1_288_834_974_657


def _column(v, n: int, index=None):
    """Text as numpy objects: pandas' default Arrow strings cost a conversion on every build and read."""
    if isinstance(v, str):
        v = np.full(n, v, dtype=object)
    if isinstance(v, np.ndarray) and v.dtype.kind in "OU":
        return pd.Series(v.astype(object, copy=False), index=index, dtype=object)
    return v


def frame(columns: dict, index=None) -> pd.DataFrame:
    """A DataFrame whose text columns stay numpy object arrays."""
    n = next(len(v) for v in columns.values() if not np.isscalar(v))
    return pd.DataFrame({k: _column(v, n, index) for k, v in columns.items()}, index=index)


def put(df: pd.DataFrame, **columns) -> pd.DataFrame:
    """``df`` with the given columns set (text kept as numpy objects)."""
    df = df.copy()
    for k, v in columns.items():
        df[k] = _column(v, len(df), df.index)
    return df


def _encode(value: int, alphabet: str, width: int) -> str:
    chars = []
    for _ in range(width):
        value, r = divmod(value, len(alphabet))
        chars.append(alphabet[r])
    return "".join(reversed(chars))


def _base36(value: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        value, r = divmod(value, 36)
        out = digits[r] + out
        if value == 0:
            return out


def _ids(source: str, kind: np.ndarray, unix_ms: np.ndarray, k: np.ndarray, salt: np.ndarray) -> list[str]:
    """Ids that sort in time within a source, like the platforms' own."""
    if source == "x":  # snowflake: milliseconds since X's epoch, then a sequence number
        return [str(((ms - _X_EPOCH_MS) << 22) + (i % 4096)) for ms, i in zip(unix_ms.tolist(), k.tolist(), strict=True)]
    if source == "mastodon":
        return [str((ms << 16) + (i % 65536)) for ms, i in zip(unix_ms.tolist(), k.tolist(), strict=True)]
    if source == "bluesky":  # a TID record key: microseconds in sortable base32
        return [_encode(ms * 1000 + i % 1000, _B32, 11) + _encode(s % 1024, _B32, 2)
                for ms, i, s in zip(unix_ms.tolist(), k.tolist(), salt.tolist(), strict=True)]
    if source == "reddit":
        return [("t3_" if kd == "post" else "t1_") + _base36(1_800_000_000 + i * 7 + s % 7)
                for kd, i, s in zip(kind.tolist(), k.tolist(), salt.tolist(), strict=True)]
    if source == "youtube":
        return [_encode(s * 131_071 + i, _B64, 11) if kd == "post" else "Ugx" + _encode(s * 524_287 + i, _B64, 21)
                for kd, i, s in zip(kind.tolist(), k.tolist(), salt.tolist(), strict=True)]
    if source == "hackernews":
        return [str(46_100_000 + i * 5 + s % 5) for i, s in zip(k.tolist(), salt.tolist(), strict=True)]
    # news items are known by their address
    return [f"n{i:07d}" for i in k.tolist()]


def _url(source, mid, name, lang, root_id, created: pd.Timestamp, author_id) -> str:
    if source == "x":
        return f"https://x.com/{name}/status/{mid}"
    if source == "mastodon":
        handle, _, host = name.partition("@")
        return f"https://{host or 'mastodon.social'}/@{handle}/{mid}"
    if source == "bluesky":
        return f"https://bsky.app/profile/{name}/post/{mid}"
    if source == "reddit":
        sub = "hanguk" if lang == "ko" else "smarthome"
        post = root_id.removeprefix("t3_")
        if mid == root_id:
            return f"https://www.reddit.com/r/{sub}/comments/{post}/"
        return f"https://www.reddit.com/r/{sub}/comments/{post}/comment/{mid.removeprefix('t1_')}/"
    if source == "youtube":
        return f"https://www.youtube.com/watch?v={root_id}" + ("" if mid == root_id else f"&lc={mid}")
    if source == "hackernews":
        return f"https://news.ycombinator.com/item?id={mid}"
    return f"https://{author_id}/{created:%Y/%m/%d}/{mid}"


def assign_ids(rows: pd.DataFrame, pop: Population, start: dt.date, rng: np.random.Generator) -> pd.DataFrame:
    """The mentions table (contract columns, then the extras ``topic``, ``tone``, ``surprise``, then ``_row``)."""
    n = len(rows)
    order = np.lexsort((np.arange(n), rows["t"].to_numpy()))
    r = rows.iloc[order].reset_index(drop=True)
    row_of = order  # position in the time-ordered table -> original row
    pos_of = np.empty(n, dtype=np.int64)
    pos_of[order] = np.arange(n)

    t0 = pd.Timestamp(dt.datetime.combine(start, dt.time()), tz="UTC")
    seconds = np.floor(r["t"].to_numpy() * 60).astype(np.int64)
    created = t0 + pd.to_timedelta(seconds, unit="s")
    unix_ms = (t0.value // 1_000_000) + seconds * 1000
    source = r["source"].to_numpy()
    kind = r["kind"].to_numpy()
    salt = rng.integers(0, 1 << 20, n)
    mid = np.empty(n, dtype=object)
    for s in np.unique(source):
        m = np.flatnonzero(source == s)
        mid[m] = _ids(s, kind[m], unix_ms[m], np.arange(len(m)), salt[m])

    node = r["node"].to_numpy()
    parent_pos = np.where(r["parent"].to_numpy() >= 0, pos_of[np.maximum(r["parent"].to_numpy(), 0)], -1)
    parent_id = np.where(parent_pos >= 0, mid[np.maximum(parent_pos, 0)], None)
    root_id = mid[pos_of[r["root"].to_numpy()]]
    name = pop.col("author_name")[node]
    author_id = pop.col("author_id")[node]
    lang = r["lang"].to_numpy()
    url = [_url(*args) for args in zip(source, mid, name, lang, root_id, created, author_id, strict=True)]
    news = source == "rss"
    mid[news] = np.array(url, dtype=object)[news]  # a feed item's guid is its address

    followers = pd.array(pop.col("followers")[node], dtype="Int64")
    followers[~pop.col("has_followers")[node]] = pd.NA

    # Engagement consistent with the cascades: direct reshares/quotes and replies seen, likes to match.
    has_parent = parent_pos >= 0
    is_share = np.isin(kind, ["share", "quote"])
    shares = np.bincount(parent_pos[has_parent & is_share], minlength=n)
    replies = np.bincount(parent_pos[has_parent & (kind == "reply")], minlength=n)
    reach = pop.col("followers")[node].astype(float)
    likes = rng.poisson((0.3 + 2.0 * (shares + replies)) * np.sqrt(1 + reach / 500.0))
    likes[kind == "share"] = 0
    shares[kind == "share"] = 0
    replies[kind == "share"] = 0

    out = frame({
        "id": mid, "source": source, "created_at": created, "text": r["text"].to_numpy(),
        "author_id": author_id, "author_name": name, "author_followers": followers, "parent_id": parent_id,
        "kind": kind, "url": url, "lang": lang, "likes": likes.astype(np.int64), "shares": shares.astype(np.int64),
        "replies": replies.astype(np.int64), "media": r["media"].to_numpy().astype(bool), "brand": r["brand"].to_numpy(),
        "topic": r["topic"].to_numpy(), "tone": r["tone"].to_numpy(), "surprise": r["surprise"].to_numpy().astype(bool),
        "_row": row_of,
    })
    assert list(out.columns[: len(INPUT_COLUMNS)]) == INPUT_COLUMNS
    return out
