"""Finding an organisation by what a person types: its name with or without the kind of
local government in front (องค์การบริหารส่วนตำบล, อบต., อบต, "SAO"…), its province or
district with or without their level words (จังหวัด/จ., อำเภอ/อ., ตำบล/ต., เขต, แขวง),
Thai or Latin digits, any spacing, Thai or English.

Each organisation row stores ``search_key(...)``: its own name, English name, province and
district, each folded to one word (``intake.places.folding``), separated by spaces, and a
marker of its kind. ``query_terms(text)`` folds what a person typed the same way, and the
directory keeps the rows whose key contains every term:

    search_key LIKE '%' || :term || '%'     -- one condition per term, joined by AND

A term never holds a space, "%", "_" or "\\", so it cannot reach across two parts of a
key nor act as a wildcard, and it needs no escaping.

How a type word narrows: "อบต.บ้านใหม่", "องค์การบริหารส่วนตำบล บ้านใหม่" and
"Ban Mai SAO" give the terms ``["บ้านใหม่", "type:sao"]`` (or ``["ban", "mai", "type:sao"]``),
and only subdistrict administrative organisations carry ``type:sao`` in their key. The word
เทศบาล (English "municipality") alone gives ``type:muni``, which all three levels of
municipality carry. When several kinds are typed, a named level (อบต., ทต., …) wins over
the general เทศบาล, and the first named level over later ones. A type word alone ("อบต.")
lists every organisation of that kind. Nothing to search (empty text, only marks) gives
no terms: the caller decides what an empty search shows.

Both sides are in lower case, so the same LIKE works on PostgreSQL (case-sensitive) and
SQLite. In SQLAlchemy: ``and_(*(Organisation.search_key.like(f"%{t}%") for t in terms))``.
"""

from __future__ import annotations

import re

from intake import places
from intake.models import OrganisationType
from intake.places.folding import fold, place_key, prepared

SEARCH_KEY_LENGTH = 600  # the column's size
MAX_QUERY_LENGTH = 200  # what is read of a query; the rest is ignored
MAX_TERMS = 8  # name words; the kind's marker comes on top
MAX_PART_LENGTH = 120  # of one part of a key (a name, a place)

MUNICIPAL = frozenset(
    {
        OrganisationType.CITY,
        OrganisationType.TOWN,
        OrganisationType.SUBDISTRICT_MUNICIPALITY,
    }
)
ANY_MUNICIPALITY_MARKER = "type:muni"


def type_marker(kind: OrganisationType) -> str:
    """The word a key holds for its kind: "type:" and the kind, with no "_" (a wildcard in
    LIKE), and none a part of another."""
    return "type:" + kind.value.replace("_", "-")


# Placeholders for a recognised type word while the text is cut into words: private-use
# characters, which no name holds and ``fold`` drops.
_KINDS = tuple(OrganisationType)
_ANY_MUNICIPALITY = "\ue0ff"


def _placeholder(kind: OrganisationType | None) -> str:
    return _ANY_MUNICIPALITY if kind is None else chr(0xE000 + _KINDS.index(kind))


_PLACEHOLDER_KIND: dict[str, OrganisationType | None] = {
    _placeholder(kind): kind for kind in (*_KINDS, None)
}


def _words(*parts: str) -> str:
    """Thai words that may be written apart ("องค์การ บริหารส่วนตำบล")."""
    return r"\s*".join(parts)


_ORGANISATION = _words("องค์การ", "บริหาร", "ส่วน")
# Written out, a type word is recognised wherever it stands, the longest first.
_THAI_TYPES = (
    (_ORGANISATION + r"\s*จังหวัด", OrganisationType.PAO),
    (_ORGANISATION + r"\s*ตำบล", OrganisationType.SAO),
    (_words("เทศบาล", "นคร"), OrganisationType.CITY),
    (_words("เทศบาล", "เมือง"), OrganisationType.TOWN),
    (_words("เทศบาล", "ตำบล"), OrganisationType.SUBDISTRICT_MUNICIPALITY),
    ("เทศบาล", None),
)
_ORGANISATION_EN = r"\s+administrative\s+organi[sz]ation\b"
_ENGLISH_TYPES = (
    (r"\b(?:provincial|changwat)" + _ORGANISATION_EN, OrganisationType.PAO),
    (r"\b(?:subdistrict|tambon)" + _ORGANISATION_EN, OrganisationType.SAO),
    (r"\b(?:city|nakhon)\s+municipality\b", OrganisationType.CITY),
    (r"\b(?:town|mueang|muang)\s+municipality\b", OrganisationType.TOWN),
    (r"\b(?:subdistrict|tambon)\s+municipality\b", OrganisationType.SUBDISTRICT_MUNICIPALITY),
    (r"\bmunicipality\b", None),
)
# In capitals only: "Sao" is also a part of names (Bang Sao Thong).
_ENGLISH_ABBREVIATIONS = re.compile(r"\b(SAO|TAO|PAO)\b")
_ENGLISH_ABBREVIATION_KINDS = {
    "SAO": OrganisationType.SAO,
    "TAO": OrganisationType.SAO,
    "PAO": OrganisationType.PAO,
}
# Level words written out (anywhere) and the English ones (whole words): left out.
_LEVEL_ANYWHERE = re.compile(_words("กิ่ง", "อำเภอ") + "|จังหวัด|อำเภอ|ตำบล")
_ENGLISH_LEVELS = re.compile(
    r"\b(?:province|district|subdistrict|amphoe|amphur|tambon|changwat|khet|khwaeng)\b"
)


