"""The previous version's data, made through that version's services on a fixed clock:
the steps of tests/data/make_previous_version_fixtures.py (see there how to run it). Only
that script imports this module, with the previous version's checkout first on the path.
"""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

STAFF_PASSWORD = "a staff password 1"  # noqa: S105 (test data, committed on purpose)
CUSTODIAN_PASSPHRASE = "correct horse battery staple"  # noqa: S105
SECOND_PASSPHRASE = "another custodian's long passphrase"  # noqa: S105
TIPSTER = "นายผู้แจ้ง กล้าหาญ"
REASON = "ต้องสอบปากคำผู้แจ้งเพื่อยืนยันข้อเท็จจริงตามมาตรา 59 ก่อนส่งเรื่องให้ ป.ป.ช."
START = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)  # Monday 9:00 in Bangkok, FY 2570
REVEAL_APPROVED_AT = datetime(2026, 11, 16, 3, 0, tzinfo=UTC)
STAFF = (  # username, role, department (by position among the departments), e-mail
    ("intake1", "intake", None, "intake1@example.org"),
    ("legal1", "legal", None, "legal1@example.org"),
    ("dept1", "department", 0, "dept1@example.org"),
    ("exec1", "executive", None, ""),
    ("admin1", "admin", None, ""),
    ("auditor1", "auditor", None, ""),
)


def _pdf(label: str) -> bytes:
    import pikepdf

    document = pikepdf.new()
    document.add_blank_page()
    document.docinfo["/Author"] = "ผู้เขียนที่ต้องถูกลบ"
    document.Root.Label = pikepdf.String(label)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _png(shade: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (24, 16), (shade, 90, 160)).save(out, "PNG")
    return out.getvalue()


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


