"""The weekly report: built once as data (``build``), rendered to HTML, XLSX, CSV or PDF (``render``).

>>> report = build(store, config, "2026-W06")          # doctest: +SKIP
>>> render(report, "html", "reports/2026-W06.html")     # doctest: +SKIP
"""

from viralscope.reports.build import SECTIONS, Section, WeeklyReport, build
from viralscope.reports.files import FORMATS, pdf_bytes, render
from viralscope.reports.html import render_html
from viralscope.reports.week import iso_week, last_complete_week, week_label

__all__ = [
    "FORMATS", "SECTIONS", "Section", "WeeklyReport", "build", "iso_week", "last_complete_week", "pdf_bytes",
    "render", "render_html", "week_label",
]
