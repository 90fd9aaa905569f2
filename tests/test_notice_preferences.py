"""A complainant stops or restarts the "check with your code" mails from the status page;
a tipster may opt in with an address for notices alone, and remove it again. Last, the
help around the code: what to do when it is lost, and how to keep it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.crypto import decrypt_text
from intake.extensions import db
from intake.models import AuditEntry, Case, OutboxMessage, Role, User
from intake.services import case_actions
from intake.services.keyring import current_keyring
from tests.support.builders import complaint_form, tip_form
from tests.support.filing import file_and_read_receipt
from tests.support.mail import Inbox, smtp  # noqa: F401  (the SMTP fixture)
from tests.support.staff import make_staff, sign_in

EMAIL = "complainant@example.org"
TIP_ADDRESS = "quiet.reader@example.net"
UPDATE = "ZZUPDATEMARKER ได้ส่งเจ้าหน้าที่ไปตรวจสอบแล้ว"
STOPPED = "หยุดส่งอีเมลแจ้งเตือนแล้ว"
STARTED = "เริ่มส่งอีเมลแจ้งเตือน"
NO_EMAIL = "ไม่มีอีเมลที่ให้ไว้"
ADDRESS_NEEDED = "โปรดกรอกอีเมลที่ต้องการให้ส่งการแจ้งเตือนไป"
ADDRESS_INVALID = "อีเมลไม่ถูกต้อง"


def _follow(client: FlaskClient, path: str, form: dict) -> tuple[str, str]:
    """File through the public form, then enter the code so the browser follows the case."""
    reference, code = file_and_read_receipt(client, path, form)
    assert client.post("/track", data={"code": code}).status_code == 200
    return reference, code


def _case(app: Flask, reference: str) -> Case:
    with app.app_context():
        case = db.session.scalars(select(Case).where(Case.reference == reference)).one()
        db.session.expunge(case)
        return case


def _post_update(app: Flask, reference: str, username: str, role: Role) -> int:
    """A staff member tells the complainant something; returns how many mails are queued."""
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == username)).first()
    user_id = user.id if user is not None else make_staff(app, username, role)
    with app.app_context():
        user = db.session.get(User, user_id)
        case = db.session.scalars(select(Case).where(Case.reference == reference)).one()
        now = datetime.now(UTC)
        if case.status.value == "received":
            case_actions.accept(db.session, current_keyring(), user, case.id, note="", now=now)
        case_actions.post_update(
            db.session, current_keyring(), user, case.id, message=UPDATE, now=now
        )
        return len(db.session.scalars(select(OutboxMessage)).all())


def _body(message: Any) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode("utf-8")


def test_a_complainant_stops_the_mails_and_starts_them_again(
    make_app: Any,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, port = smtp
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(port))
    # Given a complainant who gave an e-mail, following their case
    client = app.test_client()
    reference, _code = _follow(client, "/complaints/new", complaint_form(reporter_email=EMAIL))
    page = client.get("/track").get_data(as_text=True)
    assert 'id="notices"' in page and 'data-active="true"' in page
    assert EMAIL not in page  # the address is never shown back

    # When they stop the mails
    stopped = client.post("/track/notices", data={"action": "stop"})

    # Then the page says so, and news on the case queues no mail
    assert stopped.status_code == 303
    assert stopped.headers["Location"].endswith("/track#notices")
    page = client.get("/track").get_data(as_text=True)
    assert STOPPED in page and 'data-active="false"' in page
    assert _case(app, reference).notices_stopped is True
    assert _post_update(app, reference, "noi", Role.INTAKE) == 0

    # When they start them again
    started = client.post("/track/notices", data={"action": "start"})

    # Then the next news is mailed: "check with your code", and nothing about the case
    assert started.status_code == 303
    assert STARTED in client.get("/track").get_data(as_text=True)
    assert _post_update(app, reference, "noi", Role.INTAKE) == 1
    result = app.test_cli_runner().invoke(args=["intake", "remind"])
    assert "1 sent" in result.output, result.output
    mails = inbox.to(EMAIL)
    assert len(mails) == 1
    body = _body(mails[0])
    assert "/track" in body
    for secret in ("ZZUPDATEMARKER", reference):
        assert secret not in body and secret not in str(mails[0]["Subject"])
    # and each change is in the audit log, naming the public and no address
    with app.app_context():
        details = db.session.scalars(
            select(AuditEntry.detail).where(AuditEntry.detail.like("notices%"))
        ).all()
        assert details == ["notices stop", "notices start"]


def test_a_complaint_without_an_email_has_nothing_to_stop(app: Flask) -> None:
    # Given a complainant who gave only a phone number
    client = app.test_client()
    reference, _code = _follow(client, "/complaints/new", complaint_form())

    # Then their status page offers no mail settings
    assert 'id="notices"' not in client.get("/track").get_data(as_text=True)

    # and a hand-made request changes nothing and says why
    response = client.post("/track/notices", data={"action": "start"})
    assert response.status_code == 303
    assert NO_EMAIL in client.get("/track").get_data(as_text=True)
    case = _case(app, reference)
    assert case.notices_stopped is False and case.notice_address_enc is None


def test_a_tipster_opts_in_with_an_address_and_removes_it(
    make_app: Any,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, port = smtp
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(port))
    # Given an anonymous tipster following their tip
    client = app.test_client()
    reference, _code = _follow(client, "/tips/new", tip_form())

    # Then the page offers the opt-in with a warning that an address can identify them
    page = client.get("/track").get_data(as_text=True)
    assert 'id="notices-warning"' in page and "อีเมลอาจบอกได้ว่าท่านเป็นใคร" in page
    assert 'name="address"' in page and 'type="email"' in page
    # and news queues no mail while they have not opted in
    assert _post_update(app, reference, "legal1", Role.LEGAL) == 0

    # When they opt in without an address, then with a malformed one
    empty = client.post("/track/notices", data={"action": "start", "address": ""})
    malformed = client.post("/track/notices", data={"action": "start", "address": "quiet@"})

    # Then the status page comes back with the error beside the field
    for response, message in ((empty, ADDRESS_NEEDED), (malformed, ADDRESS_INVALID)):
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert 'id="address-error"' in html and message in html
        assert 'aria-invalid="true"' in html and 'id="case-status"' in html
    assert _case(app, reference).notice_address_enc is None

    # When they give a good address
    response = client.post("/track/notices", data={"action": "start", "address": TIP_ADDRESS})

    # Then it is kept only encrypted, bound to the case, and never shown back
    assert response.status_code == 303
    case = _case(app, reference)
    assert case.notice_address_enc is not None
    assert TIP_ADDRESS.encode() not in case.notice_address_enc
    with app.app_context():
        address = decrypt_text(
            current_keyring(),
            case.notice_address_enc,
            table="cases",
            column="notice_address",
            row_id=case.id,
        )
    assert address == TIP_ADDRESS
    page = client.get("/track").get_data(as_text=True)
    assert TIP_ADDRESS not in page and 'data-active="true"' in page
    # and the legal officer's case page does not show it either
    legal = sign_in(app, "legal1")
    staff_page = legal.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert reference in staff_page and TIP_ADDRESS not in staff_page

    # When there is news, one contentless mail goes to that address
    assert _post_update(app, reference, "legal1", Role.LEGAL) == 1
    result = app.test_cli_runner().invoke(args=["intake", "remind"])
    assert "1 sent" in result.output, result.output
    mails = inbox.to(TIP_ADDRESS)
    assert len(mails) == 1
    for secret in ("ZZUPDATEMARKER", reference, "เรียกรับเงิน"):
        assert secret not in _body(mails[0]) and secret not in str(mails[0]["Subject"])

    # When they remove the address
    removed = client.post("/track/notices", data={"action": "stop"})

    # Then it is wiped, and the next news queues nothing more
    assert removed.status_code == 303
    assert STOPPED in client.get("/track").get_data(as_text=True)
    assert _case(app, reference).notice_address_enc is None
    with app.app_context():
        queued_before = len(db.session.scalars(select(OutboxMessage)).all())
    assert _post_update(app, reference, "legal1", Role.LEGAL) == queued_before


def test_a_tipster_who_gave_an_email_with_their_identity_gets_no_mail_unasked(
    app: Flask,
) -> None:
    # Given a named tipster whose e-mail is sealed with their identity
    client = app.test_client()
    reference, _code = _follow(
        client, "/tips/new", tip_form(anonymous="", reporter_name="ก ข", reporter_email=EMAIL)
    )

    # Then news queues no mail: the server cannot read the sealed address
    assert _post_update(app, reference, "legal1", Role.LEGAL) == 0
    assert 'data-active="false"' in client.get("/track").get_data(as_text=True)


def test_without_a_followed_case_the_settings_go_back_to_the_code_form(app: Flask) -> None:
    reference, _code = file_and_read_receipt(
        app.test_client(), "/complaints/new", complaint_form(reporter_email=EMAIL)
    )
    stranger = app.test_client()
    response = stranger.post("/track/notices", data={"action": "stop"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/track")
    assert _case(app, reference).notices_stopped is False


def test_an_unknown_action_changes_nothing(app: Flask) -> None:
    client = app.test_client()
    reference, _code = _follow(client, "/complaints/new", complaint_form(reporter_email=EMAIL))
    response = client.post("/track/notices", data={"action": "delete-everything"})
    assert response.status_code == 422
    assert _case(app, reference).notices_stopped is False


# ------------------------------------------------------------------------------- help


def test_the_lost_code_page_says_why_it_cannot_be_recovered_and_what_to_do(
    client: FlaskClient,
) -> None:
    response = client.get("/track/lost-code")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    # why: only a keyed digest is stored
    assert "ไม่ได้เก็บรหัสติดตามเรื่องของท่านไว้" in page and "ค่าแฮช" in page
    # what to do: file again naming the old reference, on either channel, or call the centre
    assert "ระบุเลขที่เรื่องเดิม" in page
    assert 'href="/complaints/new"' in page and 'href="/tips/new"' in page
    assert 'id="lost-code-tip"' in page


def test_tracking_and_the_receipt_point_to_the_help(client: FlaskClient) -> None:
    assert 'href="/track/lost-code"' in client.get("/track").get_data(as_text=True)

    assert client.post("/complaints/new", data=complaint_form()).status_code == 303
    receipt = client.get("/receipt").get_data(as_text=True)
    assert 'href="/track/lost-code"' in receipt
    assert 'id="keep-code"' in receipt and "Ctrl+P" in receipt
    assert "ของที่ทำงาน" not in receipt  # the workplace warning is for tipsters

    assert client.post("/tips/new", data=tip_form()).status_code == 303
    tip_receipt = client.get("/receipt").get_data(as_text=True)
    assert 'id="keep-code"' in tip_receipt and "ของที่ทำงาน" in tip_receipt
