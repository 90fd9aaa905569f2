"""PostgreSQL's row-level security holds the line between organisations by itself: SQL the
application's scoping never sees (Core, ``text()``, a bare connection) reaches only the
organisation the transaction names, and only maintenance that says so reaches them all."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from intake import create_app
from intake.extensions import db
from intake.models import Department
from intake.organisation_scope import host_wide, work_for
from intake.row_security import POLICY, host_wide_session, open_every_organisation
from intake.services import deploy_check
from tests.support.builders import complaint_form
from tests.support.filing import file_and_read_receipt
from tests.support.organisations import FIRST, add_organisation, working_for
from tests.support.pgserver import APPLICATION_ROLE

# A bare connection of its own must see what the test wrote: real commits.
pytestmark = pytest.mark.commits

COUNT_CASES = sa.text("SELECT count(*) FROM cases")


@pytest.fixture
def two_with_cases(app: Flask) -> int:
    """Organisation A with one complaint, B with two; returns B's id."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("postgresql tier only: SQLite has no row-level security")
    second = add_organisation(app, "second", "เทศบาลตำบลที่สอง")
    client = app.test_client()
    file_and_read_receipt(client, "/o/main/complaints/new", complaint_form())
    for _ in range(2):
        file_and_read_receipt(client, "/o/second/complaints/new", complaint_form())
    return second


def test_text_and_core_queries_see_only_the_working_organisation(
    app: Flask, two_with_cases: int
) -> None:
    cases = sa.table("cases", sa.column("organisation_id"))
    for organisation, expected in ((FIRST, 1), (two_with_cases, 2)):
        with working_for(app, organisation), app.app_context():
            assert db.session.execute(COUNT_CASES).scalar() == expected
            owners = db.session.connection().execute(sa.select(cases.c.organisation_id)).scalars()
            assert set(owners) == {organisation}
            db.session.rollback()


def test_the_organisation_changes_inside_a_transaction(app: Flask, two_with_cases: int) -> None:
    with working_for(app, FIRST), app.app_context():
        assert db.session.execute(COUNT_CASES).scalar() == 1
        work_for(db.session, two_with_cases)  # same transaction
        assert db.session.execute(COUNT_CASES).scalar() == 2
        db.session.rollback()


def test_a_connection_that_names_no_organisation_sees_nothing(
    app: Flask, two_with_cases: int
) -> None:
    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(COUNT_CASES).scalar() == 0
        assert connection.execute(sa.text("SELECT count(*) FROM users")).scalar() == 0
        open_every_organisation(connection)
        assert connection.execute(COUNT_CASES).scalar() == 3


def test_host_wide_opens_for_its_statement_and_maintenance_for_its_session(
    app: Flask, two_with_cases: int
) -> None:
    cases = sa.table("cases", sa.column("organisation_id"))
    with working_for(app, FIRST), app.app_context():
        everyone = db.session.execute(host_wide(sa.select(sa.func.count()).select_from(cases)))
        assert everyone.scalar() == 3
        assert db.session.execute(COUNT_CASES).scalar() == 1  # closed again at once
        with host_wide_session(db.session):
            assert db.session.execute(COUNT_CASES).scalar() == 3
        assert db.session.execute(COUNT_CASES).scalar() == 1
        db.session.rollback()


def test_a_row_for_another_organisation_cannot_be_written(app: Flask, two_with_cases: int) -> None:
    departments = Department.__table__
    with working_for(app, FIRST), app.app_context():
        insert = departments.insert().values(
            organisation_id=two_with_cases, name_th="กองแอบใส่", name_en="", active=True
        )
        with pytest.raises(sa.exc.ProgrammingError, match="row-level security"):
            db.session.connection().execute(insert)
        db.session.rollback()
        move = sa.text("UPDATE departments SET organisation_id = :other")
        with pytest.raises(sa.exc.ProgrammingError, match="row-level security"):
            db.session.execute(move, {"other": two_with_cases})
        db.session.rollback()


def _policies(connection: sa.Connection) -> set[tuple[str, bool, bool, str]]:
    rows = connection.execute(
        sa.text(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, p.polname"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " LEFT JOIN pg_policy p ON p.polrelid = c.oid"
            " WHERE n.nspname = current_schema() AND c.relkind = 'r'"
            " AND c.relname <> 'alembic_version'"
        )
    )
    return {(r[0], r[1], r[2], r[3] or "") for r in rows}


def test_migrations_and_create_all_put_every_owned_table_behind_the_policy(
    app: Flask, tmp_path: Path, postgres: Any
) -> None:
    if postgres is None:
        pytest.skip("postgresql tier only: SQLite has no row-level security")
    owned = {t.name for t in db.metadata.sorted_tables if "organisation_id" in t.c}
    host_level = {t.name for t in db.metadata.sorted_tables if "organisation_id" not in t.c}
    expected = {(name, True, True, POLICY) for name in owned} | {
        (name, False, False, "") for name in host_level
    }
    with app.app_context(), db.engine.connect() as connection:
        assert _policies(connection) == expected  # create_all
    migrated = create_app(
        {
            "INTAKE_ENV": "testing",
            "INTAKE_INSTANCE_PATH": str(tmp_path / "migrated"),
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": postgres.create_database(f"rls_{uuid.uuid4().hex[:8]}"),
        }
    )
    with migrated.app_context():
        upgrade()
        with db.engine.connect() as connection:
            assert _policies(connection) == expected
        db.engine.dispose()


def test_the_application_connects_as_a_role_bound_by_row_security(
    app: Flask, postgres: Any
) -> None:
    if postgres is None:
        pytest.skip("postgresql tier only: SQLite has no row-level security")
    with app.app_context():
        assert deploy_check.probe_database_role(db.engine) == (APPLICATION_ROLE, False)
    superuser = sa.create_engine(postgres.url("intake_test"))
    try:
        role, bypasses = deploy_check.probe_database_role(superuser) or ("", False)
    finally:
        superuser.dispose()
    finding = deploy_check.database_role(role, bypasses)
    assert finding.level == deploy_check.FAIL
    assert "NOSUPERUSER NOBYPASSRLS" in finding.fix


def test_intake_check_fails_when_the_role_escapes_row_security(
    make_app: Any, postgres: Any
) -> None:
    if postgres is None:
        pytest.skip("postgresql tier only: SQLite has no row-level security")
    app = make_app()
    as_superuser = make_app(SQLALCHEMY_DATABASE_URI=postgres.url("intake_test"))
    for instance, failing in ((app, False), (as_superuser, True)):
        with instance.app_context():
            lines = instance.test_cli_runner().invoke(args=["intake", "check"]).output
        role_lines = [line for line in lines.splitlines() if "database role" in line]
        assert role_lines, lines
        assert role_lines[0].startswith("FAIL") is failing, role_lines
