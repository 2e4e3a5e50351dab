"""Reports an analyst can send as they are: the executive summary, Korean reports, readable XLSX, tables that
fit the page, chart labels that do not overlap, durations in hours."""

from __future__ import annotations

import io
import json
import math
import re
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from tests.reports_world import HOSTILE_WEEK, hostile_store  # noqa: F401  (fixture)
from viralscope import kpi_registry, reports
from viralscope.cli import main
from viralscope.config import parse_config
from viralscope.core import reasons
from viralscope.core.errors import ConfigError
from viralscope.reports import charts, summary
from viralscope.reports.files import readable_tables
from viralscope.reports.html import FIT_TEXT, kpi_display


def _kpi(value, lo, hi, unit="change", status="ok"):
    return {"value": value, "ci_low": lo, "ci_high": hi, "unit": unit, "status": status,
            "reason": None if status == "ok" else "no mentions in the window", "display": ""}


# -- the executive summary -----------------------------------------------------------------------------


def test_summary_ranks_clear_changes_first_then_by_standardized_size():
    kpis = {
        # +300% on a handful of mentions: big, but its interval holds "no change".
        "mention_lift": _kpi(3.0, -0.4, 9.0),
        # +12% on thousands of mentions: small, but clearly above zero.
        "positive_mention_lift": _kpi(0.12, 0.08, 0.16),
        # a clear fall, less sure than the +12% (|z| smaller).
        "negative_mention_lift": _kpi(-0.30, -0.50, -0.05),
        "perception_change": _kpi(0.05, -0.10, 0.20, "points"),
        "conversion_change": _kpi(-0.02, -0.30, 0.38),
        "cac_change": _kpi(None, None, None, status="n/a"),
        "incremental_conversions": _kpi(-267.0, -2085.0, 1138.0, "count"),
        # A level, not a change against the week before: never ranked, however far its interval is from 0.
        "net_sentiment": _kpi(0.9, 0.85, 0.95, "score"),
    }
    ranked, skipped = summary.rank(kpis)
    keys = [r["key"] for r in ranked]
    assert keys[:2] == ["positive_mention_lift", "negative_mention_lift"]  # the clear changes, surest first
    assert "net_sentiment" not in keys and "cac_change" not in keys and skipped == ["cac_change"]
    unclear = ranked[2:]
    assert not any(r["clear"] for r in unclear)
    assert [abs(r["z"]) for r in unclear] == sorted((abs(r["z"]) for r in unclear), reverse=True)
    # The log scale of a relative change: z of +12% (8%..16%) is log(1.12) / ((log 1.16 − log 1.08) / 3.92).
    z = math.log(1.12) / ((math.log(1.16) - math.log(1.08)) / (2 * summary.Z95))
    assert ranked[0]["z"] == pytest.approx(z)

    table, unranked = summary.summary_table(kpis, "Lumio")
    assert len(table) == 5 and unranked == ["cac_change"]
    first = table["sentence"].iat[0]
    assert first == "Positive mentions of Lumio rose 12.0% (95% interval +8.0% to +16.0%: a clear rise)."
    assert table["sentence"].iat[1].startswith("Negative mentions of Lumio fell 30.0% (95% interval −50.0% to −5.0%")
    assert all("(95% interval " in s and s.endswith(").") for s in table["sentence"])
    assert "no clear change" in table.set_index("kpi").loc["mention_lift", "sentence"]
    ko, _ = summary.summary_table(kpis, "Lumio", "ko")
    assert ko["sentence"].iat[0] == "Lumio 긍정 멘션이 12.0% 늘었습니다 (95% 구간 +8.0% ~ +16.0%: 뚜렷한 증가)."


