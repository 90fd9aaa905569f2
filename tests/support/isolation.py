"""Two organisations side by side, the second full of data of every kind with names found
nowhere else, and what is needed to look for them: the isolation walk's world."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import select

from intake.attachments import PreparedAttachment
from intake.extensions import db
from intake.models import CaseKind, Category, Department, ExtraHoliday, Role, User
from intake.row_security import open_every_organisation
from intake.services import case_actions, case_links, enrolment, notices, open311
from intake.services import reveal as reveal_service
from intake.services.auth import change_password, reset_two_factor
from intake.services.filing import FiledCase, FilingInput, file_case
from intake.services.keyring import current_keyring
from intake.services.personal_keys import ensure_personal_key
from intake.services.report_narratives import Narrative, save_narrative
from intake.services.report_periods import ReportKey
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE
from tests.support.organisations import add_organisation, working_for
from tests.support.staff import PASSWORD, make_staff

SLUG = "bee"
# Words the second organisation's rows carry and the first's never do.
SUBJECTS = ("ถนนพังหน้าบ้านบีหนึ่ง", "ไฟดับซอยบีสอง", "รับสินบนโครงการบีสาม", "ฮั้วประมูลบีสี่")
INFORMANT = "นางสาวบีผู้แจ้งลับ"
DEPARTMENT = "กองช่างเฉพาะของบี"
CATEGORY = "หมวดเฉพาะของบี"
HOLIDAY = "วันหยุดเฉพาะของบี"
NARRATIVE = "ปัญหาที่พบเฉพาะของบี"
NOTE = "บันทึกภายในเฉพาะของบี"
UPDATE = "ความคืบหน้าเฉพาะของบี"
FILE_NAME = "หลักฐานเฉพาะของบี.pdf"
OPEN311_CLIENT = "ระบบส่งเรื่องเฉพาะของบี"


def staff_name(role: Role) -> str:
    return f"beeonly-{role.value}"


@dataclass
class SecondOrganisation:
    """The second organisation's ids (for every URL parameter) and its marker strings."""

    organisation_id: int
    values: dict[str, Any]
    markers: set[str]
    case_ids: set[str]
    codes: list[str] = field(default_factory=list)


def _file(app: Flask, data: FilingInput) -> FiledCase:
    uploads = Path(app.config["INTAKE_UPLOADS_PATH"])
    return file_case(db.session, current_keyring(), uploads, data, datetime.now(UTC))


def _complaint(subject: str, category_id: int, email: str = "") -> FilingInput:
    pdf = b"%PDF-1.4\n% isolation sample\n"
    return FilingInput(
        kind=CaseKind.COMPLAINT,
        subject=subject,
        details=subject + " รายละเอียด",
        category_id=category_id,
        location="ตลาดเทศบาล",
        reporter={"name": "นายบีผู้ร้อง", "email": email} if email else {},
        attachments=[PreparedAttachment(FILE_NAME, "application/pdf", pdf, False)],
    )


def _tip(subject: str) -> FilingInput:
    return FilingInput(
        kind=CaseKind.TIP, subject=subject, details=subject + " รายละเอียด",
        reporter={"name": INFORMANT},
    )  # fmt: skip


def _reference_data(app: Flask) -> tuple[int, int]:
    with app.app_context():
        department = Department(name_th=DEPARTMENT, name_en="Bee works")
        db.session.add(department)
        db.session.flush()
        category = Category(
            kind=CaseKind.COMPLAINT,
            name_th=CATEGORY,
            name_en="Bee only",
            department_id=department.id,
        )
        db.session.add_all([category, ExtraHoliday(day=date(2031, 3, 4), name=HOLIDAY)])
        db.session.commit()
        return department.id, category.id


def _staff(app: Flask) -> dict[str, int]:
    ids = {role.value: make_staff(app, staff_name(role), role, DEPARTMENT) for role in Role}
    with app.app_context():  # the organisation's own custodian, signed in once
        user = db.session.scalars(select(User).where(User.username == CUSTODIAN)).one()
        change_password(db.session, user, "pw", PASSWORD, datetime.now(UTC), keep_token=None)
        reset_two_factor(db.session, current_keyring(), user, datetime.now(UTC))
    return ids


