"""Conflicts of interest on tips: in a small organisation the accused may be the executive,
their deputy or the legal officer. The tipster says who the accused is; a tip naming the
executive is hidden from every executive and from the people an administrator marked; a
legal lead excludes a named member of staff from one tip. An excluded person sees nothing
of the tip — no page, no line in a list, no count, no reminder, no notification, no
report line — and can neither ask for nor decide on a reveal."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake import thaidate
from intake.extensions import db
from intake.models import (
    AccusedRole,
    AuditEntry,
    Case,
    CaseKind,
    Notification,
    RevealRequest,
    RevealStatus,
    Role,
    User,
)
from intake.services import ServiceError, admin_users, case_actions, exclusions, reminders
from intake.services import reports as reports_service
from intake.services import reveal as reveal_service
from intake.services.auth import change_password, register_user, reset_two_factor
from intake.services.followup import post_reply
from intake.services.keyring import current_keyring
from intake.services.personal_keys import ensure_personal_key
from intake.services.queue import QueueFilters, dashboard_counts, search
from intake.services.report_periods import ReportKey
from intake.services.users import find_user
from intake.services.visibility import may_view
from tests.support.builders import tip_form
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE
from tests.support.filing import file_and_read_receipt
from tests.support.staff import PASSWORD, sign_in

REASON = "ต้องสอบปากคำผู้แจ้งเพื่อยืนยันข้อเท็จจริงก่อนส่งเรื่องให้ ป.ป.ช. พิจารณา"
EXECUTIVE_TIP = "นายกฯ สั่งให้แบ่งงานจ้างให้บริษัทของญาติ"
OTHER_TIP = "ผู้รับเหมาทิ้งงานถนนหมู่ 3"


def _user(name: str) -> User:
    user = find_user(db.session, name)
    assert user is not None, name
    return user


def _staff(app: Flask, username: str, role: Role, *, lead: bool = False, display: str = "") -> int:
    with app.app_context():
        created = register_user(
            db.session, current_keyring(), username, display or username, role, PASSWORD, "Test"
        )
        created.user.is_lead = lead
        db.session.commit()
        if role is Role.LEGAL:  # as their first sign-in does
            ensure_personal_key(
                db.session, current_keyring(), created.user, PASSWORD, datetime.now(UTC)
            )
            db.session.commit()
        return created.user.id


def _file_tip(client: FlaskClient, subject: str, accused_role: str, **changes: str) -> str:
    reference, _code = file_and_read_receipt(
        client, "/tips/new", tip_form(subject=subject, accused_role=accused_role, **changes)
    )
    return reference


def _case(reference: str) -> Case:
    return db.session.scalars(select(Case).where(Case.reference == reference)).one()


def _prepare_custodian(app: Flask) -> None:
    with app.app_context():
        user = _user(CUSTODIAN)
        change_password(db.session, user, "pw", PASSWORD, datetime.now(UTC), keep_token=None)
        reset_two_factor(db.session, current_keyring(), user, datetime.now(UTC))


@pytest.fixture
def people(app: Flask) -> Flask:
    """A legal lead, two legal officers, an executive and a deputy marked by the
    administrator as close to the executive (an intake officer, say), and the custodian."""
    _staff(app, "lead1", Role.LEGAL, lead=True)
    _staff(app, "legal1", Role.LEGAL)
    _staff(app, "legal2", Role.LEGAL)
    _staff(app, "exec1", Role.EXECUTIVE)
    _staff(app, "deputy1", Role.LEGAL)
    with app.app_context():
        _user("deputy1").excluded_from_executive_tips = True
        db.session.commit()
    return app


# --- the tipster's answer -----------------------------------------------------------------


def test_the_tip_form_asks_who_the_accused_is_and_stores_the_answer_unlogged(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    # Given the tip form
    page = client.get("/tips/new").get_data(as_text=True)

    # Then it asks, optionally, whether the accused is an executive or staff member
    assert 'name="accused_role"' in page
    for value in ("executive", "staff", "other"):
        assert f'value="{value}"' in page
    assert "ผู้บริหาร" in page and "เจ้าหน้าที่ของหน่วยงาน" in page and "บุคคลอื่น/ไม่ทราบ" in page

    # When a tipster answers "an executive" (logging everything)
    caplog.set_level(logging.DEBUG)
    reference = _file_tip(client, EXECUTIVE_TIP, "executive")
    unanswered = _file_tip(client, OTHER_TIP, "")

    # Then the answer is kept with the tip, and no log line says it
    with app.app_context():
        assert _case(reference).accused_role is AccusedRole.EXECUTIVE
        assert _case(unanswered).accused_role is None
    assert "executive" not in caplog.text
    assert "ผู้บริหาร" not in caplog.text


def test_an_answer_not_offered_is_refused_beside_the_question_with_everything_kept(
    client: FlaskClient,
) -> None:
    response = client.post(
        "/tips/new", data=tip_form(subject="เรื่องที่พิมพ์ไว้", accused_role="mayor-himself")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "โปรดเลือกจากตัวเลือกที่มี" in page
    assert "เรื่องที่พิมพ์ไว้" in page


def test_a_tip_naming_the_executive_is_hidden_from_executives_and_marked_people(
    people: Flask,
) -> None:
    app = people
    client = app.test_client()
    executive_tip = _file_tip(client, EXECUTIVE_TIP, "executive")
    _file_tip(client, OTHER_TIP, "other")
    now = datetime.now(UTC)
    with app.app_context():
        case = _case(executive_tip)
        executive, deputy, legal = _user("exec1"), _user("deputy1"), _user("legal1")

        # Then the executive's dashboard counts only the other tip
        assert dashboard_counts(db.session, executive, now).by_kind[CaseKind.TIP] == 1
        # ...the marked deputy finds it nowhere, not even by its reference
        found = search(db.session, deputy, QueueFilters(reference=executive_tip), 1, now=now)
        assert found.total == 0
        assert dashboard_counts(db.session, deputy, now).by_kind[CaseKind.TIP] == 1
        assert not may_view(deputy, case)
        # ...while a legal officer not marked handles it
        assert may_view(legal, case)
        found = search(db.session, legal, QueueFilters(reference=executive_tip), 1, now=now)
        assert found.total == 1
        case_id = case.id

    # And the deputy's case page answers 404, never confirming the tip exists
    deputy_client = sign_in(app, "deputy1")
    assert deputy_client.get(f"/staff/cases/{case_id}").status_code == 404
    queue = deputy_client.get("/staff/cases?kind=tip").get_data(as_text=True)
    assert executive_tip not in queue
    assert sign_in(app, "legal1").get(f"/staff/cases/{case_id}").status_code == 200


# --- a legal lead's exclusion ------------------------------------------------------------


def _exclude(case_id: str, who: str, by: str = "lead1") -> None:
    exclusions.exclude(
        db.session, current_keyring(), _user(by), case_id, _user(who).id, datetime.now(UTC)
    )


def test_a_legal_lead_excludes_a_named_officer_audited_and_only_a_lead_may(
    people: Flask,
) -> None:
    app = people
    reference = _file_tip(app.test_client(), OTHER_TIP, "staff")
    with app.app_context():
        case_id = _case(reference).id

        # An officer who is not a lead may not exclude anyone
        with pytest.raises(ServiceError) as refused:
            _exclude(case_id, "legal2", by="legal1")
        assert refused.value.code == "forbidden"

        # When the lead excludes legal1
        _exclude(case_id, "legal1")

        # Then legal1 may not see the tip, the exclusion is audited without content
        assert not may_view(_user("legal1"), _case(reference))
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "case.exclusion_added")
        ).one()
        assert entry.case_id == case_id and entry.actor == f"user:{_user('lead1').id}"
        assert entry.detail == f"user {_user('legal1').id}"

        # ...and nobody can exclude the last legal officers who could still handle it
        _exclude(case_id, "legal2")
        _exclude(case_id, "deputy1")
        with pytest.raises(ServiceError) as last:
            _exclude(case_id, "lead1")
        assert last.value.code == "last_handler"


def test_an_excluded_legal_officer_cannot_ask_for_a_reveal(people: Flask) -> None:
    app = people
    reference = _file_tip(
        app.test_client(), OTHER_TIP, "staff", anonymous="", reporter_name="นายผู้แจ้ง กล้าหาญ"
    )
    with app.app_context():
        case_id = _case(reference).id
        _exclude(case_id, "legal1")
        with pytest.raises(ServiceError) as refused:
            reveal_service.request_reveal(
                db.session, current_keyring(), _user("legal1"), case_id, REASON, datetime.now(UTC)
            )
        assert refused.value.code == "not_found"
    # Nor through the page: it does not exist for them
    page = sign_in(app, "legal1").get(f"/staff/cases/{case_id}/reveal")
    assert page.status_code == 404


def test_an_excluded_custodian_cannot_approve_and_is_not_told(people: Flask) -> None:
    app = people
    reference = _file_tip(
        app.test_client(), OTHER_TIP, "staff", anonymous="", reporter_name="นายผู้แจ้ง กล้าหาญ"
    )
    _prepare_custodian(app)
    with app.app_context():
        case_id = _case(reference).id
        _exclude(case_id, CUSTODIAN)
        now = datetime.now(UTC)
        asked = reveal_service.request_reveal(
            db.session, current_keyring(), _user("legal2"), case_id, REASON, now
        )
        custodian = _user(CUSTODIAN)
        told = db.session.scalars(
            select(Notification).where(Notification.user_id == custodian.id)
        ).all()
        assert told == []
        with pytest.raises(ServiceError) as refused:
            reveal_service.approve_reveal(
                db.session, current_keyring(), custodian, CUSTODIAN_PASSPHRASE, asked.id, now
            )
        assert refused.value.code == "not_found"
        request_id = asked.id
    client = sign_in(app, CUSTODIAN)
    assert reference not in client.get("/staff/reveals").get_data(as_text=True)
    assert client.get(f"/staff/reveals/{request_id}/decide").status_code == 404


def test_excluding_a_requester_ends_the_reveal_handed_to_them(people: Flask) -> None:
    app = people
    reference = _file_tip(
        app.test_client(), OTHER_TIP, "staff", anonymous="", reporter_name="นายผู้แจ้ง กล้าหาญ"
    )
    with app.app_context():
        case_id = _case(reference).id
        now = datetime.now(UTC)
        keyring = current_keyring()
        running = reveal_service.request_reveal(
            db.session, keyring, _user("legal1"), case_id, REASON, now
        )
        reveal_service.approve_reveal(
            db.session, keyring, _user(CUSTODIAN), CUSTODIAN_PASSPHRASE, running.id, now
        )
        pending = reveal_service.request_reveal(
            db.session, keyring, _user("legal2"), case_id, REASON, now
        )

        # When the lead excludes both requesters
        _exclude(case_id, "legal1")
        _exclude(case_id, "legal2")

        # Then the identity handed to legal1 is wiped and legal2's ask is closed
        ended = db.session.get(RevealRequest, running.id)
        assert ended is not None
        assert ended.status is RevealStatus.REVOKED and ended.revealed_sealed is None
        closed = db.session.get(RevealRequest, pending.id)
        assert closed is not None and closed.status is RevealStatus.REFUSED
        with pytest.raises(ServiceError):
            reveal_service.view_identity(
                db.session, keyring, _user("legal1"), running.id, PASSWORD, now
            )


def test_reminders_and_reply_notifications_skip_excluded_people(people: Flask) -> None:
    app = people
    client = app.test_client()
    reference, code = file_and_read_receipt(
        client, "/tips/new", tip_form(subject=OTHER_TIP, accused_role="staff")
    )
    with app.app_context():
        case_id = _case(reference).id
        _exclude(case_id, "legal1")
        excluded = _user("legal1").id

        # When the tipster replies from their status page
        post_reply(
            db.session,
            current_keyring(),
            Path(app.config["INTAKE_UPLOADS_PATH"]),
            case_id,
            message="มีหลักฐานเพิ่มเติม",
            files=[],
            now=datetime.now(UTC),
        )
        told = set(
            db.session.scalars(select(Notification.user_id).where(Notification.case_id == case_id))
        )
        # Then the other legal officers hear of it, the excluded one does not
        assert _user("legal2").id in told and excluded not in told

        # And the daily digests, on the due day and after it, never name it to them
        for later in (14, 20):
            digests = reminders.plan(db.session, datetime.now(UTC) + timedelta(days=later))
            named = {d.user.id for d in digests if any(c.id == case_id for c in d.cases)}
            assert named and excluded not in named, later
    assert code  # the tipster's code was used only to follow the case


def test_the_report_case_list_leaves_out_a_tip_hidden_from_the_reader(people: Flask) -> None:
    app = people
    reference = _file_tip(app.test_client(), OTHER_TIP, "staff")
    with app.app_context():
        case_id = _case(reference).id
        _exclude(case_id, "legal1")
        later = datetime.now(UTC) + timedelta(days=40)  # overdue by then
        year = thaidate.fiscal_year(thaidate.local_date(datetime.now(UTC)))
        key = ReportKey(CaseKind.TIP, year, 0)
        for_lead = reports_service.case_list(db.session, key, later, _user("lead1"))
        for_excluded = reports_service.case_list(db.session, key, later, _user("legal1"))
        assert reference in [row.reference for row in for_lead.rows]
        assert reference not in [row.reference for row in for_excluded.rows]
        assert for_excluded.total == for_lead.total - 1


def test_the_case_page_shows_the_answer_and_the_lead_excludes_through_it(
    people: Flask,
) -> None:
    app = people
    reference = _file_tip(app.test_client(), OTHER_TIP, "staff")
    with app.app_context():
        case_id = _case(reference).id
        legal1 = _user("legal1").id
    lead = sign_in(app, "lead1")
    page = lead.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert "เจ้าหน้าที่ของหน่วยงาน" in page and 'id="conflict-review"' in page
    token = re.search(r'id="exclude-form".*?name="csrf_token"[^>]*value="([^"]+)"', page, re.S)
    response = lead.post(
        f"/staff/cases/{case_id}/exclusions",
        data={"exclude-user": str(legal1), "csrf_token": token.group(1) if token else ""},
    )
    assert response.status_code == 303
    after = lead.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert 'id="excluded-people"' in after and "legal1" in after
    # An officer who is not a lead reads the list but gets no form
    other = sign_in(app, "legal2").get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert 'id="excluded-people"' in other and 'id="exclude-form"' not in other


def test_the_last_legal_officer_for_executive_tips_cannot_be_marked(app: Flask) -> None:
    _staff(app, "admin1", Role.ADMIN)
    only = _staff(app, "legal1", Role.LEGAL)
    with app.app_context():
        with pytest.raises(ServiceError) as refused:
            admin_users.change_role(
                db.session,
                current_keyring(),
                _user("admin1"),
                only,
                role=Role.LEGAL,
                department_id=None,
                now=datetime.now(UTC),
                excluded_from_executive_tips=True,
            )
        assert refused.value.code == "no_executive_tip_handler"


# --- the case page's words and the header -------------------------------------------------


def test_the_assign_step_on_a_tip_says_only_legal_officers_see_it(app: Flask) -> None:
    _staff(app, "legal1", Role.LEGAL)
    reference = _file_tip(app.test_client(), OTHER_TIP, "")
    with app.app_context():
        case_id = _case(reference).id
        case_actions.accept(
            db.session, current_keyring(), _user("legal1"), case_id, note="", now=datetime.now(UTC)
        )
    page = sign_in(app, "legal1").get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assign = re.search(r'id="action-assign".*?</form>', page, re.S)
    assert assign is not None
    assert "จะได้รับแจ้งและเห็นเรื่องนี้" not in assign.group(0)
    assert "เห็นได้เฉพาะนิติกร" in assign.group(0)


def test_the_header_shows_the_role_once(app: Flask) -> None:
    # Given an account named after its role, as the demo accounts and many offices do
    _staff(app, "legal1", Role.LEGAL, display="นิติกร (ทดลอง)")
    _staff(app, "somchai", Role.LEGAL, display="สมชาย ใจดี")

    # Then the header names the role once; a personal name still gets it beside
    for username, expected in (("legal1", "นิติกร (ทดลอง)"), ("somchai", "สมชาย ใจดี (นิติกร)")):
        page = sign_in(app, username).get("/staff/dashboard").get_data(as_text=True)
        who = re.search(r'<span class="who">(.*?)</span>', page, re.S)
        assert who is not None
        assert who.group(1).strip() == expected
        assert who.group(1).count("นิติกร") == 1


def test_a_tip_typed_in_by_staff_carries_the_same_answer(app: Flask) -> None:
    # Given a legal officer registering a tip phoned in about the executive
    from tests.support.register import category_id, registration

    _staff(app, "legal1", Role.LEGAL)
    legal = sign_in(app, "legal1")
    assert 'name="accused_role"' in legal.get("/staff/cases/new").get_data(as_text=True)
    response = legal.post(
        "/staff/cases/new",
        data=registration(
            kind="tip",
            channel="phone",
            category=str(category_id(app, CaseKind.TIP)),
            accused_role="executive",
        ),
    )

    # Then the tip keeps the answer, and so is hidden from every executive
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    with app.app_context():
        case = db.session.scalars(select(Case).where(Case.kind == CaseKind.TIP)).one()
        assert case.accused_role is AccusedRole.EXECUTIVE
