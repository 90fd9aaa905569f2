"""Bar charts drawn on the server as inline SVG, for the statistics page and the reports.

No JavaScript and no third-party assets; only presentation attributes (no CSS variables,
no ``<style>``, no foreignObject), so the same markup renders alike in browsers and in
WeasyPrint. Each chart is one image to assistive technology: ``role="img"`` labelled by
its ``<title>`` and ``<desc>``. The figures themselves are in the table beside the chart,
which is the text alternative; callers say so in the description.

Every string passed in is already translated; it is escaped here. Coordinates are in
viewBox units; the ``width``/``height`` attributes give the natural size in CSS pixels,
and the container decides the rest (the page: ``max-width: 100%; height: auto``; a
printed report: ``width: 100%; height: auto``). The marks themselves are in
``intake/svg_marks.py``; where the words go, so that none collide, in
``intake/chart_labels.py``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from flask_babel import gettext as _
from markupsafe import Markup

from intake import svg_marks as mark
from intake.chart_labels import (
    LINE_HEIGHT,
    label_step,
    text_width,
    value_size,
    values_upright,
    wrap,
)
from intake.local_names import in_language
from intake.services.figures import HIDDEN_CELL, SMALL_CELL, Cell, KindStats

MUTED = "#4f5965"  # 7:1 on white
GRID = "#d0d7de"
# Three steps of lightness (11:1, 5:1 and 3.3:1 on white, at least 1.5:1 between
# neighbours), so that the series stay apart in grey print and for colour-blind readers.
SERIES_COLOURS = ("#163d6b", "#2e7d4f", "#d47500")
BAR_COLOUR = SERIES_COLOURS[0]
MONTHLY_SERIES = ("received", "completed", "on_time")


def nice_ticks(top: float, intervals: int = 4) -> list[int]:
    """Axis ticks from 0 in steps of 1, 2 or 5 × 10ⁿ reaching at least ``top``."""
    if top <= 0:
        return [0, 1]
    raw = top / intervals
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(1, int(step))
    return list(range(0, int(math.ceil(top / step)) * step + 1, step))


# ------------------------------------------------------------------ monthly chart

MONTHLY_WIDTH = 720.0  # twelve months; fewer get a narrower chart, down to the minimum
MONTHLY_MIN_WIDTH = 400.0
MONTH_WIDTH = 55.0
MONTHLY_SCALE = 1.25  # shown a little larger than its units, shrunk to fit a phone
MONTHLY_LEFT_PAD = 10.0
MONTHLY_RIGHT = 10.0
LEGEND_SIZE = 14.0
AXIS_SIZE = 13.0
VALUE_SIZE = 12.0
SWATCH = 14.0
BAR_GAP = 2.0


def _legend(labels: Sequence[str], colours: Sequence[str], width: float) -> tuple[list[str], float]:
    """Swatch and name for each series, wrapping to a new row when the width runs out."""
    parts: list[str] = []
    x, y = MONTHLY_LEFT_PAD, 8.0
    for label, colour in zip(labels, colours, strict=True):
        item = SWATCH + 6 + text_width(label, LEGEND_SIZE) + 18
        if x > MONTHLY_LEFT_PAD and x + item > width:
            x, y = MONTHLY_LEFT_PAD, y + 22
        parts.append(mark.rect(x, y, SWATCH, SWATCH, fill=colour))
        parts.append(mark.text(x + SWATCH + 6, y + 12, label, LEGEND_SIZE))
        x += item
    return parts, y + SWATCH + 8


def _default_series_labels() -> tuple[str, str, str]:
    """The column names in the current language; Thai outside a request (a command run
    without ``force_locale`` has no locale to ask for)."""
    try:
        return (_("รับเรื่อง"), _("ดำเนินการแล้วเสร็จ"), _("ตอบภายในกำหนด"))
    except RuntimeError:
        return ("รับเรื่อง", "ดำเนินการแล้วเสร็จ", "ตอบภายในกำหนด")


def _monthly_figures(
    kind_stats: KindStats, month_labels: list[str], series_labels: Sequence[str] | None
) -> tuple[list[str], list[list[int]]]:
    """The three series' names and each month's three values, for both monthly drawings."""
    months = kind_stats.months
    if len(month_labels) != len(months):
        raise ValueError("one label per month is needed")
    names = list(series_labels or _default_series_labels())
    if len(names) != len(MONTHLY_SERIES):
        raise ValueError("three series labels are needed")
    return names, [[int(getattr(row, key)) for key in MONTHLY_SERIES] for row in months]


def monthly_chart(
    kind_stats: KindStats,
    month_labels: list[str],
    title: str,
    description: str,
    *,
    series_labels: Sequence[str] | None = None,
    chart_id: str | None = None,
) -> Markup:
    """Grouped bars per month: received, completed and answered on time, with a value
    on every bar, a y axis with gridlines and a legend.

    ``month_labels`` has one (translated) label per month of ``kind_stats.months``; a
    ``"\\n"`` in a label starts a second line (e.g. ``"ต.ค.\\n2568"``). ``series_labels``
    names the three series (default: the Thai column names, translated).
    """
    names, values = _monthly_figures(kind_stats, month_labels, series_labels)
    ticks = nice_ticks(max((v for group in values for v in group), default=0))
    width = min(MONTHLY_WIDTH, max(MONTHLY_MIN_WIDTH, MONTH_WIDTH * len(values) + 60))
    body, legend_bottom = _legend(names, SERIES_COLOURS, width)

    left = MONTHLY_LEFT_PAD + text_width(f"{ticks[-1]:,}", AXIS_SIZE) + 8
    plot_width = width - left - MONTHLY_RIGHT
    group = plot_width / max(1, len(values))
    bar = min((group * 0.78 - 2 * BAR_GAP) / 3, 28.0)
    widest_value = max((text_width(f"{v:,}", VALUE_SIZE) for g in values for v in g), default=0)
    upright = values_upright(widest_value, bar + BAR_GAP)
    values_size = value_size(VALUE_SIZE, bar + BAR_GAP) if upright else VALUE_SIZE
    headroom = (widest_value + 8) if upright else (VALUE_SIZE + 6)
    top = legend_bottom + headroom
    plot_height = 220.0
    bottom = top + plot_height
    label_lines = max((label.count("\n") + 1 for label in month_labels), default=1)
    line_advance = AXIS_SIZE * LINE_HEIGHT
    height = bottom + 8 + label_lines * line_advance + 6
    # Month names that would touch their neighbours are drawn every n-th month only.
    label_widths = [
        max(text_width(line, AXIS_SIZE) for line in m.split("\n")) for m in month_labels
    ]
    step = label_step(label_widths, group)

    def y_of(value: float) -> float:
        return bottom - plot_height * value / ticks[-1]

    for tick in ticks:
        y = y_of(tick)
        stroke = MUTED if tick == 0 else GRID
        body.append(mark.line(left, y, width - MONTHLY_RIGHT, y, stroke=stroke, stroke_width=1))
        body.append(
            mark.text(left - 6, y + 4, f"{tick:,}", AXIS_SIZE, text_anchor="end", fill=MUTED)
        )
    body.append(mark.line(left, top - 4, left, bottom, stroke=MUTED, stroke_width=1))

    inner = 3 * bar + 2 * BAR_GAP
    for index, (label, group_values) in enumerate(zip(month_labels, values, strict=True)):
        x0 = left + index * group + (group - inner) / 2
        for series, value in enumerate(group_values):
            x = x0 + series * (bar + BAR_GAP)
            centre = x + bar / 2
            if value:
                y = y_of(value)
                body.append(mark.rect(x, y, bar, bottom - y, fill=SERIES_COLOURS[series]))
            else:
                y = bottom
            shown = f"{value:,}"
            colour = mark.INK if value else MUTED
            if upright:
                ax, ay = centre + values_size * 0.35, y - 4
                turn = f"rotate(-90 {mark.num(ax)} {mark.num(ay)})"
                body.append(mark.text(ax, ay, shown, values_size, transform=turn, fill=colour))
            else:
                body.append(
                    mark.text(centre, y - 4, shown, VALUE_SIZE, text_anchor="middle", fill=colour)
                )
        if index % step:
            continue
        for line_no, line in enumerate(label.split("\n")):
            y = bottom + 8 + AXIS_SIZE + line_no * line_advance
            body.append(
                mark.text(left + (index + 0.5) * group, y, line, AXIS_SIZE, text_anchor="middle")
            )

    frame = mark.Frame(
        width,
        height,
        chart_id or mark.digest_id("monthly", title, description, month_labels, values),
        title,
        description,
        "chart chart-monthly chart-columns",
        MONTHLY_SCALE,
    )
    return mark.document(frame, body)


# ------------------------------------------------------- monthly chart for a phone

ROWS_WIDTH = 320.0  # drawn at about its own size in a 360 px phone, so text stays legible
ROWS_BAR = 13.0
ROWS_PITCH = 19.0  # a bar and the room for its value's line of text
ROWS_MONTH_GAP = 14.0
ROWS_LABEL_SIZE = 14.0
ROWS_VALUE_SIZE = 13.0


def monthly_rows_chart(
    kind_stats: KindStats,
    month_labels: list[str],
    title: str,
    description: str,
    *,
    series_labels: Sequence[str] | None = None,
    chart_id: str | None = None,
) -> Markup:
    """The same figures as ``monthly_chart``, turned for a narrow screen: one row per
    month, its name on the left and its three bars across, each with its value at the
    end. Twelve months fit a phone's width at a size that can be read, where the columns
    would have to shrink their labels or scroll."""
    names, values = _monthly_figures(kind_stats, month_labels, series_labels)
    labels = [" ".join(label.split("\n")) for label in month_labels]
    width = ROWS_WIDTH
    body, y = _legend(names, SERIES_COLOURS, width)
    left = MONTHLY_LEFT_PAD + max((text_width(m, ROWS_LABEL_SIZE) for m in labels), default=0)
    left += 8
    widest_value = max(
        (text_width(f"{v:,}", ROWS_VALUE_SIZE) for g in values for v in g), default=0
    )
    span = width - left - widest_value - 8 - MONTHLY_RIGHT
    top_value = max((v for group in values for v in group), default=0) or 1
    y += 6
    first_row = y
    for label, group_values in zip(labels, values, strict=True):
        group_height = len(group_values) * ROWS_PITCH
        middle = y + group_height / 2
        body.append(
            mark.text(
                left - 8, middle + ROWS_LABEL_SIZE * 0.35, label, ROWS_LABEL_SIZE, text_anchor="end"
            )
        )
        for series, value in enumerate(group_values):
            bar_top = y + series * ROWS_PITCH + (ROWS_PITCH - ROWS_BAR) / 2
            length = span * value / top_value
            if length:
                body.append(mark.rect(left, bar_top, length, ROWS_BAR, fill=SERIES_COLOURS[series]))
            baseline = bar_top + ROWS_BAR / 2 + ROWS_VALUE_SIZE * 0.35
            colour = mark.INK if value else MUTED
            body.append(
                mark.text(left + length + 4, baseline, f"{value:,}", ROWS_VALUE_SIZE, fill=colour)
            )
        y += group_height + ROWS_MONTH_GAP
        body.append(
            mark.line(
                MONTHLY_LEFT_PAD,
                y - ROWS_MONTH_GAP / 2,
                width - MONTHLY_RIGHT,
                y - ROWS_MONTH_GAP / 2,
                stroke=GRID,
                stroke_width=1,
            )
        )
    body.append(
        mark.line(left, first_row - 2, left, y - ROWS_MONTH_GAP, stroke=MUTED, stroke_width=1)
    )
    frame = mark.Frame(
        width,
        y,
        chart_id or mark.digest_id("monthly-rows", title, description, month_labels, values),
        title,
        description,
        "chart chart-monthly chart-rows",
    )
    return mark.document(frame, body)


# ---------------------------------------------------------------- breakdown chart

BREAKDOWN_WIDTH = 400.0
LABEL_SIZE = 16.0
COUNT_SIZE = 15.0
BAR_HEIGHT = 20.0
ROW_GAP = 12.0
VALUE_ROOM = 60.0
HATCH_STEP = 6.0
SMALL_SCALE = 6


def _hatched(x: float, y: float, width: float, height: float) -> list[str]:
    """A dashed outline crossed by diagonal strokes: "a few, not said how many"."""
    parts = [
        mark.rect(
            x,
            y,
            width,
            height,
            fill=mark.BACKGROUND,
            stroke=MUTED,
            stroke_width=1.5,
            stroke_dasharray="4 3",
        )
    ]
    # Strokes from the bottom edge up and to the right, cut at the box (no clipPath).
    start = x - height
    while start < x + width:
        x1, y1 = start, y + height
        x2, y2 = start + height, y
        if x1 < x:
            y1, x1 = y + height - (x - x1), x
        if x2 > x + width:
            y2, x2 = y + (x2 - (x + width)), x + width
        if x2 > x1:
            parts.append(mark.line(x1, y1, x2, y2, stroke=MUTED, stroke_width=1.2))
        start += HATCH_STEP
    return parts


def breakdown_chart(
    cells: list[Cell],
    title: str,
    description: str,
    english: bool = False,
    *,
    chart_id: str | None = None,
    width: float = BREAKDOWN_WIDTH,
    scale: float = 1.0,
) -> Markup:
    """Horizontal bars of the cases received, one per cell, its name above its bar.

    ``width`` is in viewBox units and ``scale`` turns them into the natural size: a page
    that a phone shows asks for a narrow chart drawn a little larger, so that on the
    phone it shrinks hardly at all and its names stay legible.

    A suppressed tip cell ("< 3") is drawn as a hatched, dashed bar the length of 3
    labelled "< 3", so that the chart never shows a count of 1 or 2. Cells are drawn in
    the order given; ``english`` picks ``label_en`` (or the Thai name if it has none).
    """
    # A line hidden with a small one ("x") has no length that may be drawn.
    cells = [cell for cell in cells if cell.received != HIDDEN_CELL]
    counts = [cell.received for cell in cells]
    numbers = [c for c in counts if isinstance(c, int)]
    # A hidden count is drawn as long as 3 on a scale that reaches at least 6, so that a
    # hatched bar never spans the whole chart as if it were the largest.
    top = max([*numbers, SMALL_SCALE if SMALL_CELL in counts else 1])
    left = 8.0
    span = width - left - VALUE_ROOM
    body: list[str] = []
    y = 8.0
    for cell, count in zip(cells, counts, strict=True):
        label = in_language(cell.label_th, cell.label_en, english)
        lines, was_cut = wrap(label, LABEL_SIZE, width - 2 * left)
        drawn = []
        y += LABEL_SIZE * 1.2 - LABEL_SIZE * LINE_HEIGHT
        for line in lines:
            y += LABEL_SIZE * LINE_HEIGHT
            drawn.append(mark.text(left, y, line, LABEL_SIZE))
        # A name cut short is whole in a tooltip (and in the table beside the chart).
        body.append(mark.titled(label, drawn) if was_cut else "".join(drawn))
        bar_top = y + LABEL_SIZE * 0.45
        body.append(mark.line(left, bar_top - 2, left, bar_top + BAR_HEIGHT + 2, stroke=MUTED))
        if count == SMALL_CELL:
            length = max(span * 3 / top, 24.0)
            body.extend(_hatched(left, bar_top, length, BAR_HEIGHT))
            shown = SMALL_CELL
        else:
            length = span * int(count) / top
            if length:
                body.append(mark.rect(left, bar_top, length, BAR_HEIGHT, fill=BAR_COLOUR))
            shown = f"{int(count):,}"
        body.append(
            mark.text(
                left + length + 6, bar_top + BAR_HEIGHT - 4, shown, COUNT_SIZE, font_weight="bold"
            )
        )
        y = bar_top + BAR_HEIGHT + ROW_GAP
    frame = mark.Frame(
        width,
        y + 4,
        chart_id
        or mark.digest_id("breakdown", title, description, english, [c.key for c in cells], counts),
        title,
        description,
        "chart chart-breakdown",
        scale,
    )
    return mark.document(frame, body)
