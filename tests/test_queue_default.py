"""The queue starts where the work is: /staff/cases lists the open cases of the officer's
scope, overdue first, then due soon, then by due date; closed cases only when asked for.
The default page is still read off an index, on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from intake.extensions import db
from intake.models import Case, CaseKind, Department, Role
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from intake.workflow import Status
from tests.support.staff import staff_client

NOW = datetime.now(UTC)


def _file(app: Flask, label: str, due_in_days: float, status: Status = Status.RECEIVED) -> str:
    """A complaint of กองช่าง, due ``due_in_days`` from now, in ``status``."""
    with app.app_context():
        filed = file_case(
            db.session,
            current_keyring(),
            Path(app.config["INTAKE_UPLOADS_PATH"]),
            FilingInput(kind=CaseKind.COMPLAINT, subject=label, details="รายละเอียด"),
            NOW,
        )
        case = db.session.get(Case, filed.case_id)
        assert case is not None
        case.due_at = NOW + timedelta(days=due_in_days)
        case.status = status
        case.closed_at = NOW if status in (Status.RESOLVED, Status.REJECTED) else None
        case.department_id = db.session.scalars(
            select(Department.id).where(Department.name_th == "กองช่าง")
        ).one()
        db.session.commit()
        return case.reference


def _references(client: FlaskClient, query: str = "") -> list[str]:
    response = client.get("/staff/cases" + query)
    assert response.status_code == 200
    return re.findall(
        r'<a class="reference" href="[^"]+">([^<]+)</a>', response.get_data(as_text=True)
    )


def _cases(app: Flask) -> dict[str, str]:
    return {
        "on_track_later": _file(app, "ยังมีเวลาอีกนาน", 12),
        "closed_long_ago": _file(app, "ปิดแล้ว", -40, Status.RESOLVED),
        "due_soon": _file(app, "ใกล้ครบกำหนด", 1.5, Status.ASSIGNED),
        "overdue_most": _file(app, "เกินกำหนดนานที่สุด", -9, Status.IN_PROGRESS),
        "rejected": _file(app, "ยุติแล้ว", -2, Status.REJECTED),
        "on_track": _file(app, "ยังมีเวลา", 6, Status.SCREENING),
        "overdue": _file(app, "เกินกำหนด", -1),
    }


def test_the_default_queue_is_open_cases_most_urgent_first(app: Flask) -> None:
    # Given open cases in every deadline state, and closed cases whose dates came earlier
    cases = _cases(app)
    intake = staff_client(app, "intake1", Role.INTAKE)

    # When an officer opens the queue without choosing anything
    shown = _references(intake)

    # Then only open cases show: overdue (the longest first), due soon, then by due date
    order = ["overdue_most", "overdue", "due_soon", "on_track", "on_track_later"]
    assert shown == [cases[name] for name in order]

    # ...and the page says so, with the way to the closed ones
    page = intake.get("/staff/cases").get_data(as_text=True)
    assert 'id="queue-order"' in page and "?status=closed" in page


def test_closed_cases_show_when_asked_for_and_a_reference_finds_any_case(app: Flask) -> None:
    cases = _cases(app)
    intake = staff_client(app, "intake1", Role.INTAKE)
    closed = {cases["closed_long_ago"], cases["rejected"]}

    assert set(_references(intake, "?status=closed")) == closed
    assert set(_references(intake, "?status=all")) == set(cases.values())
    assert _references(intake, "?reference=" + cases["rejected"]) == [cases["rejected"]]
    # the status chosen explicitly still counts with a reference
    assert _references(intake, f"?reference={cases['rejected']}&status=open") == []


def test_a_department_officer_starts_with_the_open_cases_of_their_department(
    app: Flask,
) -> None:
    cases = _cases(app)
    works = staff_client(app, "works1", Role.DEPARTMENT, "กองช่าง")
    finance = staff_client(app, "finance1", Role.DEPARTMENT, "กองคลัง")
    order = ["overdue_most", "overdue", "due_soon", "on_track", "on_track_later"]
    assert _references(works) == [cases[name] for name in order]
    assert _references(finance) == []


def test_the_phone_layout_puts_the_list_first_and_folds_the_filters(app: Flask) -> None:
    _cases(app)
    page = staff_client(app, "intake1", Role.INTAKE).get("/staff/cases").get_data(as_text=True)
    main = page[page.index("<main") :]
    # the filters sit in a closed toggle; only the reference search stays out
    assert re.search(r'<details class="queue-filters" id="queue-filters">', main)
    folded = main[main.index('id="queue-filters"') : main.index("</details>")]
    assert 'id="status"' in folded and 'id="deadline"' in folded and 'id="sort"' in folded
    assert main.index('id="reference"') < main.index('id="queue-filters"')
    # an unreadable date opens the toggle, so the error beside it is seen
    bad = staff_client(app, "intake2", Role.INTAKE).get("/staff/cases?received_from=31/02/2568")
    assert bad.status_code == 422
    assert 'id="queue-filters" open' in bad.get_data(as_text=True)


@contextmanager
def _statements(app: Flask) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def keep(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def _plan(app: Flask, statement: str, parameters: Any) -> tuple[str, str]:
    """(dialect, plan). PostgreSQL is asked for the plan it picks when it may not scan
    the table or sort it whole: with an index that gives the queue's order, it has one."""
    with app.app_context(), db.engine.connect() as connection:
        dialect = connection.dialect.name
        if dialect == "postgresql":
            connection.exec_driver_sql("SET enable_seqscan = off")
            connection.exec_driver_sql("SET enable_sort = off")
            rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters)
            return dialect, "\n".join(row[0] for row in rows)
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        return dialect, "\n".join(str(row[-1]) for row in rows)


@pytest.mark.commits
def test_the_default_queue_page_is_read_off_an_index(app: Flask) -> None:
    _cases(app)
    legal = staff_client(app, "legal1", Role.LEGAL)
    with _statements(app) as seen:
        assert legal.get("/staff/cases").status_code == 200
    listing = [
        (statement, parameters)
        for statement, parameters in seen
        if "ORDER BY cases.due_at" in statement and "LIMIT" in statement
    ]
    assert len(listing) == 1, [s for s, _ in seen]
    # The open statuses are written as the partial index's own condition (literals).
    assert "'received', 'screening', 'assigned', 'in_progress')" in listing[0][0]
    dialect, plan = _plan(app, *listing[0])
    if dialect == "postgresql":
        # the page is read in order off the index of open cases: nothing is sorted
        assert "ix_cases_open_due_order" in plan, plan
        assert "Sort" not in plan, plan
    else:
        # SQLite's planner weighs its indexes by its own guesses; none of them is a scan
        assert re.search(r"(SEARCH|SCAN) cases USING (COVERING )?INDEX", plan), plan
