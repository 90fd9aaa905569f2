"""Every form that changes something refuses a post without its CSRF token, in Thai, and
changes nothing: each staff POST route, the sign-in pages and the public forms.

The rest of the suite runs with CSRF off for brevity; here it is on, as in production, so
signing in goes through the pages' tokens like a browser would.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import func, select

from intake.extensions import db
from intake.models import (
    AuditEntry,
    Case,
    CaseEvent,
    Category,
    Department,
    ExtraHoliday,
    Organisation,
    RevealRequest,
    User,
)
from tests.support.authorization import (
    ANONYMOUS,
    EXPECTED,
    REVEAL_REASON,
    World,
    build_world,
    sample_url,
    sign_in_everyone,
    staff_rules,
)
from tests.support.builders import complaint_form, tip_form
from tests.support.staff import PASSWORD, sign_in_with_tokens, token_of

CSRF_MESSAGE = "แบบฟอร์มหมดอายุ"
NEW_PASSWORD = "another staff password 2"
# Who posts to each route: the first of these that the matrix lets through.
POSTERS = ("admin", "custodian", "legal", "intake", "department", "auditor", "executive")

# What a person would plausibly send to each staff POST route (all but the token).
PLAUSIBLE: dict[str, dict[str, str]] = {
    "staff.report": {"problems": "เจ้าหน้าที่รับเรื่องไม่พอ"},
    "staff.login": {"username": "legal1", "password": PASSWORD},
    "staff.two_factor": {"otp": "123456"},
    "staff.enrol": {"otp": "123456"},
    "staff.enrolment": {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "otp": "123456"},
    "staff.logout": {},
    "staff.change_password": {"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    "staff.case_action": {"note-note": "โทรแจ้งผู้ร้องเรียนแล้ว"},  # fields carry the action prefix
    "staff.register_case": {
        "kind": "complaint",
        "channel": "walk_in",
        "subject": "ท่อระบายน้ำอุดตัน",
        "details": "น้ำท่วมขังหน้าบ้านทุกครั้งที่ฝนตก",
        "reporter_name": "สมหญิง ใจงาม",
    },
    "staff.request_reveal": {"reason": REVEAL_REASON},
    "staff.refer_on_host": {"organisation": "1", "reason": "เป็นถนนของ อบจ."},
    "staff.move_referral_identity": {"passphrase": "a custodian passphrase"},
    "staff.decide_reveal": {"decision": "refuse", "refusal_reason": REVEAL_REASON},
    "staff.revoke_reveal": {},
    "staff.view_identity": {"password": PASSWORD},
    "staff.admin_user_new": {
        "username": "newofficer",
        "display_name": "เจ้าหน้าที่ใหม่",
        "role": "intake",
    },
    "staff.admin_user_role": {"role": "auditor"},
    "staff.admin_user_disable": {},
    "staff.admin_user_enable": {},
    "staff.admin_user_enrolment": {},
    "staff.admin_settings": {"name_th": "องค์การบริหารส่วนตำบลทดสอบ", "response_days": "15"},
    "staff.admin_departments": {"name_th": "กองใหม่", "name_en": "New division"},
    "staff.admin_department": {"name_th": "กองเปลี่ยนชื่อ", "name_en": "Renamed"},
    "staff.admin_department_deactivate": {},
    "staff.admin_department_activate": {},
    "staff.admin_categories": {"kind": "complaint", "name_th": "หมวดใหม่", "position": "1"},
    "staff.admin_category": {"name_th": "หมวดเปลี่ยนชื่อ", "position": "2"},
    "staff.admin_category_deactivate": {},
    "staff.admin_category_activate": {},
    "staff.admin_holidays": {"day": "2031-01-05", "name": "วันหยุดเพิ่มเติม"},
    "staff.admin_holiday_remove": {},
    "staff.admin_mail_retry": {},
    "staff.admin_open311": {"name": "แอปเมืองใหม่"},
    "staff.admin_open311_revoke": {},
    "staff.admin_line": {"channel_secret": "0123456789abcdef", "access_token": "token"},
    "staff.admin_line_disconnect": {},
    "staff.decide_reopen_request": {"message": "ตรวจแล้วยังไม่ได้แก้ไข จะส่งช่างไปใหม่"},
    "staff.link_case": {"reference": "รร-2569-00001"},
    "staff.unlink_case": {},
    "staff.exclude_from_case": {"user": "1"},
}


def snapshot(app: Flask) -> dict[str, Any]:
    """What a form could change: audit, cases and their events, accounts, reveals and the
    organisation's reference data."""
    with app.app_context():
        session = db.session

        def rows(*columns: Any) -> list[tuple[Any, ...]]:
            return [tuple(row) for row in session.execute(select(*columns).order_by(columns[0]))]

        return {
            "audit": session.scalar(select(func.count(AuditEntry.id))),
            "cases": rows(Case.id, Case.status),
            "events": session.scalar(select(func.count(CaseEvent.id))),
            "users": rows(
                User.id,
                User.role,
                User.active,
                User.session_version,
                User.password_hash,
                User.totp_secret_enc,
                User.enrolment_digest,
            ),
            "reveals": rows(RevealRequest.id, RevealRequest.status),
            "departments": rows(Department.id, Department.name_th, Department.active),
            "categories": rows(Category.id, Category.name_th, Category.active),
            "holidays": rows(ExtraHoliday.day),
            "organisation": rows(Organisation.id, Organisation.name_th, Organisation.response_days),
        }


