"""Retention (PDPA): `intake purge` deletes contents, files and identities of cases closed
longer ago than the settings say, keeps what statistics need, and audits each purge."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from intake import crypto, mail
from intake.attachments import PreparedAttachment
from intake.extensions import db
from intake.models import (
    Attachment,
    AuditEntry,
    Case,
    CaseEvent,
    CaseKind,
    OutboxMessage,
    RevealRequest,
    RevealStatus,
    Role,
    User,
)
from intake.services import ServiceError, case_actions, notices, retention, reveal, satisfaction
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from tests.support.builders import VALID_NATIONAL_ID
from tests.support.cli import run_intake
from tests.support.staff import staff_client

NOW = datetime.now(UTC)
ELEVEN_YEARS_AGO = retention.years_before(NOW, 11)
SIX_YEARS_AGO = retention.years_before(NOW, 6)
LAST_YEAR = retention.years_before(NOW, 1)


@dataclass(frozen=True)
class Filed:
    case_id: str
    reference: str
    code: str


def _file(
    app: Flask,
    kind: CaseKind,
    at: datetime,
    *,
    close: bool = True,
    files: int = 0,
    named: bool = False,
) -> Filed:
    """A case filed at ``at`` and, unless ``close`` is false, resolved a day later."""
    with app.app_context():
        keyring = current_keyring()
        reporter = (
            {
                "name": "สมหญิง กล้าหาญ",
                "phone": "0812345678",
                "national_id": VALID_NATIONAL_ID,
            }
            if named or kind is CaseKind.COMPLAINT
            else {}
        )
        data = FilingInput(
            kind=kind,
            subject="ถนนชำรุด" if kind is CaseKind.COMPLAINT else "เรียกรับเงิน",
            details="รายละเอียดที่เป็นความลับ",
            location="หมู่ 3",
            incident_date=at.date() - timedelta(days=3),
            accused="นาย ก." if kind is CaseKind.TIP else "",
            anonymous=kind is CaseKind.TIP and not named,
            reporter=reporter,
            attachments=[
                PreparedAttachment(f"หลักฐาน-{n}.txt", "text/plain", b"evidence %d" % n, False)
                for n in range(files)
            ],
        )
        uploads = Path(app.config["INTAKE_UPLOADS_PATH"])
        filed = file_case(db.session, keyring, uploads, data, at)
        if close:
            legal = db.session.scalars(sa.select(User).where(User.username == "legal9")).one()
            later = at + timedelta(days=1)
            case_actions.resolve(
                db.session, keyring, legal, filed.case_id, message="แก้ไขแล้ว", now=later
            )
        db.session.remove()
        return Filed(filed.case_id, filed.reference, filed.tracking_code)


@pytest.fixture
def cases(app: Flask) -> dict[str, Filed]:
    staff_client(app, "legal9", Role.LEGAL)
    return {
        "old complaint": _file(app, CaseKind.COMPLAINT, ELEVEN_YEARS_AGO, files=2),
        "old named tip": _file(app, CaseKind.TIP, ELEVEN_YEARS_AGO, files=1, named=True),
        "old anonymous tip": _file(app, CaseKind.TIP, ELEVEN_YEARS_AGO),
        "old open complaint": _file(app, CaseKind.COMPLAINT, ELEVEN_YEARS_AGO, close=False),
        "six-year-old complaint": _file(app, CaseKind.COMPLAINT, SIX_YEARS_AGO, files=1),
        "recent tip": _file(app, CaseKind.TIP, LAST_YEAR, named=True),
    }


def _listed(output: str) -> dict[str, str]:
    """reference → what the dry run says would go."""
    return {
        line.split("\t")[0]: line.split("\t")[-1] for line in output.splitlines() if "\t" in line
    }


def _state(app: Flask) -> dict[str, Any]:
    """Everything a purge may touch, to see that a dry run touches none of it."""
    with app.app_context():
        state = {
            table: db.session.execute(sa.select(model).order_by(model.id)).scalars().all()
            for table, model in (("cases", Case), ("events", CaseEvent), ("files", Attachment))
        }
        dump = {
            "cases": [
                (c.id, c.subject_enc, c.details_enc, c.contact_enc, c.identity_sealed)
                for c in state["cases"]
            ],
            "events": [(e.id, e.body_enc) for e in state["events"]],
            "files": [a.id for a in state["files"]],
            "audit": db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)),
        }
        db.session.rollback()
    uploads = Path(app.config["INTAKE_UPLOADS_PATH"])
    dump["on disk"] = sorted(p.name for p in uploads.iterdir())
    return dump


def _stats(client: FlaskClient) -> list[Any]:
    years = {retention.years_before(NOW, n).year + 543 for n in (11, 10, 6, 5, 1, 0)}
    return [client.get(f"/stats.json?fy={fy}").get_json() for fy in sorted(years)]


def test_a_dry_run_lists_what_is_past_retention_and_changes_nothing(
    app: Flask, cases: dict[str, Filed]
) -> None:
    before = _state(app)
    listed = _listed(run_intake(app, "purge", "--dry-run"))
    assert listed == {
        cases["old complaint"].reference: "contents and 2 files, identity",
        cases["old named tip"].reference: "contents and 1 files, identity",
        cases["old anonymous tip"].reference: "contents and 0 files",
    }
    assert _state(app) == before


def test_purge_deletes_contents_files_and_identity_and_keeps_the_statistics(
    app: Flask, client: FlaskClient, cases: dict[str, Filed]
) -> None:
    stats_before = _stats(client)
    with app.app_context():
        keyring = current_keyring()
        for kind, at in (("old", retention.years_before(NOW, 1)), ("fresh", NOW)):
            message = mail.queue(db.session, keyring, kind, "a@example.org", "s", "b", at)
            message.sent_at = at
        db.session.commit()
    uploads = Path(app.config["INTAKE_UPLOADS_PATH"])
    with app.app_context():
        old_files = db.session.scalars(
            sa.select(Attachment.stored_name).where(
                Attachment.case_id.in_(
                    [cases["old complaint"].case_id, cases["old named tip"].case_id]
                )
            )
        ).all()
        db.session.rollback()
    assert len(old_files) == 3 and all((uploads / name).is_file() for name in old_files)

    output = run_intake(app, "purge")
    assert "contents of 3 cases, identity of 2 cases, 3 files and 1 delivered mails" in output

    purged = {cases[k].case_id for k in ("old complaint", "old named tip", "old anonymous tip")}
    with app.app_context():
        keyring = current_keyring()
        for case in db.session.scalars(sa.select(Case)):

            def text(column: str, case: Case = case) -> str:
                blob = getattr(case, f"{column}_enc")
                return crypto.decrypt_text(
                    keyring, blob, table="cases", column=column, row_id=case.id
                )

            if case.id in purged:
                assert case.contents_purged_at is not None
                assert (text("subject"), text("details")) == ("", "")
                assert case.location_enc is None and case.accused_enc is None
                assert case.incident_date is None
                assert all(event.body_enc is None for event in case.events)
                assert case.attachments == []
                assert case.contact_enc is None and case.identity_sealed is None
                # what statistics need stays
                assert case.status.value == "resolved" and case.closed_at is not None
            else:
                assert case.contents_purged_at is None and case.identity_purged_at is None
                assert text("subject") in ("ถนนชำรุด", "เรียกรับเงิน")
        actions = db.session.execute(
            sa.select(AuditEntry.action, AuditEntry.case_id, AuditEntry.detail).where(
                AuditEntry.action.in_(
                    ["case.contents_purged", "case.identity_purged", "retention.purged"]
                )
            )
        ).all()
        db.session.rollback()
    assert {(a, c) for a, c, _ in actions if a == "case.contents_purged"} == {
        ("case.contents_purged", case_id) for case_id in purged
    }
    assert {c for a, c, _ in actions if a == "case.identity_purged"} == {
        cases["old complaint"].case_id,
        cases["old named tip"].case_id,
    }
    assert [d for a, _, d in actions if a == "retention.purged"] == [
        "contents 3, identity 2, files 3, mail 1"
    ]
    with app.app_context():  # mail delivered long enough ago is gone; the fresh one waits
        kinds = db.session.scalars(sa.select(OutboxMessage.kind)).all()
        db.session.rollback()
    assert kinds == ["fresh"]
    assert not any((uploads / name).exists() for name in old_files)

    # the published statistics say what they said, and are still a true recount of the
    # cases that remain (stats-check); the audit chain holds
    assert _stats(client) == stats_before
    run_intake(app, "stats-check")
    run_intake(app, "audit-verify")

    # the complainant's status page says what happened, and nothing of the contents
    page = client.post("/track", data={"code": cases["old complaint"].code})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="contents-purged"' in text
    assert "แก้ไขแล้ว" not in text  # the closing message was a body of the timeline

    # and a second run finds nothing more to do
    assert _listed(run_intake(app, "purge", "--dry-run")) == {}
    assert "contents of 0 cases, identity of 0 cases" in run_intake(app, "purge")


def test_the_staff_case_page_says_a_case_was_purged(app: Flask, cases: dict[str, Filed]) -> None:
    run_intake(app, "purge")
    legal = staff_client(app, "legal8", Role.LEGAL)
    page = legal.get(f"/staff/cases/{cases['old named tip'].case_id}").get_data(as_text=True)
    assert 'id="contents-purged"' in page and 'id="identity-purged"' in page
    assert "รายละเอียดที่เป็นความลับ" not in page
    # nothing new can be written into it: no action is offered, and a sent one is refused
    assert 'name="note-note"' not in page and 'name="reopen-reason"' not in page
    sent = legal.post(
        f"/staff/cases/{cases['old named tip'].case_id}/note", data={"note-note": "เพิ่มเติม"}
    )
    assert sent.status_code == 403


def test_shorter_settings_take_effect_and_show_on_the_privacy_page(
    app: Flask, client: FlaskClient, cases: dict[str, Filed]
) -> None:
    admin = staff_client(app, "admin9", Role.ADMIN)
    form = admin.get("/staff/admin/settings").get_data(as_text=True)
    values = dict(re.findall(r'name="([a-z_]+)"[^>]*?value="([^"]*)"', form))
    values.update(deadline_mode="calendar", complaint_identity_years="๕")  # Thai digits
    saved = admin.post("/staff/admin/settings", data=values)
    assert saved.status_code == 303, saved.get_data(as_text=True)[:1500]

    listed = _listed(run_intake(app, "purge", "--dry-run"))
    assert listed[cases["six-year-old complaint"].reference] == "identity"
    assert cases["recent tip"].reference not in listed

    page = client.get("/privacy").get_data(as_text=True)
    row = re.search(r'id="retention-complaint">(.*?)</tr>', page, re.S)
    assert row is not None
    assert re.findall(r"<td>(.*?)</td>", row.group(1)) == ["10 ปี", "5 ปี"]
    assert "มาตรา 24 (4)" in page  # the legal basis
    client.set_cookie("lang", "en")
    english = client.get("/privacy").get_data(as_text=True)
    assert "Privacy notice" in english and "5 years" in english


def _legal(app: Flask) -> User:
    return db.session.scalars(sa.select(User).where(User.username == "legal9")).one()


def test_nothing_new_is_kept_on_a_purged_case(app: Flask, cases: dict[str, Filed]) -> None:
    tip = cases["old named tip"].case_id
    with app.app_context():  # a reveal asked for before the purge
        keyring = current_keyring()
        asked = reveal.request_reveal(
            db.session, keyring, _legal(app), tip, "ต้องการสอบพยานเพิ่มเติม", NOW
        )
        asked_id = asked.id
        db.session.remove()
    run_intake(app, "purge")
    with app.app_context():
        keyring = current_keyring()
        request = db.session.get(RevealRequest, asked_id)
        assert request is not None and request.status is RevealStatus.EXPIRED
        reason = crypto.decrypt_text(
            keyring, request.reason_enc, table="reveal_requests", column="reason", row_id=asked_id
        )
        assert reason == ""
        attempts = {
            "reveal": lambda: reveal.request_reveal(
                db.session, keyring, _legal(app), tip, "ขออีกครั้ง", NOW
            ),
            "notice address": lambda: notices.change(
                db.session, keyring, tip, notices.START, NOW, address="me@example.org"
            ),
            "survey comment": lambda: satisfaction.record_answers(
                db.session,
                keyring,
                tip,
                satisfaction.SurveyAnswers(5, 5, 5, 5, "ขอบคุณ"),
                NOW,
            ),
        }
        for name, attempt in attempts.items():
            with pytest.raises(ServiceError):
                attempt()
                pytest.fail(name)
            db.session.rollback()
        case = db.session.get(Case, tip)
        assert case is not None and case.notice_address_enc is None
        db.session.rollback()


def test_a_case_reopened_after_the_list_was_made_is_judged_again(
    app: Flask, cases: dict[str, Filed]
) -> None:
    old = cases["old complaint"].case_id
    with app.app_context():
        keyring = current_keyring()
        due = retention.due_cases(db.session, NOW)
        assert old in {item.case_id for item in due}
        # meanwhile an officer reopens it and closes it again today
        case_actions.reopen(db.session, keyring, _legal(app), old, reason="มีข้อมูลใหม่", now=NOW)
        case_actions.resolve(db.session, keyring, _legal(app), old, message="แก้ไขอีกครั้ง", now=NOW)
        report = retention.purge(
            db.session, keyring, Path(app.config["INTAKE_UPLOADS_PATH"]), due, NOW
        )
        case = db.session.get(Case, old)
        assert case is not None and case.contents_purged_at is None and case.attachments
        assert report.contents == 2  # the two other old cases
        db.session.rollback()
