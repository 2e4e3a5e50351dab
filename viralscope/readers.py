"""Reading CSV and JSON Lines files into raw rows, with the line every row starts on.

Only the shape of the file is checked here (encoding, NUL bytes, quotes, field counts, JSON syntax); what
the values mean is checked by ``contract.normalize``. UTF-8 with or without a byte-order mark, LF or CRLF.
"""

from __future__ import annotations

import bisect
import csv
import io
import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson

from viralscope.core.errors import InputError, Problem

FORMATS = ("csv", "jsonl")
_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
_BAD_BYTE = re.compile("[\udc80-\udcff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
#: Columns the contract reads as text: JSON strings, read as such by Arrow (not as inferred timestamps).
_TEXT_COLUMNS = ("id", "source", "created_at", "text", "author_id", "author_name", "parent_id", "kind", "url",
                 "lang", "brand")

csv.field_size_limit(sys.maxsize)  # long fields are judged by the contract (MAX_TEXT), not by csv


def detect_format(path: Path, text_start: str, fmt: str | None) -> str:
    if fmt:
        if fmt not in FORMATS:
            raise InputError(Problem(str(path), None, None, f"unknown format {fmt!r} (csv or jsonl)"))
        return fmt
    if path.suffix.lower() in _SUFFIXES:
        return _SUFFIXES[path.suffix.lower()]
    return "jsonl" if text_start.lstrip().startswith("{") else "csv"


def read_rows(path: str | Path, fmt: str | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Raw rows of a CSV or JSON Lines file and the line each row starts on.

    Raises ``InputError`` naming file, line and field for a file that cannot be read as rows.
    Returns an empty frame (with the header's columns, for CSV) when the file has a header and no rows.
    """
    path = Path(path)
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(Problem(name, None, None, f"cannot read: {exc.strerror or exc}")) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(Problem(name, 1, None, "is UTF-16; save it as UTF-8"))
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw.strip():
        raise InputError(Problem(name, None, None, "is empty (no header and no rows)"))
    try:
        text = raw.decode("utf-8")
        clean = b"\x00" not in raw
    except UnicodeDecodeError:
        text, clean = raw.decode("utf-8", errors="surrogateescape"), False
    fmt = detect_format(path, text[:100], fmt)
    if not clean:
        _check_bytes(name, text, fmt)
    return read_csv_text(name, text) if fmt == "csv" else _read_jsonl(name, text)


def _physical_lines(text: str) -> int:
    """Lines in ``text``, a last line without its line break included."""
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _check_bytes(name: str, text: str, fmt: str) -> None:
    """Invalid UTF-8 and NUL bytes, reported with their line and (for CSV) field."""
    bad = [(m.start(), "is not valid UTF-8") for m in _BAD_BYTE.finditer(text)]
    bad += [(m.start(), "contains a NUL byte") for m in re.finditer("\x00", text)]
    if not bad:
        return
    starts = _line_starts(text)
    header = _csv_header(text) if fmt == "csv" else None
    problems, seen = [], set()
    for offset, why in sorted(bad):
        line = bisect.bisect_right(starts, offset)
        if (line, why) in seen:
            continue
        seen.add((line, why))
        field = _field_at(text, starts[line - 1], offset, header) if header else None
        problems.append(Problem(name, line, field, why))
    raise InputError(problems[:50], total=len(problems))


def _csv_header(text: str) -> list[str]:
    first = text.split("\n", 1)[0].replace("\x00", "")
    try:
        return [c.strip() for c in next(csv.reader([first]))]
    except (StopIteration, csv.Error):
        return []


def _field_at(text: str, line_start: int, offset: int, header: list[str]) -> str | None:
    """The header name of the CSV field holding ``offset`` on a one-line record (best effort)."""
    prefix = text[line_start:offset].replace("\x00", "")
    try:
        parts = next(csv.reader([prefix]), [""])
    except csv.Error:
        return None
    position = len(parts) - 1
    return header[position] if 0 <= position < len(header) else None


def read_csv_text(name: str, text: str) -> tuple[pd.DataFrame, np.ndarray]:
    fast = _read_csv_fast(text)
    return fast if fast is not None else _read_csv_exact(name, text)


def _read_csv_fast(text: str) -> tuple[pd.DataFrame, np.ndarray] | None:
    """Arrow's multi-threaded parser, when it accepts the file and every row's line can be derived.

    Returns None (and the exact, slower reader takes over, with its precise error messages) when Arrow
    rejects the file or when blank lines make the line numbers uncertain.
    """
    header = _csv_header(text)
    if not header or len(set(header)) != len(header) or "" in header:
        return None
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    # Each row starts one line after the previous one ends; values may hold line breaks of their own.
    breaks = np.zeros(table.num_rows, dtype=np.int64)
    for column in table.columns:
        breaks += pc.count_substring(column, "\n").to_numpy(zero_copy_only=False).astype(np.int64)
    lines = 2 + np.concatenate([[0], np.cumsum(breaks + 1)[:-1]]) if table.num_rows else np.zeros(0, np.int64)
    if _physical_lines(text) != 1 + table.num_rows + int(breaks.sum()):
        return None  # blank lines or a header spanning lines: let the exact reader count
    frame = table.to_pandas()
    frame.columns = [c.strip() for c in header]
    return frame, lines


def _read_csv_exact(name: str, text: str) -> tuple[pd.DataFrame, np.ndarray]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [c.strip() for c in next(reader)]
    except csv.Error as exc:
        raise InputError(Problem(name, 1, None, f"header is not valid CSV: {exc}")) from None
    if len(set(header)) != len(header) or "" in header:
        dupes = sorted({c for c in header if header.count(c) > 1 or not c})
        raise InputError(Problem(name, 1, None, f"header has blank or repeated column names: {dupes}"))
    width = len(header)
    rows, lines, problems = [], [], []
    previous_end = reader.line_num
    while True:
        start = previous_end + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(_quote_problem(name, text, start, header, exc))
            break  # the parser cannot find where the next row starts
        previous_end = reader.line_num
        if not row:  # a blank line
            continue
        if len(row) != width:
            missing = header[len(row)] if len(row) < width else None
            why = (
                f"has {len(row)} fields, the header has {width}"
                + (f" (no value for {missing})" if missing else " (a comma inside an unquoted value?)")
            )
            problems.append(Problem(name, start, missing, why))
            continue
        rows.append(row)
        lines.append(start)
    if problems:
        raise InputError(problems[:50], total=len(problems))
    frame = pd.DataFrame(rows, columns=header, dtype=object) if rows else pd.DataFrame(columns=header, dtype=object)
    return frame, np.asarray(lines, dtype=np.int64)


def _quote_problem(name: str, text: str, start: int, header: list[str], exc: csv.Error) -> Problem:
    starts = _line_starts(text)
    line_text = text[starts[start - 1] : starts[start] if start < len(starts) else len(text)]
    try:
        parts = next(csv.reader([line_text.rstrip("\r\n")]), [])
    except csv.Error:
        parts = []
    field = header[len(parts) - 1] if 0 < len(parts) <= len(header) else None
    message = str(exc)
    if "end of data" in message or "EOF" in message:
        why = "a quoted value is never closed (unbalanced quotes)"
    else:
        why = f"not valid CSV: {message}"
    return Problem(name, start, field, why)


def _read_jsonl(name: str, text: str) -> tuple[pd.DataFrame, np.ndarray]:
    fast = _read_jsonl_fast(text)
    return fast if fast is not None else _read_jsonl_exact(name, text)


def _read_jsonl_fast(text: str) -> tuple[pd.DataFrame, np.ndarray] | None:
    """Arrow's multi-threaded JSON reader, when it reads the file exactly as Python's ``json`` would.

    Returns None (and the exact reader takes over, with its precise error messages) when Arrow rejects the
    file, when a value could come out differently (surrogate escapes, fractional or nested values, a
    timestamp Arrow would infer, a text column that is not text), or when blank lines make the line numbers
    uncertain.
    """
    if _SURROGATE_ESCAPE.search(text):
        return None
    present = [c for c in _TEXT_COLUMNS if f'"{c}"' in text]
    try:
        table = pajson.read_json(
            io.BytesIO(text.encode("utf-8")),
            parse_options=pajson.ParseOptions(
                explicit_schema=pa.schema([(c, pa.string()) for c in present]), unexpected_field_behavior="infer"
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if table.num_rows == 0 or _physical_lines(text) != table.num_rows:
        return None
    columns = {}
    for field, column in zip(table.schema, table.columns, strict=True):
        kind = field.type
        if pa.types.is_string(kind):
            if field.name in present and column.null_count == table.num_rows:
                return None  # the name only appeared inside a value: let the exact reader decide
            columns[field.name] = column.to_pandas()
        elif pa.types.is_integer(kind) or pa.types.is_boolean(kind) or pa.types.is_null(kind):
            columns[field.name] = pd.Series(column.to_pylist(), dtype=object)
        else:
            return None
    return pd.DataFrame(columns), np.arange(1, table.num_rows + 1, dtype=np.int64)


def _read_jsonl_exact(name: str, text: str) -> tuple[pd.DataFrame, np.ndarray]:
    records, lines, problems = [], [], []
    decode = json.JSONDecoder().decode
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        try:
            value = decode(line)
        except json.JSONDecodeError as exc:
            ends_early = exc.pos >= len(line.rstrip()) or exc.msg.startswith("Unterminated string")
            why = f"is truncated ({exc.msg.lower()})" if ends_early else f"not valid JSON: {exc.msg}"
            problems.append(Problem(name, number, None, f"{why} at column {exc.colno}"))
            continue
        if not isinstance(value, dict):
            problems.append(Problem(name, number, None, f"is a JSON {type(value).__name__}, not an object"))
            continue
        records.append(value)
        lines.append(number)
    if problems:
        raise InputError(problems[:50], total=len(problems))
    # Object columns from the start: a column with missing keys would otherwise turn its whole numbers into
    # floats (a 19-digit id rounded, -1 quoted back as -1.0).
    frame = pd.DataFrame(records, dtype=object) if records else pd.DataFrame()
    return frame, np.asarray(lines, dtype=np.int64)
