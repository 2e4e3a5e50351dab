"""Reading mentions in the contract on Spark: every row checked by ``contract.normalize``, bad rows set aside.

The local import refuses a whole file for one bad row (all or nothing). A distributed job over a billion rows
cannot; here every row that breaks the contract goes to ``rejected/`` with its file, line and the reason the
local import would have given, and the rest goes on. Rows are checked by the same function the local import
uses, in pandas UDFs over Arrow batches: a batch that fails is checked again without the rows the error named
(``InputError`` carries each problem's line), so a good row is never rejected for a neighbour's fault.

Line numbers need care on Spark: a file is split into blocks read by different tasks. Each row gets its
file (``input_file_name``), its block's start offset and a partition-local counter; one small aggregate per
block (as many rows as there are blocks, not rows) turns them into lines counted from the top of the file.
Parquet rows are numbered the same way (``line`` is then the row's position in its file, from 1).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
import pandas as pd

from viralscope import readers
from viralscope.core import contract
from viralscope.core.errors import InputError, ViralscopeError
from viralscope.spark.frames import for_arrow

FORMATS = ("jsonl", "csv", "parquet")
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".parquet": "parquet"}
_COMPRESSED = (".gz", ".bz2", ".zst", ".snappy", ".lz4", ".deflate", ".xz")

#: Clean mentions and rejected rows, side by side: ``reason`` is null on a clean row.
ROW_SCHEMA = (
    "file string, line long, source string, id string, created_at timestamp_ntz, text string, author_id string, "
    "author_name string, author_followers long, parent_id string, kind string, url string, lang string, "
    "likes long, shares long, replies long, media boolean, brand string, extra string, reason string, raw string"
)
_CLEAN = ["source", "id", "created_at", "text", "author_id", "author_name", "author_followers", "parent_id", "kind",
          "url", "lang", "likes", "shares", "replies", "media", "brand", "extra"]


def detect_format(path: str, fmt: str | None, names: list[str]) -> str:
    """The input format: ``fmt`` if given, else from the suffix of the path or of the files it names."""
    if fmt:
        if fmt not in FORMATS:
            raise ViralscopeError(f"{path}: unknown format {fmt!r} (jsonl, csv or parquet)")
        return fmt
    found = set()
    for name in names or [path]:
        stem = name.lower()
        for suffix in _COMPRESSED:
            stem = stem.removesuffix(suffix)
        for suffix, kind in _SUFFIXES.items():
            if stem.endswith(suffix):
                found.add(kind)
    if len(found) != 1:
        what = "files of several formats" if found else "no file with a known suffix"
        raise ViralscopeError(f"{path}: {what}; give --format jsonl, csv or parquet")
    return found.pop()


# -- checking rows -------------------------------------------------------------------------------------------


def check_rows(raw: pd.DataFrame, file: str, lines: np.ndarray) -> tuple[pd.DataFrame, dict[int, list[str]]]:
    """Rows of one file through ``contract.normalize``: the clean rows (with ``line``) and why each other failed.

    ``InputError`` names the line of every problem (the first ``contract.KEEP_PROBLEMS`` of each check); those
    rows are set aside and the rest checked again, which ends because every round removes at least one row. A
    problem without a row's line (a required column missing from the file) rejects every row.
    """
    lines = np.asarray(lines, dtype=np.int64)
    keep = np.ones(len(raw), dtype=bool)
    reasons: dict[int, list[str]] = {}
    position = {int(line): i for i, line in enumerate(lines)}
    while keep.any():
        try:
            clean = contract.normalize(raw[keep].copy(), file=file, lines=lines[keep])
        except InputError as exc:
            named = [p for p in exc.problems if p.line in position and keep[position[p.line]]]
            if not named:  # about the file, not a row: nothing of it can be read
                why = "; ".join(_why(p) for p in exc.problems)
                for line in lines[keep].tolist():
                    reasons.setdefault(line, []).append(why)
                keep[:] = False
                break
            for p in named:
                reasons.setdefault(p.line, []).append(_why(p))
            keep[[position[p.line] for p in named]] = False
            continue
        clean.insert(0, "line", lines[keep])
        return clean, reasons
    return pd.DataFrame(columns=["line", *_CLEAN]), reasons


def _why(problem) -> str:
    return f"{problem.field}: {problem.why}" if problem.field else problem.why


def _frame(file: str, clean: pd.DataFrame, reasons: dict[int, list[str]], raw_text: dict[int, str]) -> pd.DataFrame:
    """Clean rows and rejected rows of one file in :data:`ROW_SCHEMA`'s columns."""
    good = clean.assign(file=file, reason=None, raw=None)
    bad = pd.DataFrame({
        "file": file,
        "line": np.fromiter(reasons, dtype=np.int64, count=len(reasons)),
        "reason": ["; ".join(r) for r in reasons.values()],
        "raw": [raw_text.get(line) for line in reasons],
    })
    columns = ["file", "line", *_CLEAN, "reason", "raw"]
    parts = [p.reindex(columns=columns) for p in (good, bad) if len(p)]
    if not parts:
        return pd.DataFrame(columns=columns)  # no rows: nothing for Arrow to trip on
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    for name in ("author_followers", "likes", "shares", "replies"):
        out[name] = pd.array(out[name], dtype="Int64")
    out["media"] = pd.array(out["media"], dtype="boolean")
    out["created_at"] = pd.to_datetime(out["created_at"]).astype("datetime64[us]")
    return for_arrow(out)


