"""What the public status page tells a complainant or tipster at the end of a case, when we
are late, and how to reach us: a rejected or referred case is not called completed, each
closed state says what happened and what the person can do next; an overdue case says we
are late and whom to contact; a closed case offers only what still works; the disclosure
notice names the tip unit; every public page's footer and the landing page carry the
hotline, the LINE ID and the office hours that are set."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake import labels
from intake.extensions import db
from intake.models import Case, CaseKind, Role, User
from intake.services import ServiceError, case_actions, notices
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from intake.services.personal_keys import ensure_personal_key
from intake.services.reveal import approve_reveal, request_reveal
from intake.services.settings import get_organisation
from intake.services.users import find_user
from intake.workflow import CLOSED, Status
from tests.support.builders import complaint_form, tip_form
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE
from tests.support.filing import file_and_read_receipt
from tests.support.staff import PASSWORD, make_staff

COMPLETED = "ดำเนินการเสร็จ"  # "completed": only a resolved case may say it
REASON = "ZZเรื่องนี้เป็นข้อพิพาทระหว่างเอกชน อยู่นอกอำนาจหน้าที่"
TIP_UNIT = "ZZหน่วยรับเบาะแสทุจริต"
CENTRE = "ZZศูนย์รับเรื่องของตำบล"


def _main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def _user(name: str) -> User:
    user = find_user(db.session, name)
    assert user is not None
    return user


def _set_units(app: Flask, **values: str) -> None:
    with app.app_context():
        organisation = get_organisation(db.session)
        organisation.tip_unit_name_th = TIP_UNIT
        organisation.unit_name_th = CENTRE
        for name, value in values.items():
            setattr(organisation, name, value)
        db.session.commit()


def _followed(app: Flask, path: str, form: dict[str, str]) -> tuple[FlaskClient, str]:
    client = app.test_client()
    _, code = file_and_read_receipt(client, path, form)
    assert client.post("/track", data={"code": code}).status_code == 200
    with app.app_context():
        case_id = db.session.scalars(select(Case.id)).one()
    return client, case_id


# ------------------------------------------------------------- closed: what happened, what next


def test_every_closed_state_has_its_own_words() -> None:
    for status in CLOSED:
        assert status in labels.CLOSED_ON and status in labels.NEXT_STEP
    for status in (Status.REJECTED, Status.REFERRED):
        assert COMPLETED not in str(labels.CLOSED_ON[status])
        assert "เสร็จ" not in str(labels.STATUS_EXPLAINED[status])
    for code in ("nacc", "pacc", "damrongdham", "oag"):
        assert labels.REFERRAL[code].contact


def test_a_rejected_complaint_tells_the_reason_and_how_to_ask_again(app: Flask) -> None:
    _set_units(app)
    make_staff(app, "intake1", Role.INTAKE)
    client, case_id = _followed(app, "/complaints/new", complaint_form())
    with app.app_context():
        case_actions.reject(
            db.session,
            current_keyring(),
            _user("intake1"),
            case_id,
            reason=REASON,
            now=datetime.now(UTC),
        )
        reference = db.session.get(Case, case_id).reference  # type: ignore[union-attr]

    main = _main(client.get("/track").get_data(as_text=True))
    assert 'data-status="rejected"' in main
    assert COMPLETED not in main
    assert "ยุติเรื่องเมื่อ" in main
    outcome = main[main.index('id="outcome"') :]
    assert REASON in outcome[: outcome.index("</section>")]
    next_step = main[main.index('id="next-step"') :]
    next_step = next_step[: next_step.index("</p>")]
    assert "ยื่นเรื่องใหม่" in next_step and reference in next_step and CENTRE in next_step


@pytest.mark.parametrize(
    ("destination", "name", "expected", "contact"),
    [
        ("nacc", "", "สำนักงาน ป.ป.ช.", "1205"),
        ("pacc", "", "สำนักงาน ป.ป.ท.", "1206"),
        ("damrongdham", "", "ศูนย์ดำรงธรรม", "1567"),
        ("oag", "", "สตง.", "www.audit.go.th"),
        ("other", "ZZสำนักงานที่ดินจังหวัด", "ZZสำนักงานที่ดินจังหวัด", None),
    ],
)
def test_a_referred_tip_says_where_it_went_and_whom_to_contact(
    app: Flask, destination: str, name: str, expected: str, contact: str | None
) -> None:
    _set_units(app)
    make_staff(app, "legal1", Role.LEGAL)
    client, case_id = _followed(app, "/tips/new", tip_form())
    with app.app_context():
        case_actions.refer(
            db.session,
            current_keyring(),
            _user("legal1"),
            case_id,
            destination=destination,
            destination_name=name,
            message="ZZส่งต่อตามอำนาจหน้าที่",
            now=datetime.now(UTC),
        )

    main = _main(client.get("/track").get_data(as_text=True))
    assert 'data-status="referred"' in main
    assert COMPLETED not in main
    assert "ส่งต่อเมื่อ" in main
    outcome = main[main.index('id="outcome"') :]
    outcome = outcome[: outcome.index("</section>")]
    assert expected in outcome and "ZZส่งต่อตามอำนาจหน้าที่" in outcome
    assert "ติดตามผลกับหน่วยงานนั้นโดยตรง" in outcome
    if contact is not None:
        assert contact in outcome
    else:
        assert 'id="referral-contact"' not in outcome


def test_a_resolved_case_says_completed_and_what_to_do_if_it_is_not(app: Flask) -> None:
    make_staff(app, "intake1", Role.INTAKE)
    client, case_id = _followed(app, "/complaints/new", complaint_form())
    with app.app_context():
        case_actions.resolve(
            db.session,
            current_keyring(),
            _user("intake1"),
            case_id,
            message="ZZซ่อมแล้ว",
            now=datetime.now(UTC),
        )
    main = _main(client.get("/track").get_data(as_text=True))
    assert "ดำเนินการแล้วเสร็จเมื่อ" in main and "ZZซ่อมแล้ว" in main
    assert "ปัญหายังไม่ได้รับการแก้ไข" in main


# ------------------------------------------------------------------------ closed: what works


def test_a_closed_case_offers_no_reply_no_notice_sign_up_and_no_question_link(
    app: Flask,
) -> None:
    make_staff(app, "legal1", Role.LEGAL)
    client, case_id = _followed(app, "/tips/new", tip_form())
    now = datetime.now(UTC)
    with app.app_context():
        keyring = current_keyring()
        case_actions.ask_question(
            db.session, keyring, _user("legal1"), case_id, message="ZZคำถาม", now=now
        )
    open_page = _main(client.get("/track").get_data(as_text=True))
    assert 'action="/track/notices' in open_page and 'action="/track/reply"' in open_page
    with app.app_context():
        case_actions.reject(
            db.session, current_keyring(), _user("legal1"), case_id, reason=REASON, now=now
        )

    main = _main(client.get("/track").get_data(as_text=True))
    # Then only what still works: the survey and "leave"
    assert 'action="/track/reply"' not in main and 'id="reply"' not in main
    assert 'action="/track/notices' not in main and 'id="notices"' not in main
    assert "ตอบคำถามนี้" not in main
    assert 'action="/track/survey' in main and 'action="/track/leave"' in main
    # and starting the mails is refused by the service too
    with app.app_context():
        with pytest.raises(ServiceError) as refused:
            notices.change(
                db.session, current_keyring(), case_id, notices.START, now, address="a@b.example"
            )
        assert refused.value.code == "closed"


def test_a_closed_complaint_with_mails_stopped_is_not_offered_to_start_them(app: Flask) -> None:
    make_staff(app, "intake1", Role.INTAKE)
    client, case_id = _followed(
        app, "/complaints/new", complaint_form(reporter_email="somchai@example.com")
    )
    assert 'value="stop"' in client.get("/track").get_data(as_text=True)
    now = datetime.now(UTC)
    with app.app_context():
        notices.change(db.session, current_keyring(), case_id, notices.STOP, now)
        case_actions.resolve(
            db.session, current_keyring(), _user("intake1"), case_id, message="ZZแล้ว", now=now
        )
    main = _main(client.get("/track").get_data(as_text=True))
    assert 'value="start"' not in main and 'id="notices"' not in main


# ----------------------------------------------------------------------------------- overdue


def _file_days_ago(app: Flask, kind: CaseKind, days: int) -> str:
    """A web filing received ``days`` ago, with no word since; returns its tracking code."""
    with app.app_context():
        filed = file_case(
            db.session,
            current_keyring(),
            Path(app.config["INTAKE_UPLOADS_PATH"]),
            FilingInput(
                kind=kind,
                subject="ZZเรื่องเก่า",
                details="ZZรายละเอียด",
                anonymous=kind is CaseKind.TIP,
                reporter={} if kind is CaseKind.TIP else {"name": "สมชาย ใจดี"},
            ),
            datetime.now(UTC) - timedelta(days=days),
        )
        return filed.tracking_code


@pytest.mark.parametrize(("kind", "unit"), [(CaseKind.COMPLAINT, CENTRE), (CaseKind.TIP, TIP_UNIT)])
def test_an_overdue_case_says_we_are_late_and_whom_to_contact(
    app: Flask, kind: CaseKind, unit: str
) -> None:
    _set_units(app, hotline="0 4312 3456", line_id="@zz-sao")
    code = _file_days_ago(app, kind, 20)
    client = app.test_client()
    main = _main(client.post("/track", data={"code": code}).get_data(as_text=True))

    overdue = main[main.index('id="overdue"') :]
    overdue = overdue[: overdue.index("</section>")]
    assert "ล่าช้า" in overdue and unit in overdue
    assert 'href="tel:043123456"' in overdue and "@zz-sao" in overdue
    other = CENTRE if unit == TIP_UNIT else TIP_UNIT
    assert other not in overdue
    # and the past due date is not shown as the "next" one
    assert "ครั้งถัดไป" not in main


def test_a_case_within_its_time_is_not_called_late(app: Flask) -> None:
    code = _file_days_ago(app, CaseKind.COMPLAINT, 3)
    main = _main(app.test_client().post("/track", data={"code": code}).get_data(as_text=True))
    assert 'id="overdue"' not in main and "ครั้งถัดไป" in main


# ------------------------------------------------------------------------ disclosure notice


def test_the_disclosure_notice_names_the_tip_unit(app: Flask) -> None:
    _set_units(app)
    make_staff(app, "legal1", Role.LEGAL)
    client, case_id = _followed(app, "/tips/new", tip_form(anonymous="", reporter_name="ZZผู้แจ้ง"))
    now = datetime.now(UTC)
    with app.app_context():
        keyring = current_keyring()
        ensure_personal_key(db.session, keyring, _user("legal1"), PASSWORD, now)
        db.session.commit()
        asked = request_reveal(
            db.session, keyring, _user("legal1"), case_id, "ต้องสอบปากคำผู้แจ้งเพื่อยืนยันข้อเท็จจริง", now
        )
        approve_reveal(db.session, keyring, _user(CUSTODIAN), CUSTODIAN_PASSPHRASE, asked.id, now)
    main = _main(client.get("/track").get_data(as_text=True))
    notice = main[main.index('id="identity-disclosed"') :]
    notice = notice[: notice.index("</section>")]
    assert TIP_UNIT in notice and CENTRE not in notice


# -------------------------------------------------------------------------- contact everywhere


@pytest.mark.parametrize("path", ["/", "/guide", "/stats", "/track", "/privacy", "/tips/new"])
def test_every_public_page_footer_carries_hotline_line_and_hours(app: Flask, path: str) -> None:
    _set_units(app, hotline="0 4312 3456", line_id="@zz-sao", office_hours="ZZจันทร์–ศุกร์")
    page = app.test_client().get(path).get_data(as_text=True)
    footer = page[page.index('id="footer-contact"') :]
    footer = footer[: footer.index("</footer>")]
    assert '<a href="tel:043123456">0 4312 3456</a>' in footer
    assert "@zz-sao" in footer and "ZZจันทร์–ศุกร์" in footer
    # a LINE ID as text: nothing from LINE's hosts
    # nothing from LINE or any other host: the only scripts are our own
    assert "line.me" not in page
    assert all(src.startswith("/static/") for src in re.findall(r'<script[^>]*src="([^"]*)"', page))
    assert "<script>" not in page


def test_the_landing_page_shows_the_contact_and_only_what_is_set(app: Flask) -> None:
    _set_units(app, hotline="0 4312 3456", line_id="", office_hours="ZZจันทร์–ศุกร์")
    page = app.test_client().get("/").get_data(as_text=True)
    landing = page[page.index('id="landing-contact"') :]
    landing = landing[: landing.index("</section>")]
    assert 'href="tel:043123456"' in landing and "ZZจันทร์–ศุกร์" in landing
    assert "LINE" not in page
    _set_units(app, hotline="", line_id="", office_hours="")
    page = app.test_client().get("/").get_data(as_text=True)
    assert 'id="landing-contact"' not in page and "tel:" not in page
