"""One look for every chart: a plotly template, brand-stable colours, sentiment colours."""

from __future__ import annotations

import hashlib

import plotly.graph_objects as go
import plotly.io as pio

INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
ACCENT = "#4f46e5"
#: Qualitative palette (colour-blind safe order, after Okabe–Ito and Tableau 10).
PALETTE = ["#4f46e5", "#f59e0b", "#10b981", "#ef4444", "#0ea5e9", "#a855f7", "#84cc16", "#ec4899", "#64748b",
           "#14b8a6"]
SENTIMENT = {"positive": "#10b981", "neutral": "#94a3b8", "negative": "#ef4444", "unscored": "#e5e7eb"}
FONT = "Inter, 'Noto Sans KR', 'Noto Sans CJK KR', 'Apple SD Gothic Neo', 'Malgun Gothic', system-ui, sans-serif"

_TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT, "size": 13, "color": INK},
        colorway=PALETTE,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        margin={"l": 8, "r": 8, "t": 40, "b": 8},
        hoverlabel={"font": {"family": FONT}, "bgcolor": "white"},
        # Below the plot: a legend at the top collides with the title.
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "xanchor": "left", "x": 0, "title": None},
        xaxis={"gridcolor": GRID, "linecolor": GRID, "zeroline": False, "title": None},
        yaxis={"gridcolor": GRID, "linecolor": GRID, "zeroline": False, "title": None, "rangemode": "tozero"},
        title={"font": {"size": 15, "color": INK}, "x": 0, "xanchor": "left"},
        hovermode="x unified",
    )
)
pio.templates["viralscope"] = _TEMPLATE


def color_for(name: str, order: list[str] | None = None) -> str:
    """A colour that stays the same for a brand or source on every chart and every page."""
    if order and name in order:
        return PALETTE[order.index(name) % len(PALETTE)]
    digest = int(hashlib.sha1(str(name).encode("utf-8")).hexdigest(), 16)  # noqa: S324 - a colour, not security
    return PALETTE[digest % len(PALETTE)]


def icon():
    """The browser tab's icon, drawn here: a Material icon would make the browser fetch it from a CDN."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((2, 2, 62, 62), radius=14, fill=ACCENT)
    for x, h in ((14, 18), (28, 30), (42, 42)):
        draw.rounded_rectangle((x, 54 - h, x + 9, 54), radius=3, fill="white")
    return img


def figure(**layout) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(template="viralscope", **layout)
    return fig
