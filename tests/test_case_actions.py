"""Staff actions on a case: who may act, which moves the workflow allows, what the
timeline, the audit log and the complainant's /track page show afterwards."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from intake import deadlines
from intake.crypto import decrypt_text
from intake.extensions import db
from intake.models import (
    AuditEntry,
    Case,
    CaseEvent,
    CaseKind,
    Department,
    EventType,
    Notification,
    Role,
    User,
)
from intake.services import ServiceError, case_actions
from intake.services.case_reading import view_case
from intake.services.filing import FilingInput, file_case
from intake.services.identity import open_case_identity
from intake.services.keyring import current_keyring
from intake.services.queue import QueueFilters, search
from intake.services.users import find_user
from intake.workflow import Status
from tests.support.builders import complaint_form, interim_parts
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE
from tests.support.filing import file_and_read_receipt

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # Monday 2 March 2026, 10:00 in Bangkok

RECEIVED, SCREENING, ASSIGNED, IN_PROGRESS = "received", "screening", "assigned", "in_progress"
RESOLVED, REJECTED, REFERRED = "resolved", "rejected", "referred"
ALL = (RECEIVED, SCREENING, ASSIGNED, IN_PROGRESS, RESOLVED, REJECTED, REFERRED)
CLOSED_VALUES = (RESOLVED, REJECTED, REFERRED)

# The moves staff can make, written out here rather than read from intake.workflow.
EXPECTED_MOVES = {
    (RECEIVED, SCREENING),
    (RECEIVED, ASSIGNED),
    (SCREENING, ASSIGNED),
    (ASSIGNED, IN_PROGRESS),
    (ASSIGNED, SCREENING),
    (IN_PROGRESS, ASSIGNED),
    *(
        (state, end)
        for state in (RECEIVED, SCREENING, ASSIGNED, IN_PROGRESS)
        for end in CLOSED_VALUES
    ),
    *((closed, SCREENING) for closed in CLOSED_VALUES),
}


def _user(name: str) -> User:
    user = find_user(db.session, name)
    assert user is not None
    return user


def _department_id(name_th: str) -> int:
    found = db.session.scalars(select(Department.id).where(Department.name_th == name_th)).one()
    return int(found)


def _file(app: Flask, kind: CaseKind = CaseKind.COMPLAINT, **reporter: str) -> str:
    filed = file_case(
        db.session,
        current_keyring(),
        Path(app.config["INTAKE_UPLOADS_PATH"]),
        FilingInput(kind=kind, subject="ถนนชำรุด", details="หลุมใหญ่หน้าตลาด", reporter=reporter),
        NOW,
    )
    return filed.case_id


@pytest.fixture
def staff(app: Flask) -> Flask:
    """Officers of every working role; two department officers of different departments.
    They never sign in here, so their rows skip the (slow) password hashing."""
    with app.app_context():
        for username, role, department in (
            ("intake1", Role.INTAKE, None),
            ("legal1", Role.LEGAL, None),
            ("works1", Role.DEPARTMENT, "กองช่าง"),
            ("finance1", Role.DEPARTMENT, "กองคลัง"),
        ):
            department_id = _department_id(department) if department else None
            db.session.add(
                User(
                    username=username,
                    display_name=username,
                    role=role,
                    password_hash="!",
                    department_id=department_id,
                )
            )
        db.session.commit()
    return app


def _put(case_id: str, status: str, department: str | None = "กองช่าง") -> None:
    """Test setup only: place a case in a status, as earlier actions would have."""
    case = db.session.get(Case, case_id)
    assert case is not None
    case.status = Status(status)
    case.closed_at = NOW if status in CLOSED_VALUES else None
    case.department_id = _department_id(department) if department else None
    db.session.commit()


def _act(action: str, case_id: str, actor: User, now: datetime = NOW) -> Case:
    """The one service call that makes the move to ``action``'s target status."""
    keyring = current_keyring()
    args = (db.session, keyring, actor, case_id)
    works = _department_id("กองช่าง")
    calls = {
        "accept": lambda: case_actions.accept(*args, now=now),
        "return": lambda: case_actions.return_to_screening(*args, reason="ไม่ใช่งานของกอง", now=now),
        "reopen": lambda: case_actions.reopen(*args, reason="ผู้ร้องแจ้งว่ายังไม่แก้", now=now),
        "assign": lambda: case_actions.assign(*args, department_id=works, now=now),
        "start": lambda: case_actions.start_work(*args, now=now),
        "resolve": lambda: case_actions.resolve(*args, message="ซ่อมแล้ว", now=now),
        "reject": lambda: case_actions.reject(*args, reason="ไม่อยู่ในอำนาจ", now=now),
        "refer": lambda: case_actions.refer(*args, destination="nacc", now=now),
    }
    return calls[action]()


