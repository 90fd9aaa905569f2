"""Thailand's places, and finding an organisation by what a person types: the provinces and
districts shipped with the package, the search key stored on each organisation and the
terms a query gives, the names of the kinds of local government, and slugs."""

from __future__ import annotations

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, String, Table, and_, insert, select

from intake import places
from intake.extensions import db
from intake.models import OrganisationType
from intake.places import names, slugs, type_names
from intake.places.names import query_terms, search_key

Kind = OrganisationType

# --- the provinces and districts ---------------------------------------------------------


def test_the_data_has_every_province_district_and_subdistrict_of_dopa() -> None:
    provinces = places.provinces()
    assert len(provinces) == 77
    assert sum(len(p.districts) for p in provinces) == 928
    assert sum(len(places.subdistricts(d)) for p in provinces for d in p.districts) == 7436
    assert provinces[0].name_th == places.BANGKOK and len(provinces[0].districts) == 50
    # The newest province, and two whose numbers of districts are well known
    assert len(places.districts("บึงกาฬ")) == 8
    assert len(places.districts("ขอนแก่น")) == 26
    assert len(places.districts("นครราชสีมา")) == 32
    # Codes are DOPA's: unique, each district's beginning with its province's
    codes = [d.code for p in provinces for d in p.districts]
    assert len(set(codes)) == 928
    assert all(d.code[:2] == p.code for p in provinces for d in p.districts)


def test_a_district_is_found_with_or_without_its_level_word_in_either_language() -> None:
    assert places.is_district("ขอนแก่น", "บ้านไผ่")
    assert places.is_district("จังหวัดขอนแก่น", "อำเภอบ้านไผ่")
    assert places.is_district("จ.ขอนแก่น", "อ. บ้านไผ่")
    assert places.is_district("Khon Kaen", "ban phai")
    assert places.is_district(places.BANGKOK, "เขตบางรัก")
    assert places.is_district("กรุงเทพมหานคร", "บางรัก")
    found = places.district("khon kaen", "อำเภอ เมืองขอนแก่น")
    assert found is not None
    assert (found.name_th, found.name_en, found.code) == ("เมืองขอนแก่น", "Mueang Khon Kaen", "4001")


def test_a_district_of_another_province_or_an_unknown_name_is_not_a_district() -> None:
    assert not places.is_district("ขอนแก่น", "บางรัก")
    assert not places.is_district("ขอนแก่น", "")
    assert not places.is_district("", "บ้านไผ่")
    assert not places.is_district("นครขอนแก่น", "บ้านไผ่")
    assert places.districts("ไม่มีจังหวัดนี้") == ()
    # The capital's short name alone is not one district
    assert not places.is_district("ขอนแก่น", "เมือง")


def test_two_districts_with_one_english_name_are_found_by_their_thai_names_only() -> None:
    # Ayutthaya has บางไทร and บางซ้าย, both "Bang Sai" in English
    assert places.district("พระนครศรีอยุธยา", "Bang Sai") is None
    found = [places.district("พระนครศรีอยุธยา", name) for name in ("บางไทร", "บางซ้าย")]
    assert [d.code for d in found if d] == ["1404", "1413"]


def test_a_province_is_found_by_the_short_names_people_use() -> None:
    assert places.province("กทม.") == places.province("กรุงเทพฯ") == places.provinces()[0]
    ayutthaya = places.province("อยุธยา")
    assert ayutthaya is not None and ayutthaya.name_th == "พระนครศรีอยุธยา"
    assert places.is_district("จ.อยุธยา", "อ.บางซ้าย")
    korat = places.province("Korat")
    assert korat is not None and korat.name_en == "Nakhon Ratchasima"


# --- what a person types ------------------------------------------------------------------

SAO_BAN_MAI = ["บ้านใหม่", "type:sao"]


@pytest.mark.parametrize(
    "typed",
    [
        "อบต.บ้านใหม่",
        "อบต. บ้านใหม่",
        "อบต บ้านใหม่",
        "อบตบ้านใหม่",
        "อ.บ.ต.บ้านใหม่",
        "องค์การบริหารส่วนตำบลบ้านใหม่",
        "องค์การบริหารส่วนตำบล บ้านใหม่",
        "องค์การ บริหารส่วนตำบล  บ้านใหม่",
        "  อบต.   บ้านใหม่  ",
        "องค์การบริหารส่วนตําบลบ้านใหม่",  # SARA AM typed as two characters, as PDFs have it
        "บ้านใหม่ อบต.",
    ],
)
def test_every_way_of_writing_the_sao_prefix_gives_the_same_terms(typed: str) -> None:
    assert query_terms(typed) == SAO_BAN_MAI


