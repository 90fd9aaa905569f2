"""Administration: accounts, reference data, settings and holidays, each change audited,
and never a case's contents on an administrator's page."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from intake.extensions import db
from intake.models import AuditEntry, Category, Department, ExtraHoliday, Role, User
from intake.services import audit
from intake.services.keyring import current_keyring
from tests.support.builders import complaint_form
from tests.support.enrol import enrol, link_on_page
from tests.support.filing import file_and_read_receipt
from tests.support.staff import PASSWORD, sign_in, staff_client

DEPARTMENT_MESSAGE = "เจ้าหน้าที่กองต้องสังกัดกอง โปรดเลือกกอง"


@pytest.fixture
def admin(app: Flask) -> FlaskClient:
    return staff_client(app, "admin1", Role.ADMIN)


def _user_id(app: Flask, username: str) -> int:
    with app.app_context():
        return db.session.scalars(select(User.id).where(User.username == username)).one()


def _actions(app: Flask, action: str) -> list[str]:
    """Details of the audit entries of one action, oldest first."""
    with app.app_context():
        query = select(AuditEntry.detail).where(AuditEntry.action == action)
        return list(db.session.scalars(query.order_by(AuditEntry.id)))


def _new_user_form(**changes: Any) -> dict[str, Any]:
    data = {
        "username": "somchai.j",
        "display_name": "สมชาย ใจดี",
        "role": "legal",
        "department": "",
    }
    data.update(changes)
    return data


def _settings_form(**changes: Any) -> dict[str, Any]:
    data = {
        "name_th": "องค์การบริหารส่วนตำบลหนองบัว",
        "name_en": "Nong Bua SAO",
        "unit_name_th": "ศูนย์รับเรื่องร้องเรียน",
        "unit_name_en": "Complaint Centre",
        "address": "99 หมู่ 1",
        "phone": "043-123456",
        "email": "saraban@nongbua.go.th",
        "office_hours": "จันทร์–ศุกร์ 08:30–16:30 น.",
        "office_hours_en": "Mon–Fri 08:30–16:30",
        "response_days": "15",
        "deadline_mode": "calendar",
        "max_attachments": "5",
        "max_attachment_mb": "10",
        "strip_image_metadata": "y",
        "reveal_days": "7",
        "tell_tipster_of_reveal": "y",
    }
    data.update(changes)
    return data


def _error_of(page: str, field_id: str) -> str:
    match = re.search(rf'id="{field_id}-error">([^<]*)<', page)
    return match.group(1) if match else ""


# --- accounts --------------------------------------------------------------------------


def test_an_admin_creates_a_user_who_then_enrols_and_signs_in(
    app: Flask, admin: FlaskClient
) -> None:
    # Given an administrator on the new-user form, which asks for no password
    form_page = admin.get("/staff/admin/users/new").get_data(as_text=True)
    assert 'type="password"' not in form_page
    # When they create a legal officer
    created = admin.post("/staff/admin/users/new", data=_new_user_form())
    # Then they are sent to a page that shows the one-time enrolment link, once
    assert created.status_code == 303
    user_id = _user_id(app, "somchai.j")
    assert created.headers["Location"].endswith(f"/staff/admin/users/{user_id}/link")
    first = admin.get(created.headers["Location"]).get_data(as_text=True)
    url = link_on_page(first)
    assert url.startswith("http://127.0.0.1:5000/staff/enrol?token=")
    # ...and never a password, a two-factor secret or its QR code
    for page in (created.get_data(as_text=True), first):
        assert "otpauth" not in page and "<svg" not in page and 'type="password"' not in page
    again = admin.get(created.headers["Location"]).get_data(as_text=True)
    assert "/staff/enrol?token=" not in again
    # And the list shows the account, never a secret
    listing = admin.get("/staff/admin/users").get_data(as_text=True)
    assert "somchai.j" in listing and "นิติกร" in listing and "otpauth" not in listing
    # And the creation and the link are audited
    assert _actions(app, "admin.user_created") == ["somchai.j role=legal"]
    assert _actions(app, "user.enrolment_issued") == [f"user:{user_id}"]
    # When the new user enrols through the link with a password of their own
    enrol(app, url)
    # Then they sign in with it and their authenticator
    person = sign_in(app, "somchai.j")
    assert person.get("/staff/account/password").status_code == 200


def test_a_department_officer_needs_a_department(app: Flask, admin: FlaskClient) -> None:
    # When a department officer is created without a department
    refused = admin.post(
        "/staff/admin/users/new", data=_new_user_form(username="dept.one", role="department")
    )
    # Then the form comes back with a Thai message beside the field and what was typed
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert _error_of(page, "department") == DEPARTMENT_MESSAGE
    assert 'aria-describedby="department-hint department-error"' in page
    assert 'value="dept.one"' in page
    with app.app_context():
        assert db.session.scalars(select(User).where(User.username == "dept.one")).first() is None
        department_id = db.session.scalars(select(Department.id).order_by(Department.id)).first()
    # And with a department the account is created
    accepted = admin.post(
        "/staff/admin/users/new",
        data=_new_user_form(username="dept.one", role="department", department=department_id),
    )
    assert accepted.status_code == 303
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == "dept.one")).one()
        assert user.department_id == department_id


def test_bad_account_input_is_refused_beside_its_field(app: Flask, admin: FlaskClient) -> None:
    cases = [
        (_new_user_form(username="Somchai J"), "username"),
        (_new_user_form(username="admin1"), "username"),  # taken
        (_new_user_form(display_name=""), "display_name"),
        (_new_user_form(role="overlord"), "role"),
        (_new_user_form(role="department", department="not-a-number"), "department"),
    ]
    for form, field_id in cases:
        response = admin.post("/staff/admin/users/new", data=form)
        assert response.status_code == 422, form
        assert _error_of(response.get_data(as_text=True), field_id), form
    assert _actions(app, "admin.user_created") == []


def test_disabling_signs_the_user_out_at_once(app: Flask, admin: FlaskClient) -> None:
    # Given an intake officer at work
    officer = staff_client(app, "noi", Role.INTAKE)
    assert officer.get("/staff/account/password").status_code == 200
    noi = _user_id(app, "noi")
    # When an administrator disables the account
    assert admin.post(f"/staff/admin/users/{noi}/disable").status_code == 303
    # Then the officer's next request goes to the sign-in page, and signing in fails
    bounced = officer.get("/staff/account/password")
    assert bounced.status_code == 303 and bounced.headers["Location"].endswith("/staff/login")
    again = app.test_client().post("/staff/login", data={"username": "noi", "password": PASSWORD})
    assert again.status_code == 422
    assert _actions(app, "admin.user_disabled") == [f"user:{noi}"]
    # And enabling lets them back in
    assert admin.post(f"/staff/admin/users/{noi}/enable").status_code == 303
    sign_in(app, "noi")
    assert _actions(app, "admin.user_enabled") == [f"user:{noi}"]


def test_an_admin_cannot_disable_or_demote_themselves(app: Flask, admin: FlaskClient) -> None:
    own = _user_id(app, "admin1")
    refused = admin.post(f"/staff/admin/users/{own}/disable", follow_redirects=True)
    assert "ไม่สามารถระงับหรือเปลี่ยนบทบาทของตนเองได้" in refused.get_data(as_text=True)
    admin.post(f"/staff/admin/users/{own}/role", data={"role": "intake", "department": ""})
    with app.app_context():
        user = db.session.get(User, own)
        assert user is not None and user.active and user.role is Role.ADMIN
    assert admin.get("/staff/admin/users").status_code == 200
    assert _actions(app, "admin.user_disabled") == _actions(app, "admin.user_changed") == []


def test_a_new_enrolment_link_ends_the_old_password_and_sessions(
    app: Flask, admin: FlaskClient
) -> None:
    # Given an enrolled officer, signed in
    officer = staff_client(app, "noi", Role.INTAKE)
    noi = _user_id(app, "noi")
    # When an administrator issues a new enrolment link in place of a reset
    issued = admin.post(f"/staff/admin/users/{noi}/enrolment")
    assert issued.status_code == 303
    url = link_on_page(admin.get(issued.headers["Location"]).get_data(as_text=True))
    # Then the officer is signed out at once, and the old password no longer works
    assert officer.get("/staff/account/password").status_code == 303
    old = app.test_client().post("/staff/login", data={"username": "noi", "password": PASSWORD})
    assert old.status_code == 422
    assert _actions(app, "user.enrolment_issued") == [f"user:{noi}"]
    # And a second link replaces the first, which stops working
    again = admin.post(f"/staff/admin/users/{noi}/enrolment")
    second = link_on_page(admin.get(again.headers["Location"]).get_data(as_text=True))
    assert _actions(app, "user.enrolment_issued") == [f"user:{noi}", f"user:{noi} replaced"]
    stale = app.test_client()
    stale.get(url[url.index("/staff/") :])
    assert stale.get("/staff/enrol").status_code == 410
    # While the new one lets the officer choose a password and enrol again
    enrol(app, second, password="a brand new password 7")
    assert (
        app.test_client()
        .post("/staff/login", data={"username": "noi", "password": "a brand new password 7"})
        .status_code
        == 303
    )


def test_an_admin_cannot_issue_their_own_link(app: Flask, admin: FlaskClient) -> None:
    own = _user_id(app, "admin1")
    refused = admin.post(f"/staff/admin/users/{own}/enrolment", follow_redirects=True)
    assert "ผู้ดูแลระบบออกลิงก์ลงทะเบียนให้ตนเองไม่ได้" in refused.get_data(as_text=True)
    assert _actions(app, "user.enrolment_issued") == []


def test_changing_a_role_is_audited_and_custodians_keep_their_key(
    app: Flask, admin: FlaskClient
) -> None:
    staff_client(app, "noi", Role.INTAKE)
    noi = _user_id(app, "noi")
    # When an intake officer becomes an executive
    changed = admin.post(f"/staff/admin/users/{noi}/role", data={"role": "executive"})
    assert changed.status_code == 303
    with app.app_context():
        assert db.session.get(User, noi).role is Role.EXECUTIVE  # type: ignore[union-attr]
    assert _actions(app, "admin.user_changed") == [f"user:{noi} role=executive lead=0"]
    # And the page says that the custodian role alone gives no identity key
    page = admin.get(f"/staff/admin/users/{noi}").get_data(as_text=True)
    assert "flask intake custodian-add" in page
    # But a custodian who holds the identity key cannot be turned into something else
    custodian = _user_id(app, "custodian")
    refused = admin.post(f"/staff/admin/users/{custodian}/role", data={"role": "legal"})
    assert refused.status_code == 422
    assert "custodian-remove" in _error_of(refused.get_data(as_text=True), "role")
    # Nor disabled while they are the only one who can open identities
    admin.post(f"/staff/admin/users/{custodian}/disable")
    with app.app_context():
        assert db.session.get(User, custodian).active  # type: ignore[union-attr]


# --- settings --------------------------------------------------------------------------


def test_settings_take_effect_on_the_public_guide(
    app: Flask, admin: FlaskClient, client: FlaskClient
) -> None:
    assert "ภายใน 15 วัน" in client.get("/guide").get_data(as_text=True)
    # When the response time is set to twenty days, typed in Thai digits
    saved = admin.post("/staff/admin/settings", data=_settings_form(response_days="๒๐"))
    assert saved.status_code == 303
    # Then the guide says twenty days and names the new organisation
    guide = client.get("/guide").get_data(as_text=True)
    assert "ภายใน 20 วัน" in guide and "องค์การบริหารส่วนตำบลหนองบัว" in guide
    # And the audit entry names what changed, not the values
    (detail,) = _actions(app, "admin.settings_changed")
    assert "response_days" in detail and "name_th" in detail and "หนองบัว" not in detail
    # And saving the same values again changes nothing and is not audited again
    admin.post("/staff/admin/settings", data=_settings_form(response_days="20"))
    assert len(_actions(app, "admin.settings_changed")) == 1


BAD_SETTINGS = [
    ("response_days", "๙๙"),
    ("response_days", "0"),
    ("response_days", "fifteen"),
    ("max_attachments", "11"),
    ("max_attachment_mb", "26"),
    ("reveal_days", "31"),
    ("complaint_identity_years", "0"),
    ("tip_contents_years", "๑๐๐"),
    ("email", "not an address"),
    ("name_th", ""),
    ("deadline_mode", "lunar"),
]


def test_bad_settings_keep_what_was_typed(
    app: Flask, admin: FlaskClient, client: FlaskClient
) -> None:
    for field, typed in BAD_SETTINGS:
        # When a settings value is wrong
        response = admin.post("/staff/admin/settings", data=_settings_form(**{field: typed}))
        # Then the page comes back with a message beside that field and the value as typed
        page = response.get_data(as_text=True)
        assert response.status_code == 422, field
        assert _error_of(page, field), field
        if typed and field != "deadline_mode":
            assert f'value="{typed}"' in page, field
    # And nothing was saved
    assert "ภายใน 15 วัน" in client.get("/guide").get_data(as_text=True)
    assert _actions(app, "admin.settings_changed") == []


# --- reference data --------------------------------------------------------------------


def _complaint_options(client: FlaskClient) -> list[str]:
    form = client.get("/complaints/new").get_data(as_text=True)
    return re.findall(r"<option[^>]*>([^<]+)</option>", form)


def test_departments_and_categories_are_managed_and_audited(
    app: Flask, admin: FlaskClient, client: FlaskClient
) -> None:
    # Given a new department
    assert (
        admin.post(
            "/staff/admin/departments",
            data={"name_th": "กองสวัสดิการสังคม", "name_en": "Social Welfare"},
        ).status_code
        == 303
    )
    with app.app_context():
        welfare = db.session.scalars(
            select(Department.id).where(Department.name_th == "กองสวัสดิการสังคม")
        ).one()
    # A duplicate name is refused beside the field
    duplicate = admin.post("/staff/admin/departments", data={"name_th": "กองสวัสดิการสังคม"})
    assert duplicate.status_code == 422
    assert _error_of(duplicate.get_data(as_text=True), "name_th") == "มีชื่อนี้อยู่แล้ว"
    # When a complaint category routed to it is added at position twenty (in Thai digits)
    added = admin.post(
        "/staff/admin/categories",
        data={
            "kind": "complaint",
            "name_th": "เบี้ยยังชีพผู้สูงอายุ",
            "name_en": "Elderly allowance",
            "department": welfare,
            "position": "๒๐",
        },
    )
    assert added.status_code == 303
    # Then the public complaint form offers it after the demo categories (positions 0-7)
    assert _complaint_options(client)[-1] == "เบี้ยยังชีพผู้สูงอายุ"
    # And the department cannot be deactivated while the category routes to it
    refused = admin.post(f"/staff/admin/departments/{welfare}/deactivate", follow_redirects=True)
    assert "โปรดเปลี่ยนกองของประเภทเรื่องเหล่านั้นก่อน" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Department, welfare).active  # type: ignore[union-attr]
        category = db.session.scalars(
            select(Category.id).where(Category.name_th == "เบี้ยยังชีพผู้สูงอายุ")
        ).one()
    # When it is renamed and moved to position 1, then deactivated
    edited = admin.post(
        f"/staff/admin/categories/{category}",
        data={"name_th": "เบี้ยยังชีพ", "name_en": "", "department": welfare, "position": "1"},
    )
    assert edited.status_code == 303
    options = _complaint_options(client)
    assert options.index("เบี้ยยังชีพ") == options.index("ไฟฟ้าส่องสว่าง") + 1
    assert admin.post(f"/staff/admin/categories/{category}/deactivate").status_code == 303
    # Then the public form no longer offers it, and the department can go
    assert "เบี้ยยังชีพ" not in client.get("/complaints/new").get_data(as_text=True)
    assert admin.post(f"/staff/admin/departments/{welfare}/deactivate").status_code == 303
    with app.app_context():
        assert not db.session.get(Department, welfare).active  # type: ignore[union-attr]
    assert _actions(app, "admin.reference_changed") == [
        f"department:{welfare} added",
        f"category:{category} added",
        f"category:{category} changed",
        f"category:{category} deactivated",
        f"department:{welfare} deactivated",
    ]


def test_bad_reference_input_never_fails_the_server(app: Flask, admin: FlaskClient) -> None:
    bad_posts = [
        ("/staff/admin/categories", {"kind": "rumour", "name_th": "x", "position": "1"}),
        ("/staff/admin/categories", {"kind": "tip", "name_th": "x", "position": "-3"}),
        (
            "/staff/admin/categories",
            {"kind": "tip", "name_th": "x", "position": "1", "department": "999"},
        ),
        ("/staff/admin/categories", {"kind": "tip", "name_th": "", "position": "1"}),
        ("/staff/admin/departments", {"name_th": "ก" * 201}),
        ("/staff/admin/departments/1", {"name_th": ""}),
        ("/staff/admin/holidays", {"day": "31/02/2569", "name": "ไม่มีวันนี้"}),
        ("/staff/admin/holidays", {"day": "", "name": ""}),
    ]
    for path, data in bad_posts:
        response = admin.post(path, data=data)
        assert response.status_code == 422, (path, data)
    typed = admin.post("/staff/admin/holidays", data={"day": "31/02/2569", "name": "ไม่มีวันนี้"})
    assert 'value="31/02/2569"' in typed.get_data(as_text=True)
    for path in (
        "/staff/admin/users/9999",
        "/staff/admin/departments/9999",
        "/staff/admin/categories/9999",
    ):
        assert admin.get(path).status_code == 404
    assert admin.post("/staff/admin/holidays/not-a-date/remove").status_code == 404
    assert admin.post("/staff/admin/users/9999/disable").status_code == 404
    assert _actions(app, "admin.reference_changed") == []


def test_a_holiday_typed_in_thai_is_stored_and_removed(app: Flask, admin: FlaskClient) -> None:
    # When an extra holiday is typed the Thai way
    added = admin.post("/staff/admin/holidays", data={"day": "๕ ธันวาคม ๒๕๖๙", "name": "วันหยุดพิเศษ"})
    assert added.status_code == 303
    # Then it is stored as its Gregorian date and listed in the Buddhist era
    with app.app_context():
        assert db.session.scalars(select(ExtraHoliday.day)).all() == [date(2026, 12, 5)]
    page = admin.get("/staff/admin/holidays").get_data(as_text=True)
    assert "5 ธันวาคม 2569" in page and "วันหยุดพิเศษ" in page
    # And the Thai public holidays are listed beside it (Chakri Day, 6 April)
    assert "6 เมษายน" in page
    # A second entry for the same day is refused
    twice = admin.post("/staff/admin/holidays", data={"day": "5/12/2026", "name": "ซ้ำ"})
    assert twice.status_code == 422
    assert _error_of(twice.get_data(as_text=True), "day") == "วันนี้อยู่ในรายการวันหยุดแล้ว"
    # When it is removed, it is gone
    assert admin.post("/staff/admin/holidays/2026-12-05/remove").status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ExtraHoliday)) == 0
    assert _actions(app, "admin.holiday_added") == ["2026-12-05"]
    assert _actions(app, "admin.holiday_removed") == ["2026-12-05"]


# --- what administrators never see -----------------------------------------------------


def _admin_pages(app: Flask) -> list[str]:
    """Every GET page of the administration, with real ids in the paths."""
    with app.app_context():
        ids = {
            "user_id": db.session.scalars(select(User.id)).first(),
            "department_id": db.session.scalars(select(Department.id)).first(),
            "category_id": db.session.scalars(select(Category.id)).first(),
        }
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("staff.admin") and "GET" in (rule.methods or ()):
            paths.append(re.sub(r"<(?:int:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule.rule))
    return paths


def test_an_admin_never_sees_a_case(app: Flask, admin: FlaskClient, client: FlaskClient) -> None:
    # Given a complaint whose subject is a marker
    marker = "เครื่องหมายทดสอบ-ADMIN-7Q"
    reference, _code = file_and_read_receipt(
        client, "/complaints/new", complaint_form(subject=marker)
    )
    # When an administrator opens every administration page
    pages = _admin_pages(app)
    assert len(pages) >= 8
    for path in pages:
        response = admin.get(path)
        # Then none shows the case's subject or even its reference
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert marker not in page and reference not in page, path
    # And the case and audit pages are closed to them
    assert admin.get("/staff/audit").status_code == 403
    with app.app_context():
        assert audit.verify(db.session, current_keyring()).ok
