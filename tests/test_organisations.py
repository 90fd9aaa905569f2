"""Two organisations on one installation: each at its own address, each seeing only its own."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from intake.extensions import db
from intake.models import AuditEntry, Case, Department, User
from intake.organisation_scope import host_wide
from intake.services import audit
from intake.services.keyring import current_keyring
from intake.services.organisations import current_base_url
from tests.support.builders import complaint_form, tip_form
from tests.support.filing import file_and_read_receipt
from tests.support.organisations import FIRST, add_organisation, working_for

SECOND = "second"


def test_each_organisation_files_and_tracks_at_its_own_address(app: Flask) -> None:
    second = add_organisation(app, SECOND, "เทศบาลตำบลที่สอง")
    client = app.test_client()
    first_reference, first_code = file_and_read_receipt(
        client, "/o/main/complaints/new", complaint_form()
    )
    second_reference, second_code = file_and_read_receipt(
        client, f"/o/{SECOND}/complaints/new", complaint_form()
    )
    # numbering is per organisation: both are the first complaint of their year
    assert first_reference == second_reference
    for prefix, code, other in (
        ("/o/main", first_code, second_code),
        (f"/o/{SECOND}", second_code, first_code),
    ):
        assert client.post(f"{prefix}/track", data={"code": code}).status_code == 200
        # a code of the other organisation is not found here
        assert client.post(f"{prefix}/track", data={"code": other}).status_code == 404
    with app.app_context():
        owners = db.session.execute(host_wide(select(Case.organisation_id))).scalars().all()
        assert sorted(owners) == [FIRST, second]
    # each organisation's audit chain verifies on its own
    for organisation in (FIRST, second):
        with working_for(app, organisation), app.app_context():
            assert audit.verify(db.session, current_keyring()).ok


def test_a_query_sees_only_the_organisation_it_works_for(app: Flask) -> None:
    second = add_organisation(app, SECOND, "เทศบาลตำบลที่สอง")
    client = app.test_client()
    file_and_read_receipt(client, f"/o/{SECOND}/tips/new", tip_form())
    with working_for(app, FIRST), app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case)) == 0
        first_departments = set(db.session.scalars(select(Department.id)))
        first_entries = db.session.scalar(select(func.count()).select_from(AuditEntry))
    with working_for(app, second), app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case)) == 1
        assert not first_departments & set(db.session.scalars(select(Department.id)))
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) != first_entries
        # one custodian per organisation, by the same user name
        assert len(db.session.scalars(select(User)).all()) == 1


def test_one_organisation_keeps_its_root_paths_and_a_host_root_is_a_directory(
    app: Flask, client: FlaskClient
) -> None:
    assert "แจ้งเรื่องถึง" in client.get("/").get_data(as_text=True)
    reference, code = file_and_read_receipt(client, "/complaints/new", complaint_form())
    assert client.post("/track", data={"code": code}).status_code == 200
    add_organisation(app, SECOND, "เทศบาลตำบลที่สอง", province="ขอนแก่น", district="เมืองขอนแก่น")
    front = client.get("/")
    assert front.status_code == 200
    html = front.get_data(as_text=True)
    assert 'role="search"' in html and "ขอนแก่น" in html
    found = client.get("/", query_string={"q": "ที่สอง"}).get_data(as_text=True)
    assert f'href="/o/{SECOND}/"' in found
    # an organisation's path at the host's root goes to the directory
    assert client.get("/complaints/new").headers["Location"].endswith("/")
    # the first organisation's code still works at its own address
    assert client.post("/o/main/track", data={"code": code}).status_code == 200
    assert client.get("/o/nobody/").status_code == 404


def test_the_language_switch_returns_to_the_same_organisations_page(app: Flask) -> None:
    add_organisation(app, SECOND, "เทศบาลตำบลที่สอง")
    client = app.test_client()
    for path in ("/track", "/staff/login"):
        page = client.get(f"/o/{SECOND}{path}").get_data(as_text=True)
        assert f"/o/{SECOND}/lang/" in page and f"?next={path}" in page.replace("%2F", "/")
        back = client.get(f"/o/{SECOND}/lang/en", query_string={"next": path})
        assert back.headers["Location"] == f"/o/{SECOND}{path}"


def test_links_given_out_lead_to_the_organisations_own_pages(app: Flask) -> None:
    from intake.public.guide import public_url

    second = add_organisation(app, SECOND, "เทศบาลตำบลที่สอง")
    base = app.config["INTAKE_BASE_URL"]
    # the guideline's PDF, the receipt slip and the registration slip print this address
    with working_for(app, second), app.test_request_context():
        assert public_url("public.track") == f"{base}/o/{SECOND}/track"
    with working_for(app, FIRST), app.app_context():
        assert current_base_url(db.session, base) == f"{base}/o/main"


def test_the_directory_browses_province_then_district(app: Flask, client: FlaskClient) -> None:
    add_organisation(app, SECOND, "เทศบาลตำบลท่าพระ", province="ขอนแก่น", district="เมืองขอนแก่น")
    add_organisation(app, "third", "องค์การบริหารส่วนตำบลบ้านไผ่", province="ขอนแก่น", district="บ้านไผ่")
    province = client.get("/", query_string={"province": "ขอนแก่น"}).get_data(as_text=True)
    assert "district=%E0%B8%9A" in province  # a link to each district (บ้านไผ่)
    assert f'href="/o/{SECOND}/"' in province and 'href="/o/third/"' in province
    district = client.get("/", query_string={"province": "ขอนแก่น", "district": "บ้านไผ่"})
    html = district.get_data(as_text=True)
    assert 'href="/o/third/"' in html and f'href="/o/{SECOND}/"' not in html
    assert 'aria-current="page">บ้านไผ่' in html
