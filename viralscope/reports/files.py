"""Writing a built report to a file: HTML, XLSX (one sheet per table), CSV (a zip of one file per table), PDF.

Every file is written under a temporary name and renamed into place, so a failed render never leaves half
a report where the last good one was.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

from viralscope import export as exporting
from viralscope import kpi_registry
from viralscope.core.errors import ViralscopeError
from viralscope.reports import text
from viralscope.reports.build import WeeklyReport
from viralscope.reports.html import WORDS, kpi_display, order_counts, render_html

__all__ = ["FORMATS", "MIME", "pdf_available", "pdf_bytes", "readable_tables", "render", "to_bytes"]

FORMATS = ("html", "xlsx", "csv", "pdf")
#: File suffix and media type of each format (the CSV format is a zip of CSV files).
MIME = {"html": (".html", "text/html"),
        "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "csv": (".zip", "application/zip"), "pdf": (".pdf", "application/pdf")}
#: Entries of the CSV zip carry this time, so the same report zips to the same bytes.
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def _atomic(out: Path, write) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def flat(v):
    """A cell without JSON: a dict as ``a: 1; b: 2``, a list as ``a; b``; a JSON text of either the same."""
    if isinstance(v, str) and v[:1] in "{[":
        try:
            v = json.loads(v)
        except ValueError:
            return v
    if isinstance(v, dict):
        return "; ".join(f"{k}: {flat(x)}" for k, x in v.items())
    if isinstance(v, list | tuple):
        return "; ".join(str(flat(x)) for x in v)
    return v


def _share_orders(v, lang: str):
    """``{"1": 5, "2": 9}`` as ``order 1: 5; order 2: 9`` (``1차: 5; 2차: 9``)."""
    items = order_counts(v)
    if items is None:
        return flat(v)
    return "; ".join((f"{d}차: {n}" if lang == "ko" else f"order {d}: {n}") for d, n in items)


def _kpis_readable(report: WeeklyReport, df: pd.DataFrame) -> pd.DataFrame:
    """The KPI table in the report's language: names, what is shown, why n/a, n and definitions."""
    lang, k = report.lang, report.kpis["kpis"]
    df = df.copy()
    df["label"] = [kpi_registry.label(key, lang) if key in kpi_registry.REGISTRY else lab
                   for key, lab in zip(df["key"], df["label"], strict=True)]
    df["display"] = [kpi_display(k[key], lang) for key in df["key"]]
    df["reason"] = [kpi_registry.reason(k[key], lang) if k[key]["status"] != "ok" else None for key in df["key"]]
    df["n"] = [kpi_registry.n_text(k[key]["n"], lang, na="n/a") for key in df["key"]]
    if lang != "en":
        df["definition"] = [kpi_registry.definition(key, lang) if key in kpi_registry.REGISTRY else d
                            for key, d in zip(df["key"], df["definition"], strict=True)]
    return df


def readable_tables(report: WeeklyReport) -> dict[str, pd.DataFrame]:
    """The tables as the XLSX shows them, in the report's language: readable sheet and column names, words
    translated, no JSON in a cell (dicts and lists flattened to ``a: 1; b: 2`` text); numbers stay numbers."""
    lang = report.lang
    about = text.ABOUT if lang == "ko" else text.ABOUT_EN
    out = {}
    for name, df in report.all_tables().items():
        df = df.copy()
        if name == "summary":
            df = df.drop(columns=["kpi"])
        elif name == "about":
            df["field"] = df["field"].map(lambda f: about.get(f) or (
                f"{text.header('status', lang)}: {text.section_title(f[8:], lang)}" if f.startswith("section_") else f))
            df["value"] = df["value"].map(lambda v: text.say(v, lang) if isinstance(v, str) else v)
        elif name == "kpis":
            df = _kpis_readable(report, df)
        elif name == "trigger_traits":
            df["description"] = [text.trait_description(tr, d, lang)
                                 for tr, d in zip(df["trait"], df["description"], strict=True)]
        elif name == "trigger_model":
            df["message"] = df["message"].map(lambda v: text.say(v, lang) if isinstance(v, str) else v)
        for column in df.columns:
            if column == "depth_counts":
                df[column] = df[column].map(lambda v: _share_orders(v, lang))
            elif df[column].dtype == object:
                df[column] = df[column].map(flat)
            if column in WORDS or column == "status":
                df[column] = df[column].map(lambda v: text.value(v, lang))
        df.columns = [text.header(str(c), lang) for c in df.columns]
        out[text.sheet_name(name, lang)] = df
    return out


