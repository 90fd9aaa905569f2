"""No page's number of SQL statements grows with the number of cases or of a case's events
(no N+1 queries): each page is requested over a small and a larger data set, and the
statements the engine really executes are counted."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select
from staff_support import staff_client

from intake.extensions import db
from intake.models import Case, CaseKind, Channel, Department, Role
from intake.services import case_actions
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from intake.services.users import find_user

NOW = datetime.now(UTC)
PAGES = ["/", "/stats", "/stats.json", "/stats.csv", "/guide", "/guide/tips"]
STAFF_PAGES = ["/staff/dashboard", "/staff/cases", "/staff/cases?sort=newest&status=open"]


@contextmanager
def counted(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _file(app: Flask, how_many: int, start: int = 0) -> list[str]:
    ids = []
    with app.app_context():
        departments = list(db.session.scalars(select(Department.id)))
        for n in range(start, start + how_many):
            data = FilingInput(
                kind=CaseKind.COMPLAINT if n % 4 else CaseKind.TIP,
                subject=f"เรื่องที่ {n}",
                details="รายละเอียด",
                channel=list(Channel)[n % len(Channel)],
                received_at=NOW - timedelta(days=n * 7),
            )
            filed = file_case(
                db.session, current_keyring(), Path(app.config["INTAKE_UPLOADS_PATH"]), data, NOW
            )
            ids.append(filed.case_id)
            case = db.session.get(Case, filed.case_id)
            assert case is not None
            case.department_id = departments[n % len(departments)]
            db.session.commit()
    return ids


def _statements(app: Flask, client: FlaskClient, path: str) -> int:
    with counted(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


def test_public_and_staff_pages_run_as_many_statements_for_40_cases_as_for_4(app: Flask) -> None:
    public = app.test_client()
    legal = staff_client(app, "legal1", Role.LEGAL)
    _file(app, 4)
    few = {path: _statements(app, public, path) for path in PAGES}
    few |= {path: _statements(app, legal, path) for path in STAFF_PAGES}

    _file(app, 36, start=4)
    many = {path: _statements(app, public, path) for path in PAGES}
    many |= {path: _statements(app, legal, path) for path in STAFF_PAGES}

    assert many == few


def test_a_case_page_runs_as_many_statements_with_20_events_as_with_2(app: Flask) -> None:
    legal = staff_client(app, "legal1", Role.LEGAL)
    # Two cases of one kind (every fourth is a tip): a tip's page also lists who is
    # excluded from it, so only pages of the same kind can be compared.
    filed = _file(app, 5)
    quiet, busy = filed[0], filed[4]
    with app.app_context():
        officer = find_user(db.session, "legal1")
        assert officer is not None
        for case_id, notes in ((quiet, 1), (busy, 19)):
            for n in range(notes):
                case_actions.add_note(
                    db.session, current_keyring(), officer, case_id, note=f"บันทึก {n}", now=NOW
                )
    assert _statements(app, legal, f"/staff/cases/{busy}") == _statements(
        app, legal, f"/staff/cases/{quiet}"
    )
