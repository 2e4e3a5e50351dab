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

from viralscope.core.errors import InputError, Problem

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


def text_of(series: pd.Series, *, strip: bool = True) -> pd.Series:
    """Text values as a string column (numbers from JSON become their decimal text: 123 → "123");
    blank → missing. Whole-column string operations when every value is already text (CSV)."""
    obj = series.astype(object) if series.dtype != "str" else series
    if series.dtype == "str" or pd.api.types.infer_dtype(obj, skipna=True) in ("string", "empty"):
        try:
            text = pd.Series(obj, dtype="str", index=series.index)
        except UnicodeEncodeError:  # lone surrogates (from JSON escapes): go value by value
            text = None
        if text is not None:
            text = text.str.strip() if strip else text
            return text.mask(text == "")
    return pd.Series(obj.map(lambda v: _one_str(v, strip)).tolist(), dtype="str", index=series.index)


def _one_str(v, strip: bool):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = v if isinstance(v, str) else (json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else str(v))
    s = s.strip() if strip else s
    return _without_lone_surrogates(s) if s else None


def _isin(series: pd.Series, values) -> np.ndarray:
    """``series.isin(values)`` through the distinct values (pandas' isin on Arrow strings goes row by row)."""
    codes, uniques = pd.factorize(series)
    hit = np.append(np.isin(np.asarray(uniques, dtype=object), list(values)), False)
    return hit[codes]  # code -1 (missing) picks the appended False


def quote_value(value, limit: int = 40) -> str:
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
    ids = text_of(raw["id"])
    problems.add(ids.isna(), "id", "is empty")
    out["id"] = ids

    if "source" in raw.columns:
        src = text_of(raw["source"])
        if source:
            src = src.fillna(source)
    else:
        src = pd.Series(source, index=raw.index, dtype="str")
    problems.add(src.isna(), "source", "is empty (give a source column or --source)")
    out["source"] = src

    out["created_at"] = _parse_times(raw["created_at"], problems)

    text = raw["text"].astype(object)
    problems.add(text.isna().to_numpy(), "text", "is missing")
    text = text_of(text, strip=False).fillna("")
    lengths = text.str.len().to_numpy()
    problems.add(lengths > MAX_TEXT, "text", lambda i: f"is {lengths[i]:,} characters; the limit is {MAX_TEXT:,}")
    out["text"] = text

    for name in STR_FIELDS:
        out[name] = text_of(raw[name]) if name in raw.columns else pd.Series(pd.NA, index=raw.index, dtype="str")
    for name in INT_FIELDS:
        out[name] = parse_ints(raw[name], name, problems) if name in raw.columns else pd.array([None] * n, "Int64")
    out["kind"] = _parse_kind(raw.get("kind"), out["parent_id"], problems)
    out["media"] = _parse_bool(raw["media"], "media", problems) if "media" in raw.columns else pd.array(
        [None] * n, "boolean"
    )
    url = out["url"]
    bad_url = url.notna() & ~url.fillna("").str.match(r"(?i)https?://")
    problems.add(bad_url, "url", lambda i: f"{quote_value(url.iat[i])} is not an http(s) link")

    for name in ("id", "source", "text", *STR_FIELDS):
        has_nul = out[name].str.contains("\x00", regex=False).fillna(False).to_numpy(dtype=bool)
        problems.add(has_nul, name, "contains a NUL byte")

    problems.raise_if_any()
    out["extra"] = _extras(raw, [c for c in raw.columns if c not in REQUIRED + STR_FIELDS + INT_FIELDS + ("kind", "media")])
    return out


