"""Open311 GeoReport v2 (issue 21): another system files general complaints through the
running application, over real HTTP, and an independent client library reads them.

A tip never enters this way: only general complaint categories are services, filing
refuses a tip on this channel, and nothing of a refused request is kept."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree

import pytest
import requests
from flask import Flask
from georeport import GeoReport
from sqlalchemy import func, select

from intake import crypto
from intake.extensions import db
from intake.models import AuditEntry, Case, CaseKind, Category, Channel, Open311Client, Role, User
from intake.problems import Problem
from intake.services import ServiceError
from intake.services import open311 as service
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from intake.services.settings import categories_for
from tests.support.browser import serve
from tests.support.staff import make_staff

# The running application answers from threads of its own: their commits must stay.
pytestmark = pytest.mark.commits

ROOT = "/open311/v2"


def _client_key(app: Flask, name: str = "แอปเมืองสะอาด") -> tuple[int, str]:
    with app.app_context():
        admin_id = make_staff(app, f"admin-{name.encode().hex()[:8]}", Role.ADMIN)
        client, key = service.issue_key(
            db.session, current_keyring(), db.session.get(User, admin_id), name, datetime.now(UTC)
        )
        return client.id, key


def _categories(app: Flask, kind: CaseKind) -> list[int]:
    with app.app_context():
        return [category.id for category in categories_for(db.session, kind)]


def _request(**changes: Any) -> dict[str, Any]:
    fields = {
        "service_code": "",
        "description": "ไฟถนนดับทั้งซอย ตั้งแต่สามวันก่อน",
        "address_string": "ซอยวัดใหม่ หมู่ 4",
        "lat": "13.756331",
        "long": "100.501765",
        "first_name": "สมศรี",
        "last_name": "ใจดี",
        "phone": "0812345678",
        "email": "somsri@example.org",
    }
    fields.update(changes)
    return fields


def _xml(body: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(body)  # noqa: S314 (the application's own answer)


def _cases(app: Flask) -> list[Case]:
    with app.app_context():
        return list(db.session.scalars(select(Case)))


def test_a_client_files_a_complaint_and_reads_its_status(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client_id, key = _client_key(app)
    complaint_category = _categories(app, CaseKind.COMPLAINT)[0]
    with serve(app) as server:
        root = server.at(ROOT)
        # Discovery names this endpoint and both formats
        discovery = requests.get(f"{root}/discovery.json", timeout=10).json()
        endpoint = discovery["endpoints"][0]
        assert endpoint["url"].endswith(ROOT)
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert set(endpoint["formats"]) == {"application/json", "text/xml"}

        # When another system files a request with its key (form-encoded, as specified)
        answer = requests.post(
            f"{root}/requests.json",
            data=_request(api_key=key, service_code=str(complaint_category)),
            timeout=10,
        )
        # Then it gets a request id, and a notice with the reference and due date
        assert answer.status_code == 201, answer.text
        assert answer.headers["Content-Type"].startswith("application/json")
        [filed] = answer.json()
        request_id = filed["service_request_id"]
        assert len(request_id) >= 32
        assert filed["account_id"] is None
        [case] = _cases(app)
        assert case.reference in filed["service_notice"]

        # And an independent Open311 client reads its status, in JSON and in XML
        for output_format in ("json", "xml"):
            reader = GeoReport(root, output_format=output_format)
            status = reader.get_service_request(request_id)
            assert status["service_request_id"] == request_id
            assert status["status"] == "open"
            assert status["service_code"] == str(complaint_category)
            assert status["requested_datetime"].startswith(str(case.received_at.year))
            # Nothing the person wrote travels back out
            assert "ไฟถนน" not in json.dumps(status, ensure_ascii=False)
            services = reader.get_service_list()
            assert str(complaint_category) in {s["service_code"] for s in services}
            definition = reader.get_service_definition(str(complaint_category))
            assert definition["service_code"] == str(complaint_category)

    # The case is an ordinary general complaint of this channel and client
    assert case.kind is CaseKind.COMPLAINT
    assert case.channel is Channel.OPEN311
    assert case.open311_client_id == client_id
    assert case.category_id == complaint_category
    # The request id is kept as a digest only, and is not the tracking code
    assert case.open311_request_digest == service.digest(request_id)
    assert case.tracking_digest != case.open311_request_digest
    with app.app_context():
        keyring = current_keyring()
        details = crypto.decrypt_text(
            keyring, case.details_enc, table="cases", column="details", row_id=case.id
        )
        location = crypto.decrypt_text(
            keyring, case.location_enc or b"", table="cases", column="location", row_id=case.id
        )
        contact = json.loads(
            crypto.decrypt_text(
                keyring, case.contact_enc or b"", table="cases", column="contact", row_id=case.id
            )
        )
        filed_entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "case.filed")
        ).one()
    assert details == "ไฟถนนดับทั้งซอย ตั้งแต่สามวันก่อน"
    assert location == "ซอยวัดใหม่ หมู่ 4 (13.756331, 100.501765)"
    assert contact == {"name": "สมศรี ใจดี", "phone": "0812345678", "email": "somsri@example.org"}
    assert filed_entry.actor == f"open311:{client_id}"
    # The key, the request id and the person's details appear in no line the application
    # or its server logged (urllib3's lines are the test's own client's)
    log_text = "\n".join(
        record.getMessage() for record in caplog.records if not record.name.startswith("urllib3")
    )
    assert "/open311/v2/requests/-" in log_text
    for secret in (key, request_id, "สมศรี", "0812345678", "ไฟถนน"):
        assert secret not in log_text


def test_an_independent_client_library_files_and_reads_a_request(app: Flask) -> None:
    from civicbot.open311 import Open311Client as CivicClient
    from civicbot.registry import Endpoint

    _, key = _client_key(app, "civicbot")
    category = str(_categories(app, CaseKind.COMPLAINT)[0])
    with serve(app) as server:
        endpoint = Endpoint(id="intake", name="Intake", base_url=server.at(ROOT), write=True)
        client = CivicClient(endpoint)
        # It checks its request against the services the API lists, then sends it
        sent = client.create_request(
            category, dry_run=False, confirm="SEND", api_key=key, validate_remote=True,
            lat=14.97, lng=102.1, address_string="ถนนมิตรภาพ", description="ท่อระบายน้ำอุดตัน",
        )  # fmt: skip
        [answer] = sent.response
        read = client.get_request(answer["service_request_id"])
    assert read is not None and read["status"] == "open"
    [case] = _cases(app)
    assert (case.kind, case.channel) == (CaseKind.COMPLAINT, Channel.OPEN311)
    assert read["service_notice"] == case.reference


def test_statistics_count_the_request_under_its_client(app: Flask) -> None:
    client_id, key = _client_key(app, "ระบบร้องเรียนจังหวัด")
    category = _categories(app, CaseKind.COMPLAINT)[0]
    http = app.test_client()
    answer = http.post(
        f"{ROOT}/requests.json", data=_request(api_key=key, service_code=str(category))
    )
    assert answer.status_code == 201
    stats = http.get("/stats.json").get_json()
    cells = {cell["key"]: cell for cell in stats["kinds"]["complaint"]["breakdowns"]["channel"]}
    cell = cells[f"open311:{client_id}"]
    assert cell["received"] == 1
    assert cell["label_th"] == "Open311: ระบบร้องเรียนจังหวัด"
    # No row for the bare channel, and the web channel keeps its row at zero
    assert "open311" not in cells
    assert cells["web"]["received"] == 0


def _error(answer: Any) -> tuple[int, str]:
    [error] = answer.get_json()
    assert error["code"] == answer.status_code
    return answer.status_code, error["description"]


def test_refusals_follow_the_specification_and_keep_nothing(app: Flask) -> None:
    _, key = _client_key(app)
    complaint = str(_categories(app, CaseKind.COMPLAINT)[0])
    tip = str(_categories(app, CaseKind.TIP)[0])
    http = app.test_client()
    post = f"{ROOT}/requests.json"
    assert _error(http.post(post, data=_request(api_key="nope", service_code=complaint)))[0] == 403
    assert _error(http.post(post, data=_request(service_code=complaint)))[0] == 403
    assert _error(http.post(post, data=_request(api_key=key)))[0] == 400
    assert _error(http.post(post, data=_request(api_key=key, service_code="99999")))[0] == 404
    # A tip category is no service here: a tip never enters through this channel
    assert _error(http.post(post, data=_request(api_key=key, service_code=tip)))[0] == 404
    assert http.get(f"{ROOT}/services/{tip}.json").status_code == 404
    no_place = _request(api_key=key, service_code=complaint, lat="", long="", address_string="")
    assert _error(http.post(post, data=no_place))[0] == 400
    half = _request(api_key=key, service_code=complaint, long="")
    assert _error(http.post(post, data=half))[0] == 400
    far = _request(api_key=key, service_code=complaint, lat="95")
    assert _error(http.post(post, data=far))[0] == 400
    no_words = _request(api_key=key, service_code=complaint, description="  ")
    assert _error(http.post(post, data=no_words))[0] == 400
    assert _error(http.get(f"{ROOT}/requests/not-a-request.json"))[0] == 404
    # XML errors as the specification writes them
    answer = http.post(f"{ROOT}/requests.xml", data=_request(api_key="nope"))
    root = _xml(answer.data)
    assert (root.tag, root.find("error/code").text) == ("errors", "403")  # type: ignore[union-attr]
    assert _cases(app) == []


def test_thai_digits_are_read_in_coordinates(app: Flask) -> None:
    _, key = _client_key(app)
    complaint = str(_categories(app, CaseKind.COMPLAINT)[0])
    answer = app.test_client().post(
        f"{ROOT}/requests.json",
        data=_request(api_key=key, service_code=complaint, lat="๑๓.๕", long="๑๐๐.๒๕"),
    )
    assert answer.status_code == 201


def test_a_revoked_key_is_refused_from_that_moment(app: Flask) -> None:
    client_id, key = _client_key(app)
    complaint = str(_categories(app, CaseKind.COMPLAINT)[0])
    with app.app_context():
        admin = db.session.scalars(select(User).where(User.role == Role.ADMIN)).first()
        assert admin is not None
        service.revoke(db.session, current_keyring(), admin, client_id, datetime.now(UTC))
    answer = app.test_client().post(
        f"{ROOT}/requests.json", data=_request(api_key=key, service_code=complaint)
    )
    assert _error(answer)[0] == 403
    assert _cases(app) == []


def test_only_general_complaint_categories_are_services(app: Flask) -> None:
    http = app.test_client()
    listed = {row["service_code"] for row in http.get(f"{ROOT}/services.json").get_json()}
    assert listed == {str(c) for c in _categories(app, CaseKind.COMPLAINT)}
    xml = _xml(http.get(f"{ROOT}/services.xml").data)
    assert xml.tag == "services"
    assert {e.text for e in xml.findall("service/service_code")} == listed


def test_the_public_list_of_requests_is_empty(app: Flask) -> None:
    _, key = _client_key(app)
    complaint = str(_categories(app, CaseKind.COMPLAINT)[0])
    http = app.test_client()
    assert (
        http.post(
            f"{ROOT}/requests.json", data=_request(api_key=key, service_code=complaint)
        ).status_code
        == 201
    )
    assert http.get(f"{ROOT}/requests.json").get_json() == []
    assert _xml(http.get(f"{ROOT}/requests.xml").data).findall("request") == []


def test_filing_refuses_a_tip_on_a_complaints_only_channel(app: Flask) -> None:
    tip_category = _categories(app, CaseKind.TIP)[0]
    with app.app_context():
        with pytest.raises(ServiceError) as refused:
            file_case(
                db.session,
                current_keyring(),
                app.config["INTAKE_UPLOADS_PATH"],
                FilingInput(
                    kind=CaseKind.TIP,
                    channel=Channel.OPEN311,
                    subject="s",
                    details="d",
                    category_id=tip_category,
                ),
                datetime.now(UTC),
            )
        assert refused.value.code is Problem.CHANNEL_COMPLAINTS_ONLY
        assert db.session.scalar(select(func.count()).select_from(Case)) == 0
        assert db.session.get(Category, tip_category) is not None


def test_the_administrator_issues_a_key_once_and_revokes_it(app: Flask) -> None:
    from tests.support.staff import staff_client

    admin = staff_client(app, "admin-open311", Role.ADMIN)
    page = admin.get("/staff/admin/open311")
    assert page.status_code == 200
    assert "/open311/v2" in page.get_data(as_text=True)
    # A name is needed: the message beside the field, what was typed kept
    refused = admin.post("/staff/admin/open311", data={"name": "   "})
    assert refused.status_code == 422
    assert "โปรดกรอกช่องนี้" in refused.get_data(as_text=True)
    # When a key is issued, it is shown on this answer only
    issued = admin.post("/staff/admin/open311", data={"name": "แอปเมืองสะอาด"})
    assert issued.status_code == 200
    html = issued.get_data(as_text=True)
    key = html.split('id="open311-key" data-digits="latin">', 1)[1].split("<", 1)[0]
    assert len(key) >= 40
    assert key not in admin.get("/staff/admin/open311").get_data(as_text=True)
    complaint = str(_categories(app, CaseKind.COMPLAINT)[0])
    api = app.test_client()
    filed = api.post(f"{ROOT}/requests.json", data=_request(api_key=key, service_code=complaint))
    assert filed.status_code == 201
    listing = admin.get("/staff/admin/open311").get_data(as_text=True)
    with app.app_context():
        client = db.session.scalars(select(Open311Client)).one()
        assert client.key_digest == service.digest(key)
    assert f'data-client="{client.id}" data-revoked="no"' in listing
    # When it is revoked, the key is refused
    revoked = admin.post(f"/staff/admin/open311/{client.id}/revoke")
    assert revoked.status_code == 303
    again = api.post(f"{ROOT}/requests.json", data=_request(api_key=key, service_code=complaint))
    assert again.status_code == 403
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"admin.open311_key_issued", "admin.open311_key_revoked"} <= actions
    # Staff who are not administrators cannot reach the page
    legal = staff_client(app, "legal-open311", Role.LEGAL)
    assert legal.get("/staff/admin/open311").status_code in (403, 404)


# The element names of the specification's own examples (wiki.open311.org/GeoReport_v2),
# per call: every answer uses only these, in the same nesting.
SPEC_EXAMPLES = {
    "discovery": ("discovery", {"changeset", "contact", "key_service", "endpoints"}),
    "endpoint": ("endpoint", {"specification", "url", "changeset", "type", "formats"}),
    "services": ("service", {
        "service_code", "service_name", "description", "metadata", "type", "keywords", "group",
    }),
    "definition": ("service_definition", {"service_code", "attributes"}),
    "created": ("request", {"service_request_id", "token", "service_notice", "account_id"}),
    "request": ("request", {
        "service_request_id", "status", "status_notes", "service_name", "service_code",
        "description", "agency_responsible", "service_notice", "requested_datetime",
        "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
        "long", "media_url",
    }),
    "error": ("error", {"code", "description"}),
}  # fmt: skip


def _children(element: ElementTree.Element | None) -> set[str]:
    assert element is not None
    return {child.tag for child in element}


def test_the_xml_answers_follow_the_specifications_examples(app: Flask) -> None:
    _, key = _client_key(app)
    complaint = str(_categories(app, CaseKind.COMPLAINT)[0])
    http = app.test_client()

    def shaped(root: ElementTree.Element, path: str, example: str, required: set[str]) -> None:
        tag, allowed = SPEC_EXAMPLES[example]
        element = root if path == "." else root.find(path)
        assert element is not None and element.tag == tag, (example, path)
        assert required <= _children(element) <= allowed, example

    discovery = _xml(http.get(f"{ROOT}/discovery.xml").data)
    shaped(discovery, ".", "discovery", {"changeset", "endpoints"})
    shaped(discovery, "endpoints/endpoint", "endpoint", {"specification", "url", "formats"})
    assert {f.text for f in discovery.findall("endpoints/endpoint/formats/format")} == {
        "text/xml", "application/json",
    }  # fmt: skip
    services = _xml(http.get(f"{ROOT}/services.xml").data)
    assert services.tag == "services"
    shaped(services, "service", "services", {"service_code", "service_name", "metadata", "type"})
    assert services.find("service/metadata").text == "false"  # type: ignore[union-attr]
    definition = _xml(http.get(f"{ROOT}/services/{complaint}.xml").data)
    shaped(definition, ".", "definition", {"service_code", "attributes"})
    created = _xml(
        http.post(f"{ROOT}/requests.xml", data=_request(api_key=key, service_code=complaint)).data
    )
    assert created.tag == "service_requests"
    shaped(created, "request", "created", {"service_request_id", "service_notice"})
    request_id = created.find("request/service_request_id").text  # type: ignore[union-attr]
    status = _xml(http.get(f"{ROOT}/requests/{request_id}.xml").data)
    assert status.tag == "service_requests"
    shaped(status, "request", "request", {"service_request_id", "status", "requested_datetime"})
    refused = _xml(http.post(f"{ROOT}/requests.xml", data={"api_key": "wrong"}).data)
    assert refused.tag == "errors"
    shaped(refused, "error", "error", {"code", "description"})


def test_each_key_has_its_own_rate_limit(make_app: Any) -> None:
    app = make_app(RATELIMIT_ENABLED=True, INTAKE_OPEN311_LIMIT="2 per hour")
    _, first = _client_key(app, "first")
    _, second = _client_key(app, "second")
    complaint = str(_categories(app, CaseKind.COMPLAINT)[0])
    http = app.test_client()

    def post(key: str) -> Any:
        return http.post(
            f"{ROOT}/requests.json", data=_request(api_key=key, service_code=complaint)
        )

    assert [post(first).status_code for _ in range(2)] == [201, 201]
    refused = post(first)
    assert _error(refused)[0] == 429
    assert refused.headers.get("Retry-After")
    # Another application's key is counted apart
    assert post(second).status_code == 201
    assert len(_cases(app)) == 3


def test_each_organisation_has_its_own_services_keys_and_requests(app: Flask) -> None:
    from intake.models import Organisation
    from intake.organisation_scope import host_wide
    from tests.support.organisations import add_organisation, working_for

    # Given a second organisation on the host, with its own key
    second = add_organisation(app, "bee", "เทศบาลตำบลบี")
    with working_for(app, second):
        bee_client, bee_key = _client_key(app, "แอปของบี")
        bee_categories = _categories(app, CaseKind.COMPLAINT)
    with app.app_context():
        main_id = db.session.scalars(host_wide(select(Organisation.id).where(
            Organisation.slug == "main"))).one()  # fmt: skip
    with working_for(app, main_id):
        _, main_key = _client_key(app, "แอปของหลัก")
        main_categories = _categories(app, CaseKind.COMPLAINT)
    http = app.test_client()
    main, bee = "/o/main" + ROOT, "/o/bee" + ROOT
    # A key works only at its own organisation's address
    assert _error(http.post(f"{main}/requests.json", data=_request(
        api_key=bee_key, service_code=str(main_categories[0]))))[0] == 403  # fmt: skip
    # Another organisation's category is no service here
    assert _error(http.post(f"{main}/requests.json", data=_request(
        api_key=main_key, service_code=str(bee_categories[0]))))[0] == 404  # fmt: skip
    listed = {s["service_code"] for s in http.get(f"{bee}/services.json").get_json()}
    assert listed == {str(c) for c in bee_categories}
    # A request id reads only at the organisation it was filed with
    filed = http.post(f"{bee}/requests.json", data=_request(
        api_key=bee_key, service_code=str(bee_categories[0])))  # fmt: skip
    assert filed.status_code == 201
    request_id = filed.get_json()[0]["service_request_id"]
    assert http.get(f"{bee}/requests/{request_id}.json").status_code == 200
    assert _error(http.get(f"{main}/requests/{request_id}.json"))[0] == 404
    assert bee_client


def test_the_service_refuses_what_the_pages_cannot_send(app: Flask) -> None:
    client_id, key = _client_key(app)
    with app.app_context():
        admin = db.session.scalars(select(User).where(User.role == Role.ADMIN)).first()
        assert admin is not None
        for name in ("   ", "ก" * (service.NAME_MAX + 1)):
            with pytest.raises(ServiceError) as refused:
                service.issue_key(db.session, current_keyring(), admin, name, datetime.now(UTC))
            assert refused.value.code is Problem.OPEN311_CLIENT_NAME
        with pytest.raises(ServiceError) as missing:
            service.revoke(db.session, current_keyring(), admin, 999999, datetime.now(UTC))
        assert missing.value.code is Problem.NOT_FOUND
        for _twice in range(2):  # revoking again changes nothing
            service.revoke(db.session, current_keyring(), admin, client_id, datetime.now(UTC))
        revoked = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "admin.open311_key_revoked")
        ).all()
        assert len(revoked) == 1
        assert service.service(db.session, "abc") is None
        assert service.find_request(db.session, "x" * 65) is None
        assert service.client_for_key(db.session, "") is None
    # A coordinate that is not a number
    http = app.test_client()
    _, fresh = _client_key(app, "another")
    complaint = str(_categories(app, CaseKind.COMPLAINT)[0])
    words = _request(api_key=fresh, service_code=complaint, lat="north")
    assert _error(http.post(f"{ROOT}/requests.json", data=words))[0] == 400
    assert key


def test_another_system_reads_the_api_in_the_language_it_asks_for(app: Flask) -> None:
    http = app.test_client()
    english = {"Accept-Language": "en-GB,en;q=0.9"}
    refused = http.post(f"{ROOT}/requests.json", data={"api_key": "nope"}, headers=english)
    assert _error(refused) == (403, "The API key is not valid or has been revoked.")
    thai = http.post(f"{ROOT}/requests.json", data={"api_key": "nope"})
    assert _error(thai) == (403, "API key ไม่ถูกต้องหรือถูกยกเลิกแล้ว")
    # A service's English name where it has one, its Thai name otherwise
    with app.app_context():
        category = db.session.get(Category, _categories(app, CaseKind.COMPLAINT)[0])
        assert category is not None
        names = (category.name_en or category.name_th, category.name_th)
    listed = http.get(f"{ROOT}/services.json", headers=english).get_json()
    assert listed[0]["service_name"] == names[0]
    assert http.get(f"{ROOT}/services.json").get_json()[0]["service_name"] == names[1]
    # The web pages keep their Thai-first choice, whatever the browser asks
    assert 'lang="th"' in http.get("/", headers=english).get_data(as_text=True)
