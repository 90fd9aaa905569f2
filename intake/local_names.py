"""The Thai or the English name of a thing, for the language a page is read in.

Every name is entered in Thai and its English name is optional: English readers get the
English name where there is one and the Thai one otherwise; Thai readers always get the
Thai one. ``intake.i18n`` offers the same for the current request, and to templates as
``{{ row|local_name }}`` and ``{{ in_language(thai, english) }}``.
"""

from __future__ import annotations

from typing import Protocol


class Named(Protocol):
    """A row with a Thai name and an optional English one (departments, categories, the
    organisation)."""

    @property
    def name_th(self) -> str: ...

    @property
    def name_en(self) -> str: ...


def in_language(thai: str | None, english_text: str | None, english: bool) -> str:
    """``english_text`` for an English reader when it is not empty, else ``thai``."""
    return (english and english_text) or thai or ""


def local_name(row: Named, english: bool) -> str:
    return in_language(row.name_th, row.name_en, english)
