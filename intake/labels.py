"""User-facing names of the domain's codes, in one place, through Babel."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from intake import cleaning
from intake.deadlines import DeadlineState
from intake.models import AccusedRole, CaseKind, Channel, EventType, RevealStatus, Role
from intake.workflow import Status

KIND = {
    CaseKind.COMPLAINT: _l("เรื่องร้องเรียน/ร้องทุกข์"),
    CaseKind.TIP: _l("แจ้งเบาะแสการทุจริตและประพฤติมิชอบ"),
}

CHANNEL = {
    Channel.WEB: _l("เว็บไซต์"),
    Channel.WALK_IN: _l("ติดต่อด้วยตนเอง"),
    Channel.PHONE: _l("โทรศัพท์"),
    Channel.LETTER: _l("หนังสือ/จดหมาย"),
    Channel.EMAIL: _l("อีเมล"),
    Channel.SOCIAL: _l("Facebook/LINE"),
    Channel.DAMRONGDHAM: _l("ส่งต่อจากศูนย์ดำรงธรรม"),
    Channel.AGENCY: _l("ส่งต่อจากหน่วยงานอื่น"),
    Channel.OPEN311: _l("ระบบอื่นส่งเข้ามา (Open311)"),
    Channel.LINE: _l("แชต LINE Official Account"),
}

ACCUSED_ROLE = {
    AccusedRole.EXECUTIVE: _l("ผู้บริหาร"),
    AccusedRole.STAFF: _l("เจ้าหน้าที่ของหน่วยงาน"),
    AccusedRole.OTHER: _l("บุคคลอื่น/ไม่ทราบ"),
}

STATUS = {
    Status.RECEIVED: _l("รับเรื่อง"),
    Status.SCREENING: _l("กำลังพิจารณา"),
    Status.ASSIGNED: _l("ส่งหน่วยงานดำเนินการ"),
    Status.IN_PROGRESS: _l("อยู่ระหว่างดำเนินการ"),
    Status.RESOLVED: _l("ดำเนินการแล้วเสร็จ"),
    Status.REJECTED: _l("ไม่รับพิจารณา/ยุติเรื่อง"),
    Status.REFERRED: _l("ส่งต่อหน่วยงานภายนอก"),
}

STATUS_EXPLAINED = {
    Status.RECEIVED: _l("เราได้รับเรื่องของท่านแล้ว และจะพิจารณาโดยเร็ว"),
    Status.SCREENING: _l("เจ้าหน้าที่กำลังตรวจสอบและพิจารณาเรื่องของท่าน"),
    Status.ASSIGNED: _l("เรื่องของท่านถูกส่งให้หน่วยงานที่รับผิดชอบดำเนินการแล้ว"),
    Status.IN_PROGRESS: _l("หน่วยงานที่รับผิดชอบกำลังดำเนินการเรื่องของท่าน"),
    Status.RESOLVED: _l("การดำเนินการเรื่องของท่านเสร็จสิ้นแล้ว"),
    Status.REJECTED: _l(
        "เรื่องนี้ไม่ได้รับการพิจารณาดำเนินการ และยุติเรื่องแล้ว เหตุผลที่เจ้าหน้าที่แจ้งอยู่ด้านล่าง"
    ),
    Status.REFERRED: _l(
        "เราไม่ได้ดำเนินการเรื่องนี้เอง แต่ได้ส่งต่อไปยังหน่วยงานภายนอกที่มีอำนาจหน้าที่ตามด้านล่าง"
    ),
}

# When a closed case ended, said as what happened: a rejected or referred case was not
# "completed", so each closed state has its own words.
CLOSED_ON = {
    Status.RESOLVED: _l("ดำเนินการแล้วเสร็จเมื่อ"),
    Status.REJECTED: _l("ยุติเรื่องเมื่อ"),
    Status.REFERRED: _l("ส่งต่อเมื่อ"),
}

# What the person can do next, once the case is closed.
NEXT_STEP = {
    Status.RESOLVED: _l(
        "หากท่านเห็นว่าปัญหายังไม่ได้รับการแก้ไข โปรดยื่นเรื่องใหม่โดยระบุเลขที่เรื่องเดิม %(reference)s "
        "หรือติดต่อ%(unit)s"
    ),
    Status.REJECTED: _l(
        "หากท่านมีข้อเท็จจริงหรือหลักฐานใหม่ที่ตอบเหตุผลข้างต้นได้ ท่านยื่นเรื่องใหม่ได้ โดยระบุเลขที่เรื่องเดิม "
        "%(reference)s และแนบข้อมูลใหม่นั้น หากท่านไม่เห็นด้วยกับเหตุผล โปรดติดต่อ%(unit)s"
    ),
    Status.REFERRED: _l(
        "เรื่องนี้อยู่ในความรับผิดชอบของหน่วยงานปลายทางแล้ว โปรดติดตามผลกับหน่วยงานนั้นโดยตรง "
        "และแจ้งว่าเป็นเรื่องที่ส่งต่อจาก%(organisation)s เลขที่ %(reference)s"
    ),
}

DEADLINE = {
    DeadlineState.ON_TRACK: _l("อยู่ในกำหนด"),
    DeadlineState.DUE_SOON: _l("ใกล้ครบกำหนด"),
    DeadlineState.OVERDUE: _l("เกินกำหนด"),
    DeadlineState.MET: _l("ตอบแล้ว"),
}

# The satisfaction survey: its questions (services.satisfaction.SCORES) and its scale,
# the same on the status page and in a LINE chat.
SURVEY_QUESTIONS = {
    "speed": _l("ความรวดเร็วในการดำเนินการ"),
    "fairness": _l("ความเป็นธรรมในการพิจารณาเรื่อง"),
    "clarity": _l("ความชัดเจนของการชี้แจงและการแจ้งผล"),
    "overall": _l("ความพึงพอใจโดยรวม"),
}
SURVEY_SCALE = [
    (5, _l("5 – พอใจมากที่สุด")),
    (4, _l("4 – พอใจมาก")),
    (3, _l("3 – พอใจปานกลาง")),
    (2, _l("2 – พอใจน้อย")),
    (1, _l("1 – พอใจน้อยที่สุด")),
]

EVENT = {
    EventType.FILED: _l("รับเรื่องเข้าระบบ"),
    EventType.STATUS: _l("เปลี่ยนสถานะ"),
    EventType.INTERIM_NOTICE: _l("แจ้งความคืบหน้า"),
    EventType.UPDATE: _l("ข้อความถึงผู้ร้องเรียน"),
    EventType.NOTE: _l("บันทึกภายใน"),
    EventType.MOVED: _l("ย้ายไปช่องทางแจ้งเบาะแสการทุจริต"),
    EventType.QUESTION: _l("คำถามถึงผู้ร้อง/ผู้แจ้ง"),
    EventType.REPLY: _l("ข้อความจากผู้ร้อง/ผู้แจ้ง"),
}


@dataclass(frozen=True)
class Agency:
    """An external agency a case may be referred to, and how to reach it afterwards: its
    national hotline and address, shown as text (no link, no request to another host)."""

    name: LazyString
    contact: LazyString | None = None


REFERRAL = {
    "nacc": Agency(_l("สำนักงาน ป.ป.ช."), _l("สายด่วน ป.ป.ช. 1205 · www.nacc.go.th")),
    "pacc": Agency(_l("สำนักงาน ป.ป.ท."), _l("สายด่วน ป.ป.ท. 1206 · www.pacc.go.th")),
    "damrongdham": Agency(
        _l("ศูนย์ดำรงธรรม"),
        _l("สายด่วนศูนย์ดำรงธรรม 1567 · ศูนย์ดำรงธรรมจังหวัดที่ศาลากลางจังหวัด"),
    ),
    "oag": Agency(
        _l("สำนักงานการตรวจเงินแผ่นดิน (สตง.)"),
        _l("สำนักงานการตรวจเงินแผ่นดิน หรือสำนักงานการตรวจเงินแผ่นดินจังหวัด · www.audit.go.th"),
    ),
    "other": Agency(_l("หน่วยงานอื่น")),
}

REVEAL_STATUS = {
    RevealStatus.PENDING: _l("รอการพิจารณา"),
    RevealStatus.APPROVED: _l("อนุมัติแล้ว"),
    RevealStatus.REFUSED: _l("ไม่อนุมัติ"),
    RevealStatus.REVOKED: _l("ยกเลิกแล้ว"),
    RevealStatus.EXPIRED: _l("หมดอายุ"),
}

ROLE = {
    Role.INTAKE: _l("เจ้าหน้าที่รับเรื่อง"),
    Role.LEGAL: _l("นิติกร"),
    Role.DEPARTMENT: _l("เจ้าหน้าที่กอง"),
    Role.CUSTODIAN: _l("ผู้ดูแลข้อมูลตัวตน"),
    Role.EXECUTIVE: _l("ผู้บริหาร"),
    Role.ADMIN: _l("ผู้ดูแลระบบ"),
    Role.AUDITOR: _l("ผู้ตรวจสอบ"),
}


@dataclass(frozen=True)
class Breakdown:
    """One of the statistics' breakdowns (page, open data and reports): its title, and its
    table's first column header."""

    title: LazyString
    column: LazyString


