"""The weekly report: built once as data (``build``), rendered to HTML, XLSX, CSV or PDF (``render``).

>>> report = build(store, config, "2026-W06")          # doctest: +SKIP
>>> render(report, "html", "reports/2026-W06.html")     # doctest: +SKIP
"""

from viralscope.reports import text
from viralscope.reports.build import SECTIONS, Section, WeeklyReport, build, last_week_with_data
from viralscope.reports.files import FORMATS, MIME, pdf_available, pdf_bytes, render, to_bytes
from viralscope.reports.html import render_html
from viralscope.reports.week import iso_week, last_complete_week, week_label, weeks_between

__all__ = [
    "FORMATS", "MIME", "SECTIONS", "Section", "WeeklyReport", "build", "download_bundle", "iso_week",
    "last_complete_week", "last_week_with_data", "pdf_available", "pdf_bytes", "render", "render_html", "to_bytes", "week_label",
    "weeks_between",
]


def download_bundle(store, week: str, include_authors: bool = False, lang: str = "en") -> dict:
    """The report of ``week`` as the dashboard offers it: the HTML page and the XLSX and CSV files as bytes,
    with the facts shown beside them, in ``lang``. Built in the calling process (the page caches it per store
    version)."""
    from viralscope.config import load_config

    report = build(store, load_config(store=store), week, include_authors=include_authors, lang=lang)
    return {
        "week": report.week, "html": render_html(report), "xlsx": to_bytes(report, "xlsx"),
        "csv": to_bytes(report, "csv"), "authors": text.say(report.authors, lang),
        "scope": text.say(report.scope, lang),
        "generated_at": report.generated_at.isoformat(),
        "sections": [(s.title, s.status, s.reason) for s in report.sections],
    }
