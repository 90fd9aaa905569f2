"""Thai wording for demo cases: places, people, and what staff write back.

Combined at random with the topics of ``demo.topics``, a few dozen templates make a demo
queue read like a real one without any real person in it. E-mail addresses use the
reserved example.com domain; national IDs only have a valid check digit.
"""

from __future__ import annotations

import random

from intake.models import CaseKind
from intake.validators import national_id_check_digit

VILLAGES = (
    "หนองบัว", "โนนสูง", "ดอนแดง", "ห้วยทราย", "สระแก้ว", "หนองแวง",
    "โคกสว่าง", "นาดี", "ป่าตาล", "ท่าช้าง", "บ่อทอง", "หัวนา",
)  # fmt: skip
TEMPLES = ("วัดศรีสว่าง", "วัดโพธิ์ชัย", "วัดป่าสามัคคี", "วัดกลาง", "วัดสระทอง")
PLACES = (
    "ซอย {soi} หมู่ที่ {moo} บ้าน{village}",
    "หน้า{temple} หมู่ที่ {moo}",
    "ใกล้โรงเรียนบ้าน{village}",
    "ถนนสายบ้าน{village}–บ้าน{village2}",
    "ข้างตลาดสดชุมชนบ้าน{village}",
    "หน้าศาลาประชาคมหมู่ที่ {moo}",
    "ข้างโรงพยาบาลส่งเสริมสุขภาพตำบลบ้าน{village}",
)

REJECT_REASONS = {
    CaseKind.COMPLAINT: (
        "เรื่องดังกล่าวอยู่นอกเขตพื้นที่ความรับผิดชอบขององค์กร",
        "ข้อมูลไม่เพียงพอที่จะตรวจสอบได้ และไม่สามารถติดต่อผู้ร้องเพื่อขอข้อมูลเพิ่มเติมได้",
        "เป็นเรื่องข้อพิพาทระหว่างเอกชนซึ่งต้องดำเนินการทางศาล",
        "เป็นเรื่องเดียวกับที่ได้ดำเนินการแล้วเสร็จก่อนหน้านี้",
    ),
    CaseKind.TIP: (
        "ข้อมูลไม่เพียงพอที่จะตรวจสอบได้ ไม่ระบุตัวผู้ถูกกล่าวหาหรือพฤติการณ์ที่ชัดเจน",
        "ตรวจสอบเบื้องต้นแล้วไม่พบมูลตามที่แจ้ง",
        "เป็นเรื่องที่อยู่ระหว่างการพิจารณาของศาลหรือหน่วยงานอื่นแล้ว",
    ),
}

REFERRAL_MESSAGES = (
    "ได้ส่งเรื่องให้หน่วยงานที่มีอำนาจหน้าที่ดำเนินการแล้ว ท่านสามารถติดตามได้ที่หน่วยงานดังกล่าว",
    "เรื่องนี้อยู่ในอำนาจของหน่วยงานภายนอก จึงได้ส่งต่อพร้อมเอกสารประกอบแล้ว",
)
# (code of labels.REFERRAL, name for "other") per kind, with weights
REFERRALS = {
    CaseKind.COMPLAINT: (
        (("other", "การไฟฟ้าส่วนภูมิภาค"), 3.0),
        (("other", "การประปาส่วนภูมิภาค"), 2.0),
        (("other", "แขวงทางหลวงชนบท"), 2.0),
        (("damrongdham", None), 2.0),
        (("other", "สถานีตำรวจภูธร"), 1.0),
    ),
    CaseKind.TIP: (
        (("nacc", None), 4.0),
        (("pacc", None), 3.0),
        (("oag", None), 2.0),
        (("damrongdham", None), 1.0),
        (("other", "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด"), 1.0),
    ),
}