def _action_for(source: str, target: str) -> str | None:
    """Three actions lead to screening: from received, from a department, from closed."""
    if target == SCREENING:
        if source == RECEIVED:
            return "accept"
        return "reopen" if source in CLOSED_VALUES else "return"
    return {
        ASSIGNED: "assign",
        IN_PROGRESS: "start",
        RESOLVED: "resolve",
        REJECTED: "reject",
        REFERRED: "refer",
    }.get(target)


def test_every_status_pair_is_allowed_or_refused_as_the_table_says(staff: Flask) -> None:
    with staff.app_context():
        legal = _user("legal1")
        case_id = _file(staff)
        wrong: list[str] = []
        for source, target in itertools.product(ALL, ALL):
            _put(case_id, source)
            action = _action_for(source, target)
            if action is None:
                # Nothing leads back to "received"; the table agrees.
                assert (source, target) not in EXPECTED_MOVES
                continue
            try:
                moved = _act(action, case_id, legal)
            except ServiceError as error:
                assert error.code == "not_allowed_move", (source, target, error.code)
                if (source, target) in EXPECTED_MOVES:
                    wrong.append(f"{source}->{target} refused")
            else:
                assert moved.status.value == target
                if (source, target) not in EXPECTED_MOVES:
                    wrong.append(f"{source}->{target} allowed")
        assert wrong == []


@pytest.mark.parametrize(
    ("action", "source"),
    [("accept", ASSIGNED), ("return", RECEIVED), ("reopen", IN_PROGRESS), ("start", SCREENING)],
)
def test_an_action_refuses_statuses_it_does_not_start_from(
    staff: Flask, action: str, source: str
) -> None:
    with staff.app_context():
        case_id = _file(staff)
        _put(case_id, source)
        with pytest.raises(ServiceError, match="not_allowed_move"):
            _act(action, case_id, _user("legal1"))
        assert db.session.get(Case, case_id).status.value == source  # type: ignore[union-attr]


def _events(case_id: str) -> list[CaseEvent]:
    query = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.at)
    return list(db.session.scalars(query))


def _body(event: CaseEvent) -> str:
    assert event.body_enc is not None
    return decrypt_text(
        current_keyring(), event.body_enc, table="case_events", column="body", row_id=event.id
    )


def _audit(case_id: str) -> list[tuple[str, str, str]]:
    query = select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
    return [(e.action, e.actor, e.detail) for e in db.session.scalars(query)]


def test_routing_and_starting_leave_timeline_audit_and_a_notification(staff: Flask) -> None:
    with staff.app_context():
        intake, works = _user("intake1"), _user("works1")
        case_id = _file(staff)
        steps = NOW + timedelta(minutes=1), NOW + timedelta(minutes=2), NOW + timedelta(minutes=3)

        case_actions.accept(
            db.session, current_keyring(), intake, case_id, note="ดูแล้ว", now=steps[0]
        )
        case_actions.assign(
            db.session,
            current_keyring(),
            intake,
            case_id,
            department_id=_department_id("กองช่าง"),
            now=steps[1],
        )
        case = case_actions.start_work(db.session, current_keyring(), works, case_id, now=steps[2])

        assert case.status is Status.IN_PROGRESS
        assert case.department_id == works.department_id
        moves = [
            (e.type, e.from_status, e.to_status, e.public, e.actor_id) for e in _events(case_id)
        ]
        assert moves[1:] == [
            (EventType.STATUS, Status.RECEIVED, Status.SCREENING, True, intake.id),
            (EventType.NOTE, None, None, False, intake.id),
            (EventType.STATUS, Status.SCREENING, Status.ASSIGNED, True, intake.id),
            (EventType.STATUS, Status.ASSIGNED, Status.IN_PROGRESS, True, works.id),
        ]
        assert _body(_events(case_id)[2]) == "ดูแล้ว"
        assert _audit(case_id)[1:] == [
            ("case.status_changed", f"user:{intake.id}", "received->screening"),
            ("case.status_changed", f"user:{intake.id}", "screening->assigned"),
            ("case.status_changed", f"user:{works.id}", "assigned->in_progress"),
        ]
        told = db.session.scalars(select(Notification).where(Notification.case_id == case_id))
        assert [(n.user_id, n.kind) for n in told] == [(works.id, "case.assigned")]


