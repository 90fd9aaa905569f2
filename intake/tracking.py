"""Tracking codes: random, readable aloud, with a check digit.

27 random decimal digits (about 89.7 bits from ``secrets``) and a Damm check digit make
28 digits, shown as seven groups of four on two lines (four groups, then three), so a
person can read it aloud line by line and copy it onto paper without losing their place.
Digits are easy to read over the phone and to
type on any keyboard; Thai digits, spaces and dashes are accepted back. The Damm
algorithm catches every single-digit error and every swap of two neighbouring digits,
so a typo says "check the code" instead of "not found".
"""

from __future__ import annotations

import re
import secrets

from intake.thaidate import to_arabic_digits

RANDOM_DIGITS = 27
CODE_LENGTH = RANDOM_DIGITS + 1
GROUP = 4
GROUPS_PER_LINE = 4
_SEPARATORS = re.compile(r"[\s\-–—_.]+")

# Damm's totally anti-symmetric quasigroup of order 10.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


class CodeFormatError(ValueError):
    """The typed code cannot be a tracking code. ``reason``: "empty", "characters",
    "length" or "check"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def damm_digit(digits: str) -> int:
    interim = 0
    for char in digits:
        interim = _DAMM[interim][int(char)]
    return interim


def new_code() -> str:
    """A fresh code in its normalised form (28 ASCII digits)."""
    body = "".join(str(secrets.randbelow(10)) for _ in range(RANDOM_DIGITS))
    return body + str(damm_digit(body))


def group(code: str) -> str:
    """For display: ``1234 5678 …``."""
    return " ".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def display_lines(code: str) -> list[str]:
    """The grouped code cut into the lines it is printed on: four groups, then the rest."""
    groups = group(code).split(" ")
    return [
        " ".join(groups[i : i + GROUPS_PER_LINE]) for i in range(0, len(groups), GROUPS_PER_LINE)
    ]


def normalize(typed: str) -> str:
    """Turn what a person typed into the normalised code, or say what is wrong."""
    text = _SEPARATORS.sub("", to_arabic_digits(typed or ""))
    if not text:
        raise CodeFormatError("empty")
    if not text.isascii() or not text.isdigit():
        raise CodeFormatError("characters")
    if len(text) != CODE_LENGTH:
        raise CodeFormatError("length")
    if damm_digit(text) != 0:
        raise CodeFormatError("check")
    return text
