"""The host's administrators at /host/: sign-in with password and code, organisations
with their health (counts only, never a case), opening one, suspending and resuming it,
first enrolment links; and the wall between host and organisation accounts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from intake.extensions import db
from intake.models import HostAdmin, HostAuditEntry, Organisation, Role
from intake.models.organisation import OrganisationStatus
from intake.organisation_scope import host_wide
from intake.services import host_admins
from intake.services.keyring import host_keyring
from tests.support.builders import complaint_form
from tests.support.cli import run_intake
from tests.support.filing import file_and_read_receipt
from tests.support.organisations import FIRST, add_organisation, working_for
from tests.support.staff import make_staff, sign_in

HOST_PASSWORD = "a host admin password"
SUBJECT = "ถนนหน้าวัดป่าเลไลย์ชำรุดเป็นหลุมลึก"


def _make_host_admin(app: Flask, username: str = "hostops") -> None:
    result = app.test_cli_runner().invoke(
        args=["intake", "host-admin", "create", username],
        env={"INTAKE_PASSWORD": HOST_PASSWORD},
    )
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "otpauth://totp/" in result.output


def _code(app: Flask, username: str = "hostops") -> str:
    with app.app_context():
        query = select(HostAdmin).where(HostAdmin.username == username)
        admin = db.session.scalars(host_wide(query)).one()
        return host_admins.current_code(host_keyring(), admin, datetime.now(UTC))


def _host_client(app: Flask) -> FlaskClient:
    _make_host_admin(app)
    client = app.test_client()
    response = client.post(
        "/host/login",
        data={"username": "hostops", "password": HOST_PASSWORD, "otp": _code(app)},
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    assert response.headers["Location"].endswith("/host/")
    return client


def _host_actions(app: Flask) -> list[str]:
    with app.app_context():
        query = select(HostAuditEntry.action).order_by(HostAuditEntry.id)
        return list(db.session.scalars(host_wide(query)))


def test_host_admin_signs_in_and_sees_every_organisation_by_counts_only(app: Flask) -> None:
    add_organisation(app, "second", "เทศบาลตำบลที่สอง")
    public = app.test_client()
    reference, _code_ = file_and_read_receipt(
        public, "/o/second/complaints/new", complaint_form(subject=SUBJECT)
    )
    client = _host_client(app)
    page = client.get("/host/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-slug="main"' in html and 'data-slug="second"' in html
    assert "เทศบาลตำบลที่สอง" in html
    # counts, never a case: no subject, no reference on any host page
    for path in ("/host/", "/host/organisations/new"):
        shown = client.get(path).get_data(as_text=True)
        assert SUBJECT not in shown and reference not in shown
    assert "host_admin.signed_in" in _host_actions(app)


def test_a_wrong_sign_in_says_so_beside_the_field_and_keeps_the_username(app: Flask) -> None:
    _make_host_admin(app)
    client = app.test_client()
    for data in (
        {"username": "hostops", "password": "wrong password!", "otp": _code(app)},
        {"username": "hostops", "password": HOST_PASSWORD, "otp": "000000x"},
        {"username": "nobody", "password": HOST_PASSWORD, "otp": "123456"},
        {"username": "", "password": "", "otp": ""},
    ):
        response = client.post("/host/login", data=data)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert 'class="error"' in html
        assert f'value="{data["username"]}"' in html or not data["username"]
    assert client.get("/host/").status_code == 303
    assert "host_admin.sign_in_failed" in _host_actions(app)


def test_opening_an_organisation_on_the_page(app: Flask) -> None:
    client = _host_client(app)
    wrong = {
        "slug": "staff",
        "name_th": "องค์การบริหารส่วนตำบลบ้านไผ่",
        "kind": "sao",
        "province": "ขอนแก่น",
        "district": "ไม่มีอำเภอนี้",
        "hostname": "not a host",
        "passphrase": "short",
        "passphrase_again": "different",
    }
    response = client.post("/host/organisations/new", data=wrong)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "สงวนไว้สำหรับระบบ" in html  # the slug
    assert 'id="district-error"' in html and 'id="hostname-error"' in html
    assert 'id="passphrase-error"' in html or 'id="passphrase_again-error"' in html
    assert 'value="องค์การบริหารส่วนตำบลบ้านไผ่"' in html  # what was typed is kept
    right = {
        **wrong,
        "slug": "ban-phai",
        "district": "บ้านไผ่",
        "hostname": "",
        "passphrase": "a long custodian passphrase",
        "passphrase_again": "a long custodian passphrase",
    }
    created = client.post("/host/organisations/new", data=right)
    assert created.status_code == 200
    links = created.get_data(as_text=True)
    assert links.count("/o/ban-phai/staff/enrol?token=") == 2
    assert "organisation.created" in _host_actions(app)
    # a first link again, while its person has not enrolled
    again = client.post("/host/organisations/ban-phai/links/admin")
    assert "/o/ban-phai/staff/enrol?token=" in again.get_data(as_text=True)


def test_suspend_and_resume_on_the_page(app: Flask) -> None:
    second = add_organisation(app, "second", "เทศบาลตำบลที่สอง")
    client = _host_client(app)
    response = client.post("/host/organisations/second/status", data={"status": "suspended"})
    assert response.status_code == 303
    with app.app_context():
        query = select(Organisation).where(Organisation.id == second)
        organisation = db.session.scalars(host_wide(query)).one()
        assert organisation.status is OrganisationStatus.SUSPENDED
    assert app.test_client().get("/o/second/").status_code == 503
    client.post("/host/organisations/second/status", data={"status": "active"})
    assert app.test_client().get("/o/second/").status_code == 200
    assert client.post("/host/organisations/second/status", data={"status": "x"}).status_code == 400
    assert client.post("/host/organisations/nowhere/status", data={}).status_code == 404
    assert _host_actions(app)[-2:] == ["organisation.suspended", "organisation.resumed"]


def test_a_host_admin_cannot_take_over_an_enrolled_account(app: Flask) -> None:
    add_organisation(app, "second", "เทศบาลตำบลที่สอง")
    client = _host_client(app)
    # the test organisation's custodian has a password already: no link from the host
    response = client.post("/host/organisations/second/links/custodian")
    assert response.status_code == 303
    assert "enrol?token=" not in client.get("/host/").get_data(as_text=True)
    # nor for an account that is not one of the first two
    assert client.post("/host/organisations/second/links/legal1").status_code == 303


def test_organisation_staff_and_host_admins_stay_on_their_own_side(app: Flask) -> None:
    add_organisation(app, "second", "เทศบาลตำบลที่สอง")
    with working_for(app, FIRST):
        make_staff(app, "orgadmin", Role.ADMIN)
        staff = sign_in(app, "orgadmin", prefix="/o/main")
    # an organisation's administrator is not a host administrator
    assert staff.get("/host/").status_code == 303
    assert staff.get("/host/").headers["Location"].endswith("/host/login")
    # the host pages do not exist under an organisation's address
    assert staff.get("/o/main/host/").status_code == 404
    host = _host_client(app)
    # a host administrator has no organisation session: case pages send to sign-in
    for path in ("/o/main/staff/cases", "/o/second/staff/", "/o/main/staff/audit"):
        response = host.get(path)
        assert response.status_code == 303, path
        assert "/staff/login" in response.headers["Location"]


def test_host_pages_answer_at_the_root_of_a_one_organisation_installation(app: Flask) -> None:
    client = _host_client(app)
    assert client.get("/host/").status_code == 200
    assert "main" in run_intake(app, "org", "list")


def test_a_signed_in_member_of_staff_can_open_the_hosts_pages(app: Flask) -> None:
    add_organisation(app, "second", "เทศบาลตำบลที่สอง")
    with working_for(app, FIRST):
        make_staff(app, "orgadmin", Role.ADMIN)
        staff = sign_in(app, "orgadmin", prefix="/o/main")
    # the same browser, on the host's own pages (the cookie is the installation's)
    assert staff.get("/").status_code == 200
    assert staff.get("/host/login").status_code == 200
    assert staff.get("/no-such-page").status_code in (302, 303, 404)
    # and still signed in at its organisation
    assert staff.get("/o/main/staff/admin/users").status_code == 200


def test_staff_sign_in_at_the_host_root_finds_the_organisation_not_the_person(
    app: Flask,
) -> None:
    add_organisation(app, "second", "เทศบาลตำบลที่สอง", province="ขอนแก่น", district="บ้านไผ่")
    client = app.test_client()
    page = client.get("/staff/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="username"' not in html and 'name="password"' not in html
    found = client.get("/staff/login", query_string={"q": "ที่สอง"}).get_data(as_text=True)
    assert 'href="/o/second/staff/login"' in found
    # posting a username at the root gets the same page: nothing is looked up
    posted = client.post("/staff/login", data={"username": "custodian", "password": "x"})
    assert posted.status_code == 200
    assert 'name="password"' not in posted.get_data(as_text=True)
    # each organisation's own sign-in is where it was
    assert 'name="password"' in client.get("/o/second/staff/login").get_data(as_text=True)


def test_host_admin_create_refuses_a_weak_password_and_a_taken_name(app: Flask) -> None:
    runner = app.test_cli_runner()
    weak = runner.invoke(
        args=["intake", "host-admin", "create", "ops"], env={"INTAKE_PASSWORD": "short"}
    )
    assert weak.exit_code == 1 and "at least 10 characters" in weak.output
    _make_host_admin(app, "ops")
    taken = runner.invoke(
        args=["intake", "host-admin", "create", "ops"], env={"INTAKE_PASSWORD": HOST_PASSWORD}
    )
    assert taken.exit_code == 1 and "exists already" in taken.output
    assert "1 entries, chain intact" in run_intake(app, "host-admin", "audit-verify")
    with app.app_context(), pytest.raises(DBAPIError, match="append-only"):
        # the host's log is append-only, like an organisation's
        db.session.connection().exec_driver_sql("UPDATE host_audit_log SET detail = 'x'")
