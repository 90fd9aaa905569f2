"""Cases seeded for the ITA reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from intake.extensions import db
from intake.models import CaseKind, Category, Channel, Role, User
from intake.services import case_actions
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from tests.support.staff import make_staff

# 20 April 2569, 10:00 in Bangkok: the first half of FY 2569 has ended.
NOW = datetime(2026, 4, 20, 3, 0, tzinfo=UTC)


LIGHTING = "ไฟฟ้าส่องสว่าง"


ROADS = "ถนน ทางเท้า สะพาน"


WASTE = "ขยะ สิ่งปฏิกูล"


BRIBERY = "การเรียกรับเงินหรือผลประโยชน์"


PROCUREMENT = "การจัดซื้อจัดจ้าง"


def bangkok_ten(year: int, month: int, day: int) -> datetime:
    """10:00 in Bangkok on that day."""
    return datetime(year, month, day, 3, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Filed:
    kind: CaseKind
    category: str
    received: datetime
    channel: Channel = Channel.WEB
    # (action, days after receipt) or None: still open
    close: tuple[str, int] | None = None


DATA = [
    # the half before (April–September 2568): the previous period of the same length
    Filed(CaseKind.COMPLAINT, LIGHTING, bangkok_ten(2025, 6, 2), close=("resolve", 2)),
    Filed(CaseKind.COMPLAINT, LIGHTING, bangkok_ten(2025, 6, 16), close=("resolve", 2)),
    Filed(CaseKind.COMPLAINT, WASTE, bangkok_ten(2025, 7, 1), close=("resolve", 2)),
    # the first half of 2569
    Filed(CaseKind.COMPLAINT, LIGHTING, bangkok_ten(2025, 10, 6), close=("resolve", 3)),
    Filed(CaseKind.COMPLAINT, LIGHTING, bangkok_ten(2025, 10, 20), Channel.PHONE, ("reject", 2)),
    Filed(CaseKind.COMPLAINT, ROADS, bangkok_ten(2025, 11, 10)),  # overdue and long-running
    Filed(CaseKind.COMPLAINT, LIGHTING, bangkok_ten(2026, 1, 5), close=("resolve", 25)),  # late
    Filed(CaseKind.COMPLAINT, WASTE, bangkok_ten(2026, 1, 12), Channel.LETTER, ("refer", 2)),
    Filed(CaseKind.COMPLAINT, ROADS, bangkok_ten(2026, 3, 25)),  # overdue, not long-running
    # after the period: overdue by NOW, but not this report's
    Filed(CaseKind.COMPLAINT, ROADS, bangkok_ten(2026, 4, 2)),
    # tips: four of one category, one of another (a line of 1, with too little beside it
    # to hide it with: the breakdown is withheld as "x")
    Filed(CaseKind.TIP, BRIBERY, bangkok_ten(2025, 11, 3), close=("resolve", 5)),
    Filed(CaseKind.TIP, BRIBERY, bangkok_ten(2025, 11, 4), close=("resolve", 5)),
    Filed(CaseKind.TIP, BRIBERY, bangkok_ten(2025, 11, 5)),
    Filed(CaseKind.TIP, BRIBERY, bangkok_ten(2026, 2, 2)),
    Filed(CaseKind.TIP, PROCUREMENT, bangkok_ten(2026, 2, 3), Channel.PHONE),
]


@dataclass
class Seeded:
    references: dict[int, str]  # index in DATA -> reference


def _category_id(name: str) -> int:
    return int(db.session.scalars(select(Category.id).where(Category.name_th == name)).one())


def _close(actor: User, case_id: str, action: str, when: datetime) -> None:
    keyring = current_keyring()
    if action == "resolve":
        case_actions.resolve(db.session, keyring, actor, case_id, message="แก้ไขแล้ว", now=when)
    elif action == "reject":
        case_actions.reject(db.session, keyring, actor, case_id, reason="ไม่อยู่ในอำนาจ", now=when)
    else:
        case_actions.refer(db.session, keyring, actor, case_id, destination="damrongdham", now=when)


def seed(app: Flask) -> Seeded:
    make_staff(app, "desk1", Role.INTAKE)
    make_staff(app, "lawyer1", Role.LEGAL)
    references: dict[int, str] = {}
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        uploads = Path(app.config["INTAKE_UPLOADS_PATH"])
        for index, item in enumerate(DATA):
            filed = file_case(
                db.session,
                current_keyring(),
                uploads,
                FilingInput(
                    kind=item.kind,
                    subject="เรื่องทดสอบ",
                    details="รายละเอียดที่ไม่ควรปรากฏในรายงาน",
                    channel=item.channel,
                    category_id=_category_id(item.category),
                    received_at=item.received,
                ),
                item.received,
            )
            references[index] = filed.reference
            if item.close:
                action, days = item.close
                actor = users["desk1" if item.kind is CaseKind.COMPLAINT else "lawyer1"]
                _close(actor, filed.case_id, action, item.received + timedelta(days=days))
    return Seeded(references)
