"""KPI trends as SVG charts, drawn on the server with matplotlib (no script in the browser)
for the register's pages and the progress report's documents. Core: it imports no other layer.

A month without a value is a gap in the line, never a point at zero. Each chart is a
self-contained SVG, shown as an image (its own styles stay inside it, under the page's
Content-Security-Policy) with a text alternative; the page puts the data table beside it.
matplotlib is imported on first use, so commands that draw nothing never load it.
"""

from __future__ import annotations

import base64
import io
import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from dfr.dates import short_month

# matplotlib's state (fonts, the text cache) is not safe to share between threads.
_drawing = threading.Lock()
LINE = "#1d70b8"  # GOV.UK blue
TEXT = "#0b0c0c"


def kpi_chart(
    months: tuple[date, ...], values: tuple[float | None, ...], money: bool, language: str
) -> str:
    """The SVG of a KPI's monthly values (fractions, or pounds when `money`)."""
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    # Text as text (not outlines): smaller files, and the browser's own Arial.
    with _drawing, rc_context({"svg.fonttype": "none"}):
        figure = Figure(figsize=(6.4, 2.6), dpi=100)
        axes = figure.add_subplot()
        xs = list(range(len(months)))
        ys = [float("nan") if v is None else (v if money else v * 100) for v in values]
        axes.plot(xs, ys, color=LINE, linewidth=2.5, marker="o", markersize=4)
        axes.set_xticks(xs[::2], [short_month(m, language) for m in months[::2]])
        if money:
            axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"£{v:,.2f}"))
        else:
            axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:.0f}%"))
        present = [y for y in ys if y == y]
        top = max(present) if present else 1.0
        axes.set_ylim(0, top * 1.15 if money else max(100.0, top * 1.05))
        axes.grid(axis="y", color="#b1b4b6", linewidth=0.5)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        axes.tick_params(colors=TEXT, labelsize=9)
        figure.subplots_adjust(left=0.13, right=0.98, top=0.95, bottom=0.14)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


# The charts drawn, as data: URIs, by what they show (the most recently used kept): a page
# shows the same figures until a return changes them, and drawing one takes tens of ms.
_KEPT = 1024
_kept: OrderedDict[tuple[object, ...], str] = OrderedDict()
_keeping = threading.Lock()


def _key(
    months: Sequence[date], values: Sequence[Decimal | None], money: bool, language: str
) -> tuple[tuple[date, ...], tuple[float | None, ...], bool, str]:
    return tuple(months), tuple(None if v is None else float(v) for v in values), money, language


def is_drawn(
    months: Sequence[date], values: Sequence[Decimal | None], money: bool, language: str
) -> bool:
    """Whether this chart is kept, drawn already (then `chart_data_uri` costs next to nothing)."""
    with _keeping:
        return _key(months, values, money, language) in _kept


def chart_data_uri(
    months: Sequence[date], values: Sequence[Decimal | None], money: bool, language: str
) -> str:
    """The chart as a data: URI for an <img>; drawn once, then kept."""
    key = _key(months, values, money, language)
    with _keeping:
        uri = _kept.get(key)
        if uri is not None:
            _kept.move_to_end(key)
            return uri
    svg = kpi_chart(*key)
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    with _keeping:
        _kept[key] = uri
        while len(_kept) > _KEPT:
            _kept.popitem(last=False)
    return uri
