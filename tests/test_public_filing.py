"""A citizen files a complaint or a tip, gets a receipt once, and tracks the case."""

from __future__ import annotations

import json
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.crypto import decrypt_text
from intake.extensions import db
from intake.models import Case, CaseKind, Category
from intake.services.keyring import current_keyring
from tests.support.builders import VALID_NATIONAL_ID, complaint_form, tip_form
from tests.support.filing import file_and_read_receipt


def test_landing_offers_two_separate_channels_and_tracking(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'href="/complaints/new"' in page
    assert 'href="/tips/new"' in page
    assert 'action="/track"' in page
    assert 'href="/stats"' in page and 'href="/guide"' in page


def test_complaint_is_filed_with_reference_code_and_due_date(
    client: FlaskClient, app: Flask
) -> None:
    reference, code = file_and_read_receipt(client, "/complaints/new", complaint_form())

    assert re.fullmatch(r"รร-25\d\d-00001", reference)
    assert len(code.replace(" ", "")) == 28
    with app.app_context():
        case = db.session.scalars(select(Case)).one()
        assert case.kind is CaseKind.COMPLAINT
        assert case.reference == reference
        assert (case.due_at - case.received_at).days >= 15
        keyring = current_keyring()
        subject = decrypt_text(
            keyring, case.subject_enc, table="cases", column="subject", row_id=case.id
        )
        assert subject == "ไฟถนนดับหน้าโรงเรียน"
        contact = json.loads(
            decrypt_text(
                keyring, case.contact_enc or b"", table="cases", column="contact", row_id=case.id
            )
        )
        assert contact == {"name": "สมชาย ใจดี", "phone": "0812345678"}


def test_receipt_is_shown_only_once(client: FlaskClient) -> None:
    file_and_read_receipt(client, "/complaints/new", complaint_form())
    again = client.get("/receipt")
    assert again.status_code == 410
    assert "แสดงได้เพียงครั้งเดียว" in again.get_data(as_text=True)


def test_tip_is_numbered_apart_from_complaints(client: FlaskClient) -> None:
    file_and_read_receipt(client, "/complaints/new", complaint_form())
    reference, _ = file_and_read_receipt(client, "/tips/new", tip_form())
    assert re.fullmatch(r"ทจ-25\d\d-00001", reference)


def test_anonymous_tip_keeps_no_identity(client: FlaskClient, app: Flask) -> None:
    file_and_read_receipt(client, "/tips/new", tip_form())
    with app.app_context():
        case = db.session.scalars(select(Case)).one()
        assert case.anonymous is True
        assert case.contact_enc is None


def test_anonymous_tip_with_a_name_typed_is_refused_not_stored(
    client: FlaskClient, app: Flask
) -> None:
    response = client.post("/tips/new", data=tip_form(reporter_name="นายแจ้ง ข่าว"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "ท่านเลือกไม่เปิดเผยตัวตน" in page
    assert 'value="นายแจ้ง ข่าว"' in page
    with app.app_context():
        assert db.session.scalars(select(Case)).first() is None


def test_named_tip_stores_identity_encrypted(client: FlaskClient, app: Flask) -> None:
    form = tip_form(
        anonymous="", reporter_name="นางสาวกล้า หาญ", reporter_national_id=VALID_NATIONAL_ID
    )
    file_and_read_receipt(client, "/tips/new", form)
    with app.app_context():
        case = db.session.scalars(select(Case)).one()
        assert case.anonymous is False
        assert case.contact_enc is None  # a tipster's identity is sealed, not content-keyed
        assert case.identity_sealed is not None
        assert "กล้า".encode() not in case.identity_sealed


def test_bad_input_gets_thai_messages_beside_fields_and_keeps_what_was_typed(
    client: FlaskClient,
) -> None:
    form = complaint_form(
        reporter_national_id="1101700230709",
        reporter_phone="12345",
        reporter_email="not-an-email",
        incident_date="31/2/2569",
        subject="",
    )
    response = client.post("/complaints/new", data=form)
    page = response.get_data(as_text=True)

    assert response.status_code == 422
    assert 'id="reporter_national_id-error"' in page
    assert "เลขประจำตัวประชาชนไม่ถูกต้อง" in page
    assert 'id="reporter_phone-error"' in page
    assert 'id="reporter_email-error"' in page
    assert 'id="incident_date-error"' in page
    assert 'id="subject-error"' in page and "โปรดกรอกช่องนี้" in page
    assert 'aria-describedby="reporter_phone-error"' in page
    assert "ไฟถนนหน้าโรงเรียนบ้านหนองบัวดับมาสามคืนแล้ว" in page
    assert 'value="1101700230709"' in page
    assert 'value="not-an-email"' in page


def test_thai_digits_are_accepted_in_numbers_and_dates(client: FlaskClient, app: Flask) -> None:
    form = complaint_form(
        reporter_phone="๐๘๑-๒๓๔-๕๖๗๘",
        incident_date="๕/๑/๒๕๖๙",
        reporter_national_id="๑๑๐๑๗๐๐๒๓๐๗๐๘",
    )
    file_and_read_receipt(client, "/complaints/new", form)
    with app.app_context():
        case = db.session.scalars(select(Case)).one()
        assert case.incident_date is not None and case.incident_date.isoformat() == "2026-01-05"


def test_honeypot_filled_by_a_bot_is_refused(client: FlaskClient, app: Flask) -> None:
    response = client.post("/complaints/new", data=complaint_form(website="http://spam.example"))
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalars(select(Case)).first() is None


def test_category_of_the_other_channel_is_refused(client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        tip_category = db.session.scalars(
            select(Category).where(Category.kind == CaseKind.TIP)
        ).first()
        assert tip_category is not None
        category_id = tip_category.id
    response = client.post("/complaints/new", data=complaint_form(category=str(category_id)))
    assert response.status_code == 422
    assert 'id="category-error"' in response.get_data(as_text=True)


def test_category_routes_the_case_to_its_department(client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        category = db.session.scalars(
            select(Category).where(
                Category.kind == CaseKind.COMPLAINT, Category.department_id.is_not(None)
            )
        ).first()
        assert category is not None
        category_id, department_id = category.id, category.department_id
    file_and_read_receipt(client, "/complaints/new", complaint_form(category=str(category_id)))
    with app.app_context():
        case = db.session.scalars(select(Case)).one()
        assert case.category_id == category_id
        assert case.department_id == department_id
