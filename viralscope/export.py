"""Writing tables to CSV, JSON Lines and XLSX so that they are safe to open.

Mention text is hostile. A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula (CSV injection, OWASP). In CSV such a text cell gets a leading apostrophe,
which spreadsheets show as the start of plain text; in XLSX every text cell is written as a string (never a
formula) and such cells also carry Excel's own quote prefix, so re-saving from Excel keeps them inert.
JSON Lines is data for programs and is written exactly.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from viralscope.core.errors import ViralscopeError
from viralscope.core.times import to_db

FORMATS = ("csv", "jsonl", "xlsx")
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: Excel's sheet limit, less the header row.
XLSX_MAX_ROWS = 1_048_575
#: Rows read to size a column (the widest value among them, up to 60 characters).
XLSX_WIDTH_ROWS = 500


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(_TRIGGERS)


def neutralize(value):
    """The value a spreadsheet shows as text: formula-like strings get a leading apostrophe."""
    return "'" + value if is_formula_like(value) else value


def write_table(df: pd.DataFrame, fmt: str, out: str | Path, *, sheet: str = "data") -> Path:
    """Write ``df`` as ``fmt`` to ``out`` atomically (a temporary file renamed into place)."""
    if fmt not in FORMATS:
        raise ViralscopeError(f"unknown export format {fmt!r} (csv, jsonl or xlsx)")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    try:
        {"csv": _csv, "jsonl": _jsonl, "xlsx": _xlsx}[fmt](df, Path(tmp), sheet)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def write_sheets(tables: dict[str, pd.DataFrame], out: str | Path) -> Path:
    """Several tables into one XLSX workbook, one sheet each (same safety rules)."""
    out = Path(out)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent if out.parent.exists() else None)
    os.close(fd)
    try:
        _xlsx_book(tables, Path(tmp))
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def _text_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c])]


def _csv(df: pd.DataFrame, path: Path, _sheet: str) -> None:
    safe = df.copy()
    for c in _text_columns(safe):
        safe[c] = safe[c].map(neutralize)
    for c in safe.columns:
        if isinstance(safe[c].dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(safe[c]):
            safe[c] = _iso(safe[c])
    # CRLF (RFC 4180): with it, a value holding a lone carriage return is quoted too.
    safe.to_csv(path, index=False, encoding="utf-8", lineterminator="\r\n")


def _iso(series: pd.Series) -> pd.Series:
    if getattr(series.dt, "tz", None) is not None:
        series = to_db(series)
    return series.map(lambda t: None if pd.isna(t) else t.isoformat() + "Z")


def _scalar(value):
    """A plain Python value: None for every kind of missing, numpy scalars unwrapped, times in naive UTC."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp) and value.tzinfo is not None:
        value = pd.Timestamp(to_db(value))
    return value


def _plain(value):
    value = _scalar(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat() + "Z"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _jsonl(df: pd.DataFrame, path: Path, _sheet: str) -> None:
    columns = list(df.columns)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for row in df.itertuples(index=False, name=None):
            fh.write(json.dumps({c: _plain(v) for c, v in zip(columns, row, strict=True)}, ensure_ascii=False))
            fh.write("\n")


def _xlsx(df: pd.DataFrame, path: Path, sheet: str) -> None:
    _xlsx_book({sheet: df}, path)


def _width(df: pd.DataFrame, column, header: str) -> float:
    """Characters of the widest of the header and the first rows' values, between 8 and 60."""
    sample = df[column].head(XLSX_WIDTH_ROWS)
    values = [len(str(_plain_xlsx(v) or "")) for v in sample]
    return float(min(60, max(8, len(header) + 2, *(v + 2 for v in values))))


def _xlsx_book(tables: dict[str, pd.DataFrame], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    for name, df in tables.items():
        if len(df) > XLSX_MAX_ROWS:
            raise ViralscopeError(
                f"{len(df):,} rows do not fit in one XLSX sheet ({XLSX_MAX_ROWS:,} at most); use csv or jsonl"
            )
        ws = book.create_sheet(title=name[:31])
        ws.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for i, c in enumerate(df.columns, start=1):
            name = str(c)
            ws.column_dimensions[get_column_letter(i)].width = _width(df, c, name)
            cell = WriteOnlyCell(ws, value=name)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in df.itertuples(index=False, name=None):
            ws.append([_xlsx_cell(ws, WriteOnlyCell, v) for v in row])
    book.save(path)


def _xlsx_cell(ws, cell_type, value):
    value = _plain_xlsx(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)  # control characters are not allowed in XML
        cell = cell_type(ws)
        # Assigning a str that starts with "=" makes openpyxl write a formula; set the string directly.
        cell._value = value
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True
        return cell
    cell = cell_type(ws, value=value)
    if isinstance(value, pd.Timestamp | np.datetime64) or hasattr(value, "isoformat"):
        cell.number_format = "yyyy-mm-dd hh:mm:ss" if hasattr(value, "hour") else "yyyy-mm-dd"
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int):
        cell.number_format = "#,##0"
    elif isinstance(value, float):
        cell.number_format = "#,##0.00" if abs(value) >= 1 or value == 0 else "0.000"
    return cell


def _plain_xlsx(value):
    value = _scalar(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value
