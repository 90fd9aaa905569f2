"""The public session cannot be brought back with an older copy of its cookie: a receipt is
shown once, and "leave" ends the followed case for every copy."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.extensions import db
from intake.models import Case
from tests.support.builders import complaint_form, tip_form
from tests.support.filing import file_and_read_receipt

COOKIE = "intake_session"
REFERENCE = re.compile(r'id="reference-number"[^>]*>([^<]+)<')


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    other = app.test_client()
    other.set_cookie(COOKIE, cookie.value)
    return other


def test_a_receipt_replayed_with_the_old_cookie_shows_nothing(
    app: Flask, client: FlaskClient
) -> None:
    # Given a tip just filed, and a copy of the cookie taken before the receipt was shown
    filed = client.post("/tips/new", data=tip_form())
    assert filed.status_code == 303
    replay = copy_of(app, client)
    shown = client.get("/receipt")
    assert shown.status_code == 200 and REFERENCE.search(shown.get_data(as_text=True))
    # When the old cookie asks for the receipt again
    again = replay.get("/receipt")
    # Then nothing of the receipt comes back
    text = again.get_data(as_text=True)
    assert again.status_code == 410
    assert not REFERENCE.search(text) and 'id="tracking-code"' not in text


def test_leave_then_the_older_cookie_no_longer_follows_the_case(
    app: Flask, client: FlaskClient
) -> None:
    # Given a person following their case, and a copy of their cookie
    reference, code = file_and_read_receipt(client, "/tips/new", tip_form())
    assert client.post("/track", data={"code": code}).status_code == 200
    replay = copy_of(app, client)
    assert reference in client.get("/track").get_data(as_text=True)  # renewed, same session
    # When they leave, and someone replays the copy
    client.post("/track/leave")
    page = replay.get("/track").get_data(as_text=True)
    # Then the copy is asked for the code, sees no case and cannot reply
    assert 'name="code"' in page and 'id="case-status"' not in page and reference not in page
    refused = replay.post("/track/reply", data={"message": "ยังอยู่ไหม"})
    assert refused.status_code == 401


def test_following_again_after_leaving_works(client: FlaskClient) -> None:
    reference, code = file_and_read_receipt(client, "/complaints/new", complaint_form())
    client.post("/track", data={"code": code})
    client.post("/track/leave")
    again = client.post("/track", data={"code": code})
    assert again.status_code == 200 and reference in again.get_data(as_text=True)
    assert reference in client.get("/track").get_data(as_text=True)


def test_what_is_kept_names_no_case_and_does_not_pile_up(app: Flask, client: FlaskClient) -> None:
    from intake.models import EndedPublicToken
    from intake.services import public_tokens

    _reference, code = file_and_read_receipt(client, "/complaints/new", complaint_form())
    client.post("/track", data={"code": code})
    client.post("/track/leave")
    with app.app_context():
        case_id = db.session.scalars(select(Case.id)).one()
        rows = list(db.session.scalars(select(EndedPublicToken)))
        # the receipt and the followed case: two digests, nothing else
        assert len(rows) == 2
        assert all(re.fullmatch(r"[0-9a-f]{64}", row.digest) for row in rows)
        assert all(case_id not in row.digest for row in rows)
        # When the rows have expired, the next ended token purges them
        later = max(row.expires_at for row in rows) + timedelta(seconds=1)
        public_tokens.end(db.session, "another", expires_at=later + timedelta(hours=1), now=later)
        assert db.session.scalars(select(EndedPublicToken.digest)).all() == [
            public_tokens._digest("another")
        ]
