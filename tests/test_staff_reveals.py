"""The reveal screens: a legal officer asks with a reason, the custodian decides with the
passphrase, only the requester reads the identity (entering their password again), and
every step leaves a trail."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from intake.extensions import db
from intake.models import (
    AuditEntry,
    Case,
    CaseKind,
    Notification,
    RevealRequest,
    RevealStatus,
    Role,
    User,
)
from intake.services import admin_users
from intake.services.keyring import current_keyring
from intake.services.sign_in_throttle import PAIR_MAX_FAILURES as MAX_FAILURES
from intake.services.users import find_user
from tests.support.builders import complaint_form, tip_form
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE
from tests.support.filing import file_and_read_receipt
from tests.support.reveals import REASON, TIPSTER, World
from tests.support.staff import PASSWORD, make_staff, staff_client

REFUSAL = "ยังสอบพยานอื่นได้ จึงยังไม่จำเป็นต้องทราบตัวผู้แจ้งในขั้นนี้"
WRONG_PASSPHRASE_MESSAGE = "รหัสผ่านกุญแจไม่ถูกต้อง"
NEW_PASSWORD = "another staff password 2"


@pytest.fixture
def world(app: Flask) -> World:
    return World(app)


def _user_id(app: Flask, username: str) -> int:
    with app.app_context():
        return db.session.scalars(select(User.id).where(User.username == username)).one()


def test_request_approve_view_and_the_tipster_is_told(
    app: Flask, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # Given a legal officer's written request
    form_page = world.legal.get(f"/staff/cases/{world.case_id}/reveal")
    assert form_page.status_code == 200
    assert world.reference in form_page.get_data(as_text=True)
    request_id = world.ask()

    # When the custodian reads the list, then approves with the passphrase
    inbox = world.custodian.get("/staff/reveals").get_data(as_text=True)
    assert world.reference in inbox and REASON in inbox and "legal1" in inbox
    assert f"/staff/reveals/{request_id}/decide" in inbox
    with app.app_context():
        notes = list(
            db.session.scalars(
                select(Notification.read_at).where(Notification.user_id == _user_id(app, CUSTODIAN))
            )
        )
        assert notes and all(read_at is not None for read_at in notes)
    decide_page = world.custodian.get(f"/staff/reveals/{request_id}/decide").get_data(as_text=True)
    assert 'type="password"' in decide_page and 'autocomplete="off"' in decide_page
    world.approve(request_id)

    # Then the requester alone reads the identity, for a limited time
    mine = world.legal.get("/staff/reveals/mine").get_data(as_text=True)
    assert "อนุมัติแล้ว" in mine and f"/staff/reveals/{request_id}/identity" in mine
    asked = world.legal.get(f"/staff/reveals/{request_id}/identity")
    form_page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and TIPSTER not in form_page
    assert 'id="step-up"' in form_page and 'type="password"' in form_page
    shown = world.legal.post(f"/staff/reveals/{request_id}/identity", data={"password": PASSWORD})
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert TIPSTER in page and "0812345678" in page and "ชื่อ–นามสกุล" in page
    assert 'id="visible-until"' in page and "ดูได้ถึง" in page
    assert shown.headers["Cache-Control"] == "no-store"
    other = staff_client(app, "legal2", Role.LEGAL)
    for refused in (
        other.get(f"/staff/reveals/{request_id}/identity"),
        other.post(f"/staff/reveals/{request_id}/identity", data={"password": PASSWORD}),
    ):
        assert refused.status_code in (403, 404) and TIPSTER not in refused.get_data(as_text=True)

    # And the tipster's status page says the identity was disclosed
    status_page = world.public.post("/track", data={"code": world.code}).get_data(as_text=True)
    assert 'id="identity-disclosed"' in status_page
    # And every step is audited, by the right people, with nothing typed in the log
    assert world.actions() == [
        "case.filed",
        "reveal.requested",
        "reveal.approved",
        "identity.viewed",
    ]
    with app.app_context():
        query = select(AuditEntry.action, AuditEntry.actor).where(
            AuditEntry.case_id == world.case_id
        )
        actors = {action: actor for action, actor in db.session.execute(query)}
    assert actors["reveal.requested"] == f"user:{_user_id(app, 'legal1')}"
    assert actors["reveal.approved"] == f"user:{_user_id(app, CUSTODIAN)}"
    for secret in (REASON, CUSTODIAN_PASSPHRASE, TIPSTER, PASSWORD):
        assert secret not in caplog.text


def test_wrong_passphrase_is_refused_beside_the_field_and_changes_nothing(world: World) -> None:
    request_id = world.ask()

    status, page = world.decide(request_id, decision="approve", passphrase="not the passphrase")

    assert status == 422
    assert re.search(r'id="passphrase-error"[^>]*>[^<]*' + WRONG_PASSPHRASE_MESSAGE, page)
    assert 'aria-describedby="passphrase-error"' in page
    assert "not the passphrase" not in page
    assert world.status_of(request_id) is RevealStatus.PENDING
    assert "reveal.approved" not in world.actions()


def test_refusal_needs_a_reason_and_the_requester_sees_it(world: World) -> None:
    request_id = world.ask()

    status, page = world.decide(request_id, decision="refuse", refusal_reason="สั้นไป")
    assert status == 422 and 'id="refusal_reason-error"' in page
    assert world.status_of(request_id) is RevealStatus.PENDING

    status, _ = world.decide(request_id, decision="refuse", refusal_reason=REFUSAL)
    assert status == 303
    assert world.status_of(request_id) is RevealStatus.REFUSED
    mine = world.legal.get("/staff/reveals/mine").get_data(as_text=True)
    assert "ไม่อนุมัติ" in mine and REFUSAL in mine
    blocked = world.legal.get(f"/staff/reveals/{request_id}/identity")
    assert blocked.status_code == 403
    assert "ไม่ได้รับอนุมัติ" in blocked.get_data(as_text=True)
    assert TIPSTER not in blocked.get_data(as_text=True)
    assert world.actions()[-1] == "reveal.refused"


def test_custodian_revokes_a_running_approval(world: World) -> None:
    request_id = world.ask()
    world.approve(request_id)
    inbox = world.custodian.get("/staff/reveals").get_data(as_text=True)
    assert f"/staff/reveals/{request_id}/revoke" in inbox

    response = world.custodian.post(f"/staff/reveals/{request_id}/revoke")

    assert response.status_code == 303
    assert world.status_of(request_id) is RevealStatus.REVOKED
    gone = world.legal.get(f"/staff/reveals/{request_id}/identity")
    assert gone.status_code == 410
    assert "ยกเลิกการอนุมัติ" in gone.get_data(as_text=True)
    assert TIPSTER not in gone.get_data(as_text=True)
    inbox = world.custodian.get("/staff/reveals").get_data(as_text=True)
    assert f"/staff/reveals/{request_id}/revoke" not in inbox
    assert world.actions()[-1] == "reveal.revoked"


def test_an_expired_approval_shows_a_clear_message(app: Flask, world: World) -> None:
    request_id = world.ask()
    world.approve(request_id)
    with app.app_context():
        found = db.session.get(RevealRequest, request_id)
        assert found is not None
        found.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()

    gone = world.legal.get(f"/staff/reveals/{request_id}/identity")

    assert gone.status_code == 410
    assert "สิ้นสุดแล้ว" in gone.get_data(as_text=True)
    assert TIPSTER not in gone.get_data(as_text=True)
    assert world.status_of(request_id) is RevealStatus.EXPIRED
    assert "identity.viewed" not in world.actions()
    assert world.actions()[-1] == "reveal.expired"


def test_short_reason_is_refused_beside_the_field(app: Flask, world: World) -> None:
    response = world.legal.post(f"/staff/cases/{world.case_id}/reveal", data={"reason": "ขอดูหน่อย"})

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="reason-error"' in page and "อย่างน้อย 20" in page
    assert "ขอดูหน่อย" in page  # what was typed stays
    with app.app_context():
        assert db.session.scalars(select(RevealRequest)).first() is None
    assert "reveal.requested" not in world.actions()


def test_a_second_pending_request_is_refused(world: World) -> None:
    world.ask()

    again = world.legal.post(f"/staff/cases/{world.case_id}/reveal", data={"reason": REASON})

    assert again.status_code == 422
    assert "รอการพิจารณาอยู่แล้ว" in again.get_data(as_text=True)
    assert "รอการพิจารณา" in world.legal.get(f"/staff/cases/{world.case_id}/reveal").get_data(
        as_text=True
    )


def test_only_legal_officers_may_ask_and_only_custodians_decide(app: Flask, world: World) -> None:
    intake = staff_client(app, "intake1", Role.INTAKE)

    assert intake.get(f"/staff/cases/{world.case_id}/reveal").status_code == 403
    posted = intake.post(f"/staff/cases/{world.case_id}/reveal", data={"reason": REASON})
    assert posted.status_code == 403
    assert intake.get("/staff/reveals").status_code == 403
    assert world.legal.get("/staff/reveals").status_code == 403
    with app.app_context():
        assert db.session.scalars(select(RevealRequest)).first() is None


def test_no_reveal_form_without_a_sealed_identity(app: Flask, world: World) -> None:
    file_and_read_receipt(world.public, "/tips/new", tip_form())
    file_and_read_receipt(world.public, "/complaints/new", complaint_form())
    with app.app_context():
        others = db.session.scalars(select(Case).where(Case.id != world.case_id)).all()
        assert {c.kind for c in others} == {CaseKind.TIP, CaseKind.COMPLAINT}
        ids = [c.id for c in others]

    for case_id in ids:
        assert world.legal.get(f"/staff/cases/{case_id}/reveal").status_code == 404
    assert world.legal.get("/staff/cases/not-a-case/reveal").status_code == 404


def test_a_wrong_password_is_refused_beside_the_field_and_repeated_ones_sign_out(
    app: Flask, world: World
) -> None:
    request_id = world.ask()
    world.approve(request_id)

    status, page = world.view(request_id, "not my password at all")

    assert status == 422
    assert re.search(r'id="password-error"[^>]*>[^<]*รหัสผ่านไม่ถูกต้อง', page)
    assert "not my password at all" not in page and TIPSTER not in page
    assert world.actions()[-1] == "identity.view_refused"
    for attempt in range(MAX_FAILURES - 2):
        assert world.view(request_id, f"guess {attempt}")[0] == 422
    # The last allowed guess locks the account and ends the session it came from
    locked = world.legal.post(
        f"/staff/reveals/{request_id}/identity", data={"password": "one guess too many"}
    )
    assert locked.status_code == 303 and locked.headers["Location"].endswith("/staff/login")
    assert world.legal.get("/staff/reveals/mine").headers["Location"].endswith("/staff/login")
    assert world.actions().count("identity.view_refused") == MAX_FAILURES
    assert "identity.viewed" not in world.actions()


def test_after_a_password_change_the_new_password_opens_the_identity(world: World) -> None:
    request_id = world.ask()
    world.approve(request_id)
    changed = world.legal.post(
        "/staff/account/password",
        data={"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert changed.status_code == 303

    assert world.view(request_id, PASSWORD)[0] == 422
    status, page = world.view(request_id, NEW_PASSWORD)

    assert status == 200 and TIPSTER in page


def test_approval_is_refused_clearly_when_the_requester_has_no_key(
    app: Flask, world: World
) -> None:
    request_id = world.ask()
    make_staff(app, "admin1", Role.ADMIN)
    with app.app_context():  # an administrator resets the officer's sign-in meanwhile
        admin = find_user(db.session, "admin1")
        officer = find_user(db.session, "legal1")
        assert admin is not None and officer is not None
        now = datetime.now(UTC)
        admin_users.issue_enrolment_link(db.session, current_keyring(), admin, officer.id, now=now)

    status, page = world.decide(request_id, decision="approve", passphrase=CUSTODIAN_PASSPHRASE)

    assert status == 409 and "ผู้ขอยังไม่มีกุญแจส่วนตัว" in page
    assert world.status_of(request_id) is RevealStatus.PENDING
    assert "reveal.approved" not in world.actions()


def test_asking_for_the_password_again_is_throttled_per_client(make_app: Any) -> None:
    app = make_app(RATELIMIT_ENABLED=True, INTAKE_LOGIN_LIMIT="3 per minute")
    legal = staff_client(app, "legal1", Role.LEGAL)
    url = f"/staff/reveals/{'0' * 36}/identity"

    answers = [legal.post(url, data={"password": "a guess"}).status_code for _ in range(4)]

    assert answers == [404, 404, 404, 429]