def test_answer_and_updates_reach_track_but_internal_notes_never_do(staff: Flask) -> None:
    client = staff.test_client()
    reference, code = file_and_read_receipt(client, "/complaints/new", complaint_form())
    with staff.app_context():
        intake = _user("intake1")
        keyring = current_keyring()
        case_id = db.session.scalars(select(Case.id).where(Case.reference == reference)).one()
        case_actions.accept(db.session, keyring, intake, case_id, note="บันทึกลับหนึ่ง", now=NOW)
        case_actions.add_note(db.session, keyring, intake, case_id, note="บันทึกลับสอง", now=NOW)
        case_actions.post_update(
            db.session, keyring, intake, case_id, message="ช่างจะเข้าตรวจวันพุธ", now=NOW
        )
        case = case_actions.resolve(
            db.session, keyring, intake, case_id, message="เปลี่ยนหลอดไฟเรียบร้อยแล้ว", now=NOW
        )
        assert case.closed_at == NOW and case.first_response_at == NOW
        assert [(a[0], a[2]) for a in _audit(case_id)[1:]] == [
            ("case.status_changed", "received->screening"),
            ("case.noted", "note"),
            ("case.updated", "update"),
            ("case.status_changed", "screening->resolved"),
        ]

    page = client.post("/track", data={"code": code}).get_data(as_text=True)

    assert 'data-status="resolved"' in page
    assert "เปลี่ยนหลอดไฟเรียบร้อยแล้ว" in page
    assert "ช่างจะเข้าตรวจวันพุธ" in page
    assert "บันทึกลับหนึ่ง" not in page and "บันทึกลับสอง" not in page


def test_interim_notice_meets_the_duty_and_starts_a_new_period(staff: Flask) -> None:
    with staff.app_context():
        intake = _user("intake1")
        case_id = _file(staff)
        first_due = db.session.get(Case, case_id).due_at  # type: ignore[union-attr]
        day_ten = NOW + timedelta(days=10)
        day_twenty = NOW + timedelta(days=20)

        case = case_actions.interim_notice(
            db.session, current_keyring(), intake, case_id, **interim_parts(day_ten), now=day_ten
        )
        assert case.first_response_at == day_ten
        assert case.due_at == deadlines.due_at(day_ten) and case.due_at > first_due
        assert case.first_due_at == first_due

        case = case_actions.interim_notice(
            db.session,
            current_keyring(),
            intake,
            case_id,
            **interim_parts(day_twenty),
            now=day_twenty,
        )
        assert case.first_response_at == day_ten  # the first answer stays the first
        assert case.due_at == deadlines.due_at(day_twenty)
        assert _events(case_id)[-1].type is EventType.INTERIM_NOTICE
        assert _events(case_id)[-1].public is True
        assert _audit(case_id)[-1][2] == "interim"

        _put(case_id, RESOLVED)
        with pytest.raises(ServiceError, match="not_allowed_move"):
            case_actions.interim_notice(
                db.session,
                current_keyring(),
                intake,
                case_id,
                **interim_parts(day_twenty),
                now=day_twenty,
            )


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda a: case_actions.post_update(*a, message="  ", now=NOW), "message_required"),
        (
            lambda a: case_actions.interim_notice(*a, **interim_parts(NOW, reason=""), now=NOW),
            "reason_required",
        ),
        (lambda a: case_actions.resolve(*a, message="", now=NOW), "message_required"),
        (lambda a: case_actions.add_note(*a, note="\n", now=NOW), "note_required"),
        (lambda a: case_actions.reject(*a, reason="", now=NOW), "reason_required"),
        (lambda a: case_actions.refer(*a, destination="", now=NOW), "referral_required"),
        (lambda a: case_actions.refer(*a, destination="other", now=NOW), "referral_name_required"),
        (lambda a: case_actions.assign(*a, department_id=None, now=NOW), "department_required"),
        (lambda a: case_actions.post_update(*a, message="ก" * 5001, now=NOW), "text_too_long"),
    ],
)
def test_required_texts_and_choices_are_checked(staff: Flask, call, code: str) -> None:  # type: ignore[no-untyped-def]
    with staff.app_context():
        case_id = _file(staff)
        with pytest.raises(ServiceError, match=code):
            call((db.session, current_keyring(), _user("intake1"), case_id))
        assert db.session.get(Case, case_id).status is Status.RECEIVED  # type: ignore[union-attr]
        assert len(_events(case_id)) == 1


