"""Where a chart's words go, so that no two of them ever run into each other.

Pure rules on estimated text widths (SVG text cannot be measured on the server): how wide
a label is, how a long name is wrapped or cut, which axis labels are drawn when the slots
are too narrow for all of them, and when values turn sideways above narrow bars. The
estimates are generous, so a rule that says "fits" leaves a little room in any font the
reader's browser or WeasyPrint picks.
"""

from __future__ import annotations

from collections.abc import Sequence

CHAR_WIDTH = 0.6  # average advance of a digit or Latin letter, in ems
THAI_CHAR_WIDTH = 0.5  # Thai marks take no room, so on average a little less
# Thai stacks tone marks above and vowels below the letters: lines of Thai need more room
# between them than Latin text, or the marks of one line touch the next.
LINE_HEIGHT = 1.5
ELLIPSIS = "…"
LABEL_GAP = 4.0  # the least room between two neighbouring labels, in viewBox units


def text_width(text: str, size: float) -> float:
    """A generous estimate of the drawn width of ``text`` at font size ``size``."""
    thai = sum(1 for ch in text if "\u0e00" <= ch <= "\u0e7f")
    return size * (thai * THAI_CHAR_WIDTH + (len(text) - thai) * CHAR_WIDTH)


def cut(text: str, size: float, width: float) -> str:
    """``text`` as it fits in ``width``: whole, or shortened and ended with an ellipsis."""
    if text_width(text, size) <= width:
        return text
    shown = text
    while shown and text_width(shown + ELLIPSIS, size) > width:
        shown = shown[:-1]
    # A Thai mark left at the end would sit on the ellipsis: drop it with its letter.
    while shown and _is_thai_mark(shown[-1]):
        shown = shown[:-1]
    return shown.rstrip() + ELLIPSIS


def _is_thai_mark(ch: str) -> bool:
    """Vowels and tone marks drawn above or below the letter before them."""
    return ch == "\u0e31" or "\u0e34" <= ch <= "\u0e3a" or "\u0e47" <= ch <= "\u0e4e"


def wrap(label: str, size: float, width: float, max_lines: int = 3) -> tuple[list[str], bool]:
    """A long name on at most ``max_lines`` lines of ``width``, broken at spaces (Thai
    puts spaces between phrases). What still does not fit is cut with an ellipsis; the
    second value says whether anything was cut, so that the caller can give the full
    name elsewhere (a ``<title>`` the browser shows on hover, and the table). A word too
    long for a line (Thai writes a phrase without spaces) is cut there, and the label
    ends with it."""
    lines: list[str] = []
    current = ""
    for word in label.split():
        candidate = f"{current} {word}".strip()
        if current and text_width(candidate, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    kept = lines[:max_lines]
    if len(lines) > max_lines:
        kept[-1] = kept[-1] + " " + " ".join(lines[max_lines:])
    # The first line that has to be cut ends the label: a name read as "start…" is
    # clearer than one with a gap in the middle.
    fitted: list[str] = []
    for line in kept:
        fitted.append(cut(line, size, width))
        if fitted[-1] != line:
            break
    return fitted, fitted != lines


def label_step(widths: Sequence[float], slot: float, gap: float = LABEL_GAP) -> int:
    """Draw every n-th of a row of centred axis labels, one per slot of ``slot`` units:
    the least n for which every two neighbours that are drawn keep ``gap`` between
    them. 1 when all fit; the reader finds the others by their place (and in the table).
    """
    count = len(widths)
    for step in range(1, max(count, 1)):
        drawn = list(widths[::step])
        if all(
            (left + right) / 2 + gap <= step * slot
            for left, right in zip(drawn, drawn[1:], strict=False)
        ):
            return step
    return max(count, 1)


def values_upright(widest: float, bar_pitch: float, gap: float = 2.0) -> bool:
    """Values above bars turn sideways when the widest would reach over its neighbour's."""
    return widest + gap > bar_pitch


def value_size(size: float, bar_pitch: float) -> float:
    """The font size for values turned sideways: a line of text is about 1.2 of its size
    high, and it must not be wider than the bar's pitch, or it touches the next value."""
    return min(size, bar_pitch / 1.25)
