"""The guideline's own settings (ITA): who is responsible, where and how to file, when the
guideline was announced — saved by an administrator on the settings page and shown on
/guide and in /guide.pdf, which share one template."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import select

from intake import labels
from intake.cache import RenderOnce
from intake.extensions import db
from intake.models import AuditEntry, Organisation, Role, User
from intake.public import guide
from intake.services import ServiceError
from intake.services.keyring import current_keyring
from intake.services.organisation_settings import current_settings, is_https_url, update_settings
from tests.support.guide import pdf_text, plain, printed, section
from tests.support.staff import make_staff, staff_client

ORGANISATION = "องค์การบริหารส่วนตำบลหนองบัว"
GUIDE_VALUES = {
    "officer_title_th": "นิติกรปฏิบัติการ",
    "officer_title_en": "Senior Legal Officer",
    "tip_unit_name_th": "งานนิติการ สำนักปลัด อบต.หนองบัว",
    "tip_unit_name_en": "Legal Affairs Section",
    "centre_location_th": "ชั้น 1 อาคารสำนักงาน ห้องประชาสัมพันธ์",
    "centre_location_en": "Ground floor, main office, public relations desk",
    "hotline": "043-999-111",
    "line_id": "@nongbua",
    "facebook_url": "https://www.facebook.com/nongbua.sao",
    "address_en": "99 Moo 1, Nong Bua, Mueang, Khon Kaen 40000",
    # Thai digits and a Thai month name, Buddhist era: 15 January 2026
    "guide_published_on": "๑๕ มกราคม ๒๕๖๙",
    # The tip guideline's own contacts and date
    "tip_location_th": "ชั้น 2 ห้องงานนิติการ",
    "tip_location_en": "First floor, legal affairs room",
    "tip_phone": "043-999-222",
    "tip_email": "legal@nongbua.go.th",
    "tip_guide_published_on": "1/2/2569",
}
HTTPS_ONLY = "ต้องเป็นที่อยู่เว็บที่ขึ้นต้นด้วย https://"
DATE_HINT = "วันที่ไม่ถูกต้อง"


@pytest.fixture(autouse=True)
def empty_pdf_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guide, "_pdf_cache", RenderOnce())


@pytest.fixture
def admin(app: Flask) -> FlaskClient:
    return staff_client(app, "admin1", Role.ADMIN)


def settings_form(**changes: str) -> dict[str, str]:
    """Everything the settings page posts, with the guideline's fields filled in."""
    data = {
        "name_th": ORGANISATION,
        "name_en": "Nong Bua SAO",
        "unit_name_th": "ศูนย์รับเรื่องร้องเรียน สำนักปลัด",
        "unit_name_en": "Complaint Centre",
        "address": "99 หมู่ 1 ตำบลหนองบัว\nอำเภอเมือง จังหวัดขอนแก่น 40000",
        "phone": "043-123456",
        "email": "saraban@nongbua.go.th",
        "office_hours": "จันทร์–ศุกร์ 08:30–16:30 น.",
        "office_hours_en": "Mon–Fri 08:30–16:30",
        "response_days": "15",
        "due_soon_days": "3",
        "deadline_mode": "calendar",
        "max_attachments": "5",
        "max_attachment_mb": "10",
        "strip_image_metadata": "y",
        "reveal_days": "7",
        "tell_tipster_of_reveal": "y",
        **GUIDE_VALUES,
    }
    data.update(changes)
    return data


def settings_details(app: Flask) -> list[str]:
    with app.app_context():
        query = select(AuditEntry.detail).where(AuditEntry.action == "admin.settings_changed")
        return list(db.session.scalars(query.order_by(AuditEntry.id)))


def error_of(page: str, field_id: str) -> str:
    match = re.search(rf'id="{field_id}-error">([^<]*)<', page)
    return html.unescape(match.group(1)) if match else ""


