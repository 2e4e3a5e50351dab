"""Reports: pick an ISO week, preview the weekly report, download it as HTML, XLSX, CSV (zip) or PDF.

The preview is the report file itself in an iframe: its text is escaped by the report's template and the page
carries a Content-Security-Policy that forbids scripts and every fetch (``viralscope.reports.html``).
"""

import streamlit as st

from dashboard import queries, shell
from viralscope import reports

page = shell.start("reports")
lang, t = page.lang, page.t

weeks = reports.weeks_between(page.info["first"], page.info["last"])
# The first view is the week `report --week last` writes: the newest complete week that holds data.
newest = None
with page.guard():  # a busy store or a brand without mentions is one message, not a traceback
    newest = reports.last_week_with_data(page.store, page.q(queries.config))[0]
if newest is None:
    st.stop()
default = page.param("week") if page.param("week") in weeks else newest

left, right = st.columns([1, 2])
week = left.selectbox(t("reports.week"), weeks, index=weeks.index(default), key="report_week")
include_authors = right.toggle(t("reports.include_authors"), value=page.param("authors") == "1",
                               help=t("reports.include_authors_help"), key="report_authors")
st.caption(t("reports.scope"))
page.set_param("week", week, newest)
page.set_param("authors", "1" if include_authors else None)

with page.guard():
    bundle = page.q(reports.download_bundle, week, include_authors, lang)
    st.caption(t("reports.facts", scope=bundle["scope"], authors=bundle["authors"],
                 generated=bundle["generated_at"][:16].replace("T", " ")))
    missing = [title for title, status, _reason in bundle["sections"] if status != "ok"]
    if missing:
        st.caption(t("reports.not_computed", sections=", ".join(missing)))
    st.subheader(t("reports.download"))
    name = f"viralscope-{bundle['week']}"
    cols = st.columns(4)
    for col, fmt in zip(cols[:3], ("html", "xlsx", "csv"), strict=True):
        suffix, mime = reports.MIME[fmt]
        data = bundle[fmt].encode("utf-8") if fmt == "html" else bundle[fmt]
        col.download_button(t(f"reports.{fmt}"), data, file_name=name + suffix, mime=mime, on_click="ignore",
                            key=f"download_{fmt}", width="stretch")
    if reports.pdf_available():
        html = bundle["html"]
        cols[3].download_button(t("reports.pdf"), lambda: reports.pdf_bytes(html), file_name=name + ".pdf",
                                mime=reports.MIME["pdf"][1], on_click="ignore", key="download_pdf", width="stretch")
    else:
        cols[3].caption(t("reports.pdf_missing"))
    command = f"viralscope report --week {bundle['week']} --format html --out {name}.html"
    st.caption(t("reports.cli", command=command + (" --include-authors" if include_authors else "")))
    st.subheader(t("reports.preview"))
    st.iframe(bundle["html"], height=900)
