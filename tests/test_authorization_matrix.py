"""The role matrix, walked: every staff route, for every role and for an anonymous visitor.

DESIGN.md promises "a role matrix says who may do what, and a test walks every route for
every role". EXPECTED below is that matrix written out by hand: a new route without a row,
or a change to ROLE_PERMISSIONS, fails here and names the route, so that a change of who
may do what is always a deliberate edit of this table.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule

from intake.extensions import db
from intake.models import (
    Case,
    CaseKind,
    Notification,
    Role,
    User,
)
from intake.permissions import OPEN_ATTRIBUTE, PERMISSION_ATTRIBUTE, ROLE_PERMISSIONS
from intake.services import ServiceError, case_actions, exclusions
from intake.services.filing import FilingInput
from intake.services.keyring import current_keyring
from intake.services.queue import dashboard_counts
from tests.support.authorization import (
    ANONYMOUS,
    EVERYONE,
    EXPECTED,
    ROLES,
    World,
    _file,
    _prepare_custodian,
    build_world,
    sample_url,
    sign_in_everyone,
    staff_rules,
    username_for,
)
from tests.support.custodian import CUSTODIAN
from tests.support.staff import make_staff, sign_in

COLUMNS = [*ROLES, ANONYMOUS]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


LOGOUT = "staff.logout"


def visit(client: FlaskClient, rule: Rule, url: str) -> Any:
    """GET when the route allows it (no side effects), else an empty POST."""
    return client.get(url) if "GET" in (rule.methods or ()) else client.post(url, data={})


def record_reached_views(app: Flask) -> list[str]:
    """Wrap every staff view so the test knows whether the guard let a request through.

    A redirect to the sign-in page is also what some views answer themselves (sign-out,
    the code page without a pending sign-in), so the status alone cannot tell."""
    reached: list[str] = []

    def recording(endpoint: str, view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)  # keeps the permission attributes the guard reads
        def recorded(*args: Any, **kwargs: Any) -> Any:
            reached.append(endpoint)
            return view(*args, **kwargs)

        return recorded

    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith("staff."):
            app.view_functions[endpoint] = recording(endpoint, view)
    return reached


def declared(view: Callable[..., Any]) -> str | None:
    """What a view declares to the guard: "open", a permission, or nothing."""
    if getattr(view, OPEN_ATTRIBUTE, False):
        return "open"
    permission = getattr(view, PERMISSION_ATTRIBUTE, None)
    return None if permission is None else str(permission)


def declared_roles(view: Callable[..., Any]) -> set[str]:
    if declared(view) == "open":
        return set(EVERYONE)
    permission = getattr(view, PERMISSION_ATTRIBUTE)
    return {role.value for role, granted in ROLE_PERMISSIONS.items() if permission in granted}


def render_markdown(
    matrix: Mapping[str, Iterable[str]], permissions: Mapping[str, str] | None = None
) -> str:
    """Endpoint rows × role columns, ✓ where the role gets past the guard."""
    permissions = permissions or {}
    lines = [
        "| endpoint | permission | " + " | ".join(COLUMNS) + " |",
        "|---|---|" + "---|" * len(COLUMNS),
    ]
    for endpoint in sorted(matrix):
        allowed = set(matrix[endpoint])
        marks = " | ".join("✓" if role in allowed else "–" for role in COLUMNS)
        lines.append(f"| `{endpoint}` | {permissions.get(endpoint, '')} | {marks} |")
    return "\n".join(lines) + "\n"


def permission_names(app: Flask) -> dict[str, str]:
    return {e: str(declared(app.view_functions[e])) for e in staff_rules(app)}


# ------------------------------------------------------------------------------- tests


def test_every_staff_route_declares_a_permission(app: Flask) -> None:
    # Given the application's staff routes
    rules = staff_rules(app)

    # Then each names a permission (or is a sign-in page), and each has a row in EXPECTED
    undeclared = [e for e in rules if declared(app.view_functions[e]) is None]
    assert not undeclared, f"staff routes without @requires(...): {undeclared}"
    without_row = sorted(set(rules) - set(EXPECTED))
    assert not without_row, f"add a row to EXPECTED for: {without_row}"
    stale = sorted(set(EXPECTED) - set(rules))
    assert not stale, f"EXPECTED names routes that do not exist: {stale}"


def test_expected_matrix_matches_the_declared_permissions(app: Flask) -> None:
    # Given what each route declares and the single role table
    declared = {endpoint: declared_roles(app.view_functions[endpoint]) for endpoint in EXPECTED}

    # Then the hand-written matrix says the same: a change to either is deliberate
    differences = {
        endpoint: {"declared": sorted(roles), "EXPECTED": sorted(EXPECTED[endpoint])}
        for endpoint, roles in declared.items()
        if roles != EXPECTED[endpoint]
    }
    assert not differences, differences


def test_a_route_without_a_permission_is_refused_to_everyone(make_app: Any) -> None:
    # Given a staff route that declares no permission (added before the first request)
    app = make_app()
    served: list[str] = []

    def undeclared() -> str:
        served.append("served")
        return "should never be served"

    app.add_url_rule("/staff/undeclared", "staff.undeclared", undeclared)
    for role in Role:
        if role is not Role.CUSTODIAN:
            make_staff(app, username_for(role.value), role)
    _prepare_custodian(app)
    clients = sign_in_everyone(app)

    # When every role, and an anonymous visitor, asks for it
    statuses = {who: client.get("/staff/undeclared").status_code for who, client in clients.items()}

    # Then nobody is served: the guard refuses before it even asks who is signed in
    assert statuses == dict.fromkeys(COLUMNS, 403)
    assert served == []
    # ...while each of them is signed in and may open a page that does declare one
    for role in ROLES:
        assert clients[role].get("/staff/calendar").status_code == 200, role


def _walk(
    app: Flask, world: World, clients: dict[str, FlaskClient], reached: list[str]
) -> tuple[dict[str, set[str]], list[str]]:
    """Every route for every role, sign-out last; returns who got through, and anything
    that looked wrong on the way (server errors, refusals not shaped like the guard's)."""
    rules = staff_rules(app)
    order = sorted(endpoint for endpoint in rules if endpoint != LOGOUT) + [LOGOUT]
    urls = {endpoint: sample_url(app, world, rules[endpoint]) for endpoint in order}
    allowed: dict[str, set[str]] = {endpoint: set() for endpoint in order}
    problems: list[str] = []
    for who, client in clients.items():
        for endpoint in order:
            reached.clear()
            response = visit(client, rules[endpoint], urls[endpoint])
            status = response.status_code
            location = response.headers.get("Location", "")
            if status >= 500:
                problems.append(f"{who} {endpoint} {urls[endpoint]}: server error {status}")
            if endpoint in reached:
                if status != 403:
                    allowed[endpoint].add(who)
            elif not (status == 403 or (status == 303 and location.endswith("/staff/login"))):
                problems.append(f"{who} {endpoint}: refused with {status} {location}")
    return allowed, problems


def test_role_matrix(make_app: Any) -> None:
    # Given one signed-in client per role, an anonymous one, and a sample for every URL
    app = make_app()
    reached = record_reached_views(app)
    world = build_world(app)
    clients = sign_in_everyone(app)

    # Then a tip is hidden (404, never 403) from the officers who may read complaints only
    tip_page = f"/staff/cases/{world.tip_id}"
    for role in ("intake", "department"):
        assert clients[role].get(tip_page).status_code == 404, role
        assert clients[role].post(f"{tip_page}/note", data={"note-note": "x"}).status_code == 404
    assert clients["legal"].get(tip_page).status_code == 200

    # When every role asks for every staff route
    observed, problems = _walk(app, world, clients, reached)

    # Then exactly the roles in EXPECTED get past the guard
    mismatches = [
        f"{endpoint}: expected {sorted(EXPECTED[endpoint])}, got {sorted(roles)}"
        for endpoint, roles in observed.items()
        if roles != EXPECTED.get(endpoint)
    ]
    matrix = render_markdown(observed, permission_names(app))
    assert not mismatches and not problems, "\n".join(
        [*mismatches, *problems, "", "observed matrix:", matrix]
    )


def test_the_matrix_is_written_for_people(app: Flask) -> None:
    # When the expected matrix is rendered for the closing note
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "role-matrix.md"
    path.write_text(render_markdown(EXPECTED, permission_names(app)), encoding="utf-8")

    # Then it is there, one row per staff route
    assert path.read_text(encoding="utf-8").count("| `staff.") == len(staff_rules(app))


def test_department_officers_are_never_told_of_a_tip(app: Flask) -> None:
    # Given a tip in screening, and an officer of the department it could be sent to
    make_staff(app, "legal1", Role.LEGAL)
    make_staff(app, "department1", Role.DEPARTMENT)
    now = datetime.now(UTC)
    with app.app_context():
        tip = _file(app, FilingInput(kind=CaseKind.TIP, subject="เรียกรับเงิน", details="ขอเงิน"))
        legal = db.session.scalars(select(User).where(User.username == "legal1")).one()
        officer = db.session.scalars(select(User).where(User.username == "department1")).one()
        case_actions.accept(db.session, current_keyring(), legal, tip.id, note="", now=now)

        # When the legal officer uses the "send to a department" step the tip's page offers
        try:
            case_actions.assign(
                db.session,
                current_keyring(),
                legal,
                tip.id,
                department_id=officer.department_id,
                now=now,
            )
        except ServiceError:
            pass  # refusing to route a tip to a department is a fix too

        # Then nobody outside the legal unit hears of the tip
        told = db.session.scalars(
            select(Notification.user_id).where(Notification.case_id == tip.id)
        ).all()
        assert officer.id not in told


def test_an_excluded_officer_finds_no_trace_of_the_tip_on_any_route(make_app: Any) -> None:
    # Given the world's tip, handled by a legal lead, from which the legal officer who
    # holds a running reveal of it and the custodian are excluded (a conflict of interest)
    app = make_app()
    reached = record_reached_views(app)
    world = build_world(app)
    make_staff(app, "lead1", Role.LEGAL)
    now = datetime.now(UTC)
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        users["lead1"].is_lead = True
        db.session.commit()
        for excluded in ("legal1", CUSTODIAN):
            exclusions.exclude(
                db.session, current_keyring(), users["lead1"], world.tip_id, users[excluded].id, now
            )
        tip = db.session.get(Case, world.tip_id)
        assert tip is not None
        reference = tip.reference
        # ...whose dashboard counts leave the tip out as well
        counts = dashboard_counts(db.session, users["legal1"], now)
        assert counts.by_kind[CaseKind.TIP] == 0
    excluded_clients = {who: sign_in(app, username_for(who)) for who in ("legal", "custodian")}
    lead = sign_in(app, "lead1")
    assert lead.get(f"/staff/cases/{world.tip_id}").status_code == 200

    # When each of them asks for every staff route, with the tip (and its reveal) as sample
    rules = staff_rules(app)
    tip_values = {**world.values, "case_id": world.tip_id}
    order = sorted(endpoint for endpoint in rules if endpoint != LOGOUT)
    problems: list[str] = []
    for who, client in excluded_clients.items():
        for endpoint in order:
            rule = rules[endpoint]
            with app.test_request_context():
                url = url_for(endpoint, **{name: tip_values[name] for name in rule.arguments})
            reached.clear()
            response = visit(client, rule, url)
            body = response.get_data(as_text=True)
            # Then nothing answered names the tip, and every page of it is "not found"
            if response.status_code >= 500:
                problems.append(f"{who} {endpoint}: server error {response.status_code}")
            # (a refusal may echo its own address, which holds the tip's id)
            echoed = response.status_code in (403, 404) and world.tip_id in url
            if reference in body or (world.tip_id in body and not echoed):
                problems.append(f"{who} {endpoint}: shows the tip")
            about_the_tip = {"case_id", "request_id"} & set(rule.arguments)
            if about_the_tip and endpoint in reached and response.status_code != 404:
                problems.append(f"{who} {endpoint}: answered {response.status_code}, not 404")
        for listing in ("/staff/cases?kind=tip", f"/staff/cases?reference={reference}"):
            page = client.get(listing).get_data(as_text=True)
            # (the search form keeps what was typed: the reference is in its field)
            if f">{reference}</a>" in page or world.tip_id in page:
                problems.append(f"{who} {listing}: lists the tip")
    assert not problems, "\n".join(problems)
