"""Builders for form posts and cases, so tests say only what matters to them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

VALID_NATIONAL_ID = "1101700230708"


def complaint_form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "subject": "ไฟถนนดับหน้าโรงเรียน",
        "details": "ไฟถนนหน้าโรงเรียนบ้านหนองบัวดับมาสามคืนแล้ว เด็กกลับบ้านมืด",
        "category": "",
        "location": "หมู่ 3 ถนนหนองบัว",
        "incident_date": "",
        "reporter_name": "สมชาย ใจดี",
        "reporter_phone": "081-234-5678",
        "reporter_email": "",
        "reporter_address": "",
        "reporter_national_id": "",
    }
    data.update(changes)
    return data


def tip_form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "subject": "เรียกรับเงินในการออกใบอนุญาตก่อสร้าง",
        "details": "เจ้าหน้าที่ขอเงินห้าพันบาทเพื่อให้ออกใบอนุญาตเร็วขึ้น",
        "category": "",
        "accused": "",
        "location": "",
        "incident_date": "",
        "anonymous": "y",
        "reporter_name": "",
        "reporter_phone": "",
        "reporter_email": "",
        "reporter_address": "",
        "reporter_national_id": "",
    }
    data.update(changes)
    if data.get("anonymous") in (None, False, ""):
        data.pop("anonymous", None)
    return data


def interim_parts(now: datetime, **changes: Any) -> dict[str, Any]:
    """An interim notice's parts as the service takes them: finished within a week."""
    from intake.thaidate import local_date

    data: dict[str, Any] = {
        "reason": "รอผลตรวจสอบจากสำนักงานที่ดิน",
        "progress": "เจ้าหน้าที่ลงพื้นที่ตรวจแล้ว",
        "expected": local_date(now) + timedelta(days=7),
    }
    data.update(changes)
    return data
