"""Text that a spreadsheet could take for a formula, made harmless.

Category and department names, report texts and anything else staff type end up in the
open-data CSV and the report workbooks. A spreadsheet program that opens a cell starting
with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before one) runs it as a
formula: a name like ``=HYPERLINK("http://…")`` would put a link, or worse, in front of
whoever opens the file. Every CSV and XLSX writer passes its text cells through here;
numbers stay numbers (a negative count is a number, not text).
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def looks_like_formula(value: Any) -> bool:
    """True for text a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def spreadsheet_safe(value: Any) -> Any:
    """The value for a CSV cell: such text gets a leading apostrophe, which spreadsheets
    show as text and never evaluate; everything else is returned unchanged."""
    if looks_like_formula(value):
        return QUOTE + value
    return value


def safe_rows(rows: Any) -> list[list[Any]]:
    """Every cell of ``rows`` through :func:`spreadsheet_safe`."""
    return [[spreadsheet_safe(value) for value in row] for row in rows]