def _abbreviation(letters: str, attached: bool) -> str:
    """An abbreviation at the start of a word, dots between its letters or not. A
    two-letter one (ทน, ทม, ทต) needs its dot or to stand alone, or it would eat the start
    of names (ทมิฬ); a three-letter one may run into the name (อบต.บ้านใหม่, อบตบ้านใหม่)."""
    body = r"\.?\s*".join(letters)
    return body + (r"\.?" if attached else r"(?:\.|$)")


# At the start of a word: the abbreviations of the kinds, then the level words.
_LEADING = tuple(
    (re.compile(pattern), kind)
    for pattern, kind in (
        (_abbreviation("อบจ", attached=True), OrganisationType.PAO),
        (_abbreviation("อบต", attached=True), OrganisationType.SAO),
        (_abbreviation("ทน", attached=False), OrganisationType.CITY),
        (_abbreviation("ทม", attached=False), OrganisationType.TOWN),
        (_abbreviation("ทต", attached=False), OrganisationType.SUBDISTRICT_MUNICIPALITY),
    )
)
_LEADING_LEVEL = re.compile(r"(?:แขวง|เขต|[จอต]\.|[จอต]$)")
# Between words: anything but letters, marks, digits and what joins a name (. - ').
_SEPARATORS = re.compile(r"[^\w.\-'’\u0e00-\u0e7f\ue000-\ue0ff]+|_")


def _marked(text: str) -> str:
    """``text`` prepared, with every written-out type word a placeholder standing apart,
    and the level words gone."""
    text = _ENGLISH_ABBREVIATIONS.sub(
        lambda found: f" {_placeholder(_ENGLISH_ABBREVIATION_KINDS[found.group(1)])} ", text
    )
    text = prepared(text)
    for pattern, kind in (*_ENGLISH_TYPES, *_THAI_TYPES):
        text = re.sub(pattern, f" {_placeholder(kind)} ", text)
    return _ENGLISH_LEVELS.sub(" ", _LEVEL_ANYWHERE.sub(" ", text))


def _leading_abbreviation(chunk: str) -> tuple[OrganisationType, int] | None:
    """The kind a word starts with as an abbreviation, and where the rest begins."""
    for pattern, kind in _LEADING:
        if match := pattern.match(chunk):
            return kind, match.end()
    return None


def _read(text: str) -> tuple[list[str], list[OrganisationType | None]]:
    """The folded words of ``text`` and the kinds named in it, in order."""
    words: list[str] = []
    kinds: list[OrganisationType | None] = []
    for chunk in _SEPARATORS.split(_marked(text)):
        while chunk:
            if chunk[0] in _PLACEHOLDER_KIND:
                kinds.append(_PLACEHOLDER_KIND[chunk[0]])
                chunk = chunk[1:]
                continue
            abbreviation = _leading_abbreviation(chunk)
            if abbreviation is not None:
                kinds.append(abbreviation[0])
                chunk = chunk[abbreviation[1] :]
                continue
            level = _LEADING_LEVEL.match(chunk)
            if level is None:
                break
            chunk = chunk[level.end() :]
        if word := fold(chunk):
            words.append(word)
    return words, kinds


def _narrowing(kinds: list[OrganisationType | None]) -> list[str]:
    named = [kind for kind in kinds if kind is not None]
    if named:
        return [type_marker(named[0])]
    return [ANY_MUNICIPALITY_MARKER] if kinds else []


def _first_part(text: str) -> str:
    """What is read of ``text``: its first ``MAX_QUERY_LENGTH`` characters, without a word
    cut in two at the end."""
    if len(text) <= MAX_QUERY_LENGTH:
        return text
    kept = text[:MAX_QUERY_LENGTH]
    if text[MAX_QUERY_LENGTH].isspace() or not any(char.isspace() for char in kept):
        return kept
    return kept.rsplit(None, 1)[0]


def query_terms(text: str) -> list[str]:
    """What a person typed, as the terms each key must contain (see the module's text)."""
    words, kinds = _read(_first_part(text))
    terms = list(dict.fromkeys(word[:MAX_PART_LENGTH] for word in words))[:MAX_TERMS]
    return terms + _narrowing(kinds)


def own_name(name_th: str) -> str:
    """An organisation's name without its kind or level words, folded: "บ้านใหม่" for
    "องค์การบริหารส่วนตำบลบ้านใหม่" and for "อบต. บ้าน ใหม่"."""
    return "".join(_read(name_th)[0])


def _place_parts(province_th: str, district_th: str) -> list[str]:
    parts = [place_key(province_th), place_key(district_th)]
    found = places.province(province_th)
    if found is not None:
        parts += [fold(found.name_en), *places.PROVINCE_ALIASES.get(found.code, ())]
    district = places.district(province_th, district_th)
    if district is not None:
        parts.append(fold(district.name_en))
    return parts


def search_key(
    name_th: str,
    name_en: str,
    kind: OrganisationType,
    province: str,
    district: str,
) -> str:
    """The text stored with an organisation for ``query_terms`` to find it (at most
    ``SEARCH_KEY_LENGTH`` characters: the kind first, then its names, then its places)."""
    markers = [type_marker(kind)]
    if kind in MUNICIPAL:
        markers.append(ANY_MUNICIPALITY_MARKER)
    names = [own_name(name_th), fold(name_en), *_place_parts(province, district)]
    parts = dict.fromkeys([*markers, *(part[:MAX_PART_LENGTH] for part in names if part)])
    return " ".join(parts)[:SEARCH_KEY_LENGTH]