class Population:
    """The previous version's services, called as its pages would, on a fixed clock."""

    def __init__(self, app: Any) -> None:
        from intake.extensions import db
        from intake.services.keyring import current_keyring

        self.app = app
        self.session = db.session
        self.keyring = current_keyring()
        self.uploads = Path(app.config["INTAKE_UPLOADS_PATH"])
        self.codes: dict[str, str] = {}  # case id -> tracking code
        self.staff: dict[str, Any] = {}

    def at(self, days: float, hours: float = 0) -> datetime:
        return START + timedelta(days=days, hours=hours)

    def make_staff(self) -> None:
        from sqlalchemy import select

        from intake.models import Department, Role
        from intake.services.auth import register_user
        from intake.services.identity import add_custodian
        from intake.services.personal_keys import ensure_personal_key
        from intake.services.users import create_user, find_user

        departments = list(self.session.scalars(select(Department.id).order_by(Department.id)))
        for username, role, department, email in STAFF:
            department_id = departments[department] if department is not None else None
            made = register_user(
                self.session,
                self.keyring,
                username,
                f"{username} (ทดสอบ)",
                Role(role),
                STAFF_PASSWORD,
                "องค์กรทดสอบ",
                department_id,
            ).user
            made.email = email
            self.staff[username] = made
        lead = self.staff["legal1"]
        lead.is_lead = True
        ensure_personal_key(self.session, self.keyring, lead, STAFF_PASSWORD, self.at(0))
        self.session.commit()
        first = find_user(self.session, "custodian")
        second = create_user(self.session, "custodian2", "ผู้ดูแลคนที่สอง", Role.CUSTODIAN, None)
        add_custodian(
            self.session,
            self.keyring,
            first,
            CUSTODIAN_PASSPHRASE,
            second,
            SECOND_PASSPHRASE,
            self.at(0, 1),
        )
        self.staff["custodian"] = first

    def prepared(self, files: list[tuple[str, bytes]], *, tip: bool) -> list[Any]:
        from intake.attachments import Limits, prepare

        return prepare(files, Limits(), scrub_images=True, clean_all_types=tip)

    def file(self, kind: str, days: float, files: list[tuple[str, bytes]], **fields: Any) -> str:
        from intake.models import CaseKind
        from intake.services.filing import FilingInput, file_case

        prepared = self.prepared(files, tip=kind == "tip")
        data = FilingInput(kind=CaseKind(kind), attachments=prepared, **fields)
        filed = file_case(self.session, self.keyring, self.uploads, data, self.at(days))
        self.codes[filed.case_id] = filed.tracking_code
        return filed.case_id

    def populate(self) -> dict[str, Any]:
        from intake.models import CaseKind
        from intake.services import (
            case_actions,
            extra_holidays,
            followup,
            reopen_requests,
            report_narratives,
            reveal,
            satisfaction,
        )
        from intake.services.report_periods import ReportKey

        s, k, staff = self.session, self.keyring, self.staff
        self.make_staff()
        reporter = {"name": "สมชาย ใจดี", "phone": "0812345678", "email": "somchai@example.org"}
        street = self.file(
            "complaint",
            0,
            [("ไฟดับ.png", _png(40)), ("หนังสือ.pdf", _pdf("a"))],
            subject="ไฟถนนดับหน้าโรงเรียน",
            details="ไฟถนนหน้าโรงเรียนดับมาสามคืนแล้ว",
            location="หมู่ 3",
            reporter=reporter,
        )
        road = self.file(
            "complaint",
            1,
            [("ถนน.png", _png(120))],
            subject="ถนนเป็นหลุมลึก",
            details="ถนนสายหลักหน้าวัดเป็นหลุมลึก รถจักรยานยนต์ล้ม",
            reporter={"name": "สมศรี มีสุข", "phone": "0898765432"},
        )
        noise = self.file(
            "complaint",
            2,
            [],
            subject="เสียงดังยามวิกาล",
            details="ร้านค้าเปิดเพลงดังถึงตีสอง",
            reporter={"name": "มานะ ขยัน", "phone": "0861112222"},
        )
        waste = self.file(
            "complaint",
            3,
            [],
            subject="ขยะไม่ถูกเก็บ",
            details="รถเก็บขยะไม่มาสองสัปดาห์",
            reporter={"name": "ปิติ ยินดี", "phone": "0863334444"},
        )
        water = self.file(
            "complaint",
            4,
            [],
            subject="น้ำประปาขุ่น",
            details="น้ำประปาขุ่นเป็นสีดินทั้งหมู่บ้าน",
            reporter={"name": "ชูใจ รักดี", "phone": "0865556666"},
        )
        bribe = self.file(
            "tip",
            5,
            [("ใบเสร็จ.pdf", _pdf("b"))],
            anonymous=True,
            subject="เรียกรับเงินในการออกใบอนุญาต",
            details="เจ้าหน้าที่ขอเงินห้าพันบาท",
            accused="เจ้าหน้าที่กองช่าง",
        )
        named = self.file(
            "tip",
            6,
            [("ภาพถ่าย.png", _png(200))],
            anonymous=False,
            subject="ฮั้วประมูลก่อสร้างถนน",
            details="ผู้รับเหมาสามรายเสนอราคาใกล้กันผิดปกติ",
            reporter={"name": TIPSTER, "phone": "0812345678"},
        )
        car = self.file(
            "tip",
            7,
            [],
            anonymous=True,
            subject="ใช้รถราชการไปธุระส่วนตัว",
            details="รถกระบะของ อบต. จอดที่บ้านพักทุกสุดสัปดาห์",
        )
        officer, department = staff["intake1"], staff["dept1"]
        # A complaint answered and closed; its complainant rates it, then asks to reopen.
        case_actions.assign(
            s, k, officer, street, department_id=department.department_id, now=self.at(1)
        )
        case_actions.post_update(
            s, k, department, street, message="ช่างจะเข้าซ่อมในสัปดาห์นี้", now=self.at(3)
        )
        case_actions.resolve(s, k, department, street, message="เปลี่ยนหลอดไฟแล้ว", now=self.at(8))
        satisfaction.record_answers(
            s, k, street, satisfaction.SurveyAnswers(5, 4, 5, 5, "บริการรวดเร็ว"), self.at(9)
        )
        reopen_requests.ask(
            s, k, self.uploads, street, message="ไฟดับอีกแล้ว", files=[], now=self.at(12)
        )
        # A complaint reopened on request, with an interim notice on the way.
        case_actions.assign(
            s, k, officer, road, department_id=department.department_id, now=self.at(2)
        )
        case_actions.interim_notice(
            s,
            k,
            department,
            road,
            reason="รองบประมาณ",
            progress="สำรวจพื้นที่แล้ว",
            expected=date(2026, 10, 20),
            now=self.at(5),
        )
        followup.post_reply(
            s, k, self.uploads, road, message="หลุมใหญ่ขึ้นทุกวัน", files=[], now=self.at(6)
        )
        case_actions.resolve(s, k, department, road, message="ซ่อมแล้ว", now=self.at(10))
        reopen_requests.ask(
            s, k, self.uploads, road, message="ซ่อมไม่เรียบร้อย", files=[], now=self.at(11)
        )
        reopen_requests.grant(s, k, officer, road, message="รับเรื่องกลับมาดำเนินการ", now=self.at(12))
        case_actions.reject(s, k, officer, noise, reason="เป็นเรื่องของตำรวจ", now=self.at(3))
        case_actions.assign(
            s, k, officer, waste, department_id=department.department_id, now=self.at(4)
        )
        # Tips: one answered with a public reply from the tipster, one revealed.
        legal = staff["legal1"]
        case_actions.add_note(s, k, legal, bribe, note="ตรวจสอบเอกสาร", now=self.at(6))
        case_actions.assign(
            s, k, legal, bribe, department_id=department.department_id, now=self.at(6, 1)
        )
        case_actions.refer(s, k, legal, car, destination="nacc", now=self.at(9))
        more = self.prepared([("เพิ่มเติม.pdf", _pdf("c"))], tip=True)
        followup.post_reply(
            s, k, self.uploads, bribe, message="มีหลักฐานเพิ่มเติม", files=more, now=self.at(7)
        )
        asked = reveal.request_reveal(
            s, k, legal, named, REASON, REVEAL_APPROVED_AT - timedelta(hours=4)
        )
        reveal.approve_reveal(
            s, k, staff["custodian"], CUSTODIAN_PASSPHRASE, asked.id, REVEAL_APPROVED_AT
        )
        opened = reveal.view_identity(
            s, k, legal, asked.id, STAFF_PASSWORD, REVEAL_APPROVED_AT + timedelta(hours=1)
        )
        assert opened.fields.get("name") == TIPSTER, opened.fields
        extra_holidays.add_holiday(
            s, k, staff["admin1"], day=date(2026, 12, 30), name="วันหยุดพิเศษของท้องถิ่น", now=self.at(20)
        )
        report_narratives.save_narrative(
            s,
            k,
            staff["exec1"],
            ReportKey(CaseKind.COMPLAINT, 2570, 1),
            report_narratives.Narrative(
                problems="เรื่องไฟฟ้าสาธารณะมาก",
                remedies="ตรวจไฟทุกเดือน",
                prepared_name="ผู้จัดทำ",
                prepared_on=date(2026, 11, 20),
            ),
            self.at(45),
        )
        del water  # left as received
        return {
            "reveal": {
                "request_id": asked.id,
                "requester": legal.username,
                "approved_at": REVEAL_APPROVED_AT.isoformat(),
                "expires_at": opened.expires_at.isoformat(),
                "identity_name": TIPSTER,
            }
        }
