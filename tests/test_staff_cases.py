"""The staff side's dashboard, queue and case page, through the real pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake import deadlines, thaidate
from intake.attachments import PreparedAttachment
from intake.extensions import db
from intake.models import AuditEntry, Case, CaseKind, Category, Channel, Role, User
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from intake.workflow import Status
from tests.support.staff import staff_client

CASE_LINK = re.compile(r'<a class="reference" href="/staff/cases/([0-9a-f-]{36})">([^<]+)</a>')
LIGHTING = "ไฟฟ้าส่องสว่าง"  # a complaint category routed to กองช่าง
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def _now() -> datetime:
    return datetime.now(UTC)


def _category_id(name_th: str) -> int:
    return int(db.session.scalars(select(Category.id).where(Category.name_th == name_th)).one())


def _file(app: Flask, subject: str = "ถนนชำรุด", **changes: object) -> Case:
    data = FilingInput(kind=CaseKind.COMPLAINT, subject=subject, details="รายละเอียด")
    for key, value in changes.items():
        setattr(data, key, value)
    filed = file_case(
        db.session, current_keyring(), Path(app.config["INTAKE_UPLOADS_PATH"]), data, _now()
    )
    case = db.session.get(Case, filed.case_id)
    assert case is not None
    return case


def _links(page: str) -> list[tuple[str, str]]:
    return CASE_LINK.findall(page)


def _get(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:1500]
    return response.get_data(as_text=True)


class Queue:
    """Sixty complaints: seven about lighting (กองช่าง), five closed, three overdue, four due
    soon, two by phone, two received in October 2025; one tip."""

    def __init__(self, app: Flask) -> None:
        with app.app_context():
            now = _now()
            lighting = _category_id(LIGHTING)
            cases = [_file(app, subject=f"คำร้องหมายเลข {n}") for n in range(53)]
            cases += [_file(app, subject=f"ไฟดับ {n}", category_id=lighting) for n in range(7)]
            self.tip = _file(app, kind=CaseKind.TIP).id
            soon = deadlines.end_of_day(thaidate.local_date(now) + timedelta(days=2))
            for case in cases[0:5]:
                case.status, case.closed_at = Status.RESOLVED, now
            for case in cases[5:8]:
                case.due_at = now - timedelta(days=1 + cases.index(case))
            for case in cases[8:12]:
                case.due_at = soon
            for case in cases[12:14]:
                case.channel = Channel.PHONE
            for case in cases[14:16]:
                case.received_at = datetime(2025, 10, 5, 3, 0, tzinfo=UTC)
            db.session.commit()
            self.ids = [c.id for c in cases]
            self.references = {c.id: c.reference for c in cases}
            self.lighting = lighting
            self.works = int(cases[-1].department_id or 0)


def test_queue_pages_by_fifty_and_keeps_filters_in_the_paging_links(app: Flask) -> None:
    queue = Queue(app)
    client = staff_client(app, "intake1", Role.INTAKE)

    first = _get(client, "/staff/cases?status=open&sort=due")

    links = _links(first)
    assert len(links) == 50
    assert all(reference == queue.references[case_id] for case_id, reference in links)
    assert links[0][0] == queue.ids[7]  # the longest overdue comes first
    assert "พบ 55 เรื่อง" in first
    next_url = re.search(r'<a rel="next" href="([^"]+)"', first)
    assert next_url is not None
    target = next_url.group(1).replace("&amp;", "&")
    assert "status=open" in target and "sort=due" in target and "page=2" in target
    second = _get(client, target)
    assert len(_links(second)) == 5
    assert not {c for c, _ in _links(second)} & {c for c, _ in links}
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_queue_filters_narrow_the_list(app: Flask) -> None:
    queue = Queue(app)
    client = staff_client(app, "intake1", Role.INTAKE)

    def found(query: str) -> set[str]:
        return {case_id for case_id, _ in _links(_get(client, "/staff/cases?" + query))}

    assert found("status=closed") == set(queue.ids[0:5])
    assert found("status=resolved") == set(queue.ids[0:5])
    assert found("deadline=overdue") == set(queue.ids[5:8])
    assert found("deadline=due_soon") == set(queue.ids[8:12])
    assert found("channel=phone") == set(queue.ids[12:14])
    assert found(f"category={queue.lighting}") == set(queue.ids[53:60])
    assert found(f"department={queue.works}") == set(queue.ids[53:60])
    # Dates typed in the Buddhist era, and with Thai digits.
    assert found("received_from=1/10/2568&received_to=๓๑/๑๐/๒๕๖๘") == set(queue.ids[14:16])
    assert found("received_from=2025-10-06&received_to=2025-10-31") == set()
    newest = _links(_get(client, "/staff/cases?sort=newest"))
    assert newest[0][0] == queue.ids[-1]


def test_an_unreadable_date_is_reported_beside_its_field(app: Flask) -> None:
    client = staff_client(app, "intake1", Role.INTAKE)
    response = client.get("/staff/cases?received_from=31/02/2568")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="received_from-error"' in page and "อ่านวันที่ไม่ได้" in page
    assert _links(page) == []


def test_reference_search_takes_thai_digits_and_prefixes(app: Flask) -> None:
    queue = Queue(app)
    client = staff_client(app, "intake1", Role.INTAKE)
    seventh = queue.ids[6]
    reference = queue.references[seventh]

    exact = _links(_get(client, "/staff/cases?reference=" + reference.translate(THAI_DIGITS)))
    prefix = _links(_get(client, "/staff/cases?reference=" + reference[:-1]))

    assert exact == [(seventh, reference)]
    assert {r for _, r in prefix} == {f"{reference[:-1]}{n}" for n in range(1, 10)}


def test_department_officers_see_only_their_department(app: Flask) -> None:
    queue = Queue(app)
    client = staff_client(app, "works1", Role.DEPARTMENT, "กองช่าง")

    page = _get(client, "/staff/cases")

    assert {case_id for case_id, _ in _links(page)} == set(queue.ids[53:60])
    _get(client, f"/staff/cases/{queue.ids[53]}")
    _get(client, f"/staff/cases/{queue.ids[0]}", status=404)
    _get(client, f"/staff/cases/{queue.tip}", status=404)


def test_executives_see_counts_but_no_case(app: Flask) -> None:
    queue = Queue(app)
    client = staff_client(app, "exec1", Role.EXECUTIVE)

    page = _get(client, "/staff/dashboard")

    assert re.search(r'id="count-overdue">3<', page)
    assert re.search(r'id="count-due-soon">4<', page)
    assert re.search(r'data-kind="tip"><th scope="row">[^<]+</th><td>1<', page)
    assert "คำร้องหมายเลข" not in page and "ไฟดับ" not in page
    assert "/staff/cases" not in page
    assert all(reference not in page for reference in queue.references.values())
    assert client.get("/staff/cases").status_code == 403
    assert client.get(f"/staff/cases/{queue.ids[0]}").status_code == 403


def test_the_dashboard_lists_newest_cases_for_officers(app: Flask) -> None:
    queue = Queue(app)
    client = staff_client(app, "intake1", Role.INTAKE)

    page = _get(client, "/staff/dashboard")

    assert re.search(r'id="count-open">55<', page)  # the tip is not the intake desk's
    assert [case_id for case_id, _ in _links(page)] == list(reversed(queue.ids[-10:]))
    assert "ไฟดับ 6" in page


def test_tips_are_invisible_to_intake_officers_and_views_are_audited(app: Flask) -> None:
    with app.app_context():
        tip = _file(app, kind=CaseKind.TIP, subject="เรียกรับเงินค่าใบอนุญาต")
        tip_id, tip_reference = tip.id, tip.reference
    intake = staff_client(app, "intake1", Role.INTAKE)
    legal = staff_client(app, "legal1", Role.LEGAL)

    assert tip_reference not in _get(intake, "/staff/cases")
    _get(intake, f"/staff/cases/{tip_id}", status=404)
    assert tip_reference in _get(legal, "/staff/cases")
    page = _get(legal, f"/staff/cases/{tip_id}")

    assert "เรียกรับเงินค่าใบอนุญาต" in page
    with app.app_context():
        legal_id = db.session.scalars(select(User.id).where(User.username == "legal1")).one()
        views = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.case_id == tip_id, AuditEntry.action == "case.viewed"
            )
        ).all()
        assert [(v.actor, v.detail) for v in views] == [(f"user:{legal_id}", "tip")]


def test_attachment_download_decrypts_and_is_never_shown_inline(app: Flask) -> None:
    pdf = b"%PDF-1.4\n% test file\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
    with app.app_context():
        case = _file(
            app,
            attachments=[PreparedAttachment("หลักฐาน การรับเงิน.pdf", "application/pdf", pdf, False)],
        )
        case_id, attachment_id = case.id, case.attachments[0].id
    client = staff_client(app, "intake1", Role.INTAKE)

    page = _get(client, f"/staff/cases/{case_id}")
    response = client.get(f"/staff/cases/{case_id}/attachments/{attachment_id}")

    assert f"/staff/cases/{case_id}/attachments/{attachment_id}" in page
    assert "หลักฐาน การรับเงิน.pdf" in page
    assert response.status_code == 200
    assert response.data == pdf
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    encoded = re.search(r"filename\*=UTF-8''(\S+)", disposition)
    assert encoded and unquote(encoded.group(1)) == "หลักฐาน การรับเงิน.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    with app.app_context():
        exported = db.session.scalars(
            select(AuditEntry.detail).where(
                AuditEntry.case_id == case_id, AuditEntry.action == "case.exported"
            )
        ).all()
        assert exported == [f"attachment {attachment_id}"]
    other = client.get(f"/staff/cases/{case_id}/attachments/{'0' * 8}-0000-0000-0000-{'0' * 12}")
    assert other.status_code == 404


def test_case_page_offers_only_what_the_person_may_do_now(app: Flask) -> None:
    with app.app_context():
        case = _file(app, category_id=_category_id(LIGHTING))
        case_id = case.id
    intake = staff_client(app, "intake1", Role.INTAKE)
    works = staff_client(app, "works1", Role.DEPARTMENT, "กองช่าง")

    def offered(client: FlaskClient) -> set[str]:
        return set(
            re.findall(
                r'<form method="post" action="[^"]+" id="action-([a-z_]+)"',
                _get(client, f"/staff/cases/{case_id}"),
            )
        )

    assert offered(intake) == {
        "accept",
        "assign",
        "update",
        "question",
        "note",
        "interim",
        "resolve",
        "reject",
        "refer",
        "move_to_tip",
    }
    assert offered(works) == {"update", "question", "note", "interim", "resolve", "reject", "refer"}
    with app.app_context():
        stored = db.session.get(Case, case_id)
        assert stored is not None
        stored.status = Status.ASSIGNED
        db.session.commit()
    assert offered(works) == {
        "start",
        "update",
        "question",
        "note",
        "interim",
        "resolve",
        "reject",
        "refer",
        "return",
    }


def test_an_action_posts_redirects_and_a_missing_message_is_shown_beside_its_field(
    app: Flask,
) -> None:
    with app.app_context():
        case_id = _file(app, subject="ท่อระบายน้ำอุดตัน").id
    client = staff_client(app, "intake1", Role.INTAKE)

    refused = client.post(f"/staff/cases/{case_id}/resolve", data={"resolve-message": "  "})
    page = refused.get_data(as_text=True)

    assert refused.status_code == 422
    assert 'id="resolve-message-error"' in page
    assert re.search(
        r'<textarea[^>]*aria-describedby="resolve-message-error"[^>]*id="resolve-message"', page
    )
    assert "โปรดเขียนผลการดำเนินการที่จะแจ้งผู้ร้อง/ผู้แจ้ง" in page

    accepted = client.post(f"/staff/cases/{case_id}/accept", data={"accept-note": "รับไว้"})
    assert accepted.status_code == 303
    assert accepted.headers["Location"].endswith(f"/staff/cases/{case_id}")
    after = _get(client, f"/staff/cases/{case_id}")
    assert "รับพิจารณาเรื่องแล้ว" in after and 'data-status="screening"' in after
    assert "รับไว้" in after  # the internal note, on the staff timeline
    assert client.post(f"/staff/cases/{case_id}/fly", data={}).status_code == 404
    with app.app_context():
        stored = db.session.get(Case, case_id)
        assert stored is not None and stored.status is Status.SCREENING


def test_a_queue_past_the_count_limit_says_more_than_and_still_pages(app: Flask) -> None:
    from intake.services.queue import QueueFilters, search
    from intake.services.users import find_user

    queue = Queue(app)
    staff_client(app, "intake1", Role.INTAKE)
    with app.app_context():
        intake1 = find_user(db.session, "intake1")
        assert intake1 is not None
        # Given sixty complaints and a count limit of twenty
        page = search(db.session, intake1, QueueFilters(), 1, 10, now=_now(), count_limit=20)
        # Then the total says "at least twenty", with two pages of ten
        assert (page.total, page.more, page.pages, len(page.items)) == (20, True, 2, 10)
        # and under the limit the count is exact
        exact = search(db.session, intake1, QueueFilters(), 1, 10, now=_now(), count_limit=100)
        assert (exact.total, exact.more) == (60, False)
    assert len(queue.ids) == 60
