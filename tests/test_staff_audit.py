"""The auditor's page: entries newest first with case references, filters, paging, the
chain's state (intact, or broken at the first changed entry), and nothing else."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from intake import thaidate
from intake.extensions import db
from intake.models import AuditEntry, Role
from intake.permissions import PERMISSION_ATTRIBUTE, Permission
from intake.services import audit_search
from tests.support.builders import complaint_form
from tests.support.filing import file_and_read_receipt
from tests.support.staff import staff_client


@pytest.fixture
def auditor(app: Flask) -> FlaskClient:
    return staff_client(app, "auditor1", Role.AUDITOR)


def _chain(page: str) -> tuple[str, str]:
    """The chain status element's data-status and data-entry."""
    match = re.search(r'id="chain-status"[^>]*data-status="(\w+)"(?: data-entry="(\d*)")?', page)
    assert match, page[:2000]
    return match.group(1), match.group(2) or ""


def _entry_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr data-entry="(\d+)">', page)]


def _drop_triggers() -> None:
    """What a database superuser can do (as in tests/test_audit.py)."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("DROP TRIGGER audit_log_no_update"))
        db.session.execute(text("DROP TRIGGER audit_log_no_delete"))
    else:
        db.session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
    db.session.commit()


def test_the_auditor_sees_entries_with_references_and_an_intact_chain(
    app: Flask, auditor: FlaskClient, client: FlaskClient
) -> None:
    # Given two filed complaints and an administrator's change
    first, _ = file_and_read_receipt(client, "/complaints/new", complaint_form())
    second, _ = file_and_read_receipt(client, "/complaints/new", complaint_form())
    admin = staff_client(app, "admin1", Role.ADMIN)
    admin.post("/staff/admin/holidays", data={"day": "5/12/2569", "name": "วันหยุดพิเศษ"})
    # When the auditor opens the audit log
    response = auditor.get("/staff/audit")
    page = response.get_data(as_text=True)
    # Then the chain is intact and the entries are listed newest first
    assert response.status_code == 200
    assert _chain(page) == ("intact", "")
    assert "ห่วงโซ่บันทึกสมบูรณ์" in page
    ids = _entry_ids(page)
    assert ids == sorted(ids, reverse=True) and len(ids) >= 5
    # With each case's reference, the acting staff member's username and role, in BE time
    assert first in page and second in page
    assert "admin1" in page and "ผู้ดูแลระบบ" in page and "admin.holiday_added" in page
    assert re.search(r"\d{1,2} [ก-๙]+ 25\d\d เวลา \d\d:\d\d น\.", page)
    # But never a complaint's contents
    assert complaint_form()["subject"] not in page and "สมชาย" not in page


def test_filters_and_paging(
    app: Flask, auditor: FlaskClient, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given three filed complaints
    references = [
        file_and_read_receipt(client, "/complaints/new", complaint_form())[0] for _ in range(3)
    ]
    # When the auditor filters by one reference
    one = auditor.get("/staff/audit", query_string={"reference": references[1]})
    rows = one.get_data(as_text=True)
    # Then only that case's entries are listed
    assert references[1] in rows and references[0] not in rows and references[2] not in rows
    # By action: only filings, three of them
    filed = auditor.get("/staff/audit", query_string={"action": "case.filed"})
    assert len(_entry_ids(filed.get_data(as_text=True))) == 3
    # By actor: the auditor's own sign-in
    mine = auditor.get("/staff/audit", query_string={"actor": "auditor1"}).get_data(as_text=True)
    assert len(_entry_ids(mine)) == 1 and "user.signed_in" in mine
    # By dates in the Buddhist era: a range in the past finds nothing
    past = auditor.get(
        "/staff/audit", query_string={"date_from": "1/1/2560", "date_to": "๓๑/๑/๒๕๖๐"}
    )
    assert _entry_ids(past.get_data(as_text=True)) == []
    # And today's Bangkok date, typed with a BE year, finds today's filings
    today = thaidate.local_date(datetime.now(UTC))
    typed = f"{today.day}/{today.month}/{thaidate.be_year(today)}"
    query = {"date_from": typed, "date_to": typed, "action": "case.filed"}
    todays = auditor.get("/staff/audit", query_string=query)
    assert len(_entry_ids(todays.get_data(as_text=True))) == 3
    # An unknown reference or actor finds nothing, rather than everything
    for name in ("reference", "actor"):
        nothing = auditor.get("/staff/audit", query_string={name: "ไม่มี"})
        assert nothing.status_code == 200 and _entry_ids(nothing.get_data(as_text=True)) == []
    # A wrong date says so beside its field and keeps what was typed
    wrong = auditor.get("/staff/audit", query_string={"date_from": "31/02/2569"})
    assert wrong.status_code == 422
    assert 'id="date_from-error"' in wrong.get_data(as_text=True)
    assert 'value="31/02/2569"' in wrong.get_data(as_text=True)
    assert auditor.get("/staff/audit", query_string={"action": "no.such"}).status_code == 422
    # Paging: two entries a page, older ones on the next page, filters kept in the links
    monkeypatch.setattr(audit_search, "AUDIT_PAGE_SIZE", 2)
    newest = auditor.get("/staff/audit", query_string={"action": "case.filed"})
    older = auditor.get("/staff/audit", query_string={"action": "case.filed", "page": "2"})
    first_page = newest.get_data(as_text=True)
    assert "action=case.filed" in first_page and "page=2" in first_page
    newest_ids, older_ids = _entry_ids(first_page), _entry_ids(older.get_data(as_text=True))
    assert len(newest_ids) == 2 and len(older_ids) == 1 and min(newest_ids) > older_ids[0]
    assert auditor.get("/staff/audit", query_string={"page": "x"}).status_code == 200


def test_a_changed_entry_shows_the_chain_broken_at_that_entry(
    app: Flask, auditor: FlaskClient, client: FlaskClient
) -> None:
    # Given a filed complaint and an intact log
    file_and_read_receipt(client, "/complaints/new", complaint_form())
    assert _chain(auditor.get("/staff/audit").get_data(as_text=True))[0] == "intact"
    # When a database superuser rewrites the filing's entry
    with app.app_context():
        target = db.session.scalars(
            select(AuditEntry.id).where(AuditEntry.action == "case.filed")
        ).one()
        _drop_triggers()
        table = AuditEntry.__table__
        db.session.execute(
            sa.update(table).where(table.c.id == target).values(detail="nothing to see")  # type: ignore[attr-defined]
        )
        db.session.commit()
    # Then the page says the chain is broken at that entry
    page = auditor.get("/staff/audit").get_data(as_text=True)
    assert _chain(page) == ("broken", str(target))
    assert f"ห่วงโซ่บันทึกขาดที่รายการที่ {target}" in page


def test_auditors_and_administrators_see_only_their_own_pages(
    app: Flask, auditor: FlaskClient
) -> None:
    admin = staff_client(app, "admin1", Role.ADMIN)
    # An auditor cannot open the case queue or the administration; an admin not the log
    assert auditor.get("/staff/cases").status_code == 403
    assert auditor.get("/staff/admin/users").status_code == 403
    assert admin.get("/staff/audit").status_code == 403
    # And every staff page that needs another permission is refused to the auditor
    checked = 0
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        permission = getattr(view, PERMISSION_ATTRIBUTE, None)
        if permission in (None, Permission.AUDIT, Permission.ACCOUNT) or rule.arguments:
            continue
        if "GET" in (rule.methods or ()):
            assert auditor.get(rule.rule).status_code == 403, rule.rule
            checked += 1
    assert checked >= 3
