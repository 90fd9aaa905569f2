"""A tip with a sealed identity and the staff who may ask to reveal it."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cached_property

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.extensions import db
from intake.models import (
    AuditEntry,
    Case,
    RevealRequest,
    RevealStatus,
    Role,
)
from intake.services.auth import change_password, reset_two_factor
from intake.services.keyring import current_keyring
from intake.services.users import find_user
from tests.support.builders import tip_form
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE
from tests.support.filing import file_and_read_receipt
from tests.support.staff import PASSWORD, sign_in, staff_client

REASON = "ต้องสอบปากคำผู้แจ้งเพื่อยืนยันข้อเท็จจริงตามมาตรา 59 ก่อนส่งเรื่องให้ ป.ป.ช."


TIPSTER = "นายผู้แจ้ง กล้าหาญ"


def custodian_client(app: Flask) -> FlaskClient:
    """The test database's custodian holds the identity key but has no sign-in yet."""
    with app.app_context():
        user = find_user(db.session, CUSTODIAN)
        assert user is not None
        change_password(db.session, user, "pw", PASSWORD, datetime.now(UTC), keep_token=None)
        reset_two_factor(db.session, current_keyring(), user, datetime.now(UTC))
    return sign_in(app, CUSTODIAN)


class World:
    """A tip filed with a name on the public form, a legal officer and the custodian."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.public = app.test_client()
        _, self.code = file_and_read_receipt(
            self.public,
            "/tips/new",
            tip_form(anonymous="", reporter_name=TIPSTER, reporter_phone="081-234-5678"),
        )
        with app.app_context():
            case = db.session.scalars(select(Case)).one()
            self.case_id, self.reference = case.id, case.reference
        self.legal = staff_client(app, "legal1", Role.LEGAL)

    @cached_property
    def custodian(self) -> FlaskClient:
        return custodian_client(self.app)

    def ask(self) -> str:
        response = self.legal.post(f"/staff/cases/{self.case_id}/reveal", data={"reason": REASON})
        assert response.status_code == 303, response.get_data(as_text=True)[:1000]
        assert REASON not in response.headers["Location"]
        with self.app.app_context():
            return db.session.scalars(select(RevealRequest.id)).one()

    def decide(self, request_id: str, **form: str) -> tuple[int, str]:
        response = self.custodian.post(f"/staff/reveals/{request_id}/decide", data=form)
        return response.status_code, response.get_data(as_text=True)

    def approve(self, request_id: str) -> None:
        status, page = self.decide(request_id, decision="approve", passphrase=CUSTODIAN_PASSPHRASE)
        assert status == 303, page[:1000]

    def view(self, request_id: str, password: str = PASSWORD) -> tuple[int, str]:
        """The requester opens the identity: the page asks for the password, then shows it."""
        response = self.legal.post(
            f"/staff/reveals/{request_id}/identity", data={"password": password}
        )
        return response.status_code, response.get_data(as_text=True)

    def status_of(self, request_id: str) -> RevealStatus:
        with self.app.app_context():
            found = db.session.get(RevealRequest, request_id)
            assert found is not None
            return found.status

    def actions(self) -> list[str]:
        with self.app.app_context():
            query = select(AuditEntry.action).where(AuditEntry.case_id == self.case_id)
            return list(db.session.scalars(query.order_by(AuditEntry.id)))