class _Summary(HTMLParser):
    """The items of the summary list and the headings of the page."""

    def __init__(self):
        super().__init__()
        self.items, self.headings, self._in, self._buf = [], [], None, []

    def handle_starttag(self, tag, attrs):
        if tag == "ol" and ("class", "summary") in attrs:
            self._in = "ol"
        elif tag == "li" and self._in == "ol":
            self._buf = []
            self._in = "li"
        elif tag in ("h1", "h2", "h3"):
            self._in, self._buf = tag, []

    def handle_endtag(self, tag):
        if tag == "li" and self._in == "li":
            self.items.append("".join(self._buf).strip())
            self._in = "ol"
        elif tag == "ol" and self._in == "ol":
            self._in = None
        elif tag in ("h1", "h2", "h3") and self._in == tag:
            self.headings.append("".join(self._buf).strip())
            self._in = None

    def handle_data(self, data):
        if self._in in ("li", "h1", "h2", "h3"):
            self._buf.append(data)


@pytest.fixture(scope="module")
def built(hostile_store):  # noqa: F811
    store, config = hostile_store
    return {lang: reports.build(store, config, HOSTILE_WEEK, lang=lang) for lang in ("en", "ko")}


def test_the_report_opens_with_five_sentences_with_intervals(built):
    report = built["en"]
    page = _Summary()
    page.feed(reports.render_html(report))
    assert page.headings[1] == "Executive summary"  # first after the title, before the Key numbers
    expected, _ = summary.summary_table(report.kpis["kpis"], report.brand)
    assert page.items == list(expected["sentence"]) and len(page.items) == 5
    assert all(re.search(r"\(95% interval [^)]+ to [^)]+: (a clear rise|a clear fall|no clear change)\)\.$", s)
               for s in page.items)
    # The same summary is the first sheet of the XLSX and the first file of the CSV zip.
    assert list(readable_tables(report))[0] == "Summary"


# -- Korean --------------------------------------------------------------------------------------------


def test_a_korean_report_speaks_korean(built, tmp_path):
    html = reports.render_html(built["ko"])
    page = _Summary()
    page.feed(html)
    assert '<html lang="ko">' in html
    assert page.headings[0].startswith("주간 보고서 ") and page.headings[1] == "요약"
    for heading in ("1. 핵심 지표", "2. 멘션량과 감성", "3. 상위 캐스케이드", "5. 위기 사건과 응답 시간", "정의"):
        assert heading in page.headings, heading
    assert all("95% 구간" in s for s in page.items) and len(page.items) == 5
    # No n/a reason in English: none of the reason texts, and none of the report's own messages.
    for code, entry in reasons.REASONS.items():
        english = entry["en"].split("{")[0].strip()
        if len(english) > 12 and english != entry["ko"]:
            assert english not in html, code
    for english in ("Not computed", "not computed", "no mentions in this week", "n/a:", "this week (95% interval)",
                    "Mentions per day by sentiment", "previous week"):
        assert english not in html, english
    # Every n/a KPI says why in Korean (the registry's translation).
    for key, k in built["ko"].kpis["kpis"].items():
        if k["status"] != "ok":
            assert f"해당 없음: {kpi_registry.reason(k, 'ko')}" in html, key


