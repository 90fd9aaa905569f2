"""No page's number of SQL statements grows with the number of cases or of a case's events
(no N+1 queries): each page is requested over a small and a larger data set, and the
statements the engine really executes are counted."""

from __future__ import annotations

from flask import Flask

from intake.extensions import db
from intake.models import Role
from intake.services import case_actions
from intake.services.keyring import current_keyring
from intake.services.users import find_user
from tests.support.queries import NOW, file_many, statements_of
from tests.support.staff import staff_client

PAGES = ["/", "/stats", "/stats.json", "/stats.csv", "/guide", "/guide/tips"]
STAFF_PAGES = ["/staff/dashboard", "/staff/cases", "/staff/cases?sort=newest&status=open"]


def test_public_and_staff_pages_run_as_many_statements_for_40_cases_as_for_4(app: Flask) -> None:
    public = app.test_client()
    legal = staff_client(app, "legal1", Role.LEGAL)
    file_many(app, 4)
    few = {path: statements_of(app, public, path) for path in PAGES}
    few |= {path: statements_of(app, legal, path) for path in STAFF_PAGES}

    file_many(app, 36, start=4)
    many = {path: statements_of(app, public, path) for path in PAGES}
    many |= {path: statements_of(app, legal, path) for path in STAFF_PAGES}

    assert many == few


def test_a_case_page_runs_as_many_statements_with_20_events_as_with_2(app: Flask) -> None:
    legal = staff_client(app, "legal1", Role.LEGAL)
    # Two cases of one kind (every fourth is a tip): a tip's page also lists who is
    # excluded from it, so only pages of the same kind can be compared.
    filed = file_many(app, 5)
    quiet, busy = filed[0], filed[4]
    with app.app_context():
        officer = find_user(db.session, "legal1")
        assert officer is not None
        for case_id, notes in ((quiet, 1), (busy, 19)):
            for n in range(notes):
                case_actions.add_note(
                    db.session, current_keyring(), officer, case_id, note=f"บันทึก {n}", now=NOW
                )
    assert statements_of(app, legal, f"/staff/cases/{busy}") == statements_of(
        app, legal, f"/staff/cases/{quiet}"
    )
