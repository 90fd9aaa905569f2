"""The suite's own PostgreSQL set-up: a test's commits stay inside its rolled-back
transaction, unless the test is marked ``commits`` (tests/support/database.py)."""

from __future__ import annotations

import os

import pytest
from flask import Flask
from sqlalchemy import func, select

from intake.extensions import db
from intake.models import Department
from intake.row_security import open_every_organisation

pytestmark = pytest.mark.skipif(
    os.environ.get("INTAKE_TEST_TIER") != "postgresql", reason="postgresql tier only"
)

NAME = "กองทดสอบการแยกธุรกรรม"


def _add_department(app: Flask) -> int:
    with app.app_context():
        department = Department(name_th=NAME)
        db.session.add(department)
        db.session.commit()
        return department.id


def _seen_by_another_connection(app: Flask) -> int:
    with app.app_context(), db.engine.connect() as other:
        open_every_organisation(other)  # past row-level security: any organisation's row
        query = select(func.count()).select_from(Department).where(Department.name_th == NAME)
        return int(other.execute(query).scalar_one())


def test_a_commit_is_seen_by_the_test_and_by_no_other_connection(app: Flask) -> None:
    # Given a department committed through the application's session
    department_id = _add_department(app)

    # Then the test's later sessions (requests, other app contexts) see it
    with app.app_context():
        assert db.session.get(Department, department_id) is not None
    # but another connection does not: it is inside the test's outer transaction
    assert _seen_by_another_connection(app) == 0


def test_a_rolled_back_test_starts_with_ids_from_one(app: Flask) -> None:
    # Sequences do not roll back; restarted, ids are as on a freshly created schema
    with app.app_context():
        first = db.session.scalars(select(Department.id).order_by(Department.id)).first()
    assert first == 1


@pytest.mark.commits
def test_a_test_marked_commits_writes_for_everyone(app: Flask) -> None:
    # Given a department committed in a test marked ``commits``
    _add_department(app)

    # Then another connection sees it, as another process or thread would
    assert _seen_by_another_connection(app) == 1
