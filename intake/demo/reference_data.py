"""The demo departments and categories: what `intake init` adds unless told `--no-demo`.
Idempotent."""

from __future__ import annotations

from sqlalchemy import select

from intake.models import CaseKind, Category, Department
from intake.services import DbSession

DEMO_DEPARTMENTS = [
    ("สำนักปลัด", "Office of the Permanent Secretary"),
    ("กองคลัง", "Finance Division"),
    ("กองช่าง", "Public Works Division"),
    ("กองสาธารณสุขและสิ่งแวดล้อม", "Public Health and Environment Division"),
    ("กองการศึกษา ศาสนาและวัฒนธรรม", "Education, Religion and Culture Division"),
]

# (kind, Thai, English, department index in DEMO_DEPARTMENTS or None)
DEMO_CATEGORIES = [
    (CaseKind.COMPLAINT, "ถนน ทางเท้า สะพาน", "Roads, footpaths and bridges", 2),
    (CaseKind.COMPLAINT, "ไฟฟ้าส่องสว่าง", "Street lighting", 2),
    (CaseKind.COMPLAINT, "น้ำประปา ระบบระบายน้ำ", "Water supply and drainage", 2),
    (CaseKind.COMPLAINT, "ขยะ สิ่งปฏิกูล", "Waste and refuse", 3),
    (CaseKind.COMPLAINT, "เหตุเดือดร้อนรำคาญ กลิ่น เสียง", "Nuisance: smell, noise", 3),
    (CaseKind.COMPLAINT, "การให้บริการของเจ้าหน้าที่", "Service by staff", 0),
    (CaseKind.COMPLAINT, "ภาษีและค่าธรรมเนียม", "Taxes and fees", 1),
    (CaseKind.COMPLAINT, "อื่น ๆ", "Other", 0),
    (CaseKind.TIP, "การจัดซื้อจัดจ้าง", "Procurement", None),
    (CaseKind.TIP, "การเรียกรับเงินหรือผลประโยชน์", "Bribery or demanding benefits", None),
    (CaseKind.TIP, "การใช้ตำแหน่งหน้าที่โดยมิชอบ", "Abuse of position", None),
    (CaseKind.TIP, "การใช้ทรัพย์สินของราชการเพื่อประโยชน์ส่วนตน", "Private use of public property", None),
    (CaseKind.TIP, "การประพฤติมิชอบอื่น ๆ", "Other misconduct", None),
]


def add_demo_reference_data(session: DbSession) -> tuple[int, int]:
    """Add the demo departments and categories that are missing; returns how many."""
    departments: list[Department] = []
    added_departments = 0
    for name_th, name_en in DEMO_DEPARTMENTS:
        department = session.scalars(
            select(Department).where(Department.name_th == name_th)
        ).first()
        if department is None:
            department = Department(name_th=name_th, name_en=name_en)
            session.add(department)
            added_departments += 1
        departments.append(department)
    session.flush()
    added_categories = 0
    for position, (kind, name_th, name_en, department_index) in enumerate(DEMO_CATEGORIES):
        exists = session.scalars(
            select(Category).where(Category.kind == kind, Category.name_th == name_th)
        ).first()
        if exists is None:
            department_id = None if department_index is None else departments[department_index].id
            session.add(
                Category(
                    kind=kind,
                    name_th=name_th,
                    name_en=name_en,
                    department_id=department_id,
                    position=position,
                )
            )
            added_categories += 1
    session.commit()
    return added_departments, added_categories