def test_reject_and_refer_close_and_record_where_it_went(staff: Flask) -> None:
    with staff.app_context():
        legal, keyring = _user("legal1"), current_keyring()
        rejected_id, referred_id = _file(staff), _file(staff)

        rejected = case_actions.reject(
            db.session, keyring, legal, rejected_id, reason="เป็นเรื่องระหว่างเอกชน", now=NOW
        )
        referred = case_actions.refer(
            db.session,
            keyring,
            legal,
            referred_id,
            destination="other",
            destination_name="สำนักงานที่ดินจังหวัด",
            now=NOW,
        )

        assert rejected.status is Status.REJECTED and rejected.closed_at == NOW
        assert rejected.first_response_at == NOW
        assert _body(_events(rejected_id)[-1]) == "เป็นเรื่องระหว่างเอกชน"
        assert _events(rejected_id)[-1].public is True
        assert (referred.referred_to, referred.referred_to_name) == ("other", "สำนักงานที่ดินจังหวัด")
        assert referred.closed_at == NOW
        assert _audit(referred_id)[-1][2] == "received->referred"


def test_reopen_needs_a_reason_and_starts_a_new_period(staff: Flask) -> None:
    with staff.app_context():
        intake, keyring = _user("intake1"), current_keyring()
        case_id = _file(staff)
        case_actions.refer(db.session, keyring, intake, case_id, destination="nacc", now=NOW)
        later = NOW + timedelta(days=30)
        with pytest.raises(ServiceError, match="reason_required"):
            case_actions.reopen(db.session, keyring, intake, case_id, reason=" ", now=later)

        case = case_actions.reopen(
            db.session, keyring, intake, case_id, reason="ป.ป.ช. ส่งเรื่องคืน", now=later
        )

        assert case.status is Status.SCREENING and case.closed_at is None
        assert case.referred_to is None
        assert case.due_at == deadlines.due_at(later)
        status_event, note = _events(case_id)[-2:]
        assert (status_event.type, status_event.public, status_event.to_status) == (
            EventType.STATUS,
            True,
            Status.SCREENING,
        )
        assert (note.type, note.public, _body(note)) == (EventType.NOTE, False, "ป.ป.ช. ส่งเรื่องคืน")
        assert _audit(case_id)[-1][2] == "referred->screening"


def test_a_department_returns_a_misrouted_case_and_loses_it(staff: Flask) -> None:
    with staff.app_context():
        works = _user("works1")
        case_id = _file(staff)
        _put(case_id, ASSIGNED)

        case = case_actions.return_to_screening(
            db.session, current_keyring(), works, case_id, reason="เป็นงานของกองคลัง", now=NOW
        )

        assert case.status is Status.SCREENING and case.department_id is None
        status_event, note = _events(case_id)[-2:]
        assert (status_event.public, note.type, note.public) == (True, EventType.NOTE, False)
        assert _body(note) == "เป็นงานของกองคลัง"
        assert _audit(case_id)[-1] == (
            "case.status_changed",
            f"user:{works.id}",
            "assigned->screening",
        )
        with pytest.raises(ServiceError, match="not_found"):
            view_case(db.session, current_keyring(), works, case_id, NOW)


