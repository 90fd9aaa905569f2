"""Organisations for a demo host (``--orgs 8000``): local governments of every kind in the
real proportions, placed in real provinces and districts, named after real ตำบล, with
English names and unique slugs. Plain values, no database: the loader writes the rows.

The same seed gives the same organisations. Numbers of each kind (Department of Local
Administration, rounded): 76 อบจ. (one per province; Bangkok has none), about 30
เทศบาลนคร, 195 เทศบาลเมือง, 2,240 เทศบาลตำบล and 5,300 อบต., and the two special ones,
กรุงเทพมหานคร and เมืองพัทยา.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from intake import places
from intake.models import OrganisationType
from intake.places.slugs import MAX_LENGTH, slug_from
from intake.places.type_names import official_name

Kind = OrganisationType
REAL_COUNTS = {
    Kind.PAO: 76,
    Kind.CITY: 30,
    Kind.TOWN: 195,
    Kind.SUBDISTRICT_MUNICIPALITY: 2240,
    Kind.SAO: 5300,
    Kind.SPECIAL: 2,
}
ONE_EACH = {Kind.PAO: 76, Kind.SPECIAL: 2}  # never more than there are
MAX_ORGANISATIONS = 100_000  # far below the names the districts can give
SLUG_WORD = {
    Kind.PAO: "pao",
    Kind.CITY: "city",
    Kind.TOWN: "town",
    Kind.SUBDISTRICT_MUNICIPALITY: "tm",
    Kind.SAO: "sao",
}
# Common parts of Thai village names (Thai, RTGS), for names once a district's own ตำบล
# names are used up.
FIRST_PARTS = (
    ("บ้าน", "Ban"), ("หนอง", "Nong"), ("โนน", "Non"), ("ดอน", "Don"), ("ห้วย", "Huai"),
    ("นา", "Na"), ("โคก", "Khok"), ("ท่า", "Tha"), ("บึง", "Bueng"), ("วัง", "Wang"),
    ("สระ", "Sa"), ("ทุ่ง", "Thung"), ("คลอง", "Khlong"), ("ป่า", "Pa"), ("เขา", "Khao"),
    ("บาง", "Bang"),
)  # fmt: skip
SECOND_PARTS = (
    ("ใหม่", "Mai"), ("ใหญ่", "Yai"), ("น้อย", "Noi"), ("ทอง", "Thong"), ("แก้ว", "Kaeo"),
    ("เหนือ", "Nuea"), ("ใต้", "Tai"), ("งาม", "Ngam"), ("สวรรค์", "Sawan"), ("บัว", "Bua"),
    ("ไผ่", "Phai"), ("โพธิ์", "Pho"), ("สูง", "Sung"), ("กลาง", "Klang"), ("จิก", "Chik"),
    ("ขาม", "Kham"),
)  # fmt: skip
CAPITAL_PREFIX = ("เมือง", "Mueang ")  # the capital district is เมือง + the province


@dataclass(frozen=True)
class HostOrganisation:
    slug: str
    kind: OrganisationType
    name_th: str  # the full official name: องค์การบริหารส่วนตำบลบ้านใหม่
    name_en: str
    province: str  # as intake.places spells it
    district: str


def kind_counts(count: int) -> dict[OrganisationType, int]:
    """How many of each kind ``count`` organisations hold: the real proportions, rounded
    by largest remainder, with at most one อบจ. per province and the two special ones."""
    fixed = dict(ONE_EACH) if count >= sum(ONE_EACH.values()) else {}
    shares = {kind: n for kind, n in REAL_COUNTS.items() if kind not in fixed}
    left = count - sum(fixed.values())
    total = sum(shares.values())
    exact = {kind: left * n / total for kind, n in shares.items()}
    counts = {kind: int(value) for kind, value in exact.items()}
    by_remainder = sorted(exact, key=lambda kind: exact[kind] - counts[kind], reverse=True)
    for kind in by_remainder[: left - sum(counts.values())]:
        counts[kind] += 1
    return {**fixed, **counts}


_COMBINED = tuple(
    (first + second, f"{first_en} {second_en}")
    for first, first_en in FIRST_PARTS
    for second, second_en in SECOND_PARTS
)


class _Names:
    """The names still free in each district, and the slugs already given."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: dict[str, set[str]] = {}
        self._real_left: dict[str, list[tuple[str, str]]] = {}
        self._combined: dict[str, list[tuple[str, str]]] = {}
        self._slugs: set[str] = set()

    def take(self, district: places.District, name_th: str) -> bool:
        """Whether ``name_th`` was still free in the district (it is not any more)."""
        used = self._used.setdefault(district.code, set())
        if name_th in used:
            return False
        used.add(name_th)
        return True

    def _real(self, district: places.District) -> list[tuple[str, str]]:
        """The district's own ตำบล names not given yet, in a random order (last first)."""
        real = self._real_left.get(district.code)
        if real is None:
            real = [(s.name_th, s.name_en) for s in places.subdistricts(district)]
            self._rng.shuffle(real)
            self._real_left[district.code] = real
        used = self._used.get(district.code, set())
        while real and real[-1][0] in used:
            real.pop()
        return real

    def real_left(self, district: places.District) -> bool:
        return bool(self._real(district))

    def village(self, district: places.District) -> tuple[str, str] | None:
        """A free name in the district (Thai, English): one of its own ตำบล names, else a
        common combination; None when none is left."""
        real = self._real(district)
        if real:
            pair = real.pop()
            self.take(district, pair[0])
            return pair
        combined = self._combined.get(district.code)
        if combined is None:
            combined = self._combined[district.code] = list(_COMBINED)
            self._rng.shuffle(combined)
        while combined:
            pair = combined.pop()
            if self.take(district, pair[0]):
                return pair
        return None

    def slug(self, *words: str) -> str:
        base = slug_from(" ".join(words))
        slug, number = base, 1
        while slug in self._slugs:
            number += 1
            suffix = f"-{number}"
            slug = base[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        self._slugs.add(slug)
        return slug


def _compact(english: str) -> str:
    """A province's English name as one word in a slug: "khonkaen"."""
    return english.replace(" ", "").lower()


def _slug_words(own_en: str, province_en: str) -> tuple[str, ...]:
    """The name and the province, or the province once when it is the name."""
    province = _compact(province_en)
    return (province,) if own_en == province_en else (own_en, province)


def _own_district_name(district: places.District) -> tuple[str, str]:
    """The district's name as a municipality takes it: the capital's without เมือง."""
    thai, english = CAPITAL_PREFIX
    if district.name_th.startswith(thai) and district.name_en.startswith(english):
        return district.name_th.removeprefix(thai), district.name_en.removeprefix(english)
    return district.name_th, district.name_en


@dataclass
class _Host:
    rng: random.Random
    names: _Names
    made: list[HostOrganisation]

    def add(self, kind: OrganisationType, own: tuple[str, str], district: places.District) -> None:
        province = places.province(district.province_th)
        assert province is not None  # noqa: S101 (the district came from places)
        self.made.append(
            HostOrganisation(
                slug=self.names.slug(SLUG_WORD[kind], *_slug_words(own[1], province.name_en)),
                kind=kind,
                name_th=official_name(kind, own[0], english=False),
                name_en=official_name(kind, own[1], english=True),
                province=province.name_th,
                district=district.name_th,
            )
        )

    def named_or_village(
        self, kind: OrganisationType, own: tuple[str, str], district: places.District
    ) -> None:
        """One of ``kind`` named ``own`` if that is free in the district, else a village."""
        if self.names.take(district, own[0]):
            self.add(kind, own, district)
        else:
            self.villages(kind, 1, [district])

    def villages(
        self, kind: OrganisationType, count: int, districts: list[places.District]
    ) -> None:
        """``count`` of ``kind``, each in a district drawn from ``districts``; when that one
        has no ตำบล name left, another of the same province that has one."""
        allowed = {district.code for district in districts}
        while count:
            district = self.rng.choice(districts)
            if not self.names.real_left(district):
                nearby = [
                    other
                    for other in places.districts(district.province_th)
                    if other.code in allowed and self.names.real_left(other)
                ]
                district = self.rng.choice(nearby) if nearby else district
            own = self.names.village(district)
            if own is not None:
                self.add(kind, own, district)
                count -= 1


# (Thai name, English name, province, district, slug)
SPECIAL = (
    ("กรุงเทพมหานคร", "Bangkok Metropolitan Administration", places.BANGKOK, "พระนคร", "bangkok"),
    ("เมืองพัทยา", "Pattaya City", "ชลบุรี", "บางละมุง", "pattaya"),
)


def _special(host: _Host, count: int) -> None:
    for name_th, name_en, province_th, district_th, slug in SPECIAL[:count]:
        district = places.district(province_th, district_th)
        assert district is not None  # noqa: S101 (checked by the tests)
        host.names.take(district, name_th)
        host.names.slug(slug)
        kind = OrganisationType.SPECIAL
        host.made.append(HostOrganisation(slug, kind, name_th, name_en, province_th, district_th))


def _provincial(host: _Host, counts: dict[OrganisationType, int]) -> None:
    """The อบจ. (one per province, in its capital district, the first in DOPA's order) and
    the cities: the first city of a province takes its name, in the capital; more go to
    other districts. Larger provinces (more districts) come first more often."""
    provinces = [p for p in places.provinces() if p.name_th != places.BANGKOK]
    for province in host.rng.sample(provinces, counts.get(OrganisationType.PAO, 0)):
        host.add(OrganisationType.PAO, (province.name_th, province.name_en), province.districts[0])
    order = sorted(
        provinces, key=lambda p: host.rng.random() ** (1 / len(p.districts)), reverse=True
    )
    for index in range(counts.get(OrganisationType.CITY, 0)):
        province = order[index % len(order)]
        if index < len(order):
            own = (province.name_th, province.name_en)
            host.named_or_village(OrganisationType.CITY, own, province.districts[0])
        else:
            district = host.rng.choice(province.districts)
            host.named_or_village(OrganisationType.CITY, _own_district_name(district), district)


def _local(host: _Host, counts: dict[OrganisationType, int]) -> None:
    """Towns (named after their district where that name is free), subdistrict
    municipalities and SAOs, each in a district drawn evenly from all outside Bangkok: so
    in proportion to each province's number of districts."""
    districts = [
        district
        for province in places.provinces()
        if province.name_th != places.BANGKOK
        for district in province.districts
    ]
    for _ in range(counts.get(OrganisationType.TOWN, 0)):
        district = host.rng.choice(districts)
        host.named_or_village(OrganisationType.TOWN, _own_district_name(district), district)
    for kind in (OrganisationType.SUBDISTRICT_MUNICIPALITY, OrganisationType.SAO):
        host.villages(kind, counts.get(kind, 0), districts)


def generate(count: int, seed: int = 0) -> list[HostOrganisation]:
    """``count`` organisations for a demo host, the same ones for the same seed. English
    names come from the catalogue: call it in the application's context."""
    if not 0 <= count <= MAX_ORGANISATIONS:
        raise ValueError(f"between 0 and {MAX_ORGANISATIONS} organisations")
    counts = kind_counts(count)
    rng = random.Random(seed)  # noqa: S311 - demo names, not secrets
    host = _Host(rng, _Names(rng), [])
    _special(host, counts.get(OrganisationType.SPECIAL, 0))
    _provincial(host, counts)
    _local(host, counts)
    return host.made
