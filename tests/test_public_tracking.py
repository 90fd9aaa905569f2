"""Coming back with the tracking code shows the case's status, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.extensions import db
from intake.models import Case, CaseEvent, EventType
from intake.thaidate import to_arabic_digits
from intake.workflow import Status
from tests.support.builders import complaint_form, tip_form
from tests.support.filing import file_and_read_receipt

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def test_code_typed_with_spaces_dashes_or_thai_digits_finds_the_case(client: FlaskClient) -> None:
    reference, code = file_and_read_receipt(client, "/complaints/new", complaint_form())
    variants = [code, code.replace(" ", ""), code.replace(" ", "-"), code.translate(THAI_DIGITS)]
    for typed in variants:
        page = client.post("/track", data={"code": typed})
        html = page.get_data(as_text=True)
        assert page.status_code == 200, typed
        assert 'id="case-status"' in html and 'data-status="received"' in html
        assert reference in html
    assert to_arabic_digits(code.translate(THAI_DIGITS)) == code


def test_a_typo_in_the_code_says_check_the_code(client: FlaskClient) -> None:
    _, code = file_and_read_receipt(client, "/complaints/new", complaint_form())
    digits = code.replace(" ", "")
    typo = digits[:5] + str((int(digits[5]) + 1) % 10) + digits[6:]
    page = client.post("/track", data={"code": typo})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "พิมพ์ผิด" in html and 'id="code-error"' in html
    assert 'id="case-status"' not in html


def test_wrong_length_and_letters_get_their_own_messages(client: FlaskClient) -> None:
    short = client.post("/track", data={"code": "1234 5678"}).get_data(as_text=True)
    assert "28 หลัก" in short
    letters = client.post("/track", data={"code": "abcd efgh"}).get_data(as_text=True)
    assert "ตัวเลขเท่านั้น" in letters


def test_a_well_formed_unknown_code_is_not_found_and_reveals_nothing(client: FlaskClient) -> None:
    from intake.tracking import group, new_code

    file_and_read_receipt(client, "/complaints/new", complaint_form())
    page = client.post("/track", data={"code": group(new_code())})
    html = page.get_data(as_text=True)
    assert page.status_code == 404
    assert "ไม่พบเรื่อง" in html
    assert "รร-" not in html


def test_tracking_code_never_appears_in_a_url(client: FlaskClient) -> None:
    response = client.post("/tips/new", data=tip_form())
    assert "code" not in response.headers["Location"]
    assert client.get("/track?code=1234").status_code == 200  # a GET shows the empty form


def test_status_page_shows_public_timeline_and_next_due_date(
    client: FlaskClient, app: Flask
) -> None:
    _, code = file_and_read_receipt(client, "/complaints/new", complaint_form())
    with app.app_context():
        case = db.session.scalars(select(Case)).one()
        case.status = Status.SCREENING
        case.events.append(
            CaseEvent(
                type=EventType.STATUS,
                from_status=Status.RECEIVED,
                to_status=Status.SCREENING,
                at=datetime.now(UTC),
            )
        )
        case.events.append(CaseEvent(type=EventType.NOTE, public=False, at=datetime.now(UTC)))
        db.session.commit()
    html = client.post("/track", data={"code": code}).get_data(as_text=True)
    assert 'data-status="screening"' in html
    assert "กำลังพิจารณา" in html
    assert "รับเรื่องเข้าระบบ" in html
    assert html.count("<li>") >= 2
    assert "กำหนดแจ้งผลหรือความคืบหน้าครั้งถัดไป" in html


def test_tracking_is_rate_limited(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(RATELIMIT_ENABLED=True, INTAKE_TRACK_LIMIT="3 per minute")
    client = app.test_client()
    codes = [client.post("/track", data={"code": "1"}).status_code for _ in range(4)]
    assert codes[:3] == [422, 422, 422]
    assert codes[3] == 429
