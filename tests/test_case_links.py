"""Duplicates: several reports of one thing linked to a primary case. The rules of
linking, the linked cases following the primary (events, tallies, notices, on-time), the
possible-duplicate suggestions, and the staff panel and the complainant's status page."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from intake import tallies
from intake.extensions import db
from intake.models import (
    AuditEntry,
    Case,
    CaseExclusion,
    CaseKind,
    Category,
    EventType,
    OutboxMessage,
    Role,
    User,
)
from intake.services import ServiceError, case_actions, case_links, duplicates, stats
from intake.services.case_work import available_actions
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from intake.workflow import Action, Status
from tests.support.builders import complaint_form, interim_parts
from tests.support.filing import file_and_read_receipt
from tests.support.mail import Inbox, smtp  # noqa: F401  (the SMTP fixture)
from tests.support.staff import make_staff, staff_client

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # Monday 2 March 2026, 10:00 in Bangkok
LAMP = "ไฟส่องสว่างดับ ซอย 5 หน้าวัดหนองบัว"


def _category(kind: CaseKind = CaseKind.COMPLAINT, index: int = 0) -> int:
    ids = list(
        db.session.scalars(select(Category.id).where(Category.kind == kind).order_by(Category.id))
    )
    return int(ids[index])


def _file(
    app: Flask,
    *,
    kind: CaseKind = CaseKind.COMPLAINT,
    location: str = LAMP,
    at: datetime = NOW,
    category: int | None = -1,
    email: str = "",
) -> Case:
    filed = file_case(
        db.session,
        current_keyring(),
        Path(app.config["INTAKE_UPLOADS_PATH"]),
        FilingInput(
            kind=kind,
            subject="ไฟถนนดับ",
            details="มืดมากตอนกลางคืน",
            category_id=_category(kind) if category == -1 else category,
            location=location,
            received_at=at,
            reporter={"email": email} if email else {},
        ),
        at,
    )
    case = db.session.get(Case, filed.case_id)
    assert case is not None
    return case


def _officer(
    app: Flask, name: str = "intake1", role: Role = Role.INTAKE, dept: str | None = None
) -> User:
    db.session.rollback()  # make_staff writes in its own session: let go of this one's lock
    user_id = make_staff(app, name, role, dept)
    user = db.session.get(User, user_id)
    assert user is not None
    return user


def _link(actor: User, case: Case, primary: Case, now: datetime = NOW) -> Case:
    return case_links.link(
        db.session, current_keyring(), actor, case.id, primary.reference, now=now
    )


def _error(call: Any) -> str:
    with pytest.raises(ServiceError) as caught:
        call()
    return caught.value.code


# --- The rules of linking ----------------------------------------------------------------


def test_a_tip_is_never_linked_to_a_complaint_nor_a_case_to_itself(app: Flask) -> None:
    with app.app_context():
        legal = _officer(app, "legal1", Role.LEGAL)
        complaint, tip = _file(app), _file(app, kind=CaseKind.TIP, category=None)
        assert _error(lambda: _link(legal, tip, complaint)) == "link_kind"
        assert _error(lambda: _link(legal, complaint, tip)) == "link_kind"
        assert _error(lambda: _link(legal, complaint, complaint)) == "link_self"
        db.session.expire_all()
        assert db.session.get(Case, tip.id).primary_case_id is None  # type: ignore[union-attr]


def test_only_someone_who_works_on_both_cases_may_link_them(app: Flask) -> None:
    with app.app_context():
        works = _officer(app, "works1", Role.DEPARTMENT, "กองช่าง")
        intake = _officer(app, "intake1")
        mine, other = _file(app), _file(app, category=None)  # no category: no department
        mine_id, other_id = mine.id, other.id
        case_actions.assign(
            db.session,
            current_keyring(),
            intake,
            mine_id,
            department_id=works.department_id,
            now=NOW,
        )
        # the department officer sees their case, not the other: it reads as unknown
        other_case = db.session.get(Case, other_id)
        mine_case = db.session.get(Case, mine_id)
        assert other_case is not None and mine_case is not None
        assert _error(lambda: _link(works, mine_case, other_case)) == "link_unknown"
        assert _error(lambda: _link(works, other_case, mine_case)) == "not_found"
        # an executive sees no case content and works on none
        executive = _officer(app, "exec1", Role.EXECUTIVE)
        assert _error(lambda: _link(executive, other_case, mine_case)) == "not_found"
        db.session.expire_all()
        assert db.session.get(Case, other_id).primary_case_id is None  # type: ignore[union-attr]


def test_no_chains_a_link_to_a_linked_case_goes_to_its_primary(app: Flask) -> None:
    with app.app_context():
        officer = _officer(app)
        primary, second, third, fourth = (_file(app) for _ in range(4))
        _link(officer, second, primary)
        _link(officer, third, second)  # second is linked: third goes to the primary
        assert third.primary_case_id == primary.id
        assert _error(lambda: _link(officer, primary, second)) == "link_follower"
        # a case with duplicates of its own that becomes a duplicate takes them along
        fifth = _file(app)
        _link(officer, fifth, fourth)
        _link(officer, fourth, primary)
        db.session.expire_all()
        assert {
            c.primary_case_id for c in db.session.scalars(select(Case).where(Case.id != primary.id))
        } == {primary.id}
        assert _error(lambda: _link(officer, second, fourth)) == "link_already"


def test_closed_cases_are_not_linked(app: Flask) -> None:
    with app.app_context():
        officer = _officer(app)
        primary, other = _file(app), _file(app)
        case_actions.resolve(
            db.session, current_keyring(), officer, primary.id, message="ซ่อมแล้ว", now=NOW
        )
        assert _error(lambda: _link(officer, other, primary)) == "link_closed"


def test_link_and_unlink_are_audited_and_an_unlinked_case_goes_its_own_way(app: Flask) -> None:
    with app.app_context():
        officer = _officer(app)
        primary, duplicate = _file(app), _file(app)
        primary_id, duplicate_id = primary.id, duplicate.id
        _link(officer, duplicate, primary)
        case_actions.accept(db.session, current_keyring(), officer, primary_id, now=NOW)
        case_links.unlink(db.session, current_keyring(), officer, duplicate_id, now=NOW)
        actions = [
            (e.action, e.case_id)
            for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
            if e.action in ("case.linked", "case.unlinked")
        ]
        assert actions == [("case.linked", duplicate_id), ("case.unlinked", duplicate_id)]
        case_actions.reject(
            db.session, current_keyring(), officer, primary_id, reason="ซ้ำ", now=NOW
        )
        db.session.expire_all()
        duplicate = db.session.get(Case, duplicate_id)
        assert duplicate is not None
        assert duplicate.status is Status.SCREENING and duplicate.primary_case_id is None
        assert (
            _error(
                lambda: case_links.unlink(
                    db.session, current_keyring(), officer, duplicate_id, now=NOW
                )
            )
            == "link_none"
        )


def test_a_linked_case_is_moved_only_through_its_primary(app: Flask) -> None:
    with app.app_context():
        officer = _officer(app)
        primary, duplicate = _file(app), _file(app)
        _link(officer, duplicate, primary)
        offered = available_actions(officer, duplicate)
        assert Action.NOTE in offered and Action.UPDATE in offered
        for action in (
            Action.ACCEPT,
            Action.RESOLVE,
            Action.INTERIM,
            Action.MOVE_TO_TIP,
        ):
            assert action not in offered
        assert (
            _error(
                lambda: case_actions.resolve(
                    db.session, current_keyring(), officer, duplicate.id, message="x", now=NOW
                )
            )
            == "forbidden"
        )
        # nor can the primary leave for the tip channel with complaints linked to it
        legal = _officer(app, "legal1", Role.LEGAL)
        assert (
            _error(
                lambda: case_actions.move_to_tip(
                    db.session, current_keyring(), legal, primary.id, now=NOW
                )
            )
            == "linked_cases"
        )


# --- Following the primary ---------------------------------------------------------------


def test_linked_cases_follow_the_primary_with_their_own_events_and_tallies(app: Flask) -> None:
    with app.app_context():
        officer = _officer(app)
        keyring = current_keyring()
        primary = _file(app)
        # a second report arrives ten days later, when the primary is already in hand
        later = NOW + timedelta(days=10)
        duplicate = _file(app, at=later)
        primary_id, duplicate_id = primary.id, duplicate.id
        case_actions.accept(db.session, keyring, officer, primary_id, now=NOW)
        _link(officer, duplicate, primary, now=later)
        works = db.session.scalars(select(User.department_id)).first()
        from intake.models import Department

        department = db.session.scalars(select(Department.id)).first()
        case_actions.assign(
            db.session, keyring, officer, primary_id, department_id=department, now=later
        )
        # the primary is answered on day 20: past its own first due date, within the duplicate's
        done = NOW + timedelta(days=20)
        case_actions.resolve(
            db.session, keyring, officer, primary_id, message="เปลี่ยนหลอดไฟแล้ว", now=done
        )
        db.session.expire_all()
        primary = db.session.get(Case, primary_id)
        duplicate = db.session.get(Case, duplicate_id)
        assert primary is not None and duplicate is not None and works is None
        assert duplicate.status is Status.RESOLVED and duplicate.closed_at == done
        assert duplicate.department_id == department
        moves = [
            (e.from_status, e.to_status) for e in duplicate.events if e.type is EventType.STATUS
        ]
        assert moves == [
            (Status.RECEIVED, Status.SCREENING),
            (Status.SCREENING, Status.ASSIGNED),
            (Status.ASSIGNED, Status.RESOLVED),
        ]
        assert all(e.public for e in duplicate.events if e.type is EventType.STATUS)
        # each case is measured against its own first due date
        assert tallies.key_of(*_key_fields(primary)).on_time is False
        assert tallies.key_of(*_key_fields(duplicate)).on_time is True
        # the tallies equal a recount, and both receipts count and both completed
        connection = db.session.connection()
        assert tallies.stored(connection) == tallies.recount(connection)
        figures = stats.compute(db.session, 2569, [CaseKind.COMPLAINT], public=False)["complaint"]
        assert (
            figures.totals["received"],
            figures.totals["completed"],
            figures.totals["on_time"],
        ) == (2, 2, 1)
        audited = [
            e.case_id
            for e in db.session.scalars(select(AuditEntry))
            if e.detail == f"following {primary.reference}"
        ]
        assert audited.count(duplicate_id) == 2


def _key_fields(case: Case) -> tuple[Any, ...]:
    return (
        case.organisation_id,
        case.kind,
        case.received_at,
        case.category_id,
        case.channel,
        case.department_id,
        case.status,
        case.first_due_at,
        case.first_response_at,
    )


def test_the_primary_reopened_reopens_its_duplicates_and_an_interim_notice_answers_them(
    app: Flask,
) -> None:
    with app.app_context():
        officer = _officer(app)
        keyring = current_keyring()
        primary, duplicate = _file(app), _file(app)
        primary_id, duplicate_id = primary.id, duplicate.id
        _link(officer, duplicate, primary)
        later = NOW + timedelta(days=3)
        case_actions.interim_notice(
            db.session,
            keyring,
            officer,
            primary_id,
            now=later,
            **interim_parts(later, message="กำลังจัดซื้อหลอดไฟ"),
        )
        db.session.expire_all()
        duplicate = db.session.get(Case, duplicate_id)
        primary = db.session.get(Case, primary_id)
        assert duplicate is not None and primary is not None
        assert duplicate.first_response_at == later and duplicate.due_at == primary.due_at
        interim = [e for e in duplicate.events if e.type is EventType.INTERIM_NOTICE]
        assert len(interim) == 1 and interim[0].public
        case_actions.resolve(db.session, keyring, officer, primary_id, message="เสร็จ", now=later)
        case_actions.reopen(db.session, keyring, officer, primary_id, reason="ยังดับอยู่", now=later)
        db.session.expire_all()
        duplicate = db.session.get(Case, duplicate_id)
        assert duplicate is not None
        assert duplicate.status is Status.SCREENING and duplicate.closed_at is None
        assert tallies.stored(db.session.connection()) == tallies.recount(db.session.connection())


def test_each_linked_complainant_is_mailed_when_the_primary_moves(
    make_app: Any,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, port = smtp
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(port))
    client = app.test_client()
    file_and_read_receipt(
        client, "/complaints/new", complaint_form(reporter_email="first@example.org")
    )
    file_and_read_receipt(
        client, "/complaints/new", complaint_form(reporter_email="second@example.org")
    )
    officer_id = make_staff(app, "noi", Role.INTAKE)
    now = datetime.now(UTC)
    with app.app_context():
        officer = db.session.get(User, officer_id)
        assert officer is not None
        first, second = db.session.scalars(select(Case).order_by(Case.reference)).all()
        _link(officer, second, first, now=now)
        db.session.execute(OutboxMessage.__table__.delete())  # the link's own notice aside
        db.session.commit()
        case_actions.accept(db.session, current_keyring(), officer, first.id, note="", now=now)
    result = app.test_cli_runner().invoke(args=["intake", "remind"])
    assert "2 sent" in result.output, result.output
    assert len(inbox.to("first@example.org")) == 1
    assert len(inbox.to("second@example.org")) == 1


# --- Possible duplicates -----------------------------------------------------------------


def test_possible_duplicates_share_category_time_and_a_location_word(app: Flask) -> None:
    with app.app_context():
        officer = _officer(app)
        case = _file(app, location="หน้าวัดหนองบัว ซอย 5")
        same = _file(app, location="ไฟดับ ซอย 5 หน้าวัดหนองบัว", at=NOW + timedelta(days=3))
        # near misses: another category, too long after, only a generic word in common
        _file(app, category=_category(index=1))
        _file(app, at=NOW + timedelta(days=duplicates.WINDOW_DAYS + 1))
        _file(app, location="ซอย 9 ตลาดสด")
        found = duplicates.possible_duplicates(db.session, current_keyring(), officer, case)
        assert [(s.case.id, s.shared_words) for s in found] == [(same.id, ("หน้าวัดหนองบัว",))]
        # once linked, it is no longer suggested
        _link(officer, same, case)
        assert duplicates.possible_duplicates(db.session, current_keyring(), officer, case) == []


def test_location_words_leave_generic_place_words_out() -> None:
    assert duplicates.location_words("ถนน หมู่ 3, ซอย สุขุมวิท-5") == frozenset({"สุขุมวิท"})


# --- On the pages ------------------------------------------------------------------------


def test_the_case_page_links_by_reference_and_keeps_a_wrong_one_beside_the_field(
    app: Flask,
) -> None:
    client = app.test_client()
    with app.app_context():
        lamps = str(_category())
    file_and_read_receipt(client, "/complaints/new", complaint_form(category=lamps))
    _, code = file_and_read_receipt(client, "/complaints/new", complaint_form(category=lamps))
    officer = staff_client(app, "intake1", Role.INTAKE)
    with app.app_context():
        first, second = db.session.scalars(select(Case).order_by(Case.reference)).all()
        first_id, second_id, first_reference = first.id, second.id, first.reference
    page = officer.get(f"/staff/cases/{second_id}").get_data(as_text=True)
    assert 'id="case-links"' in page and first_reference in page  # suggested
    wrong = officer.post(f"/staff/cases/{second_id}/link", data={"reference": "รร-2500-99999"})
    assert wrong.status_code == 422
    body = wrong.get_data(as_text=True)
    assert "ไม่พบเรื่องที่มีเลขที่นี้" in body and 'value="รร-2500-99999"' in body
    done = officer.post(f"/staff/cases/{second_id}/link", data={"reference": first_reference})
    assert done.status_code == 303
    page = officer.get(f"/staff/cases/{first_id}").get_data(as_text=True)
    assert 'id="linked-cases"' in page
    # the second complainant reads that their report is handled with others
    status = client.post("/track", data={"code": code}).get_data(as_text=True)
    assert 'id="handled-together"' in status and first_reference not in status
    assert officer.post(f"/staff/cases/{second_id}/unlink").status_code == 303
    status = client.post("/track", data={"code": code}).get_data(as_text=True)
    assert 'id="handled-together"' not in status


def test_the_queue_marks_possible_duplicates_and_not_a_near_miss(app: Flask) -> None:
    with app.app_context():
        first = _file(app, location="หน้าวัดหนองบัว")
        second = _file(app, location="ซอย 5 หน้าวัดหนองบัว", at=NOW + timedelta(days=2))
        alone = _file(app, location="ตลาดสดเทศบาล")
        late = _file(app, location="หน้าวัดหนองบัว", at=NOW + timedelta(days=40))
        ids = {c.reference: c.id for c in (first, second, alone, late)}
        expected = {first.id, second.id}
        flagged = duplicates.flag_page(
            db.session, current_keyring(), _officer(app), list(ids.values())
        )
    assert flagged == expected
    officer = staff_client(app, "intake2", Role.INTAKE)
    page = officer.get("/staff/cases").get_data(as_text=True)
    assert page.count("data-possible-duplicate") == 2


def test_a_duplicate_hidden_from_the_reader_flags_nothing_on_their_queue(app: Flask) -> None:
    # Given two reports of one place, the second hidden from one officer (excluded)
    with app.app_context():
        first = _file(app, location="หน้าวัดหนองบัว")
        second = _file(app, location="ซอย 5 หน้าวัดหนองบัว", at=NOW + timedelta(days=2))
        expected, hidden = {first.id, second.id}, second.id
        excluded, other = _officer(app, "intake1"), _officer(app, "intake2")
        db.session.add(CaseExclusion(case_id=hidden, user_id=excluded.id))
        db.session.flush()
        ids = [first.id, second.id]
        keyring = current_keyring()
        # Then the other officer sees both flagged; the excluded one, the first not flagged
        assert duplicates.flag_page(db.session, keyring, other, ids) == expected
        assert duplicates.flag_page(db.session, keyring, excluded, [first.id]) == set()


def test_an_old_case_on_the_queue_is_flagged_however_many_newer_cases_there_are(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given few candidates allowed, an old case and its twin, and more newer cases of
    # another category than that (a queue ordered by due date shows the old ones first)
    monkeypatch.setattr(duplicates, "MAX_CANDIDATES", 3)
    with app.app_context():
        old = _file(app, location="หน้าวัดหนองบัว")
        _file(app, location="ซอย 5 หน้าวัดหนองบัว", at=NOW + timedelta(days=1))
        market = _category(index=1)
        newer = [
            _file(app, location=f"ตลาดสด แผง {i}", at=NOW + timedelta(days=60 + i), category=market)
            for i in range(7)
        ]
        # When the page holding the old case and a newer one is flagged
        old_id, page = old.id, [old.id, newer[0].id]
        flagged = duplicates.flag_page(db.session, current_keyring(), _officer(app), page)
    # Then the newer cases do not crowd the old case's twin out of the candidates
    assert old_id in flagged


def test_an_old_case_is_flagged_when_newer_cases_of_its_own_category_crowd_the_page(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given few candidates allowed, an old case and its twin, and more newer cases of the
    # same category than that, each somewhere else
    monkeypatch.setattr(duplicates, "MAX_CANDIDATES", 3)
    places = ["อุทยาน", "สะพานใหม่", "โรงพยาบาล", "สถานีอนามัย", "ท่าน้ำ", "ศาลาประชาคม", "สนามกีฬา"]
    with app.app_context():
        old = _file(app, location="หน้าวัดหนองบัว")
        _file(app, location="ซอย 5 หน้าวัดหนองบัว", at=NOW + timedelta(days=1))
        newer = [
            _file(app, location=place, at=NOW + timedelta(days=20 + i))
            for i, place in enumerate(places)
        ]
        # When a page holding the old case and the newer ones is flagged
        page = [old, *newer]
        officer, keyring = _officer(app), current_keyring()
        flagged = duplicates.flag_page(db.session, keyring, officer, [c.id for c in page])
        # Then the queue says what each case's own page says: the old case has a twin
        suggested = {
            c.id for c in page if duplicates.possible_duplicates(db.session, keyring, officer, c)
        }
        assert flagged == suggested == {old.id}


@pytest.mark.commits
def test_two_officers_linking_two_cases_each_way_at_once_leave_one_link(app: Flask) -> None:
    # Given two reports of one thing, and two officers who each link one to the other
    with app.app_context():
        first, second = _file(app), _file(app)
        pairs = [(first.id, second.reference), (second.id, first.reference)]
        ids = [first.id, second.id]
        db.session.rollback()
        _officer(app, "intake1")
        _officer(app, "intake2")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def work(name: str, case_id: str, reference: str) -> None:
        with app.app_context():
            actor = db.session.scalars(select(User).where(User.username == name)).one()
            db.session.rollback()
            barrier.wait()
            try:
                case_links.link(db.session, current_keyring(), actor, case_id, reference, now=NOW)
                outcomes.append("linked")
            except ServiceError as error:
                outcomes.append(error.code)

    threads = [
        threading.Thread(target=work, args=(name, case_id, reference))
        for name, (case_id, reference) in zip(("intake1", "intake2"), pairs, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then one link was made and the other refused (already linked: seen under the lock,
    # or as following it when the first had committed before the second began), with
    # no deadlock and no chain
    assert sorted(outcomes)[1] == "linked"
    assert sorted(outcomes)[0] in ("link_already", "link_follower")
    with app.app_context():
        links = {case_id: db.session.get(Case, case_id).primary_case_id for case_id in ids}  # type: ignore[union-attr]
    assert sorted(links.values(), key=str) in (
        sorted([None, ids[0]], key=str),
        sorted([None, ids[1]], key=str),
    )
    assert all(primary != case_id for case_id, primary in links.items())
