"""The role matrix, walked: every staff route, for every role and for an anonymous visitor.

DESIGN.md promises "a role matrix says who may do what, and a test walks every route for
every role". EXPECTED below is that matrix written out by hand: a new route without a row,
or a change to ROLE_PERMISSIONS, fails here and names the route, so that a change of who
may do what is always a deliberate edit of this table.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from conftest import CUSTODIAN, CUSTODIAN_PASSPHRASE
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select
from staff_support import PASSWORD, make_staff, sign_in
from werkzeug.routing import Rule

from intake.attachments import PreparedAttachment
from intake.extensions import db
from intake.models import (
    Case,
    CaseKind,
    Category,
    Department,
    ExtraHoliday,
    Notification,
    Role,
    User,
)
from intake.permissions import OPEN_ATTRIBUTE, PERMISSION_ATTRIBUTE, ROLE_PERMISSIONS
from intake.services import ServiceError, case_actions, exclusions
from intake.services import reveal as reveal_service
from intake.services.auth import change_password, reset_two_factor
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from intake.services.personal_keys import ensure_personal_key
from intake.services.queue import dashboard_counts

ANONYMOUS = "anonymous"
ROLES = [role.value for role in Role]
COLUMNS = [*ROLES, ANONYMOUS]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

EVERYONE = {*ROLES, ANONYMOUS}
SIGNED_IN = set(ROLES)

# endpoint -> who gets past the guard ("anonymous" = not signed in).
EXPECTED: dict[str, set[str]] = {
    # sign-in pages: open to anyone
    "staff.login": EVERYONE,
    "staff.two_factor": EVERYONE,
    "staff.enrol": EVERYONE,
    "staff.enrolment": EVERYONE,
    # Permission.ACCOUNT
    "staff.home": SIGNED_IN,
    "staff.logout": SIGNED_IN,
    "staff.change_password": SIGNED_IN,
    "staff.calendar": SIGNED_IN,
    # Permission.DASHBOARD
    "staff.dashboard": {"intake", "legal", "department", "executive"},
    # Permission.COMPLAINTS_VIEW (tips are filtered by the services)
    "staff.cases": {"intake", "legal", "department"},
    "staff.case": {"intake", "legal", "department"},
    "staff.attachment": {"intake", "legal", "department"},
    # Permission.COMPLAINTS_WORK
    "staff.case_action": {"intake", "legal", "department"},
    "staff.decide_reopen_request": {"intake", "legal", "department"},
    "staff.link_case": {"intake", "legal", "department"},
    "staff.unlink_case": {"intake", "legal", "department"},
    # Permission.TIPS_WORK (legal leads only, checked by the service)
    "staff.exclude_from_case": {"legal"},
    # Permission.CASES_REGISTER
    "staff.register_case": {"intake", "legal"},
    "staff.registration_slip": {"intake", "legal"},
    # Permission.REVEAL_REQUEST
    "staff.request_reveal": {"legal"},
    "staff.my_reveals": {"legal"},
    "staff.view_identity": {"legal"},
    # Permission.REVEAL_DECIDE
    "staff.reveals": {"custodian"},
    "staff.decide_reveal": {"custodian"},
    "staff.revoke_reveal": {"custodian"},
    # Permission.AUDIT
    "staff.audit_log": {"auditor"},
    # Permission.REPORTS
    "staff.reports": {"legal", "executive"},
    "staff.report": {"legal", "executive"},
    "staff.report_download": {"legal", "executive"},
    # Permission.ADMIN
    "staff.admin_users": {"admin"},
    "staff.admin_user_new": {"admin"},
    "staff.admin_user_link": {"admin"},
    "staff.admin_user": {"admin"},
    "staff.admin_user_role": {"admin"},
    "staff.admin_user_disable": {"admin"},
    "staff.admin_user_enable": {"admin"},
    "staff.admin_user_enrolment": {"admin"},
    "staff.admin_settings": {"admin"},
    "staff.admin_departments": {"admin"},
    "staff.admin_department": {"admin"},
    "staff.admin_department_deactivate": {"admin"},
    "staff.admin_department_activate": {"admin"},
    "staff.admin_categories": {"admin"},
    "staff.admin_category": {"admin"},
    "staff.admin_category_deactivate": {"admin"},
    "staff.admin_category_activate": {"admin"},
    "staff.admin_holidays": {"admin"},
    "staff.admin_holiday_remove": {"admin"},
    "staff.admin_mail": {"admin"},
    "staff.admin_mail_retry": {"admin"},
}

LIGHTING = "ไฟฟ้าส่องสว่าง"  # a demo complaint category routed to a department
REVEAL_REASON = "ต้องสอบปากคำผู้แจ้งเพื่อยืนยันข้อเท็จจริงก่อนส่งเรื่องให้ ป.ป.ช. พิจารณา"
LOGOUT = "staff.logout"


def username_for(role: str) -> str:
    return CUSTODIAN if role == Role.CUSTODIAN.value else f"{role}1"


@dataclass
class World:
    """A complaint (with an attachment) in a department, a tip with a sealed identity, an
    approved reveal asked for by the legal officer, a spare user, department, category and
    holiday: one sample for every URL argument of the staff side."""

    complaint_id: str
    tip_id: str
    values: dict[str, Any]
    # Endpoints whose arguments need another sample than the default one.
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)


def _file(app: Flask, data: FilingInput) -> Case:
    filed = file_case(
        db.session,
        current_keyring(),
        Path(app.config["INTAKE_UPLOADS_PATH"]),
        data,
        datetime.now(UTC),
    )
    case = db.session.get(Case, filed.case_id)
    assert case is not None
    return case


def _prepare_custodian(app: Flask) -> None:
    """The test database's custodian holds the identity key but has no sign-in yet."""
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == CUSTODIAN)).one()
        change_password(db.session, user, "pw", PASSWORD, datetime.now(UTC), keep_token=None)
        reset_two_factor(db.session, current_keyring(), user, datetime.now(UTC))