@pytest.mark.parametrize(
    ("typed", "marker"),
    [
        ("อบจ.ขอนแก่น", "type:pao"),
        ("อบจ ขอนแก่น", "type:pao"),
        ("องค์การบริหารส่วนจังหวัดขอนแก่น", "type:pao"),
        ("ทน.ขอนแก่น", "type:city"),
        ("ทน ขอนแก่น", "type:city"),
        ("เทศบาลนครขอนแก่น", "type:city"),
        ("ทม.ขอนแก่น", "type:town"),
        ("ทม ขอนแก่น", "type:town"),
        ("เทศบาลเมืองขอนแก่น", "type:town"),
        ("ทต.ขอนแก่น", "type:subdistrict-muni"),
        ("ท.ต. ขอนแก่น", "type:subdistrict-muni"),
        ("เทศบาลตำบลขอนแก่น", "type:subdistrict-muni"),
        ("เทศบาลขอนแก่น", "type:muni"),
        ("Khon Kaen Provincial Administrative Organization", "type:pao"),
        ("Khon Kaen PAO", "type:pao"),
        ("khon kaen city municipality", "type:city"),
        ("Khon Kaen Town Municipality", "type:town"),
        ("khon kaen tambon municipality", "type:subdistrict-muni"),
        ("Khon Kaen Municipality", "type:muni"),
        ("khon kaen subdistrict administrative organisation", "type:sao"),
    ],
)
def test_a_type_word_narrows_to_its_kind(typed: str, marker: str) -> None:
    terms = query_terms(typed)
    assert terms[-1] == marker
    assert terms[:-1] in (["ขอนแก่น"], ["khon", "kaen"])


def test_a_two_letter_abbreviation_needs_its_dot_and_a_one_letter_one_too() -> None:
    # Names that start like an abbreviation stay whole
    assert query_terms("ทมิฬ") == ["ทมิฬ"]
    assert query_terms("ทนง") == ["ทนง"]
    assert query_terms("อ่างทอง") == ["อ่างทอง"]
    assert query_terms("ตาก") == ["ตาก"]
    assert query_terms("จันทบุรี") == ["จันทบุรี"]
    # "Sao" in a name is no type word: only the capitals SAO are
    assert query_terms("Bang Sao Thong") == ["bang", "sao", "thong"]


def test_level_words_and_their_abbreviations_are_left_out() -> None:
    expected = ["บ้านใหม่", "เมือง", "ขอนแก่น"]
    assert query_terms("ต.บ้านใหม่ อ.เมือง จ.ขอนแก่น") == expected
    assert query_terms("ตำบลบ้านใหม่ อำเภอเมือง จังหวัดขอนแก่น") == expected
    assert query_terms("บ้านใหม่อำเภอเมืองจังหวัดขอนแก่น") == expected
    assert query_terms("เขตบางรัก แขวงสีลม กทม.") == ["บางรัก", "สีลม", "กทม"]
    assert query_terms("Ban Mai Subdistrict, Mueang District, Khon Kaen Province") == [
        "ban",
        "mai",
        "mueang",
        "khon",
        "kaen",
    ]


def test_thai_digits_case_spacing_and_marks_are_folded() -> None:
    assert query_terms("  ๑๒   ") == ["12"]
    assert query_terms("BAN   mai") == ["ban", "mai"]
    assert query_terms("Su-ngai Kolok") == ["sungai", "kolok"]
    assert query_terms("กรุงเทพฯ") == ["กรุงเทพ"]
    assert query_terms("อบต. Ban Mai, จ.Khon Kaen") == ["ban", "mai", "khon", "kaen", "type:sao"]


@pytest.mark.parametrize("typed", ["", "   ", ".,;:!?", "จ.", "อ. ต.", "%", "_"])
def test_nothing_to_search_gives_no_terms(typed: str) -> None:
    assert query_terms(typed) == []


def test_only_a_prefix_lists_that_kind() -> None:
    assert query_terms("อบต.") == ["type:sao"]
    assert query_terms("เทศบาล") == ["type:muni"]
    # The first named level wins over the general word and over a later level
    assert query_terms("เทศบาล ทต. อบต. บ้านใหม่") == ["บ้านใหม่", "type:subdistrict-muni"]


