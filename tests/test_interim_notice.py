"""The interim notice is an explanation (seed 004 measure 36: a case that cannot be
finished within 15 days is explained to the complainant). The officer gives a reason, the
progress so far and an expected date; the complainant reads a paragraph built from them.
Template text never reaches anyone, and the rule "an interim notice starts a new period"
holds as before."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake import deadlines, thaidate
from intake.crypto import decrypt_text, encrypt_field
from intake.extensions import db
from intake.models import Case, CaseEvent, EventType, Role, User
from intake.services import ServiceError, case_actions
from intake.services.interim import is_placeholder
from intake.services.keyring import current_keyring
from tests.support.builders import complaint_form, interim_parts
from tests.support.filing import file_and_read_receipt
from tests.support.staff import make_staff, staff_client

# The text the case page used to pre-fill, which could be sent as it was.
OLD_TEMPLATE = (
    "เรื่องของท่านอยู่ระหว่างดำเนินการ ยังไม่แล้วเสร็จภายใน 15 วัน เนื่องจาก [เหตุผล] "
    "ขณะนี้ [ความคืบหน้า] คาดว่าจะแล้วเสร็จภายใน [วันที่] หากมีความคืบหน้าจะแจ้งให้ทราบอีกครั้ง"
)
REASON = "รอผลรังวัดจากสำนักงานที่ดินจังหวัด"
PROGRESS = "ช่างลงพื้นที่ตรวจแนวเขตแล้ว และมีหนังสือขอรังวัดแล้ว"


def _thai_digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))


def _typed(day: date) -> str:
    """How an officer types a date: day/month/BE year, in Thai digits."""
    return _thai_digits(f"{day.day}/{day.month}/{thaidate.be_year(day)}")


def _today() -> date:
    return thaidate.local_date(datetime.now(UTC))


def _filed(app: Flask) -> tuple[FlaskClient, str, str]:
    """A complaint filed on the web form: (the complainant's browser, case id, code)."""
    public = app.test_client()
    reference, code = file_and_read_receipt(public, "/complaints/new", complaint_form())
    with app.app_context():
        case_id = db.session.scalars(select(Case.id).where(Case.reference == reference)).one()
    return public, case_id, code


def _case(app: Flask, case_id: str) -> tuple[datetime, list[EventType]]:
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case is not None
        return case.due_at, [e.type for e in case.events]


def _post(client: FlaskClient, case_id: str, **fields: str) -> tuple[int, str]:
    data = {f"interim-{name}": value for name, value in fields.items()}
    response = client.post(f"/staff/cases/{case_id}/interim", data=data)
    return response.status_code, response.get_data(as_text=True)


def _error(page: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="interim-{field}-error">(.*?)</p>', page, re.S)
    return found.group(1).strip() if found else ""


def test_the_old_template_sent_untouched_is_refused_and_the_clock_does_not_restart(
    app: Flask,
) -> None:
    # Given a complaint, and an officer who sends the notice as the page used to offer it
    _public, case_id, _code = _filed(app)
    officer = staff_client(app, "intake1", Role.INTAKE)
    due_before, events_before = _case(app, case_id)

    # When the bracketed template text is sent in every part
    status, page = _post(
        officer,
        case_id,
        reason="[เหตุผล]",
        progress="[ความคืบหน้า]",
        expected_date="[วันที่]",
        message=OLD_TEMPLATE,
    )

    # Then it is refused, each part says why beside itself, and nothing was sent
    assert status == 422
    assert "ข้อความแม่แบบ" in _error(page, "reason")
    assert "ข้อความแม่แบบ" in _error(page, "progress")
    assert "ข้อความแม่แบบ" in _error(page, "message")
    assert "อ่านวันที่ไม่ได้" in _error(page, "expected_date")
    assert _case(app, case_id) == (due_before, events_before)


def test_the_case_page_prefills_no_template_in_the_notice(app: Flask) -> None:
    _public, case_id, _code = _filed(app)
    page = staff_client(app, "intake1", Role.INTAKE).get(f"/staff/cases/{case_id}")
    form = page.get_data(as_text=True)
    form = form[form.index('id="action-interim"') :]
    form = form[: form.index("</form>")]
    assert "[" not in form and "]" not in form
    assert re.search(r'<textarea[^>]*id="interim-reason"[^>]*>\s*</textarea>', form)
    assert re.search(r'<textarea[^>]*id="interim-progress"[^>]*>\s*</textarea>', form)


def test_missing_reason_and_progress_are_said_beside_them_and_what_was_typed_stays(
    app: Flask,
) -> None:
    _public, case_id, _code = _filed(app)
    officer = staff_client(app, "intake1", Role.INTAKE)
    typed_date = _typed(_today() + timedelta(days=5))

    status, page = _post(
        officer,
        case_id,
        reason="  ",
        progress="",
        expected_date=typed_date,
        message="ขอบคุณที่รอ ZZKEPTMARKER",
    )

    assert status == 422
    assert _error(page, "reason") == "โปรดระบุเหตุผลที่ยังไม่แล้วเสร็จ"
    assert _error(page, "progress") == "โปรดเขียนความคืบหน้าที่ทำไปแล้ว"
    assert f'value="{typed_date}"' in page
    assert "ขอบคุณที่รอ ZZKEPTMARKER" in page
    # the form that failed is the one shown open, with its fields tied to their errors
    assert re.search(r'<textarea[^>]*aria-describedby="[^"]*interim-reason-error', page)
    assert _case(app, case_id)[1] == [EventType.FILED]


def test_a_date_past_the_next_period_needs_a_reason_the_complainant_reads(app: Flask) -> None:
    _public, case_id, _code = _filed(app)
    officer = staff_client(app, "intake1", Role.INTAKE)
    far = _typed(_today() + timedelta(days=60))

    status, page = _post(officer, case_id, reason=REASON, progress=PROGRESS, expected_date=far)
    assert status == 422
    assert "เลยรอบการแจ้งถัดไป" in _error(page, "date_reason")
    assert REASON in page and PROGRESS in page  # kept
    assert _case(app, case_id)[1] == [EventType.FILED]

    status, _page = _post(
        officer,
        case_id,
        reason=REASON,
        progress=PROGRESS,
        expected_date=far,
        date_reason="ต้องรองบประมาณปีหน้า",
    )
    assert status == 303


def test_a_notice_with_thai_digits_reaches_the_status_page_as_a_paragraph(app: Flask) -> None:
    # Given a complaint and an officer who types the date in Thai digits and a BE year
    public, case_id, code = _filed(app)
    officer = staff_client(app, "intake1", Role.INTAKE)
    expected = _today() + timedelta(days=10)
    due_before, _events = _case(app, case_id)

    # When the notice is sent with its parts
    status, _page = _post(
        officer,
        case_id,
        reason=REASON,
        progress=PROGRESS,
        expected_date=_typed(expected),
        message="หากมีข้อสงสัยโทร 0 4321 0000",
    )
    assert status == 303

    # Then a new period started from now (filed today too: the same due date)
    due_after, events = _case(app, case_id)
    assert events[-1] is EventType.INTERIM_NOTICE and due_after >= due_before
    next_word = thaidate.local_date(due_after)

    # ...and the complainant reads one Thai paragraph with Buddhist-era dates
    page = public.post("/track", data={"code": code}).get_data(as_text=True)
    entry = page[page.index('data-type="interim_notice"') :]
    message = re.search(r'<p class="message">(.*?)</p>', entry, re.S)
    assert message is not None
    text = " ".join(message.group(1).split())
    assert text.startswith(f"เรื่องของท่านยังดำเนินการไม่แล้วเสร็จ เนื่องจาก{REASON}")
    assert f"ความคืบหน้าที่ผ่านมา: {PROGRESS}" in text
    assert f"คาดว่าจะแล้วเสร็จภายในวันที่ {thaidate.format_date(expected)}" in text
    assert f"ภายในวันที่ {thaidate.format_date(next_word)}" in text
    assert "หากมีข้อสงสัยโทร 0 4321 0000" in text
    assert "[" not in text and "{" not in text

    # ...and in English when that is their language (the officer's own words stay)
    public.set_cookie("lang", "en")
    english = public.get("/track").get_data(as_text=True)
    assert f"Progress so far: {PROGRESS}" in english
    assert thaidate.format_date(expected, "en") in english

    # ...and the officer's page shows the same paragraph on the timeline
    staff_page = officer.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert f"ความคืบหน้าที่ผ่านมา: {PROGRESS}" in staff_page


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"reason": "[เหตุผล]"}, "reason_placeholder"),
        ({"reason": "เหตุผล"}, "reason_placeholder"),
        ({"progress": "..."}, "progress_placeholder"),
        ({"progress": ""}, "progress_required"),
        ({"message": "ขณะนี้ {ความคืบหน้า}"}, "message_placeholder"),
        ({"expected": None}, "expected_date_required"),
        ({"expected": date(2026, 3, 1)}, "expected_date_past"),
        ({"expected": date(2027, 6, 1)}, "expected_date_too_far"),
        ({"expected": date(2026, 4, 30)}, "date_reason_required"),
        ({"expected": date(2026, 4, 30), "date_reason": "[เหตุผล]"}, "date_reason_placeholder"),
    ],
)
def test_the_service_refuses_template_text_and_dates_out_of_bounds(
    app: Flask, changes: dict[str, object], code: str
) -> None:
    now = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # Monday 2 March 2026, Bangkok morning
    _public, case_id, _code = _filed(app)
    officer_id = make_staff(app, "intake1", Role.INTAKE)
    with app.app_context():
        officer = db.session.get(User, officer_id)
        assert officer is not None
        with pytest.raises(ServiceError, match=f"^{code}$"):
            case_actions.interim_notice(
                db.session,
                current_keyring(),
                officer,
                case_id,
                **interim_parts(now, **changes),  # type: ignore[arg-type]
                now=now,
            )
    assert _case(app, case_id)[1] == [EventType.FILED]