def test_department_officers_act_only_on_their_own_department(staff: Flask) -> None:
    with staff.app_context():
        keyring = current_keyring()
        case_id = _file(staff)
        _put(case_id, ASSIGNED, "กองช่าง")

        with pytest.raises(ServiceError, match="not_found"):
            case_actions.start_work(db.session, keyring, _user("finance1"), case_id, now=NOW)
        with pytest.raises(ServiceError, match="not_found"):
            case_actions.add_note(
                db.session, keyring, _user("finance1"), case_id, note="x", now=NOW
            )
        with pytest.raises(ServiceError, match="forbidden"):  # routing is the intake desk's
            case_actions.assign(
                db.session,
                keyring,
                _user("works1"),
                case_id,
                department_id=_department_id("กองคลัง"),
                now=NOW,
            )
        case = case_actions.start_work(db.session, keyring, _user("works1"), case_id, now=NOW)
        assert case.status is Status.IN_PROGRESS


def test_tips_are_out_of_reach_of_intake_and_department_officers(staff: Flask) -> None:
    with staff.app_context():
        keyring = current_keyring()
        tip_id = _file(staff, CaseKind.TIP)
        for name in ("intake1", "works1"):
            with pytest.raises(ServiceError, match="not_found"):
                case_actions.accept(db.session, keyring, _user(name), tip_id, now=NOW)
        case = case_actions.accept(db.session, keyring, _user("legal1"), tip_id, now=NOW)
        assert case.status is Status.SCREENING


def _queue_references(actor: User) -> list[str]:
    page = search(db.session, actor, QueueFilters(), 1, now=NOW)
    return [row.reference for row in page.items]


def test_moving_a_complaint_to_the_tip_channel_seals_the_contact(staff: Flask) -> None:
    with staff.app_context():
        keyring = current_keyring()
        intake, legal = _user("intake1"), _user("legal1")
        case_id = _file(staff, name="นางสาวผู้ร้อง กล้าหาญ", phone="0812345678")
        reference = db.session.get(Case, case_id).reference  # type: ignore[union-attr]
        assert reference in _queue_references(intake)
        with pytest.raises(ServiceError, match="forbidden"):
            _put(case_id, RECEIVED)  # a department officer of the case's own department
            case_actions.move_to_tip(db.session, keyring, _user("works1"), case_id, now=NOW)

        case = case_actions.move_to_tip(
            db.session, keyring, intake, case_id, note="เป็นเรื่องเรียกรับเงิน", now=NOW
        )

        assert case.kind is CaseKind.TIP and case.reference == reference
        assert case.contact_enc is None and case.identity_sealed is not None
        assert case.department_id is None
        identity = open_case_identity(
            db.session,
            current_keyring(),
            _user(CUSTODIAN),
            CUSTODIAN_PASSPHRASE,
            case,
            datetime.now(UTC),
        )
        assert identity == {"name": "นางสาวผู้ร้อง กล้าหาญ", "phone": "0812345678"}
        moved = _events(case_id)[-1]
        assert (moved.type, moved.public) == (EventType.MOVED, False)
        assert [a[0] for a in _audit(case_id)[-2:]] == ["identity.sealed", "case.moved"]
        assert _audit(case_id)[-1][2] == "kind complaint->tip"
        assert reference not in _queue_references(intake)
        assert reference in _queue_references(legal)
        with pytest.raises(ServiceError, match="not_found"):
            view_case(db.session, keyring, intake, case_id, NOW)


def test_a_tip_filed_after_a_moved_complaint_of_the_same_number_is_still_accepted(
    staff: Flask,
) -> None:
    # Given complaint no. 1 of the year moved to the tip channel (it keeps its รร number)
    with staff.app_context():
        keyring = current_keyring()
        moved_id = _file(staff)
        case_actions.move_to_tip(db.session, keyring, _user("intake1"), moved_id, now=NOW)
    # When the year's first tip is filed (tip number 1)
    with staff.app_context():
        tip_id = _file(staff, CaseKind.TIP)
    # Then both exist, with their own references
    with staff.app_context():
        moved, tip = db.session.get(Case, moved_id), db.session.get(Case, tip_id)
        assert moved is not None and tip is not None
        assert (moved.kind, tip.kind) == (CaseKind.TIP, CaseKind.TIP)
        assert moved.sequence == tip.sequence == 1
        assert moved.reference.startswith("รร-") and tip.reference.startswith("ทจ-")