def typed_value(page: str, field_id: str) -> str | None:
    match = re.search(rf'<input[^>]*\bid="{field_id}"[^>]*\bvalue="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None


def legal_title(app: Flask) -> str:
    with app.test_request_context("/"), force_locale("th"):
        return str(labels.ROLE[Role.LEGAL])


# ----------------------------------------------------------------------- saving and showing


def test_saved_guideline_settings_appear_on_the_guide_and_in_its_pdf(
    app: Flask, admin: FlaskClient, client: FlaskClient, tmp_path: Path
) -> None:
    # Given the settings page offers the guideline's fields under Thai labels
    form_page = admin.get("/staff/admin/settings").get_data(as_text=True)
    for label in ("ตำแหน่งเจ้าหน้าที่ผู้รับผิดชอบ (ภาษาไทย)", "ที่ตั้งศูนย์รับเรื่อง (ภาษาไทย)", "วันที่ประกาศใช้คู่มือ"):
        assert label in form_page

    # When an administrator saves them, the date typed in Thai digits and the Buddhist era
    saved = admin.post("/staff/admin/settings", data=settings_form())

    # Then they are stored, the date as the day it names
    assert saved.status_code == 303
    with app.app_context():
        stored = current_settings(db.session)
    assert stored.guide_published_on == date(2026, 1, 15)
    assert stored.facebook_url == GUIDE_VALUES["facebook_url"]
    # And the save is audited by the names of the fields, never their values
    (detail,) = settings_details(app)
    assert "officer_title_en" in detail and "facebook_url" in detail and len(detail) <= 200
    assert "นิติกรปฏิบัติการ" not in detail and "nongbua" not in detail
    assert all(word in settings_form() or re.fullmatch(r"\+\d+", word) for word in detail.split())
    # (a single change is named in full)
    changed = settings_form(guide_published_on="1/10/2025")
    assert admin.post("/staff/admin/settings", data=changed).status_code == 303
    assert settings_details(app)[1:] == ["guide_published_on"]
    assert admin.post("/staff/admin/settings", data=settings_form()).status_code == 303
    # And the settings page shows the date back in the Buddhist era
    again = admin.get("/staff/admin/settings").get_data(as_text=True)
    assert typed_value(again, "guide_published_on") == "15 มกราคม 2569"

    # When the public opens the general guideline
    page = client.get("/guide").get_data(as_text=True)
    unit = plain(section(page, "unit"))
    channels = section(page, "channels")

    # Then the unit section names the complaint centre and how to reach it, not the tip unit
    assert "ศูนย์รับเรื่องร้องเรียน สำนักปลัด" in unit
    assert "งานนิติการ สำนักปลัด อบต.หนองบัว" not in page and "043-999-222" not in page
    # And the channels section says where the centre is and how to reach it
    assert "ที่ตั้งศูนย์รับเรื่อง: ชั้น 1 อาคารสำนักงาน ห้องประชาสัมพันธ์" in plain(channels)
    assert "สายด่วนรับเรื่องร้องเรียน 043-999-111" in plain(channels)
    assert "บัญชี LINE ทางการ (LINE ID): @nongbua" in plain(channels)
    assert re.search(
        r'<a href="https://www.facebook.com/nongbua.sao"[^>]*>https://www.facebook.com/nongbua.sao</a>',
        channels,
    )
    # And it carries the announced date, not today's
    assert "ประกาศใช้ ณ วันที่ 15 มกราคม 2569" in page and "ข้อมูล ณ วันที่" not in page
    # And nothing on it loads from another host (the Facebook page is only a link)
    assert not re.search(r'(?:src|srcset|data)="(?:https?:)?//', page)
    assert not re.search(r'<link[^>]+href="(?:https?:)?//', page)

    # When the public opens the tip guideline
    tips = client.get("/guide/tips").get_data(as_text=True)
    tip_unit_section = plain(section(tips, "unit"))

    # Then it names the tip unit, the officer's title and the tip unit's own contacts
    tip_unit = re.search(r'<dd id="guide-tip-unit">([^<]*)</dd>', tips)
    assert tip_unit and tip_unit.group(1) == "งานนิติการ สำนักปลัด อบต.หนองบัว"
    assert "ตำแหน่งเจ้าหน้าที่ผู้รับผิดชอบ นิติกรปฏิบัติการ" in tip_unit_section
    assert "ชั้น 2 ห้องงานนิติการ" in tip_unit_section
    assert "043-999-222" in tip_unit_section and "legal@nongbua.go.th" in tip_unit_section
    assert "โทร. 043-999-222 ถึงงานนิติการ สำนักปลัด อบต.หนองบัว" in plain(section(tips, "channels"))
    # And not the complaint centre's hotline, LINE or Facebook page (the guideline itself;
    # the site's footer carries the organisation's contacts on every page)
    guideline = tips[tips.index('<div class="guide') : tips.index("<footer")]
    assert "043-999-111" not in guideline and "LINE ID" not in guideline
    assert "facebook.com" not in guideline
    # And its own date of announcement
    assert "ประกาศใช้ ณ วันที่ 1 กุมภาพันธ์ 2569" in tips

    # When the guidelines are downloaded as PDFs
    document = client.get("/guide.pdf")
    assert document.status_code == 200
    text = pdf_text(document.data, tmp_path)
    tips_document = client.get("/guide/tips.pdf")
    assert tips_document.status_code == 200
    tips_text = pdf_text(tips_document.data, tmp_path)

    # Then each carries its own settings
    for phrase in (
        "ที่ตั้งศูนย์รับเรื่อง: ชั้น 1 อาคารสำนักงาน ห้องประชาสัมพันธ์",
        "สายด่วนรับเรื่องร้องเรียน 043-999-111",
        "@nongbua",
        "https://www.facebook.com/nongbua.sao",
        "ประกาศใช้ ณ วันที่ 15 มกราคม 2569",
    ):
        assert printed(phrase).search(text), phrase
    for phrase in (
        "ตำแหน่งเจ้าหน้าที่ผู้รับผิดชอบ",
        "นิติกรปฏิบัติการ",
        "งานนิติการ สำนักปลัด อบต.หนองบัว",
        "043-999-222",
        "legal@nongbua.go.th",
        "ประกาศใช้ ณ วันที่ 1 กุมภาพันธ์ 2569",
    ):
        assert printed(phrase).search(tips_text), phrase


def test_english_pages_show_the_english_settings(
    app: Flask, admin: FlaskClient, client: FlaskClient
) -> None:
    # Given saved guideline settings in both languages
    assert admin.post("/staff/admin/settings", data=settings_form()).status_code == 303

    # When a reader opens the guidelines in English
    client.get("/lang/en?next=/guide")
    page = client.get("/guide").get_data(as_text=True)
    unit = plain(section(page, "unit"))
    channels = plain(section(page, "channels"))
    tips_unit = plain(section(client.get("/guide/tips").get_data(as_text=True), "unit"))

    # Then the unit sections have the English address, title and unit, not the Thai ones
    assert "99 Moo 1, Nong Bua, Mueang, Khon Kaen 40000" in unit
    assert "ตำบลหนองบัว" not in unit
    assert "Senior Legal Officer" in tips_unit and "นิติกรปฏิบัติการ" not in tips_unit
    assert "Legal Affairs Section" in tips_unit
    assert "First floor, legal affairs room" in tips_unit
    # And the channels section the English location and the English address for letters
    assert "Ground floor, main office, public relations desk" in channels
    assert "99 Moo 1, Nong Bua" in channels
    # And the date is in the reader's calendar
    assert "15 January 2026" in page


def test_empty_settings_keep_the_general_wording(
    app: Flask, admin: FlaskClient, client: FlaskClient
) -> None:
    # Given an administrator who cleared the guideline's fields
    cleared = {name: "" for name in GUIDE_VALUES}
    assert admin.post("/staff/admin/settings", data=settings_form(**cleared)).status_code == 303
    with app.app_context():
        assert current_settings(db.session).guide_published_on is None

    # When the public opens the guidelines
    page = client.get("/guide").get_data(as_text=True)
    tips = client.get("/guide/tips").get_data(as_text=True)

    # Then the tip unit is the legal officer of the organisation, as before
    tip_unit = re.search(r'<dd id="guide-tip-unit">([^<]*)</dd>', tips)
    assert tip_unit and tip_unit.group(1) == f"{legal_title(app)}ของ{ORGANISATION}"
    # And nothing empty is announced
    for element in ("guide-centre-location", "guide-hotline", "guide-line-id", "guide-facebook"):
        assert f'id="{element}"' not in page, element
    for element in ("officer-title", "tip-location", "tip-phone", "tip-email"):
        assert f'id="guide-{element}"' not in tips, element
    # And both guidelines are dated today
    for document in (page, tips):
        assert "ข้อมูล ณ วันที่" in document and "ประกาศใช้ ณ วันที่" not in document


# ------------------------------------------------------------------------------ bad input

BAD_GUIDE_SETTINGS = [
    ("facebook_url", "http://www.facebook.com/nongbua", HTTPS_ONLY),
    ("facebook_url", "www.facebook.com/nongbua", HTTPS_ONLY),
    ("facebook_url", "javascript:alert(1)", HTTPS_ONLY),
    ("facebook_url", "https://", HTTPS_ONLY),
    ("guide_published_on", "๓๑ กุมภาพันธ์ ๒๕๖๙", DATE_HINT),
    ("guide_published_on", "เดือนหน้า", DATE_HINT),
    ("hotline", "0" * 51, "ยาวเกินไป"),
    ("tip_email", "legal at nongbua", "อีเมลไม่ถูกต้อง"),
    ("tip_guide_published_on", "๓๐ กุมภาพันธ์ ๒๕๖๙", DATE_HINT),
]


@pytest.mark.parametrize(("name", "typed", "message"), BAD_GUIDE_SETTINGS)
def test_bad_guideline_settings_are_refused_beside_the_field(
    app: Flask, admin: FlaskClient, client: FlaskClient, name: str, typed: str, message: str
) -> None:
    # When an administrator types a wrong value
    response = admin.post("/staff/admin/settings", data=settings_form(**{name: typed}))

    # Then the page comes back with a Thai message beside that field
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in error_of(page, name)
    assert re.search(
        rf'id="{name}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{name}"', page
    )
    # And everything typed is kept, the wrong value included
    assert typed_value(page, name) == typed
    assert typed_value(page, "officer_title_th") == "นิติกรปฏิบัติการ"
    assert typed_value(page, "line_id") == "@nongbua"
    # And nothing was saved or audited
    assert settings_details(app) == []
    assert "นิติกรปฏิบัติการ" not in client.get("/guide/tips").get_data(as_text=True)


def test_the_service_refuses_a_link_that_is_not_https(app: Flask) -> None:
    """The form checks first; the rule still holds for any other caller."""
    admin_id = make_staff(app, "admin1", Role.ADMIN)
    with app.app_context():
        admin_user = db.session.get(User, admin_id)
        assert admin_user is not None
        values = current_settings(db.session)
        wrong = type(values)(**{**values.__dict__, "facebook_url": "http://example.com/"})
        with pytest.raises(ServiceError) as refused:
            update_settings(db.session, current_keyring(), admin_user, wrong, datetime.now(UTC))
        assert refused.value.code == "bad_url"
        db.session.rollback()
        stored = db.session.scalars(select(Organisation.facebook_url)).one()
        assert stored != "http://example.com/"


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("https://www.facebook.com/nongbua.sao", True),
        ("HTTPS://facebook.com/หนองบัว", True),
        ("https://www.facebook.com:443/page", True),
        ("http://www.facebook.com/page", False),
        ("https://localhost/page", False),
        ("https://user:secret@facebook.com/page", False),
        ("https://www.facebook.com:port/page", False),
        ("https://www.facebook.com/a page", False),
        ("//www.facebook.com/page", False),
        ("javascript:alert(1)", False),
        ("", False),
    ],
)
def test_what_counts_as_an_https_address(text: str, accepted: bool) -> None:
    assert is_https_url(text) is accepted