def _parse_times(values: pd.Series, problems: _Problems) -> pd.Series:
    """ISO 8601 with or without offset (naive means UTC) or Unix seconds → naive UTC timestamps."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):  # already times (from code, not a file)
        times = values.dt.tz_convert("UTC").dt.tz_localize(None) if values.dt.tz is not None else values
        problems.add(times.isna().to_numpy(), "created_at", "is empty")
        return times.astype("datetime64[us]")
    as_str = text_of(values)
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
            lambda i: f"{quote_value(as_str.iat[i])} is out of range for Unix seconds (1970–2100)",
        )
        ok = seconds.where(in_range)
        result[numeric] = pd.to_datetime(ok, unit="s", utc=True).astype("datetime64[us, UTC]")
    text_mask = ~numeric & ~blank
    if text_mask.any():
        parsed = pd.to_datetime(as_str[text_mask], format="ISO8601", utc=True, errors="coerce")
        result[text_mask] = parsed.astype("datetime64[us, UTC]")
        bad = _expand(text_mask, parsed.isna().to_numpy())
        problems.add(bad, "created_at", lambda i: f"{quote_value(as_str.iat[i])} is not a date (ISO 8601 or Unix seconds)")
    return result.dt.tz_convert("UTC").dt.tz_localize(None)


def _expand(where: np.ndarray, sub: np.ndarray) -> np.ndarray:
    """A mask over all rows from a mask over the rows selected by ``where``."""
    full = np.zeros(len(where), dtype=bool)
    full[np.flatnonzero(where)[sub]] = True
    return full


def parse_ints(values: pd.Series, field: str, problems: _Problems) -> pd.Series:
    """Whole numbers ≥ 0; blank → missing. Plain digits are converted column-wise; anything else
    (JSON numbers, "3.0", "-2", "many") value by value, which is where the problems are found."""
    n = len(values)
    out = np.zeros(n, dtype=np.int64)
    valid = np.zeros(n, dtype=bool)
    if values.dtype == "str":
        text = values.str.strip()
        fast = text.str.fullmatch(r"\+?\d{1,18}").fillna(False).to_numpy(dtype=bool)
        if fast.any():
            out[fast] = text[fast].astype("int64").to_numpy()
            valid |= fast
        blank = (text.isna() | (text == "")).to_numpy(dtype=bool)
        slow = np.flatnonzero(~fast & ~blank)
        obj = values
    else:
        obj = values.astype(object)
        if pd.api.types.infer_dtype(obj, skipna=True) == "integer":
            present = obj.notna().to_numpy()
            out[present] = obj[present].astype(np.int64).to_numpy()
            valid = present.copy()
            slow = np.flatnonzero(present & (out < 0))
        else:
            slow = np.flatnonzero(~obj.map(_is_blank).to_numpy(dtype=bool))
    reasons = {}
    for pos in slow:
        value, why = _one_int(obj.iat[pos])
        if why is None:
            out[pos], valid[pos] = value, True
        else:
            valid[pos] = False
            reasons[pos] = why
    bad = np.zeros(n, dtype=bool)
    bad[list(reasons)] = True
    problems.add(bad, field, lambda i: f"{quote_value(obj.iat[i])} {reasons[i]}")
    result = pd.array(out, dtype="Int64")
    result[~valid] = pd.NA
    return result


def _one_int(value) -> tuple[int | None, str | None]:
    if isinstance(value, bool):
        return None, "is not a whole number"
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        return None, "is not a whole number"
    if not np.isfinite(number) or not number.is_integer():
        return None, "is not a whole number"
    if number < 0:
        return None, "is negative; counts are ≥ 0"
    if number > _MAX_INT:
        return None, "is too large"
    return int(number), None


def _parse_kind(values: pd.Series | None, parents: pd.Series, problems: _Problems) -> pd.Series:
    """post | reply | share | quote; blank → post without a parent, reply with one."""
    default = np.where(parents.notna().to_numpy(), "reply", "post")
    if values is None:
        return pd.Series(default, index=parents.index, dtype=object)
    kind = text_of(values).str.lower()
    unknown = kind.notna().to_numpy() & ~_isin(kind, KINDS)
    problems.add(unknown, "kind", lambda i: f"unknown kind {quote_value(values.iat[i])} (post, reply, share or quote)")
    return kind.where(kind.notna(), pd.Series(default, index=parents.index)).astype(object)


def _parse_bool(values: pd.Series, field: str, problems: _Problems):
    """true/false, yes/no, 1/0 (any case) or JSON booleans; blank → missing."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return pd.array(values, dtype="boolean")
    obj = values.astype(object)
    text = text_of(obj).str.lower()
    true, false = _isin(text, _TRUE), _isin(text, _FALSE)
    bad = text.notna().to_numpy() & ~true & ~false
    problems.add(bad, field, lambda i: f"{quote_value(obj.iat[i])} is not true or false")
    out = pd.array(true, dtype="boolean")
    out[~true & ~false] = pd.NA
    return out


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
    """JSON text of the values in columns the contract does not name (blank values left out).

    Each distinct value is encoded once and rows are assembled from the encoded pieces, which keeps a
    million rows with a few extra columns to a fraction of a second.
    """
    if not columns:
        return pd.Series(pd.NA, index=raw.index, dtype="str")
    pieces = []
    for name in columns:
        column = raw[name].astype(object)
        try:
            codes, uniques = pd.factorize(column, use_na_sentinel=True)
        except TypeError:  # nested JSON objects and arrays are not hashable: encode each row
            codes, uniques = np.arange(len(column)), column.tolist()
        key = json.dumps(str(name), ensure_ascii=False) + ": "
        encoded = np.array(
            ["" if _is_blank(v) else key + json.dumps(_plain(v), ensure_ascii=False, default=str) for v in uniques]
            + [""],
            dtype=object,
        )
        pieces.append(encoded[codes])
    packed = ["{" + ", ".join(p for p in row if p) + "}" for row in zip(*pieces, strict=True)]
    return pd.Series(packed, index=raw.index, dtype="str").mask(lambda s: s == "{}")


def _is_blank(v) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and np.isnan(v):
        return True
    return isinstance(v, str) and not v.strip()


def _plain(v):
    return v.item() if isinstance(v, np.generic) else v
