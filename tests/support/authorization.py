"""Everyone signed in, and what each role may open: the authorisation matrix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule

from intake.attachments import PreparedAttachment
from intake.extensions import db
from intake.models import (
    Case,
    CaseKind,
    Category,
    Department,
    ExtraHoliday,
    Role,
    User,
)
from intake.services import reveal as reveal_service
from intake.services.auth import change_password, reset_two_factor
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from intake.services.personal_keys import ensure_personal_key
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE
from tests.support.staff import PASSWORD, make_staff, sign_in

ANONYMOUS = "anonymous"


ROLES = [role.value for role in Role]


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
    # Permission.CASES_REFER_ON_HOST (with the kind's work permission)
    "staff.refer_on_host": {"intake", "legal"},
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
    "staff.host_referrals": {"custodian"},
    "staff.move_referral_identity": {"custodian"},
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
    "staff.admin_open311": {"admin"},
    "staff.admin_open311_revoke": {"admin"},
    "staff.admin_line": {"admin"},
    "staff.admin_line_disconnect": {"admin"},
}


LIGHTING = "ไฟฟ้าส่องสว่าง"  # a demo complaint category routed to a department


REVEAL_REASON = "ต้องสอบปากคำผู้แจ้งเพื่อยืนยันข้อเท็จจริงก่อนส่งเรื่องให้ ป.ป.ช. พิจารณา"


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
            "client_id": "999999",
            "referral_id": "00000000-0000-0000-0000-000000000000",
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
