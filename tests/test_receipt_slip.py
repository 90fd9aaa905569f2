"""The receipt a person keeps: the code in readable groups, why it cannot be recovered, and
the slip saved as a file — only from the receipt page that was shown, never by a URL."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask, session
from flask.testing import FlaskClient

from intake import tracking
from intake.public import receipt_slip
from tests.support.builders import complaint_form, tip_form

CODE_PATTERN = re.compile(r'id="tracking-code"[^>]*>([0-9 ]+)<')
REFERENCE_PATTERN = re.compile(r'id="reference-number"[^>]*>([^<]+)<')
CSRF_TOKEN = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
SLIP_TOKEN = re.compile(r'<input[^>]*name="slip"[^>]*value="([^"]+)"')
WHY_NOT_RECOVERABLE = "เพราะระบบเก็บไว้เพียงค่าที่แปลงจากรหัสแบบย้อนกลับไม่ได้"
FILED_AT = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)


def file_and_open_receipt(client: FlaskClient, path: str, form: dict) -> str:
    posted = client.post(path, data=form)
    assert posted.status_code == 303, posted.get_data(as_text=True)[:2000]
    receipt = client.get("/receipt")
    assert receipt.status_code == 200
    return receipt.get_data(as_text=True)


def _found(pattern: re.Pattern[str], page: str) -> str:
    match = pattern.search(page)
    assert match, page[:3000]
    return match.group(1)


def _receipt_data(code: str) -> dict[str, str]:
    return {
        "reference": "รร-2569-00042",
        "code": code,
        "kind": "complaint",
        "received_at": FILED_AT.isoformat(),
        "due_at": (FILED_AT + timedelta(days=16)).isoformat(),
    }


# --- the receipt page ---------------------------------------------------------------------


def test_receipt_shows_the_grouped_code_and_why_it_cannot_be_recovered(
    client: FlaskClient,
) -> None:
    # Given a complaint just filed
    page = file_and_open_receipt(client, "/complaints/new", complaint_form())

    # Then the code is in seven groups of four, one space apart (what /track accepts)
    code = _found(CODE_PATTERN, page)
    assert re.fullmatch(r"\d{4}( \d{4}){6}", code), code
    # ...with a word on how to read it aloud
    assert "อ่านทีละกลุ่ม กลุ่มละ 4 หลัก" in page
    # ...and one sentence saying why a lost code cannot be given again
    assert 'id="code-warning"' in page and WHY_NOT_RECOVERABLE in page
    # ...and how to follow the case, by an address that carries no code
    follow = _found(re.compile(r'id="how-to-follow"[^>]*>([^<]+)<'), page)
    assert "http://127.0.0.1:5000/track" in follow  # INTAKE_BASE_URL, never the request host


def test_receipt_offers_the_slip_as_a_post_that_carries_no_code(client: FlaskClient) -> None:
    # Given a receipt
    page = file_and_open_receipt(client, "/tips/new", tip_form())
    digits = _found(CODE_PATTERN, page).replace(" ", "")

    # Then the slip is a form posted to /receipt/slip, with a token that is not the code
    assert re.search(r'<form method="post" action="/receipt/slip"', page)
    token = _found(SLIP_TOKEN, page)
    assert digits not in token
    # ...and no address on the page (link, form, image) holds the code or any group of it.
    # Addresses every receipt shows alike (the organisation's telephone number, say) hold
    # no code, and may hold four digits of one by chance: those of another receipt are
    # left out.
    addresses = re.findall(r'(?:href|action|src)="([^"]*)"', page)
    assert addresses
    another = file_and_open_receipt(client, "/tips/new", tip_form())
    alike = set(re.findall(r'(?:href|action|src)="([^"]*)"', another))
    own = [address for address in addresses if address not in alike]
    for group in tracking.group(digits).split(" "):
        assert not any(group in address for address in own), (group, own)
    # ...and a tipster is told to save it only on a device of their own
    assert "บันทึกไฟล์เฉพาะในเครื่องที่ท่านใช้คนเดียวเท่านั้น" in page


def test_slip_is_a_plain_text_attachment_with_the_receipt(client: FlaskClient) -> None:
    # Given a receipt
    page = file_and_open_receipt(client, "/complaints/new", complaint_form())
    code = _found(CODE_PATTERN, page)
    reference = _found(REFERENCE_PATTERN, page)

    # When its download button is pressed
    response = client.post("/receipt/slip", data={"slip": _found(SLIP_TOKEN, page)})

    # Then a text file comes back as an attachment, not kept in any cache
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="receipt.txt"'
    assert response.headers["Cache-Control"] == "no-store"
    assert "Location" not in response.headers
    slip = response.get_data(as_text=True)
    # ...with the reference, the code on its two lines, the due date, the way to follow
    # and the sentence on why it cannot be recovered
    assert reference in slip
    first, second = tracking.display_lines(code.replace(" ", ""))
    assert f"    {first}\r\n    {second}\r\n" in slip
    assert "ท่านจะได้รับคำตอบหรือความคืบหน้าภายใน" in slip
    assert "http://127.0.0.1:5000/track" in slip
    assert WHY_NOT_RECOVERABLE in slip
    # ...and the name of the organisation it was sent to
    assert "ติดตามเรื่องได้ที่" in slip and slip.splitlines()[0].strip()


def test_slip_can_be_saved_again_from_the_same_receipt(client: FlaskClient) -> None:
    # Given a receipt whose slip was downloaded once (a failed save, a second device)
    page = file_and_open_receipt(client, "/complaints/new", complaint_form())
    token = _found(SLIP_TOKEN, page)
    assert client.post("/receipt/slip", data={"slip": token}).status_code == 200

    # When it is asked for again from the same page
    again = client.post("/receipt/slip", data={"slip": token})

    # Then it comes again: the page itself is still on the screen
    assert again.status_code == 200


def test_slip_is_refused_to_another_browser_even_with_the_token(app: Flask) -> None:
    # Given a receipt shown in one browser
    owner = app.test_client()
    token = _found(SLIP_TOKEN, file_and_open_receipt(owner, "/complaints/new", complaint_form()))

    # When another browser (another session) posts the same token
    stranger = app.test_client()
    response = stranger.post("/receipt/slip", data={"slip": token})

    # Then it gets nothing but the "shown once" page
    assert response.status_code == 410
    assert "Content-Disposition" not in response.headers
    assert "แสดงได้เพียงครั้งเดียว" in response.get_data(as_text=True)


@pytest.mark.parametrize("token", ["", "not-the-token"])
def test_slip_is_refused_in_the_same_browser_without_the_pages_token(
    client: FlaskClient, token: str
) -> None:
    # Given a receipt shown in this browser, and someone later without that page
    file_and_open_receipt(client, "/complaints/new", complaint_form())

    # When the slip is asked for without the page's token
    response = client.post("/receipt/slip", data={"slip": token})

    # Then nothing is given, and the kept receipt is dropped
    assert response.status_code == 410
    with client.session_transaction() as state:
        assert receipt_slip.SESSION_KEY not in state


@pytest.mark.parametrize("elsewhere", ["/", "/track", "/receipt"])
def test_slip_ends_when_the_person_leaves_the_receipt(client: FlaskClient, elsewhere: str) -> None:
    # Given a receipt shown in this browser
    token = _found(SLIP_TOKEN, file_and_open_receipt(client, "/complaints/new", complaint_form()))

    # When any other page is opened (the receipt itself is gone after one showing)
    client.get(elsewhere)

    # Then the session no longer holds the receipt, and the page's token gets nothing
    with client.session_transaction() as state:
        assert receipt_slip.SESSION_KEY not in state
    assert client.post("/receipt/slip", data={"slip": token}).status_code == 410


def test_slip_is_refused_before_any_receipt(client: FlaskClient) -> None:
    assert client.post("/receipt/slip", data={"slip": "x"}).status_code == 410
    assert client.get("/receipt/slip").status_code == 405


def test_session_keeps_the_receipt_sealed(app: Flask, client: FlaskClient) -> None:
    # Given a receipt shown
    page = file_and_open_receipt(client, "/complaints/new", complaint_form())
    digits = _found(CODE_PATTERN, page).replace(" ", "")

    # Then the session cookie (signed, not secret) holds the receipt only encrypted
    with client.session_transaction() as state:
        kept = state[receipt_slip.SESSION_KEY]
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    assert digits not in kept and digits not in cookie.value


def test_kept_receipt_lasts_thirty_minutes_and_needs_its_token(app: Flask) -> None:
    data = _receipt_data(tracking.new_code())
    with app.test_request_context("/receipt"):
        # Given a receipt kept for its slip at the moment it was shown
        token = receipt_slip.remember(data, FILED_AT)
        sealed = session[receipt_slip.SESSION_KEY]

        # Then the page's token opens it up to the last second of the thirty minutes
        just_before = FILED_AT + timedelta(minutes=30) - timedelta(seconds=1)
        assert receipt_slip.kept_receipt(sealed, token, just_before) == data
        # ...and not at thirty minutes, nor with another token, nor without one
        assert receipt_slip.kept_receipt(sealed, token, FILED_AT + timedelta(minutes=30)) is None
        assert receipt_slip.kept_receipt(sealed, token + "x", FILED_AT) is None
        assert receipt_slip.kept_receipt(sealed, "", FILED_AT) is None
        assert receipt_slip.kept_receipt(None, token, FILED_AT) is None
        # ...and a token sealed for another purpose does not pass for it
        assert receipt_slip.kept_receipt(sealed[:-4] + "AAAA", token, FILED_AT) is None


# --- every form of the code the receipt and the slip show is accepted by /track ------------


def _displayed_forms(grouped: str) -> dict[str, str]:
    digits = grouped.replace(" ", "")
    lines = tracking.display_lines(digits)
    return {
        "page text": grouped,
        "two lines": "\n".join(lines),
        "slip lines": "".join(f"    {line}\r\n" for line in lines),
        "dashes": "-".join(grouped.split(" ")),
        "thai digits": grouped.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")),
        "run together": digits,
    }


def test_every_displayed_form_of_the_code_finds_the_case(app: Flask) -> None:
    # Given a complaint, its receipt's code and its slip
    filer = app.test_client()
    page = file_and_open_receipt(filer, "/complaints/new", complaint_form())
    grouped = _found(CODE_PATTERN, page)
    slip = filer.post("/receipt/slip", data={"slip": _found(SLIP_TOKEN, page)})
    assert "".join(
        f"    {line}\r\n" for line in tracking.display_lines(grouped.replace(" ", ""))
    ) in (slip.get_data(as_text=True))

    # When each form the code is shown in is typed on /track, in a fresh browser
    for name, typed in _displayed_forms(grouped).items():
        response = app.test_client().post("/track", data={"code": typed})
        # Then the case is found
        assert response.status_code == 200, name
        assert 'id="case-status"' in response.get_data(as_text=True), name


def test_slip_needs_the_pages_csrf_token(make_app: Callable[..., Flask]) -> None:
    # Given CSRF protection on, as in production, and a receipt
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    form_page = client.get("/complaints/new").get_data(as_text=True)
    csrf = _found(CSRF_TOKEN, form_page)
    page = file_and_open_receipt(client, "/complaints/new", complaint_form(csrf_token=csrf))
    slip = {"slip": _found(SLIP_TOKEN, page)}

    # When the slip is posted without the page's CSRF token, it is refused
    refused = client.post("/receipt/slip", data=slip)
    assert refused.status_code == 400
    assert "Content-Disposition" not in refused.headers
    # ...and with it, it is given
    given = client.post("/receipt/slip", data={**slip, "csrf_token": _found(CSRF_TOKEN, page)})
    assert given.status_code == 200
