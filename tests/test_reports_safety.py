"""Hostile mention text is inert in every format of the weekly report: HTML, XLSX, CSV and PDF."""

from __future__ import annotations

import csv
import http.server
import io
import threading
import zipfile
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from tests.reports_world import EVIL_URL, HOSTILE, HOSTILE_WEEK
from viralscope import reports

#: Every element the report template draws; anything else was built from data.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "main", "footer", "nav", "ol", "li", "a", "h1",
    "h2", "h3", "p", "section", "div", "table", "thead", "tbody", "tr", "th", "td", "svg", "rect", "text", "line",
    "polyline", "circle", "code", "dl", "dt", "dd", "colgroup", "col",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster", "srcset", "data"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.text, self.style = [], [], [], []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._in_style = False

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        (self.style if self._in_style else self.text).append(data)


@pytest.fixture(scope="module")
def report(hostile_store):
    store, config = hostile_store
    return reports.build(store, config, HOSTILE_WEEK, include_authors=True)


def test_the_hostile_text_reaches_the_report(report):
    """The test means something only if the hostile text is in the tables the formats render."""
    notable = report.tables["notable_mentions"]
    assert set(notable["text"]) >= {f"{h} lumio evilword{i}" for i, h in enumerate(HOSTILE)}
    assert "javascript:alert(document.cookie)" in set(notable["url"])
    assert any("<script>" in str(a) for a in notable["author_name"])


@pytest.mark.parametrize("include_authors", [True, False])
def test_html_has_nothing_executable(hostile_store, include_authors):
    store, config = hostile_store
    built = reports.build(store, config, HOSTILE_WEEK, include_authors=include_authors)
    html = reports.render_html(built)
    page = _Page()
    page.feed(html)
    assert set(page.tags) <= ALLOWED_TAGS, set(page.tags) - ALLOWED_TAGS
    for tag, name, value in page.attrs:
        assert not name.lower().startswith("on"), (tag, name, value)
        assert name.lower() != "style", (tag, value)
        if name.lower() in URL_ATTRIBUTES:
            v = (value or "").strip().lower()
            assert v.startswith(("#", "https://", "http://")), (tag, name, value)
    hrefs = [v for _t, n, v in page.attrs if n == "href" and not v.startswith("#")]
    assert all(v == EVIL_URL for v in hrefs), hrefs  # the only http(s) link, kept whole inside its attribute
    assert bool(hrefs) == include_authors  # links carry handles: only with --include-authors
    # Only the two meta tags of the template set http-equiv; the policy forbids scripts and every fetch.
    assert [v for _t, n, v in page.attrs if n == "http-equiv"] == ["Content-Security-Policy"]
    assert "default-src 'none'" in html and "<script" not in html.lower()
    text = "".join(page.text)
    for hostile in HOSTILE:
        assert hostile.strip() in text, hostile  # shown as text, exactly
    style = "".join(page.style)
    assert "evil" not in style and "url(" not in style


def _cells_xlsx(path):
    book = load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def test_xlsx_has_no_formula_cells(report, tmp_path):
    out = reports.render(report, "xlsx", tmp_path / "r.xlsx")
    seen = set()
    for cell in _cells_xlsx(out):
        assert cell.data_type != "f", (cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            seen.add(cell.value)
            if cell.value.startswith(("=", "+", "-", "@")):
                assert cell.quotePrefix, cell.value
    assert any(v.startswith("=HYPERLINK") for v in seen)  # the hostile formula is there, as a string
    book = load_workbook(out)
    assert all(ws.freeze_panes == "A2" for ws in book.worksheets)


def test_csv_cells_are_neutralised(report, tmp_path):
    out = reports.render(report, "csv", tmp_path / "r.zip")
    found = False
    with zipfile.ZipFile(out) as zf:
        assert all(n.startswith(f"{report.week}/") and n.endswith(".csv") for n in zf.namelist())
        for name in zf.namelist():
            for row in csv.reader(io.StringIO(zf.read(name).decode("utf-8"), newline="")):
                for value in row:
                    if value.startswith(("=", "+", "-", "@", "\t", "\r")):
                        float(value)  # only a number (a negative one) may start like a formula
                    found |= value.startswith("'=HYPERLINK")
    assert found


def test_pdf_fetches_nothing(report, tmp_path):
    pytest.importorskip("weasyprint", reason="PDF needs WeasyPrint")
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/leak.png"
        # Even a report whose text names a local resource in markup renders it as text, fetching nothing.
        report.tables["notable_mentions"].loc[0, "text"] = f'<img src="{url}"><link rel=stylesheet href="{url}">'
        out = reports.render(report, "pdf", tmp_path / "r.pdf")
    finally:
        server.shutdown()
        server.server_close()
    assert out.read_bytes().startswith(b"%PDF") and hits == []
