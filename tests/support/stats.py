"""Cases filed at chosen instants, for the statistics pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from intake.extensions import db
from intake.models import Case, CaseKind, Category, Channel, Department
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from intake.workflow import CLOSED, Status

FY = 2569


NOW = datetime(2026, 9, 30, 9, tzinfo=UTC)  # 16:00 in Bangkok, the last day of FY 2569


OCTOBER = datetime(2025, 10, 1, 2, tzinfo=UTC)  # 09:00 in Bangkok, the first day


NOVEMBER = datetime(2025, 11, 14, 3, tzinfo=UTC)


APRIL = datetime(2026, 4, 2, 3, tzinfo=UTC)


SEPTEMBER = datetime(2026, 9, 1, 3, tzinfo=UTC)


@dataclass
class Filing:
    kind: CaseKind
    at: datetime
    category: int | None = None  # index among the kind's demo categories
    channel: Channel = Channel.WEB
    department: int | None = None  # index among the demo departments (else the category's)
    status: Status = Status.RECEIVED
    answered_in_days: int = 3


def file_cases(app: Flask, *filings: Filing, now: datetime = NOW) -> None:
    with app.app_context():
        keyring = current_keyring()
        uploads = Path(app.config["INTAKE_UPLOADS_PATH"])
        departments = list(db.session.scalars(select(Department).order_by(Department.id)))
        for filing in filings:
            categories = list(
                db.session.scalars(
                    select(Category).where(Category.kind == filing.kind).order_by(Category.id)
                )
            )
            category_id = None if filing.category is None else categories[filing.category].id
            data = FilingInput(
                kind=filing.kind,
                subject="ก",
                details="ข",
                channel=filing.channel,
                category_id=category_id,
                received_at=filing.at,
            )
            filed = file_case(db.session, keyring, uploads, data, now)
            case = db.session.get(Case, filed.case_id)
            assert case is not None
            if filing.department is not None:
                case.department_id = departments[filing.department].id
            case.status = filing.status
            if filing.status in CLOSED:
                case.closed_at = filing.at + timedelta(days=filing.answered_in_days)
                case.first_response_at = case.closed_at
            db.session.commit()


COMPLAINTS = (
    Filing(CaseKind.COMPLAINT, OCTOBER, 0, Channel.WEB, status=Status.RESOLVED),
    Filing(CaseKind.COMPLAINT, OCTOBER, 0, Channel.PHONE, status=Status.REJECTED),
    Filing(
        CaseKind.COMPLAINT, NOVEMBER, 3, Channel.LETTER, status=Status.RESOLVED, answered_in_days=40
    ),
    Filing(CaseKind.COMPLAINT, NOVEMBER, 3, Channel.WALK_IN, status=Status.REFERRED),
    Filing(CaseKind.COMPLAINT, APRIL, 6, Channel.DAMRONGDHAM, department=0),
    Filing(CaseKind.COMPLAINT, SEPTEMBER, None, Channel.EMAIL),
)


# Tips of FY 2569, filed through the service: in the first half one category holds a single
# tip, beside 5 and 8 in two others; in the second half that category holds 3 and another 4.
# The old rule showed the single tip as "< 3" beside the 5 and the 8 (14 - 5 - 8 = 1), and
# the year as 4 beside the second half's 3 (4 - 3 = 1).
LONE, FIVE, EIGHT = 0, 1, 2
SUBTRACTION_TIPS = (
    Filing(CaseKind.TIP, OCTOBER, LONE),
    *[Filing(CaseKind.TIP, NOVEMBER, FIVE, status=Status.RESOLVED)] * 5,
    *[Filing(CaseKind.TIP, NOVEMBER + timedelta(days=30), EIGHT)] * 8,
    *[Filing(CaseKind.TIP, APRIL, LONE, Channel.LETTER)] * 3,
    *[Filing(CaseKind.TIP, SEPTEMBER, FIVE, Channel.PHONE)] * 4,
)
