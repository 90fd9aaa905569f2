"""Organisation settings and the reference data every form needs."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from intake.models import CaseKind, Category, Department, ExtraHoliday, Organisation
from intake.organisation_scope import current_organisation
from intake.services import DbSession

DEFAULT_ORGANISATION = {
    "name_th": "องค์การบริหารส่วนตำบลตัวอย่าง",
    "name_en": "Example Subdistrict Administrative Organization",
    "unit_name_th": "ศูนย์รับเรื่องร้องเรียน/ร้องทุกข์ สำนักปลัด",
    "unit_name_en": "Complaint Centre, Office of the Permanent Secretary",
    "address": "",
    "phone": "",
    "email": "",
    "office_hours": "วันจันทร์–ศุกร์ 08:30–16:30 น.",
    "office_hours_en": "Monday–Friday 08:30–16:30",
    "officer_title_th": "นิติกรชำนาญการ",
    "officer_title_en": "Legal Officer",
    "tip_unit_name_th": "ฝ่ายนิติการ สำนักปลัด",
    "tip_unit_name_en": "Legal Affairs Section, Office of the Permanent Secretary",
    "hotline": "0 4300 0000",
    "line_id": "@example-sao",
    # Empty: the demo must not link to someone's real page (and /guide then links nowhere).
    "facebook_url": "",
    "centre_location_th": "ชั้น 1 อาคารสำนักงาน องค์การบริหารส่วนตำบลตัวอย่าง (ห้องประชาสัมพันธ์)",
    "centre_location_en": "Ground floor, Example SAO office building (public relations desk)",
    "address_en": "",
    # The tip unit's own contacts; empty: the tip guideline sends people to the unit by name.
    "tip_phone": "",
    "tip_email": "",
    "tip_location_th": "",
    "tip_location_en": "",
}


# The host's pages, on an installation of several organisations, name the host instead.
HOST_NAME = "ศูนย์รับเรื่องร้องเรียนองค์กรปกครองส่วนท้องถิ่น"
HOST_NAME_EN = "Local Government Complaint Centre"

_CACHE_KEY = "intake.organisation"


def get_organisation(session: DbSession) -> Organisation:
    """The settings row; an unsaved default when `intake init` has not run yet.

    Read once per session (a request asks for it several times): the row stays in the
    session, and a commit expires it like any other, so a change is seen at once."""
    cached = session.info.get(_CACHE_KEY)
    if cached is not None and cached in session:
        return cached
    organisation = current_organisation(session)
    if organisation is None:
        return Organisation(id=0, **DEFAULT_ORGANISATION)
    session.info[_CACHE_KEY] = organisation
    return organisation


def extra_holidays(session: DbSession) -> list[date]:
    return list(session.scalars(select(ExtraHoliday.day)))


def categories_for(session: DbSession, kind: CaseKind) -> list[Category]:
    query = (
        select(Category)
        .where(Category.kind == kind, Category.active.is_(True))
        .order_by(Category.position, Category.id)
    )
    return list(session.scalars(query))


def departments(session: DbSession) -> list[Department]:
    query = select(Department).where(Department.active.is_(True)).order_by(Department.id)
    return list(session.scalars(query))


def host_organisation(name_th: str, name_en: str) -> Organisation:
    """What the page layout shows for the host itself: its name, and no organisation's
    contacts."""
    blank = dict.fromkeys(DEFAULT_ORGANISATION, "")
    return Organisation(
        id=0, **{**blank, "name_th": name_th or HOST_NAME, "name_en": name_en or HOST_NAME_EN}
    )