def test_a_long_query_is_read_to_its_limit() -> None:
    assert query_terms("บ้านใหม่ " * 50) == ["บ้านใหม่"]
    (long,) = query_terms("ก" * 300)
    assert len(long) == names.MAX_PART_LENGTH
    many = query_terms(" ".join(f"w{n}" for n in range(100)))
    assert many == [f"w{n}" for n in range(names.MAX_TERMS)]
    # What lies past the first 200 characters is not read
    assert query_terms("x" * 199 + " อบต.") == ["x" * names.MAX_PART_LENGTH]


@given(st.text(max_size=300))
def test_a_term_never_holds_a_space_or_a_like_wildcard(typed: str) -> None:
    terms = query_terms(typed)
    assert len(terms) <= names.MAX_TERMS + 1
    for term in terms:
        assert term and not any(char in term for char in " %_\\")
        assert len(term) <= names.MAX_PART_LENGTH


# --- the stored key -----------------------------------------------------------------------


def _sao_key() -> str:
    return search_key(
        "องค์การบริหารส่วนตำบลบ้านใหม่",
        "Ban Mai Subdistrict Administrative Organization",
        Kind.SAO,
        "ขอนแก่น",
        "เมืองขอนแก่น",
    )


def _found(key: str, typed: str) -> bool:
    return all(term in key for term in query_terms(typed))


def test_the_key_finds_the_organisation_whatever_prefix_or_place_was_typed() -> None:
    key = _sao_key()
    for typed in (
        "อบต.บ้านใหม่",
        "องค์การบริหารส่วนตำบล บ้านใหม่",
        "บ้านใหม่",
        "บ้าน ใหม่",
        "ใหม่",
        "บ้านใหม่ อ.เมือง จ.ขอนแก่น",
        "อำเภอเมืองขอนแก่น",
        "Ban Mai SAO",
        "banmai khon kaen",
        "Mueang Khon Kaen",
        "KHONKAEN",
    ):
        assert _found(key, typed), typed
    for typed in ("ทต.บ้านใหม่", "เทศบาลบ้านใหม่", "บ้านใหม่ จ.อุดรธานี", "บ้านเก่า"):
        assert not _found(key, typed), typed


def test_municipalities_of_every_level_carry_the_general_word() -> None:
    for kind in names.MUNICIPAL:
        key = search_key("บ้านใหม่", "", kind, "ขอนแก่น", "บ้านไผ่")
        assert _found(key, "เทศบาลบ้านใหม่")
    assert not _found(_sao_key(), "เทศบาล")
    bangkok = places.BANGKOK
    special = search_key(bangkok, "Bangkok Metropolitan Administration", Kind.SPECIAL, bangkok, "")
    assert _found(special, "กทม.") and _found(special, "กรุงเทพฯ") and _found(special, "bangkok")
    assert not _found(special, "เทศบาล")


def test_the_key_keeps_to_its_column_and_thai_digits_match_latin_ones() -> None:
    key = search_key("ก" * 500, "b" * 500, Kind.OTHER, "ข" * 500, "ค" * 500)
    assert len(key) <= names.SEARCH_KEY_LENGTH
    assert key.startswith("type:other ")
    numbered = search_key("บ้านหนองบัว ๒", "", Kind.SAO, "ขอนแก่น", "")
    assert _found(numbered, "หนองบัว 2") and _found(numbered, "หนองบัว๒")


def test_a_plain_like_per_term_finds_the_organisation_on_the_database(app: Flask) -> None:
    # Given a table with the keys of three organisations, on the tier's real database
    table = Table(
        "directory_probe",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("search_key", String(names.SEARCH_KEY_LENGTH)),
    )
    rows = {
        1: _sao_key(),
        2: search_key("เทศบาลตำบลบ้านใหม่", "", Kind.SUBDISTRICT_MUNICIPALITY, "ขอนแก่น", "บ้านไผ่"),
        3: search_key("อบต.บ้านใหม่", "Ban Mai SAO", Kind.SAO, "อุดรธานี", "หนองแสง"),
    }
    with app.app_context():
        table.create(db.session.connection())
        db.session.execute(insert(table), [{"id": k, "search_key": v} for k, v in rows.items()])

        def directory(typed: str) -> set[int]:
            wanted = [table.c.search_key.like("%" + term + "%") for term in query_terms(typed)]
            return set(db.session.scalars(select(table.c.id).where(and_(True, *wanted))))

        # Then the plain LIKE per term finds what a person means
        assert directory("บ้านใหม่") == {1, 2, 3}
        assert directory("อบต.บ้านใหม่") == {1, 3}
        assert directory("ทต. บ้านใหม่") == {2}
        assert directory("Ban Mai SAO จ.ขอนแก่น") == {1}
        assert directory("100%") == set()
        assert directory("_") == {1, 2, 3}  # nothing to search: the caller decides


