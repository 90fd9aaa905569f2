"""Registering a case from the staff side."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Flask
from sqlalchemy import select

from intake import thaidate
from intake.extensions import db
from intake.models import CaseKind, Category
from tests.support.builders import complaint_form

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def bangkok_today() -> date:
    return thaidate.local_date(datetime.now(UTC))


def be_text(day: date, thai_digits: bool = False) -> str:
    text = f"{day.day}/{day.month}/{day.year + 543}"
    return text.translate(THAI_DIGITS) if thai_digits else text


def registration(**changes: Any) -> dict[str, Any]:
    data = complaint_form(
        kind="complaint",
        channel="walk_in",
        received_date=be_text(bangkok_today()),
        received_time="00:00",  # today at midnight: never in the future, whatever the hour
    )
    data.update(changes)
    return data


def category_id(app: Flask, kind: CaseKind) -> int:
    with app.app_context():
        query = select(Category.id).where(Category.kind == kind, Category.active.is_(True))
        return db.session.scalars(query.order_by(Category.id)).first() or 0
