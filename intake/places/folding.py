"""One written form for a place or organisation name, so what a person types and what is
stored compare equal: Thai digits as Latin ones, lower case, no spaces, dots, hyphens or
other marks, and the words for the level of a place (จังหวัด, อำเภอ, ตำบล, เขต…) taken off.

Pure functions of text; ``intake.places.names`` builds the directory search on them.
"""

from __future__ import annotations

import re
import unicodedata

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# NFKC splits SARA AM into NIKHAHIT + SARA AA; text copied from PDFs often comes that way
# too. Both are put back as the one character that keyboards type.
_SPLIT_SARA_AM = "\u0e4d\u0e32"
_SARA_AM = "\u0e33"
# ฯ shortens a name ("กรุงเทพฯ"): without it the rest is still a part of the full name.
_DROPPED = frozenset("ฯ")

# A level word before a place's own name, written out (anywhere a word starts) or as its
# abbreviation, which needs its dot: "อ" alone begins names such as อ่างทอง.
LEVEL_WORDS = ("กิ่งอำเภอ", "จังหวัด", "อำเภอ", "ตำบล", "แขวง", "เขต")
LEVEL_ABBREVIATIONS = ("จ.", "อ.", "ต.")
_LEADING_LEVEL = re.compile(
    "^(?:" + "|".join(re.escape(w) for w in (*LEVEL_WORDS, *LEVEL_ABBREVIATIONS)) + r")\s*"
)


def prepared(text: str) -> str:
    """``text`` in one Unicode form, lower case, Latin digits; spacing and marks kept."""
    text = unicodedata.normalize("NFKC", text).replace(_SPLIT_SARA_AM, _SARA_AM)
    return text.translate(THAI_DIGITS).lower()


def fold(text: str) -> str:
    """The letters, marks and digits of ``text`` (see ``prepared``), nothing else."""
    return "".join(
        char
        for char in prepared(text)
        if unicodedata.category(char)[0] in "LMN" and char not in _DROPPED
    )


def without_level(name: str) -> str:
    """``name`` without the level words in front of it ("อำเภอ", "อ.", "เขต"…)."""
    name = prepared(name).strip()
    while (shorter := _LEADING_LEVEL.sub("", name, count=1)) != name:
        name = shorter
    return name


def place_key(name: str) -> str:
    """The form two names of one place share: "อ. เมือง ขอนแก่น" and "เมืองขอนแก่น",
    "Mueang Khon Kaen" and "mueang khon-kaen"."""
    return fold(without_level(name))