BREAKDOWN = {
    "category": Breakdown(_l("จำแนกตามประเภทเรื่อง"), _l("ประเภทเรื่อง")),
    "channel": Breakdown(_l("จำแนกตามช่องทางการรับเรื่อง"), _l("ช่องทาง")),
    "department": Breakdown(_l("จำแนกตามหน่วยงานที่รับผิดชอบ"), _l("หน่วยงาน")),
    "outcome": Breakdown(_l("จำแนกตามผลการดำเนินการ"), _l("ผลการดำเนินการ")),
}

# What metadata cleaning removed from a file, or could not (intake.cleaning).
METADATA = {
    cleaning.LOCATION: _l("ตำแหน่ง (GPS)"),
    cleaning.DEVICE: _l("ยี่ห้อและรุ่นของอุปกรณ์ และโปรแกรมที่ใช้"),
    cleaning.DATES: _l("วันเวลาที่สร้างและแก้ไข"),
    cleaning.AUTHOR: _l("ชื่อผู้สร้างและผู้แก้ไข"),
    cleaning.ORGANISATION: _l("ชื่อบริษัทหรือหน่วยงาน"),
    cleaning.PROPERTIES: _l("คุณสมบัติของไฟล์ (เช่น ชื่อเรื่อง EXIF XMP)"),
    cleaning.COMMENTS: _l("ความคิดเห็นและชื่อผู้เขียนความคิดเห็น"),
    cleaning.REVISIONS: _l("ประวัติการแก้ไขและชื่อผู้แก้ไข"),
    cleaning.TAGS: _l("แท็ก (เช่น ชื่อศิลปิน ชื่อเรื่อง ความเห็น)"),
    cleaning.THUMBNAIL: _l("ภาพตัวอย่างของไฟล์"),
    cleaning.PRINTER: _l("ชื่อเครื่องพิมพ์"),
    cleaning.SCRIPTS: _l("สคริปต์และไฟล์ที่แนบซ่อนไว้"),
    cleaning.PICTURES: _l("ข้อมูลแฝงในรูปภาพที่อยู่ในไฟล์"),
    cleaning.CONTENT: _l("สิ่งที่เห็นหรือได้ยินในไฟล์ (ข้อความ ภาพ เสียง)"),
    cleaning.OTHER_PICTURES: _l("ข้อมูลแฝงในรูปภาพชนิดอื่นที่อยู่ในไฟล์ (เช่น TIFF, EMF)"),
}
