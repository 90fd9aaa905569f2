"""The demo host's organisations: the real kinds in their real proportions, in real
provinces and districts, named after real ตำบล, with unique slugs, the same for a seed,
and each found by the directory's search however a person writes its name."""

from __future__ import annotations

from collections import Counter

import pytest
from flask import Flask

from intake import create_app, places
from intake.demo import host_orgs
from intake.demo.host_orgs import REAL_COUNTS, HostOrganisation, kind_counts
from intake.models import OrganisationType
from intake.places.names import query_terms, search_key
from intake.places.slugs import valid_slug
from intake.places.type_names import short_prefix, type_name

Kind = OrganisationType
DEMO_HOST = 8000


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> list[HostOrganisation]:
    """One demo host for the module's tests (no database: the generator writes none).
    English type names come from the catalogue, inside the application's context."""
    instance = tmp_path_factory.mktemp("host") / "instance"
    app = create_app(
        {
            "INTAKE_ENV": "testing",
            "INTAKE_INSTANCE_PATH": str(instance),
            "SECRET_KEY": "test-secret-key-not-for-production",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
        }
    )
    with app.app_context():
        return host_orgs.generate(DEMO_HOST, seed=7)


def test_the_kinds_come_in_the_real_proportions(host: list[HostOrganisation]) -> None:
    counts = Counter(org.kind for org in host)
    assert sum(counts.values()) == DEMO_HOST
    assert counts[Kind.PAO] == 76 and counts[Kind.SPECIAL] == 2
    others = DEMO_HOST - 78
    real_others = sum(n for kind, n in REAL_COUNTS.items() if kind not in host_orgs.ONE_EACH)
    for kind in (Kind.CITY, Kind.TOWN, Kind.SUBDISTRICT_MUNICIPALITY, Kind.SAO):
        assert abs(counts[kind] - others * REAL_COUNTS[kind] / real_others) < 1, kind


@pytest.mark.parametrize("count", [0, 1, 10, 77, 78, 500, 7843, 20_000])
def test_any_number_is_shared_out_without_losing_one(count: int) -> None:
    counts = kind_counts(count)
    assert sum(counts.values()) == count
    assert counts.get(Kind.PAO, 0) <= 76 and counts.get(Kind.SPECIAL, 0) <= 2
    if count >= 78:
        assert counts[Kind.PAO] == 76 and counts[Kind.SPECIAL] == 2


def test_every_place_is_real_and_every_slug_and_name_unique(host: list[HostOrganisation]) -> None:
    slugs = [org.slug for org in host]
    assert len(set(slugs)) == len(slugs)
    assert all(valid_slug(slug) for slug in slugs)
    names_in_district = Counter((org.province, org.district, org.name_th) for org in host)
    assert names_in_district.most_common(1)[0][1] == 1
    assert all(places.is_district(org.province, org.district) for org in host)
    assert all(org.name_th and org.name_en and org.name_en.isascii() for org in host)
    # One อบจ. in every province but Bangkok, in its capital district
    paos = [org for org in host if org.kind == Kind.PAO]
    assert {org.province for org in paos} == {
        p.name_th for p in places.provinces() if p.name_th != places.BANGKOK
    }
    assert all(
        org.district == places.districts(org.province)[0].name_th
        and org.name_th == "องค์การบริหารส่วนจังหวัด" + org.province
        for org in paos
    )
    assert {org.name_th for org in host if org.kind == Kind.SPECIAL} == {
        "กรุงเทพมหานคร",
        "เมืองพัทยา",
    }


def test_subdistrict_bodies_carry_real_subdistrict_names_and_spread_like_districts(
    host: list[HostOrganisation],
) -> None:
    local = [org for org in host if org.kind in (Kind.SUBDISTRICT_MUNICIPALITY, Kind.SAO)]
    real = 0
    for org in local:
        district = places.district(org.province, org.district)
        assert district is not None
        own = {sub.name_th for sub in places.subdistricts(district)}
        real += any(org.name_th.endswith(name) for name in own)
    assert real / len(local) > 0.8
    # A province with many districts has many more organisations than one with few
    per_province = Counter(org.province for org in local)
    assert per_province["นครราชสีมา"] > 4 * per_province["สมุทรสงคราม"]
    assert places.BANGKOK not in per_province


def test_the_same_seed_gives_the_same_host_and_another_seed_another(app: Flask) -> None:
    with app.app_context():
        first = host_orgs.generate(300, seed=1)
        assert host_orgs.generate(300, seed=1) == first
        assert host_orgs.generate(300, seed=2) != first
        assert host_orgs.generate(0) == []
        with pytest.raises(ValueError):
            host_orgs.generate(host_orgs.MAX_ORGANISATIONS + 1)


def test_a_host_larger_than_the_country_still_has_real_places_and_unique_names(
    app: Flask,
) -> None:
    # Given more organisations than Thailand has: a second city in some province
    with app.app_context():
        made = host_orgs.generate(20_000, seed=5)
    counts = Counter(org.kind for org in made)
    assert counts[Kind.PAO] == 76 and counts[Kind.CITY] > 76
    assert len({org.slug for org in made}) == len(made)
    assert len({(org.province, org.district, org.name_th) for org in made}) == len(made)
    assert all(places.is_district(org.province, org.district) for org in made)


def test_a_demo_host_of_8000_is_made_whole(app: Flask) -> None:
    # How fast is measured by `make bench`, not here: a timed assertion fails on a
    # busy machine and proves nothing about the code.
    with app.app_context():
        made = host_orgs.generate(DEMO_HOST, seed=3)
    assert len(made) == DEMO_HOST
    assert len({org.slug for org in made}) == DEMO_HOST


def test_every_organisation_is_found_however_its_name_is_written(
    host: list[HostOrganisation],
) -> None:
    for org in host:
        key = search_key(org.name_th, org.name_en, org.kind, org.province, org.district)
        own = org.name_th.removeprefix(type_name(org.kind, english=False))
        prefix = short_prefix(org.kind, english=False)
        for typed in (
            org.name_th,
            org.name_en,
            f"{prefix}{own}",
            f"{prefix} {own} อ.{org.district} จ.{org.province}",
        ):
            terms = query_terms(typed)
            assert terms and all(term in key for term in terms), (typed, key)