#: Columns the CSV leaves out: the KPIs' printed text ("+8.0% (95% CI -31.7% to +70.8%)"). A CSV cell has no
#: type, so a text we formatted that starts with a sign would need the formula guard's apostrophe, which a
#: spreadsheet shows; the CSV carries those numbers as numbers instead (value, ci_low, ci_high, unit). The HTML,
#: PDF and XLSX keep the printed text.
CSV_LEAVES_OUT = {"kpis": ("display",)}


def _csv_zip(report: WeeklyReport, path: Path) -> None:
    """One CSV per table (formula-neutralised by ``export.write_table``), in report order."""
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, df in report.all_tables().items():
            df = df.drop(columns=list(CSV_LEAVES_OUT.get(name, ())), errors="ignore")
            one = exporting.write_table(df, "csv", Path(tmp) / f"{name}.csv")
            info = zipfile.ZipInfo(f"{report.week}/{name}.csv", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, one.read_bytes())


def _deny(url: str, *args, **kwargs):
    """WeasyPrint's URL fetcher: the report references nothing, and nothing may be fetched."""
    raise ValueError(f"the report fetches no resource ({url[:40]!r} refused)")


def pdf_available() -> bool:
    """True when WeasyPrint and the Pango library it needs can be loaded here."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def pdf_bytes(html: str) -> bytes:
    """The HTML report printed to PDF by WeasyPrint (its print stylesheet: A4 landscape, page numbers)."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the Pango library is missing
        raise ViralscopeError(
            "PDF needs WeasyPrint and the Pango library (Debian/Ubuntu: apt install libpango-1.0-0 "
            f"libpangoft2-1.0-0; macOS: brew install pango); use --format html and print it instead ({exc})"
        ) from None
    return weasyprint.HTML(string=html, url_fetcher=_deny).write_pdf()


def render(report: WeeklyReport, fmt: str, out: str | os.PathLike) -> Path:
    """Write ``report`` as ``fmt`` (html, xlsx, csv or pdf) to ``out``; returns the path written (for csv,
    a zip of one CSV per table, ``out`` with the suffix ``.zip``)."""
    out = Path(out)
    if fmt == "html":
        text = render_html(report)
        return _atomic(out, lambda p: p.write_text(text, encoding="utf-8"))
    if fmt == "xlsx":
        out.parent.mkdir(parents=True, exist_ok=True)
        return exporting.write_sheets(readable_tables(report), out)
    if fmt == "csv":
        # A zip of one CSV per table, and named so: "week.csv" becomes "week.zip" (the path returned says so).
        out = out if out.suffix.lower() == ".zip" else out.with_suffix(".zip")
        return _atomic(out, lambda p: _csv_zip(report, p))
    if fmt == "pdf":
        data = pdf_bytes(render_html(report))
        return _atomic(out, lambda p: p.write_bytes(data))
    raise ViralscopeError(f"unknown report format {fmt!r} ({', '.join(FORMATS)})")


def to_bytes(report: WeeklyReport, fmt: str) -> bytes:
    """The file ``render`` would write, as bytes (for a download)."""
    with tempfile.TemporaryDirectory() as tmp:
        return render(report, fmt, Path(tmp) / f"report{MIME[fmt][0]}").read_bytes()
