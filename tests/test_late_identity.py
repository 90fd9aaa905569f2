"""A tipster who filed anonymously gives their identity later, from the status page: it is
sealed like an identity given at filing (the database holds no plain text, a reveal opens
it), audited, given once, refused when the tip is not anonymous, closed or purged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.extensions import db
from intake.models import AuditEntry, Case, Role, User
from intake.services import ServiceError, case_actions, late_identity, retention
from intake.services.keyring import current_keyring
from intake.services.personal_keys import ensure_personal_key
from intake.services.reveal import approve_reveal, request_reveal, view_identity
from intake.services.users import find_user
from tests.support.builders import complaint_form, tip_form
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE
from tests.support.database import database_files
from tests.support.filing import file_and_read_receipt
from tests.support.staff import PASSWORD, make_staff

NAME = "ZZนายผู้แจ้งภายหลัง"
PHONE = "081-234-5678"
IDENTITY_FORM = {
    "reporter_name": NAME,
    "reporter_phone": PHONE,
    "reporter_email": "",
    "reporter_address": "",
    "reporter_national_id": "",
}
REASON = "ต้องสอบปากคำผู้แจ้งเพื่อยืนยันข้อเท็จจริงตามมาตรา 59"


def _user(name: str) -> User:
    user = find_user(db.session, name)
    assert user is not None
    return user


@pytest.fixture
def followed(app: Flask) -> tuple[FlaskClient, str]:
    client = app.test_client()
    _, code = file_and_read_receipt(client, "/tips/new", tip_form())
    assert client.post("/track", data={"code": code}).status_code == 200
    with app.app_context():
        case_id = db.session.scalars(select(Case.id)).one()
    return client, case_id


def _actions(case_id: str) -> list[str]:
    query = select(AuditEntry.action).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
    return list(db.session.scalars(query))


@pytest.mark.commits
def test_an_identity_given_later_is_sealed_audited_and_opens_only_through_a_reveal(
    app: Flask, followed: tuple[FlaskClient, str]
) -> None:
    client, case_id = followed
    # Given an anonymous tip followed in this browser, offering the form
    page = client.get("/track").get_data(as_text=True)
    assert 'id="identity-later"' in page and 'action="/track/identity' in page

    # When the tipster gives their name and phone
    sent = client.post("/track/identity", data=IDENTITY_FORM)
    assert sent.status_code == 303

    # Then the page says it was added, cannot be read back, and offers the form no more
    page = client.get("/track").get_data(as_text=True)
    assert 'id="identity-added"' in page and "รวมทั้งตัวท่านเอง" in page
    assert 'action="/track/identity' not in page
    assert NAME not in page and "0812345678" not in page

    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case is not None and case.identity_sealed is not None
        assert case.identity_added_at is not None and case.anonymous
        # and it was audited, naming no one
        assert _actions(case_id)[-1] == "case.identity_added"
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "case.identity_added")
        ).one()
        assert entry.actor == "public" and NAME not in (entry.detail or "")

    # and the database's files hold no plain text of it
    for path in database_files(app):
        data = Path(path).read_bytes()
        assert NAME.encode() not in data and b"0812345678" not in data

    # and a reveal opens it as one given at filing
    make_staff(app, "legal1", Role.LEGAL)
    now = datetime.now(UTC)
    with app.app_context():
        keyring = current_keyring()
        # (the officer's personal key, made at their sign-in)
        ensure_personal_key(db.session, keyring, _user("legal1"), PASSWORD, now)
        db.session.commit()
        asked = request_reveal(db.session, keyring, _user("legal1"), case_id, REASON, now)
        approve_reveal(db.session, keyring, _user(CUSTODIAN), CUSTODIAN_PASSPHRASE, asked.id, now)
        seen = view_identity(db.session, keyring, _user("legal1"), asked.id, PASSWORD, now)
        assert seen.fields == {"name": NAME, "phone": "0812345678"}


def test_an_identity_is_given_once(app: Flask, followed: tuple[FlaskClient, str]) -> None:
    client, case_id = followed
    assert client.post("/track/identity", data=IDENTITY_FORM).status_code == 303
    with app.app_context():
        sealed = db.session.get(Case, case_id).identity_sealed  # type: ignore[union-attr]
        with pytest.raises(ServiceError) as refused:
            late_identity.add_identity(
                db.session, current_keyring(), case_id, {"name": "คนอื่น"}, datetime.now(UTC)
            )
        assert refused.value.code == "already_given"
        assert db.session.get(Case, case_id).identity_sealed == sealed  # type: ignore[union-attr]
        assert _actions(case_id).count("case.identity_added") == 1
    # and a second post through the page is refused with a message, changing nothing
    again = client.post("/track/identity", data=IDENTITY_FORM, follow_redirects=True)
    assert "ให้ซ้ำหรือแก้ไขไม่ได้" in again.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/tips/new", tip_form(anonymous="", reporter_name="ZZชื่อที่ให้ตอนแจ้ง")),
        ("/complaints/new", complaint_form()),
    ],
)
def test_a_named_tip_or_a_complaint_takes_no_identity_later(
    app: Flask, path: str, form: dict[str, str]
) -> None:
    client = app.test_client()
    _, code = file_and_read_receipt(client, path, form)
    page = client.post("/track", data={"code": code}).get_data(as_text=True)
    assert 'id="identity-later"' not in page
    with app.app_context():
        case = db.session.scalars(select(Case)).one()
        before = case.identity_sealed
        with pytest.raises(ServiceError) as refused:
            late_identity.add_identity(
                db.session, current_keyring(), case.id, {"name": NAME}, datetime.now(UTC)
            )
        assert refused.value.code == "not_anonymous"
        assert db.session.get(Case, case.id).identity_sealed == before  # type: ignore[union-attr]
    sent = client.post("/track/identity", data=IDENTITY_FORM, follow_redirects=True)
    assert "ไม่ได้แจ้งแบบไม่ประสงค์ออกนาม" in sent.get_data(as_text=True)


def test_a_purged_tip_takes_no_identity(
    app: Flask, followed: tuple[FlaskClient, str], tmp_path: Path
) -> None:
    client, case_id = followed
    closed_at = datetime.now(UTC) - timedelta(days=1)
    make_staff(app, "legal1", Role.LEGAL)
    with app.app_context():
        keyring = current_keyring()
        case_actions.reject(
            db.session, keyring, _user("legal1"), case_id, reason="ไม่มีมูล", now=closed_at
        )
        later = closed_at + timedelta(days=366 * 11)
        due = retention.due_cases(db.session, later)
        retention.purge(db.session, keyring, Path(app.config["INTAKE_UPLOADS_PATH"]), due, later)
        case = db.session.get(Case, case_id)
        assert case is not None and case.contents_purged_at is not None
        with pytest.raises(ServiceError) as refused:
            late_identity.add_identity(db.session, keyring, case_id, {"name": NAME}, later)
        assert refused.value.code == "purged"
        assert db.session.get(Case, case_id).identity_sealed is None  # type: ignore[union-attr]
    assert 'id="identity-later"' not in client.get("/track").get_data(as_text=True)


def test_a_closed_tip_takes_no_identity(app: Flask, followed: tuple[FlaskClient, str]) -> None:
    client, case_id = followed
    make_staff(app, "legal1", Role.LEGAL)
    with app.app_context():
        case_actions.reject(
            db.session,
            current_keyring(),
            _user("legal1"),
            case_id,
            reason="ไม่มีมูล",
            now=datetime.now(UTC),
        )
    assert 'id="identity-later"' not in client.get("/track").get_data(as_text=True)
    sent = client.post("/track/identity", data=IDENTITY_FORM, follow_redirects=True)
    assert "เรื่องนี้ปิดแล้ว จึงไม่รับข้อมูลตัวตนเพิ่ม" in sent.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Case, case_id).identity_sealed is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reporter_name": ""}, "reporter_name", "โปรดกรอกช่องนี้"),
        ({"reporter_phone": ""}, "reporter_phone", "อย่างน้อยหนึ่งช่องทาง"),
        ({"reporter_phone": "12"}, "reporter_phone", "หมายเลขโทรศัพท์ไม่ถูกต้อง"),
        ({"reporter_national_id": "1234"}, "reporter_national_id", "13 หลัก"),
    ],
)
def test_bad_identity_input_is_told_beside_the_field_and_kept(
    app: Flask,
    followed: tuple[FlaskClient, str],
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    client, case_id = followed
    form = {**IDENTITY_FORM, **changes}
    page = client.post("/track/identity", data=form)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    error = html[html.index(f'id="{field}-error"') :]
    assert message in error[: error.index("</p>")]
    assert all(value in html for value in form.values() if value)  # what was typed is kept
    with app.app_context():
        assert db.session.get(Case, case_id).identity_sealed is None  # type: ignore[union-attr]


def test_staff_see_that_an_identity_was_added_later(
    app: Flask, followed: tuple[FlaskClient, str]
) -> None:
    from tests.support.staff import sign_in

    client, case_id = followed
    assert client.post("/track/identity", data=IDENTITY_FORM).status_code == 303
    make_staff(app, "legal1", Role.LEGAL)
    staff = sign_in(app, "legal1")
    page = staff.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert 'id="identity-sealed"' in page and 'id="identity-added-later"' in page
    assert NAME not in page
