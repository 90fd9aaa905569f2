"""Thai numerals (๐–๙) in a rendered document, as Thai official documents print them.

Only the text a reader reads changes: markup, attribute values (links), stylesheets and
scripts are left alone, and so is any element marked ``data-digits="latin"`` — what a
reader copies into a machine (web and e-mail addresses, telephone numbers, LINE IDs,
case references) must keep the digits that machine expects.
"""

from __future__ import annotations

import re

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
KEEP_LATIN = 'data-digits="latin"'

# A tag, a comment or a run of text between them.
_PIECES = re.compile(r"(<!--.*?-->|<[^>]*>)", re.DOTALL)
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)")
# Their content is code, not text: never touched.
_RAW_ELEMENTS = frozenset({"style", "script"})


def to_thai(text: str) -> str:
    return text.translate(THAI_DIGITS)


def in_html(html: str) -> str:
    """``html`` with Thai numerals in its text, outside the elements kept in Latin."""
    pieces = _PIECES.split(html)
    kept_tag = ""  # the element whose content stays as it is, while inside it
    depth = 0
    for index, piece in enumerate(pieces):
        if index % 2 == 0:  # text
            if not kept_tag:
                pieces[index] = to_thai(piece)
            continue
        name_match = _TAG_NAME.match(piece)
        if name_match is None:  # a comment or a doctype
            continue
        name = name_match.group(1).lower()
        closing = piece.startswith("</")
        if kept_tag:
            if name == kept_tag and not piece.rstrip(">").endswith("/"):
                depth += -1 if closing else 1
                if depth == 0:
                    kept_tag = ""
            continue
        if not closing and (name in _RAW_ELEMENTS or KEEP_LATIN in piece):
            kept_tag, depth = name, 1
    return "".join(pieces)