def build_world(app: Flask) -> World:
    """Everything the walk needs, and one account per role (the custodian's is the test
    database's own); nobody is signed in yet."""
    now = datetime.now(UTC)
    with app.app_context():
        lighting = db.session.scalars(select(Category).where(Category.name_th == LIGHTING)).one()
        pdf = b"%PDF-1.4\n% matrix sample\n"
        complaint = _file(
            app,
            FilingInput(
                kind=CaseKind.COMPLAINT,
                subject="ไฟถนนดับ",
                details="ไฟถนนดับสามคืน",
                category_id=lighting.id,
                attachments=[PreparedAttachment("หลักฐาน.pdf", "application/pdf", pdf, False)],
            ),
        )
        assert complaint.department is not None
        department_id, department_name = complaint.department.id, complaint.department.name_th
        complaint_id, attachment_id = complaint.id, complaint.attachments[0].id
        tip = _file(
            app,
            FilingInput(
                kind=CaseKind.TIP,
                subject="เรียกรับเงิน",
                details="ขอเงินเพื่อออกใบอนุญาต",
                reporter={"name": "นายผู้แจ้ง กล้าหาญ"},
            ),
        )
        assert tip.identity_sealed is not None
        tip_id = tip.id
        spare_department = db.session.scalars(
            select(Department.id).where(Department.id != department_id).order_by(Department.id)
        ).first()
        category_id = db.session.scalars(select(Category.id).order_by(Category.id)).first()
        db.session.add(ExtraHoliday(day=date(2031, 1, 2), name="วันหยุดพิเศษทดสอบ"))
        db.session.commit()
    for role in Role:
        if role is not Role.CUSTODIAN:
            make_staff(app, username_for(role.value), role, department_name)
    spare_user = make_staff(app, "spare1", Role.INTAKE)
    _prepare_custodian(app)
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        # the key the legal officer's first sign-in makes
        ensure_personal_key(db.session, current_keyring(), users["legal1"], PASSWORD, now)
        asked = reveal_service.request_reveal(
            db.session, current_keyring(), users["legal1"], tip_id, REVEAL_REASON, now
        )
        request_id = asked.id
        reveal_service.approve_reveal(
            db.session, current_keyring(), users[CUSTODIAN], CUSTODIAN_PASSPHRASE, request_id, now
        )
    return World(
        complaint_id=complaint_id,
        tip_id=tip_id,
        values={
            "case_id": complaint_id,
            "attachment_id": attachment_id,
            "action": "note",
            "decision": "decline",
            "request_id": request_id,
            "user_id": spare_user,
            "department_id": spare_department,
            "category_id": category_id,
            "day": "2031-01-02",
            "message_id": "00000000-0000-0000-0000-000000000000",
        },
        overrides={"staff.request_reveal": {"case_id": tip_id}},
    )


def sign_in_everyone(
    app: Flask, signer: Callable[[Flask, str], FlaskClient] = sign_in
) -> dict[str, FlaskClient]:
    """One client per role (accounts made by build_world) plus an anonymous one."""
    clients = {role: signer(app, username_for(role)) for role in ROLES}
    clients[ANONYMOUS] = app.test_client()
    return clients


def staff_rules(app: Flask) -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("staff."):
            assert rule.endpoint not in rules, f"{rule.endpoint} has two URL rules"
            rules[rule.endpoint] = rule
    return rules


def sample_url(app: Flask, world: World, rule: Rule) -> str:
    values = {**world.values, **world.overrides.get(rule.endpoint, {})}
    missing = sorted(set(rule.arguments) - set(values))
    assert not missing, (
        f"{rule.endpoint} ({rule.rule}) takes {missing}: add a sample value for it to "
        "build_world in tests/test_authorization_matrix.py"
    )
    with app.test_request_context():
        return url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})


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