def poster(endpoint: str) -> str:
    allowed = EXPECTED[endpoint]
    if ANONYMOUS in allowed:
        return ANONYMOUS
    return next(role for role in POSTERS if role in allowed)


def _post_routes(app: Flask) -> list[str]:
    return sorted(e for e, rule in staff_rules(app).items() if "POST" in (rule.methods or ()))


def test_every_staff_post_without_a_token_is_refused_and_changes_nothing(make_app: Any) -> None:
    # Given CSRF protection on, and a signed-in client for each role that posts somewhere
    app = make_app(WTF_CSRF_ENABLED=True)
    world: World = build_world(app)
    clients = sign_in_everyone(app, sign_in_with_tokens)
    rules = staff_rules(app)
    routes = _post_routes(app)
    missing = [endpoint for endpoint in routes if endpoint not in PLAUSIBLE]
    assert not missing, f"add plausible form data to PLAUSIBLE for: {missing}"

    # When each route gets a plausible post from a role allowed to use it, but no token
    refused: list[str] = []
    for endpoint in routes:
        before = snapshot(app)
        response = clients[poster(endpoint)].post(
            sample_url(app, world, rules[endpoint]), data=PLAUSIBLE[endpoint]
        )
        page = response.get_data(as_text=True)
        changed = [name for name, value in snapshot(app).items() if before[name] != value]

        # Then it is a 400 that says, in Thai, that the form expired; and nothing changed
        if response.status_code != 400 or CSRF_MESSAGE not in page or changed:
            refused.append(f"{endpoint}: {response.status_code}, changed {changed}")
    assert not refused, "\n".join(refused)

    # ...and nobody was signed out by the refused sign-out
    for role in ("admin", "custodian", "legal"):
        home = clients[role].get("/staff/")
        assert not home.headers.get("Location", "").endswith("/staff/login"), role


def test_the_same_post_with_its_token_goes_through(make_app: Any) -> None:
    """The control for the test above: a token from the page makes the post work."""
    # Given a legal officer on the case page, with CSRF on
    app = make_app(WTF_CSRF_ENABLED=True)
    world = build_world(app)
    legal = sign_in_with_tokens(app, "legal1")
    token = token_of(legal, f"/staff/cases/{world.complaint_id}")
    before = snapshot(app)

    # When they post an internal note with the page's token
    response = legal.post(
        f"/staff/cases/{world.complaint_id}/note",
        data={**PLAUSIBLE["staff.case_action"], "csrf_token": token},
    )

    # Then it is recorded (so the snapshot above would have seen a change)
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    after = snapshot(app)
    assert after["audit"] > before["audit"] and after["events"] == before["events"] + 1


def test_public_forms_without_a_token_are_refused_and_file_nothing(make_app: Any) -> None:
    # Given CSRF protection on and a citizen's browser that lost the token
    app = make_app(WTF_CSRF_ENABLED=True)
    citizen = app.test_client()
    before = snapshot(app)

    # When they post each public form without it
    posts = {
        "/complaints/new": complaint_form(),
        "/tips/new": tip_form(),
        "/track": {"code": "1234 5678 9012 3456 7890 1234 5678"},
    }
    responses = {path: citizen.post(path, data=form) for path, form in posts.items()}

    # Then each is refused in Thai, and no case or audit entry appeared
    for path, response in responses.items():
        assert response.status_code == 400, path
        assert CSRF_MESSAGE in response.get_data(as_text=True), path
    assert snapshot(app) == before