# -- JSON Lines ----------------------------------------------------------------------------------------------


def decode_line(text: str) -> tuple[dict | None, str | None]:
    """One JSON Lines record, or why it is not one (the wording of the local reader's)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        ends_early = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        why = f"is truncated ({exc.msg.lower()})" if ends_early else f"not valid JSON: {exc.msg}"
        return None, f"{why} at column {exc.colno}"
    if not isinstance(value, dict):
        return None, f"is a JSON {type(value).__name__}, not an object"
    return value, None


def jsonl_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """``mapInPandas`` over numbered text lines (``file``, ``line``, ``value``): decode, check, set aside."""
    for batch in batches:
        for file, rows in batch.groupby("file", sort=False):
            records, lines, reasons, raw_text = [], [], {}, {}
            for line, text in zip(rows["line"].tolist(), rows["value"].tolist(), strict=True):
                text = text.rstrip("\r")
                if line == 1:
                    text = text.removeprefix("\ufeff")
                if not text.strip():
                    continue
                raw_text[line] = text
                value, why = decode_line(text)
                if why is None:
                    records.append(value)
                    lines.append(line)
                else:
                    reasons[line] = [why]
            # Object columns, as the local exact reader builds them: whole numbers stay exact.
            raw = pd.DataFrame(records, dtype=object) if records else pd.DataFrame()
            clean, found = check_rows(raw, file, np.asarray(lines)) if records else (pd.DataFrame(), {})
            reasons.update(found)
            yield _frame(file, clean, reasons, raw_text)


# -- CSV -----------------------------------------------------------------------------------------------------


def csv_rows(name: str, text: str) -> tuple[pd.DataFrame, np.ndarray, dict[int, list[str]], dict[int, str]]:
    """Rows of a CSV file read by ``readers``, and the rows it refused with its reasons.

    The local reader refuses a whole file and names the lines at fault; here those lines are taken out and
    the rest read again (each round takes out at least one), so its parser and wording apply unchanged. A
    quote that never closes takes everything from its line on.
    """
    lines = text.split("\n")
    original = np.arange(1, len(lines) + 1)  # the file's line number of each line still in ``lines``
    reasons: dict[int, list[str]] = {}
    raw_text: dict[int, str] = {}
    while True:
        try:
            raw, found = readers.read_csv_text(name, "\n".join(lines))
            return raw, original[np.asarray(found, dtype=np.int64) - 1], reasons, raw_text
        except InputError as exc:
            drop: set[int] = set()
            for problem in exc.problems:
                if problem.line is None or problem.line == 1 or problem.line > len(lines):
                    reasons.setdefault(int(original[0]), []).append(f"{_why(problem)}; the file is unread")
                    return pd.DataFrame(), np.zeros(0, np.int64), reasons, raw_text
                at = problem.line - 1
                line = int(original[at])
                unread = "never closed" in problem.why
                reasons.setdefault(line, []).append(_why(problem) + ("; the rest of the file is unread" if unread else ""))
                raw_text[line] = lines[at]
                drop.update(range(at, len(lines)) if unread else [at])
            keep = np.setdiff1d(np.arange(len(lines)), np.fromiter(drop, dtype=np.int64))
            lines = [lines[i] for i in keep]
            original = original[keep]


def csv_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """``mapInPandas`` over whole CSV files (``file``, ``content``): a multi-line value cannot be split."""
    for batch in batches:
        for file, content in zip(batch["file"].tolist(), batch["content"].tolist(), strict=True):
            data = bytes(content)
            try:
                text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
            except UnicodeDecodeError as exc:
                line = data[: exc.start].count(b"\n") + 1
                yield _frame(file, pd.DataFrame(), {line: ["is not valid UTF-8; the file is unread"]}, {})
                continue
            raw, lines, reasons, raw_text = csv_rows(file, text)
            clean, found = check_rows(raw, file, lines) if len(raw) else (pd.DataFrame(), {})
            reasons.update(found)
            yield _frame(file, clean, reasons, raw_text)


# -- Parquet -------------------------------------------------------------------------------------------------


def parquet_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """``mapInPandas`` over numbered Parquet rows: the typed columns go through the contract as they are."""
    for batch in batches:
        for file, rows in batch.groupby("file", sort=False):
            lines = rows["line"].to_numpy(dtype=np.int64)
            raw = rows.drop(columns=["file", "line"]).reset_index(drop=True)
            clean, reasons = check_rows(raw, file, lines)
            bad = raw.iloc[[int(np.flatnonzero(lines == line)[0]) for line in reasons]] if reasons else raw.iloc[:0]
            raw_text = {int(line): json.dumps(rec, ensure_ascii=False, default=str)
                        for line, rec in zip(reasons, bad.to_dict("records"), strict=True)}
            yield _frame(file, clean, reasons, raw_text)
