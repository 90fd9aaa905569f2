"""Thai first, English too: every message in the code has an English translation, and none
is a guess (a "fuzzy" entry that pybabel update matched by likeness)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

# The repository's own files (the test locates the checkout, not the application).
REPO = Path(__file__).resolve().parents[1]
CATALOGUE = REPO / "intake" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
TEMPLATE = REPO / "intake" / "translations" / "messages.pot"


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def test_every_message_has_an_english_translation_that_is_not_a_guess() -> None:
    english = _read(CATALOGUE)
    missing = [
        m.id
        for m in _read(TEMPLATE)
        if m.id and not (english.get(m.id) and english.get(m.id).string)
    ]
    fuzzy = [m.id for m in english if m.id and m.fuzzy]
    assert missing == [], f"{len(missing)} messages without English: {missing[:10]}"
    assert fuzzy == [], f"fuzzy (guessed) translations: {fuzzy[:10]}"
