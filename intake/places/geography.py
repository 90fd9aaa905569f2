"""Thailand's provinces and their districts (อำเภอ; เขต in Bangkok), with Thai and English
names and the Department of Provincial Administration's codes, read from the data files
shipped beside this module (see ``NOTICE.md`` for their source and licence).

A district's name is its own name, without the level word: "เมืองขอนแก่น", "พระนคร"
(Bangkok's เขตพระนคร). Lookups accept either language and ignore level words, spacing,
dots and Thai digits; what they return is the stored, canonical spelling.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from intake.places.folding import place_key

BANGKOK = "กรุงเทพมหานคร"
# Names people use for a province beside its own, by DOPA code: lookups accept them, and
# the directory's search key carries them.
PROVINCE_ALIASES = {
    "10": ("กทม", "กรุงเทพ", "krungthep"),
    "14": ("อยุธยา", "ayutthaya"),
    "30": ("โคราช", "korat"),
}


@dataclass(frozen=True)
class District:
    code: str  # DOPA's four digits: the province's two, then the district's
    name_th: str
    name_en: str
    province_th: str


@dataclass(frozen=True)
class Province:
    code: str  # DOPA's two digits
    name_th: str
    name_en: str
    districts: tuple[District, ...]


@dataclass(frozen=True)
class Subdistrict:
    """A ตำบล (แขวง in Bangkok): only its names, for the demo host's organisations."""

    name_th: str
    name_en: str


def _read(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files(__package__ or "intake.places").joinpath(name).read_text("utf-8")
    )
    return data


@cache
def _provinces() -> tuple[Province, ...]:
    return tuple(
        Province(
            code,
            name_th,
            name_en,
            tuple(District(d_code, d_th, d_en, name_th) for d_code, d_th, d_en in districts),
        )
        for code, name_th, name_en, districts in _read("thailand.json")["provinces"]
    )


@cache
def _province_index() -> dict[str, Province]:
    index: dict[str, Province] = {}
    for province in _provinces():
        for name in (province.name_th, province.name_en, *PROVINCE_ALIASES.get(province.code, ())):
            index[place_key(name)] = province
    return index


@cache
def _district_index() -> dict[tuple[str, str], District]:
    index: dict[tuple[str, str], District] = {}
    ambiguous: set[tuple[str, str]] = set()
    for province in _provinces():
        for district in province.districts:
            index[(province.code, place_key(district.name_th))] = district
            english = (province.code, place_key(district.name_en))
            if english in index:
                ambiguous.add(english)
            index[english] = district
    # Two districts of Ayutthaya are both "Bang Sai" in English (บางไทร, บางซ้าย): that
    # name finds neither, and the Thai one is needed.
    for key in ambiguous:
        del index[key]
    return index


def provinces() -> tuple[Province, ...]:
    """The 77 provinces, in DOPA code order (Bangkok first)."""
    return _provinces()


def province(name: str) -> Province | None:
    """The province of that Thai or English name ("จ.ขอนแก่น", "khon kaen", "กทม."), or
    None."""
    return _province_index().get(place_key(name))


def districts(province_th: str) -> tuple[District, ...]:
    """The districts of a province (by its Thai or English name); empty if unknown."""
    found = province(province_th)
    return found.districts if found else ()


def district(province_th: str, district_th: str) -> District | None:
    """The district of that name in that province, or None."""
    found = province(province_th)
    if found is None:
        return None
    return _district_index().get((found.code, place_key(district_th)))


def is_district(province_th: str, district_th: str) -> bool:
    """Whether the province has a district of that name ("อำเภอบ้านไผ่", "บ้านไผ่")."""
    return district(province_th, district_th) is not None


@cache
def _subdistricts() -> dict[str, tuple[Subdistrict, ...]]:
    return {
        code: tuple(Subdistrict(th, en) for th, en in names)
        for code, names in _read("subdistricts.json")["districts"].items()
    }


def subdistricts(found: District) -> tuple[Subdistrict, ...]:
    """The ตำบล (แขวง) of a district, as DOPA lists them."""
    return _subdistricts().get(found.code, ())