# --- names of the kinds, and slugs --------------------------------------------------------


def test_each_kind_has_its_thai_and_english_names(app: Flask) -> None:
    with app.app_context():
        assert type_names.type_name(Kind.SAO, english=False) == "องค์การบริหารส่วนตำบล"
        assert type_names.type_name(Kind.SAO, english=True) == (
            "Subdistrict Administrative Organization"
        )
        assert type_names.type_name(Kind.PAO, english=True) == (
            "Provincial Administrative Organization"
        )
        assert type_names.short_prefix(Kind.SAO, english=False) == "อบต."
        assert type_names.short_prefix(Kind.SUBDISTRICT_MUNICIPALITY, english=False) == "ทต."
        assert type_names.short_prefix(Kind.SPECIAL) == ""
        for kind in Kind:
            assert type_names.type_name(kind, english=True) != type_names.type_name(
                kind, english=False
            )
        assert type_names.official_name(Kind.TOWN, "บ้านไผ่", english=False) == ("เทศบาลเมืองบ้านไผ่")
        assert type_names.official_name(Kind.TOWN, "Ban Phai", english=True) == (
            "Ban Phai Town Municipality"
        )
        assert type_names.official_name(Kind.SPECIAL, "เมืองพัทยา", english=False) == "เมืองพัทยา"
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        assert type_names.type_name(Kind.CITY) == "City Municipality"
        assert type_names.short_prefix(Kind.SAO) == "SAO"
    with app.test_request_context("/"):
        assert type_names.type_name(Kind.CITY) == "เทศบาลนคร"


def test_an_english_type_name_outside_the_application_fails_loudly() -> None:
    with pytest.raises(RuntimeError):
        type_names.type_name(Kind.SAO, english=True)
    assert type_names.type_name(Kind.SAO, english=False) == "องค์การบริหารส่วนตำบล"


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("sao-ban-mai-khonkaen-12", True),
        ("abc", True),
        ("a" * 63, True),
        ("ab", False),
        ("a" * 64, False),
        ("-abc", False),
        ("abc-", False),
        ("a--b", False),
        ("Abc", False),
        ("บ้านใหม่", False),
        ("ban_mai", False),
        ("ban mai", False),
        ("", False),
    ],
)
def test_a_slug_is_one_dns_label_of_lower_case_ascii(text: str, valid: bool) -> None:
    assert slugs.valid_slug(text) is valid


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Ban Mai SAO", "ban-mai-sao"),
        ("  Su-ngai  Kolok!! ", "su-ngai-kolok"),
        ("Nong Bua Lam Phu", "nong-bua-lam-phu"),
        ("Chiang Rāi Ōld", "chiang-rai-old"),
        ("บ้านใหม่", "org"),
        ("Ko", "ko-org"),
        (
            "Phra Nakhon Si Ayutthaya Provincial Administrative Organization and more",
            "phra-nakhon-si-ayutthaya-provincial-administrative-organization",
        ),
        ("x" * 80, "x" * 63),
    ],
)
def test_a_slug_is_made_from_an_english_name(name: str, slug: str) -> None:
    made = slugs.slug_from(name)
    assert made == slug and slugs.valid_slug(made)


@given(st.text(max_size=120))
def test_any_name_gives_a_valid_slug(name: str) -> None:
    assert slugs.valid_slug(slugs.slug_from(name))


@given(st.text(max_size=400), st.text(max_size=400), st.text(max_size=80), st.text(max_size=80))
def test_any_names_give_a_key_that_fits_its_column(
    name_th: str, name_en: str, province: str, district: str
) -> None:
    key = search_key(name_th, name_en, Kind.SAO, province, district)
    assert key.startswith("type:sao") and len(key) <= names.SEARCH_KEY_LENGTH
    assert places.is_district(province, district) in (True, False)
