"""Chart labels never run into each other: the layout rules, and the charts that use them.

The rules work on estimated widths (intake/chart_labels.py); the browser tier
(tests/test_browser_stats_layout.py) measures the drawn text in Chromium.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

from intake import charts
from intake.chart_labels import (
    ELLIPSIS,
    LINE_HEIGHT,
    cut,
    label_step,
    text_width,
    value_size,
    values_upright,
    wrap,
)
from intake.services.figures import HIDDEN_CELL, SMALL_CELL, Cell

LONG_ROAD = "ถนน ทางเท้า และไฟฟ้าส่องสว่างในเขตชุมชนหนาแน่น"
# A Thai name with no space to break at.
LONG_PROCUREMENT = "การจัดซื้อจัดจ้างและการบริหารสัญญาโครงการก่อสร้างโครงสร้างพื้นฐานขององค์กรปกครองส่วนท้องถิ่น"
THAI_MONTHS = ["ต.ค.", "พ.ย.", "ธ.ค.", "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค."]
THAI_MONTHS += ["ส.ค.", "ก.ย."]


def year_of_months(values: list[int]) -> tuple[SimpleNamespace, list[str]]:
    months = [
        SimpleNamespace(received=v, completed=v * 2 // 3, on_time=v // 2, in_progress=0)
        for v in values
    ]
    years = ["2568"] * 3 + ["2569"] * 9
    labels = [f"{m}\n{y}" for m, y in zip(THAI_MONTHS, years, strict=True)][: len(values)]
    return SimpleNamespace(months=months), labels


def texts(svg: str) -> list[tuple[str, str]]:
    """(attributes, content) of every <text>."""
    return re.findall(r"<text ([^>]*)>([^<]*)</text>", svg)


# ------------------------------------------------------------------------ the rules


def test_axis_labels_that_fit_their_slots_are_all_drawn() -> None:
    # Given twelve month names of 30 units in slots of 50
    # Then every one is drawn
    assert label_step([30.0] * 12, 50.0) == 1


def test_axis_labels_that_would_touch_are_thinned_to_every_other() -> None:
    # Given labels of 60 units in slots of 40: neighbours would overlap by 20
    # Then every other one is drawn (80 units between the centres of those drawn)
    assert label_step([60.0] * 12, 40.0) == 2
    # and every third when even that is too little
    assert label_step([100.0] * 12, 40.0) == 3


def test_the_thinning_keeps_a_gap_between_labels_that_just_touch() -> None:
    # Labels exactly as wide as their slot would touch: the gap asks for one more step
    assert label_step([50.0, 50.0, 50.0], 50.0) == 2
    assert label_step([50.0, 50.0, 50.0], 50.0, gap=0) == 1


def test_one_label_or_none_is_always_drawn() -> None:
    assert label_step([500.0], 10.0) == 1
    assert label_step([], 10.0) == 1


def test_values_turn_sideways_only_when_they_would_reach_the_next_bar() -> None:
    assert not values_upright(widest=14.0, bar_pitch=20.0)
    assert values_upright(widest=21.6, bar_pitch=15.0)
    # and sideways values are never taller than a bar's pitch is wide
    assert value_size(12.0, 10.0) * 1.25 <= 10.0
    assert value_size(12.0, 40.0) == 12.0


def test_a_long_name_is_wrapped_at_its_spaces_and_not_cut() -> None:
    lines, was_cut = wrap(LONG_ROAD, 16.0, 384.0)
    assert not was_cut
    assert " ".join(lines) == LONG_ROAD
    assert all(text_width(line, 16.0) <= 384.0 for line in lines)


def test_a_name_with_no_space_to_break_is_cut_with_an_ellipsis() -> None:
    lines, was_cut = wrap(LONG_PROCUREMENT, 16.0, 300.0)
    assert was_cut and lines == [cut(LONG_PROCUREMENT, 16.0, 300.0)]
    assert lines[0].endswith(ELLIPSIS) and text_width(lines[0], 16.0) <= 300.0
    assert LONG_PROCUREMENT.startswith(lines[0].removesuffix(ELLIPSIS))


def test_a_name_cut_in_its_middle_ends_there() -> None:
    # A phrase too long for a line, then more words: the label ends at the cut, never
    # "start… end" with the middle gone
    lines, was_cut = wrap(LONG_PROCUREMENT + " ในเขตเทศบาล", 16.0, 300.0)
    assert was_cut and len(lines) == 1 and lines[0].endswith(ELLIPSIS)


def test_a_name_longer_than_its_lines_is_cut_on_the_last() -> None:
    name = " ".join(["หมวดหมู่ย่อย"] * 12)
    lines, was_cut = wrap(name, 16.0, 200.0, max_lines=2)
    assert was_cut and len(lines) == 2 and lines[-1].endswith(ELLIPSIS)


def test_a_cut_never_leaves_a_thai_mark_on_the_ellipsis() -> None:
    # "สี่" cut after its tone mark would put the mark over the ellipsis
    for width in range(20, 120, 3):
        shown = cut("ที่นี่มีสี่ที่ดีดีที่สุด", 16.0, float(width))
        assert shown[-2:-1] not in {"\u0e48", "\u0e35", "\u0e34", "\u0e38"}, shown


# ---------------------------------------------------------- the charts that use them


def test_a_monthly_chart_too_narrow_for_its_month_names_draws_every_other() -> None:
    # Given twelve months with long names, squeezed into the chart's width
    stats, _ = year_of_months([5] * 12)
    labels = [f"เดือนที่ยาวมากมาย {n}\n2569" for n in range(12)]

    svg = charts.monthly_chart(stats, labels, "t", "d", series_labels=["a", "b", "c"])

    # Then only some names are drawn, never two neighbours
    drawn = [content for _, content in texts(svg) if content.startswith("เดือนที่")]
    assert 1 < len(drawn) < 12
    numbers = [int(content.rsplit(" ", 1)[1]) for content in drawn]
    assert all(b - a >= 2 for a, b in zip(numbers, numbers[1:], strict=False))


def test_a_monthly_chart_with_short_names_draws_every_month_in_buddhist_years() -> None:
    stats, labels = year_of_months([5, 7, 9, 11, 4, 3, 2, 8, 6, 1, 12, 10])

    svg = charts.monthly_chart(stats, labels, "t", "d", series_labels=["a", "b", "c"])

    contents = [content for _, content in texts(svg)]
    for month in THAI_MONTHS:
        assert month in contents
    assert contents.count("2568") == 3 and contents.count("2569") == 9


def test_the_two_lines_of_a_month_name_leave_room_for_thai_marks() -> None:
    stats, labels = year_of_months([3] * 6)

    svg = charts.monthly_chart(stats, labels, "t", "d", series_labels=["a", "b", "c"])

    october = next(attrs for attrs, content in texts(svg) if content == "ต.ค.")
    year = next(attrs for attrs, content in texts(svg) if content == "2568")
    y_of = lambda attrs: float(re.search(r' y="([\d.]+)"', attrs).group(1))  # noqa: E731
    assert y_of(year) - y_of(october) >= charts.AXIS_SIZE * LINE_HEIGHT


def test_the_phone_chart_gives_every_month_its_own_row_and_value() -> None:
    # Given a year of months, the largest in the thousands
    stats, labels = year_of_months([1200, 7, 9, 11, 4, 3, 2, 8, 6, 1, 12, 10])

    svg = charts.monthly_rows_chart(stats, labels, "t", "d", series_labels=["a", "b", "c"])

    # Then it fits a phone's width and names each month with its BE year on one line
    view = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    assert view is not None and float(view.group(1)) <= 340
    contents = [content for _, content in texts(svg)]
    assert "ต.ค. 2568" in contents and "ก.ย. 2569" in contents
    # and every bar carries its value, 36 in all (with separators for thousands)
    assert "1,200" in contents
    values = [c for c in contents if re.fullmatch(r"[\d,]+", c)]
    assert len(values) == 36
    # and the value lines are far enough apart not to touch
    assert charts.ROWS_PITCH >= charts.ROWS_VALUE_SIZE * 1.4


def test_a_cut_category_name_is_whole_in_the_chart_tooltip() -> None:
    cells = [
        Cell("1", LONG_PROCUREMENT, "Procurement", 9, None, None, None),
        Cell("2", LONG_ROAD, "Roads", SMALL_CELL, None, None, None),
        Cell("3", "ซ่อน", "Hidden", HIDDEN_CELL, None, None, None),
    ]

    svg = charts.breakdown_chart(cells, "t", "d")

    # The name with no space is cut, and whole in a <title> around its text
    assert f"<g><title>{LONG_PROCUREMENT}</title><text" in svg
    assert any(content.endswith(ELLIPSIS) for _, content in texts(svg))
    # the long name with spaces is wrapped whole, so it needs no tooltip
    assert f"<title>{LONG_ROAD}</title>" not in svg
    assert " ".join(c for _, c in texts(svg) if c not in {"9", "&lt; 3"}).endswith(LONG_ROAD)
    # and the hidden line is not drawn at all
    assert "ซ่อน" not in svg