UPDATES = (
    "เจ้าหน้าที่ได้ลงพื้นที่ตรวจสอบแล้ว",
    "ได้ประสานผู้นำชุมชนเพื่อนัดหมายเข้าดำเนินการแล้ว",
    "ได้รับข้อมูลเพิ่มเติมจากท่านแล้ว ขอบคุณค่ะ",
    "หน่วยงานได้นำเรื่องเข้าแผนงานประจำเดือนแล้ว",
)
TIP_UPDATES = (
    "ได้รับเรื่องไว้พิจารณาและเก็บรักษาข้อมูลผู้แจ้งเป็นความลับแล้ว",
    "อยู่ระหว่างรวบรวมพยานเอกสาร",
)
NOTES = (
    "ประสานช่างเข้าสำรวจพื้นที่",
    "โทรแจ้งผู้ร้องแล้ว",
    "ขอข้อมูลเพิ่มจากหน่วยงานที่เกี่ยวข้อง",
    "เสนอผู้บริหารพิจารณา",
)
REOPEN_REASON = "ผู้ร้องแจ้งว่าปัญหากลับมาเกิดซ้ำหลังการแก้ไข"
REOPEN_MESSAGE = "เปิดเรื่องพิจารณาใหม่ตามที่ท่านแจ้งว่าปัญหายังไม่ได้รับการแก้ไข"
SURVEY_COMMENTS = (
    "เจ้าหน้าที่บริการดี ตอบกลับรวดเร็ว",
    "แก้ไขได้ตรงจุด ขอบคุณมากครับ",
    "ใช้เวลานานไปหน่อย แต่ก็แก้ไขให้",
    "อยากให้แจ้งความคืบหน้าบ่อยกว่านี้",
)

FIRST_NAMES = (
    ("นาย", "สมชาย", "somchai"), ("นาย", "ประเสริฐ", "prasert"), ("นาย", "วิชัย", "wichai"),
    ("นาย", "สุริยา", "suriya"), ("นาย", "ธนพล", "thanaphon"), ("นาย", "บุญมี", "boonmee"),
    ("นาง", "สมศรี", "somsri"), ("นาง", "มาลี", "malee"), ("นาง", "วันเพ็ญ", "wanphen"),
    ("นางสาว", "สุดารัตน์", "sudarat"), ("นางสาว", "กาญจนา", "kanchana"),
    ("นางสาว", "นภาพร", "napaporn"), ("นาง", "ปราณี", "pranee"), ("นาย", "เอกชัย", "ekkachai"),
)  # fmt: skip
LAST_NAMES = (
    "ใจดี", "ศรีสุข", "แสงทอง", "บุญมา", "พรหมมา", "สุขสวัสดิ์",
    "ทองคำ", "วงศ์ใหญ่", "มีสุข", "คำภา", "ศรีวงศ์", "ชัยมงคล",
)  # fmt: skip


def fill(rng: random.Random, template: str) -> str:
    """A template with its placeholders filled in."""
    if "{" not in template:
        return template
    first = rng.randrange(len(VILLAGES))
    village = VILLAGES[first]
    village2 = VILLAGES[(first + rng.randrange(1, len(VILLAGES))) % len(VILLAGES)]
    place = rng.choice(PLACES).format(
        soi=rng.randint(1, 12),
        moo=rng.randint(1, 14),
        village=village,
        village2=village2,
        temple=rng.choice(TEMPLES),
    )
    return template.format(place=place, weeks=rng.randint(2, 6), times=rng.randint(2, 5))


def place(rng: random.Random) -> str:
    return fill(rng, "{place}")


def _phone(rng: random.Random) -> str:
    """A mobile number as the forms store it (normalised: ten digits)."""
    return f"0{rng.choice('689')}{rng.randrange(10**8):08d}"


def national_id(rng: random.Random) -> str:
    """Thirteen digits with a valid check digit, as the forms require."""
    first = f"{rng.randint(1, 8)}{rng.randrange(10**11):011d}"
    return first + str(national_id_check_digit(first))


def person(rng: random.Random, *, full: bool) -> dict[str, str]:
    """A made-up person's contact details; ``full`` adds what a tipster may give."""
    title, first, latin = rng.choice(FIRST_NAMES)
    details = {"name": f"{title}{first} {rng.choice(LAST_NAMES)}"}
    if rng.random() < 0.9:
        details["phone"] = _phone(rng)
    if rng.random() < 0.3:
        details["email"] = f"{latin}{rng.randint(1, 999)}@example.com"
    if rng.random() < 0.6:
        details["address"] = (
            f"{rng.randint(1, 250)} หมู่ที่ {rng.randint(1, 14)} บ้าน{rng.choice(VILLAGES)}"
        )
    if full and rng.random() < 0.4:
        details["national_id"] = national_id(rng)
    return details
