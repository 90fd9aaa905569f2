"""Staff of one organisation find nothing of another: every staff route, every service
listing, the tracking page.

Organisation A (the test instance's first) has staff of every role and cases of its own;
organisation B is full of data of every kind, with names found nowhere in A. Every staff
GET route of the url_map is opened by A's staff of every role with B's ids in its path and
query string, every POST route is sent B's ids, and every listing service is called as A.
On PostgreSQL the walk runs again with the application's own scoping switched off: the
database's row-level security must hold by itself.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_plus, urlencode

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.extensions import db
from intake.models import Case, CaseKind, Role, User
from intake.organisation_scope import without_application_scoping
from intake.services import (
    audit_search,
    case_links,
    duplicates,
    exclusions,
    outbox,
    queue,
    reminders,
    reports,
    reveal_lists,
    stats,
)
from intake.services.keyring import current_keyring
from intake.services.report_narratives import saved_keys
from intake.services.report_periods import ReportKey
from tests.support.authorization import (
    ANONYMOUS,
    World,
    build_world,
    sign_in_everyone,
    staff_rules,
    username_for,
)
from tests.support.builders import complaint_form
from tests.support.filing import file_and_read_receipt
from tests.support.isolation import SLUG, SecondOrganisation, fill_second_organisation, leaves
from tests.support.isolation import rows_of as owned_rows
from tests.support.organisations import FIRST, working_for
from tests.support.staff import sign_in

A = "/o/main"
B = f"/o/{SLUG}"
# Path parameters that name a row: a page reached with another organisation's must not open.
ROW_PARAMETERS = {"case_id", "attachment_id", "request_id", "user_id", "department_id",
                  "category_id", "message_id"}  # fmt: skip
# Ends the walker's own session; walked last by nobody.
SESSION_ENDING = {"staff.logout"}
WALLS = ["both walls", "row-level security alone"]


@pytest.fixture(params=WALLS)
def walls(request: pytest.FixtureRequest, app: Flask) -> Any:
    """What the walk runs behind: both walls; on PostgreSQL also the database's alone
    (the application's criteria switched off for the walk, not for building the data)."""
    alone = request.param == WALLS[1]
    if alone and db_dialect(app) != "postgresql":
        pytest.skip("postgresql tier only: SQLite has no row-level security")
    return without_application_scoping if alone else nullcontext


def db_dialect(app: Flask) -> str:
    with app.app_context():
        return db.engine.dialect.name


def _two_organisations(app: Flask) -> tuple[World, SecondOrganisation]:
    with working_for(app, FIRST):
        first = build_world(app)
    second = fill_second_organisation(app)
    with working_for(app, FIRST), app.app_context():
        second.markers -= set(db.session.scalars(select(Case.reference)))  # numbered alike
    return first, second


def _signer(app: Flask, username: str) -> FlaskClient:
    with working_for(app, FIRST):  # the helper reads the account's two-factor secret
        return sign_in(app, username, prefix=A)


def _values(first: World, second: SecondOrganisation) -> dict[str, Any]:
    """A's sample values for what is not a row (actions, decisions), B's ids for rows."""
    return {**first.values, **second.values}


def _url(app: Flask, rule: Any, values: dict[str, Any]) -> str:
    missing = sorted(set(rule.arguments) - set(values))
    assert not missing, (
        f"{rule.endpoint} ({rule.rule}) takes {missing}: give the isolation walk a value of "
        "organisation B for it (tests/support/isolation.py)"
    )
    with app.test_request_context():
        return A + url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})


def _query(second: SecondOrganisation) -> str:
    ids = second.values
    return urlencode({
        "case_id": ids["case_id"], "case": ids["case_id"], "user_id": ids["user_id"],
        "department": ids["department_id"], "department_id": ids["department_id"],
        "category": ids["category_id"], "category_id": ids["category_id"],
        "request_id": ids["request_id"], "reference": sorted(second.markers)[0],
        "status": "all", "q": "บี", "actor": "beeonly-intake",
    })  # fmt: skip


def _leaks(body: str, second: SecondOrganisation, typed: str = "") -> list[str]:
    """B's words on the page, but for what the address itself asked for (a search field
    shows what was typed in it)."""
    return sorted(m for m in second.markers if m in body and m not in unquote_plus(typed))


def test_staff_of_every_role_open_nothing_of_another_organisation(app: Flask, walls: Any) -> None:
    first, second = _two_organisations(app)
    values = _values(first, second)
    clients = sign_in_everyone(app, _signer)
    found: list[str] = []
    walked = 0
    with walls():
        walked = _walk_gets(app, clients, values, second, found)
    assert walked > 100
    assert found == [], "\n".join(found)


def _walk_gets(
    app: Flask,
    clients: dict[str, FlaskClient],
    values: dict[str, Any],
    second: SecondOrganisation,
    found: list[str],
) -> int:
    walked = 0
    for endpoint, rule in sorted(staff_rules(app).items()):
        if "GET" not in (rule.methods or set()) or endpoint in SESSION_ENDING:
            continue
        url = _url(app, rule, values)
        for address in (url, f"{url}?{_query(second)}"):
            for role, client in clients.items():
                response = client.get(address)
                walked += 1
                body = response.get_data(as_text=True)
                if leaked := _leaks(body, second, address):
                    found.append(f"{role} {address}: {response.status_code} shows {leaked}")
                if response.status_code >= 500:
                    found.append(f"{role} {address}: {response.status_code}")
                if response.status_code == 200 and set(rule.arguments) & ROW_PARAMETERS:
                    found.append(f"{role} {address}: opened a row of B")
    return walked