def fill_second_organisation(app: Flask) -> SecondOrganisation:
    """Add the second organisation and fill it: cases of both kinds with files, events,
    updates, a note, a link, an approved reveal, mail, an enrolment link, a holiday, a
    report narrative, and the audit entries all of these leave."""
    organisation_id = add_organisation(app, SLUG, "เทศบาลตำบลบีเท่านั้น")
    now = datetime.now(UTC)
    with working_for(app, organisation_id):
        department_id, category_id = _reference_data(app)
        staff = _staff(app)
        with app.app_context():
            filed = [
                _file(app, _complaint(SUBJECTS[0], category_id, "bee-complainant@example.org")),
                _file(app, _complaint(SUBJECTS[1], category_id)),
                _file(app, _tip(SUBJECTS[2])),
                _file(app, _tip(SUBJECTS[3])),
            ]
            db.session.commit()
        _work_on_cases(app, filed, staff, now)
        request_id = _approved_reveal(app, filed[2].case_id, now)
        with app.app_context():
            users = {u.username: u for u in db.session.scalars(select(User))}
            spare = users[staff_name(Role.INTAKE)]
            enrolment.issue_link(db.session, current_keyring(), spare, actor="system", now=now)
            key = ReportKey(CaseKind.COMPLAINT, 2570, 0)
            save_narrative(
                db.session, current_keyring(), users[staff_name(Role.EXECUTIVE)], key,
                Narrative(problems=NARRATIVE), now,
            )  # fmt: skip
            attachment_id = filed[0].attachment_ids[0]
            client, _key = open311.issue_key(
                db.session, current_keyring(), users[staff_name(Role.ADMIN)], OPEN311_CLIENT, now
            )
            client_id = client.id
    markers = {*SUBJECTS, INFORMANT, DEPARTMENT, CATEGORY, HOLIDAY, NARRATIVE, NOTE, UPDATE}
    markers.add(OPEN311_CLIENT)
    markers |= {staff_name(role) for role in Role} | {FILE_NAME}
    values = {
        "case_id": filed[0].case_id,
        "attachment_id": attachment_id,
        "request_id": request_id,
        "user_id": staff[Role.INTAKE.value],
        "department_id": department_id,
        "category_id": category_id,
        "day": "2031-03-04",
        "client_id": str(client_id),
    }
    world = SecondOrganisation(organisation_id, values, markers, {f.case_id for f in filed})
    world.codes = [f.tracking_code for f in filed]
    world.markers |= {f.reference for f in filed}
    return world


def _work_on_cases(
    app: Flask, filed: list[FiledCase], staff: dict[str, int], now: datetime
) -> None:
    with app.app_context():
        keyring = current_keyring()
        intake_officer = db.session.get(User, staff[Role.INTAKE.value])
        assert intake_officer is not None
        complaint = filed[0].case_id
        case_actions.add_note(db.session, keyring, intake_officer, complaint, note=NOTE, now=now)
        case = case_actions.post_update(
            db.session, keyring, intake_officer, complaint, message=UPDATE, now=now
        )
        notices.notify_complainant(db.session, keyring, case, now)
        db.session.commit()
        case_links.link(
            db.session, keyring, intake_officer, filed[1].case_id, filed[0].reference, now=now
        )
        db.session.commit()


def _approved_reveal(app: Flask, tip_id: str, now: datetime) -> str:
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        legal = users[staff_name(Role.LEGAL)]
        ensure_personal_key(db.session, current_keyring(), legal, PASSWORD, now)
        asked = reveal_service.request_reveal(
            db.session, current_keyring(), legal, tip_id, "ต้องสอบปากคำผู้แจ้งของบีก่อนส่งเรื่อง", now
        )
        reveal_service.approve_reveal(
            db.session, current_keyring(), users[CUSTODIAN], CUSTODIAN_PASSPHRASE, asked.id, now
        )
        return str(asked.id)


def rows_of(app: Flask, organisation_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every row the organisation owns, table by table, read past both walls."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with app.app_context(), db.engine.connect() as connection:
        open_every_organisation(connection)
        for table in db.metadata.sorted_tables:
            if "organisation_id" not in table.c:
                continue
            query = sa.select(table).where(table.c.organisation_id == organisation_id)
            order = list(table.primary_key.columns) or list(table.columns)
            found[table.name] = [tuple(row) for row in connection.execute(query.order_by(*order))]
    return found


def leaves(value: Any, seen: set[int] | None = None) -> list[Any]:
    """Every plain value inside what a service returned (dataclasses, mapped rows, lists,
    dicts), for looking for another organisation's words and ids."""
    seen = set() if seen is None else seen
    if isinstance(value, str | int | float | bytes | date) or value is None:
        return [value]
    if id(value) in seen:
        return []
    seen.add(id(value))
    if isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple | set | frozenset):
        items = list(value)
    elif dataclasses.is_dataclass(value):
        items = [getattr(value, f.name) for f in dataclasses.fields(value)]
    elif hasattr(value, "__table__"):
        items = [getattr(value, c.key) for c in value.__table__.columns]
        items.append(f"organisation_id={getattr(value, 'organisation_id', None)}")
    elif hasattr(value, "_asdict"):
        items = list(value._asdict().values())
    else:
        items = [str(value)]
    return [leaf for item in items for leaf in leaves(item, seen)]