def test_the_guide_links_only_https_whatever_is_stored(app: Flask, client: FlaskClient) -> None:
    # Given a link that reached the database without the settings page
    with app.app_context():
        organisation = db.session.scalars(select(Organisation)).one()
        organisation.facebook_url = "javascript:alert(1)"
        db.session.commit()

    # Then the guide does not link to it
    page = client.get("/guide").get_data(as_text=True)
    assert "javascript:" not in page and 'id="guide-facebook"' not in page


def test_thai_numerals_in_pdfs_are_a_setting_off_by_default(app: Flask, admin: FlaskClient) -> None:
    # Given the settings page, which offers the choice unticked
    page = admin.get("/staff/admin/settings").get_data(as_text=True)
    assert "ใช้เลขไทยในไฟล์ PDF ภาษาไทย (คู่มือและรายงาน)" in page
    assert not thai_digits_ticked(page)
    with app.app_context():
        assert current_settings(db.session).pdf_thai_digits is False

    # When an administrator ticks it
    assert admin.post("/staff/admin/settings", data=settings_form()).status_code == 303
    saved = admin.post("/staff/admin/settings", data=settings_form(pdf_thai_digits="y"))

    # Then it is stored and audited by name
    assert saved.status_code == 303
    with app.app_context():
        assert current_settings(db.session).pdf_thai_digits is True
    assert settings_details(app)[-1] == "pdf_thai_digits"
    again = admin.get("/staff/admin/settings").get_data(as_text=True)
    assert thai_digits_ticked(again)


def thai_digits_ticked(page: str) -> bool:
    tag = re.search(r'<input[^>]*\bid="pdf_thai_digits"[^>]*>', page)
    assert tag
    return " checked" in tag.group(0)