def test_posts_with_another_organisations_ids_change_none_of_its_rows(
    app: Flask, walls: Any
) -> None:
    first, second = _two_organisations(app)
    values = _values(first, second)
    clients = sign_in_everyone(app, _signer)
    before = owned_rows(app, second.organisation_id)
    form = {
        **{name: str(value) for name, value in second.values.items()},
        "note": "x", "message": "x", "reason": "เหตุผลที่ยาวพอสำหรับการทดสอบการแยกองค์กร",
        "reference": sorted(second.markers)[0], "department": second.values["department_id"],
        "category": second.values["category_id"], "passphrase": "wrong", "password": "wrong",
        "decision": "approve", "name_th": "ชื่อใหม่", "role": "intake",
    }  # fmt: skip
    posted = 0
    with walls():
        for endpoint, rule in sorted(staff_rules(app).items()):
            if "POST" not in (rule.methods or set()) or endpoint in SESSION_ENDING:
                continue
            for role, client in clients.items():
                if role != ANONYMOUS:
                    answer = client.post(_url(app, rule, values), data=form)
                    assert answer.status_code < 500, (role, endpoint, answer.status_code)
                    posted += 1
    assert posted > 50
    after = owned_rows(app, second.organisation_id)
    changed = [table for table in before if before[table] != after[table]]
    assert changed == []


def test_a_tracking_code_is_not_found_at_the_other_organisation(app: Flask, walls: Any) -> None:
    _first, second = _two_organisations(app)
    client = app.test_client()
    _reference, first_code = file_and_read_receipt(client, f"{A}/complaints/new", complaint_form())
    with walls():
        _track_across(client, first_code, second)


def _track_across(client: FlaskClient, first_code: str, second: SecondOrganisation) -> None:
    for prefix, own, other in ((A, first_code, second.codes[0]), (B, second.codes[0], first_code)):
        assert client.post(f"{prefix}/track", data={"code": own}).status_code == 200
        client.post(f"{prefix}/track/leave")
        missing = client.post(f"{prefix}/track", data={"code": other})
        assert missing.status_code == 404
        assert not _leaks(missing.get_data(as_text=True), second)


def _listings(app: Flask, second: SecondOrganisation, now: datetime) -> dict[str, list[Any]]:
    """What every listing service gives A's staff, down to its plain values."""
    keyring = current_keyring()
    session = db.session
    users = {role: session.scalars(select(User).where(User.username == username_for(role))).one()
             for role in (r.value for r in Role)}  # fmt: skip
    own_complaint = session.scalars(select(Case).where(Case.kind == CaseKind.COMPLAINT)).first()
    own_tip = session.scalars(select(Case).where(Case.kind == CaseKind.TIP)).first()
    assert own_complaint is not None and own_tip is not None
    key = ReportKey(CaseKind.COMPLAINT, 2570, 0)
    found: dict[str, Any] = {}
    for role in ("intake", "legal", "department", "executive"):
        actor = users[role]
        for name, filters in (
            ("all", queue.QueueFilters(status="")),
            ("their ids", queue.QueueFilters(
                status="", department_id=second.values["department_id"],
                category_id=second.values["category_id"],
            )),
            ("their reference", queue.QueueFilters(status="", reference="รร")),
        ):  # fmt: skip
            found[f"queue {role} {name}"] = queue.search(
                session, actor, filters, 1, now=now, keyring=keyring
            )
        found[f"dashboard {role}"] = queue.dashboard_counts(session, actor, now, keyring)
        found[f"report {role}"] = reports.gather(session, key, now, actor)
        found[f"case list {role}"] = reports.case_list(session, key, now, actor)
        found[f"duplicates {role}"] = duplicates.possible_duplicates(
            session, keyring, actor, own_complaint
        )
    found["audit"] = audit_search.audit_log_page(session, keyring, audit_search.AuditFilters(), 1)
    found["audit of B's actor"] = audit_search.audit_log_page(
        session, keyring, audit_search.AuditFilters(actor="beeonly-intake"), 1
    )
    found["custodian"] = reveal_lists.custodian_lists(session, keyring, users[CUSTODIAN_ROLE], now)
    found["requester"] = reveal_lists.requester_lists(session, keyring, users["legal"], now)
    found["outbox"] = outbox.overview(session)
    found["stats"] = stats.compute(session, 2570, list(CaseKind), public=False)
    found["first year"] = stats.first_fiscal_year(session)
    found["years"] = reports.available_years(session, now)
    found["narratives"] = saved_keys(session)
    found["followers of B's case"] = case_links.followers(session, second.values["case_id"])
    found["duplicate candidates"] = duplicates.candidates(session, own_complaint)
    found["exclusion candidates"] = exclusions.candidates(session, own_tip)
    found["excluded"] = exclusions.excluded_people(session, own_tip)
    found["reminders"] = reminders.plan(session, now)
    plain = {name: leaves(result) for name, result in found.items()}
    session.rollback()
    return plain


CUSTODIAN_ROLE = Role.CUSTODIAN.value


def test_every_listing_service_called_as_one_organisation_returns_nothing_of_another(
    app: Flask, walls: Any
) -> None:
    _first, second = _two_organisations(app)
    now = datetime.now(UTC)
    with walls(), working_for(app, FIRST), app.app_context():
        found = _listings(app, second, now)
    own_ids = {f"organisation_id={second.organisation_id}", *second.case_ids}
    problems = []
    for name, values in found.items():
        texts = [v for v in values if isinstance(v, str)]
        leaked = {marker for marker in second.markers for text in texts if marker in text}
        leaked |= own_ids & set(texts)
        if leaked:
            problems.append(f"{name}: {sorted(leaked)}")
    assert problems == [], "\n".join(problems)
