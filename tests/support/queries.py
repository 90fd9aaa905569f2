"""Filing many cases quickly, and counting the statements a page runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from intake.extensions import db
from intake.models import COMPLAINTS_ONLY, Case, CaseKind, Channel, Department
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring

NOW = datetime.now(UTC)


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


def file_many(app: Flask, how_many: int, start: int = 0) -> list[str]:
    ids = []
    with app.app_context():
        departments = list(db.session.scalars(select(Department.id)))
        for n in range(start, start + how_many):
            kind = CaseKind.COMPLAINT if n % 4 else CaseKind.TIP
            channel = list(Channel)[n % len(Channel)]
            if kind is CaseKind.TIP and channel in COMPLAINTS_ONLY:
                channel = Channel.WEB  # a tip never comes through such a channel
            data = FilingInput(
                kind=kind,
                subject=f"เรื่องที่ {n}",
                details="รายละเอียด",
                channel=channel,
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


def statements_of(app: Flask, client: FlaskClient, path: str) -> int:
    with counted(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)
