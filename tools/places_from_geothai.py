"""Rebuild ``intake/places/*.json`` from the ``geothai`` package (GeoThai/data, CC BY 4.0).

The application does not depend on geothai: it ships the two files this script writes.
Run it when a new GeoThai data release changes a name (a new district, a renamed one):

    python -m venv /tmp/geothai && /tmp/geothai/bin/pip install geothai
    /tmp/geothai/bin/python tools/places_from_geothai.py

then read the diff, and update the counts in ``tests/test_places.py``.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import geothai

PLACES = Path(__file__).resolve().parents[1] / "intake" / "places"
# Bangkok's districts are listed as "เขตพระนคร": the level word is kept apart, as it is for
# every อำเภอ, so each name is the place's own name.
BANGKOK_LEVEL = "เขต"


def _own_name(name_th: str) -> str:
    return name_th.removeprefix(BANGKOK_LEVEL)


def main() -> None:
    provinces = []
    subdistricts: dict[str, list[list[str]]] = {}
    for province in geothai.provinces():
        districts = []
        for district in geothai.districts(province.code):
            districts.append([district.code, _own_name(district.name_th), district.name_en])
            subdistricts[district.code] = [
                [sub.name_th, sub.name_en] for sub in geothai.subdistricts(district.code)
            ]
        provinces.append([province.code, province.name_th, province.name_en, districts])
    source = {
        "source": f"GeoThai/data {geothai.DATA_VERSION} (geothai {version('geothai')})",
        "licence": "CC BY 4.0, (c) Pongsakorn Thipayanate; names and codes from the "
        "Department of Provincial Administration (stat.bora.dopa.go.th)",
    }
    (PLACES / "thailand.json").write_text(
        json.dumps({**source, "provinces": provinces}, ensure_ascii=False, separators=(",", ":"))
        + "\n",
        encoding="utf-8",
    )
    (PLACES / "subdistricts.json").write_text(
        json.dumps({**source, "districts": subdistricts}, ensure_ascii=False, separators=(",", ":"))
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
