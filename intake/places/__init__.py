"""Thailand's places: provinces, districts and their subdistricts (``geography``), one
written form for their names (``folding``), the directory's search on organisation names
(``names``), the names of the kinds of local government (``type_names``) and the
organisations' web names (``slugs``).

Data: GeoThai/data (CC BY 4.0), from the Department of Provincial Administration's lists;
see ``NOTICE.md``.
"""

from __future__ import annotations

from intake.places.geography import (
    BANGKOK,
    PROVINCE_ALIASES,
    District,
    Province,
    Subdistrict,
    district,
    districts,
    is_district,
    province,
    provinces,
    subdistricts,
)

__all__ = [
    "BANGKOK",
    "PROVINCE_ALIASES",
    "District",
    "Province",
    "Subdistrict",
    "district",
    "districts",
    "is_district",
    "province",
    "provinces",
    "subdistricts",
]
