"""The mention contract: what a mention is, and turning raw rows into clean, typed columns.

Every way into the store (file import, collectors, the demo world) passes through ``normalize``, so a
mention means the same thing whatever its origin. Validation is vectorised: a million rows are checked in
a few seconds, and every problem is reported with its file, line and field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from viralscope.errors import InputError, Problem

KINDS = ("post", "reply", "share", "quote")
REQUIRED = ("id", "source", "created_at", "text")
INT_FIELDS = ("author_followers", "likes", "shares", "replies")
STR_FIELDS = ("author_id", "author_name", "parent_id", "url", "lang", "brand")
#: The longest mention text accepted, in characters; a longer one is an input error, never truncated.
MAX_TEXT = 1_000_000


@dataclass
class Mention:
    """One mention as a collector produces it (``parse(payload) -> list[Mention]``)."""

    id: str
    source: str
    created_at: dt.datetime | str | int | float
    text: str
    author_id: str | None = None
    author_name: str | None = None
    author_followers: int | None = None
    parent_id: str | None = None
    kind: str | None = None
    url: str | None = None
    lang: str | None = None
    likes: int | None = None
    shares: int | None = None
    replies: int | None = None
    media: bool | None = None
    brand: str | None = None
    extra: dict = field(default_factory=dict)

    def as_row(self) -> dict:
        row = asdict(self)
        row.update(row.pop("extra") or {})
        return row


# -- validation --------------------------------------------------------------------------------------


#: Keep this many problems in an InputError; the total is counted all the same.
KEEP_PROBLEMS = 50
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}
_MAX_INT = 2**63 - 1
_SURROGATE = re.compile("[\ud800-\udfff]")
#: Columns later stages compute; an export that comes back in is read without them.
COMPUTED_ON_EXPORT = ("sentiment_compound", "sentiment_label", "cascade_id", "depth", "link_flag")


class _Problems:
    """Collects problems from vectorised checks: the first few of each check, and the count of all."""

    def __init__(self, file: str, lines: np.ndarray):
        self.file, self.lines = file, lines
        self.found: list[tuple[int, int, Problem]] = []
        self.total = 0

    def add(self, mask, field: str | None, why) -> None:
        """``why`` is a string or a function of the offending value."""
        mask = np.asarray(mask, dtype=bool)
        count = int(mask.sum())
        if not count:
            return
        self.total += count
        for pos in np.flatnonzero(mask)[:KEEP_PROBLEMS]:
            text = why(pos) if callable(why) else why
            line = int(self.lines[pos])
            self.found.append((line, len(self.found), Problem(self.file, line, field, text)))

    def raise_if_any(self) -> None:
        if self.total:
            ordered = [p for _, _, p in sorted(self.found, key=lambda t: (t[0], t[1]))]
            raise InputError(ordered[:KEEP_PROBLEMS], total=self.total)


def _blank(series: pd.Series) -> np.ndarray:
    """Missing: None, NaN, or a string of only white space."""
    as_str = series.astype(object)
    isna = as_str.isna().to_numpy()
    strings = as_str.map(lambda v: isinstance(v, str) and not v.strip()).to_numpy(dtype=bool)
    return isna | strings


def _as_str(series: pd.Series, *, strip: bool = True) -> pd.Series:
    """Text values (numbers from JSON become their decimal text: 123 → "123"); blank → None."""

    def conv(v):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return None
        if isinstance(v, bool):
            return str(v).lower()
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        s = v if isinstance(v, str) else str(v)
        s = s.strip() if strip else s
        return _without_lone_surrogates(s) if s else None

    return series.astype(object).map(conv)


def _quote(value, limit: int = 40) -> str:
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit] + "…")


def normalize(raw: pd.DataFrame, *, file: str, lines=None, source: str | None = None) -> pd.DataFrame:
    """Check raw mention rows against the contract and return clean, typed columns.

    ``raw`` holds strings (CSV) or JSON values; ``lines`` gives each row's line in ``file`` (default: row
    number from 1). Returns the contract's columns with proper dtypes, ``created_at`` as naive UTC, and
    ``extra`` (JSON text of the columns the contract does not name). Raises ``InputError`` listing every
    problem (the first ``KEEP_PROBLEMS`` kept, all counted); nothing is returned half-checked.
    """
    n = len(raw)
    lines = np.arange(1, n + 1) if lines is None else np.asarray(lines)
    raw = raw.reset_index(drop=True)
    raw.columns = [str(c).strip() for c in raw.columns]
    raw = raw.drop(columns=[c for c in COMPUTED_ON_EXPORT if c in raw.columns])
    problems = _Problems(file, lines)
    header_line = 1 if file.lower().endswith(".csv") else None

    missing = [c for c in REQUIRED if c not in raw.columns and not (c == "source" and source)]
    if missing:
        raise InputError(
            [Problem(file, header_line, c, "required column is missing") for c in missing], total=len(missing)
        )

    out = pd.DataFrame(index=raw.index)
    ids = _as_str(raw["id"])
    problems.add(ids.isna(), "id", "is empty")
    out["id"] = ids

    if "source" in raw.columns:
        src = _as_str(raw["source"])
        if source:
            src = src.fillna(source)
    else:
        src = pd.Series(source, index=raw.index, dtype=object)
    problems.add(src.isna(), "source", "is empty (give a source column or --source)")
    out["source"] = src

    out["created_at"] = _parse_times(raw["created_at"], problems)

    text = raw["text"].astype(object)
    problems.add(text.isna().to_numpy(), "text", "is missing")
    text = _as_str(text, strip=False).fillna("")
    lengths = text.str.len().to_numpy()
    problems.add(lengths > MAX_TEXT, "text", lambda i: f"is {lengths[i]:,} characters; the limit is {MAX_TEXT:,}")
    out["text"] = text

    for name in STR_FIELDS:
        out[name] = _as_str(raw[name]) if name in raw.columns else pd.Series(None, index=raw.index, dtype=object)
    for name in INT_FIELDS:
        out[name] = _parse_ints(raw[name], name, problems) if name in raw.columns else pd.array([None] * n, "Int64")
    out["kind"] = _parse_kind(raw.get("kind"), out["parent_id"], problems)
    out["media"] = _parse_bool(raw["media"], "media", problems) if "media" in raw.columns else pd.array(
        [None] * n, "boolean"
    )
    url = out["url"]
    bad_url = url.notna() & ~url.fillna("").str.match(r"(?i)https?://")
    problems.add(bad_url, "url", lambda i: f"{_quote(url.iat[i])} is not an http(s) link")

    for name in out.columns:
        if out[name].dtype == object:
            has_nul = out[name].map(lambda v: isinstance(v, str) and "\x00" in v).to_numpy(dtype=bool)
            problems.add(has_nul, name, "contains a NUL byte")

    problems.raise_if_any()
    out["extra"] = _extras(raw, [c for c in raw.columns if c not in REQUIRED + STR_FIELDS + INT_FIELDS + ("kind", "media")])
    return out


def _parse_times(values: pd.Series, problems: _Problems) -> pd.Series:
    """ISO 8601 with or without offset (naive means UTC) or Unix seconds → naive UTC timestamps."""
    as_str = _as_str(values)
    blank = as_str.isna().to_numpy()
    problems.add(blank, "created_at", "is empty")
    numeric = as_str.fillna("").str.fullmatch(r"[+-]?\d+(\.\d+)?").to_numpy(dtype=bool)
    result = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us, UTC]")
    if numeric.any():
        seconds = pd.to_numeric(as_str[numeric])
        in_range = (seconds >= 0) & (seconds < 4_102_444_800)  # 1970 .. 2100
        problems.add(
            _expand(numeric, ~in_range.to_numpy()),
            "created_at",
            lambda i: f"{_quote(as_str.iat[i])} is out of range for Unix seconds (1970–2100)",
        )
        ok = seconds.where(in_range)
        result[numeric] = pd.to_datetime(ok, unit="s", utc=True).astype("datetime64[us, UTC]")
    text_mask = ~numeric & ~blank
    if text_mask.any():
        parsed = pd.to_datetime(as_str[text_mask], format="ISO8601", utc=True, errors="coerce")
        result[text_mask] = parsed.astype("datetime64[us, UTC]")
        bad = _expand(text_mask, parsed.isna().to_numpy())
        problems.add(bad, "created_at", lambda i: f"{_quote(as_str.iat[i])} is not a date (ISO 8601 or Unix seconds)")
    return result.dt.tz_convert("UTC").dt.tz_localize(None)


def _expand(where: np.ndarray, sub: np.ndarray) -> np.ndarray:
    """A mask over all rows from a mask over the rows selected by ``where``."""
    full = np.zeros(len(where), dtype=bool)
    full[np.flatnonzero(where)[sub]] = True
    return full


def _parse_ints(values: pd.Series, field: str, problems: _Problems) -> pd.Series:
    """Whole numbers ≥ 0; blank → missing."""
    obj = values.astype(object)
    blank = _blank(obj)
    is_bool = obj.map(lambda v: isinstance(v, bool)).to_numpy(dtype=bool)
    numbers = pd.to_numeric(obj.where(~blank & ~is_bool, None).map(lambda v: v.strip() if isinstance(v, str) else v),
                            errors="coerce")
    not_number = ~blank & (numbers.isna().to_numpy() | is_bool)
    problems.add(not_number, field, lambda i: f"{_quote(obj.iat[i])} is not a whole number")
    finite = numbers.notna().to_numpy()
    arr = numbers.to_numpy(dtype=float, na_value=np.nan)
    fractional = finite & (np.mod(np.nan_to_num(arr), 1) != 0)
    problems.add(fractional, field, lambda i: f"{_quote(obj.iat[i])} is not a whole number")
    negative = finite & (np.nan_to_num(arr) < 0)
    problems.add(negative, field, lambda i: f"{_quote(obj.iat[i])} is negative; counts are ≥ 0")
    too_big = finite & (np.nan_to_num(arr) > _MAX_INT)
    problems.add(too_big, field, lambda i: f"{_quote(obj.iat[i])} is too large")
    ok = finite & ~fractional & ~negative & ~too_big
    out = pd.array([None] * len(values), dtype="Int64")
    if ok.any():
        out[ok] = numbers[ok].astype("int64").to_numpy()
    return out


def _parse_kind(values: pd.Series | None, parents: pd.Series, problems: _Problems) -> pd.Series:
    """post | reply | share | quote; blank → post without a parent, reply with one."""
    default = np.where(parents.notna().to_numpy(), "reply", "post")
    if values is None:
        return pd.Series(default, index=parents.index, dtype=object)
    kind = _as_str(values).str.lower()
    unknown = kind.notna() & ~kind.isin(KINDS)
    problems.add(unknown, "kind", lambda i: f"unknown kind {_quote(values.iat[i])} (post, reply, share or quote)")
    return kind.where(kind.notna(), pd.Series(default, index=parents.index)).astype(object)


def _parse_bool(values: pd.Series, field: str, problems: _Problems):
    obj = values.astype(object)

    def conv(v):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return None
        if isinstance(v, bool):
            return v
        s = str(v).strip().lower()
        if not s:
            return None
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
        return "bad"

    parsed = obj.map(conv)
    bad = parsed.map(lambda v: v == "bad" if isinstance(v, str) else False).to_numpy(dtype=bool)
    problems.add(bad, field, lambda i: f"{_quote(obj.iat[i])} is not true or false")
    return pd.array(parsed.where(~bad, None).tolist(), dtype="boolean")


def _without_lone_surrogates(s: str) -> str:
    """Lone surrogates cannot be stored as UTF-8; each becomes U+FFFD (the rest of the text is kept)."""
    if s.isascii():
        return s
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", s)


def _extras(raw: pd.DataFrame, columns: list[str]) -> pd.Series:
    """JSON text of the values in columns the contract does not name (blank values left out)."""
    if not columns:
        return pd.Series(None, index=raw.index, dtype=object)

    def pack(record: dict):
        kept = {k: _plain(v) for k, v in record.items() if not _is_blank(v)}
        return json.dumps(kept, ensure_ascii=False, default=str) if kept else None

    return pd.Series([pack(r) for r in raw[columns].to_dict("records")], index=raw.index, dtype=object)


def _is_blank(v) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and np.isnan(v):
        return True
    return isinstance(v, str) and not v.strip()


def _plain(v):
    return v.item() if isinstance(v, np.generic) else v