def test_lang_ko_on_the_command_line_and_in_the_configuration(hostile_store, tmp_path):  # noqa: F811
    store, _config = hostile_store
    out = tmp_path / "ko.html"
    res = CliRunner().invoke(main, ["--db", str(store.path), "report", "--week", HOSTILE_WEEK, "--lang", "ko",
                                    "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "<h2>요약</h2>" in out.read_text(encoding="utf-8")
    assert parse_config({"brand": {"name": "L"}, "report": {"language": "ko"}}, "x.toml").report.language == "ko"
    with pytest.raises(ConfigError):
        _ = parse_config({"brand": {"name": "L"}, "report": {"language": "fr"}}, "x.toml").report


# -- XLSX ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang, low", [("en", "95% interval low"), ("ko", "95% 구간 하한")])
def test_xlsx_is_readable(built, tmp_path, lang, low):
    out = reports.render(built[lang], "xlsx", tmp_path / f"r-{lang}.xlsx")
    book = load_workbook(out)
    assert book.sheetnames[0] == ("Summary" if lang == "en" else "요약")
    kpi_sheet = book["Key numbers" if lang == "en" else "핵심 지표"]
    assert low in [c.value for c in kpi_sheet[1]]
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        headers = [c.value for c in ws[1]]
        assert all(isinstance(h, str) and "_" not in h for h in headers), (ws.title, headers)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(("{", "[")):
                    # Only mention text may look so (a hostile one does); never a JSON object or list.
                    with pytest.raises(ValueError):
                        json.loads(cell.value)
    cascades = book["Top cascades" if lang == "en" else "상위 캐스케이드"]
    header = [c.value for c in cascades[1]]
    orders = [r[header.index("Mentions per share order" if lang == "en" else "공유 차수별 멘션")]
              for r in cascades.iter_rows(min_row=2, values_only=True)]
    assert orders and all(re.fullmatch(r"((order \d+|\d+차): \d+(; )?)+", o) for o in orders), orders
    sizes = [r[header.index("Size" if lang == "en" else "크기")] for r in cascades.iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(s, int) for s in sizes)  # numbers stay numbers


# -- tables that fit the page --------------------------------------------------------------------------


def test_top_cascades_table_is_laid_out_to_the_page(built):
    html = reports.render_html(built["en"])
    assert re.search(r"table\.fit \{ table-layout: fixed; width: 100%; \}", html)
    assert re.search(r"table\.fit th, table\.fit td \{ white-space: normal; overflow-wrap: anywhere;", html)
    table = re.search(r'<table class="fit t-cascades">(.*?)</table>', html, re.S)
    assert table, "the top-cascades table is not a fitted table"
    cols = re.findall(r"<col>", table.group(1))
    heads = re.findall(r"<th scope=\"col\">", table.group(1))
    assert len(cols) == len(heads) == 12
    widths = [float(w) for w in re.findall(r"table\.t-cascades col:nth-child\(\d+\) \{ width: ([\d.]+)%; \}", html)]
    assert len(widths) == 12 and sum(widths) == pytest.approx(100, abs=0.5)
    texts = re.findall(r'<td class="text">(.*?)</td>', table.group(1), re.S)
    assert texts and all(len(t) <= FIT_TEXT + 60 for t in texts)  # cut (escaping may lengthen a text)


# -- charts --------------------------------------------------------------------------------------------


def _ticks(svg: str) -> list[tuple[float, str]]:
    y = charts.HEIGHT - charts.BOTTOM + 16
    return [(float(x), t) for x, t in re.findall(rf'<text x="([\d.]+)" y="{y}" class="tick"[^>]*>([^<]*)</text>', svg)]


@pytest.mark.parametrize("labels", [
    [f"{d} {i:02d}" for i, d in zip(range(2, 16), ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] * 2,
                                             strict=False)],
    [f"{i:02d} ({d})" for i, d in zip(range(2, 16), "월화수목금토일월화수목금토일", strict=True)],
])
def test_day_labels_do_not_overlap(labels):
    svg = str(charts.bars("t", labels, [("a", [1.0] * len(labels), "#000")], split=7))
    ticks = _ticks(svg)
    assert 2 <= len(ticks) <= len(labels)
    for (x1, a), (x2, _b) in zip(ticks, ticks[1:], strict=False):
        assert x2 - x1 >= charts.label_width(a) + charts.GAP / 2, (a, x1, x2)
    # Every text says its size itself: a PDF renderer draws inline SVG without the page's stylesheet.
    texts = re.findall(r"<text [^>]*>", svg)
    assert texts and all(f'font-size="{charts.FONT}"' in t for t in texts)


# -- durations -----------------------------------------------------------------------------------------


def test_durations_are_written_by_the_kpi_registry_in_hours():
    k = {"status": "ok", "value": 166.0, "ci_low": 120.0, "ci_high": 244.0, "unit": "minutes",
         "display": "166 min (95% CI 120 min to 244 min)"}
    hours = kpi_registry.format_value(166.0, "minutes", compact_style=True)
    assert hours == "2.8 h"
    assert kpi_display(k) == f"{hours} (95% CI 2.0 h to 4.1 h)"
    assert kpi_display(k, "ko") == "2.8시간 (95% 구간 2.0시간 ~ 4.1시간)"


def test_the_dashboard_bundle_follows_the_language(hostile_store):  # noqa: F811
    store, _config = hostile_store
    bundle = reports.download_bundle(store, HOSTILE_WEEK, lang="ko")
    assert "<h2>요약</h2>" in bundle["html"]
    assert load_workbook(io.BytesIO(bundle["xlsx"])).sheetnames[:2] == ["요약", "보고서 정보"]
    # The facts the page shows beside the downloads are in Korean too.
    assert re.search("[가-힣]", bundle["authors"]) and "pseudonymised" not in bundle["authors"]
    assert not bundle["scope"].startswith("mentions of")


def test_trait_texts_of_the_diffusion_stage_are_said_in_korean():
    from diffusion.traits import TRAIT_DESCRIPTIONS
    from viralscope.reports import text

    for trait, english in TRAIT_DESCRIPTIONS.items():
        assert text.trait_description(trait, english, "en") == english
        korean = text.trait_description(trait, english, "ko")
        assert korean != english and re.search("[가-힣]", korean), trait
    assert text.trait_description("theme_delivery", "mentions the theme 'delivery' (vs not)", "ko") == \
        "'delivery' 주제를 언급함 (아님 대비)"
    said = text.say("traits predict going viral (AUC 0.74, 95% interval 0.63–0.85); clearest effects: "
                    "author_reach (+)", "ko")
    assert said == "특성으로 바이럴 여부를 예측할 수 있음 (AUC 0.74, 95% 구간 0.63–0.85); 가장 뚜렷한 효과: author_reach (+)"
    assert text.say("no reliable trigger found: the traits do not predict going viral better than chance "
                    "(AUC 0.52, 95% interval 0.47–0.57)", "ko").startswith("신뢰할 만한 촉발 요인을 찾지 못함")


def test_the_csv_guards_mention_text_and_writes_numbers_as_numbers(built, tmp_path):
    """The formula guard's apostrophe shows in a spreadsheet: it goes on hostile text only, never on a number or
    a text the report formatted itself (the KPIs' printed "+8.0% (95% CI …)" stays in the HTML and XLSX)."""
    import csv
    import zipfile

    from viralscope.export import is_formula_like

    out = reports.render(built["en"], "csv", tmp_path / "week.zip")
    guarded = []
    with zipfile.ZipFile(out) as zf:
        for name in zf.namelist():
            rows = list(csv.DictReader(io.StringIO(zf.read(name).decode("utf-8"), newline="")))
            guarded += [(name, k, v) for r in rows for k, v in r.items() if v and v.startswith("'")]
            if name.endswith("/kpis.csv"):
                assert rows and "display" not in rows[0] and all(float(r["value"]) == float(r["value"])
                                                                 for r in rows if r["value"])
    # Every guarded cell is text from outside (a mention, an author name) that really starts like a formula.
    assert all(is_formula_like(v[1:]) and not k.startswith(("value", "ci_")) for _n, k, v in guarded), guarded
    assert not [g for g in guarded if g[0].endswith(("/kpis.csv", "/summary.csv", "/volume.csv"))], guarded


def test_the_pdf_page_footer_follows_the_language(built):
    english, korean = (reports.render_html(built[lang]) for lang in ("en", "ko"))
    assert '"page " counter(page) " of " counter(pages)' in english
    assert '"쪽"' in korean and '"page "' not in korean
