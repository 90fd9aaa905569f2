"""Referring a case to another organisation on the same host: the receiver gets the case
under its own reference, clock and keys; a tip's identity is re-sealed to the receiver by
a custodian of the sender; the sender keeps no readable copy of a tip; the complainant's
code follows the case; both sides audited; statistics count it once on each side."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from intake import crypto
from intake.extensions import db
from intake.models import (
    AuditEntry,
    Case,
    CaseKind,
    CaseTally,
    Channel,
    HostReferral,
    HostReferralStatus,
    Organisation,
    OutboxMessage,
    Role,
    User,
)
from intake.models.organisation import OrganisationStatus
from intake.organisation_scope import host_wide
from intake.problems import Problem
from intake.services import ServiceError
from intake.services import host_referral as referral_service
from intake.services import reveal as reveal_service
from intake.services.auth import change_password, reset_two_factor
from intake.services.case_work import available_actions
from intake.services.keyring import current_keyring, keyring_for
from intake.services.personal_keys import ensure_personal_key
from intake.services.users import find_user
from intake.workflow import Action, Status
from tests.support.builders import complaint_form, tip_form
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE
from tests.support.filing import file_and_read_receipt
from tests.support.organisations import FIRST, add_organisation, working_for
from tests.support.reveals import REASON as REVEAL_REASON
from tests.support.staff import PASSWORD, make_staff, sign_in

RECEIVER = "province"
RECEIVER_NAME = "องค์การบริหารส่วนจังหวัดทดสอบ"
WHY = "ถนนสายนี้เป็นทางหลวงท้องถิ่นของ อบจ. ไม่ใช่ของ อบต."
TIPSTER = "นายผู้แจ้ง กล้าหาญ"
TIPSTER_PHONE = "089-765-4321"
TIP_DETAILS = "ปลัดเรียกรับเงินค่าซ่อมถนนสายบ้านโนนแดงโดยไม่มีการซ่อมจริง"
FILE_TEXT = "หลักฐานการโอนเงิน 4242"


def _now() -> datetime:
    return datetime.now(UTC)


def _uploads(app: Flask) -> Path:
    return Path(app.config["INTAKE_UPLOADS_PATH"])


@pytest.fixture
def receiver(app: Flask) -> int:
    return add_organisation(app, RECEIVER, RECEIVER_NAME, province="ขอนแก่น")


def _case_at(app: Flask, organisation_id: int) -> Case:
    with working_for(app, organisation_id), app.app_context():
        case = db.session.scalars(select(Case).order_by(Case.created_at.desc())).first()
        assert case is not None
        db.session.expunge(case)
        return case


def _staff(app: Flask, username: str, role: Role, organisation_id: int = FIRST) -> int:
    with working_for(app, organisation_id):
        return make_staff(app, username, role)


def _refer(app: Flask, user_id: int, case_id: str, to: int | None, reason: str = WHY) -> Any:
    with working_for(app, FIRST), app.app_context():
        actor = db.session.get(User, user_id)
        referral = referral_service.refer(
            db.session,
            actor,
            case_id,
            to_organisation_id=to,
            reason=reason,
            uploads=_uploads(app),
            now=_now(),
        )
        return referral.id, referral.status


def _move_identity(app: Flask, referral_id: str, passphrase: str = CUSTODIAN_PASSPHRASE) -> None:
    with working_for(app, FIRST), app.app_context():
        custodian = find_user(db.session, CUSTODIAN)
        referral_service.move_identity(
            db.session, custodian, passphrase, referral_id, uploads=_uploads(app), now=_now()
        )


def _open(case: Case, column: str) -> str:
    keyring = keyring_for(case.organisation_id)
    blob = getattr(case, f"{column}_enc")
    return crypto.decrypt_text(keyring, blob, table="cases", column=column, row_id=case.id)


def _actions(app: Flask, organisation_id: int) -> list[str]:
    with working_for(app, organisation_id), app.app_context():
        return list(db.session.scalars(select(AuditEntry.action)))


def _tallies(app: Flask, organisation_id: int, dimension: str) -> dict[str, int]:
    with working_for(app, organisation_id), app.app_context():
        rows = db.session.execute(
            select(CaseTally.value, func.sum(CaseTally.cases))
            .where(CaseTally.dimension == dimension)
            .group_by(CaseTally.value)
        )
        return {value: int(total) for value, total in rows if total}


def _file(app: Flask, path: str, form: dict[str, Any]) -> str:
    _, code = file_and_read_receipt(app.test_client(), f"/o/main{path}", form)
    return code


def test_a_complaint_is_received_by_the_other_organisation_and_its_code_follows(
    app: Flask, receiver: int
) -> None:
    # Given a complaint filed with the subdistrict about a provincial road
    code = _file(app, "/complaints/new", complaint_form(reporter_email="somchai@example.org"))
    sent = _case_at(app, FIRST)
    officer = _staff(app, "intake1", Role.INTAKE)

    # When the intake officer refers it to the province on the host
    _, status = _refer(app, officer, sent.id, receiver)

    # Then it goes at once; the sender's case is closed as referred, its record kept
    assert status is HostReferralStatus.DONE
    kept = _case_at(app, FIRST)
    assert kept.status is Status.REFERRED and kept.closed_at is not None
    assert kept.referred_to_organisation_id == receiver
    assert kept.referred_to_name == RECEIVER_NAME
    with app.app_context():
        assert _open(kept, "subject") == complaint_form()["subject"]
    # and the receiver has a new case: its own reference, received now by referral,
    # its own 15-day period, the contents under its keys bound to the new row
    received = _case_at(app, receiver)
    assert received.id != sent.id
    assert received.organisation_id == receiver
    assert received.reference == sent.reference  # both the first complaint of their year
    assert received.channel is Channel.AGENCY and received.status is Status.RECEIVED
    assert received.referred_from_organisation_id == FIRST
    assert received.received_at > sent.received_at and received.due_at > received.received_at
    with app.app_context():
        assert _open(received, "details") == complaint_form()["details"]
        assert "somchai@example.org" in _open(received, "contact")
    # both sides audited, in their own chains
    assert "case.host_referred" in _actions(app, FIRST)
    assert "case.host_received" in _actions(app, receiver)
    # statistics: received by each, referred by the sender only
    assert _tallies(app, FIRST, "total") == {"": 1}
    assert _tallies(app, FIRST, "outcome") == {"referred": 1}
    assert _tallies(app, receiver, "outcome") == {"open": 1}
    assert _tallies(app, receiver, "channel") == {"agency": 1}

    # the complainant who gave an address is told, by the receiver
    with working_for(app, receiver), app.app_context():
        kinds = db.session.scalars(select(OutboxMessage.kind)).all()
        assert kinds == ["complainant.update"]
    # the sender cannot reopen, move or write to the complainant about what now lives at
    # the receiver: it keeps internal notes only
    with working_for(app, FIRST), app.app_context():
        here = db.session.get(Case, sent.id)
        assert available_actions(db.session.get(User, officer), here) == [Action.NOTE]

    # And the complainant's code, typed at the sender, says where the case went
    client = app.test_client()
    moved = client.post("/o/main/track", data={"code": code})
    page = moved.get_data(as_text=True)
    assert moved.status_code == 200, page[:1500]
    assert RECEIVER_NAME in page and received.reference in page
    assert f'href="/o/{RECEIVER}/track"' in page
    # and typed at the receiver, it opens the case there (with the reason told)
    there = client.post(f"/o/{RECEIVER}/track", data={"code": code})
    assert there.status_code == 200
    html = there.get_data(as_text=True)
    assert 'data-status="received"' in html and WHY in html


def test_the_code_typed_first_at_the_receiver_finds_the_case(app: Flask, receiver: int) -> None:
    code = _file(app, "/complaints/new", complaint_form())
    officer = _staff(app, "intake1", Role.INTAKE)
    _refer(app, officer, _case_at(app, FIRST).id, receiver)
    client = app.test_client()

    first = client.post(f"/o/{RECEIVER}/track", data={"code": code})
    again = app.test_client().post(f"/o/{RECEIVER}/track", data={"code": code})

    assert first.status_code == 200 and again.status_code == 200
    assert 'data-status="received"' in again.get_data(as_text=True)
    assert "case.tracking_forwarded" in _actions(app, receiver)
    # the sender's own page still says where it went
    assert RECEIVER_NAME in client.post("/o/main/track", data={"code": code}).get_data(as_text=True)


def test_a_tip_waits_for_a_custodian_who_reseals_the_identity_for_the_receiver(
    app: Flask, receiver: int
) -> None:
    # Given a tip with the tipster's name and a file
    form = tip_form(
        anonymous="",
        details=TIP_DETAILS,
        reporter_name=TIPSTER,
        reporter_phone=TIPSTER_PHONE,
        attachments=(io.BytesIO(FILE_TEXT.encode()), "หลักฐาน.txt"),
    )
    code = _file(app, "/tips/new", form)
    sent = _case_at(app, FIRST)
    with working_for(app, FIRST), app.app_context():
        stored = [a.stored_name for a in db.session.get(Case, sent.id).attachments]
    assert stored and all((_uploads(app) / name).exists() for name in stored)
    legal = _staff(app, "legal1", Role.LEGAL)

    # When the legal officer refers it, it waits for a custodian
    referral_id, status = _refer(app, legal, sent.id, receiver)
    assert status is HostReferralStatus.PENDING
    assert _case_at(app, FIRST).status is Status.RECEIVED
    with working_for(app, FIRST), app.app_context():
        custodian = find_user(db.session, CUSTODIAN)
        assert [r.id for r in referral_service.waiting(db.session, custodian)] == [referral_id]
    # a wrong passphrase moves nothing
    with pytest.raises(ServiceError) as refused:
        _move_identity(app, referral_id, "not the passphrase at all")
    assert refused.value.code is Problem.WRONG_PASSPHRASE
    with working_for(app, receiver), app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case)) == 0

    # When the sender's custodian gives their passphrase
    _move_identity(app, referral_id)

    # Then the receiver has the tip, its identity sealed to the receiver's key: the
    # receiver's custodian opens it after a reveal there
    received = _case_at(app, receiver)
    assert received.kind is CaseKind.TIP and received.identity_sealed is not None
    assert _revealed_at_receiver(app, receiver, received.id)["name"] == TIPSTER
    with working_for(app, receiver), app.app_context():
        copy = db.session.get(Case, received.id)
        assert _open(copy, "details") == TIP_DETAILS
        assert len(copy.attachments) == 1
    # and the sender has nothing readable left: no row of it holds the tip or the
    # identity, or a ciphertext its keys open to them; its files are gone
    kept = _case_at(app, FIRST)
    assert kept.status is Status.REFERRED
    assert kept.identity_sealed is None and kept.contents_purged_at is not None
    _assert_nothing_readable_at(app, FIRST, [TIPSTER, TIPSTER_PHONE, TIP_DETAILS, FILE_TEXT])
    assert not any((_uploads(app) / name).exists() for name in stored)
    assert "case.host_received" in _actions(app, receiver)
    assert {"case.host_referral_requested", "case.host_referred"} <= set(_actions(app, FIRST))
    # and the tipster's code follows the tip
    page = app.test_client().post(f"/o/{RECEIVER}/track", data={"code": code})
    assert page.status_code == 200


def _revealed_at_receiver(app: Flask, receiver: int, case_id: str) -> dict[str, str]:
    legal = _staff(app, "legal2", Role.LEGAL, receiver)
    with working_for(app, receiver), app.app_context():
        keyring, now = current_keyring(), _now()
        officer = db.session.get(User, legal)
        ensure_personal_key(db.session, keyring, officer, PASSWORD, now)
        db.session.commit()
        request = reveal_service.request_reveal(
            db.session, keyring, officer, case_id, REVEAL_REASON, now
        )
        custodian = find_user(db.session, CUSTODIAN)
        reveal_service.approve_reveal(
            db.session, keyring, custodian, CUSTODIAN_PASSPHRASE, request.id, now
        )
        shown = reveal_service.view_identity(
            db.session, keyring, officer, request.id, PASSWORD, now
        )
        return shown.fields


def _assert_nothing_readable_at(app: Flask, organisation_id: int, secrets: list[str]) -> None:
    """Every row of the organisation, every column: no secret in the clear, and none in
    what its keys open."""
    with app.app_context():
        keyring = keyring_for(organisation_id)
        connection = db.session.connection()
        for table in db.metadata.sorted_tables:
            if "organisation_id" not in table.c:
                continue
            rows = connection.execute(
                table.select().where(table.c.organisation_id == organisation_id)
            )
            for row in rows.mappings():
                for column, value in row.items():
                    for secret in secrets:
                        if isinstance(value, str):
                            assert secret not in value, (table.name, column)
                        if isinstance(value, bytes):
                            assert secret.encode() not in value, (table.name, column)
                    if isinstance(value, bytes) and column.endswith("_enc") and "id" in row:
                        _assert_opens_to_nothing(keyring, table.name, column, row, secrets)


def _assert_opens_to_nothing(
    keyring: crypto.Keyring, table: str, column: str, row: Any, secrets: list[str]
) -> None:
    try:
        opened = crypto.decrypt_text(
            keyring, row[column], table=table, column=column[:-4], row_id=str(row["id"])
        )
    except crypto.CryptoError:
        return
    assert not any(secret in opened for secret in secrets), (table, column)


def test_an_anonymous_tip_moves_at_once_and_leaves_nothing_readable(
    app: Flask, receiver: int
) -> None:
    _file(app, "/tips/new", tip_form(details=TIP_DETAILS))
    legal = _staff(app, "legal1", Role.LEGAL)

    _, status = _refer(app, legal, _case_at(app, FIRST).id, receiver)

    assert status is HostReferralStatus.DONE
    received = _case_at(app, receiver)
    assert received.anonymous and received.identity_sealed is None
    with app.app_context():
        assert _open(received, "details") == TIP_DETAILS
    _assert_nothing_readable_at(app, FIRST, [TIP_DETAILS])
    assert _tallies(app, FIRST, "outcome") == {"referred": 1}
    assert _tallies(app, receiver, "total") == {"": 1}


def test_refusals(app: Flask, receiver: int) -> None:
    _file(app, "/complaints/new", complaint_form())
    case_id = _case_at(app, FIRST).id
    officer = _staff(app, "intake1", Role.INTAKE)
    clerk = _staff(app, "department1", Role.DEPARTMENT)
    suspended = add_organisation(app, "closed", "อบต.ปิดชั่วคราว")
    with app.app_context():
        db.session.scalars(
            host_wide(select(Organisation).where(Organisation.id == suspended))
        ).one().status = OrganisationStatus.SUSPENDED
        db.session.commit()

    def refused(user: int, to: int | None, reason: str = WHY) -> Problem:
        with pytest.raises(ServiceError) as error:
            _refer(app, user, case_id, to, reason)
        return error.value.code

    assert refused(officer, FIRST) is Problem.RECEIVER_SAME
    assert refused(officer, suspended) is Problem.RECEIVER_SUSPENDED
    assert refused(officer, None) is Problem.RECEIVER_REQUIRED
    assert refused(officer, 999_999) is Problem.RECEIVER_REQUIRED
    assert refused(officer, receiver, "   ") is Problem.REASON_REQUIRED
    # a department officer works complaints but does not hand them to another organisation
    assert refused(clerk, receiver) in (Problem.FORBIDDEN, Problem.NOT_FOUND)
    assert _case_at(app, FIRST).status is Status.RECEIVED
    with working_for(app, receiver), app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_the_staff_form_finds_the_organisation_and_says_what_is_wrong_in_thai(
    app: Flask, receiver: int
) -> None:
    _file(app, "/complaints/new", complaint_form())
    case_id = _case_at(app, FIRST).id
    _staff(app, "intake1", Role.INTAKE)
    with working_for(app, FIRST):
        client = sign_in(app, "intake1", prefix="/o/main")
    form_url = f"/o/main/staff/cases/{case_id}/refer-on-host"

    assert form_url in client.get(f"/o/main/staff/cases/{case_id}").get_data(as_text=True)
    found = client.get(form_url, query_string={"q": "ทดสอบ"}).get_data(as_text=True)
    assert RECEIVER_NAME in found and f'value="{receiver}"' in found
    # no organisation chosen: said beside the choice, the reason kept
    missing = client.post(form_url, data={"reason": WHY})
    assert missing.status_code == 422
    page = missing.get_data(as_text=True)
    assert "โปรดค้นหาและเลือกหน่วยงาน" in page and WHY in page
    # the officer's own organisation
    same = client.post(form_url, data={"organisation": str(FIRST), "reason": WHY})
    assert same.status_code == 422 and "หน่วยงานของท่านเอง" in same.get_data(as_text=True)
    # no reason
    blank = client.post(form_url, data={"organisation": str(receiver), "reason": ""})
    assert blank.status_code == 422

    done = client.post(form_url, data={"organisation": str(receiver), "reason": WHY})

    assert done.status_code == 303
    assert _case_at(app, FIRST).status is Status.REFERRED
    assert _case_at(app, receiver).channel is Channel.AGENCY
    # the sender's case page names where it went, and offers no second referral
    after = client.get(f"/o/main/staff/cases/{case_id}").get_data(as_text=True)
    assert RECEIVER_NAME in after and form_url not in after


def test_a_custodian_moves_the_identity_from_the_waiting_list(app: Flask, receiver: int) -> None:
    form = tip_form(anonymous="", reporter_name=TIPSTER)
    _file(app, "/tips/new", form)
    legal = _staff(app, "legal1", Role.LEGAL)
    referral_id, _ = _refer(app, legal, _case_at(app, FIRST).id, receiver)
    with working_for(app, FIRST):
        with app.app_context():
            user = find_user(db.session, CUSTODIAN)
            change_password(db.session, user, "pw", PASSWORD, _now(), keep_token=None)
            reset_two_factor(db.session, current_keyring(), user, _now())
        custodian = sign_in(app, CUSTODIAN, prefix="/o/main")
    listed = custodian.get("/o/main/staff/referrals").get_data(as_text=True)
    assert RECEIVER_NAME in listed and WHY in listed

    wrong = custodian.post(f"/o/main/staff/referrals/{referral_id}", data={"passphrase": "x" * 20})
    assert wrong.status_code == 422
    done = custodian.post(
        f"/o/main/staff/referrals/{referral_id}", data={"passphrase": CUSTODIAN_PASSPHRASE}
    )

    assert done.status_code == 303
    with working_for(app, FIRST), app.app_context():
        assert db.session.get(HostReferral, referral_id).status is HostReferralStatus.DONE
    assert _case_at(app, receiver).identity_sealed is not None


def test_a_case_referred_on_again_keeps_the_first_code(app: Flask, receiver: int) -> None:
    code = _file(app, "/complaints/new", complaint_form())
    third = add_organisation(app, "region", "เทศบาลนครทดสอบ")
    _refer(app, _staff(app, "intake1", Role.INTAKE), _case_at(app, FIRST).id, receiver)
    onward = _staff(app, "intake2", Role.INTAKE, receiver)
    received_id = _case_at(app, receiver).id
    with working_for(app, receiver), app.app_context():
        referral_service.refer(
            db.session,
            db.session.get(User, onward),
            received_id,
            to_organisation_id=third,
            reason=WHY,
            uploads=_uploads(app),
            now=_now(),
        )

    client = app.test_client()
    first = client.post("/o/main/track", data={"code": code}).get_data(as_text=True)
    assert "เทศบาลนครทดสอบ" in first and 'href="/o/region/track"' in first
    there = client.post("/o/region/track", data={"code": code})
    assert there.status_code == 200
    assert 'data-status="received"' in there.get_data(as_text=True)
    assert _tallies(app, receiver, "outcome") == {"referred": 1}
    assert _tallies(app, third, "channel") == {"agency": 1}
