"""What each guideline says happens at each status, in the order of the workflow
(intake.workflow.Status): the general complaint's step and, beside it, the corruption
tip's."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from intake.workflow import Status


@dataclass(frozen=True)
class Step:
    """What one status means in each guideline: the general complaint's and the corruption
    tip's. A tip is weighed for grounds, then investigated and, where it holds, punished
    under the rules of discipline or referred to the anti-corruption agencies (measure 43)."""

    complaint: LazyString
    tip: LazyString


STEPS = {
    Status.RECEIVED: Step(
        complaint=_l("ลงทะเบียนรับเรื่อง ออกเลขที่เรื่องและรหัสติดตามเรื่องให้ผู้แจ้งทันที"),
        tip=_l(
            "ลงทะเบียนรับเรื่องในช่องทางแจ้งเบาะแส ออกเลขที่เรื่องและรหัสติดตามเรื่องให้ผู้แจ้งทันที "
            "ข้อมูลตัวตนของผู้แจ้ง (ถ้ามี) ถูกปิดผนึกด้วยการเข้ารหัสตั้งแต่ขณะรับเรื่อง"
        ),
    ),
    Status.SCREENING: Step(
        complaint=_l("เจ้าหน้าที่ตรวจสอบข้อเท็จจริงและพิจารณาว่าอยู่ในอำนาจหน้าที่หรือไม่"),
        tip=_l(
            "ผู้รับผิดชอบเรื่องแจ้งเบาะแสตรวจสอบข้อเท็จจริงเบื้องต้นว่าเรื่องมีมูลหรือไม่ "
            "และอยู่ในอำนาจหน้าที่ของหน่วยงานหรือไม่"
        ),
    ),
    Status.ASSIGNED: Step(
        complaint=_l("ส่งเรื่องให้กองหรือหน่วยงานที่รับผิดชอบ"),
        tip=_l(
            "เรื่องที่มีมูล เสนอผู้บริหารพิจารณาแต่งตั้งคณะกรรมการสืบสวนหรือสอบสวนข้อเท็จจริง โดยไม่เปิดเผยตัวผู้แจ้ง"
        ),
    ),
    Status.IN_PROGRESS: Step(
        complaint=_l("หน่วยงานดำเนินการแก้ไข และแจ้งความคืบหน้า"),
        tip=_l(
            "สอบสวน และดำเนินการทางวินัย ทางแพ่ง หรือทางอาญาแก่ผู้กระทำผิดตามกฎหมายและระเบียบ "
            "พร้อมแจ้งความคืบหน้าให้ผู้แจ้งทราบทางหน้าติดตามเรื่อง"
        ),
    ),
    Status.RESOLVED: Step(
        complaint=_l("แจ้งผลการดำเนินการให้ผู้ร้องเรียนทราบ"),
        tip=_l("แจ้งผลการดำเนินการให้ผู้แจ้งทราบทางหน้าติดตามเรื่อง โดยไม่เปิดเผยข้อมูลที่ระบุตัวผู้แจ้ง"),
    ),
    Status.REJECTED: Step(
        complaint=_l(
            "เรื่องที่ไม่อยู่ในอำนาจหน้าที่ หรือไม่อาจรับพิจารณาได้ จะยุติเรื่อง โดยแจ้งเหตุผลให้ผู้ร้องเรียนทราบทุกครั้ง"
        ),
        tip=_l("เบาะแสที่ไม่มีมูล หรือมีข้อมูลไม่พอที่จะตรวจสอบได้ จะยุติเรื่อง โดยแจ้งเหตุผลให้ผู้แจ้งทราบ"),
    ),
    Status.REFERRED: Step(
        complaint=_l(
            "เรื่องที่หน่วยงานอื่นมีอำนาจดำเนินการ จะส่งต่อไปยังหน่วยงานนั้น และแจ้งให้ผู้ร้องเรียนทราบว่าส่งต่อไปที่ใด"
        ),
        tip=_l(
            "เรื่องที่อยู่ในอำนาจของหน่วยงานอื่น เช่น สำนักงาน ป.ป.ช. สำนักงาน ป.ป.ท. "
            "หรือสำนักงานการตรวจเงินแผ่นดิน "
            "จะส่งต่อไปยังหน่วยงานนั้น และแจ้งให้ผู้แจ้งทราบว่าส่งต่อไปที่ใด"
        ),
    ),
}

PDF_UNAVAILABLE = _l(
    "ขณะนี้ระบบยังสร้างไฟล์ PDF ของคู่มือไม่ได้ ท่านอ่านคู่มือฉบับเต็มได้ที่หน้า "
    "“คู่มือการจัดการเรื่องร้องเรียน” ของเว็บไซต์นี้ และพิมพ์จากเบราว์เซอร์ได้ "
    "โปรดลองดาวน์โหลดอีกครั้งภายหลัง"
)
