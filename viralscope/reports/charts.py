"""Small inline SVG charts for the HTML report: no script, no web font, nothing fetched; they print as drawn.

Charts are drawn from numbers and fixed labels only (dates, series names); every text still goes through
``markupsafe.escape``.
"""

from __future__ import annotations

import math

from markupsafe import Markup, escape

__all__ = ["bars", "line", "label_width", "x_ticks"]

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 28, 44
#: The size of every chart text, in the SVG's units. It is written on each text element (not only in the
#: page's stylesheet), since a PDF renderer draws inline SVG without the page's CSS.
FONT = 11
#: Fonts for chart text: Hangul needs a CJK font (the page's CSS does not reach inside the SVG in a PDF).
FONT_FAMILY = "Noto Sans, Noto Sans CJK KR, Apple SD Gothic Neo, Malgun Gothic, sans-serif"
_TEXT = f'font-size="{FONT}" font-family="{FONT_FAMILY}" fill="#52606d"'
#: Space kept between two axis labels, in SVG units.
GAP = 8


def _nice_max(value: float) -> float:
    """The smallest 1-2-5 step multiple at or above ``value`` (an axis top)."""
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * exp:
            return m * exp
    return 10 * exp


def _tick(v: float, percent: bool) -> str:
    if percent:
        return f"{v * 100:.1f}%" if abs(v) < 0.1 and v else f"{v * 100:.0f}%"
    if abs(v) >= 1000:
        return f"{v / 1000:,.1f}k".replace(".0k", "k")
    return f"{v:,.2f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v):,}"


def label_width(text: str) -> float:
    """About how wide ``text`` is drawn at ``FONT`` (a wide glyph, Hangul or CJK, counts a full em)."""
    return sum(FONT if ord(ch) >= 0x1100 else 0.62 * FONT for ch in text)


def x_ticks(labels: list[str], slot: float) -> list[int]:
    """The indices of the labels drawn under an axis whose points are ``slot`` apart: every ``step``-th, the
    smallest step at which the widest label and a gap fit between two drawn labels (so none overlap)."""
    if not labels:
        return []
    widest = max(label_width(lab) for lab in labels) + GAP
    step = max(1, math.ceil(widest / max(slot, 1e-9)))
    return list(range(0, len(labels), step))


def _frame(title: str, body: list[str], legend: list[tuple[str, str]], y_title: str | None = None) -> Markup:
    items = []
    x = LEFT
    for name, color in legend:
        items.append(f'<rect x="{x}" y="8" width="10" height="10" fill="{color}"/>'
                     f'<text x="{x + 14}" y="17" class="legend" {_TEXT}>{escape(name)}</text>')
        x += 24 + label_width(name)
    if y_title:
        middle = TOP + (HEIGHT - TOP - BOTTOM) / 2
        items.append(f'<text x="{-middle:.1f}" y="12" transform="rotate(-90)" text-anchor="middle" class="axis" '
                     f'{_TEXT}>{escape(y_title)}</text>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
           f'aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>'
           + "".join(items) + "".join(body) + "</svg>")
    return Markup(svg)  # built from numbers and escaped labels only


def _axis(lo: float, hi: float, percent: bool) -> tuple[list[str], callable]:
    plot_h = HEIGHT - TOP - BOTTOM

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - lo) / (hi - lo))

    out = []
    for i in range(5):
        v = lo + (hi - lo) * i / 4
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid" '
                   f'stroke="#e4e7eb" stroke-width="1"/>'
                   f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" class="tick" text-anchor="end" {_TEXT}>'
                   f'{escape(_tick(v, percent))}</text>')
    return out, y


def _x_labels(labels: list[str], centers: list[float]) -> list[str]:
    slot = centers[1] - centers[0] if len(centers) > 1 else WIDTH
    return [f'<text x="{centers[i]:.1f}" y="{HEIGHT - BOTTOM + 16}" class="tick" text-anchor="middle" {_TEXT}>'
            f'{escape(labels[i])}</text>' for i in x_ticks(labels, slot)]


def _divider(x: float, left: str, right: str) -> list[str]:
    return [f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" class="divider" stroke="#52606d" '
            f'stroke-dasharray="4 3"/>',
            f'<text x="{x - 6:.1f}" y="{HEIGHT - 8}" class="period" text-anchor="end" {_TEXT}>{escape(left)}</text>',
            f'<text x="{x + 6:.1f}" y="{HEIGHT - 8}" class="period" {_TEXT}>{escape(right)}</text>']


def bars(title: str, labels: list[str], series: list[tuple[str, list[float], str]], *,
         split: int | None = None, split_labels=("previous week", "this week"), y_title: str | None = None) -> Markup:
    """Stacked bars, one per label; bars before ``split`` are drawn lighter (the week before)."""
    totals = [sum(max(0.0, float(s[1][i] or 0)) for s in series) for i in range(len(labels))]
    hi = _nice_max(max(totals, default=0))
    body, y = _axis(0.0, hi, False)
    plot_w = WIDTH - LEFT - RIGHT
    slot = plot_w / max(1, len(labels))
    centers = []
    for i in range(len(labels)):
        x0 = LEFT + i * slot + slot * 0.15
        centers.append(x0 + slot * 0.35)
        base = 0.0
        faded = ' opacity="0.55"' if split is not None and i < split else ""
        for _name, values, color in series:
            v = max(0.0, float(values[i] or 0))
            if v:
                body.append(f'<rect x="{x0:.1f}" y="{y(base + v):.1f}" width="{slot * 0.7:.1f}" '
                            f'height="{y(base) - y(base + v):.1f}" fill="{color}"{faded}/>')
            base += v
    body += _x_labels(labels, centers)
    if split is not None and 0 < split < len(labels):
        body += _divider(LEFT + split * slot, *split_labels)
    return _frame(title, body, [(name, color) for name, _v, color in series], y_title)


def line(title: str, labels: list[str], series: list[tuple[str, list[float | None], str]], *,
         percent: bool = False, lo: float | None = None, hi: float | None = None, split: int | None = None,
         split_labels=("previous week", "this week"), y_title: str | None = None) -> Markup:
    """Lines through the points of each series (a missing value breaks the line)."""
    values = [v for _n, vs, _c in series for v in vs if v is not None and math.isfinite(v)]
    if lo is None:
        lo = min(0.0, min(values, default=0.0))
    if hi is None:
        hi = _nice_max(max(values, default=0.0) * 1.1)
    if hi <= lo:
        hi = lo + 1
    body, y = _axis(lo, hi, percent)
    plot_w = WIDTH - LEFT - RIGHT
    slot = plot_w / max(1, len(labels))
    centers = [LEFT + slot * (i + 0.5) for i in range(len(labels))]
    for _name, vs, color in series:
        run: list[str] = []
        for c, v in zip(centers, vs, strict=True):
            if v is None or not math.isfinite(v):
                if len(run) > 1:
                    body.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{color}" stroke-width="2"/>')
                run = []
                continue
            run.append(f"{c:.1f},{y(v):.1f}")
            body.append(f'<circle cx="{c:.1f}" cy="{y(v):.1f}" r="2.5" fill="{color}"/>')
        if len(run) > 1:
            body.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{color}" stroke-width="2"/>')
    body += _x_labels(labels, centers)
    if split is not None and 0 < split < len(labels):
        body += _divider(LEFT + split * slot, *split_labels)
    return _frame(title, body, [(name, color) for name, _v, color in series], y_title)