def test_the_parts_are_kept_encrypted_and_an_old_free_text_notice_still_reads(
    app: Flask,
) -> None:
    now = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    public, case_id, code = _filed(app)
    officer_id = make_staff(app, "intake1", Role.INTAKE)
    with app.app_context():
        keyring = current_keyring()
        officer = db.session.get(User, officer_id)
        assert officer is not None
        case = case_actions.interim_notice(
            db.session, keyring, officer, case_id, **interim_parts(now), now=now
        )
        assert case.due_at == deadlines.due_at(now)  # the rule of the new period holds
        event = next(e for e in case.events if e.type is EventType.INTERIM_NOTICE)
        assert event.body_enc is not None and "รอผล".encode() not in event.body_enc
        stored = json.loads(
            decrypt_text(
                keyring, event.body_enc, table="case_events", column="body", row_id=event.id
            )
        )
        assert stored["reason"] == "รอผลตรวจสอบจากสำนักงานที่ดิน"
        assert stored["expected"] == "2026-03-09" and stored["next_word_by"] == "2026-03-17"
        # An interim notice written before the parts existed is free text: shown as it was
        old = CaseEvent(case_id=case_id, type=EventType.INTERIM_NOTICE, public=True, at=now)
        db.session.add(old)
        db.session.flush()
        old.body_enc = encrypt_field(
            keyring, "ZZOLDNOTICE รอผลตรวจ", table="case_events", column="body", row_id=old.id
        )
        db.session.commit()
    page = public.post("/track", data={"code": code}).get_data(as_text=True)
    assert "ZZOLDNOTICE รอผลตรวจ" in page


@pytest.mark.parametrize(
    ("text", "placeholder"),
    [
        ("[เหตุผล]", True),
        ("เนื่องจาก [ ] ยังไม่ทราบ", True),
        ("ขณะนี้【ความคืบหน้า】", True),
        ("<วันที่>", True),
        ("ความคืบหน้า", True),
        ("-", True),
        ("รอผลตรวจจากสำนักงานที่ดิน", False),
        ("ส่งหนังสือแล้ว (เลขที่ 123/2569)", False),
        ("", False),
    ],
)
def test_what_counts_as_template_text(text: str, placeholder: bool) -> None:
    assert is_placeholder(text) is placeholder
